"""The one way a command writes an output folder: complete or absent, never stale.

:func:`output_folder` hands out a hidden temporary folder beside the target
(``.<name>.<random>.partial``); the caller writes every file into it, and only when the
``with`` block ends without an error is it renamed into place. So the output folder either
holds the whole output or is not there. If writing fails or is interrupted, the temporary
folder is removed (a hard kill such as ``SIGKILL`` or a power cut can leave it behind, never
a partial output folder; it is safe to delete).

An output folder that exists and is not empty is refused unless ``replace=True``, which
replaces it whole (the old folder is moved aside, and deleted only once the new one is in
place), so no file of an earlier output survives beside the new ones. A folder that is or
holds one of the inputs, or lies inside an input folder, is always refused: inputs are never
modified. ``costofcare run``, ``demo``, ``ingest``, ``scenarios`` and ``benchmark`` all write
through here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import UserError

__all__ = ["OutputFolderError", "check_output_folder", "output_folder"]

PARTIAL = ".partial"
"""Suffix of the temporary folder an output is written into."""


class OutputFolderError(UserError):
    """An output folder that cannot be written: not empty (and not to be replaced), a file,
    or holding the inputs."""


def check_output_folder(
    outdir: str | Path, *, replace: bool = False, inputs: Iterable[str | Path] = ()
) -> Path:
    """Refuse an output folder a command must not write to, before any work is done.

    Parameters
    ----------
    outdir : the output folder asked for.
    replace : whether an existing, non-empty folder may be replaced whole.
    inputs : the input files and folders; for a run the first is the returns folder.

    Returns
    -------
    The folder, resolved (symbolic links followed).

    Raises
    ------
    OutputFolderError
        ``outdir`` is a file; it exists, is not empty and ``replace`` is false; it is, or
        holds, one of ``inputs``; or it lies inside an input folder.
    """
    target = Path(outdir).resolve()
    inputs = [Path(p).resolve() for p in inputs]
    for path in inputs:
        if path == target or target in path.parents:
            raise OutputFolderError(
                f"output folder {outdir} holds the input {path}: choose another folder"
            )
    for number, path in enumerate(inputs):
        if path.is_dir() and path in target.parents:
            what = "the returns folder" if number == 0 else "the input folder"
            raise OutputFolderError(
                f"output folder {outdir} is inside {what} {path}: choose another folder"
            )
    if target.exists() and not target.is_dir():
        raise OutputFolderError(f"output folder {outdir} is a file")
    if not replace and target.is_dir() and any(target.iterdir()):
        raise OutputFolderError(
            f"output folder {outdir} already exists and is not empty: choose a new folder or "
            "replace it whole with --replace"
        )
    return target


@contextmanager
def output_folder(
    outdir: str | Path, *, replace: bool = False, inputs: Iterable[str | Path] = ()
) -> Iterator[Path]:
    """A temporary folder to write an output into, renamed to ``outdir`` when the block ends.

    ``outdir`` is checked first (:func:`check_output_folder`) and again just before the
    rename (nothing may have appeared there meanwhile). Paths written under the temporary
    folder map to ``outdir`` by :meth:`pathlib.Path.relative_to`.

    Examples
    --------
    >>> with output_folder("out/tables", replace=True) as staging:   # doctest: +SKIP
    ...     write_csv(frame, staging / "table.csv")
    """
    target = check_output_folder(outdir, replace=replace, inputs=inputs)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=PARTIAL, dir=target.parent))
    try:
        yield staging
        check_output_folder(outdir, replace=replace)
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _move_into_place(staging: Path, target: Path) -> None:
    """Rename the finished ``staging`` folder to ``target``; an existing ``target`` is moved
    aside first and deleted only once the new folder is in place (put back on failure)."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.rename(target, old / target.name)
    try:
        os.rename(staging, target)
    except BaseException:
        if old is not None:
            os.rename(old / target.name, target)
            old.rmdir()
        raise
    if old is not None:
        shutil.rmtree(old)
