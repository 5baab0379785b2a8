"""``costofcare params``: the dated parameters in force on a date, with their sources."""

from __future__ import annotations

import datetime as dt
import sys

import pandas as pd

from ..cli import add_verb
from .store import load

EXAMPLES = """\
examples:
  costofcare params --on 2025-04-01
  costofcare params --on 2025-04-06 --format csv > params-2025-26.csv
  costofcare params --series national_living_wage_hourly
  costofcare params --on 2027-04-01 --overrides council-pay-policy.csv
  costofcare params --index CPI --from 2024-09 --to 2025-09

Rates are fractions (0.15 = 15%). Flags: unconfirmed (not seen in a source), derived
(computed from published figures), secondary (quoted by a third party), conflict (sources
disagree: see the note), projection / forecast (not an outturn), override (yours).
"""


def register(subparsers) -> None:
    p = add_verb(
        subparsers,
        "params",
        run,
        help="show the dated parameters (wage floors, NI, pensions, indices) in force on a date",
        description="Show the official figures in force on a date, each with its effective "
        "period, flags and source; or one parameter's history; or a price index change.",
        epilog=EXAMPLES,
    )
    p.add_argument("--on", default=None, help="date, YYYY-MM-DD (default: today)")
    p.add_argument("--series", metavar="NAME", help="show the whole history of one parameter")
    p.add_argument("--index", metavar="INDEX", help="a price index (CPI, CPIH, RPI) to compare")
    p.add_argument("--from", dest="start", metavar="PERIOD", help="start period for --index")
    p.add_argument("--to", dest="end", metavar="PERIOD", help="end period for --index")
    p.add_argument("--overrides", metavar="CSV", help="user values that take precedence")
    p.add_argument("--format", choices=["table", "csv"], default="table")


def run(args) -> int:
    params = load(overrides=args.overrides) if args.overrides else load()
    if args.index:
        start = args.start or "2024-09"
        end = args.end or "2025-09"
        ratio = params.index_ratio(args.index, start, end)
        frame = pd.DataFrame(
            [
                {
                    "index": args.index.upper(),
                    "from": start,
                    "to": end,
                    "level_from": params.index_level(args.index, start),
                    "level_to": params.index_level(args.index, end),
                    "ratio": ratio,
                    "change_pct": (ratio - 1) * 100,
                }
            ]
        )
    elif args.series:
        frame = params.history(args.series)
        frame.insert(0, "name", args.series)
    else:
        on = args.on or dt.date.today().isoformat()
        frame = params.in_force(on)
        if args.format == "table":
            print(f"Parameters in force on {on} ({len(frame)}); rates are fractions.\n")
    _emit(frame, args.format)
    return 0


def _emit(frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
        return
    shown = frame.copy()
    if "source_title" in shown:
        shown["source"] = shown["source_title"].str.slice(0, 70)
        shown = shown.drop(
            columns=[c for c in ("source_title", "source_url", "note", "description") if c in shown]
        )
    if "effective_to" in shown:
        shown["effective_to"] = shown["effective_to"].map(
            lambda d: "open" if d is None or pd.isna(d) else d
        )
    if "value" in shown:
        shown["value"] = shown["value"].map(lambda v: f"{v:,.4f}".rstrip("0").rstrip("."))
    with pd.option_context(
        "display.max_rows", None, "display.max_colwidth", 80, "display.width", 250
    ):
        print(shown.to_string(index=False))
