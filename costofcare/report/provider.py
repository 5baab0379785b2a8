"""One outcome workbook per provider.

Each holds the provider's own submitted unit-cost build-up beside the local market's count,
lower quartile, median and upper quartile for every line, its current and proposed rate, and
a plain explanation. Nothing in it identifies another provider or shows another provider's
figures: market figures are aggregates, shown only where at least ``min_count`` providers
stand behind them (the rest are left blank and say why), and the explanation uses no counts or
figures about other providers. File names come from :func:`~costofcare.report.safe.safe_filename`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..benchmark.market import ENHANCED_SUFFIX
from ..recommend.engine import ServiceRecommendation
from ..recommend.markets import is_enhanced
from .layout import fit_row
from .live import Cell, LiveBook, LiveSheet
from .safe import safe_filename
from .service import SERVICE_TITLES, sheet_name

#: Characters across columns A to D of the Outcome sheet (explanations wrap within them).
_OUTCOME_WIDTH = 110
#: Fewest providers behind a published aggregate, unless the run's config says otherwise.
DEFAULT_MIN_COUNT = 5
TOTAL_LINES = ("total",)
_ALIASES = {"lower_quartile": "p25", "upper_quartile": "p75"}


def market_lines(
    market: pd.DataFrame | None, service: str, care_category: str = "all"
) -> pd.DataFrame:
    """Unweighted, outliers-included market statistics for one service, one row per line
    (for a care home, of its own care category's market when ``care_category`` is given and
    the statistics are split by it; ``"all"`` is the pooled market).

    Accepts either the plain table (``service, cost_line, count, p25, median, p75``) or the
    benchmark step's ``market_statistics`` output (which has ``lower_quartile`` /
    ``upper_quartile``, ``weighting``, ``outliers``, ``route`` and ``level``).
    Returns columns ``cost_line, level, count, p25, median, p75``; ``level`` is "line",
    "total" or "total_excluding_fnc" (nursing and dual care home markets).
    """
    columns = ["cost_line", "level", "count", "p25", "median", "p75"]
    if market is None or market.empty:
        return pd.DataFrame(columns=columns)
    m = market.rename(columns=_ALIASES)
    m = m[m["service"] == service]
    if "care_category" in m:
        split = m[m["care_category"] == care_category]
        m = split if len(split) else m[m["care_category"].isin(["all", ""])]
    if "weighting" in m:
        m = m[m["weighting"] == "unweighted"]
    if "outliers" in m:
        m = m[m["outliers"] == "included"]
    if "route" in m and m["route"].nunique() > 1:
        m = m[
            m["route"] == ("reported" if (m["route"] == "reported").any() else m["route"].iloc[0])
        ]
    if "level" in m:
        m = m[m["level"].isin(["line", "total", "total_excluding_fnc"])]
    else:
        is_total = m["cost_line"].astype(str).str.strip().str.lower().isin(TOTAL_LINES)
        m = m.assign(level=is_total.map({True: "total", False: "line"}))
    return m[columns].drop_duplicates(subset=["cost_line", "level"]).reset_index(drop=True)


def provider_explanation(rec: ServiceRecommendation, provider: str, min_count: int) -> list[str]:
    """Plain sentences on how the provider's proposed rate was reached (no other providers)."""
    row = rec.providers[rec.providers["provider"] == provider]
    unit = rec.unit
    lines: list[str] = []
    if row.empty or pd.isna(row["current_rate"].iloc[0]):
        return [
            "We hold no current rate for you for this service, so no rate is proposed here. "
            "Your cost return has been included in the local figures."
        ]
    r = row.iloc[0]
    config = rec.config
    lines.append(
        f"Your current rate is £{r['current_rate']:,.2f} per {unit}. From "
        f"{config.effective_date:%d %B %Y} we propose £{r['proposed_rate']:,.2f} "
        f"({r['uplift']:+.2%})."
    )
    lines.append(rec.proposal.outcome.sentence(min_count))
    binding = r["binding"]
    floor = rec.guardrails.floor_rate
    if binding == "wage floor":
        lines.append(
            f"Your rate has been raised to £{floor:,.2f} per {unit}, the cost of paying the legal "
            "minimum wage with statutory on-costs: no rate is set below it."
        )
    elif binding == "uplift cap":
        lines.append(f"Your uplift is limited to the largest allowed, {config.uplift_max:+.2%}.")
    elif binding == "uplift floor":
        lines.append(
            f"Your uplift is the smallest allowed, {config.uplift_min:+.2%}"
            + (": no rate falls." if config.uplift_min == 0 else ".")
        )
    lines.append(
        f"Local figures are shown only where at least {min_count} providers' returns stand "
        "behind them; they are the lower quartile, median and upper quartile of each line "
        "separately, so they do not add up to the total's."
    )
    return lines


