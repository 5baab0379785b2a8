"""Read many returns in parallel and gather them into tables.

:func:`iter_returns` reads files in worker processes (a few returns per task, results
streamed back in input order, so memory does not grow with the number of files);
:func:`iter_chunks` does the same and can run a ``pack`` step in the worker on each chunk;
:func:`ingest_files` collects everything into an :class:`IngestResult` of three
DataFrames; the command line streams instead
(:func:`costofcare.ingest.outputs.write_outputs`). After all files are read,
:class:`BatchTracker` flags returns sent twice (same provider, service and location) and
identical files.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import UserError
from ..tables.catalogue import RETURNS
from .archive import DEFAULT_LIMITS, ArchiveLimits
from .issues import ISSUE_COLUMNS, Issue
from .reader import VALUE_COLUMNS, ReturnResult, display_path, read_return, reject

RETURN_SUFFIXES = (".xlsx", ".xlsm", ".ods")
"""File types read as returns."""

SENT_AS_RETURN_SUFFIXES = (
    ".xls",
    ".xlsb",
    ".xlt",
    ".xltx",
    ".xltm",
    ".ots",
    ".fods",
    ".numbers",
    ".pdf",
    ".doc",
    ".docx",
    ".odt",
)
"""Other spreadsheet and document types a provider may send instead of a return: taken
from a folder too, so each is listed as rejected with the reason (an old .xls, a PDF)
and chased, not silently passed over."""

IGNORED_NAMES = (".", "~$")
"""Prefixes of files skipped in a folder: hidden files and Office lock files."""

#: Columns of the per-return status table, declared in :data:`costofcare.tables.RETURNS`.
RETURN_COLUMNS = RETURNS.names

STATUS_REJECTED = "rejected"
STATUS_ERRORS = "errors"
STATUS_WARNINGS = "warnings"
STATUS_CLEAN = "clean"


@dataclass
class IngestResult:
    """Everything read from a batch of returns.

    Attributes
    ----------
    values : one row per value read (:data:`~costofcare.ingest.reader.VALUE_COLUMNS`).
    issues : one row per problem (:data:`~costofcare.ingest.issues.ISSUE_COLUMNS`).
    returns : one row per file (:data:`RETURN_COLUMNS`) with its status: ``clean``,
        ``warnings``, ``errors`` or ``rejected``.
    """

    values: pd.DataFrame
    issues: pd.DataFrame
    returns: pd.DataFrame


def find_returns(paths: Iterable[str | Path], *, skipped: list[Path] | None = None) -> list[Path]:
    """Expand folders into the files in them to read as returns (recursively, sorted).

    Files named directly are kept whatever their type (they will be rejected with the
    reason if they are not workbooks). In folders, workbooks (:data:`RETURN_SUFFIXES`) and
    the spreadsheets and documents providers send instead (:data:`SENT_AS_RETURN_SUFFIXES`,
    rejected with the reason) are kept; hidden files and Office lock files (``~$...``) are
    passed over, and so are other files (notes, CSV lists), which are added to
    ``skipped`` when a list is given so the caller can say so.

    Raises
    ------
    UserError
        A path that does not exist.
    """
    wanted = RETURN_SUFFIXES + SENT_AS_RETURN_SUFFIXES
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if not f.is_file() or f.name.startswith(IGNORED_NAMES):
                    continue
                if f.suffix.lower() in wanted:
                    out.append(f)
                elif skipped is not None:
                    skipped.append(f)
        elif p.is_file():
            out.append(p)
        else:
            raise UserError(f"no such file or folder: {p}")
    return out


_WORKER_FLOORS = None


def _worker_init() -> None:
    global _WORKER_FLOORS
    if _WORKER_FLOORS is None:
        from .validate import WageFloors

        _WORKER_FLOORS = WageFloors()


def _warm_up(check_wages: bool) -> None:
    """Import the readers and load the wage floors here, before workers are started.

    Where workers are forked they inherit all of it instead of each loading it again;
    elsewhere the pool's initializer loads it in each worker.
    """
    from ..templates.spec import SERVICES, get_spec
    from . import validate  # noqa: F401  (imported for the workers to inherit)
    from .layout import layout_for

    for service in SERVICES:
        try:
            layout_for(get_spec(service))
        except ImportError:  # pragma: no cover - no writer installed
            break
    if check_wages:
        _worker_init()


def _read_one(args: tuple[str, ArchiveLimits, bool]) -> ReturnResult:
    path, limits, check_wages = args
    floors = None
    try:
        if check_wages:
            _worker_init()
            floors = _WORKER_FLOORS
        return read_return(path, wage_floors=floors, limits=limits)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a reader bug must not stop the batch: report it on the file
        result = ReturnResult(file=display_path(path))
        reject(result, "unreadable_workbook", f"internal error while reading ({_describe(exc)})")
        return result


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _crashed(path: str, why: str) -> ReturnResult:
    """The rejection of a file whose reading ended the process reading it."""
    result = ReturnResult(file=display_path(path))
    reject(
        result,
        "reader_crashed",
        f"reading the file stopped the process reading it ({why}); nothing was read from it",
    )
    return result


PackFunction = Callable[[list[ReturnResult]], object]
"""Work done in the worker on each chunk of results before it is sent back (e.g. turning
the values into an Arrow table and CSV bytes); must be a module-level function."""


def _pack(results: list[ReturnResult], pack: PackFunction | None) -> object:
    """``pack(results)``; if that fails, the results it fails on are rejected instead."""
    if pack is None:
        return None
    saved = [(list(r.values), r.values_moved) for r in results]
    try:
        return pack(results)
    except Exception:
        for i, (values, moved) in enumerate(saved):
            results[i].values, results[i].values_moved = values, moved
            try:
                pack([ReturnResult(file=results[i].file, values=list(values))])
            except Exception as exc:
                results[i] = ReturnResult(file=results[i].file, return_id=results[i].return_id)
                reject(
                    results[i],
                    "unreadable_workbook",
                    f"what was read could not be written out ({_describe(exc)})",
                )
        return pack(results)


def _read_chunk(
    args: tuple[list[str], ArchiveLimits, bool, PackFunction | None],
) -> tuple[list[ReturnResult], object]:
    paths, limits, check_wages, pack = args
    results = [_read_one((p, limits, check_wages)) for p in paths]
    return results, _pack(results, pack)


def _fresh_process(task: tuple) -> tuple[list[ReturnResult], object]:
    """Run one task in a new single-worker process; BrokenProcessPool if that process dies."""
    with ProcessPoolExecutor(max_workers=1, initializer=_worker_init) as pool:
        return pool.submit(_read_chunk, task).result()


def _isolate(task: tuple) -> tuple[list[ReturnResult], object]:
    """Re-read a chunk whose worker died: the whole chunk in a fresh process, and if that
    dies too, each file in its own fresh process; a file whose process dies is rejected as
    ``reader_crashed``."""
    try:
        return _fresh_process(task)
    except Exception:  # BrokenProcessPool, or anything else the chunk raised
        pass
    paths, limits, check_wages, pack = task
    results: list[ReturnResult] = []
    for path in paths:
        try:
            got, _ = _fresh_process(([path], limits, check_wages, None))
            results.extend(got)
        except BrokenProcessPool:
            results.append(_crashed(path, "the process ended abruptly, e.g. out of memory"))
        except Exception as exc:
            result = ReturnResult(file=display_path(path))
            reject(
                result, "unreadable_workbook", f"internal error while reading ({_describe(exc)})"
            )
            results.append(result)
    return results, _pack(results, pack)


def _pooled(tasks: list[tuple], workers: int) -> Iterator[tuple[list[ReturnResult], object]]:
    """Run ``tasks`` in a pool of ``workers`` processes and yield their results in order.

    When a worker dies (a native crash or the out-of-memory killer: ``BrokenProcessPool``),
    the first unfinished task is re-read by :func:`_isolate` and the rest go to a new pool.
    """
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    futures: list = [pool.submit(_read_chunk, t) for t in tasks]
    try:
        for i, task in enumerate(tasks):
            try:
                item = futures[i].result()
                futures[i] = None  # let the results go once handed over (memory stays flat)
            except BrokenProcessPool:
                pool.shutdown(wait=True, cancel_futures=True)
                item = _isolate(task)
                pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
                futures[i + 1 :] = [pool.submit(_read_chunk, t) for t in tasks[i + 1 :]]
            except Exception:  # the chunk raised (e.g. a result that cannot be sent back)
                item = _isolate(task)
            yield item
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def default_workers() -> int:
    """Worker processes to use: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def default_chunk(files: int, workers: int) -> int:
    """Files per task: up to 16, and at least 4 tasks per worker so the load stays even."""
    return max(1, min(16, math.ceil(files / (workers * 4))))


