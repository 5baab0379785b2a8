"""Uplift methods: what each one proposes before the guardrails.

All functions are pure and work on the tidy unit-cost table (one row per provider, service
and cost line: ``provider``, ``service``, ``cost_line``, ``category``, ``cost_per_unit``)
and the rates table (``provider``, ``service``, ``current_rate``, ``volume_per_week``).

Methods (the ``method`` key of a service's recommendation config):

``percentile``
    move to a chosen percentile (median by default) of the local cost of care, each
    provider's total cost first rolled forward to the target period: staffing lines by the
    wage change, non-staffing lines by the price change, return lines in proportion.
``weighted_index``
    uplift = staffing share × wage change + (1 − staffing share) × price change.
``bottom_up``
    move to the modelled cost per unit of a named scenario (from the scenarios step).
``budget_uniform`` / ``budget_floor_first``
    the uplift that spends a budget envelope (see :mod:`costofcare.recommend.budget`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .excel import percentile_inc

METHODS = ("percentile", "weighted_index", "bottom_up", "budget_uniform", "budget_floor_first")
CATEGORIES = ("staffing", "non_staffing", "return")


def cost_by_category(unit_costs: pd.DataFrame, service: str) -> pd.DataFrame:
    """Each provider's cost per unit by category, for one service.

    Returns a DataFrame indexed by provider with columns ``staffing``, ``non_staffing``,
    ``return`` and ``total`` (lines with no category count in ``total`` only).
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


def rolled_cost(
    staffing: np.ndarray | float,
    non_staffing: np.ndarray | float,
    return_: np.ndarray | float,
    other: np.ndarray | float,
    wage_change: float,
    price_change: float,
) -> np.ndarray:
    """Total cost per unit rolled forward to the target period.

    ``staffing × (1 + wage_change) + (non_staffing + other) × (1 + price_change)``, and the
    return lines scaled by the same factor as the costs they are a return on (so the margin
    stays the same share of cost).

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


def percentile_target(rolled_costs, percentile: float = 0.5) -> float:
    """The local cost of care at ``percentile`` (``PERCENTILE.INC`` over providers)."""
    return percentile_inc(rolled_costs, percentile)


def weighted_index_uplift(staffing_share: float, wage_change: float, price_change: float) -> float:
    """``staffing_share × wage_change + (1 − staffing_share) × price_change``.

    Examples
    --------
    >>> round(weighted_index_uplift(0.7, 0.067, 0.038), 6)
    0.0583
    """
    return staffing_share * wage_change + (1.0 - staffing_share) * price_change


def staffing_share(costs: pd.DataFrame, volume_per_week: pd.Series | None = None) -> float:
    """Share of total cost that is staffing, over all providers of a service.

    ``costs`` is :func:`cost_by_category` output. With volumes, each provider weighs by the
    units it delivers (so the share describes the money spent); otherwise equally.
    """
    weights = (
        pd.Series(1.0, index=costs.index)
        if volume_per_week is None
        else volume_per_week.reindex(costs.index).astype(float)
    )
    total = float((costs["total"] * weights).sum())
    if not total > 0:
        raise ValueError("no cost data to take a staffing share from")
    return float((costs["staffing"] * weights).sum()) / total