def _cost_sheet(
    sheet: LiveSheet,
    own: pd.DataFrame,
    market: pd.DataFrame,
    rec_unit: str,
    min_count: int,
    fnc_per_unit: float = 0.0,
) -> None:
    headers = [
        ("Cost line", 44),
        ("Category", 14),
        (f"Your cost per {rec_unit}", 14),
        ("Providers in the local figures", 12),
        ("Lower quartile", 12),
        ("Median", 12),
        ("Upper quartile", 12),
        ("Your cost less the median", 14),
        ("Note", 40),
    ]
    sheet.text(0, 0, f"Your cost per {rec_unit} beside the local market", "title")
    hr = 2
    for j, (label, width) in enumerate(headers):
        sheet.text(hr, j, label, "header")
        sheet.ws.set_column(j, j, width)
    fit_row(sheet.ws, hr, headers, minimum=2)  # wrapped headers never print over row one
    lines = market[market["level"] == "line"].set_index("cost_line")
    r = hr
    own_cells: list[Cell] = []
    order = list(dict.fromkeys(own["cost_line"]))
    for line in order:
        r += 1
        mine = own[own["cost_line"] == line].iloc[0]
        sheet.text(r, 0, line)
        category = mine["category"] if isinstance(mine["category"], str) else ""
        sheet.text(r, 1, category.replace("_", "-").capitalize())  # "Non-staffing"
        cell = sheet.number(r, 2, mine["cost_per_unit"], "money")
        own_cells.append(cell)
        stats = lines.loc[line] if line in lines.index else None
        _market_cells(sheet, r, cell, stats, min_count)
    r += 1
    sheet.text(r, 0, "Total", "total_label")
    total = (
        sheet.formula(
            r,
            2,
            "SUM({0})",
            [sheet.span(own_cells[0], own_cells[-1])],
            lambda s: float(sum(v for v in s if v is not None)),
            "money",
        )
        if own_cells
        else sheet.number(r, 2, None)
    )
    totals = market[market["level"] == "total"]
    _market_cells(sheet, r, total, totals.iloc[0] if len(totals) else None, min_count)
    if fnc_per_unit:
        _excluding_fnc_row(sheet, r + 1, total, fnc_per_unit, market, min_count)
    sheet.ws.freeze_panes(hr + 1, 1)
    sheet.print_setup(repeat_rows=(hr, hr))


def _excluding_fnc_row(
    sheet: LiveSheet, r: int, total: Cell, fnc_per_unit: float, market: pd.DataFrame, min_count
) -> None:
    """A nursing or dual home: NHS-funded nursing care, then its total excluding it beside
    its market's (what the council's rate is set against)."""
    sheet.text(r, 0, "Less NHS-funded nursing care (paid by the NHS)")
    fnc = sheet.number(r, 2, -fnc_per_unit, "money")
    sheet.text(r + 1, 0, "Total excluding NHS-funded nursing care", "total_label")
    own = sheet.formula(r + 1, 2, "{0}+{1}", [total, fnc], lambda t, f: t + f, "money")
    rows = market[market["level"] == "total_excluding_fnc"]
    _market_cells(sheet, r + 1, own, rows.iloc[0] if len(rows) else None, min_count)


def _market_cells(sheet: LiveSheet, r: int, own: Cell, stats, min_count: int) -> None:
    if stats is None or pd.isna(stats["count"]):
        sheet.text(r, 8, "no local figures for this line")
        return
    count = int(stats["count"])
    sheet.number(r, 3, count, "integer")
    if count < min_count:
        sheet.text(r, 8, f"not shown: fewer than {min_count} providers")
        return
    cells = [
        sheet.number(r, 4 + k, stats[key], "money")
        for k, key in enumerate(("p25", "median", "p75"))
    ]
    if own.value is not None and cells[1].value is not None:
        sheet.formula(r, 7, "{0}-{1}", [own, cells[1]], lambda a, b: a - b, "money")


def _own_market_costs(own_costs: pd.DataFrame, rec: ServiceRecommendation) -> pd.DataFrame:
    """A provider's unit costs in the recommendation's market: its service's, and for a care
    home market its own care category's (the pooled market: a home with none)."""
    costs = own_costs[own_costs["service"] == rec.service]
    category = rec.config.care_category
    if not category or "care_category" not in costs:
        return costs
    found = costs["care_category"].fillna("").astype(str)
    costs = costs[found == ("" if category == "all" else category)]
    if not (rec.config.enhanced or rec.config.enhanced_split) or "enhanced_care" not in costs:
        return costs
    return costs[is_enhanced(costs["enhanced_care"]) == rec.config.enhanced]


