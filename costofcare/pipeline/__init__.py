"""The whole job: ingest -> unit costs -> scenarios -> benchmarks -> recommendation.

A run is described by one TOML file (see ``workbooks/examples/run.toml``)::

    [run]
    council = "Anytown Council"
    returns = "returns"                  # folder of provider returns
    current_rates = "current_rates.csv"  # provider, service, current_rate
    volumes = "volumes.csv"              # provider, service, volume_per_week, volume_unit
    comparators = "comparators.csv"      # optional: what other councils pay
    standard_occupancy = 0.95            # optional: care homes also at this occupancy
    supported_living_nights = "spread"   # or "apart": hourly rate with nights priced apart
    min_count = 5                        # provider workbooks: aggregates of >= 5 providers
    comparators_to = "2025-09"           # optional: month comparator rates are rolled to
    on_unmatched = "stop"                # or "continue": council rows matching no return
    written = 2026-04-01T09:00:00Z       # optional: the time written into the outputs

    [scenarios...]                       # optional: docs/scenarios.md, without [inputs]
    [recommend.<service>...]             # docs/recommend.md

:func:`run` does the work in memory and returns a :class:`RunResult` holding every table;
:func:`write_run` writes a result to a folder (``costofcare run`` does both)::

    result = run("run.toml")
    paths = write_run(result, "out/run")    # every output and manifest.json

Modules: :mod:`.config` (the config and its checks), :mod:`.council` (the council's rates
and volumes, matched to the returns), :mod:`.steps` (each step as a small pure function),
:mod:`.run`, :mod:`.write` and :mod:`.commands` (the command line). Which returns feed the market:
:func:`costofcare.costs.choose_returns`.
"""

from .config import RUN_KEYS, RunConfig, example_config, load_run_config
from .council import market_volumes, read_council_rates
from .run import RunResult, run
from .steps import MarketTables, market_route, market_tables
from .write import write_run

__all__ = [
    "RUN_KEYS",
    "MarketTables",
    "RunConfig",
    "RunResult",
    "example_config",
    "load_run_config",
    "market_route",
    "market_tables",
    "market_volumes",
    "read_council_rates",
    "run",
    "write_run",
]
