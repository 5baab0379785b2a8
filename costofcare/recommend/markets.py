"""Care homes priced as several markets, and NHS-funded nursing care taken off nursing costs.

The 2022 Fair Cost of Care Annex B prices 65+ care homes as separate markets. When the
council's care home rates carry a ``care_category`` (residential, nursing or dual; from its
files or its matched return: :mod:`costofcare.pipeline.council`), a care home recommendation
is made once per category present, each on its own providers: the rates of that category
beside the costs of the homes whose returns are of that category. Each category so has its
own market statistic (a percentile of its rolled-forward costs, its own staffing share), its
own rates and its own budget impact; :func:`service_totals` adds the categories up for care
homes as a whole. Care home rates left with no category, and the rates of a category with no
cost returns of its own, are priced against the pooled market (every care home's costs, as
returned) under the key ``care_home.all``.

Enhanced needs (dementia and the like): a category whose rates include ones the council's
files flag ``enhanced_care`` is priced as two markets, ``care_home.<category>`` (its standard
rates against the homes whose returns do not flag enhanced needs) and
``care_home.<category>.enhanced`` (its enhanced rates against the homes whose returns do),
when at least ``min_providers`` (one when unset) homes of each kind returned costs. Short of
that the category stays one market, its enhanced rates priced with the rest against every
home of the category, and the reasoning says so.

A budget fit (``budget_uniform``, ``budget_floor_first``) shares one envelope across the
service, so it is not split (:attr:`~costofcare.recommend.method.Method.by_market`).

Nursing and dual markets: the council's rate excludes NHS-funded nursing care (FNC), which the
NHS pays the home per eligible resident, so each home's cost is compared *excluding* it:

* base: the home's cost excluding FNC as :func:`costofcare.costs.costs_excluding_fnc` works it
  out (FNC in force on the middle day of the return's period × the home's nursing share), the
  FNC a negative ``fnc`` cost part beside ``staffing``, ``non_staffing``, ``return``, ``other``;
* rolled forward: the home's full cost rolled forward as every other, less the FNC standard
  rate in force on the effective date × the same nursing share (one more roll-forward line,
  ``fnc``);
* a home whose cost excluding FNC could not be worked out has no cost in its market (it is
  reported as ``fnc_not_worked_out``) but its rate is still priced.

The FNC rate in force on the effective date is shown beside the council's rate (the rate plus
FNC is what a nursing home receives for an eligible resident).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from ..tables.catalogue import CARE_CATEGORIES
from .method import RecommendationInputError

__all__ = [
    "ENHANCED",
    "FNC_CATEGORIES",
    "POOLED",
    "fnc_cost_part",
    "is_enhanced",
    "market_key",
    "market_label",
    "markets",
    "service_totals",
    "with_fnc_lines",
]

#: Care categories whose rates exclude NHS-funded nursing care.
FNC_CATEGORIES = ("nursing", "dual")
#: The category of care home rates with none: priced against the pooled market.
POOLED = "all"
#: The last part of the key of a category's enhanced-needs market.
ENHANCED = "enhanced"


def market_key(service: str, care_category: str | None, *, enhanced: bool = False) -> str:
    """The key of one market's recommendation: the service, ``service.category``, or
    ``service.category.enhanced`` for a category's enhanced-needs rates priced apart.

    >>> market_key("care_home", "nursing")
    'care_home.nursing'
    >>> market_key("care_home", "residential", enhanced=True)
    'care_home.residential.enhanced'
    >>> market_key("home_care", None)
    'home_care'
    """
    key = service if not care_category else f"{service}.{care_category}"
    return f"{key}.{ENHANCED}" if enhanced and care_category else key


def market_label(key: str) -> str:
    """A market's name in words.

    >>> market_label("care_home.nursing")
    'care home (nursing)'
    >>> market_label("care_home.dual.enhanced")
    'care home (dual, enhanced)'
    >>> market_label("care_home.all")
    'care home (no care category: pooled market)'
    """
    service, _, category = key.partition(".")
    category = category.replace(f".{ENHANCED}", f", {ENHANCED}")
    label = service.replace("_", " ")
    if category == POOLED:
        return f"{label} (no care category: pooled market)"
    return f"{label} ({category})" if category else label


def is_enhanced(column: pd.Series) -> pd.Series:
    """Rows flagged ``enhanced_care``: ``true`` (any case) or a true boolean."""
    text = column.astype(object).where(column.notna(), "").astype(str).str.strip().str.lower()
    return text.isin(["true", "1", "1.0"])


def _rate_categories(rates: pd.DataFrame, service: str) -> pd.Series:
    mine = rates[rates["service"] == service]
    if "care_category" not in mine:
        return pd.Series("", index=mine.index, dtype=object)
    return mine["care_category"].fillna("").astype(str)


def _rate_enhanced(rates: pd.DataFrame, service: str) -> pd.Series:
    mine = rates[rates["service"] == service]
    if "enhanced_care" not in mine:
        return pd.Series(False, index=mine.index, dtype=bool)
    return is_enhanced(mine["enhanced_care"])


def _returns_by_need(unit_costs: pd.DataFrame, service: str, category: str) -> tuple[int, int]:
    """Providers of a category with a cost return: (enhanced needs, standard)."""
    homes = unit_costs[
        (unit_costs["service"] == service)
        & (unit_costs["care_category"].fillna("").astype(str) == category)
    ]
    if "enhanced_care" not in homes:
        return 0, int(homes["provider"].nunique())
    enhanced = is_enhanced(homes["enhanced_care"])
    return int(homes.loc[enhanced, "provider"].nunique()), int(
        homes.loc[~enhanced, "provider"].nunique()
    )


def _category_markets(config, category: str, rates, unit_costs) -> list:
    """One category's market, or, when its rates include enhanced-needs ones and enough
    homes of each kind returned costs, its standard and enhanced markets apart."""
    base = replace(config, care_category=category)
    found = _rate_categories(rates, config.service) == category
    enhanced = _rate_enhanced(rates, config.service)
    if not (found & enhanced).any():
        return [base]
    standard_rates = bool((found & ~enhanced).any())
    if unit_costs is not None:
        needed = max(config.min_providers or 1, 1)
        n_enhanced, n_standard = _returns_by_need(unit_costs, config.service, category)
        short = []
        if n_enhanced < needed:
            short.append(f"{n_enhanced} with enhanced needs")
        if standard_rates and n_standard < needed:
            short.append(f"{n_standard} without")
        if short:
            reason = (
                f"Its enhanced-needs rates are priced with it, not apart: of the {category} "
                f"homes' cost returns only {' and '.join(short)} (at least {needed} needed "
                "for a market of its own)."
            )
            return [replace(base, enhanced_fallback=reason)]
    split = [replace(base, enhanced_split=True)] if standard_rates else []
    return [*split, replace(base, enhanced=True)]


def markets(config, rates: pd.DataFrame, unit_costs: pd.DataFrame | None = None) -> list:
    """The service's config once per market its rates are bought in.

    Care homes whose rates carry a care category, under a method priced per market: one
    config per category present (in the order of :data:`CARE_CATEGORIES`) with cost returns
    of that category in ``unit_costs``, then :data:`POOLED` for rates with no category or a
    category with no cost returns of its own (``pooled_categories``). Otherwise (another
    service, a budget fit, rates without a category, unit costs without a ``care_category``
    column) the config itself.

    A category whose rates include ``enhanced_care`` ones is priced as two markets, its
    standard rates against the homes without enhanced needs (``enhanced_split``) and its
    enhanced rates against the homes with them (``enhanced``), when at least
    ``min_providers`` (else one) homes of each returned costs; otherwise as one market, with
    the reason in ``enhanced_fallback``.
    """
    if config.service != "care_home" or not config.method.by_market:
        return [config]
    found = _rate_categories(rates, config.service)
    present = [c for c in CARE_CATEGORIES if (found == c).any()]
    if not present:
        return [config]
    costed = set()
    if unit_costs is not None:
        if "care_category" not in unit_costs:
            return [config]  # no care category on the costs: one pooled market, as returned
        homes = unit_costs[unit_costs["service"] == config.service]
        costed = set(homes["care_category"].fillna("").astype(str))
    empty = tuple(c for c in present if unit_costs is not None and c not in costed)
    out = []
    for category in present:
        if category not in empty:
            out += _category_markets(config, category, rates, unit_costs)
    if (found == "").any() or empty:
        out.append(replace(config, care_category=POOLED, pooled_categories=empty))
    return out


def market_rates(rates: pd.DataFrame, config) -> pd.DataFrame:
    """The rates of the config's service and market."""
    mine = rates[rates["service"] == config.service]
    category = config.care_category
    if not category:
        return mine
    found = _rate_categories(rates, config.service)
    if category == POOLED:
        return mine[(found == "") | found.isin(config.pooled_categories)]
    if config.enhanced or config.enhanced_split:
        enhanced = _rate_enhanced(rates, config.service)
        return mine[(found == category) & (enhanced == config.enhanced)]
    return mine[found == category]


