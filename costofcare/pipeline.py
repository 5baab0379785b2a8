"""The whole job in one call: ingest -> unit costs -> scenarios -> benchmarks -> recommendation.

A run is described by one TOML file (see ``workbooks/examples/run.toml``)::

    [run]
    council = "Anytown Council"
    returns = "returns"                  # folder of provider returns
    current_rates = "current_rates.csv"  # provider, service, current_rate
    volumes = "volumes.csv"              # provider, service, volume_per_week
    comparators = "comparators.csv"      # optional: what other councils pay
    standard_occupancy = 0.95            # optional: care homes also at this occupancy
    supported_living_nights = "spread"   # or "apart": hourly rate with nights priced apart
    min_count = 5                        # provider workbooks: aggregates of >= 5 providers
    comparators_to = "2025-09"           # optional: month comparator rates are rolled to

    [scenarios...]                       # optional: docs/scenarios.md, without [inputs]
    [recommend.<service>...]             # docs/recommend.md

Every step's output is written under the output folder; the file layout is in
``RunResult.paths``. Which returns feed the market: readable returns whose status is
``clean`` or ``warnings``; a return with errors is kept in the tables but left out of the
statistics until it is corrected, and where one provider sent two returns for a service the
one with more values read is used (the other is listed as left out).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .configtools import close_matches
from .errors import ConfigError, UserError

__all__ = ["RunConfig", "RunResult", "example_config", "load_run_config", "run"]

RUN_KEYS = {
    "council",
    "returns",
    "current_rates",
    "volumes",
    "comparators",
    "standard_occupancy",
    "supported_living_nights",
    "min_count",
    "comparators_to",
    "comparator_index",
}
TOP_KEYS = {"run", "scenarios", "recommend"}
NIGHTS = {"spread": "reported", "apart": "reported_nights_apart"}
"""``run.supported_living_nights``: the supported living unit cost route the market uses.
``spread``: every cost over daytime support hours; ``apart``: waking nights counted as
hours and sleep-ins priced per night (see ``costofcare.costs.reported``)."""
USED_STATUSES = ("clean", "warnings")


@dataclass
class RunConfig:
    """A run's settings, with paths resolved against the config file's folder."""

    council: str
    returns: Path
    current_rates: Path
    volumes: Path | None
    comparators: Path | None
    standard_occupancy: float | None
    min_count: int
    supported_living_nights: str
    comparators_to: str | None
    comparator_index: str
    scenarios: dict | None
    recommend: dict
    source: Path

    @property
    def rows(self) -> list[tuple[str, str]]:
        """(setting, value) pairs for the assumptions sheet."""
        rows = [
            ("run.council", self.council),
            ("run.returns", str(self.returns.name)),
            ("run.current_rates", str(self.current_rates.name)),
            ("run.volumes", str(self.volumes.name) if self.volumes else "(from current rates)"),
            ("run.comparators", str(self.comparators.name) if self.comparators else "(none)"),
            (
                "run.standard_occupancy",
                "" if self.standard_occupancy is None else f"{self.standard_occupancy:g}",
            ),
            ("run.supported_living_nights", self.supported_living_nights),
            ("run.min_count", str(self.min_count)),
        ]
        for service, table in self.recommend.items():
            for key, value in table.items():
                rows.append((f"recommend.{service}.{key}", str(value)))
        return rows


def market_route(unit_costs: pd.DataFrame, cfg: RunConfig) -> pd.Series:
    """Rows of a unit cost table on the route each service's market is benchmarked by.

    ``reported`` for every service, except care homes at ``run.standard_occupancy`` when it
    is set (``reported_standard_occupancy``) and supported living by
    ``run.supported_living_nights`` (:data:`NIGHTS`).
    """
    service = unit_costs["service"]
    wanted = pd.Series("reported", index=unit_costs.index)
    if cfg.standard_occupancy is not None:
        wanted = wanted.mask(service == "care_home", "reported_standard_occupancy")
    wanted = wanted.mask(service == "supported_living", NIGHTS[cfg.supported_living_nights])
    return unit_costs["route"] == wanted


def load_run_config(path: str | Path) -> RunConfig:
    """Read and check a run config; every problem names the key at fault."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"run config {path} does not exist")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    for key in data:
        if key not in TOP_KEYS:
            raise ConfigError(
                f"{path}: unknown table [{key}]{close_matches(key, TOP_KEYS)}; "
                f"allowed: {', '.join(sorted(TOP_KEYS))}"
            )
    run = data.get("run")
    if not isinstance(run, Mapping):
        raise ConfigError(f"{path}: a [run] table is required (returns, current_rates, ...)")
    for key in run:
        if key not in RUN_KEYS:
            raise ConfigError(
                f"{path}: run.{key} is not a setting{close_matches(key, RUN_KEYS)}; "
                f"allowed: {', '.join(sorted(RUN_KEYS))}"
            )
    base = path.parent

    def file(key: str, required: bool) -> Path | None:
        if key not in run:
            if required:
                raise ConfigError(f"{path}: run.{key} is required")
            return None
        p = Path(str(run[key]))
        p = p if p.is_absolute() else base / p
        if not p.exists():
            raise ConfigError(f"{path}: run.{key}: {p} does not exist")
        return p

    occupancy = run.get("standard_occupancy")
    if occupancy is not None and not (isinstance(occupancy, int | float) and 0 < occupancy <= 1):
        raise ConfigError(
            f"{path}: run.standard_occupancy must be above 0 and at most 1, got {occupancy!r}"
        )
    min_count = run.get("min_count", 5)
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ConfigError(
            f"{path}: run.min_count must be a whole number of at least 1, got {min_count!r}"
        )
    nights = run.get("supported_living_nights", "spread")
    if nights not in NIGHTS:
        raise ConfigError(
            f"{path}: run.supported_living_nights must be one of {', '.join(sorted(NIGHTS))}, "
            f"got {nights!r}{close_matches(str(nights), NIGHTS)}"
        )
    scenarios = data.get("scenarios")
    if scenarios is not None and "inputs" in scenarios:
        raise ConfigError(
            f"{path}: scenarios.inputs is not used in a run: the unit cost, workforce and volume "
            "tables come from the returns"
        )
    returns = file("returns", True)
    current_rates = file("current_rates", True)
    volumes = file("volumes", False)
    comparators = file("comparators", False)
    recommend = data.get("recommend")
    if not isinstance(recommend, Mapping) or not recommend:
        raise ConfigError(f"{path}: give at least one [recommend.<service>] table")
    return RunConfig(
        council=str(run.get("council", "")),
        returns=returns,
        current_rates=current_rates,
        volumes=volumes,
        comparators=comparators,
        standard_occupancy=occupancy,
        min_count=min_count,
        supported_living_nights=nights,
        comparators_to=str(run["comparators_to"]) if "comparators_to" in run else None,
        comparator_index=str(run.get("comparator_index", "CPI")),
        scenarios=dict(scenarios) if scenarios else None,
        recommend=dict(recommend),
        source=path,
    )


