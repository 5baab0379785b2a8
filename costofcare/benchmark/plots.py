"""Plots for notebooks: provider costs against our rates, and comparators ranked.

matplotlib is imported inside each function, so the rest of the package works without it
(install the ``plot`` extra to use these). Each function draws on ``ax`` when given, else on a
new figure, and returns the axes so a notebook can adjust them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import UserError

OUR_COLOUR = "#d95f02"
OTHER_COLOUR = "#7f9fbf"
OUTLIER_COLOUR = "#b2182b"
RATE_STYLES = ("-", "--", ":", "-.")


def _axes(ax, figsize):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_market(
    costs: pd.DataFrame,
    rates: Mapping[str, float] | None = None,
    *,
    service: str,
    route: str | None = None,
    level: str = "total",
    kind: str = "strip",
    ax=None,
    title: str | None = None,
):
    """Provider costs as a strip or box plot, with our rates drawn across.

    Parameters
    ----------
    costs
        ``MarketBenchmark.costs_`` (or :func:`~costofcare.benchmark.market.provider_costs`).
    rates
        ``{"current": 23.50, "proposed": 25.00}``: each drawn as a labelled horizontal line.
    service, route
        The market to draw (``route`` may be omitted when the service has only one).
    level
        ``"total"`` (one column), ``"category"`` (one per subtotal) or ``"line"`` (one per
        cost line).
    kind
        ``"strip"`` (every provider a dot; outliers in red) or ``"box"`` (quartiles, Tukey
        whiskers at 1.5 x IQR, with the dots on top).
    """
    if kind not in ("strip", "box"):
        raise UserError(f"unknown plot kind {kind!r}; use 'strip' or 'box'")
    data, route = _market_rows(costs, service, route, level)
    ax = _axes(ax, (max(4.0, 1.2 * data["cost_line"].nunique() + 2), 4.5))
    lines = list(dict.fromkeys(data["cost_line"]))
    for position, line in enumerate(lines):
        _plot_line(ax, data[data["cost_line"] == line], position, kind)
    _draw_rates(ax, rates)
    ax.set_xticks(range(len(lines)))
    ax.set_xticklabels(
        lines, rotation=30 if len(lines) > 3 else 0, ha="right" if len(lines) > 3 else "center"
    )
    ax.set_xlim(-0.6, len(lines) - 0.4)
    ax.set_ylabel(f"cost ({data['unit'].iloc[0]})")
    ax.set_title(title or f"{service}: provider costs ({route}, n={data['provider'].nunique()})")
    ax.legend(loc="best", fontsize="small")
    ax.grid(axis="y", alpha=0.3)
    return ax


def _market_rows(
    costs: pd.DataFrame, service: str, route: str | None, level: str
) -> tuple[pd.DataFrame, str]:
    """The costs of one service, level and route (the only route when none is given)."""
    data = costs[(costs["service"] == service) & (costs["level"] == level)]
    if data.empty:
        raise UserError(f"no {level} costs for service {service!r} to plot")
    routes = sorted(data["route"].unique())
    if route is None:
        if len(routes) > 1:
            raise UserError(
                f"{service} has costs by more than one route ({', '.join(routes)}); "
                "choose one with route="
            )
        route = routes[0]
    return data[(data["route"] == route) & data["cost_per_unit"].notna()], route


def _plot_line(ax, values: pd.DataFrame, position: int, kind: str) -> None:
    """One cost line's providers at ``position``: dots spread by rank, outliers in red."""
    n = len(values)
    offsets = np.linspace(-0.15, 0.15, n) if n > 1 else np.zeros(1)
    order = np.argsort(values["cost_per_unit"].to_numpy(), kind="mergesort")
    x = position + offsets[np.argsort(order)]
    outlier = values["outlier"].to_numpy(bool) if "outlier" in values else np.zeros(n, bool)
    if kind == "box":
        ax.boxplot(
            values["cost_per_unit"],
            positions=[position],
            widths=0.5,
            whis=1.5,
            showfliers=False,
        )
    ax.scatter(
        x[~outlier],
        values["cost_per_unit"].to_numpy()[~outlier],
        s=22,
        color=OTHER_COLOUR,
        zorder=3,
        label="provider" if position == 0 else None,
    )
    if outlier.any():
        ax.scatter(
            x[outlier],
            values["cost_per_unit"].to_numpy()[outlier],
            s=30,
            marker="D",
            color=OUTLIER_COLOUR,
            zorder=3,
            label="outlier" if position == 0 else None,
        )


def _draw_rates(ax, rates: Mapping[str, float] | None) -> None:
    """Our rates as labelled horizontal lines, one line style each."""
    for i, (label, rate) in enumerate((rates or {}).items()):
        ax.axhline(
            rate,
            color=OUR_COLOUR,
            linestyle=RATE_STYLES[i % len(RATE_STYLES)],
            linewidth=1.5,
            label=f"{label} rate {rate:,.2f}",
        )


def plot_comparators(
    ranked: pd.DataFrame,
    *,
    rate_column: str = "rate_rolled",
    unit: str | None = None,
    ax=None,
    title: str | None = None,
):
    """Comparator rates as a ranked bar chart with our authority highlighted.

    Parameters
    ----------
    ranked
        The first table returned by :func:`~costofcare.benchmark.comparators.rank_position`.
    rate_column
        Which rate to draw (``"rate_rolled"`` for rates at common prices).
    """
    if ranked.empty or rate_column not in ranked:
        raise UserError(f"nothing to plot: the ranked table has no {rate_column!r} rates")
    table = ranked.sort_values(rate_column, ascending=True, kind="mergesort")
    ax = _axes(ax, (7, max(3.0, 0.32 * len(table) + 1)))
    ours = table["is_ours"].to_numpy(bool) if "is_ours" in table else np.zeros(len(table), bool)
    colours = [OUR_COLOUR if mine else OTHER_COLOUR for mine in ours]
    bars = ax.barh(table["authority"], table[rate_column], color=colours)
    for bar, value in zip(bars, table[rate_column], strict=True):
        ax.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f" {value:,.2f}",
            va="center",
            fontsize="small",
        )
    others = table.loc[~ours, rate_column]
    if len(others):
        median = float(np.percentile(others, 50, method="linear"))
        ax.axvline(
            median,
            color="grey",
            linestyle="--",
            linewidth=1,
            label=f"comparator median {median:,.2f}",
        )
        ax.legend(loc="lower right", fontsize="small")
    unit = unit or (
        table["unit"].dropna().iloc[0] if "unit" in table and table["unit"].notna().any() else ""
    )
    ax.set_xlabel(f"rate{f' ({unit})' if unit else ''}")
    period = ""
    if "target_period" in table and table["target_period"].notna().any():
        period = f" at {table['target_period'].dropna().iloc[0]} prices"
    ax.set_title(title or f"Comparator rates{period}")
    return ax
