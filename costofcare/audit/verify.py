"""``costofcare verify OUT``: recompute a run from its manifest and confirm the same outputs.

In order:

1. read ``OUT/manifest.json`` (missing or not a manifest: cannot verify);
2. hash every file in ``OUT`` against the manifest: a file changed, missing or added since
   the run is named;
3. hash every input the manifest lists (the config, each return, the council's files, files
   the config names, the shipped parameters) and look for returns added to the returns
   folder: a changed or added input is named and nothing is recomputed (the run would differ
   for that reason alone); a missing input means the run cannot be verified;
4. run the pipeline again from the config into a temporary folder, writing the time the
   manifest recorded, and compare each output's SHA-256 with the manifest; for a CSV that
   differs, the first differing rows and figures are shown, for a workbook the parts that
   differ.

:func:`verify` returns a :class:`Verdict`: ``code`` 0 (the same outputs), 1 (something
differs, listed in ``lines``) or 2 (cannot verify: a missing input or a bad manifest).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import __version__
from .manifest import MANIFEST, MANIFEST_VERSION, sha256_file

__all__ = ["SAME", "DIFFERS", "CANNOT_VERIFY", "Verdict", "verify", "csv_differences"]

SAME, DIFFERS, CANNOT_VERIFY = 0, 1, 2
#: Differing rows shown per CSV file, and figures per row.
ROWS_SHOWN, CELLS_SHOWN = 3, 4


@dataclass
class Verdict:
    """What :func:`verify` found: ``code`` (0 same, 1 differs, 2 cannot verify) and one line
    per finding."""

    code: int
    lines: list[str] = field(default_factory=list)


class _CannotVerify(Exception):
    pass


def _load(outdir: Path) -> dict:
    path = outdir / MANIFEST
    if not path.is_file():
        raise _CannotVerify(f"{path} does not exist: only a run's output folder can be verified")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("manifest_version") != MANIFEST_VERSION:
            raise ValueError(f"manifest_version {data.get('manifest_version')!r} is not 1")
        dt.datetime.fromisoformat(data["written"])
        for entry in [*data["inputs"], *data["outputs"]]:
            if not isinstance(entry["path"], str) or len(entry["sha256"]) != 64:
                raise ValueError(f"bad entry {entry!r}")
        for entry in data["outputs"]:
            _inside(entry["path"])
        str(data["config"]["path"]), str(data["returns_folder"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _CannotVerify(f"{path} is not a valid manifest: {exc}") from None
    return data


def _inside(relative: str) -> PurePosixPath:
    """An output path of the manifest, refused if it would leave the output folder."""
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"output path {relative!r} is outside the output folder")
    return path


def _files(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` but the manifest: relative path -> SHA-256."""
    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder) != Path(MANIFEST)
    }


def _check_outputs(outdir: Path, recorded: dict[str, str]) -> list[str]:
    """The files of ``outdir`` changed, missing or added since the run."""
    present = _files(outdir)
    lines = [f"output missing: {p}" for p in recorded if p not in present]
    lines += [f"output not written by the run: {p}" for p in present if p not in recorded]
    lines += [
        f"output changed since the run: {p}"
        for p, digest in present.items()
        if p in recorded and recorded[p] != digest
    ]
    return lines


def _check_inputs(manifest: dict) -> list[str]:
    """Inputs changed or added since the run; raises when one is missing."""
    missing, lines = [], []
    for entry in manifest["inputs"]:
        path = Path(entry["path"])
        if not path.is_file():
            missing.append(f"{entry.get('role', 'input')} {path}")
        elif sha256_file(path) != entry["sha256"]:
            lines.append(f"input changed: {path} ({entry.get('role', 'input')})")
    if missing:
        raise _CannotVerify("input missing: " + "; ".join(missing))
    from ..ingest.batch import find_returns

    folder = Path(manifest["returns_folder"])
    if not folder.exists():
        raise _CannotVerify(f"input missing: returns folder {folder}")
    known = {e["path"] for e in manifest["inputs"] if e.get("role") == "return"}
    lines += [
        f"input added: {p} (a return in the returns folder the run did not read)"
        for p in (str(Path(f).resolve()) for f in find_returns([folder]))
        if p not in known
    ]
    return lines