# -- adapters between steps -----------------------------------------------------------------
def workforce_from_values(values: pd.DataFrame) -> pd.DataFrame:
    """The scenario engine's workforce table from the returns' staff tables.

    One row per staff-table row: ``provider``, ``service``, ``role`` (the job title where
    given), ``hourly_rate`` (basic + average enhancements, £ per hour), ``weekly_hours``
    (paid hours a week per worker = the row's paid hours / headcount) and ``headcount``.
    Rows without a headcount, hours or a basic rate are left out.
    """
    staff = values[values["table"] == "staff_roles"]
    if staff.empty:
        return pd.DataFrame(
            columns=["provider", "service", "role", "hourly_rate", "weekly_hours", "headcount"]
        )
    numeric = staff.pivot_table(
        index=["return_id", "provider", "service", "row"],
        columns="field",
        values="value",
        aggfunc="first",
    )
    text = staff[staff["text"].fillna("") != ""].pivot_table(
        index=["return_id", "provider", "service", "row"],
        columns="field",
        values="text",
        aggfunc="first",
    )
    text = text.rename(columns={c: f"{c}_text" for c in text.columns if c in numeric.columns})
    table = numeric.join(text, how="left").reset_index()
    for col in ("basic_rate_per_hour", "enhancements_per_hour", "paid_hours_per_week", "headcount"):
        if col not in table:
            table[col] = float("nan")
    role = table.get("role_description", pd.Series("", index=table.index)).fillna("")
    role = role.where(
        role != "", table.get("role", pd.Series("", index=table.index)).fillna("staff")
    )
    out = pd.DataFrame(
        {
            "return_id": table["return_id"],
            "provider": table["provider"],
            "service": table["service"],
            "role": role,
            "hourly_rate": table["basic_rate_per_hour"]
            + table["enhancements_per_hour"].fillna(0.0),
            "weekly_hours": table["paid_hours_per_week"] / table["headcount"],
            "headcount": table["headcount"],
        }
    )
    keep = (out["headcount"] > 0) & (out["weekly_hours"] > 0) & (out["hourly_rate"] > 0)
    return out[keep].reset_index(drop=True)