def market_costs(unit_costs: pd.DataFrame, config) -> pd.DataFrame:
    """The unit costs of the config's service and market (the pooled market: all homes; a
    category priced apart by need: its homes with, or without, enhanced needs)."""
    mine = unit_costs[unit_costs["service"] == config.service]
    category = config.care_category
    if not category or category == POOLED:
        return mine
    if "care_category" not in mine:
        raise RecommendationInputError(
            f"unit costs: no care_category column, so the {category} care home market has no "
            "costs (the returns' type of home)"
        )
    mine = mine[mine["care_category"].fillna("").astype(str) == category]
    if not (config.enhanced or config.enhanced_split):
        return mine
    if "enhanced_care" not in mine:
        enhanced = pd.Series(False, index=mine.index)
    else:
        enhanced = is_enhanced(mine["enhanced_care"])
    return mine[enhanced == config.enhanced]


def fnc_cost_part(
    providers: pd.Index, config, nursing_care: pd.DataFrame | None, unit_costs: pd.DataFrame
) -> pd.DataFrame:
    """Per provider: ``fnc`` (minus the FNC per resident week in its base cost),
    ``nursing_share`` and ``fnc_per_week`` (the base period's rate); zeros outside the nursing
    and dual markets. NaN where the cost excluding FNC could not be worked out.

    Raises
    ------
    RecommendationInputError
        A nursing or dual market without the ``nursing_care`` table.
    """
    zeros = pd.DataFrame(
        {"fnc": 0.0, "nursing_share": 0.0, "fnc_per_week": 0.0}, index=providers, dtype=float
    )
    if config.care_category not in FNC_CATEGORIES:
        return zeros
    if nursing_care is None:
        raise RecommendationInputError(
            f"care homes ({config.care_category}): the rates exclude NHS-funded nursing care, "
            "so the costs excluding it are needed (nursing_care=costs_excluding_fnc(...))"
        )
    table = nursing_care[nursing_care["service"] == config.service]
    routes = set(unit_costs.get("route", pd.Series(dtype=object)).dropna())
    if routes and "route" in table:
        table = table[table["route"].isin(routes)]
    table = table.drop_duplicates("provider").set_index("provider")
    out = zeros.copy()
    found = providers.intersection(table.index)
    out.loc[found, "fnc"] = -table.loc[found, "fnc_per_unit"].astype(float)
    out.loc[found, "nursing_share"] = table.loc[found, "nursing_share"].astype(float)
    out.loc[found, "fnc_per_week"] = table.loc[found, "fnc_per_week"].astype(float)
    missing = providers.difference(table.index)
    out.loc[missing] = np.nan  # a home not in the table: nothing known of its nursing
    return out


