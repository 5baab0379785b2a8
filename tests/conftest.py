"""Shared fixtures: the committed example market, read once per test run.

The example market (``workbooks/examples``: 66 provider returns, council tables, ``run.toml``)
is the most expensive input of the suite. It is ingested once, and the whole pipeline run on
it once, per test run, however many xdist workers there are (see
:mod:`tests.support.shared`). Both fixtures are shared by every test of a worker: read them,
and copy before changing anything (``copy.deepcopy``); the files a run wrote are shared by
every worker and must only be read.

Markers: tests that open LibreOffice, execute a notebook or use the example run are marked
``slow`` here as well, so ``pytest -m "not slow"`` is a quick loop while editing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.shared import once_per_run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "workbooks" / "examples"
EXAMPLE_RETURNS = EXAMPLES / "returns"
EXAMPLE_RUN_CONFIG = EXAMPLES / "run.toml"

#: Fixtures and markers that make a test slow (more than a few seconds on two cores).
SLOW_FIXTURES = ("example_ingest", "example_cli_run")
SLOW_MARKERS = ("libreoffice", "notebook")


def _ingest_example(_folder: Path):
    from costofcare.ingest import ingest_files

    return ingest_files([EXAMPLE_RETURNS], workers=1)


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def _run_example(folder: Path) -> dict:
    """``costofcare run`` on the example, with the pure ``run`` step watched for file writes."""
    from costofcare.cli import main
    from costofcare.pipeline import commands

    out, cwd = folder / "run", folder / "cwd"
    cwd.mkdir()
    seen: dict = {}
    real_run = commands.run

    def watched(config, **kwargs):
        before = _tree(EXAMPLES)
        result = real_run(config, **kwargs)
        seen.update(
            result=result,
            example_unchanged=_tree(EXAMPLES) == before,
            cwd_files=sorted(p.name for p in cwd.iterdir()),
            out_exists=out.exists(),
        )
        return result

    mp = pytest.MonkeyPatch()
    mp.setattr(commands, "run", watched)
    mp.chdir(cwd)
    try:
        args = ["run", str(EXAMPLE_RUN_CONFIG), "-o", str(out), "--workers", "1", "--no-progress"]
        seen["code"] = main(args)
    finally:
        mp.undo()
    seen["out"] = out
    return seen


@pytest.fixture(scope="session")
def example_ingest(tmp_path_factory):
    """``ingest_files`` of the example returns (an ``IngestResult``); read-only."""
    return once_per_run(tmp_path_factory, "example-ingest", _ingest_example)


@pytest.fixture(scope="session")
def example_cli_run(tmp_path_factory) -> dict:
    """``costofcare run`` on ``run.toml``, once per test run; read-only. Keys: ``code`` (exit
    code), ``out`` (output folder), ``result`` (the ``RunResult``), and what the pure ``run``
    step left behind: ``example_unchanged``, ``cwd_files``, ``out_exists``."""
    return once_per_run(tmp_path_factory, "example-run", _run_example)


def pytest_collection_modifyitems(config, items):
    for item in items:
        slow_marker = any(item.get_closest_marker(m) for m in SLOW_MARKERS)
        slow_fixture = any(f in getattr(item, "fixturenames", ()) for f in SLOW_FIXTURES)
        if slow_marker or slow_fixture:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def older_home_care(monkeypatch):
    """A home care template 2025.1, registered for the test, in which today's
    ``contact_hours_per_week`` was called ``hours_delivered_per_week`` (and the rename
    declared), as an older version a provider may still fill in; returns its spec."""
    import dataclasses

    from costofcare.ingest import versions as ingest_versions
    from costofcare.templates import spec as spec_module

    latest = spec_module.get_spec("home_care")

    def rename(item):
        if getattr(item, "id", "") == "contact_hours_per_week":
            return dataclasses.replace(item, id="hours_delivered_per_week")
        return item

    sheets = tuple(
        dataclasses.replace(
            sh,
            sections=tuple(
                dataclasses.replace(sec, items=tuple(rename(i) for i in sec.items))
                for sec in sh.sections
            ),
        )
        for sh in latest.sheets
    )
    older = dataclasses.replace(latest, version="2025.1", sheets=sheets)
    monkeypatch.setitem(spec_module._REGISTRY["home_care"], "2025.1", older)
    monkeypatch.setitem(
        ingest_versions.FIELD_RENAMES,
        "home_care",
        {"2026.1": {"hours_delivered_per_week": "contact_hours_per_week"}},
    )
    return older
