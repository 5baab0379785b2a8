"""Command line: ``costofcare verify OUT`` and ``costofcare trace OUT --provider X``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..cli import add_verb
from ..errors import UserError

VERIFY_EXAMPLES = """\
examples:
  costofcare verify out/run
  costofcare verify out/run --hashes-only     outputs and inputs against the manifest only

Reads OUT/manifest.json, checks every output and input against the SHA-256 it records (a
changed input is named and nothing is recomputed), then runs the pipeline again from the
config into a temporary folder and compares every output; a CSV that differs shows its first
differing rows and figures.
exit codes: 0 the same outputs; 1 something differs (listed); 2 cannot verify (no or bad
            manifest, a missing input)
"""

TRACE_EXAMPLES = """\
examples:
  costofcare trace out/run --provider "Riverside Manor Ltd"
  costofcare trace out/run --provider "Riverside Manor Ltd" --line fixtures_fittings

Each unit cost line of the provider's market return, and the return cells it was worked
out from (file, sheet, cell, the value read): 'cost' cells are summed into the line's annual
cost, 'units' cells give the units it is divided by. From costs/trace.csv.
"""


def register(subparsers) -> None:
    """Add ``verify`` and ``trace`` to the ``costofcare`` command line."""
    v = add_verb(
        subparsers,
        "verify",
        _verify_command,
        help="recompute a run from its manifest and confirm the same outputs",
        description="Check a run's output folder against its manifest.json and recompute the "
        "run from the same inputs: exit code 0 when every output is the same, 1 listing what "
        "differs, 2 when it cannot be verified.",
        epilog=VERIFY_EXAMPLES,
    )
    v.add_argument("output", help="a run's output folder (holding manifest.json)")
    v.add_argument("--workers", type=int, default=None, help="processes for reading returns")
    v.add_argument(
        "--hashes-only", action="store_true", help="check the hashes only; do not recompute"
    )
    t = add_verb(
        subparsers,
        "trace",
        _trace_command,
        help="trace a provider's unit costs to the return cells they came from",
        description="List a provider's market unit cost lines with the return cells each was "
        "worked out from (costs/trace.csv of a run's output folder).",
        epilog=TRACE_EXAMPLES,
    )
    t.add_argument("output", help="a run's output folder")
    t.add_argument("--provider", required=True, help="the provider's name, as in the returns")
    t.add_argument("--service", help="only this service type")
    t.add_argument("--line", help="only this cost line (its slug, e.g. fixtures_fittings)")


def _verify_command(args) -> int:
    from .verify import SAME, verify

    verdict = verify(args.output, workers=args.workers, recompute=not args.hashes_only)
    for line in verdict.lines:
        print(line)
    if verdict.code == SAME:
        what = "hashes match the manifest" if args.hashes_only else "recomputed: the same outputs"
        print(f"{args.output}: {what}")
    return verdict.code


def _trace_command(args) -> int:
    path = Path(args.output) / "costs" / "trace.csv"
    if not path.is_file():
        raise UserError(f"{path} does not exist: give a run's output folder")
    trace = pd.read_csv(path, dtype={"return_id": str, "cell": str, "raw": str})
    rows = trace[trace["provider"] == args.provider]
    if rows.empty:
        raise UserError(f"{path}: no provider {args.provider!r} in the market")
    for key in ("service", "line"):
        if getattr(args, key):
            rows = rows[rows[key] == getattr(args, key)]
            if rows.empty:
                raise UserError(f"{path}: {args.provider!r} has no {key} {getattr(args, key)!r}")
    print(format_trace(rows))
    return 0


def format_trace(rows: pd.DataFrame) -> str:
    """Each line's cost per unit, then its cells (part, sheet!cell, field, value read)."""
    out = []
    for (service, return_id, line), group in rows.groupby(
        ["service", "return_id", "line"], sort=False
    ):
        first = group.iloc[0]
        out.append(
            f"{service} {line}: £{first['cost_per_unit']:,.4f} per {first['unit']} "
            f"(return {return_id}, {Path(str(first['file'])).name})"
        )
        for cell in group.itertuples():
            if isinstance(cell.cell, str):
                ref = f"{cell.sheet}!{cell.cell}"
                out.append(f"  {cell.part:<6} {ref:<14} {cell.field} = {cell.raw}")
    return "\n".join(out)
