"""``costofcare market CONFIG.toml -o OUT``: the market step on its own.

Reads only the ``[market]`` table of the config (a run config or a file holding just that
table), runs each part with a key there (:data:`costofcare.market.run.PARTS`: quality and
risk, market shape) and writes their tables under ``OUT/market/`` with
``OUT/market/summary.json`` (one section per part).
Without a run there are no proposed rates, so the sustainability tables (cost against
rate) come only from ``costofcare run``.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from ..cli import add_verb
from ..errors import EXIT_OK, ConfigError, UserError

EXAMPLES = """\
examples:
  costofcare market workbooks/examples/run.toml -o out/market
  costofcare market my-council.toml -o out/market --replace

writes to OUT/market/:
  register.csv                 the register as read
  indicators.csv               every indicator used (local monitoring, the ratings and,
                               in a run, the returns' own), with file and line or cell
  rag.csv, rag_indicators.csv  RAG per service with every reason; each rule's result
  rating_distribution.csv      counts and shares by service type on the stated basis
  rating_distribution_by_year.csv, good_or_better.csv
  bands.csv, shares.csv        score bands and shares of services with a value
  published_distribution_check.csv   past reports' distributions: do they add up to 100%?
  shape_*.csv                  market shape (when [market] has its keys): spend by
                               provider and type, concentration, capacity, movement,
                               contract calendar, the profile against funding lines
  issues.csv                   every row not used, by file and line (both parts)
  summary.json                 the figures above in one place: "quality" and "shape"

In `costofcare run` the same tables are written, with sustainability.csv, at_risk.csv and
rag_by_gap.csv (cost against the proposed rate under each option) and a Market
sustainability sheet in the recommendation workbook. Keys: docs/market.md (quality and
risk), docs/market-shape.md (market shape).
"""


def register(subparsers) -> None:
    p = add_verb(
        subparsers,
        "market",
        run,
        help="the market: provider quality and risk (register, ratings, RAG, bands) and "
        "market shape (spend, capacity, contracts, funding)",
        description="Run the parts of the market step named in the [market] table of CONFIG. "
        "Quality and risk: read the council's register of services, regulator ratings and "
        "local monitoring indicators, apply the RAG rules and score bands written there. "
        "Market shape: spend, concentration, capacity, movement, contracts and the funding "
        "profile. Write the results with every problem found.",
        epilog=EXAMPLES,
    )
    p.add_argument("config", type=Path, help="a TOML file with a [market] table")
    p.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    p.add_argument("--replace", action="store_true", help="replace OUT/market if it exists")


def _market_table(path: Path) -> dict:
    if not path.is_file():
        raise UserError(f"config {path} does not exist")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    market = data.get("market")
    if not isinstance(market, dict):
        raise ConfigError(f"{path}: no [market] table (docs/market.md)")
    return market


def run(args) -> int:
    from .run import MarketContext, headline, run_market, write_market

    folder = args.output / "market"
    if folder.exists() and any(folder.iterdir()) and not args.replace:
        raise UserError(f"{folder} already exists and is not empty: choose another folder "
                        "or replace it with --replace")  # fmt: skip
    market = _market_table(args.config)
    result = run_market(MarketContext(market, args.config.resolve().parent))
    if folder.exists():
        for old in folder.glob("*"):
            if old.is_file():
                old.unlink()
    paths = write_market(result, args.output)
    summary = folder / "summary.json"
    summary.write_text(json.dumps(result.summary, indent=2, ensure_ascii=False) + "\n",
                       encoding="utf-8")  # fmt: skip
    print(f"market: {headline(result)} (see {paths['market/issues']})")
    print(f"written to {folder}")
    return EXIT_OK
