"""Installing with pip alone: metadata, package data and the example market without a clone."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_license_is_an_spdx_expression_with_its_file():
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"
    for name in project["license-files"]:
        assert (ROOT / name).is_file()
    # PEP 639 strings need setuptools 77 or later to build
    assert "setuptools>=77" in PYPROJECT["build-system"]["requires"]


def test_every_data_file_of_the_package_is_declared_package_data():
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["costofcare"]
    package = ROOT / "costofcare"
    data = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    assert data, "the package has data files (parameters, example market settings)"
    missing = [
        name
        for name in data
        if not any(fnmatch.fnmatch(name, pattern.replace("**/", "*/")) for pattern in patterns)
    ]
    assert not missing, f"not declared as package data, so left out of a wheel: {missing}"


def test_notebook_extra_brings_jupyterlab():
    extra = PYPROJECT["project"]["optional-dependencies"]["notebook"]
    assert any(req.startswith("jupyterlab") for req in extra)
    assert any(req.startswith("matplotlib") for req in extra)


def test_readme_installs_without_make_on_each_platform():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Install with pip", 1)[1].split("\n## ", 1)[0]
    assert "python -m pip install ." in section
    assert ".venv\\Scripts\\python -m pip install ." in section  # Windows
    assert "pipx install ." in section
    assert "[notebook]" in section
    assert "make demo" not in section and "make test" not in section


@pytest.mark.slow
def test_without_a_source_tree_the_example_is_generated_once_into_the_cache(tmp_path, monkeypatch):
    from costofcare.examples import inputs

    monkeypatch.setenv("COSTOFCARE_CACHE", str(tmp_path / "cache"))
    folder = inputs.generated_folder()
    assert folder.parent == tmp_path / "cache"
    assert (folder / "run.toml").is_file() and (folder / "COMPLETE").is_file()
    committed = ROOT / "workbooks" / "examples"
    returns = sorted(p.name for p in (folder / "returns").iterdir())
    assert returns == sorted(p.name for p in (committed / "returns").iterdir())
    for name in ("current_rates.csv", "volumes.csv"):
        assert (folder / name).read_bytes() == (committed / name).read_bytes(), name
    generated = tomllib.loads((folder / "run.toml").read_text(encoding="utf-8"))
    expected = tomllib.loads((committed / "run.toml").read_text(encoding="utf-8"))
    assert expected["run"].pop("supported_living_nights") == "spread"  # the default
    assert generated == expected
    stamp = (folder / "run.toml").stat().st_mtime_ns
    assert inputs.generated_folder() == folder  # reused, not written again
    assert (folder / "run.toml").stat().st_mtime_ns == stamp