def iter_chunks(
    paths: Iterable[str | Path],
    *,
    workers: int | None = None,
    limits: ArchiveLimits = DEFAULT_LIMITS,
    check_wages: bool = True,
    progress: bool = False,
    pack: PackFunction | None = None,
    chunk: int | None = None,
) -> Iterator[tuple[list[ReturnResult], object]]:
    """Read returns in chunks (in worker processes when ``workers`` > 1), in input order.

    Each item is ``(results, packed)``: the chunk's :class:`ReturnResult` objects and what
    ``pack`` made of them in the worker (None without ``pack``). Results come back in input
    order and are not held once handed over, so memory does not grow with the number of
    files.

    Parameters
    ----------
    paths : files to read (use :func:`find_returns` to expand folders).
    workers : processes; None uses every available CPU, 1 reads in this process.
    limits : archive safety limits.
    check_wages : compare hourly pay with the dated wage floors.
    progress : show a progress bar on stderr.
    pack : a module-level function run on each chunk's results in the worker.
    chunk : files per task (default :func:`default_chunk`).
    """
    paths = [str(p) for p in paths]
    workers = default_workers() if workers is None else max(1, int(workers))
    workers = min(workers, max(1, len(paths)))
    size = chunk or default_chunk(len(paths), workers)
    tasks = [(paths[i : i + size], limits, check_wages, pack) for i in range(0, len(paths), size)]
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(paths), unit="return", file=sys.stderr, desc="ingest")
    if workers > 1:
        _warm_up(check_wages)
    items = _pooled(tasks, workers) if workers > 1 else map(_read_chunk, tasks)
    try:
        for item in items:
            if bar is not None:
                bar.update(len(item[0]))
            yield item
    finally:
        if bar is not None:
            bar.close()


