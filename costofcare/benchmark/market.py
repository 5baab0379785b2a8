"""Local market statistics: what providers' costs look like, line by line and in total.

The input is the unit-cost table from :mod:`costofcare.costs` (one row per provider, service,
route and cost line, with ``cost_per_unit``) and, for weighted figures, a volumes table (one row
per provider and service: contact hours, occupied beds or support hours). From them:

* :func:`provider_costs` adds each provider's category subtotals and total to its lines;
* :func:`flag_outliers` marks values outside robust fences (Tukey or median absolute
  deviation), with the reason written out;
* :func:`percentile_positions` places every provider within the market for each line;
* :func:`market_statistics` gives count, mean, P10, quartiles, P90, minimum and maximum,
  unweighted (Excel ``QUARTILE.INC``) and weighted by volume, with and without outliers,
  for each service's whole market (``care_category`` ``"all"``) and, with
  ``by_care_category=True``, for each care home market apart (``care_category``
  ``residential``, ``nursing`` or ``dual``, with ``_enhanced`` appended for homes whose return
  flags enhanced needs: the Fair Cost of Care Annex B prices these separately);
* :func:`rate_coverage` gives the share of providers, and of volume, whose cost a rate covers.

:class:`MarketBenchmark` runs them all in one ``fit`` for use in a notebook.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import UserError
from ..tables import UNIT_COSTS, VOLUMES, check
from ..tables.catalogue import CARE_CATEGORIES
from .quantiles import (
    UNWEIGHTED_METHOD,
    WEIGHTED_METHOD,
    percentile_inc,
    percentrank_inc,
    weighted_mean,
    weighted_percentile,
)

#: Unit cost columns a market is built from (the table is :data:`costofcare.tables.UNIT_COSTS`).
_MARKET_COLUMNS = [*UNIT_COSTS.required, "route"]
#: Volume columns attached to each provider (the table is :data:`costofcare.tables.VOLUMES`).
_VOLUME_COLUMNS = [
    c for c in VOLUMES.names if c not in ("current_rate", "care_category", "enhanced_care")
]

#: Key of one market: a service costed by one route (e.g. reported or modelled).
MARKET_KEY = ["service", "route"]
#: Key of one statistic within a market.
LINE_KEY = ["service", "route", "level", "category", "cost_line", "unit"]
#: ``care_category`` of the statistics of a service's whole market (every provider pooled).
ALL_CATEGORIES = "all"
#: The flag appended to a care category for homes whose residents mostly have enhanced needs.
ENHANCED_SUFFIX = "_enhanced"

TOTAL_LABEL = "Total"
#: Level and label of a nursing market's total cost less NHS-funded nursing care (FNC).
FNC_LEVEL = "total_excluding_fnc"
FNC_LABEL = "Total excluding NHS-funded nursing care"
#: Care categories whose homes receive FNC (the total excluding it is given for these).
FNC_CATEGORIES = ("nursing", "dual")
LEVELS = ("line", "category", "total", FNC_LEVEL)
OUTLIER_RULES = ("tukey", "mad")
#: Normal-consistency constants: sigma ~ 1.4826 x MAD, or 1.2533 x mean absolute deviation.
MAD_TO_SIGMA = 1.4826
MEAN_AD_TO_SIGMA = 1.2533
STAT_FRACTIONS = {
    "p10": 0.10,
    "lower_quartile": 0.25,
    "median": 0.50,
    "upper_quartile": 0.75,
    "p90": 0.90,
}


#: Columns naming one provider's cost on one line (or subtotal, or total) of a market.
COST_COLUMNS = (
    "provider",
    "service",
    "care_category",
    "route",
    "level",
    "category",
    "cost_line",
    "unit",
    "cost_per_unit",
)


class MarketDataError(UserError):
    """A unit-cost or volumes table that cannot be benchmarked."""


def _text(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()


def _is_true(series: pd.Series) -> pd.Series:
    """A flag column read from a frame or a CSV: True, "true", "yes" or 1 are true."""
    text = series.astype(object).where(series.notna(), "").astype(str).str.strip().str.lower()
    return text.isin(["true", "yes", "1", "1.0"])


def care_market(unit_costs: pd.DataFrame) -> pd.Series:
    """Each row's care home market: ``care_category`` with ``_enhanced`` appended when
    ``enhanced_care`` is true; blank when the row has no care category."""
    category = _text(unit_costs["care_category"]).str.lower()
    enhanced = _is_true(unit_costs["enhanced_care"]) & (category != "")
    return category.where(~enhanced, category + ENHANCED_SUFFIX)


def validate_unit_costs(unit_costs: pd.DataFrame) -> pd.DataFrame:
    """Check a unit-cost table (:data:`costofcare.tables.UNIT_COSTS`, with ``route``) and
    return a clean copy of the columns a market needs, with each row's care home market in
    ``care_category`` (see :func:`care_market`; blank for other services).

    Rows whose ``category`` is ``"total"`` are dropped: totals are recomputed here from the
    lines so that every total is built the same way. A provider may appear once per service,
    route and cost line.

    Raises
    ------
    MarketDataError
        Listing every problem the table check finds (missing columns, text in a number
        column, values outside the allowed units or categories, blank providers, duplicate
        lines), or a negative cost, or mixed units within a market.
    """
    table = check("unit_costs", unit_costs, error=MarketDataError, require=("route",))
    table = table.loc[table["category"] != "total"]
    table = table.loc[:, _MARKET_COLUMNS].assign(care_category=care_market(table))
    negative = table["cost_per_unit"] < 0
    if negative.any():
        row = table[negative].iloc[0]
        raise MarketDataError(
            f"the unit-cost table has a negative cost_per_unit {row['cost_per_unit']} for "
            f"provider {row['provider']!r}, line {row['cost_line']!r}"
        )
    units = table.groupby(MARKET_KEY)["unit"].nunique()
    if (units > 1).any():
        service, route = units[units > 1].index[0]
        found = sorted(
            table.loc[(table["service"] == service) & (table["route"] == route), "unit"].unique()
        )
        raise MarketDataError(
            f"{service} ({route}) costs are in more than one unit ({', '.join(found)}); "
            f"convert them to one unit before benchmarking"
        )
    return table.reset_index(drop=True)


def validate_volumes(volumes: pd.DataFrame) -> pd.DataFrame:
    """Check a volumes table (:data:`costofcare.tables.VOLUMES`: one row per provider and
    service) and return its ``provider, service, volume_per_week, volume_unit``.

    An old ``volume`` column is read as ``volume_per_week`` with a deprecation warning.

    Raises
    ------
    MarketDataError
        Listing every problem the table check finds (negative or non-numeric volumes,
        duplicate providers, ...).
    """
    table = check("volumes", volumes, error=MarketDataError)
    return table.loc[:, _VOLUME_COLUMNS].reset_index(drop=True)


def _category_label(category: str) -> str:
    return f"{TOTAL_LABEL} {category.replace('_', '-')}"


def provider_costs(unit_costs: pd.DataFrame) -> pd.DataFrame:
    """Each provider's lines plus its category subtotals and total, in one long table.

    A subtotal or total is the sum of the lines the provider has (a blank line adds nothing);
    lines without a category count only in the total.

    Returns
    -------
    pandas.DataFrame
        Columns ``provider, service, care_category, route, level, category, cost_line, unit,
        cost_per_unit, line_order``; ``level`` is ``"line"``, ``"category"`` or ``"total"``, and
        ``line_order`` keeps the order lines first appear in (category subtotals follow the
        lines, the total comes last).
    """
    table = validate_unit_costs(unit_costs)
    order = {line: i for i, line in enumerate(dict.fromkeys(table["cost_line"]))}
    lines = table.assign(level="line", line_order=table["cost_line"].map(order))
    base = len(order)

    def summed(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        return (
            frame.groupby(by, sort=False, dropna=False)["cost_per_unit"]
            .sum(min_count=1)
            .reset_index()
        )

    with_category = lines[lines["category"] != ""]
    provider_key = ["provider", "service", "care_category", "route", "unit"]
    categories = summed(with_category, [*provider_key, "category"])
    category_order = {c: i for i, c in enumerate(dict.fromkeys(with_category["category"]))}
    categories = categories.assign(
        level="category",
        cost_line=categories["category"].map(_category_label),
        line_order=base + categories["category"].map(category_order),
    )
    totals = summed(lines, provider_key).assign(
        level="total",
        category="",
        cost_line=TOTAL_LABEL,
        line_order=base + len(category_order),
    )
    columns = [*COST_COLUMNS, "line_order"]
    combined = pd.concat([lines[columns], categories[columns], totals[columns]], ignore_index=True)
    combined["line_order"] = combined["line_order"].astype(int)
    return combined.sort_values(
        ["service", "route", "line_order", "provider"], kind="mergesort"
    ).reset_index(drop=True)


def _fences(values: np.ndarray, rule: str, k: float, mad_threshold: float) -> tuple:
    """(lower fence, upper fence, centre, description of the rule) for one set of values."""
    if rule == "tukey":
        q1, q3 = percentile_inc(values, [0.25, 0.75])
        iqr = q3 - q1
        return (
            q1 - k * iqr,
            q3 + k * iqr,
            f"Tukey fences: lower quartile {q1:.2f} - {k:g} x IQR {iqr:.2f} = {q1 - k * iqr:.2f}; "
            f"upper quartile {q3:.2f} + {k:g} x IQR {iqr:.2f} = {q3 + k * iqr:.2f}",
        )
    median = float(np.median(values))
    mad = float(np.median(np.abs(values - median)))
    if mad > 0:
        sigma = MAD_TO_SIGMA * mad
        scale = f"1.4826 x MAD {mad:.2f}"
    else:
        mean_ad = float(np.mean(np.abs(values - median)))
        sigma = MEAN_AD_TO_SIGMA * mean_ad
        scale = f"MAD is 0 so 1.2533 x mean absolute deviation {mean_ad:.2f}"
    lower, upper = median - mad_threshold * sigma, median + mad_threshold * sigma
    return (
        lower,
        upper,
        f"median {median:.2f} +/- {mad_threshold:g} x robust SD {sigma:.2f} ({scale}) = "
        f"{lower:.2f} to {upper:.2f}",
    )


def flag_outliers(
    costs: pd.DataFrame,
    rule: str = "tukey",
    k: float = 1.5,
    mad_threshold: float = 3.5,
    min_count: int = 4,
    by_care_category: bool = False,
) -> pd.DataFrame:
    """Mark values outside robust fences, separately for every line, subtotal and total.

    Parameters
    ----------
    costs
        Output of :func:`provider_costs`.
    rule
        ``"tukey"``: outside ``[Q1 - k x IQR, Q3 + k x IQR]`` with ``QUARTILE.INC`` quartiles.
        ``"mad"``: more than ``mad_threshold`` robust standard deviations from the median,
        the robust SD being 1.4826 x the median absolute deviation (the modified z-score of
        Iglewicz and Hoaglin; when the MAD is 0, 1.2533 x the mean absolute deviation).
    k, mad_threshold
        Width of the fences for each rule (defaults 1.5 and 3.5, the textbook values).
    min_count
        Lines with fewer providers than this are not tested (fences need enough data).
    by_care_category
        Fence each care home market apart (``care_category``); rows without a care
        category are not tested.

    Returns
    -------
    pandas.DataFrame
        ``costs`` with ``lower_fence``, ``upper_fence``, ``outlier`` (bool) and
        ``outlier_reason`` (empty when not an outlier).
    """
    if rule not in OUTLIER_RULES:
        raise UserError(f"unknown outlier rule {rule!r}; use one of {', '.join(OUTLIER_RULES)}")
    if k <= 0 or mad_threshold <= 0:
        raise UserError("outlier fence widths (k, mad_threshold) must be positive")
    result = costs.copy()
    result["lower_fence"] = np.nan
    result["upper_fence"] = np.nan
    result["outlier"] = False
    result["outlier_reason"] = ""
    keys, tested = _market_keys(result, by_care_category)
    for _, index in result[tested].groupby(keys, sort=False).groups.items():
        values = result.loc[index, "cost_per_unit"]
        present = values.dropna()
        if len(present) < min_count:
            continue
        lower, upper, described = _fences(present.to_numpy(), rule, k, mad_threshold)
        result.loc[index, "lower_fence"] = lower
        result.loc[index, "upper_fence"] = upper
        for row in present.index:
            value = present[row]
            if value > upper or value < lower:
                side = "above the upper" if value > upper else "below the lower"
                result.loc[row, "outlier"] = True
                result.loc[row, "outlier_reason"] = f"{value:.2f} is {side} fence ({described})"
    return result


def _market_keys(costs: pd.DataFrame, by_care_category: bool) -> tuple[list[str], pd.Series]:
    """The key of one statistic, and the rows in a market: the whole service's, or each care
    home market apart (rows without a care category are in no care home market)."""
    if not by_care_category:
        return LINE_KEY, pd.Series(True, index=costs.index)
    return [*LINE_KEY, "care_category"], _text(costs["care_category"]) != ""


def percentile_positions(costs: pd.DataFrame, significance: int | None = None) -> pd.DataFrame:
    """Each provider's place in the market for every line, subtotal and total.

    Adds ``percentile`` (Excel ``PERCENTRANK.INC`` among the providers with that line: 0 is
    the lowest cost, 1 the highest), ``rank_from_lowest`` (1 = lowest cost, ties share the
    best rank) and ``count`` (providers with that line).
    """
    result = costs.copy()
    result["percentile"] = np.nan
    result["rank_from_lowest"] = np.nan
    result["count"] = 0
    for _, index in result.groupby(LINE_KEY, sort=False).groups.items():
        values = result.loc[index, "cost_per_unit"]
        result.loc[index, "percentile"] = percentrank_inc(values, values.to_numpy(), significance)
        result.loc[index, "rank_from_lowest"] = values.rank(method="min")
        result.loc[index, "count"] = int(values.notna().sum())
    result["rank_from_lowest"] = result["rank_from_lowest"].astype("Int64")
    return result


def _attach_volumes(costs: pd.DataFrame, volumes: pd.DataFrame | None) -> pd.DataFrame:
    if volumes is None:
        return costs.assign(volume_per_week=np.nan, volume_unit="")
    clean = validate_volumes(volumes)
    return costs.merge(clean, on=["provider", "service"], how="left", validate="many_to_one")


def _summary(values: np.ndarray, weights: np.ndarray | None) -> dict:
    keep = ~np.isnan(values)
    if weights is not None:
        keep &= ~np.isnan(weights) & (weights > 0)
    data = values[keep]
    row: dict = {"count": int(data.size)}
    if weights is not None:
        row["volume_per_week"] = float(np.sum(weights[keep])) if data.size else 0.0
    if data.size == 0:
        row.update(
            {
                "mean": math.nan,
                **{name: math.nan for name in STAT_FRACTIONS},
                "min": math.nan,
                "max": math.nan,
            }
        )
        return row
    fractions = list(STAT_FRACTIONS.values())
    if weights is None:
        quantiles = percentile_inc(data, fractions)
        row["mean"] = float(np.mean(data))
    else:
        volume = weights[keep]
        quantiles = weighted_percentile(data, volume, fractions)
        row["mean"] = weighted_mean(data, volume)
    row.update(
        {name: float(q) for name, q in zip(STAT_FRACTIONS, np.atleast_1d(quantiles), strict=True)}
    )
    row["min"] = float(np.min(data))
    row["max"] = float(np.max(data))
    return row


def excluded_as_outliers(flagged: pd.DataFrame, exclude: str = "line") -> pd.Series:
    """Which values to leave out of the "outliers excluded" statistics.

    ``exclude="line"`` leaves out each value flagged on its own line; ``"provider"`` leaves
    out every value of a provider whose *total* is flagged, so its lines go too.
    """
    if exclude == "line":
        return flagged["outlier"].astype(bool)
    if exclude == "provider":
        total_outliers = flagged.loc[
            (flagged["level"] == "total") & flagged["outlier"], ["provider", "service", "route"]
        ]
        marked = flagged[["provider", "service", "route"]].merge(
            total_outliers.assign(_drop=True), how="left", on=["provider", "service", "route"]
        )["_drop"]
        return pd.Series(marked.fillna(False).astype(bool).to_numpy(), index=flagged.index)
    raise UserError(f"unknown outlier exclusion {exclude!r}; use 'line' or 'provider'")


def market_statistics(
    flagged: pd.DataFrame,
    volumes: pd.DataFrame | None = None,
    exclude: str = "line",
    by_care_category: bool = False,
) -> pd.DataFrame:
    """The published Fair Cost of Care statistics for every line, subtotal and total.

    Parameters
    ----------
    flagged
        Output of :func:`flag_outliers` (or :func:`provider_costs`, when no value is treated
        as an outlier).
    volumes
        Optional volumes table (``provider, service, volume_per_week, volume_unit``) for the
        volume-weighted rows; providers without a volume are left out of those rows.
    exclude
        How outliers leave the "excluded" rows; see :func:`excluded_as_outliers`.
    by_care_category
        False: each service's whole market, ``care_category`` ``"all"``. True: each care home
        market apart (rows with a ``care_category``; flag outliers the same way, with
        ``flag_outliers(..., by_care_category=True)``).

    Returns
    -------
    pandas.DataFrame
        One row per line (per care category when split), ``care_category``, ``weighting``
        (``"unweighted"``, ``"volume"``) and ``outliers`` (``"included"``, ``"excluded"``),
        with ``count, volume_per_week, mean, p10, lower_quartile, median, upper_quartile, p90,
        min, max`` and ``quantile_method``.
        Line quartiles are computed line by line, so they do not add up to the total's.
    """
    table = flagged if "outlier" in flagged else flagged.assign(outlier=False)
    drop = excluded_as_outliers(table, exclude)
    table = _attach_volumes(table.assign(_drop=drop.to_numpy()), volumes)
    _, in_market = _market_keys(table, by_care_category)
    if not by_care_category:
        table = table.assign(care_category=ALL_CATEGORIES)
    weightings = ["unweighted"] + (["volume"] if volumes is not None else [])
    rows = []
    keys = [*LINE_KEY, "care_category", "line_order"]
    for key, group in table[in_market.to_numpy()].groupby(keys, sort=False):
        base = dict(zip(keys, key, strict=True))
        for outliers, part in (("included", group), ("excluded", group[~group["_drop"]])):
            values = part["cost_per_unit"].to_numpy(dtype=float)
            volume = part["volume_per_week"].to_numpy(dtype=float)
            for weighting in weightings:
                summary = _summary(values, volume if weighting == "volume" else None)
                if weighting == "unweighted":
                    known = ~np.isnan(values) & ~np.isnan(volume)
                    summary["volume_per_week"] = (
                        float(volume[known].sum()) if known.any() else math.nan
                    )
                rows.append(
                    {
                        **base,
                        "weighting": weighting,
                        "outliers": outliers,
                        **summary,
                        "quantile_method": UNWEIGHTED_METHOD
                        if weighting == "unweighted"
                        else WEIGHTED_METHOD,
                    }
                )
    columns = LINE_KEY + [
        "care_category",
        "weighting",
        "outliers",
        "count",
        "volume_per_week",
        "mean",
        *STAT_FRACTIONS,
        "min",
        "max",
        "quantile_method",
        "line_order",
    ]
    stats = pd.DataFrame(rows, columns=columns)
    stats = stats.assign(
        _w=stats["weighting"].map({"unweighted": 0, "volume": 1}),
        _o=stats["outliers"].map({"included": 0, "excluded": 1}),
    ).sort_values(["service", "route", "care_category", "line_order", "_w", "_o"], kind="mergesort")
    return stats.drop(columns=["line_order", "_w", "_o"]).reset_index(drop=True)


def excluding_fnc(costs: pd.DataFrame, nursing_care: pd.DataFrame) -> pd.DataFrame:
    """Each nursing or dual care home's total less NHS-funded nursing care, as rows of
    :func:`provider_costs` (``level`` :data:`FNC_LEVEL`, placed after the total).

    ``nursing_care`` is :func:`costofcare.costs.costs_excluding_fnc` (the ``nursing_care``
    table, checked in full: a problem raises :class:`MarketDataError`).
    """
    # a home whose figure could not be worked out is left out (an fnc_not_worked_out issue)
    if "cost_excluding_fnc_per_unit" in nursing_care:
        nursing_care = nursing_care[nursing_care["cost_excluding_fnc_per_unit"].notna()]
    nursing_care = check("nursing_care", nursing_care, error=MarketDataError)
    totals = costs[costs["level"] == "total"]
    base = _text(totals["care_category"]).str.removesuffix(ENHANCED_SUFFIX)
    totals = totals[base.isin(FNC_CATEGORIES).to_numpy()]
    key = ["provider", "service", "route"]
    net = nursing_care[[*key, "cost_excluding_fnc_per_unit"]]
    merged = totals.drop(columns="cost_per_unit").merge(net, on=key, validate="one_to_one")
    return merged.assign(
        level=FNC_LEVEL,
        cost_line=FNC_LABEL,
        cost_per_unit=merged["cost_excluding_fnc_per_unit"],
        line_order=merged["line_order"] + 1,
    ).drop(columns="cost_excluding_fnc_per_unit")


def _care_order(category: pd.Series) -> pd.Series:
    """Whole market first, then residential, nursing and dual (each plain, then enhanced)."""
    base = category.str.removesuffix(ENHANCED_SUFFIX)
    rank = base.map({c: i for i, c in enumerate(CARE_CATEGORIES)}).fillna(len(CARE_CATEGORIES))
    rank = 1 + 2 * rank + category.str.endswith(ENHANCED_SUFFIX)
    return rank.where(category != ALL_CATEGORIES, 0)


def _rate_table(rates) -> pd.DataFrame:
    """Normalise rates given as a DataFrame or mapping into (service, label, rate) rows."""
    if isinstance(rates, pd.DataFrame):
        missing = [c for c in ("service", "rate") if c not in rates.columns]
        if missing:
            raise MarketDataError(
                f"the rates table has no column {', '.join(missing)}; give service, rate "
                f"and optionally label"
            )
        table = rates.copy()
        if "label" not in table:
            table["label"] = "rate"
    elif isinstance(rates, Mapping):
        rows = []
        for service, value in rates.items():
            if isinstance(value, Mapping):
                rows += [
                    {"service": service, "label": label, "rate": rate}
                    for label, rate in value.items()
                ]
            else:
                rows.append({"service": service, "label": "rate", "rate": value})
        table = pd.DataFrame(rows, columns=["service", "label", "rate"])
    else:
        raise UserError(
            "rates must be a DataFrame (service, rate[, label]) or a mapping "
            "of service to rate, or of service to {label: rate}"
        )
    table["service"] = _text(table["service"])
    table["label"] = _text(table["label"])
    table["rate"] = pd.to_numeric(table["rate"], errors="coerce")
    if table["rate"].isna().any():
        raise UserError(
            "every rate must be a number; check the rates given for "
            + ", ".join(table.loc[table["rate"].isna(), "service"])
        )
    return table[["service", "label", "rate"]]


def rate_coverage(costs: pd.DataFrame, rates, volumes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The share of providers, and of commissioned volume, whose total cost a rate covers.

    A rate *covers* a provider when the provider's total cost per unit is at or below it.

    Parameters
    ----------
    costs
        Output of :func:`provider_costs` (only ``level == "total"`` rows are used).
    rates
        ``{"home_care": 23.50}``, ``{"home_care": {"current": 23.50, "proposed": 25.00}}``
        or a DataFrame with ``service, rate`` and optionally ``label``.
    volumes
        Optional volumes table for the volume shares.

    Returns
    -------
    pandas.DataFrame
        ``service, route, label, rate, unit, providers, providers_covered,
        share_of_providers, volume_per_week, volume_per_week_covered, share_of_volume``.
    """
    totals = costs[(costs["level"] == "total") & costs["cost_per_unit"].notna()]
    totals = _attach_volumes(totals, volumes)
    rows = []
    for rate_row in _rate_table(rates).itertuples(index=False):
        market = totals[totals["service"] == rate_row.service]
        if market.empty:
            known = ", ".join(sorted(totals["service"].unique())) or "none"
            raise UserError(
                f"no provider costs for service {rate_row.service!r} to compare "
                f"the {rate_row.label} rate with (services with costs: {known})"
            )
        for route, group in market.groupby("route", sort=True):
            covered = group["cost_per_unit"] <= rate_row.rate
            volume = group["volume_per_week"]
            has_volume = volume.notna()
            volume_total = float(volume[has_volume].sum()) if has_volume.any() else math.nan
            volume_covered = (
                float(volume[has_volume & covered].sum()) if has_volume.any() else math.nan
            )
            rows.append(
                {
                    "service": rate_row.service,
                    "route": route,
                    "label": rate_row.label,
                    "rate": float(rate_row.rate),
                    "unit": group["unit"].iloc[0],
                    "providers": len(group),
                    "providers_covered": int(covered.sum()),
                    "share_of_providers": covered.sum() / len(group),
                    "volume_per_week": volume_total,
                    "volume_per_week_covered": volume_covered,
                    "share_of_volume": (
                        volume_covered / volume_total
                        if volume_total and not math.isnan(volume_total)
                        else math.nan
                    ),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "service",
            "route",
            "label",
            "rate",
            "unit",
            "providers",
            "providers_covered",
            "share_of_providers",
            "volume_per_week",
            "volume_per_week_covered",
            "share_of_volume",
        ],
    )


