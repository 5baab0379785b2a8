"""``costofcare params``: the dated parameters in force on a date, with their sources."""

from __future__ import annotations

import datetime as dt
import os
import sys

import pandas as pd

from ..cli import add_verb
from ..csvout import write_csv
from ..errors import ParameterError
from .dates import to_date
from .loader import STATUSES
from .statutory import OPTIONAL_FIGURES, STATUTORY_PARAMETERS
from .store import Parameters, load

EXAMPLES = """\
examples:
  costofcare params --on 2025-04-01
  costofcare params --on 2025-04-06 --format csv > params-2025-26.csv
  costofcare params --series national_living_wage_hourly
  costofcare params --on 2027-04-06 --status announced,forecast,assumption
  costofcare params --on 2027-04-01 --overrides council-pay-policy.csv
  costofcare params --index CPI --from 2024-09 --to 2025-09

Rates are fractions (0.15 = 15%). Status: confirmed (set in law or published as final),
announced (announced, not yet law), forecast (an official forecast), assumption (carried
forward, from recollection, or yours). Flags: unconfirmed (a detail such as the start date
not seen in a source), derived (computed from published figures), secondary (quoted by a
third party), conflict (sources disagree: see the note), superseded, override (yours).
A date the data does not cover for the statutory on-cost figures is an error (exit 2).
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
    p.add_argument(
        "--status",
        metavar="LIST",
        help=f"only figures with these statuses, comma-separated ({', '.join(STATUSES)})",
    )
    p.add_argument("--overrides", metavar="CSV", help="user values that take precedence")
    p.add_argument("--format", choices=["table", "csv"], default="table")


def run(args) -> int:
    params = load(overrides=args.overrides) if args.overrides else load()
    header = None
    if args.index:
        frame = _index_change(params, args.index, args.start, args.end)
    elif args.series:
        frame = params.history(args.series)
        frame.insert(0, "name", args.series)
    else:
        on = to_date(args.on, what="--on").isoformat() if args.on else dt.date.today().isoformat()
        check_covered(params, on)
        statuses = args.status.split(",") if args.status else None
        frame = params.in_force(on, statuses=statuses)
        if args.format == "table":
            header = f"Parameters in force on {on} ({len(frame)}); rates are fractions.\n"
    return _write(frame, args.format, header)


def check_covered(params: Parameters, on: str) -> None:
    """Raise a one-line error when the statutory on-cost figures have no value on ``on``.

    A date is covered when every statutory figure a price needs
    (:data:`~costofcare.parameters.STATUTORY_PARAMETERS`, less the ones that exist only in
    some periods) has a value on it.
    """
    needed = [n for f, n in STATUTORY_PARAMETERS.items() if f not in OPTIONAL_FIGURES]
    missing = params.missing(needed, on)
    if not missing:
        return
    starts, ends = zip(*(params.coverage(n) for n in needed), strict=True)
    last = min((e for e in ends if e is not None), default=None)
    span = f"{max(starts).isoformat()} to {last.isoformat() if last else 'open-ended'}"
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    raise ParameterError(
        f"no data for {on}: no value for {shown} (the statutory figures are covered "
        f"{span}); supply the missing figures with --overrides FILE (see docs/parameters.md)"
    )


def _index_change(params: Parameters, index: str, start: str | None, end: str | None):
    start = start or "2024-09"
    end = end or "2025-09"
    ratio = params.index_ratio(index, start, end)
    return pd.DataFrame(
        [
            {
                "index": index.upper(),
                "from": start,
                "to": end,
                "level_from": params.index_level(index, start),
                "level_to": params.index_level(index, end),
                "ratio": ratio,
                "change_pct": (ratio - 1) * 100,
            }
        ]
    )


def _write(frame: pd.DataFrame, fmt: str, header: str | None) -> int:
    """Print the result; a reader that stops early (``| head``) ends the output quietly."""
    try:
        if header:
            print(header)
        _emit(frame, fmt)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader has gone: point stdout at devnull so the final flush cannot fail too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return 0


def _emit(frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        write_csv(frame, sys.stdout)
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
