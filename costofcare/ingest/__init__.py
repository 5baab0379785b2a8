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
from .fill import ReturnFiller, example_return, fill_return
from .issues import ISSUE_CODES, ISSUE_COLUMNS, Issue, Rejected
from .outputs import IngestSummary, write_outputs
from .reader import VALUE_COLUMNS, ReturnResult, read_return
from .validate import WageFloors
from .workbook import write_validation_workbook

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
