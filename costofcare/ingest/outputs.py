"""Write what ingest read: tidy values, issues and returns (CSV and Parquet) and the
validation workbook, streaming the values so memory stays flat however many files there are.

Files written to the output folder:

``values.parquet`` / ``values.csv``
    one row per value read (the tidy contract, :data:`~costofcare.ingest.reader.VALUE_COLUMNS`);
``issues.parquet`` / ``issues.csv``
    one row per problem (:data:`~costofcare.ingest.issues.ISSUE_COLUMNS`);
``returns.parquet`` / ``returns.csv``
    one row per file with its status (:data:`~costofcare.ingest.batch.RETURN_COLUMNS`);
``validation.xlsx``
    the workbook a commissioning officer works from
    (:func:`costofcare.ingest.workbook.write_validation_workbook`).

:func:`write_outputs` reads and writes as it goes; :func:`write_ingest_result` writes the same
files from an :class:`~costofcare.ingest.batch.IngestResult` already in memory.

Parquet keeps provider text exactly as typed. The CSV files are written by
:mod:`costofcare.csvout`, the writer of every CSV the package writes: text that a spreadsheet
would run as a formula (starting ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, other
than a plain number) gets a leading ``'``, so opening a CSV in Excel cannot execute provider
text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..csvout import arrow_csv_bytes, write_csv
from .archive import DEFAULT_LIMITS, ArchiveLimits
from .batch import (
    BatchTracker,
    IngestResult,
    apply_batch_issues,
    issues_frame,
    iter_chunks,
    return_row,
    returns_frame,
)
from .issues import Issue
from .reader import VALUE_COLUMNS

VALUES_SCHEMA = pa.schema(
    [
        ("return_id", pa.string()),
        ("provider", pa.string()),
        ("service", pa.string()),
        ("template_version", pa.string()),
        ("table", pa.string()),
        ("row", pa.int64()),
        ("field", pa.string()),
        ("value", pa.float64()),
        ("text", pa.string()),
        ("unit", pa.string()),
        ("file", pa.string()),
        ("sheet", pa.string()),
        ("cell", pa.string()),
        ("raw", pa.string()),
    ]
)
assert tuple(VALUES_SCHEMA.names) == VALUE_COLUMNS

FLUSH_ROWS = 50_000
"""Value rows buffered before they are written out."""


@dataclass
class IngestSummary:
    """Counts and paths from :func:`write_outputs`."""

    outdir: Path
    files: int
    rejected: int
    with_errors: int
    values: int
    errors: int
    warnings: int
    paths: dict[str, Path]
    returns: pd.DataFrame
    issues: pd.DataFrame


def values_table(rows: list[tuple]) -> pa.Table:
    """Tidy value rows as an Arrow table (:data:`VALUES_SCHEMA`), without going through pandas."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in VALUE_COLUMNS]
    arrays = [
        pa.array(col, type=field.type) for col, field in zip(columns, VALUES_SCHEMA, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=VALUES_SCHEMA)


@dataclass
class PackedValues:
    """The values of a chunk of returns, made ready for the output files in the worker.

    Attributes
    ----------
    table : the rows as an Arrow table (:data:`VALUES_SCHEMA`), for Parquet.
    csv : the same rows as CSV bytes without the header line, formula-like text defused.
    """

    table: pa.Table
    csv: bytes


def pack_values(results: list) -> PackedValues:
    """Move the values of a chunk of :class:`~costofcare.ingest.reader.ReturnResult` into a
    :class:`PackedValues` (run in the worker, so the main process only appends bytes)."""
    rows: list[tuple] = []
    for result in results:
        rows.extend(result.values)
        result.values_moved += len(result.values)
        result.values = []
    table = values_table(rows)
    return PackedValues(table, arrow_csv_bytes(table, header=False))


def _csv_header() -> bytes:
    return arrow_csv_bytes(values_table([]))


class _ValueSink:
    """Appends packed values to ``values.parquet`` (row groups of about
    :data:`FLUSH_ROWS`) and ``values.csv``."""

    def __init__(self, outdir: Path, formats: tuple[str, ...]) -> None:
        self.formats = formats
        self.csv_path = outdir / "values.csv"
        self.parquet_path = outdir / "values.parquet"
        self.pending: list[pa.Table] = []
        self.pending_rows = 0
        self.rows = 0
        self.parquet = None
        self.csv = None
        if "csv" in formats:
            self.csv = open(self.csv_path, "wb")  # noqa: SIM115 - closed in close()
            self.csv.write(_csv_header())

    def add(self, packed: PackedValues) -> None:
        self.rows += packed.table.num_rows
        if self.csv is not None:
            self.csv.write(packed.csv)
        if "parquet" in self.formats and packed.table.num_rows:
            self.pending.append(packed.table)
            self.pending_rows += packed.table.num_rows
            if self.pending_rows >= FLUSH_ROWS:
                self.flush()

    def flush(self) -> None:
        if "parquet" not in self.formats:
            return
        if self.parquet is None:
            self.parquet = pq.ParquetWriter(self.parquet_path, VALUES_SCHEMA)
        if self.pending:
            self.parquet.write_table(pa.concat_tables(self.pending))
        self.pending = []
        self.pending_rows = 0

    def close(self) -> None:
        self.flush()
        for writer in (self.parquet, self.csv):
            if writer is not None:
                writer.close()


def write_outputs(
    files: Iterable[str | Path],
    outdir: str | Path,
    *,
    workers: int | None = None,
    limits: ArchiveLimits = DEFAULT_LIMITS,
    check_wages: bool = True,
    progress: bool = False,
    formats: tuple[str, ...] = ("csv", "parquet"),
    workbook: bool = True,
    chunk: int | None = None,
) -> IngestSummary:
    """Read ``files`` and write every output to ``outdir`` (created if needed).

    The workers turn each chunk's values into an Arrow table and CSV bytes
    (:func:`pack_values`); this process appends them to the files as they arrive, keeping
    only issues and the per-return summary (a few rows per return) until the end for the
    validation workbook.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    sink = _ValueSink(outdir, formats)
    issues: list[Issue] = []
    rows: list[tuple] = []
    tracker = BatchTracker()
    try:
        for results, packed in iter_chunks(
            files,
            workers=workers,
            limits=limits,
            check_wages=check_wages,
            progress=progress,
            pack=pack_values,
            chunk=chunk,
        ):
            sink.add(packed)
            for result in results:
                issues.extend(result.issues)
                rows.append(return_row(result))
                tracker.add(result)
    finally:
        sink.close()
    extra = tracker.issues()
    issues.extend(extra)
    issues_df = issues_frame(issues)
    returns_df = apply_batch_issues(returns_frame(rows), extra)
    return _finish(outdir, sink, returns_df, issues_df, formats, workbook)


def _finish(
    outdir: Path,
    sink: _ValueSink,
    returns_df: pd.DataFrame,
    issues_df: pd.DataFrame,
    formats: tuple[str, ...],
    workbook: bool,
) -> IngestSummary:
    """Write issues, returns and the validation workbook beside the values; the summary."""
    paths: dict[str, Path] = {}
    for name, frame in (("issues", issues_df), ("returns", returns_df)):
        if "parquet" in formats:
            paths[f"{name}.parquet"] = outdir / f"{name}.parquet"
            frame.to_parquet(paths[f"{name}.parquet"], index=False)
        if "csv" in formats:
            paths[f"{name}.csv"] = outdir / f"{name}.csv"
            write_csv(frame, paths[f"{name}.csv"])
    if "parquet" in formats:
        paths["values.parquet"] = sink.parquet_path
    if "csv" in formats:
        paths["values.csv"] = sink.csv_path
    if workbook:
        from .workbook import write_validation_workbook

        paths["validation.xlsx"] = write_validation_workbook(
            returns_df, issues_df, outdir / "validation.xlsx"
        )
    errors = int((issues_df["severity"] == "error").sum()) if len(issues_df) else 0
    return IngestSummary(
        outdir=outdir,
        files=len(returns_df),
        rejected=int((returns_df["status"] == "rejected").sum()),
        with_errors=int((returns_df["status"] == "errors").sum()),
        values=sink.rows,
        errors=errors,
        warnings=len(issues_df) - errors,
        paths=paths,
        returns=returns_df,
        issues=issues_df,
    )


def values_arrow(values: pd.DataFrame) -> pa.Table:
    """A tidy values DataFrame as an Arrow table (:data:`VALUES_SCHEMA`), as the streaming
    writer builds it: NaN stays NaN in ``value``; missing text is null."""
    arrays = []
    for field in VALUES_SCHEMA:
        column = values[field.name]
        if pa.types.is_floating(field.type):
            arrays.append(pa.array(column.to_numpy(dtype="float64"), type=field.type))
        elif pa.types.is_integer(field.type):
            arrays.append(pa.array(column.to_numpy(dtype="int64"), type=field.type))
        else:
            arrays.append(
                pa.array(column.to_numpy(dtype=object), type=field.type, from_pandas=True)
            )
    return pa.Table.from_arrays(arrays, schema=VALUES_SCHEMA)


def write_ingest_result(
    result: IngestResult,
    outdir: str | Path,
    *,
    formats: tuple[str, ...] = ("csv", "parquet"),
    workbook: bool = True,
) -> IngestSummary:
    """Write an :class:`~costofcare.ingest.batch.IngestResult` held in memory (e.g. from
    :func:`~costofcare.ingest.batch.ingest_files`) to ``outdir``: the same files, in the
    same form, as :func:`write_outputs` streams while reading."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    sink = _ValueSink(outdir, formats)
    try:
        for start in range(0, len(result.values), FLUSH_ROWS):
            table = values_arrow(result.values.iloc[start : start + FLUSH_ROWS])
            sink.add(PackedValues(table, arrow_csv_bytes(table, header=False)))
    finally:
        sink.close()
    return _finish(outdir, sink, result.returns, result.issues, formats, workbook)
