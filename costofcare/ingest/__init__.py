"""ingest step: read completed returns, coerce and check every cell, report issues.

Public API::

    ingest_files(paths, workers=None) -> IngestResult(values, issues, returns)
    read_return(path, wage_floors=None) -> ReturnResult        # one file, never raises
    write_outputs(files, outdir, workers=None) -> IngestSummary  # streamed CSV/Parquet + workbook
    write_validation_workbook(returns, issues, path) -> Path
    coerce(cell, kind, choices=()) -> Coerced                    # one cell, as people type it
    ReturnFiller(service).fill(path, values, tables); example_return(service, seed)

See ``docs/ingest.md`` for the rules.
"""

from .archive import ArchiveLimits, check_archive
from .batch import IngestResult, find_returns, ingest_files, iter_returns
from .coerce import Coerced, coerce
from .issues import ISSUE_CODES, ISSUE_COLUMNS, Issue, Rejected
from .outputs import IngestSummary, write_outputs
from .reader import VALUE_COLUMNS, ReturnResult, read_return
from .validate import WageFloors
from .workbook import write_validation_workbook

_LAZY = {"ReturnFiller", "example_return", "fill_return"}
"""Exports loaded on first use: the filler needs openpyxl, which reading returns does not, so
``costofcare ingest`` starts without it."""


def __getattr__(name: str):
    if name in _LAZY:
        from . import fill

        return getattr(fill, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ISSUE_CODES",
    "ISSUE_COLUMNS",
    "VALUE_COLUMNS",
    "ArchiveLimits",
    "Coerced",
    "IngestResult",
    "IngestSummary",
    "Issue",
    "Rejected",
    "ReturnFiller",
    "ReturnResult",
    "WageFloors",
    "check_archive",
    "coerce",
    "example_return",
    "fill_return",
    "find_returns",
    "ingest_files",
    "iter_returns",
    "read_return",
    "write_outputs",
    "write_validation_workbook",
]


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY)
