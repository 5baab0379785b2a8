"""Each notebook runs top to bottom on the bundled example in a real Jupyter kernel."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = (
    "01_quickstart.ipynb",
    "02_living_wage_scenarios.ipynb",
    "03_benchmarking.ipynb",
    "04_monte_carlo_and_budget.ipynb",
    "05_full_run.ipynb",
    "06_market_quality.ipynb",
)


def test_every_notebook_is_tested_and_committed_without_outputs():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES)
    for name in NAMES:
        book = nbformat.read(NOTEBOOKS / name, as_version=4)
        for cell in book.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, name


def test_python3_kernel_is_this_python():
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    exe = spec.argv[0]
    assert (
        exe in ("python", "python3", "{python}", sys.executable)
        or Path(exe).resolve() == Path(sys.executable).resolve()
    ), exe


@pytest.mark.notebook
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(name):
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        book, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    started = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - started
    errors = [
        out
        for cell in book.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert not errors
    images = [
        out
        for cell in book.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if "image/png" in out.get("data", {})
    ]
    assert images, f"{name} drew no figure"
    tables = [
        out
        for cell in book.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if "text/html" in out.get("data", {})
    ]
    assert tables, f"{name} shows no table"
    assert elapsed < 120, f"{name} took {elapsed:.0f} s"