def iter_returns(
    paths: Iterable[str | Path],
    *,
    workers: int | None = None,
    limits: ArchiveLimits = DEFAULT_LIMITS,
    check_wages: bool = True,
    progress: bool = False,
) -> Iterator[ReturnResult]:
    """Read returns one by one, in input order: :func:`iter_chunks` without a pack step
    (the parameters mean the same)."""
    for results, _ in iter_chunks(
        paths, workers=workers, limits=limits, check_wages=check_wages, progress=progress
    ):
        yield from results


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


class BatchTracker:
    """Keeps what is needed to flag duplicates across a batch (a few strings per return)."""

    def __init__(self) -> None:
        self.by_content: dict[str, list[str]] = {}
        self.by_location: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}

    def add(self, result: ReturnResult) -> None:
        """Record one return (rejected returns are only checked for identical content)."""
        if result.return_id:
            self.by_content.setdefault(result.return_id, []).append(result.file)
        if result.status == STATUS_REJECTED or not result.provider:
            return
        location = _norm(result.registration_number) or _norm(result.service_name)
        key = (result.service, _norm(result.provider), location)
        self.by_location.setdefault(key, []).append(
            (result.file, result.return_id, result.provider)
        )

    def issues(self) -> list[Issue]:
        """``duplicate_file`` and ``duplicate_provider`` warnings, one per file involved."""
        out: list[Issue] = []
        for return_id, files in self.by_content.items():
            if len(files) > 1:
                for f in files:
                    others = ", ".join(Path(o).name for o in files if o != f)
                    out.append(
                        Issue(
                            "duplicate_file",
                            f"this file has the same content as {others}",
                            file=f,
                            return_id=return_id,
                        )
                    )
        for (service, _, location), entries in self.by_location.items():
            if len({rid for _, rid, _ in entries}) > 1:
                for f, rid, provider in entries:
                    others = ", ".join(Path(o).name for o, r, _ in entries if r != rid)
                    if not others:
                        continue
                    where = f" ({location})" if location else ""
                    out.append(
                        Issue(
                            "duplicate_provider",
                            f"{provider}{where} also sent a {service} return in {others}; "
                            "both are kept separately",
                            file=f,
                            return_id=rid,
                            provider=provider,
                        )
                    )
        return out