def with_fnc_lines(rolled, fnc: pd.DataFrame, fnc_target_per_week: float | None):
    """The roll-forward with one ``fnc`` line per home that pays it: base minus the base
    period's FNC per resident week, target minus ``fnc_target_per_week`` × its nursing share."""
    from .rollforward import CATEGORY_LABELS, RolledCosts

    paying = fnc[(fnc["fnc"] < 0) & fnc.index.isin(rolled.total.index)]
    if paying.empty or fnc_target_per_week is None:
        return rolled
    rows = []
    for provider, row in paying.iterrows():
        target = -fnc_target_per_week * row["nursing_share"]
        rows.append(
            {
                "provider": provider,
                "category": "fnc",
                "label": CATEGORY_LABELS["fnc"],
                "base": row["fnc"],
                "change": target / row["fnc"] - 1.0,
                "target": target,
                "how": (
                    f"FNC £{row['fnc_per_week']:,.2f} -> £{fnc_target_per_week:,.2f} a week "
                    f"x nursing share {row['nursing_share']:.4f} (paid by the NHS)"
                ),
            }
        )
    lines = pd.concat([rolled.lines, pd.DataFrame(rows)], ignore_index=True)
    order = {p: i for i, p in enumerate(rolled.total.index)}
    lines = lines.sort_values("provider", key=lambda c: c.map(order), kind="stable").reset_index(
        drop=True
    )
    total = lines.groupby("provider", sort=False)["target"].sum().reindex(rolled.total.index)
    return RolledCosts(
        lines=lines, total=total, basis=rolled.basis, index_months=rolled.index_months
    )


def service_totals(recommendations: Mapping) -> dict[str, dict[str, float]]:
    """Current and proposed spend and budget impact a year per service, adding up the markets
    of a service priced as several (care homes by category)."""
    out: dict[str, dict[str, float]] = {}
    for rec in recommendations.values():
        total = out.setdefault(
            rec.service,
            {"current_spend_annual": 0.0, "proposed_spend_annual": 0.0, "markets": 0},
        )
        total["current_spend_annual"] += rec.current_spend_annual
        total["proposed_spend_annual"] += rec.proposed_spend_annual
        total["markets"] += 1
    for total in out.values():
        total["budget_impact_annual"] = (
            total["proposed_spend_annual"] - total["current_spend_annual"]
        )
    return out
