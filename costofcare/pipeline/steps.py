"""The run's steps as small pure functions: tables in, tables out, nothing written.

:func:`market_tables` is shared with :func:`costofcare.examples.inputs.load_example`, so the
command line and the notebooks build identical unit cost, workforce and volume tables from
the same returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from ..ingest.batch import RETURN_COLUMNS, IngestResult
from .config import NIGHTS, RunConfig
from .council import market_volumes

__all__ = [
    "MarketTables",
    "ScenarioResults",
    "benchmark_market",
    "ingest_returns",
    "left_out_table",
    "returns_left_out",
    "market_route",
    "market_tables",
    "non_confirmed_used",
    "recommend",
    "roll_comparators",
    "run_scenarios",
]

Say = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def ingest_returns(
    cfg: RunConfig, *, workers: int | None = None, progress: bool = False, say: Say = _quiet
) -> IngestResult:
    """Read every return in ``run.returns`` into memory (values, issues, returns)."""
    from ..ingest.batch import find_returns, ingest_files

    files = find_returns([cfg.returns])
    if not files:
        from ..errors import ConfigError

        raise ConfigError(
            f"{cfg.source}: run.returns: no returns found in {cfg.returns} (looked for .xlsx, "
            ".xlsm and .ods files)"
        )
    say(f"[1/5] ingest: reading {len(files)} returns from {cfg.returns}")
    limits = {"limits": cfg.ingest} if cfg.ingest is not None else {}
    result = ingest_files(files, workers=workers, progress=progress, **limits)
    returns, issues = result.returns, result.issues
    errors = int((issues["severity"] == "error").sum()) if len(issues) else 0
    say(
        f"      {len(returns)} files: {int((returns['status'] == 'rejected').sum())} rejected, "
        f"{int((returns['status'] == 'errors').sum())} with errors; "
        f"{len(result.values)} values, {errors} errors and {len(issues) - errors} warnings "
        "to chase"
    )
    return result


def market_route(unit_costs: pd.DataFrame, cfg: RunConfig) -> pd.Series:
    """Rows of a unit cost table on the route each service's market is benchmarked by.

    ``reported`` for every service, except care homes at ``run.standard_occupancy`` when it
    is set (``reported_standard_occupancy``) and supported living by
    ``run.supported_living_nights`` (:data:`~costofcare.pipeline.config.NIGHTS`).
    """
    service = unit_costs["service"]
    wanted = pd.Series("reported", index=unit_costs.index)
    if cfg.standard_occupancy is not None:
        wanted = wanted.mask(service == "care_home", "reported_standard_occupancy")
    wanted = wanted.mask(service == "supported_living", NIGHTS[cfg.supported_living_nights])
    return unit_costs["route"] == wanted


@dataclass
class MarketTables:
    """The tables the market is built from.

    Attributes
    ----------
    unit_costs_all : unit costs of every readable return, every route, with ``included``
        (the return feeds the market).
    unit_costs : the market's unit costs: returns used, on the market route.
    workforce : :data:`~costofcare.tables.WORKFORCE` of the market's returns.
    volumes : :data:`~costofcare.tables.VOLUMES` of the market.
    issues : issue rows for returns left out and staffing rows not used.
    """

    unit_costs_all: pd.DataFrame
    unit_costs: pd.DataFrame
    workforce: pd.DataFrame
    volumes: pd.DataFrame
    issues: pd.DataFrame


def market_tables(cfg: RunConfig, ingest: IngestResult, rates: pd.DataFrame) -> MarketTables:
    """Unit costs, workforce and volumes of the returns that feed the market.

    Returns are chosen by :func:`costofcare.costs.choose_returns`; a return whose unit cost
    cannot be worked out is left out too (``unit_cost_not_computed``). The workforce comes
    from the staffing tables of the returns in the market
    (:func:`costofcare.costs.workforce_from_values`).
    """
    from ..costs import choose_returns, reported_unit_cost_with_issues, workforce_from_values

    used, left_out = choose_returns(ingest.returns)
    unit_costs_all, not_costed = reported_unit_cost_with_issues(
        ingest.values, standard_occupancy=cfg.standard_occupancy
    )
    included = set(used["return_id"]) - set(not_costed["return_id"])
    unit_costs_all["included"] = unit_costs_all["return_id"].isin(included)
    in_market = market_route(unit_costs_all, cfg) & unit_costs_all["included"]
    unit_costs = unit_costs_all[in_market].reset_index(drop=True)
    market_ids = set(unit_costs["return_id"])
    workforce, staffing = workforce_from_values(
        ingest.values[ingest.values["return_id"].isin(market_ids)]
    )
    issues = [frame for frame in (left_out, not_costed, staffing) if len(frame)]
    return MarketTables(
        unit_costs_all=unit_costs_all,
        unit_costs=unit_costs,
        workforce=workforce,
        volumes=market_volumes(rates, unit_costs),
        issues=pd.concat(issues, ignore_index=True) if issues else left_out,
    )


LEFT_OUT_CODES = ("left_out_with_errors", "left_out_second_return", "unit_cost_not_computed")


def left_out_table(returns: pd.DataFrame, issues: pd.DataFrame) -> pd.DataFrame:
    """One row per return left out of the market and why: the return's row of the returns
    table with ``severity``, ``code`` and ``left_out_because`` (the issue's message)."""
    left = issues[issues["code"].isin(LEFT_OUT_CODES)]
    left = left[["return_id", "severity", "code", "message"]].rename(
        columns={"message": "left_out_because"}
    )
    table = left.merge(returns, on="return_id", how="left")
    return table[[*RETURN_COLUMNS, "severity", "code", "left_out_because"]]


def returns_left_out(left_out: pd.DataFrame) -> int:
    """How many returns :func:`left_out_table` lists: each return once, however many reasons
    it was left out for."""
    return int(left_out["return_id"].nunique())


@dataclass
class ScenarioResults:
    """Scenario tables: per provider service, per cost line, and the Monte Carlo (if any)."""

    results: pd.DataFrame
    by_line: pd.DataFrame
    monte_carlo_summary: pd.DataFrame | None
    monte_carlo_budget: pd.DataFrame | None
    figures: list = field(default_factory=list)


def run_scenarios(
    cfg: RunConfig, tables: MarketTables, params, *, say: Say = _quiet
) -> ScenarioResults | None:
    """The ``[scenarios]`` of the config on the market's unit costs, workforce and volumes."""
    if not cfg.scenarios:
        say("[3/5] scenarios: none configured")
        return None
    from ..scenarios.config import config_from_dict
    from ..scenarios.montecarlo import run_monte_carlo
    from ..scenarios.scenario import explain_by_line, make_context, run_context

    scfg = config_from_dict(cfg.scenarios, base_dir=cfg.source.parent)
    ctx = make_context(
        tables.unit_costs, tables.workforce, tables.volumes, scfg.settings, params, scfg.series
    )
    say(
        f"[3/5] scenarios: {len(scfg.scenarios)} scenarios x "
        f"{len(ctx.inputs.keys)} provider services"
    )
    results = run_context(ctx, scfg.scenarios)
    by_line = explain_by_line(ctx, scfg.scenarios)
    summary = budget = None
    if scfg.monte_carlo is not None:
        mc = scfg.monte_carlo
        drawn = run_monte_carlo(ctx, mc.scenario, mc.inputs, mc.runs, mc.seed, mc.percentiles)
        summary, budget = drawn.summary, drawn.budget
    figures = statutory_used(params, [ctx.settings.target_on, *ctx.base_dates])
    for scenario in scfg.scenarios:
        figures += wage_policy_used(params, scenario.wage, ctx.settings.target_on, ctx.base_dates)
    return ScenarioResults(results, by_line, summary, budget, figures)


def benchmark_market(
    unit_costs: pd.DataFrame,
    volumes: pd.DataFrame,
    *,
    say: Say = _quiet,
    nursing_care: pd.DataFrame | None = None,
):
    """A :class:`~costofcare.benchmark.MarketBenchmark` fitted on the market, volume-weighted;
    ``nursing_care`` (:func:`~costofcare.costs.costs_excluding_fnc`) adds each nursing
    market's total excluding NHS-funded nursing care."""
    from ..benchmark.market import MarketBenchmark

    columns = ["provider", "service", "cost_line", "category", "cost_per_unit", "unit", "route"]
    columns += [c for c in ("care_category", "enhanced_care") if c in unit_costs]
    bench = MarketBenchmark().fit(
        unit_costs[columns],
        volumes[["provider", "service", "volume_per_week", "volume_unit"]],
        nursing_care,
    )
    say(f"[4/5] benchmarks: {len(bench.outliers_)} outlying values flagged")
    return bench


def nursing_care(unit_costs: pd.DataFrame, values: pd.DataFrame, params) -> pd.DataFrame | None:
    """Care home costs excluding NHS-funded nursing care (None without care home returns
    that carry a care category)."""
    from ..costs import costs_excluding_fnc

    if "care_category" not in unit_costs:
        return None
    homes = unit_costs[unit_costs["care_category"].fillna("").astype(str) != ""]
    return costs_excluding_fnc(homes, values, params) if len(homes) else None


def roll_comparators(cfg: RunConfig, params) -> pd.DataFrame | None:
    """``run.comparators`` rolled forward by ``run.comparator_index`` to ``comparators_to``
    (default: the index's latest month); None without comparators."""
    if cfg.comparators is None:
        return None
    from ..benchmark.comparators import read_comparators, roll_forward

    series = params.index_series(cfg.comparator_index)
    to = cfg.comparators_to or str(series.index.max())
    return roll_forward(
        read_comparators(cfg.comparators), series, to, index_name=cfg.comparator_index
    )


def recommend(
    configs: dict,
    rates: pd.DataFrame,
    unit_costs: pd.DataFrame,
    scenarios: ScenarioResults | None,
    params,
    *,
    workforce: pd.DataFrame | None = None,
    say: Say = _quiet,
    nursing_care: pd.DataFrame | None = None,
) -> tuple[dict, pd.DataFrame]:
    """Recommendations per service (care homes per care category when the rates carry one)
    and the parameters in force on the earliest effective date. With scenarios, each
    scenario's median required rate per service is offered to the methods that use it; the
    workforce lets each return be rolled forward by the scenario engine; ``nursing_care``
    (:func:`nursing_care`) gives nursing and dual care homes their costs excluding
    NHS-funded nursing care."""
    from ..recommend.engine import recommend_all

    scenario_costs = None
    if scenarios is not None:
        per_service = scenarios.results.groupby(["service", "scenario"], as_index=False)[
            "required_rate"
        ].median()
        scenario_costs = per_service.rename(columns={"required_rate": "cost_per_unit"})
    recs = recommend_all(
        configs,
        rates,
        unit_costs,
        params=params,
        scenario_costs=scenario_costs,
        workforce=workforce,
        nursing_care=nursing_care,
    )
    effective = min(c.effective_date for c in configs.values())
    say(f"[5/5] recommendation: {', '.join(recs)}")
    return recs, params.in_force(effective)


# ------------------------------------------------------------ figures the run looked up
def statutory_used(params, dates) -> list:
    """The dated values behind the statutory figures (NI, pension, SSP) read on each date
    (:meth:`~costofcare.parameters.StatutoryFigures.values_in_force`), each date once."""
    from ..parameters import StatutoryFigures

    days = dict.fromkeys(dates)
    return [v for day in days for v in StatutoryFigures.values_in_force(params, day)]


def wage_policy_used(params, wage, on, base_dates) -> list:
    """The wage floors a wage policy reads: its own rate (on its adoption date, else ``on``)
    and the National Living Wage on ``on`` (never undercut), and the base floor on each
    return's base date (:meth:`costofcare.scenarios.WagePolicy.floor_per_hour` and
    ``base_floor_per_hour``)."""
    from ..scenarios.wages import POLICY_PARAMETERS, STATUTORY_FLOOR_PARAMETER

    used = [(STATUTORY_FLOOR_PARAMETER, on)]
    if POLICY_PARAMETERS[wage.policy] is not None:
        when = wage.adoption_date if wage.adoption_date is not None else on
        used.append((POLICY_PARAMETERS[wage.policy], when))
    base = None
    if isinstance(wage.base_floor, str):
        base = POLICY_PARAMETERS[wage.base_floor]
    elif wage.base_floor is None:
        base = POLICY_PARAMETERS[wage.policy] or STATUTORY_FLOOR_PARAMETER
    if base is not None:
        used += [(base, day) for day in dict.fromkeys(base_dates)]
    return [params.get(name, day) for name, day in used if params.has(name, day)]


def _middle_dates(unit_costs: pd.DataFrame, service: str) -> list:
    """The middle of each provider's return period for a service (where base-period
    figures are read; :meth:`costofcare.scenarios.Inputs.provider_dates`)."""
    rows = unit_costs[unit_costs["service"] == service]
    if not len(rows) or not {"period_start", "period_end"} <= set(rows.columns):
        return []
    g = rows.groupby("provider")
    start = pd.to_datetime(g["period_start"].min())
    end = pd.to_datetime(g["period_end"].max())
    middle = (start + (end - start) / 2).dt.normalize().dropna()
    return sorted({d.date() for d in middle})


def recommendation_used(recs: dict, unit_costs: pd.DataFrame, params) -> list:
    """The dated values a recommendation looked up, per service: the statutory figures and
    the wage floor on the effective date (the wage floor's on-costs), the ``wage_change``
    parameter on the base and effective dates, and, where the roll-forward ran on staff
    tables, the statutory figures and wage floors of the target year and of each return's
    period (:mod:`costofcare.recommend.rollforward`)."""
    from ..costs.nursingcare import FNC_PARAMETER
    from ..recommend.rollforward import target_year
    from ..scenarios import RunSettings

    used: list = []
    for rec in recs.values():
        cfg = rec.config
        used += statutory_used(params, [cfg.effective_date])
        if rec.fnc_per_week is not None:
            used.append(params.get(FNC_PARAMETER, cfg.effective_date))
        names = [(cfg.wage_floor, cfg.effective_date)] if cfg.wage_floor_rate is None else []
        if isinstance(cfg.wage_change, str) and ":" not in cfg.wage_change:
            names += [(cfg.wage_change, cfg.base_date), (cfg.wage_change, cfg.effective_date)]
        used += [params.get(n, d) for n, d in names if n and d and params.has(n, d)]
        if rec.roll_forward is not None and rec.roll_forward.engine_count:
            target_on = RunSettings(*target_year(cfg.effective_date)).target_on
            base_dates = _middle_dates(unit_costs, rec.service)
            used += statutory_used(params, [target_on, *base_dates])
            used += wage_policy_used(params, cfg.roll_forward.wage(), target_on, base_dates)
            used += list(rec.roll_forward.index_months)  # a forecast month is listed
    return used


def non_confirmed_used(
    recs: dict, unit_costs: pd.DataFrame, scenarios: ScenarioResults | None, params
) -> pd.DataFrame:
    """The figures the run used that are not confirmed (announced, forecast or assumption):
    :func:`costofcare.parameters.non_confirmed` of what the recommendation and the
    scenarios looked up, one row per dated value."""
    from ..parameters import non_confirmed

    used = recommendation_used(recs, unit_costs, params)
    if scenarios is not None:
        used += scenarios.figures
    return non_confirmed(used)
