"""The recommendation methods that price from costs: percentile, weighted index, bottom-up.

Each is a small class with the :class:`~costofcare.recommend.method.Method` interface; the
budget fits are in :mod:`costofcare.recommend.budget`. They work on the provider table of
:class:`~costofcare.recommend.method.MethodInputs` (one row per provider: current rate,
volume, cost per unit by category and the cost rolled forward).

``percentile``
    move to a chosen percentile (median by default) of the local cost of care, each
    provider's total cost first rolled forward to the target period (:func:`rolled_cost`).
``weighted_index``
    uplift = staffing share × wage change + (1 − staffing share) × price change.
``bottom_up``
    move to the modelled cost per unit of a named scenario (from the scenarios step).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..benchmark.quantiles import percentile_inc
from ..costs.shares import staffing_share
from ..errors import ConfigError
from .method import (
    Figure,
    Method,
    MethodInputs,
    OutcomeNote,
    Proposal,
    RecommendationInputError,
    Row,
    register,
    require_columns,
)

CATEGORIES = ("staffing", "non_staffing", "return")

#: :func:`rolled_cost` as an Excel formula over one provider's row and the two changes.
ROLLED_COST_FORMULA = (
    "{staffing}*(1+{wage_change})+({non_staffing}+{other})*(1+{price_change})"
    "+{return}*IF({staffing}+{non_staffing}+{other}>0,"
    "({staffing}*(1+{wage_change})+({non_staffing}+{other})*(1+{price_change}))"
    "/({staffing}+{non_staffing}+{other}),1)"
)


def cost_by_category(unit_costs: pd.DataFrame, service: str) -> pd.DataFrame:
    """Each provider's cost per unit by category, for one service.

    Returns a DataFrame indexed by provider with columns ``staffing``, ``non_staffing``,
    ``return``, ``total`` and ``other`` (lines with no category: in ``total`` and ``other``).
    """
    rows = unit_costs[unit_costs["service"] == service]
    total = rows.groupby("provider", sort=False)["cost_per_unit"].sum(min_count=1)
    by_cat = (
        rows[rows["category"].isin(CATEGORIES)]
        .pivot_table(index="provider", columns="category", values="cost_per_unit", aggfunc="sum")
        .reindex(index=total.index, columns=list(CATEGORIES))
        .fillna(0.0)
    )
    by_cat["total"] = total
    by_cat["other"] = by_cat["total"] - by_cat[list(CATEGORIES)].sum(axis=1)
    by_cat.columns.name = None
    return by_cat


def rolled_cost(staffing, non_staffing, return_, other, wage_change, price_change) -> np.ndarray:
    """Total cost per unit rolled forward to the target period (every method uses this one).

    ``staffing × (1 + wage_change) + (non_staffing + other) × (1 + price_change)``, and the
    return lines scaled by the same factor as the costs they are a return on (so the margin
    stays the same share of cost). :data:`ROLLED_COST_FORMULA` is the workbook's formula.

    Examples
    --------
    >>> float(rolled_cost(20.0, 5.0, 1.25, 0.0, 0.10, 0.04))
    28.56
    """
    staffing = np.asarray(staffing, dtype=float)
    costs = np.asarray(non_staffing, dtype=float) + np.asarray(other, dtype=float)
    before = staffing + costs
    after = staffing * (1.0 + wage_change) + costs * (1.0 + price_change)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(before > 0, after / np.where(before > 0, before, 1.0), 1.0)
    return after + np.asarray(return_, dtype=float) * factor


def weighted_index_uplift(staffing_share: float, wage_change: float, price_change: float) -> float:
    """``staffing_share × wage_change + (1 − staffing_share) × price_change``.

    Examples
    --------
    >>> round(weighted_index_uplift(0.7, 0.067, 0.038), 6)
    0.0583
    """
    return staffing_share * wage_change + (1.0 - staffing_share) * price_change


def ordinal_percentile(fraction: float) -> str:
    """``0.5`` -> "median", ``0.9`` -> "90th percentile"."""
    named = {0.5: "median", 0.25: "lower quartile", 0.75: "upper quartile"}
    if fraction in named:
        return named[fraction]
    n = round(fraction * 100)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} percentile"


def _changes(inputs: MethodInputs) -> str:
    """How the costs were rolled forward, in words."""
    ratio = f"staffing {inputs.wage_change:+.2%}, other costs {inputs.price_change:+.2%}"
    rolled = inputs.roll_forward
    if rolled is None:
        return ratio
    engine, n = rolled.engine_count, len(rolled.basis)
    rf = inputs.config.roll_forward
    parts = []
    if engine:
        parts.append(
            f"{engine} by the scenario engine: pay under {rf.wage()}, employer NI and pension "
            f"recomputed per worker under the target year's rules, other lines by {rf.index}"
        )
    if engine < n:
        parts.append(f"{n - engine} by the ratio rule ({ratio})")
    return "; ".join(parts)


@register
@dataclass(frozen=True)
class Percentile(Method):
    """Every provider moves to a percentile of the local costs, rolled forward."""

    name = "percentile"
    label = "percentile of local costs, rolled forward"
    note = (
        "Each provider's returned cost per unit is rolled forward to the year the new rates "
        "apply by the scenario engine: pay lines by the wage policy with its differentials, "
        "employer NI and pension recomputed per worker from the return's staff table under "
        "the rules of the target year, other lines by the index from the middle of the "
        "return's period to the middle of the target year, and the return (surplus) kept as "
        "the same share of cost. A provider without a staff table is rolled forward by the "
        "ratio rule (staffing by the wage change, other lines by the price change). The "
        "target rate is PERCENTILE.INC of these rolled-forward totals at the chosen "
        "percentile (0.5, the median, is the usual 'fair' point). Every provider is offered "
        "the target rate, subject to the guardrails."
    )
    percentile: float = 0.5

    def check(self, config) -> None:
        if not 0.0 <= self.percentile <= 1.0:
            raise ConfigError(
                f"{config.where}.percentile: {self.percentile:g} must be a fraction between 0 "
                "and 1 (0.5 is the median)"
            )

    def propose(self, inputs: MethodInputs) -> Proposal:
        rolled = inputs.providers["rolled_cost"].dropna()
        if rolled.empty:
            raise RecommendationInputError(
                f"unit costs: no {inputs.service} cost returns to take "
                f"the {self.percentile:g} percentile of"
            )
        target = float(percentile_inc(rolled.to_numpy(), self.percentile))
        n, unit, what = len(rolled), inputs.unit, ordinal_percentile(self.percentile)
        return Proposal(
            method_rate=np.full(len(inputs.priced), target),
            rate_formula="{target_rate}",
            rows=(
                Row(
                    "percentile",
                    "Percentile of the local cost of care",
                    self.percentile,
                    "fraction",
                    "fraction",
                    "config (0.5 = median)",
                ),
                Row(
                    "target_rate",
                    "Target rate (percentile of rolled costs)",
                    target,
                    "money4",
                    f"GBP per {unit}",
                    formula="PERCENTILE.INC({providers.rolled_cost},{percentile})",
                ),
            ),
            reasoning=(
                f"Move to the {what} of the local cost of care: £{target:,.2f} per {unit}, "
                f"from {n} providers' returned costs rolled forward ({_changes(inputs)}).",
            ),
            figures={
                "target_rate": Figure(
                    target, f"percentile {self.percentile:g} of {n} providers' rolled-forward costs"
                )
            },
            outcome=OutcomeNote(
                f"The rate moves to the {what} of local providers' costs per {unit}, rolled "
                "forward to the year the rate applies",
                figure=f"£{target:,.2f}",
                providers_behind=n,
            ),
        )


@register
@dataclass(frozen=True)
class WeightedIndex(Method):
    """Every current rate rises by the staffing-weighted mix of wage and price changes."""

    name = "weighted_index"
    label = "weighted index of wage and price changes"
    note = (
        "uplift = staffing share × wage change + (1 − staffing share) × price change. The "
        "staffing share (staffing cost over total cost before the return; in a nursing or "
        "dual care home market both net of NHS-funded nursing care) is given in the "
        "configuration or taken from the providers' returned costs, weighted by the volume "
        "each provider delivers. Every provider's current rate rises by the same uplift, "
        "subject to the guardrails."
    )
    staffing_share: float | None = None

    def check(self, config) -> None:
        share = self.staffing_share
        if share is not None and not 0.0 <= share <= 1.0:
            raise ConfigError(f"{config.where}.staffing_share: {share:g} must be between 0 and 1")
        missing = [k for k in ("wage_change", "price_change") if getattr(config, k) is None]
        if missing:
            raise ConfigError(
                f"{config.where}: method weighted_index needs {' and '.join(missing)}"
            )

    def _share(self, inputs: MethodInputs) -> Figure:
        if self.staffing_share is not None:
            return Figure(
                self.staffing_share, f"{inputs.config.where}.staffing_share in the config"
            )
        costs = inputs.costed
        volume = costs["volume_per_week"].fillna(0.0)
        weights = volume if volume.sum() > 0 else None
        # net of NHS-funded nursing care (0 outside nursing and dual care homes): it pays
        # towards the home's nursing staff, so the council's rate meets the rest
        fnc = costs["fnc"] if "fnc" in costs else 0.0
        share = staffing_share(costs["staffing"] + fnc, costs["total"] - costs["return"], weights)
        if not share == share:
            raise RecommendationInputError(
                f"unit costs: no {inputs.service} cost returns to take a staffing share from"
            )
        net = isinstance(fnc, pd.Series) and bool((fnc != 0).any())
        return Figure(
            share,
            "staffing over cost before the return, in the providers' returned costs"
            + (", both net of NHS-funded nursing care" if net else "")
            + (", weighted by volume" if weights is not None else ""),
        )

    def propose(self, inputs: MethodInputs) -> Proposal:
        share = self._share(inputs)
        s, wage, price = share.value, inputs.wage_change, inputs.price_change
        uplift = weighted_index_uplift(s, wage, price)
        how = "staffing share × wage change + (1 − staffing share) × price change"
        return Proposal(
            method_rate=inputs.current_rate * (1.0 + uplift),
            rate_formula="{current_rate}*(1+{index_uplift})",
            rows=(
                Row(
                    "staffing_share",
                    "Staffing share of cost",
                    s,
                    "percent",
                    "fraction",
                    share.source,
                ),
                Row(
                    "index_uplift",
                    "Weighted index uplift",
                    uplift,
                    "percent",
                    "fraction",
                    how,
                    formula="{staffing_share}*{wage_change}+(1-{staffing_share})*{price_change}",
                ),
            ),
            reasoning=(
                f"Weighted index: {s:.1%} staffing × {wage:+.2%} wage change + "
                f"{1 - s:.1%} other × {price:+.2%} price change = {uplift:+.2%}.",
            ),
            figures={"staffing_share": share, "index_uplift": Figure(uplift, how)},
            outcome=OutcomeNote(
                f"Every current rate rises by the same weighted index: {uplift:+.2%} (staffing "
                "costs by the wage change, other costs by the price change)"
            ),
        )


@register
@dataclass(frozen=True)
class BottomUp(Method):
    """Every provider moves to the modelled cost per unit under a named scenario."""

    name = "bottom_up"
    label = "modelled cost under a scenario"
    note = (
        "The target rate is the modelled cost per unit from the scenarios step under the "
        "named scenario (for example a wage policy). Every provider is offered it, subject to "
        "the guardrails."
    )
    scenario: str | None = None

    def check(self, config) -> None:
        if not self.scenario:
            raise ConfigError(
                f"{config.where}: method bottom_up needs scenario (the scenario to price at)"
            )

    def _target(self, inputs: MethodInputs) -> float:
        service, scenarios = inputs.service, inputs.scenario_costs
        if scenarios is None:
            raise RecommendationInputError(
                f"method bottom_up for {service} needs the scenario results (scenario_costs)"
            )
        require_columns(scenarios, ("service", "scenario", "cost_per_unit"), "scenario results")
        mine = scenarios[scenarios["service"] == service]
        hit = mine[mine["scenario"] == self.scenario]
        if len(hit) != 1:
            known = ", ".join(sorted(mine["scenario"].astype(str))) or "none"
            raise RecommendationInputError(
                f"scenario results: expected one row for {service} scenario {self.scenario!r}, "
                f"found {len(hit)}; scenarios for {service}: {known}"
            )
        return float(hit["cost_per_unit"].iloc[0])

    def propose(self, inputs: MethodInputs) -> Proposal:
        target, unit = self._target(inputs), inputs.unit
        source = f"modelled cost per {unit} under scenario {self.scenario}"
        return Proposal(
            method_rate=np.full(len(inputs.priced), target),
            rate_formula="{target_rate}",
            rows=(
                Row("scenario", "Scenario", str(self.scenario), source="config"),
                Row("target_rate", "Target rate", target, "money4", f"GBP per {unit}", source),
            ),
            reasoning=(
                f"Bottom-up: the modelled cost under scenario '{self.scenario}' is "
                f"£{target:,.2f} per {unit}.",
            ),
            figures={"target_rate": Figure(target, source)},
            outcome=OutcomeNote(
                f"The rate is the council's modelled cost per {unit} under its chosen scenario: "
                f"£{target:,.2f}"
            ),
        )
