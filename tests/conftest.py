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
SLOW_FIXTURES = ("example_ingest", "example_run")
SLOW_MARKERS = ("libreoffice", "notebook")


def _ingest_example(_folder: Path):
    from costofcare.ingest import ingest_files

    return ingest_files([EXAMPLE_RETURNS], workers=1)


def _run_example(folder: Path):
    from costofcare.pipeline import run

    out = folder / "run"
    return run(EXAMPLE_RUN_CONFIG, out, workers=1, progress=False, say=lambda _: None), out


@pytest.fixture(scope="session")
def example_ingest(tmp_path_factory):
    """``ingest_files`` of the example returns (an ``IngestResult``); read-only."""
    return once_per_run(tmp_path_factory, "example-ingest", _ingest_example)


@pytest.fixture(scope="session")
def example_run(tmp_path_factory):
    """``(RunResult, output folder)`` of the pipeline on ``run.toml``; read-only."""
    return once_per_run(tmp_path_factory, "example-run", _run_example)


def pytest_collection_modifyitems(config, items):
    for item in items:
        slow_marker = any(item.get_closest_marker(m) for m in SLOW_MARKERS)
        slow_fixture = any(f in getattr(item, "fixturenames", ()) for f in SLOW_FIXTURES)
        if slow_marker or slow_fixture:
            item.add_marker(pytest.mark.slow)
