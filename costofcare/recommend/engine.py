"""Put a service's method, guardrails and volumes together into a recommendation."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import UserError
from .budget import BudgetFit, fit_budget, method_rates
from .config import UNIT_LABELS, Figure, Resolved, ServiceConfig, resolve
from .guardrails import Guardrails, apply_guardrails
from .methods import (
    cost_by_category,
    percentile_target,
    rolled_cost,
    staffing_share,
    weighted_index_uplift,
)

RATE_COLUMNS = ("provider", "service", "current_rate", "volume_per_week")
COST_COLUMNS = ("provider", "service", "cost_line", "category", "cost_per_unit")


class RecommendationInputError(UserError):
    """The tables handed to the recommendation step cannot be used."""


@dataclass
class ServiceRecommendation:
    """One service type's recommendation.

    ``providers`` has one row per provider (with a current rate, a cost return or both):
    ``provider``, ``current_rate``, ``volume_per_week``, cost per unit by category
    (``staffing``, ``non_staffing``, ``return``, ``other``, ``total``), ``rolled_cost``,
    ``method_rate``, ``method_uplift``, ``allowed_uplift``, ``guarded_rate``,
    ``proposed_rate``, ``uplift``, ``binding``, ``current_spend_annual``,
    ``proposed_spend_annual``, ``impact_annual``. Providers without a current rate have no
    proposal (NaN).
    """

    config: ServiceConfig
    guardrails: Guardrails
    resolved: Resolved
    providers: pd.DataFrame
    figures: dict[str, Figure] = field(default_factory=dict)
    fit: BudgetFit | None = None
    reasoning: list[str] = field(default_factory=list)

    @property
    def service(self) -> str:
        return self.config.service

    @property
    def method(self) -> str:
        return self.config.method

    @property
    def unit(self) -> str:
        return UNIT_LABELS[self.config.service]

    def _priced(self) -> pd.DataFrame:
        return self.providers[self.providers["current_rate"].notna()]

    @property
    def volume_annual(self) -> float:
        return float(self._priced()["volume_per_week"].sum() * self.config.weeks_per_year)

    @property
    def current_spend_annual(self) -> float:
        return float(self._priced()["current_spend_annual"].sum())

    @property
    def proposed_spend_annual(self) -> float:
        return float(self._priced()["proposed_spend_annual"].sum())

    @property
    def budget_impact_annual(self) -> float:
        return self.proposed_spend_annual - self.current_spend_annual

    @property
    def uplift(self) -> float:
        """Volume-weighted uplift: proposed spend over current spend, less one."""
        return self.proposed_spend_annual / self.current_spend_annual - 1.0

    @property
    def average_current_rate(self) -> float:
        return self.current_spend_annual / self.volume_annual

    @property
    def average_proposed_rate(self) -> float:
        return self.proposed_spend_annual / self.volume_annual

    def binding_counts(self) -> dict[str, int]:
        b = self._priced()["binding"]
        return {k: int(v) for k, v in b[b != ""].value_counts().sort_index().items()}


def _check_columns(df: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise RecommendationInputError(f"{what} table lacks column(s) {', '.join(missing)}")


def provider_table(rates: pd.DataFrame, unit_costs: pd.DataFrame, service: str) -> pd.DataFrame:
    """Providers of one service: current rate and volume beside cost per unit by category."""
    _check_columns(rates, RATE_COLUMNS, "rates")
    _check_columns(unit_costs, COST_COLUMNS, "unit costs")
    r = rates[rates["service"] == service]
    dupes = r["provider"][r["provider"].duplicated()].unique()
    if len(dupes):
        raise RecommendationInputError(
            f"rates: provider(s) listed twice for {service}: {', '.join(map(str, dupes))}"
        )
    bad = r[~(pd.to_numeric(r["current_rate"], errors="coerce") > 0)]
    if len(bad):
        raise RecommendationInputError(
            f"rates: current_rate must be a positive number for {service} provider(s) "
            f"{', '.join(map(str, bad['provider']))}"
        )
    costs = cost_by_category(unit_costs, service)
    table = (
        r.set_index("provider")[["current_rate", "volume_per_week"]]
        .astype(float)
        .join(costs, how="outer")
    )
    table.index.name = "provider"
    return table.reset_index()


def recommend_service(
    config: ServiceConfig,
    rates: pd.DataFrame,
    unit_costs: pd.DataFrame,
    *,
    params=None,
    scenario_costs: pd.DataFrame | None = None,
    resolved: Resolved | None = None,
) -> ServiceRecommendation:
    """Recommend rates for one service type.

    Parameters
    ----------
    config
        The service's settings (:func:`costofcare.recommend.config.parse_service`).
    rates
        ``provider``, ``service``, ``current_rate`` (GBP per unit), ``volume_per_week``.
    unit_costs
        ``provider``, ``service``, ``cost_line``, ``category``, ``cost_per_unit``.
    params
        Loaded dated parameters, to resolve references and the wage floor.
    scenario_costs
        For ``bottom_up``: ``service``, ``scenario``, ``cost_per_unit`` (modelled).
    resolved
        Already resolved figures (skips ``params``); mainly for tests and notebooks.
    """
    service = config.service
    resolved = resolved if resolved is not None else resolve(config, params)
    floor_rate = None if resolved.floor_rate is None else resolved.floor_rate.value
    guardrails = config.guardrails(floor_rate)
    table = provider_table(rates, unit_costs, service)
    priced = table["current_rate"].notna()
    if not priced.any():
        raise RecommendationInputError(f"rates: no current rates for {service}")
    current = table.loc[priced, "current_rate"].to_numpy()
    volume = table.loc[priced, "volume_per_week"].fillna(0.0).to_numpy()
    unit = UNIT_LABELS[service]
    figures: dict[str, Figure] = {}
    reasoning: list[str] = []
    wage = resolved.wage_change.value if resolved.wage_change else 0.0
    price = resolved.price_change.value if resolved.price_change else 0.0
    table["rolled_cost"] = rolled_cost(
        table["staffing"].fillna(0.0),
        table["non_staffing"].fillna(0.0),
        table["return"].fillna(0.0),
        table["other"].fillna(0.0),
        wage,
        price,
    )
    table.loc[table["total"].isna(), "rolled_cost"] = np.nan
    fit = None

    if config.method == "percentile":
        rolled = table["rolled_cost"].dropna()
        if rolled.empty:
            raise RecommendationInputError(
                f"unit costs: no {service} cost returns to take "
                f"the {config.percentile:g} percentile of"
            )
        target = percentile_target(rolled, config.percentile)
        figures["target_rate"] = Figure(
            target,
            f"percentile {config.percentile:g} of {len(rolled)} providers' rolled-forward costs",
        )
        method = np.full(current.shape, target)
        reasoning.append(
            f"Move to the {_ordinal_percentile(config.percentile)} of the local cost of care: "
            f"£{target:,.2f} per {unit}, from {len(rolled)} providers' returned costs rolled "
            f"forward (staffing {wage:+.2%}, other costs {price:+.2%})."
        )
    elif config.method == "weighted_index":
        share = config.staffing_share
        share_source = f"{config.where}.staffing_share in the config"
        if share is None:
            costs = table.dropna(subset=["total"]).set_index("provider")
            vol = costs["volume_per_week"].fillna(0.0)
            weights = vol if vol.sum() > 0 else None
            share = staffing_share(costs, weights)
            share_source = "staffing share of the providers' returned costs" + (
                ", weighted by volume" if weights is not None else ""
            )
        uplift = weighted_index_uplift(share, wage, price)
        figures["staffing_share"] = Figure(share, share_source)
        figures["index_uplift"] = Figure(
            uplift, "staffing share × wage change + (1 − staffing share) × price change"
        )
        method = current * (1.0 + uplift)
        reasoning.append(
            f"Weighted index: {share:.1%} staffing × {wage:+.2%} wage change + "
            f"{1 - share:.1%} other × {price:+.2%} price change = {uplift:+.2%}."
        )
    elif config.method == "bottom_up":
        if scenario_costs is None:
            raise RecommendationInputError(
                f"method bottom_up for {service} needs the scenario results (scenario_costs)"
            )
        _check_columns(scenario_costs, ("service", "scenario", "cost_per_unit"), "scenario results")
        hit = scenario_costs[
            (scenario_costs["service"] == service) & (scenario_costs["scenario"] == config.scenario)
        ]
        if len(hit) != 1:
            known = sorted(
                scenario_costs.loc[scenario_costs["service"] == service, "scenario"].astype(str)
            )
            raise RecommendationInputError(
                f"scenario results: expected one row for {service} scenario {config.scenario!r}, "
                f"found {len(hit)}; scenarios for {service}: {', '.join(known) or 'none'}"
            )
        target = float(hit["cost_per_unit"].iloc[0])
        figures["target_rate"] = Figure(
            target, f"modelled cost per {unit} under scenario {config.scenario}"
        )
        method = np.full(current.shape, target)
        reasoning.append(
            f"Bottom-up: the modelled cost under scenario '{config.scenario}' is "
            f"£{target:,.2f} per {unit}."
        )
    else:  # budget fits
        how = "uniform" if config.method == "budget_uniform" else "floor_first"
        current_spend = float(np.sum(current * volume) * config.weeks_per_year)
        envelope = (
            config.budget_annual
            if config.budget_annual is not None
            else current_spend + config.budget_increase_annual
        )
        fit = fit_budget(
            current,
            volume,
            envelope,
            guardrails,
            how=how,
            share=config.share,
            weeks_per_year=config.weeks_per_year,
        )
        figures["budget_annual"] = Figure(envelope, "the envelope in the config")
        name = "fitted_pence" if fit.share == "pence" else "fitted_uplift"
        figures[name] = Figure(
            fit.value, f"solved so the annual spend meets the envelope ({fit.status})"
        )
        method = method_rates(how, fit.share, fit.value, current, floor_rate)
        shown = f"£{fit.value:,.4f} per {unit}" if fit.share == "pence" else f"{fit.value:+.4%}"
        reasoning.append(
            f"Fit to a budget of £{envelope:,.0f} a year "
            + (
                "with a uniform uplift"
                if how == "uniform"
                else f"floor first, sharing the rest by {fit.share}"
            )
            + f": {shown}; {fit.describe()}."
        )
        if fit.status == "short":
            reasoning.append(
                f"The envelope is £{-fit.gap_annual:,.0f} a year short "
                "of what the guardrails require."
            )

    guarded = apply_guardrails(pd.Series(current), method, guardrails)
    for col in (
        "method_rate",
        "method_uplift",
        "allowed_uplift",
        "guarded_rate",
        "proposed_rate",
        "uplift",
    ):
        table[col] = np.nan
        table.loc[priced, col] = guarded[col].to_numpy()
    table["binding"] = ""
    table.loc[priced, "binding"] = guarded["binding"].to_numpy()
    weeks = config.weeks_per_year
    table["current_spend_annual"] = (
        table["current_rate"] * table["volume_per_week"].fillna(0.0) * weeks
    )
    table["proposed_spend_annual"] = (
        table["proposed_rate"] * table["volume_per_week"].fillna(0.0) * weeks
    )
    table["impact_annual"] = table["proposed_spend_annual"] - table["current_spend_annual"]
    rec = ServiceRecommendation(
        config=config,
        guardrails=guardrails,
        resolved=resolved,
        providers=table,
        figures=figures,
        fit=fit,
        reasoning=reasoning,
    )
    if floor_rate is not None:
        reasoning.append(
            f"No rate is below £{floor_rate:,.2f} per {unit}, the cost of paying the legal "
            "minimum wage with statutory on-costs."
        )
    limits = []
    if config.uplift_min is not None:
        limits.append(f"at least {config.uplift_min:+.2%}")
    if config.uplift_max is not None:
        limits.append(f"at most {config.uplift_max:+.2%}")
    if limits:
        reasoning.append("Each provider's uplift is " + " and ".join(limits) + ".")
    counts = rec.binding_counts()
    if counts:
        reasoning.append(
            "Guardrails that bind: "
            + "; ".join(f"{k} for {v} provider(s)" for k, v in counts.items())
            + "."
        )
    reasoning.append(
        f"Effective {config.effective_date:%d %B %Y}: "
        f"average rate £{rec.average_current_rate:,.2f} → "
        f"£{rec.average_proposed_rate:,.2f} per {unit} ({rec.uplift:+.2%}), "
        f"£{rec.budget_impact_annual:,.0f} a year more."
    )
    return rec


def recommend_all(
    configs: dict[str, ServiceConfig],
    rates: pd.DataFrame,
    unit_costs: pd.DataFrame,
    *,
    params=None,
    scenario_costs: pd.DataFrame | None = None,
) -> dict[str, ServiceRecommendation]:
    """:func:`recommend_service` for each configured service type."""
    return {
        service: recommend_service(
            config, rates, unit_costs, params=params, scenario_costs=scenario_costs
        )
        for service, config in configs.items()
    }


def _ordinal_percentile(fraction: float) -> str:
    if fraction == 0.5:
        return "median"
    if fraction == 0.25:
        return "lower quartile"
    if fraction == 0.75:
        return "upper quartile"
    n = round(fraction * 100)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} percentile"
