"""Re-execute the notebooks and keep their outputs, so they read on a code host as they run.

Every ``notebooks/*.ipynb`` is run top to bottom in a real Jupyter kernel (``python3``, from
the notebooks folder, as a reader would run it) and written back with its outputs. Outputs
are stable: the example market and the Monte Carlo are seeded, execution timings are not
recorded, and figures are drawn by matplotlib's Agg backend.

``--check`` writes nothing: it runs each notebook and compares its outputs with the committed
ones after :func:`normalise` (text/plain, stream and error text, with execution counts,
timings, memory addresses and temporary and local paths taken out; images by presence
only), and exits 1 naming each notebook whose committed outputs are out of date. The test
``tests/test_notebooks.py`` does the same.

Usage::

    python scripts/run_notebooks.py                    # re-run every notebook, write outputs
    python scripts/run_notebooks.py notebooks/03_benchmarking.ipynb
    python scripts/run_notebooks.py --check            # are the committed outputs current?

Needs the test or notebook extra (``pip install -e ".[test]"`` or ``".[notebook]"``).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TIMEOUT = 600

#: text that changes from run to run or machine to machine, and what it is replaced by
_VOLATILE = (
    (re.compile(r"0x[0-9a-fA-F]{6,}"), "0x..."),  # memory addresses in reprs
    (re.compile(r"\b\d+(\.\d+)?\s?(ms|µs|us|ns|s|sec|seconds|minutes)\b"), "<time>"),
    (re.compile(r"\b\d{1,2}:\d{2}(:\d{2})?\b"), "<clock>"),  # progress bars, timestamps
    (re.compile(r"costofcare-[A-Za-z-]*[A-Za-z0-9_]{8}"), "costofcare-<tmp>"),  # mkdtemp names
)


def notebooks() -> list[Path]:
    """Every notebook in ``notebooks/``, in name order (new ones are picked up)."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def _text(value) -> str:
    text = _scrub("".join(value) if isinstance(value, list) else str(value))
    text = text.replace(tempfile.gettempdir(), "<tmp>")
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _output(out) -> tuple:
    kind = out.get("output_type")
    if kind == "stream":
        return ("stream", out.get("name"), _text(out.get("text", "")))
    if kind == "error":
        return ("error", out.get("ename"), _text(out.get("evalue", "")))
    data = out.get("data", {})
    images = tuple(sorted(k for k in data if k.startswith("image/")))
    return ("data", _text(data.get("text/plain", "")), images)


def normalise(book) -> list[list[tuple]]:
    """What a reader sees of each code cell's outputs, without what varies between runs.

    One list per code cell: ``("stream", name, text)``, ``("error", name, message)`` or
    ``("data", text/plain, image types present)``; consecutive stream pieces of one name are
    joined first (the kernel may split a stream anywhere).
    """
    cells = []
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        outputs: list = []
        for out in cell.get("outputs", []):
            if (
                out.get("output_type") == "stream"
                and outputs
                and outputs[-1].get("output_type") == "stream"
                and outputs[-1].get("name") == out.get("name")
            ):
                joined = "".join(outputs[-1]["text"]) + "".join(out["text"])
                outputs[-1] = {**outputs[-1], "text": joined}
            else:
                outputs.append(out)
        cells.append([_output(o) for o in outputs])
    return cells


def execute(path: Path):
    """The notebook at ``path`` run top to bottom in the ``python3`` kernel (a new copy)."""
    import nbclient
    import nbformat

    book = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(
        book,
        timeout=TIMEOUT,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return book


def _scrub(value):
    """Text with this checkout's absolute path made relative (committed outputs name no
    machine's folders)."""
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str):
        for sep in {"/", os.sep}:
            value = value.replace(f"{ROOT}{sep}", "")
        return value.replace(str(ROOT), ".")
    return value


def write(book, path: Path) -> None:
    """Save an executed notebook: outputs kept, local paths made relative, no timings."""
    import nbformat

    for cell in book.cells:
        cell.get("metadata", {}).pop("execution", None)
        for out in cell.get("outputs", []):
            for key in ("text", "evalue", "traceback"):
                if key in out:
                    out[key] = _scrub(out[key])
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/"):
                    out["data"][mime] = _scrub(value)
    nbformat.write(book, path)


def stale(path: Path, book) -> list[str]:
    """How the outputs of ``book`` (just executed) differ from those committed at ``path``;
    empty when they are current."""
    import nbformat

    committed = normalise(nbformat.read(path, as_version=4))
    fresh = normalise(book)
    if len(committed) != len(fresh):
        return [f"{len(committed)} code cells committed, {len(fresh)} now"]
    return [
        f"code cell {n}: committed {old!r}, now {new!r}"
        for n, (old, new) in enumerate(zip(committed, fresh, strict=True), start=1)
        if old != new
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: all)")
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    paths = args.paths or notebooks()
    out_of_date = []
    for path in paths:
        book = execute(path)
        if args.check:
            differences = stale(path, book)
            if differences:
                out_of_date.append(path)
                print(f"{path.name}: outputs out of date", *differences[:3], sep="\n  ")
            else:
                print(f"{path.name}: current")
        else:
            write(book, path)
            print(f"{path.name}: outputs written")
    if out_of_date:
        print("re-run: python scripts/run_notebooks.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
