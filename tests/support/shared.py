"""Build an expensive test input once per test run, even when pytest-xdist runs many workers.

Each xdist worker is its own pytest session, so a session fixture alone would still build once
per worker. :func:`once_per_run` keeps the first worker's result as a pickle in the run's
shared temporary folder (``getbasetemp().parent`` under xdist), guarded by a file lock, and
the other workers load it: the pattern the pytest-xdist documentation gives for this. Without
xdist the session's own temporary folder is used, so concurrent test runs never share files.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from filelock import FileLock

T = TypeVar("T")


def run_folder(tmp_path_factory) -> Path:
    """The temporary folder every worker of this test run shares."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once_per_run(tmp_path_factory, name: str, build: Callable[[Path], T]) -> T:
    """``build(folder)`` the first time any worker asks for ``name`` in this run; a copy after.

    ``folder`` is a fresh folder the build may write files into; they stay for the whole run,
    so tests must only read them. The value must pickle.
    """
    root = run_folder(tmp_path_factory)
    stored = root / f"{name}.pickle"
    with FileLock(str(root / f"{name}.lock")):
        if stored.is_file():
            return pickle.loads(stored.read_bytes())
        folder = root / name
        folder.mkdir(exist_ok=True)
        value = build(folder)
        stored.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return value
