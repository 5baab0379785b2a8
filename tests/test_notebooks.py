"""Every notebook runs top to bottom in a real Jupyter kernel, and its committed outputs are the
ones it gives now (so what a reader sees on the code host is current).

Every ``notebooks/*.ipynb`` is picked up; ``python scripts/run_notebooks.py`` re-runs them and
writes their outputs (the comparison rules are in that script's ``normalise``).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NAMES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
RERUN = "re-run them: python scripts/run_notebooks.py"


def _runner():
    spec = importlib.util.spec_from_file_location(
        "run_notebooks", ROOT / "scripts/run_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


runner = _runner()


def test_the_script_picks_up_every_notebook():
    assert NAMES, "notebooks/ holds the worked examples"
    assert [p.name for p in runner.notebooks()] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_with_outputs_and_no_local_paths(name):
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), f"{name} has cells not run; {RERUN}"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), (
        f"{name} was run out of order; {RERUN}"
    )
    assert any(c.outputs for c in code)
    text = (NOTEBOOKS / name).read_text(encoding="utf-8")
    assert str(ROOT) not in text, f"{name} shows this machine's folder"
    assert not any(o.output_type == "error" for c in code for o in c.outputs)


def test_normalise_ignores_what_varies_between_runs():
    def book(text, count, image):
        data = {"text/plain": text, **({"image/png": image} if image else {})}
        cell = nbformat.v4.new_code_cell(
            "x",
            execution_count=count,
            outputs=[
                nbformat.v4.new_output("execute_result", data=data, execution_count=count),
                nbformat.v4.new_output("stream", name="stdout", text="took 1.52 s\n"),
                nbformat.v4.new_output("stream", name="stdout", text=f"in {ROOT}/out\n"),
            ],
        )
        return nbformat.v4.new_notebook(cells=[cell])

    one = book("<Figure at 0x7f3a2b1c9d90>", 1, "iVBOR...A")
    two = book("<Figure at 0x7f00deadbeef>", 7, "iVBOR...B")
    assert runner.normalise(one) == runner.normalise(two)
    assert runner.normalise(one) == [
        [("data", "<Figure at 0x...>", ("image/png",)), ("stream", "stdout", "took <time>\nin out")]
    ]
    assert runner.normalise(book("a number: 41", 1, None)) != runner.normalise(
        book("a number: 42", 1, None)
    )
    assert runner.normalise(one) != runner.normalise(book("<Figure at 0x7f3a2b1c9d90>", 1, None))


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
def test_notebook_runs_and_its_committed_outputs_are_current(name):
    started = time.perf_counter()
    book = runner.execute(NOTEBOOKS / name)
    elapsed = time.perf_counter() - started
    outputs = [out for cell in book.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    assert any("image/png" in out.get("data", {}) for out in outputs), f"{name} drew no figure"
    assert any("text/html" in out.get("data", {}) for out in outputs), f"{name} shows no table"
    assert elapsed < 120, f"{name} took {elapsed:.0f} s"
    differences = runner.stale(NOTEBOOKS / name, book)
    assert not differences, f"{name}: committed outputs are out of date ({RERUN}):\n" + "\n".join(
        differences[:3]
    )
