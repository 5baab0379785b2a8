"""Put a service's method, guardrails and volumes together into a recommendation."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..tables import check
from .budget import BudgetFit
from .config import UNIT_LABELS, Figure, Resolved, ServiceConfig, resolve
from .guardrails import Guardrails, apply_guardrails
from .markets import (
    POOLED,
    fnc_cost_part,
    market_costs,
    market_label,
    market_rates,
    markets,
    with_fnc_lines,
)
from .method import Method, MethodInputs, Proposal, RecommendationInputError, Row, require_columns
from .methods import cost_by_category
from .rollforward import RolledCosts, roll_costs

#: Columns of :data:`costofcare.tables.UNIT_COSTS` the methods read.
_COSTS_READ = ("provider", "service", "cost_line", "category", "cost_per_unit")
#: Columns of :func:`~costofcare.recommend.guardrails.apply_guardrails` kept per provider.
_FROM_GUARDRAILS = (
    "method_rate",
    "method_uplift",
    "allowed_uplift",
    "guarded_rate",
    "proposed_rate",
    "uplift",
)


@dataclass
class ServiceRecommendation:
    """One service type's recommendation.

    ``providers`` has one row per provider (with a current rate, a cost return or both):
    ``provider``, ``care_category`` (care homes; blank otherwise), ``current_rate``,
    ``volume_per_week``, cost per unit by category (``staffing``, ``non_staffing``,
    ``return``, ``other``, ``fnc``: less NHS-funded nursing care in a nursing or dual care
    home market, 0 elsewhere; ``total`` net of it), ``rolled_cost`` (in a nursing or dual
    market net of ``fnc_target``: minus the FNC per resident week the home receives at the
    effective date, the FNC rate then in force × its nursing share),
    ``roll_forward`` (how the cost was rolled forward: ``"scenario engine"`` or
    ``"ratio rule: <reason>"``), ``method_rate``, ``method_uplift``, ``allowed_uplift``,
    ``guarded_rate``, ``proposed_rate``, ``uplift``, ``binding``, ``current_spend_annual``,
    ``proposed_spend_annual``, ``impact_annual``. Providers without a current rate have no
    proposal (NaN). ``proposal`` is what the method returned; ``result_rows`` the rows it adds
    to the results once the guardrails are applied; ``roll_forward`` the cost rolled forward
    by provider and category (:class:`~costofcare.recommend.rollforward.RolledCosts`).
    """

    config: ServiceConfig
    guardrails: Guardrails
    resolved: Resolved
    providers: pd.DataFrame
    proposal: Proposal
    weeks_per_year: float
    roll_forward: RolledCosts | None = None
    reasoning: list[str] = field(default_factory=list)
    result_rows: tuple[Row, ...] = ()

    @property
    def service(self) -> str:
        return self.config.service

    @property
    def key(self) -> str:
        """The service, or ``care_home.<category>`` for one care home market."""
        return self.config.key

    @property
    def label(self) -> str:
        """The market in words (``care homes (nursing)``)."""
        return market_label(self.key)

    @property
    def fnc_per_week(self) -> Figure | None:
        """The NHS-funded nursing care rate in force on the effective date (nursing and dual
        care home markets), paid by the NHS on top of the council's rate."""
        return self.resolved.fnc_per_week

    @property
    def method(self) -> Method:
        return self.config.method

    @property
    def figures(self) -> dict[str, Figure]:
        return self.proposal.figures

    @property
    def fit(self) -> BudgetFit | None:
        return self.proposal.fit

    @property
    def unit(self) -> str:
        return UNIT_LABELS[self.config.service]

    def _priced(self) -> pd.DataFrame:
        return self.providers[self.providers["current_rate"].notna()]

    @property
    def volume_annual(self) -> float:
        return float(self._priced()["volume_per_week"].sum() * self.weeks_per_year)

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


