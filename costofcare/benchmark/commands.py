"""``costofcare benchmark``: local market statistics, comparator ranking, nearest neighbours."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..cli import add_verb, read_checked
from ..csvout import write_csv
from ..errors import UserError
from ..outfolder import output_folder
from .comparators import (
    BASIS_KINDS,
    rank_position,
    read_comparators,
    roll_forward,
    select_comparators,
    shipped_comparators,
)
from .market import MarketBenchmark, MarketDataError
from .neighbours import NearestNeighbours

EXAMPLES = """\
examples:
  # local market: statistics per cost line, outliers, positions, coverage of our rates
  costofcare benchmark --unit-costs unit_costs.csv --volumes volumes.csv \\
      --rate home_care=23.50 --proposed-rate home_care=25.00 -o out/benchmark

  # comparators: the shipped council rates rolled to 2025-26 prices with CPI (April to April)
  costofcare benchmark --our-rate care_home_residential_65=760 --authority Doncaster \\
      --region "Yorkshire and the Humber" --to 2025-26 -o out/benchmark

  # your own comparator workbook, all bases kept, and the 5 nearest neighbours
  costofcare benchmark --comparators rates.xlsx --basis all --our-rate home_care=24.10 \\
      --authority Barnsley --to 2025-26 --characteristics characteristics.csv \\
      --neighbours 5 --weight population_65_plus=2 --log population_65_plus -o out/benchmark

Quantiles match Excel's QUARTILE.INC / PERCENTILE.INC; volume-weighted quantiles reduce to
them when volumes are equal. A financial year such as 2024-25 stands for its April index
(--anchor average uses the April-March average instead). Shipped comparator rates are
facts with sources, but many are client charges or council maximum payments: by default
only provider fees are compared (--basis all keeps every row).

The output folder is written whole or not at all (a temporary folder beside it, renamed when
complete); an existing, non-empty folder is refused unless --replace replaces it whole.

tables written to the output folder (CSV, those the inputs allow):
  market_statistics.csv  provider_positions.csv  outliers.csv  rate_coverage.csv
  comparators.csv  comparator_ranking.csv  comparator_summary.csv  nearest_neighbours.csv