class MarketBenchmark:
    """Local market benchmark: statistics, outliers and positions, learned by ``fit``.

    Parameters
    ----------
    rule, k, mad_threshold, min_count
        Outlier rule and its settings; see :func:`flag_outliers`.
    exclude
        ``"line"`` (each flagged value leaves its own line) or ``"provider"`` (a provider
        whose total is flagged leaves every line); see :func:`excluded_as_outliers`.
    by_care_category
        Also give each care home market's statistics apart (default True), outliers fenced
        within the care category; the whole market's rows come first.

    Attributes
    ----------
    costs_ : DataFrame
        Lines, subtotals and totals per provider with outlier flags, fences, reasons,
        percentile positions and volumes.
    quartiles_ : DataFrame
        :func:`market_statistics` for every line, subtotal and total: each service's whole
        market (``care_category`` ``"all"``), then each care home market apart.
    outliers_ : DataFrame
        The flagged values only, with the reason for each.
    positions_ : DataFrame
        Every provider's percentile and rank per line and in total.

    Examples
    --------
    >>> bench = MarketBenchmark(rule="tukey").fit(unit_costs, volumes)   # doctest: +SKIP
    >>> bench.quartiles_.query("level == 'total'")                       # doctest: +SKIP
    >>> bench.coverage({"home_care": {"current": 23.5, "proposed": 25}})  # doctest: +SKIP
    """

    def __init__(
        self,
        rule: str = "tukey",
        k: float = 1.5,
        mad_threshold: float = 3.5,
        min_count: int = 4,
        exclude: str = "line",
        by_care_category: bool = True,
    ) -> None:
        self.rule = rule
        self.k = k
        self.mad_threshold = mad_threshold
        self.min_count = min_count
        self.exclude = exclude
        self.by_care_category = by_care_category

    def fit(
        self,
        unit_costs: pd.DataFrame,
        volumes: pd.DataFrame | None = None,
        nursing_care: pd.DataFrame | None = None,
    ) -> MarketBenchmark:
        """Compute everything from a unit-cost table and optional volumes.

        ``nursing_care`` (:func:`costofcare.costs.costs_excluding_fnc`) adds, to each
        nursing and dual care home market, the total cost excluding NHS-funded nursing care
        (``level`` ``total_excluding_fnc``).
        """
        self.nursing_care_ = nursing_care
        costs = provider_costs(unit_costs)
        flagged = flag_outliers(costs, self.rule, self.k, self.mad_threshold, self.min_count)
        self.volumes_ = validate_volumes(volumes) if volumes is not None else None
        self.quartiles_ = self._statistics(costs, flagged)
        positioned = percentile_positions(flagged)
        positioned["excluded_as_outlier"] = excluded_as_outliers(positioned, self.exclude)
        self.costs_ = _attach_volumes(positioned, self.volumes_).drop(columns="line_order")
        self.outliers_ = self.costs_.loc[
            self.costs_["outlier"],
            [c for c in COST_COLUMNS if c != "category"]
            + ["lower_fence", "upper_fence", "outlier_reason"],
        ].reset_index(drop=True)
        self.positions_ = self.costs_[
            [*COST_COLUMNS, "percentile", "rank_from_lowest", "count", "outlier"]
        ].reset_index(drop=True)
        return self

    def _statistics(self, costs: pd.DataFrame, flagged: pd.DataFrame) -> pd.DataFrame:
        """The whole markets' statistics, then each care home market's (fenced apart)."""
        stats = market_statistics(flagged, self.volumes_, self.exclude)
        if not self.by_care_category:
            return stats
        fence = (self.rule, self.k, self.mad_threshold, self.min_count)
        if self.nursing_care_ is not None:
            costs = pd.concat([costs, excluding_fnc(costs, self.nursing_care_)], ignore_index=True)
        apart = flag_outliers(costs, *fence, by_care_category=True)
        split = market_statistics(apart, self.volumes_, self.exclude, by_care_category=True)
        both = pd.concat([stats, split], ignore_index=True)
        order = both.assign(_c=_care_order(both["care_category"]))
        order = order.sort_values(["service", "route", "_c"], kind="mergesort")
        return order.drop(columns="_c").reset_index(drop=True)

    def coverage(self, rates) -> pd.DataFrame:
        """:func:`rate_coverage` on the fitted market (all providers, outliers included)."""
        if not hasattr(self, "costs_"):
            raise UserError("call fit(unit_costs, volumes) before coverage(rates)")
        return rate_coverage(
            self.costs_.drop(columns=["volume_per_week", "volume_unit"]), rates, self.volumes_
        )