def return_row(result: ReturnResult) -> tuple:
    """One :data:`RETURN_COLUMNS` row summarising a return."""
    listed = sum(1 for i in result.issues if i.severity == "error")
    errors = listed + result.hidden_errors
    warnings = len(result.issues) - listed + result.hidden_warnings
    if result.status == STATUS_REJECTED:
        status = STATUS_REJECTED
    elif errors:
        status = STATUS_ERRORS
    elif warnings:
        status = STATUS_WARNINGS
    else:
        status = STATUS_CLEAN
    return (
        result.return_id,
        result.file,
        status,
        result.provider,
        result.service,
        result.template_version,
        result.service_name,
        result.registration_number,
        result.period_start,
        result.period_end,
        result.located_by,
        result.values_read(),
        errors,
        warnings,
        result.reason_code,
        result.reason,
    )


def values_frame(rows: list[tuple]) -> pd.DataFrame:
    """Tidy value rows as a DataFrame with the contract's dtypes."""
    frame = pd.DataFrame.from_records(rows, columns=list(VALUE_COLUMNS))
    frame["row"] = frame["row"].astype(np.int64)
    frame["value"] = frame["value"].astype(np.float64)
    return frame


def issues_frame(issues: Iterable[Issue]) -> pd.DataFrame:
    """Issue rows as a DataFrame (:data:`ISSUE_COLUMNS`)."""
    return pd.DataFrame.from_records([i.as_row() for i in issues], columns=list(ISSUE_COLUMNS))


def returns_frame(rows: list[tuple]) -> pd.DataFrame:
    """Return summary rows as a DataFrame (:data:`RETURN_COLUMNS`)."""
    frame = pd.DataFrame.from_records(rows, columns=list(RETURN_COLUMNS))
    for col in ("values_read", "errors", "warnings"):
        frame[col] = frame[col].astype(np.int64)
    return frame


def apply_batch_issues(returns: pd.DataFrame, extra: list[Issue]) -> pd.DataFrame:
    """Count batch-level warnings into the return summary (status ``clean`` -> ``warnings``)."""
    if not extra or returns.empty:
        return returns
    counts = pd.Series([i.file for i in extra]).value_counts()
    returns = returns.copy()
    added = returns["file"].map(counts).fillna(0).astype(np.int64)
    returns["warnings"] += added
    bump = (added > 0) & (returns["status"] == STATUS_CLEAN)
    returns.loc[bump, "status"] = STATUS_WARNINGS
    return returns


def ingest_files(
    paths: Iterable[str | Path],
    *,
    workers: int | None = None,
    limits: ArchiveLimits = DEFAULT_LIMITS,
    check_wages: bool = True,
    progress: bool = False,
) -> IngestResult:
    """Read every return in ``paths`` (files or folders) into three tables.

    Parameters
    ----------
    paths : files and/or folders (folders are searched for .xlsx, .xlsm and .ods).
    workers : processes to use (None: all CPUs; 1: this process only).
    limits : archive safety limits.
    check_wages : compare hourly pay with the dated wage floors.
    progress : show a progress bar on stderr.

    Returns
    -------
    IngestResult

    Examples
    --------
    >>> result = ingest_files(["returns/"], workers=1)  # doctest: +SKIP
    >>> result.returns[["file", "status"]]               # doctest: +SKIP
    """
    files = find_returns(paths)
    values: list[tuple] = []
    issues: list[Issue] = []
    rows: list[tuple] = []
    tracker = BatchTracker()
    for result in iter_returns(
        files, workers=workers, limits=limits, check_wages=check_wages, progress=progress
    ):
        values.extend(result.values)
        issues.extend(result.issues)
        rows.append(return_row(result))
        tracker.add(result)
    extra = tracker.issues()
    issues.extend(extra)
    return IngestResult(
        values=values_frame(values),
        issues=issues_frame(issues),
        returns=apply_batch_issues(returns_frame(rows), extra),
    )
