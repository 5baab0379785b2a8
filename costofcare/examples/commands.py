"""``costofcare example-market -o DIR``: write the seeded example market to a folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cli import add_verb
from ..errors import EXIT_OK, UserError

EXAMPLES = """\
examples:
  costofcare example-market -o workbooks/examples          regenerate the committed example
  costofcare example-market -o /tmp/market --seed 7        another market, same shape
  costofcare example-market -o /tmp/small --home-care 5 --care-homes 4 --supported-living 2
  costofcare example-market -o /tmp/clean --no-faults      clean returns only

writes to DIR:
  returns/*.xlsx         one return per provider in the real templates (a few spoiled)
  returns/MANIFEST.csv   each deliberate fault and messy entry, with the issue ingest reports
  current_rates.csv      the council's current rate per provider (framework or spot)
  volumes.csv            commissioned volume a week per provider
  comparators.csv        what other councils pay, with sources
  run.toml               an example run config (scenarios and recommendations)
  truth.csv              each provider's clean cost per unit, before any fault
  register.csv, ratings.csv, indicators.csv, published_distributions.csv
                         the council's register, CQC ratings and local monitoring for the
                         [market] table of run.toml (a few faults on purpose)

The same seed always writes the same files, byte for byte.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_verb(
        subparsers,
        "example-market",
        run,
        help="write a seeded synthetic market of provider returns, rates and volumes",
        description="Generate a synthetic market of care providers (home care, care homes, "
        "supported living) whose costs, volumes and pay follow published figures, fill "
        "their returns into the real templates (a deliberate minority with the faults "
        "real returns have) and write the council's current rates, volumes, comparators and "
        "an example run config beside them.",
        epilog=EXAMPLES,
    )
    p.add_argument("-o", "--output", type=Path, required=True, help="folder to write to")
    p.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    p.add_argument("--home-care", type=int, default=30, help="home care providers (30)")
    p.add_argument("--care-homes", type=int, default=25, help="care homes (25)")
    p.add_argument(
        "--supported-living", type=int, default=10, help="supported living services (10)"
    )
    p.add_argument("--no-faults", action="store_true", help="write clean returns only (no faults)")


def run(args: argparse.Namespace) -> int:
    from .market import generate_market
    from .write import write_market

    for flag, n in (
        ("--home-care", args.home_care),
        ("--care-homes", args.care_homes),
        ("--supported-living", args.supported_living),
    ):
        if n < 0 or n > 500:
            raise UserError(f"{flag} must be a whole number from 0 to 500, not {n}")
    if args.output.exists() and not args.output.is_dir():
        raise UserError(f"{args.output} exists and is not a folder")
    market = generate_market(
        seed=args.seed,
        n_home_care=args.home_care,
        n_care_homes=args.care_homes,
        n_supported_living=args.supported_living,
        faults=not args.no_faults,
    )
    paths = write_market(market, args.output)
    faults = sum(1 for e in market.entries if e.kind == "fault")
    print(
        f"wrote {len(market.returns)} returns ({faults} with a deliberate fault) to "
        f"{paths['returns']}; council tables and run.toml in {args.output}"
    )
    return EXIT_OK
