"""``costofcare ingest``: read completed returns into tidy tables and a validation workbook."""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

from ..cli import add_verb, progress_wanted
from ..errors import EXIT_OK, EXIT_VALIDATION_ERRORS, UserError
from ..outfolder import output_folder
from .archive import DEFAULT_LIMITS

EXAMPLES = """\
examples:
  costofcare ingest returns/ -o out/ingest
      read every .xlsx, .xlsm and .ods under returns/ (all CPUs) and write
      values.csv/.parquet, issues.csv/.parquet, returns.csv/.parquet and validation.xlsx;
      an .xls, .pdf or other document sent instead is listed as rejected, with the reason
  costofcare ingest returns/ late/acme.xlsx -o out/ingest --workers 2
  costofcare ingest returns/ -o out/ingest --format parquet --no-progress

what it does:
  Each file is checked before it is parsed (size once inflated, number and names of
  parts, encryption, DTDs); formulas are never evaluated and macros never run; files
  are only read. Inputs are found by their named cells and tables, or by their labels
  when those are gone (the issues say so). Values are read the way people type them
  ("£1,234.50", "12.5%", 15 in a percentage field, "N/A", "nil", "-", dates as text or
  serials): anything assumed is a warning, anything unreadable an error naming the cell.
  A file that cannot be read as a template is listed as rejected with the reason and
  the batch carries on.

outputs (in the -o folder, written whole or not at all: a temporary folder beside it is
renamed when complete; an existing, non-empty folder is refused unless --replace):
  values.*       one row per value read, with provider, field, unit, file, sheet, cell, raw text
  issues.*       one row per problem: severity, code, file, sheet, cell, field, message, raw value
  returns.*      one row per file and its status (clean, warnings, errors, rejected)
  validation.xlsx  Returns (status of each), To chase (per provider), Key

exit codes: 0 all read (warnings allowed); 3 some returns rejected or with errors;
            2 a usage mistake (e.g. no such folder)
"""


def register(subparsers) -> None:
    """Add the ``ingest`` verb."""
    p = add_verb(
        subparsers,
        "ingest",
        run,
        help="read completed provider returns into tidy tables and a validation workbook",
        description="Read completed cost of care returns (xlsx, xlsm, ods), check every "
        "value, and write tidy values, issues, a per-return status and a validation "
        "workbook for chasing providers.",
        epilog=EXAMPLES,
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="return files or folders of them")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the outputs")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes (default: every CPU available; 1 reads in one process)",
    )
    p.add_argument(
        "--format",
        default="csv,parquet",
        metavar="LIST",
        help="table formats to write, comma-separated: csv, parquet (default: both)",
    )
    p.add_argument("--no-workbook", action="store_true", help="do not write validation.xlsx")
    p.add_argument(
        "--no-wage-check",
        action="store_true",
        help="skip comparing hourly pay with the wage floor in force for the period",
    )
    p.add_argument(
        "--max-file-mb",
        type=float,
        default=DEFAULT_LIMITS.max_file_bytes / 2**20,
        metavar="MB",
        help=f"reject files larger than this (default {DEFAULT_LIMITS.max_file_bytes // 2**20})",
    )
    p.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change a limit on untrusted input, e.g. max_text_length=500 (repeatable; "
        "docs/ingest.md lists every limit and its default)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace an existing, non-empty output folder whole (refused without it)",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``costofcare ingest``; returns the exit code."""
    from .batch import find_returns
    from .outputs import write_outputs

    formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
    unknown = sorted(set(formats) - {"csv", "parquet"})
    if unknown or not formats:
        raise UserError(f"--format: choose csv and/or parquet (got {args.format!r})")
    if args.workers is not None and args.workers < 1:
        raise UserError(f"--workers must be 1 or more (got {args.workers})")
    if args.max_file_mb <= 0:
        raise UserError(f"--max-file-mb must be positive (got {args.max_file_mb})")
    skipped: list = []
    files = find_returns(args.paths, skipped=skipped)
    if not files:
        raise UserError(
            "no returns found (looked for .xlsx, .xlsm and .ods files in: "
            + ", ".join(args.paths)
            + ")"
        )
    from .limits import limits_from_options

    limits = replace(DEFAULT_LIMITS, max_file_bytes=int(args.max_file_mb * 2**20))
    limits = limits_from_options(getattr(args, "limit", []), base=limits)
    started = time.perf_counter()
    with output_folder(args.output, replace=args.replace, inputs=files) as staging:
        summary = write_outputs(
            files,
            staging,
            workers=args.workers,
            limits=limits,
            check_wages=not args.no_wage_check,
            progress=progress_wanted(args),
            formats=formats,
            workbook=not args.no_workbook,
        )
    out = Path(args.output)
    summary.paths = {name: out / p.relative_to(staging) for name, p in summary.paths.items()}
    seconds = time.perf_counter() - started
    read = summary.files - summary.rejected
    print(
        f"{summary.files} file(s): {read} read, {summary.rejected} rejected, "
        f"{summary.with_errors} with errors; {summary.values} values; "
        f"{summary.errors} error(s), {summary.warnings} warning(s)"
    )
    print(f"read, checked and written in {seconds:.1f} s ({summary.files / seconds:.0f} files/s)")
    if skipped:
        from .reader import display_path

        shown = ", ".join(display_path(f.name) for f in skipped[:5])
        shown += ", ..." if len(skipped) > 5 else ""
        print(f"passed over {len(skipped)} file(s) that are not returns: {shown}")
    for name, path in summary.paths.items():
        print(f"  {name:<17} {path}")
    if summary.rejected or summary.with_errors:
        return EXIT_VALIDATION_ERRORS
    return EXIT_OK
