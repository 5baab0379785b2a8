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


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel ``pip wheel .`` builds, from this checkout, without network access."""
    import shutil
    import subprocess
    import sys

    pytest.importorskip("setuptools", minversion="77")
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md", "LICENSE"):  # a copy: builds write build/
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "costofcare", source / "costofcare", ignore=shutil.ignore_patterns("__pycache__")
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(source)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    (built,) = out.glob("costofcare-*-py3-none-any.whl")
    return built


@pytest.mark.slow
def test_the_wheel_holds_the_package_data_license_and_command(wheel):
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "costofcare"
    for path in package.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            assert path.relative_to(ROOT).as_posix() in names, path
    assert not any(n.startswith(("tests/", "workbooks/", "notebooks/")) for n in names)
    dist = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
    metadata = zipfile.ZipFile(wheel).read(f"{dist}/METADATA").decode()
    assert "License-Expression: MIT" in metadata
    assert f"{dist}/licenses/LICENSE" in names
    entry_points = zipfile.ZipFile(wheel).read(f"{dist}/entry_points.txt").decode()
    assert "costofcare = costofcare.cli:main" in entry_points


@pytest.mark.slow
def test_the_installed_wheel_runs_away_from_the_source_tree(wheel, tmp_path):
    """Unpacked where no workbooks/ folder is beside it, as pip installs it: parameters load
    from package data and the example market comes from the cache, not from this checkout."""
    import os
    import subprocess
    import sys
    import zipfile

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "from costofcare.examples.inputs import default_folder\n"
        "from costofcare.parameters import load\n"
        "print(load().value('national_living_wage_hourly', on='2025-04-01'))\n"
        "print(default_folder())\n"
    )
    env = dict(os.environ, PYTHONPATH=str(site), COSTOFCARE_CACHE=str(tmp_path / "cache"))
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    wage, folder = run.stdout.split()
    assert float(wage) == 12.21  # the National Living Wage from 1 April 2025
    assert Path(folder) == tmp_path / "cache" / "example-market-0.1.0"
    assert (Path(folder) / "run.toml").is_file()