def provider_table(
    rates: pd.DataFrame,
    unit_costs: pd.DataFrame,
    service: str,
    *,
    config: ServiceConfig | None = None,
    nursing_care: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Providers of one service (or one care home market: ``config.care_category``): current
    rate and volume beside cost per unit by category, ``fnc`` (minus NHS-funded nursing care
    per unit in a nursing or dual market, from ``nursing_care``) and ``total`` net of it."""
    rates = check(
        "current_rates", rates, error=RecommendationInputError, require=("volume_per_week",)
    )
    require_columns(unit_costs, _COSTS_READ, "unit costs")
    r = rates[rates["service"] == service] if config is None else market_rates(rates, config)
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
    mine = unit_costs if config is None else market_costs(unit_costs, config)
    costs = cost_by_category(mine, service)
    if config is not None:
        fnc = fnc_cost_part(costs.index, config, nursing_care, mine)
        costs["fnc"] = fnc["fnc"]
        costs["total"] = costs["total"] + costs["fnc"]
        costs.loc[costs["total"].isna(), ["staffing", "non_staffing", "return", "other"]] = np.nan
    else:
        costs["fnc"] = 0.0
    costs = costs[["staffing", "non_staffing", "return", "other", "fnc", "total"]]
    columns = ["current_rate", "volume_per_week"]
    table = r.set_index("provider")[columns].astype(float).join(costs, how="outer")
    table.index.name = "provider"
    category = r.set_index("provider")["care_category"] if "care_category" in r else None
    table.insert(0, "care_category", "" if category is None else category.reindex(table.index))
    if config is not None and config.care_category:
        table["care_category"] = table["care_category"].fillna(config.care_category)
    table["care_category"] = table["care_category"].fillna("").astype(str)
    return table.reset_index()


def _method_inputs(
    config,
    resolved,
    guardrails,
    rates,
    unit_costs,
    scenario_costs,
    workforce=None,
    params=None,
    nursing_care=None,
):
    table = provider_table(
        rates, unit_costs, config.service, config=config, nursing_care=nursing_care
    )
    if not table["current_rate"].notna().any():
        raise RecommendationInputError(f"rates: no current rates for {market_label(config.key)}")
    wage = resolved.wage_change.value if resolved.wage_change else 0.0
    price = resolved.price_change.value if resolved.price_change else 0.0
    full = table.copy()
    full["total"] = full["total"] - full["fnc"]  # rolled forward in full, FNC taken off after
    rolled = roll_costs(full, unit_costs, workforce, config, wage, price, params)
    if config.care_category:
        fnc = fnc_cost_part(
            pd.Index(table.dropna(subset=["total"])["provider"]),
            config,
            nursing_care,
            market_costs(unit_costs, config),
        )
        target = resolved.fnc_per_week.value if resolved.fnc_per_week else None
        rolled = with_fnc_lines(rolled, fnc, target)
        if target is not None:
            table["fnc_target"] = table["provider"].map(-target * fnc["nursing_share"])
    table["rolled_cost"] = table["provider"].map(rolled.total).astype(float)
    table["roll_forward"] = table["provider"].map(rolled.basis).astype(object).fillna("")
    inputs = MethodInputs(
        config=config,
        unit=UNIT_LABELS[config.service],
        providers=table,
        wage_change=wage,
        price_change=price,
        guardrails=guardrails,
        weeks_per_year=config.weeks,
        scenario_costs=scenario_costs,
        roll_forward=rolled,
    )
    return inputs


def recommend_service(
    config: ServiceConfig,
    rates: pd.DataFrame,
    unit_costs: pd.DataFrame,
    *,
    params=None,
    scenario_costs: pd.DataFrame | None = None,
    resolved: Resolved | None = None,
    workforce: pd.DataFrame | None = None,
    nursing_care: pd.DataFrame | None = None,
) -> ServiceRecommendation:
    """Recommend rates for one service type (or one care home market:
    ``config.care_category``, :mod:`costofcare.recommend.markets`).

    Parameters
    ----------
    config
        The service's settings (:func:`costofcare.recommend.config.parse_service`).
    rates
        ``provider``, ``service``, ``current_rate`` (GBP per unit), ``volume_per_week``.
    unit_costs
        ``provider``, ``service``, ``cost_line``, ``category``, ``cost_per_unit`` (and
        ``period_start``, ``period_end`` for the roll-forward by the scenario engine).
    params
        Loaded dated parameters, to resolve references and the wage floor.
    scenario_costs
        For ``bottom_up``: ``service``, ``scenario``, ``cost_per_unit`` (modelled).
    resolved
        Already resolved figures (skips ``params``); mainly for tests and notebooks.
    workforce
        :data:`costofcare.tables.WORKFORCE` of the returns: each provider with a staff table
        is rolled forward by the scenario engine (:mod:`costofcare.recommend.rollforward`);
        without it every provider takes the ratio rule.
    nursing_care
        :func:`costofcare.costs.costs_excluding_fnc` of the care home returns: needed by a
        nursing or dual care home market, whose rates exclude NHS-funded nursing care.
    """
    resolved = resolved if resolved is not None else resolve(config, params)
    floor_rate = None if resolved.floor_rate is None else resolved.floor_rate.value
    guardrails = config.guardrails(floor_rate)
    inputs = _method_inputs(
        config,
        resolved,
        guardrails,
        rates,
        unit_costs,
        scenario_costs,
        workforce,
        params,
        nursing_care,
    )
    proposal = config.method.propose(inputs)
    table = inputs.providers
    priced = table["current_rate"].notna()
    guarded = apply_guardrails(pd.Series(inputs.current_rate), proposal.method_rate, guardrails)
    for col in _FROM_GUARDRAILS:
        table[col] = np.nan
        table.loc[priced, col] = guarded[col].to_numpy()
    table["binding"] = ""
    table.loc[priced, "binding"] = guarded["binding"].to_numpy()
    volume = table["volume_per_week"].fillna(0.0)
    table["current_spend_annual"] = table["current_rate"] * volume * inputs.weeks_per_year
    table["proposed_spend_annual"] = table["proposed_rate"] * volume * inputs.weeks_per_year
    table["impact_annual"] = table["proposed_spend_annual"] - table["current_spend_annual"]
    rec = ServiceRecommendation(
        config=config,
        guardrails=guardrails,
        resolved=resolved,
        providers=table,
        proposal=proposal,
        weeks_per_year=inputs.weeks_per_year,
        roll_forward=inputs.roll_forward,
        reasoning=list(proposal.reasoning),
    )
    totals = {
        "current_spend_annual": rec.current_spend_annual,
        "proposed_spend_annual": rec.proposed_spend_annual,
    }
    rec.result_rows = config.method.result_rows(proposal, totals)
    rec.reasoning += _guardrail_reasoning(rec, floor_rate)
    return rec


def _market_reasoning(rec: ServiceRecommendation) -> list[str]:
    """What a care home market is priced on, and the NHS-funded nursing care beside it."""
    category = rec.config.care_category
    if not category:
        return []
    if category == POOLED:
        without = " or ".join(rec.config.pooled_categories)
        lines = [
            "These care home rates have no care category"
            + (f" or are {without} rates, with no {without} cost returns" if without else "")
            + ", so they are priced against the pooled market of every care home's costs "
            "(as returned, NHS-funded nursing care included)."
        ]
    elif rec.config.enhanced:
        lines = [
            f"Priced as its own market (Fair Cost of Care Annex B): {category} care home "
            "rates for enhanced needs (such as dementia) against the costs of the "
            f"{category} homes whose returns show mostly residents with enhanced needs."
        ]
    elif rec.config.enhanced_split:
        lines = [
            f"Priced as its own market (Fair Cost of Care Annex B): {category} care home "
            f"rates (not for enhanced needs) against the costs of the {category} homes "
            "whose returns do not show mostly residents with enhanced needs; the enhanced "
            "rates are priced apart."
        ]
    else:
        lines = [
            f"Priced as its own market (Fair Cost of Care Annex B): {category} care home "
            f"rates against the costs of the {category} homes' returns only."
        ]
        if rec.config.enhanced_fallback:
            lines.append(rec.config.enhanced_fallback)
    fnc = rec.fnc_per_week
    if fnc is not None:
        lines.append(
            f"The rate excludes NHS-funded nursing care: costs are compared net of it, and the "
            f"NHS pays the home £{fnc.value:,.2f} a week per eligible resident on top "
            f"({fnc.source})."
        )
    return lines


def _guardrail_reasoning(rec: ServiceRecommendation, floor_rate: float | None) -> list[str]:
    config, unit, lines = rec.config, rec.unit, _market_reasoning(rec)
    if floor_rate is not None:
        lines.append(
            f"No rate is below £{floor_rate:,.2f} per {unit}, the cost of paying the legal "
            "minimum wage with statutory on-costs."
        )
    limits = []
    if config.uplift_min is not None:
        limits.append(f"at least {config.uplift_min:+.2%}")
    if config.uplift_max is not None:
        limits.append(f"at most {config.uplift_max:+.2%}")
    if limits:
        lines.append("Each provider's uplift is " + " and ".join(limits) + ".")
    counts = rec.binding_counts()
    if counts:
        lines.append(
            "Guardrails that bind: "
            + "; ".join(f"{k} for {v} provider(s)" for k, v in counts.items())
            + "."
        )
    lines.append(
        f"Effective {config.effective_date:%d %B %Y}: "
        f"average rate £{rec.average_current_rate:,.2f} → "
        f"£{rec.average_proposed_rate:,.2f} per {unit} ({rec.uplift:+.2%}), "
        f"£{rec.budget_impact_annual:,.0f} a year more."
    )
    return lines


def recommend_all(
    configs: dict[str, ServiceConfig],
    rates: pd.DataFrame,
    unit_costs: pd.DataFrame,
    *,
    params=None,
    scenario_costs: pd.DataFrame | None = None,
    workforce: pd.DataFrame | None = None,
    nursing_care: pd.DataFrame | None = None,
) -> dict[str, ServiceRecommendation]:
    """:func:`recommend_service` for each configured service type, and for care homes whose
    rates carry a care category once per category (keys ``care_home.residential``,
    ``care_home.nursing``, ``care_home.dual``, ``care_home.all``:
    :func:`costofcare.recommend.markets.markets`)."""
    out = {}
    for config in configs.values():
        for market in markets(config, rates, unit_costs):
            out[market.key] = recommend_service(
                market,
                rates,
                unit_costs,
                params=params,
                scenario_costs=scenario_costs,
                workforce=workforce,
                nursing_care=nursing_care,
            )
    return out