def choose_returns(returns: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The returns that feed the market, and those left out with the reason.

    Used: status clean or warnings; where a provider sent more than one such return for a
    service, the one with most values read (then the later file name).
    """
    readable = returns[returns["status"] != "rejected"].copy()
    left_out = []
    for _, row in readable[~readable["status"].isin(USED_STATUSES)].iterrows():
        left_out.append(
            {
                **row.to_dict(),
                "left_out_because": (
                    f"the return has errors ({int(row['errors'])}): chase and re-run"
                ),
            }
        )
    usable = readable[readable["status"].isin(USED_STATUSES)].sort_values(
        ["provider", "service", "values_read", "file"], ascending=[True, True, False, False]
    )
    duplicated = usable.duplicated(["provider", "service"], keep="first")
    for _, row in usable[duplicated].iterrows():
        left_out.append(
            {
                **row.to_dict(),
                "left_out_because": (
                    "another return for the same provider and service was used (more values read)"
                ),
            }
        )
    return usable[~duplicated], pd.DataFrame(left_out)


def _rates_table(cfg: RunConfig) -> pd.DataFrame:
    rates = pd.read_csv(cfg.current_rates)
    missing = {"provider", "service", "current_rate"} - set(rates.columns)
    if missing:
        raise ConfigError(f"{cfg.current_rates}: missing column(s) {', '.join(sorted(missing))}")
    if cfg.volumes is not None:
        volumes = pd.read_csv(cfg.volumes)
        need = {"provider", "service", "volume_per_week"}
        if need - set(volumes.columns):
            raise ConfigError(f"{cfg.volumes}: needs columns {', '.join(sorted(need))}")
        rates = rates.drop(
            columns=[c for c in ("volume_per_week", "volume_unit") if c in rates]
        ).merge(
            volumes[
                [
                    c
                    for c in ("provider", "service", "volume_per_week", "volume_unit")
                    if c in volumes
                ]
            ],
            on=["provider", "service"],
            how="left",
        )
    if "volume_per_week" not in rates:
        raise ConfigError(f"{cfg.current_rates}: no volume_per_week column and no run.volumes file")
    negative = rates[rates["volume_per_week"] < 0]
    if len(negative):
        raise ConfigError(
            "volumes: negative volume_per_week for "
            + ", ".join(negative["provider"].astype(str)[:3])
        )
    return rates


@dataclass
class RunResult:
    """What a run produced: the tables in memory and the files written."""

    config: RunConfig
    values: pd.DataFrame
    issues: pd.DataFrame
    returns: pd.DataFrame
    unit_costs: pd.DataFrame
    market: pd.DataFrame
    scenarios: pd.DataFrame | None
    recommendations: dict
    summary: dict
    paths: dict[str, Path] = field(default_factory=dict)


def run(
    config_path: str | Path,
    outdir: str | Path,
    *,
    workers: int | None = None,
    progress: bool = True,
    say: Callable[[str], None] = print,
) -> RunResult:
    """Run the whole pipeline for a config file and write every output under ``outdir``."""
    from .benchmark.comparators import read_comparators, roll_forward
    from .benchmark.market import MarketBenchmark
    from .costs.reported import reported_unit_cost
    from .ingest.batch import find_returns
    from .ingest.outputs import write_outputs as write_ingest_outputs
    from .parameters import load
    from .recommend.config import parse_config
    from .recommend.engine import recommend_all
    from .report import write_outputs as write_report_outputs
    from .report.summary import summary as summarise

    cfg = load_run_config(config_path)
    configs = parse_config(cfg.recommend)
    rates = _rates_table(cfg)
    params = load()
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}

    # 1. ingest
    files = find_returns([cfg.returns])
    say(f"[1/5] ingest: reading {len(files)} returns from {cfg.returns}")
    ingest = write_ingest_outputs(files, out / "ingest", workers=workers, progress=progress)
    paths.update({f"ingest/{k}": v for k, v in ingest.paths.items()})
    values = pd.read_parquet(ingest.paths["values.parquet"])
    values["table"] = values["table"].fillna("").astype(str)
    values["text"] = values["text"].fillna("").astype(str)
    say(
        f"      {ingest.files} files: {ingest.rejected} rejected, "
        f"{ingest.with_errors} with errors; "
        f"{ingest.values} values, {ingest.errors} errors and {ingest.warnings} warnings to chase"
    )

    # 2. unit costs
    used, left_out = choose_returns(ingest.returns)
    skipped: list[dict] = []
    unit_costs_all = reported_unit_cost(
        values, standard_occupancy=cfg.standard_occupancy, skipped=skipped
    )
    unit_costs_all["included"] = unit_costs_all["return_id"].isin(
        set(used["return_id"])
    ) & ~unit_costs_all["return_id"].isin({s["return_id"] for s in skipped})
    costs_dir = out / "costs"
    costs_dir.mkdir(exist_ok=True)
    unit_costs_all.to_csv(costs_dir / "unit_costs.csv", index=False)
    paths["unit_costs"] = costs_dir / "unit_costs.csv"
    left_rows = [
        *left_out.to_dict("records"),
        *[{**s, "left_out_because": s["message"]} for s in skipped],
    ]
    left_frame = pd.DataFrame(left_rows)
    left_frame.to_csv(costs_dir / "left_out.csv", index=False)
    paths["left_out"] = costs_dir / "left_out.csv"
    route = market_route(unit_costs_all, cfg)
    unit_costs = unit_costs_all[route & unit_costs_all["included"]].reset_index(drop=True)
    unit_costs.to_csv(costs_dir / "market_unit_costs.csv", index=False)
    paths["market_unit_costs"] = costs_dir / "market_unit_costs.csv"
    say(
        f"[2/5] unit costs: {unit_costs['provider'].nunique()} providers in the market; "
        f"{len(left_frame)} returns left out (see costs/left_out.csv)"
    )

    # 3. scenarios
    scenario_results = None
    if cfg.scenarios:
        from .scenarios.config import config_from_dict
        from .scenarios.montecarlo import run_monte_carlo
        from .scenarios.scenario import explain_by_line, make_context, run_context

        scfg = config_from_dict(cfg.scenarios, base_dir=cfg.source.parent)
        workforce = workforce_from_values(values)
        workforce = workforce[workforce["return_id"].isin(set(unit_costs["return_id"]))]
        scenario_volumes = rates[["provider", "service", "volume_per_week", "current_rate"]].copy()
        scenario_volumes["volume_unit"] = scenario_volumes["service"].map(
            {
                "home_care": "contact hours",
                "care_home": "resident weeks",
                "supported_living": "support hours",
            }
        )
        in_market = scenario_volumes.merge(
            unit_costs[["provider", "service"]].drop_duplicates(), on=["provider", "service"]
        )
        ctx = make_context(
            unit_costs[
                [
                    "provider",
                    "service",
                    "cost_line",
                    "category",
                    "cost_per_unit",
                    "unit",
                    "period_start",
                    "period_end",
                ]
            ],
            workforce[["provider", "role", "hourly_rate", "weekly_hours", "headcount"]],
            in_market,
            scfg.settings,
            params,
            scfg.series,
        )
        say(
            f"[3/5] scenarios: {len(scfg.scenarios)} scenarios x "
            f"{len(ctx.inputs.keys)} provider services"
        )
        scenario_results = run_context(ctx, scfg.scenarios)
        sdir = out / "scenarios"
        sdir.mkdir(exist_ok=True)
        scenario_results.to_csv(sdir / "scenarios.csv", index=False)
        explain_by_line(ctx, scfg.scenarios).to_csv(sdir / "by_line.csv", index=False)
        paths["scenarios"] = sdir / "scenarios.csv"
        if scfg.monte_carlo is not None:
            mc = scfg.monte_carlo
            result = run_monte_carlo(ctx, mc.scenario, mc.inputs, mc.runs, mc.seed, mc.percentiles)
            result.summary.to_csv(sdir / "monte_carlo_summary.csv", index=False)
            result.budget.to_csv(sdir / "monte_carlo_budget.csv", index=False)
            paths["monte_carlo"] = sdir / "monte_carlo_summary.csv"
    else:
        say("[3/5] scenarios: none configured")

    # 4. benchmarks
    bench_dir = out / "benchmark"
    bench_dir.mkdir(exist_ok=True)
    volumes = rates[["provider", "service", "volume_per_week"]].assign(volume_unit="per week")
    bench = MarketBenchmark().fit(
        unit_costs[
            ["provider", "service", "cost_line", "category", "cost_per_unit", "unit", "route"]
        ],
        volumes,
    )
    bench.quartiles_.to_csv(bench_dir / "market_statistics.csv", index=False)
    bench.outliers_.to_csv(bench_dir / "outliers.csv", index=False)
    bench.positions_.to_csv(bench_dir / "positions.csv", index=False)
    paths["market_statistics"] = bench_dir / "market_statistics.csv"
    market = bench.quartiles_
    if cfg.comparators is not None:
        comparators = read_comparators(cfg.comparators)
        to = cfg.comparators_to or str(params.index_series(cfg.comparator_index).index.max())
        rolled = roll_forward(
            comparators,
            params.index_series(cfg.comparator_index),
            to,
            index_name=cfg.comparator_index,
        )
        rolled.to_csv(bench_dir / "comparators_rolled.csv", index=False)
        paths["comparators"] = bench_dir / "comparators_rolled.csv"
    say(
        f"[4/5] benchmarks: {len(bench.outliers_)} outlying values flagged; "
        f"statistics in {bench_dir}"
    )

    # 5. recommendation and workbooks
    scenario_costs = None
    if scenario_results is not None:
        per_service = scenario_results.groupby(["service", "scenario"], as_index=False)[
            "required_rate"
        ].median()
        scenario_costs = per_service.rename(columns={"required_rate": "cost_per_unit"})
    recs = recommend_all(configs, rates, unit_costs, params=params, scenario_costs=scenario_costs)
    effective = min(c.effective_date for c in configs.values())
    issues = ingest.issues
    if len(left_frame):
        extra = left_frame.assign(
            severity="warning", code="left_out_of_market", message=left_frame["left_out_because"]
        )
        issues = pd.concat([issues, extra.reindex(columns=issues.columns)], ignore_index=True)
    written = write_report_outputs(
        out,
        recs,
        unit_costs=unit_costs,
        market=market,
        scenarios=scenario_results,
        parameters=params.in_force(effective),
        issues=issues,
        config_rows=cfg.rows,
        min_count=cfg.min_count,
        council=cfg.council,
    )
    paths.update(written)
    summary = summarise(recs)
    say(f"[5/5] recommendation: {written['recommendation']}")
    return RunResult(
        config=cfg,
        values=values,
        issues=issues,
        returns=ingest.returns,
        unit_costs=unit_costs,
        market=market,
        scenarios=scenario_results,
        recommendations=recs,
        summary=summary,
        paths=paths,
    )


def headline(result: RunResult) -> str:
    """The headline results of a run, as a few lines of text."""
    lines = [
        f"Recommended rates{' for ' + result.config.council if result.config.council else ''}:"
    ]
    for service, item in result.summary.get("services", {}).items():
        rate = item.get("recommended_rate") or item.get("average_proposed_rate")
        uplift = item.get("uplift") or item.get("average_uplift")
        impact = item.get("budget_impact_annual") or item.get("impact_annual")
        parts = [f"  {service:<17}"]
        if rate is not None:
            parts.append(f"£{rate:,.2f} per {item.get('unit', 'unit')}")
        if uplift is not None:
            parts.append(f"uplift {uplift:.1%}")
        if impact is not None:
            parts.append(f"budget impact £{impact:,.0f} a year")
        lines.append("  ".join(parts))
    total = result.summary.get("total", {})
    if total:
        lines.append(f"  total budget impact £{total.get('budget_impact_annual', 0):,.0f} a year")
    return "\n".join(lines)


def dump_summary(result: RunResult) -> str:
    return json.dumps(result.summary, indent=2, default=str)


# -- command line ---------------------------------------------------------------------------
RUN_EXAMPLES = """\
examples:
  costofcare run workbooks/examples/run.toml -o out/run
  costofcare run my-council/run.toml -o out/2026-27 --workers 4

The config's [run] table names the returns folder, current rates and volumes; [scenarios]
and [recommend.<service>] are described in docs/scenarios.md and docs/recommend.md.
Exit code 0 when every return was read cleanly or with warnings, 3 when the run finished but
some returns were rejected or had errors (see ingest/validation.xlsx), 2 for a usage mistake.
"""

DEMO_EXAMPLES = """\
examples:
  costofcare demo                 # writes everything into out/demo
  costofcare demo -o /tmp/demo

Runs the whole pipeline on the bundled example market (workbooks/examples/): 66 provider
returns for Anytown Council, some deliberately messy or faulty, with current rates, volumes
and comparator rates.
"""


def example_config() -> Path:
    """The bundled example run config (in a source checkout, ``workbooks/examples/run.toml``)."""
    path = Path(__file__).resolve().parents[1] / "workbooks" / "examples" / "run.toml"
    if not path.exists():
        raise UserError(
            "the bundled example data (workbooks/examples/) is not next to this installation; "
            "run the demo from a clone of the repository, or pass your own config to "
            "'costofcare run'"
        )
    return path


def register(subparsers) -> None:
    import argparse

    p = subparsers.add_parser(
        "run",
        help="run the whole pipeline (ingest, unit costs, scenarios, benchmarks, recommendation)",
        description="Run the whole cost of care pipeline for a council's config and write "
        "every output: tidy data and a validation workbook, unit costs, scenarios, "
        "benchmarks, the recommendation workbook, provider outcome workbooks and a JSON summary.",
        epilog=RUN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("config", help="run config (TOML)")
    p.add_argument("-o", "--output", required=True, help="folder for the outputs (created)")
    p.add_argument("--workers", type=int, default=None, help="processes for reading returns")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_run_command)

    d = subparsers.add_parser(
        "demo",
        help="run the whole pipeline on the bundled example market",
        description="Run the whole pipeline on the bundled example market and print the "
        "headline results and where each output is.",
        epilog=DEMO_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    d.add_argument("-o", "--output", default="out/demo", help="output folder (default out/demo)")
    d.add_argument("--workers", type=int, default=None, help="processes for reading returns")
    d.add_argument("--no-progress", action="store_true", help="no progress bar")
    d.set_defaults(func=_demo_command)


def _report(result: RunResult, out: Path) -> int:
    from .errors import EXIT_OK, EXIT_VALIDATION_ERRORS

    print()
    print(headline(result))
    print()
    print(f"Outputs in {out}:")
    shown = [
        ("recommendation workbook", "recommendation"),
        ("JSON summary", "summary"),
        ("provider outcome workbooks", "providers"),
        ("validation workbook (what to chase)", "ingest/validation.xlsx"),
        ("tidy values read", "ingest/values.csv"),
        ("issues", "ingest/issues.csv"),
        ("unit costs (every readable return)", "unit_costs"),
        ("unit costs used for the market", "market_unit_costs"),
        ("market statistics", "market_statistics"),
        ("scenarios", "scenarios"),
        ("Monte Carlo", "monte_carlo"),
        ("comparators rolled forward", "comparators"),
    ]
    for label, key in shown:
        if key in result.paths:
            print(f"  {label:<38} {result.paths[key]}")
    bad = result.returns["status"].isin(["rejected", "errors"]).sum()
    if bad:
        print(f"\n{bad} return(s) were rejected or have errors: see the validation workbook.")
        return EXIT_VALIDATION_ERRORS
    return EXIT_OK


def _run_command(args) -> int:
    out = Path(args.output)
    result = run(args.config, out, workers=args.workers, progress=not args.no_progress)
    return _report(result, out)


def _demo_command(args) -> int:
    out = Path(args.output)
    result = run(example_config(), out, workers=args.workers, progress=not args.no_progress)
    _report(result, out)
    return 0  # the example market has faulty returns on purpose
