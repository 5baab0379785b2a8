"""The whole job in memory: :func:`run` reads a config's inputs and returns every table.

Nothing is written: :func:`costofcare.pipeline.write_run` writes a :class:`RunResult` to a
folder (``costofcare run`` does both).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .config import RunConfig, load_run_config, parameter_overrides
from .council import (
    council_line,
    council_summary,
    match_council,
    read_council_files,
    stop_on_unmatched,
)
from .steps import (
    Say,
    ScenarioResults,
    _quiet,
    benchmark_market,
    ingest_returns,
    left_out_table,
    market_tables,
    non_confirmed_used,
    nursing_care,
    recommend,
    returns_left_out,
    roll_comparators,
    run_scenarios,
)

__all__ = ["RunResult", "run"]


@dataclass
class RunResult:
    """Every table a run produced, in memory.

    Attributes
    ----------
    config : the run's settings.
    values, ingest_issues, returns : what ingest read (tidy values, its issues, one row per
        file with its status).
    rates : the council's current rates with volumes (as the recommendation takes them).
    unit_costs_all : unit costs of every readable return, every route, with ``included``.
    unit_costs : the market's unit costs (returns used, market route).
    left_out : one row per return left out of the market, with ``code`` and
        ``left_out_because``.
    workforce : the market's workforce (``provider, service, return_id, role,
        rate_per_hour, hours_per_week, headcount``).
    volumes : the market's volumes (``provider, service, volume_per_week, volume_unit,
        current_rate``).
    scenarios : scenario results per provider service (None without ``[scenarios]``);
        ``scenario_tables`` also holds the by-line explanation and the Monte Carlo.
    market, outliers, positions : market statistics, outlying values, each provider's place.
    comparators : comparator rates rolled forward (None without ``run.comparators``).
    recommendations : :class:`~costofcare.recommend.engine.ServiceRecommendation` per service.
    parameters : the dated parameters in force on the earliest effective date.
    issues : every issue: ingest's, the council files' (reading and matching), then returns
        left out and staffing rows not used.
    summary : the JSON summary as plain data (``council_files``: the council files' rows
        used, reported and not matched).
    council_rows : one row per line of the council's files: ``file, line, used, reported``.
    council_issues : the council files' issues, reading and matching (also in ``issues``).
    non_confirmed : the figures the recommendation and the scenarios used that are not
        confirmed (announced, forecast or assumption), as
        :func:`costofcare.parameters.non_confirmed` lists them (also in ``summary``).
    """

    config: RunConfig
    values: pd.DataFrame
    ingest_issues: pd.DataFrame
    returns: pd.DataFrame
    rates: pd.DataFrame
    unit_costs_all: pd.DataFrame
    unit_costs: pd.DataFrame
    left_out: pd.DataFrame
    workforce: pd.DataFrame
    volumes: pd.DataFrame
    scenario_tables: ScenarioResults | None
    market: pd.DataFrame
    outliers: pd.DataFrame
    positions: pd.DataFrame
    comparators: pd.DataFrame | None
    recommendations: dict
    parameters: pd.DataFrame
    issues: pd.DataFrame
    summary: dict
    council_rows: pd.DataFrame | None = None
    council_issues: pd.DataFrame | None = None
    non_confirmed: pd.DataFrame | None = None
    market_result: object | None = None
    """The market step's output (:class:`costofcare.market.MarketResult`; None without a
    ``[market]`` table): quality and risk tables, issues (also in ``issues``), summary."""

    @property
    def scenarios(self) -> pd.DataFrame | None:
        """Scenario results per provider service (None without ``[scenarios]``)."""
        return None if self.scenario_tables is None else self.scenario_tables.results


def _with_run_overrides(parameters: pd.DataFrame, unconfirmed: pd.DataFrame, params):
    """The parameters table and the non-confirmed list with every ``[parameters.overrides]``
    row (status ``override``) in them, each once."""
    from ..parameters import non_confirmed

    rows = params.overrides[params.overrides["status"] == "override"]
    key = ["name", "effective_from"]
    parameters = pd.concat([parameters, rows[[c for c in parameters.columns if c in rows]]])
    listed = pd.concat([unconfirmed, non_confirmed(rows)], ignore_index=True)
    return (
        parameters.drop_duplicates(key).reset_index(drop=True),
        listed.drop_duplicates(key).sort_values(key).reset_index(drop=True),
    )


def run(
    config: str | Path | RunConfig,
    *,
    workers: int | None = None,
    progress: bool = False,
    say: Say = _quiet,
) -> RunResult:
    """Run the whole pipeline for a config and return every table; nothing is written.

    Parameters
    ----------
    config : a run config file (TOML) or a :class:`RunConfig`.
    workers : processes for reading returns (None: every CPU; 1: this process).
    progress : show a progress bar while reading returns.
    say : called with a line of text at each step (e.g. ``print``).

    Examples
    --------
    >>> from costofcare.pipeline import example_config, run, write_run
    >>> result = run(example_config(), workers=1)            # doctest: +SKIP
    >>> paths = write_run(result, "out/run")                 # doctest: +SKIP
    """
    from ..costs.nursingcare import fnc_not_worked_out
    from ..parameters import load
    from ..recommend.config import parse_config
    from ..report.summary import summary as summarise

    cfg = config if isinstance(config, RunConfig) else load_run_config(config)
    configs = parse_config(cfg.recommend)
    check_market_config(cfg)
    council_files = read_council_files(cfg.current_rates, cfg.volumes)
    params = load()
    overrides = parameter_overrides(cfg, params.names)
    if overrides:  # [parameters.overrides]: replaced for this run, status override
        params = load(overrides=overrides)
    ingest = ingest_returns(cfg, workers=workers, progress=progress, say=say)
    council = match_council(council_files, ingest.returns, ingest.values)
    stop_on_unmatched(council, cfg.on_unmatched)
    rates = council.rates
    say(council_line(council))
    tables = market_tables(cfg, ingest, rates)
    left_out = left_out_table(ingest.returns, tables.issues)
    say(
        f"[2/5] unit costs: {tables.unit_costs['provider'].nunique()} providers in the market; "
        f"{returns_left_out(left_out)} returns left out (see costs/left_out.csv)"
    )
    scenarios = run_scenarios(cfg, tables, params, say=say)
    fnc = nursing_care(tables.unit_costs, ingest.values, params)
    bench = benchmark_market(tables.unit_costs, tables.volumes, say=say, nursing_care=fnc)
    recs, parameters = recommend(
        configs,
        rates,
        tables.unit_costs,
        scenarios,
        params,
        workforce=tables.workforce,
        say=say,
        nursing_care=fnc,
    )
    unconfirmed = non_confirmed_used(recs, tables.unit_costs, scenarios, params)
    if overrides:  # every run-config override is listed and recorded, used or not
        parameters, unconfirmed = _with_run_overrides(parameters, unconfirmed, params)
    market = run_market_step(cfg, ingest.values, tables.unit_costs, recs, scenarios, say=say)
    return RunResult(
        config=cfg,
        values=ingest.values,
        ingest_issues=ingest.issues,
        returns=ingest.returns,
        rates=rates,
        unit_costs_all=tables.unit_costs_all,
        unit_costs=tables.unit_costs,
        left_out=left_out,
        workforce=tables.workforce,
        volumes=tables.volumes,
        scenario_tables=scenarios,
        market=bench.quartiles_,
        outliers=bench.outliers_,
        positions=bench.positions_,
        comparators=roll_comparators(cfg, params),
        recommendations=recs,
        parameters=parameters,
        issues=pd.concat(
            [ingest.issues, council.issues, tables.issues, fnc_not_worked_out(fnc)]
            + ([market.issues] if market is not None else []),
            ignore_index=True,
        ),
        summary={
            **summarise(recs, min_count=cfg.min_count, non_confirmed=unconfirmed),
            "council_files": council_summary(council),
            **({"market": market.summary} if market is not None else {}),
        },
        council_rows=council.rows,
        council_issues=council.issues,
        non_confirmed=unconfirmed,
        market_result=market,
    )


def check_market_config(cfg: RunConfig) -> None:
    """Check the ``[market]`` table before any work (:func:`costofcare.market.check_market`)."""
    if cfg.market is not None:
        from ..market import MarketContext, check_market

        check_market(MarketContext(cfg.market, Path(cfg.source).parent))


def run_market_step(cfg: RunConfig, values, unit_costs, recs, scenarios, *, say: Say = _quiet):
    """The market step of a run (:func:`costofcare.market.run_market`) when the config has
    a ``[market]`` table; None otherwise."""
    if cfg.market is None:
        return None
    from ..market import MarketContext, run_market
    from ..market.run import headline

    results = None if scenarios is None else scenarios.results
    on, profile, rates = _options_profile(cfg, recs, results)
    context = MarketContext(
        cfg.market, Path(cfg.source).parent, values, unit_costs, recs, results, on, profile, rates
    )
    market = run_market(context)
    say(f"      market: {headline(market)}")
    return market


def _options_profile(cfg: RunConfig, recs, scenarios):
    """The first effective date of the run, each option's spend a year over the decision
    summary's horizon (:func:`costofcare.report.options.budget_profile`) and each option's
    average rate per service (spend over units, care home markets together), for market
    shape (funding lines, unmet need); (None, None, None) without recommendations."""
    if not recs:
        return None, None, None
    from ..report.decision import horizon_of
    from ..report.options import budget_profile, options_table

    on = min(rec.config.effective_date for rec in recs.values())
    first_year = on.year if on.month >= 4 else on.year - 1  # financial year 2026 is 2026-27
    horizon = horizon_of(cfg)
    options = options_table(recs, scenarios, horizon)
    units = options["current_spend_annual"] / options["average_current_rate"]
    spend = (
        options.assign(
            proposed=options["current_spend_annual"] + options["year_one_impact"], units=units
        )
        .groupby(["option", "service"], sort=False, as_index=False)[["proposed", "units"]]
        .sum()
    )
    rates = spend.assign(rate=spend["proposed"] / spend["units"])[["option", "service", "rate"]]
    return on, budget_profile(options, horizon, first_year), rates