"""


def register(subparsers) -> None:
    p = add_verb(
        subparsers,
        "benchmark",
        run,
        help="benchmark provider costs (quartiles, outliers, coverage) and comparator rates",
        description="Benchmark the local market (cost statistics per line, weighted and "
        "unweighted, outliers, each provider's position, the share of providers and volume "
        "a rate covers) and comparator authorities (rates rolled to common prices, our rank "
        "and percentile, regional median, nearest neighbours).",
        epilog=EXAMPLES,
    )
    _market_options(p.add_argument_group("local market"))
    _comparator_options(p.add_argument_group("comparator authorities"))
    near = p.add_argument_group("nearest neighbours")
    near.add_argument("--characteristics", metavar="FILE", help="authority characteristics (CSV)")
    near.add_argument("--neighbours", type=int, default=5, metavar="K", help="how many (5)")
    near.add_argument(
        "--weight", action="append", default=[], metavar="NAME=W", help="characteristic weight"
    )
    near.add_argument("--log", action="append", default=[], metavar="NAME", help="use log(NAME)")
    p.add_argument("-o", "--out", metavar="DIR", required=True, help="folder for the tables")
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace an existing, non-empty output folder whole (refused without it)",
    )


def _market_options(market) -> None:
    """The local market options of ``costofcare benchmark``."""
    market.add_argument("--unit-costs", metavar="FILE", help="unit-cost table (CSV, XLSX, Parquet)")
    market.add_argument("--volumes", metavar="FILE", help="volumes table for weighted figures")
    market.add_argument(
        "--rate",
        metavar="SERVICE=RATE",
        action="append",
        default=[],
        help="our current rate for a service (repeatable)",
    )
    market.add_argument(
        "--proposed-rate",
        metavar="SERVICE=RATE",
        action="append",
        default=[],
        help="our proposed rate for a service (repeatable)",
    )
    market.add_argument("--outlier-rule", choices=["tukey", "mad"], default="tukey")
    market.add_argument(
        "--fence", type=float, default=None, help="k for Tukey (1.5), limit for MAD (3.5)"
    )
    market.add_argument(
        "--exclude",
        choices=["line", "provider"],
        default="line",
        help="outliers leave their own line (default), or the whole provider when its total is one",
    )


def _comparator_options(comp) -> None:
    """The comparator authority options of ``costofcare benchmark``."""
    comp.add_argument(
        "--comparators", metavar="FILE", help="comparator table (CSV or workbook; default: shipped)"
    )
    comp.add_argument("--sheet", help="sheet of the comparator workbook (default: the first)")
    comp.add_argument(
        "--our-rate",
        metavar="SERVICE=RATE",
        action="append",
        default=[],
        help="our rate for a comparator service, e.g. care_home_nursing_65=905 (repeatable)",
    )
    comp.add_argument("--authority", default="Our authority", help="our authority's name")
    comp.add_argument("--region", help="our region, for the regional median")
    comp.add_argument(
        "--basis",
        action="append",
        default=[],
        metavar="KIND",
        help=f"basis_kind to compare (repeatable; default provider_fee; 'all' keeps every row): "
        f"{', '.join(BASIS_KINDS)}",
    )
    comp.add_argument(
        "--exclude-flag",
        action="append",
        default=[],
        metavar="FLAG",
        help="leave out rows with this flag, e.g. uncertain_period (repeatable)",
    )
    comp.add_argument("--to", metavar="PERIOD", help="roll rates to this period, e.g. 2025-26")
    comp.add_argument("--index", default="CPI", help="price index for the roll-forward (CPI)")
    comp.add_argument("--anchor", choices=["month", "average"], default="month")


def _pairs(items: list[str], option: str) -> dict[str, float]:
    pairs: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            pairs[name.strip()] = float(value)
        except ValueError:
            raise UserError(
                f"{option} {item!r}: write NAME=NUMBER, e.g. {option} home_care=23.50"
            ) from None
    return pairs


def read_table(path: str | Path, what: str) -> pd.DataFrame:
    """Read a CSV, workbook (first sheet, values only) or Parquet table."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{what} file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return pd.read_csv(path)
    if suffix in (".xlsx", ".xlsm", ".ods", ".xls"):
        return pd.read_excel(path, engine="calamine")
    if suffix == ".parquet":
        return pd.read_parquet(path)
    raise UserError(f"{what} file {path}: use a .csv, .xlsx or .parquet file")


def _write(frame: pd.DataFrame, out: Path, name: str, written: list[str]) -> None:
    write_csv(frame, out / name)
    written.append(f"{name} ({len(frame)} rows)")


def _market(args, out: Path, written: list[str]) -> None:
    fence = {}
    if args.fence is not None:
        fence = {"k": args.fence} if args.outlier_rule == "tukey" else {"mad_threshold": args.fence}
    bench = MarketBenchmark(rule=args.outlier_rule, exclude=args.exclude, **fence)
    volumes = read_checked("volumes", args.volumes, MarketDataError) if args.volumes else None
    unit_costs = read_checked("unit_costs", args.unit_costs, MarketDataError, require=("route",))
    bench.fit(unit_costs, volumes)
    _write(bench.quartiles_, out, "market_statistics.csv", written)
    _write(bench.costs_, out, "provider_positions.csv", written)
    _write(bench.outliers_, out, "outliers.csv", written)
    rates: dict[str, dict[str, float]] = {}
    for label, given in (("current", args.rate), ("proposed", args.proposed_rate)):
        for service, rate in _pairs(given, f"--{label.replace('current', 'rate')}").items():
            rates.setdefault(service, {})[label] = rate
    if rates:
        coverage = bench.coverage(rates)
        _write(coverage, out, "rate_coverage.csv", written)
        for row in coverage.itertuples():
            print(
                f"{row.service} ({row.route}) {row.label} rate {row.rate:,.2f} covers "
                f"{row.providers_covered} of {row.providers} providers "
                f"({row.share_of_providers:.0%})"
                + (
                    ""
                    if math.isnan(row.share_of_volume)
                    else f", {row.share_of_volume:.0%} of volume"
                )
            )
    print(f"market: {len(bench.outliers_)} outlier value(s) flagged ({args.outlier_rule} rule)")