def write_provider_workbook(
    path: str | Path,
    provider: str,
    recommendations: Mapping[str, ServiceRecommendation],
    unit_costs: pd.DataFrame,
    market: pd.DataFrame | None,
    *,
    min_count: int = DEFAULT_MIN_COUNT,
    council: str = "",
) -> LiveBook:
    """Write one provider's outcome workbook (see the module docstring)."""
    book = LiveBook(path)
    outcome = book.add_sheet("Outcome")
    outcome.ws.set_column(0, 0, 34)
    outcome.ws.set_column(1, 1, 16)
    outcome.ws.set_column(2, 2, 8)
    outcome.ws.set_column(3, 3, _OUTCOME_WIDTH - 34 - 16 - 8)
    outcome.text(0, 0, "Cost of care: your outcome", "title")
    outcome.text(1, 0, "Provider")
    outcome.text(1, 1, provider)
    if council:
        outcome.text(2, 0, "Council")
        outcome.text(2, 1, council)
    r = 4
    own_costs = unit_costs[unit_costs["provider"] == provider]
    if "route" in own_costs and own_costs["route"].nunique() > 1:
        own_costs = own_costs[own_costs["route"] == "reported"]
    for key, rec in recommendations.items():
        mine = rec.providers[rec.providers["provider"] == provider]
        costs = _own_market_costs(own_costs, rec)
        if (mine.empty or mine["current_rate"].isna().all()) and costs.empty:
            continue  # (the pooled care home market holds every home's costs)
        title = SERVICE_TITLES.get(key, key)
        outcome.text(r, 0, title, "heading")
        r += 1
        row = mine.iloc[0] if len(mine) else None
        if row is not None and pd.notna(row["current_rate"]):
            outcome.text(r, 0, "Effective date")
            outcome.date(r, 1, rec.config.effective_date)
            cur_label, new_label = f"Current rate per {rec.unit}", f"Proposed rate per {rec.unit}"
            outcome.text(r + 1, 0, cur_label)
            cur = outcome.number(r + 1, 1, row["current_rate"], "money")
            outcome.text(r + 2, 0, new_label)
            new = outcome.number(r + 2, 1, row["proposed_rate"], "money", input_cell=True)
            outcome.text(r + 3, 0, "Uplift")
            outcome.formula(r + 3, 1, "{0}/{1}-1", [new, cur], lambda p, c: p / c - 1, "percent")
            r += 4
        for line in provider_explanation(rec, provider, min_count):
            # across columns A to D, wrapped, the row tall enough to print every line
            outcome.ws.merge_range(r, 0, r, 3, "", book.fmt("wrap"))
            outcome.text(r, 0, line, "wrap")
            fit_row(outcome.ws, r, [(line, _OUTCOME_WIDTH)])
            r += 1
        r += 1
        if not costs.empty:
            name = f"{title} costs"
            sheet = book.add_sheet(name if len(name) <= 31 else sheet_name(key))
            category = rec.config.care_category or "all"
            if rec.config.enhanced:
                category += ENHANCED_SUFFIX  # the benchmark's name of the enhanced market
            fnc = -float(mine["fnc"].iloc[0]) if len(mine) and "fnc" in mine else 0.0
            lines = market_lines(market, rec.service, category)
            _cost_sheet(sheet, costs, lines, rec.unit, min_count, 0.0 if fnc != fnc else fnc)
    outcome.print_setup(landscape=False)
    outcome.ws.activate()
    book.close()
    return book


def write_provider_workbooks(
    outdir: str | Path,
    recommendations: Mapping[str, ServiceRecommendation],
    unit_costs: pd.DataFrame,
    market: pd.DataFrame | None,
    *,
    min_count: int = DEFAULT_MIN_COUNT,
    council: str = "",
) -> dict[str, Path]:
    """Write every provider's outcome workbook into ``outdir``; provider -> path.

    Providers are those with a current rate or a cost return in any recommended service.
    """
    if min_count < 1:
        raise ValueError("min_count must be at least 1")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    providers: dict[str, None] = {}
    for rec in recommendations.values():
        providers.update(dict.fromkeys(map(str, rec.providers["provider"])))
        in_costs = unit_costs.loc[unit_costs["service"] == rec.service, "provider"]
        providers.update(dict.fromkeys(map(str, in_costs)))
    written = {}
    for provider in providers:
        path = outdir / safe_filename(provider, prefix="outcome-")
        write_provider_workbook(
            path,
            provider,
            recommendations,
            unit_costs,
            market,
            min_count=min_count,
            council=council,
        )
        written[provider] = path
    return written