def _recompute(manifest: dict, workers: int | None) -> tuple[Path, tempfile.TemporaryDirectory]:
    """The run again from the config, into a temporary folder, at the manifest's time."""
    from ..pipeline import run, write_run

    holder = tempfile.TemporaryDirectory(prefix="costofcare-verify-")
    out = Path(holder.name) / "run"
    result = run(manifest["config"]["path"], workers=workers)
    write_run(result, out, written=dt.datetime.fromisoformat(manifest["written"]))
    return out, holder


def verify(outdir: str | Path, *, workers: int | None = None, recompute: bool = True) -> Verdict:
    """Check a run's output folder against its manifest and, unless ``recompute`` is false,
    recompute the run and compare (see the module notes).

    Parameters
    ----------
    outdir : the folder ``costofcare run`` (or ``demo``) wrote.
    workers : processes for reading returns when recomputing.
    recompute : false to check the hashes of the outputs and inputs only.
    """
    outdir = Path(outdir)
    try:
        manifest = _load(outdir)
        recorded = {e["path"]: e["sha256"] for e in manifest["outputs"]}
        lines = _check_outputs(outdir, recorded)
        changed_inputs = _check_inputs(manifest)
    except _CannotVerify as exc:
        return Verdict(CANNOT_VERIFY, [f"cannot verify: {exc}"])
    if manifest.get("package_version") != __version__:
        lines.append(
            f"note: written by costofcare {manifest.get('package_version')}, checked with "
            f"{__version__}"
        )
    if changed_inputs:
        return Verdict(DIFFERS, [*changed_inputs, *lines])
    if recompute:
        again, holder = _recompute(manifest, workers)
        with holder:
            lines += _compare(outdir, again, recorded)
    differs = any(not line.startswith("note:") for line in lines)
    return Verdict(DIFFERS if differs else SAME, lines)


def _compare(outdir: Path, again: Path, recorded: dict[str, str]) -> list[str]:
    """The outputs whose recomputed hash is not the manifest's, with what differs."""
    recomputed = _files(again)
    lines = [f"not written when recomputed: {p}" for p in recorded if p not in recomputed]
    lines += [f"written only when recomputed: {p}" for p in recomputed if p not in recorded]
    for path, digest in recomputed.items():
        if path not in recorded or recorded[path] == digest and _same_file(outdir, path, digest):
            continue
        lines.append(f"differs from the recomputed run: {path}")
        ours = outdir / path
        if ours.is_file():
            lines += [f"  {d}" for d in _details(ours, again / path)]
    return lines


def _same_file(outdir: Path, path: str, digest: str) -> bool:
    ours = outdir / path
    return ours.is_file() and sha256_file(ours) == digest


def _details(ours: Path, theirs: Path) -> list[str]:
    if ours.suffix.lower() == ".csv":
        return csv_differences(ours, theirs)
    if zipfile.is_zipfile(ours) and zipfile.is_zipfile(theirs):
        return _zip_differences(ours, theirs)
    return []


def csv_differences(ours: str | Path, theirs: str | Path, rows: int = ROWS_SHOWN) -> list[str]:
    """The first ``rows`` differing rows of two CSV files, each with its differing figures:
    ``line 5 (Riverside Manor Ltd, care_home): cost_per_unit 1.97 in the output, 2.04
    recomputed``; and the row counts when they differ."""
    left, right = _rows(ours), _rows(theirs)
    if not left or not right or left[0] != right[0]:
        return ["the columns differ"]
    header, lines = left[0], []
    for number, (x, y) in enumerate(zip(left[1:], right[1:], strict=False), start=2):
        if x == y:
            continue
        cells = [
            f"{header[i] if i < len(header) else i} {a!r} in the output, {b!r} recomputed"
            for i, (a, b) in enumerate(zip(x, y, strict=False))
            if a != b
        ][:CELLS_SHOWN]
        lines.append(f"line {number} ({', '.join(x[:2])}): " + "; ".join(cells))
        if len(lines) == rows:
            break
    if len(left) != len(right):
        lines.append(f"{len(left) - 1} rows in the output, {len(right) - 1} recomputed")
    return lines


def _rows(path: str | Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _zip_differences(ours: Path, theirs: Path) -> list[str]:
    """The parts of two zip files (workbooks) whose contents differ."""
    with zipfile.ZipFile(ours) as a, zipfile.ZipFile(theirs) as b:
        left = {i.filename: i.CRC for i in a.infolist()}
        right = {i.filename: i.CRC for i in b.infolist()}
    names = sorted(n for n in left.keys() | right.keys() if left.get(n) != right.get(n))
    return [f"parts that differ: {', '.join(names)}"] if names else []