def _comparators(args, out: Path, written: list[str]) -> None:
    table = (
        read_comparators(args.comparators, args.sheet)
        if args.comparators
        else shipped_comparators()
    )
    if args.to:
        from ..parameters import load

        levels = load().index_series(args.index)
        table = roll_forward(
            table, levels, args.to, index_name=args.index.upper(), anchor=args.anchor
        )
    else:
        table = table.assign(
            base_period=table["period"],
            target_period="",
            index="none (rates as published)",
            index_ratio=float("nan"),
            rate_rolled=table["rate"],
            roll_status="not rolled: no --to period given",
        )
    _write(table, out, "comparators.csv", written)
    ours = _pairs(args.our_rate, "--our-rate")
    if not ours:
        return
    basis = None if "all" in args.basis else tuple(args.basis or ("provider_fee",))
    neighbours = None
    if args.characteristics:
        weights = _pairs(args.weight, "--weight")
        nn = NearestNeighbours(k=args.neighbours, weights=weights, log=tuple(args.log))
        nn.fit(read_table(args.characteristics, "characteristics"))
        neighbours = nn.neighbours(args.authority)
        _write(neighbours, out, "nearest_neighbours.csv", written)
        print(f"nearest neighbours of {args.authority}: {', '.join(neighbours['authority'])}")
    rankings, summaries = [], []
    for service, rate in ours.items():
        chosen = select_comparators(
            table, service, basis_kinds=basis, exclude_flags=tuple(args.exclude_flag)
        )
        groups = [("all comparators", chosen)]
        if neighbours is not None:
            groups.append(
                ("nearest neighbours", chosen[chosen["authority"].isin(neighbours["authority"])])
            )
        for group, rows in groups:
            if group == "nearest neighbours" and rows.empty:
                print(f"{service}: none of the nearest neighbours has a comparator rate")
                continue
            ranked, summary = rank_position(
                rows, rate, authority=args.authority, region=args.region
            )
            rankings.append(ranked.assign(group=group, compared_service=service))
            summaries.append(summary.assign(group=group, service=service))
            s = summary.iloc[0]
            print(
                f"{service} ({group}): {args.authority} {rate:,.2f} ranks {s['rank']} of "
                f"{s['of']} (1 = highest), percentile {s['percentile']:.2f}; "
                f"median {s['median']:,.2f}"
            )
    _write(pd.concat(rankings, ignore_index=True), out, "comparator_ranking.csv", written)
    _write(pd.concat(summaries, ignore_index=True), out, "comparator_summary.csv", written)


def run(args) -> int:
    if args.characteristics and not args.our_rate:
        raise UserError("--characteristics needs --our-rate and --authority to compare with")
    if not args.unit_costs and (args.volumes or args.rate or args.proposed_rate):
        raise UserError("--volumes, --rate and --proposed-rate need --unit-costs")
    inputs = [args.unit_costs, args.volumes, args.comparators, args.characteristics]
    written: list[str] = []
    with output_folder(
        args.out, replace=args.replace, inputs=[p for p in inputs if p is not None]
    ) as out:
        if args.unit_costs:
            _market(args, out, written)
        if args.comparators or args.our_rate or args.to or not args.unit_costs:
            _comparators(args, out, written)
    print(f"wrote to {args.out}: " + ", ".join(written))
    return 0
