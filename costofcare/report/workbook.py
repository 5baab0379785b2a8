"""The recommendation workbook.

Sheets: Summary; one sheet per service type (inputs, the wage floor calculation, results,
reasoning, and the provider-by-provider calculation); Providers; Benchmarks; Scenarios;
Assumptions (every parameter with its date and source, every config choice); Data quality (the
issues found reading the returns, matching the council's files and choosing the market);
Method notes. The Summary lists the figures the run used that are not yet confirmed.

Numbers that follow from others are live formulas pointing at the input cells (shaded), each
written with the value computed here, so the file reads correctly with or without
recalculation. The values come from the same arithmetic as :mod:`costofcare.recommend`, and
the tests check that LibreOffice, recalculating every formula, agrees with both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..audit.clock import written_time
from ..benchmark.quantiles import percentile_inc
from ..recommend.engine import ServiceRecommendation
from ..recommend.sample import sample_sizes
from .decision import DecisionSummary
from .decisionsheet import decision_sheet
from .layout import fit_row
from .live import Cell, LiveBook, LiveSheet
from .notes import method_notes
from .options import plain_method_name
from .provider import DEFAULT_MIN_COUNT
from .readable import ISSUE_COLUMNS, SCENARIO_COLUMNS, generic_columns, readable_table
from .service import SERVICE_TITLES, ServiceCells, service_sheet, sheet_name


def _sum(span) -> float:
    return float(sum(v for v in span if isinstance(v, int | float) and not isinstance(v, bool)))


# ---------------------------------------------------------------------- other sheets
_NOT_CONFIRMED_HEADERS = ("Status", "Figure", "Value", "Unit", "In force from", "Until")
#: Summary columns a figure's source is wrapped across (B to L), and the characters of text
#: one line of that span holds.
_SOURCE_SPAN, _SOURCE_LINE_CHARS = (1, 11), 160


def _not_confirmed_block(sheet: LiveSheet, top: int, table: pd.DataFrame | None) -> int:
    """Under the Summary's table: the figures the run used that are not confirmed, a row
    each (status, name, value, unit, period) with its source on the row below. Returns the
    first free row."""
    if table is None:
        return top
    if table.empty:
        sheet.text(
            top,
            0,
            "Every dated figure the run used is confirmed (set in law or published as final).",
            "subtitle",
        )
        return top + 2
    sheet.text(top, 0, "Figures not yet confirmed (announced, forecast or assumption)", "heading")
    for j, label in enumerate(_NOT_CONFIRMED_HEADERS):
        sheet.text(top + 1, j, label, "header")
    sheet.ws.set_column(1, 1, max(30, *(len(str(n)) + 2 for n in table["name"])))
    r = top + 1
    for row in table.to_dict("records"):
        r += 1
        sheet.text(r, 0, row["status"], "warning")
        sheet.text(r, 1, row["name"])
        sheet.number(r, 2, float(row["value"]), "general")
        sheet.text(r, 3, row["unit"])
        sheet.date(r, 4, row["effective_from"])
        if row["effective_to"] is None or pd.isna(row["effective_to"]):
            sheet.text(r, 5, "open")
        else:
            sheet.date(r, 5, row["effective_to"])
        r += 1
        _source_cell(sheet, r, f"Source: {row['source_title'] or 'not given'}")
    return r + 2


def _source_cell(sheet: LiveSheet, row: int, source: str) -> None:
    """A figure's source in one cell merged across columns B to L, wrapped (a long source
    would otherwise run off the printed page), its row tall enough to show it."""
    first, last = _SOURCE_SPAN
    sheet.ws.merge_range(row, first, row, last, "", sheet.book.fmt("wrap"))
    sheet.text(row, first, source, "wrap")
    lines = max(1, -(-len(source) // _SOURCE_LINE_CHARS))
    sheet.ws.set_row(row, 15 * lines)


def _summary_sheet(
    sheet: LiveSheet,
    recs,
    services: dict[str, ServiceCells],
    title: str,
    min_count: int,
    non_confirmed: pd.DataFrame | None = None,
) -> None:
    sheet.text(0, 0, title, "title")
    sheet.text(
        1,
        0,
        f"Written {written_time():%d %B %Y}. Each figure links to its service sheet.",
        "subtitle",
    )
    headers = [
        ("Service", None, max([24] + [len(SERVICE_TITLES.get(k, k)) + 1 for k in recs])),
        ("Method", None, 46),
        ("Effective", "date", 11),
        ("Providers", "integer", 9),
        ("Unit", None, 13),
        ("Average current rate", "money", 12),
        ("Average proposed rate", "money", 12),
        ("Uplift", "percent", 9),
        ("Current spend a year", "money0", 15),
        ("Proposed spend a year", "money0", 15),
        ("Budget impact a year", "money0", 15),
        ("Cost returns behind the rate", "integer", 12),
        ("NHS-funded nursing care a week", "money", 13),
    ]
    hr = 3
    sizes = sample_sizes(recs, min_count)
    for j, (label, _s, width) in enumerate(headers):
        sheet.text(hr, j, label, "header")
        sheet.ws.set_column(j, j, width)
    sheet.ws.set_row(hr, 45)  # wrapped headers: up to three lines, never over the first row
    r, current, proposed, impacts = _summary_rows(sheet, recs, services, sizes, hr)
    if recs:
        total = r + 1
        sheet.text(total, 0, "All services", "total_label")
        for j, cells in ((8, current), (9, proposed), (10, impacts)):
            sheet.formula(
                total, j, "SUM({0})", [sheet.span(cells[0], cells[-1])], _sum, "total_money0"
            )
        total += _service_subtotals(sheet, total + 1, recs, (current, proposed, impacts))
        # too few providers behind a rate (costofcare.recommend.sample): said under the table
        warnings = [s.warning() for s in sizes.values() if s.too_few]
        for i, warning in enumerate(warnings):
            sheet.text(total + 2 + i, 0, f"Warning: {warning}", "warning")
        below = total + 2 + len(warnings) + (1 if warnings else 0)
        below = _not_confirmed_block(sheet, below, non_confirmed)
        sheet.ws.insert_chart(below, 0, _impact_chart(sheet, hr + 1, r))
    sheet.ws.freeze_panes(hr + 1, 1)
    sheet.print_setup()


def _summary_rows(sheet: LiveSheet, recs, services, sizes, hr: int):
    """One row per service, each figure a link to its service sheet; returns the last row and
    the current spend, proposed spend and budget impact cells."""
    link = lambda v: v  # noqa: E731
    impacts, current, proposed = [], [], []
    r = hr
    for service, rec in recs.items():
        r += 1
        cells = services[service].results
        sheet.text(r, 0, SERVICE_TITLES.get(service, service))
        sheet.text(r, 1, plain_method_name(rec))
        sheet.date(r, 2, rec.config.effective_date)
        sheet.formula(r, 3, "{0}", [cells["providers"]], link, "integer")
        sheet.text(r, 4, rec.unit)
        sheet.formula(r, 5, "{0}", [cells["average_current_rate"]], link, "money")
        sheet.formula(r, 6, "{0}", [cells["average_proposed_rate"]], link, "money")
        sheet.formula(r, 7, "{0}", [cells["uplift"]], link, "percent")
        current.append(sheet.formula(r, 8, "{0}", [cells["current_spend_annual"]], link, "money0"))
        proposed.append(
            sheet.formula(r, 9, "{0}", [cells["proposed_spend_annual"]], link, "money0")
        )
        impacts.append(sheet.formula(r, 10, "{0}", [cells["budget_impact_annual"]], link, "money0"))
        sheet.number(r, 11, sizes[service].providers, "integer")
        if rec.fnc_per_week is not None:
            sheet.number(r, 12, rec.fnc_per_week.value, "money")
    return r, current, proposed, impacts


def _service_subtotals(sheet: LiveSheet, row: int, recs, cells) -> int:
    """Under the total: a service priced as several markets (care homes by care category)
    added up, one row each; returns the rows written."""
    keys = list(recs)
    written = 0
    for service in dict.fromkeys(rec.service for rec in recs.values()):
        mine = [i for i, key in enumerate(keys) if recs[key].service == service]
        if len(mine) < 2:
            continue
        r = row + written
        title = SERVICE_TITLES.get(service, service)
        sheet.text(r, 0, f"{title}, all categories", "total_label")
        for j, column in zip((8, 9, 10), cells, strict=True):
            picked = [column[i] for i in mine]
            template = "SUM(" + ",".join(f"{{{k}}}" for k in range(len(picked))) + ")"
            sheet.formula(r, j, template, picked, lambda *v: _sum(v), "total_money0")
        written += 1
    return written


def _impact_chart(sheet: LiveSheet, first_row: int, last_row: int):
    """A bar chart of each service's budget impact a year (from the Summary table)."""
    chart = sheet.book.workbook.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "Budget impact a year",
            "categories": [sheet.name, first_row, 0, last_row, 0],
            "values": [sheet.name, first_row, 10, last_row, 10],
            "fill": {"color": "#2F75B5"},
        }
    )
    chart.set_title({"name": "Budget impact a year by service"})
    chart.set_x_axis({"num_format": "£#,##0", "min": 0})
    chart.set_legend({"none": True})
    return chart


def _providers_sheet(sheet: LiveSheet, recs, services: dict[str, ServiceCells]) -> None:
    headers = [
        ("Service", None, max([18] + [len(SERVICE_TITLES.get(k, k)) + 1 for k in recs])),
        ("Provider", None, 36),
        ("Total cost per unit", "money", 12),
        ("Position in the local market", None, 26),
        ("Current rate", "money", 11),
        ("Proposed rate", "money", 11),
        ("Uplift", "percent", 9),
        ("Units a week", "number", 10),
        ("Change a year", "money0", 14),
    ]
    for j, (label, _s, width) in enumerate(headers):
        sheet.text(0, j, label, "header")
        sheet.ws.set_column(j, j, width)
    link = lambda v: v  # noqa: E731
    r = 0
    for service, rec in recs.items():
        cells_of = services[service].rows
        totals = rec.providers["total"].dropna()
        quartiles = [percentile_inc(totals, q) for q in (0.25, 0.5, 0.75)] if len(totals) else None
        for _, row in rec.providers.iterrows():
            r += 1
            cells = cells_of[str(row["provider"])]
            sheet.text(r, 0, SERVICE_TITLES.get(service, service))
            sheet.text(r, 1, row["provider"])
            if "total" in cells:
                sheet.formula(r, 2, "{0}", [cells["total"]], link, "money")
                sheet.text(r, 3, _position(row["total"], quartiles))
            else:
                sheet.text(r, 3, "no cost return")
            if "proposed_rate" in cells:
                cur = sheet.formula(r, 4, "{0}", [cells["current_rate"]], link, "money")
                new = sheet.formula(r, 5, "{0}", [cells["proposed_rate"]], link, "money")
                sheet.formula(r, 6, "{0}/{1}-1", [new, cur], lambda p, x: p / x - 1, "percent")
                sheet.formula(r, 7, "{0}", [cells["volume_per_week"]], link, "number")
                sheet.formula(
                    r,
                    8,
                    "{0}-{1}",
                    [cells["proposed_spend_annual"], cells["current_spend_annual"]],
                    lambda a, b: a - b,
                    "money0",
                )
    sheet.ws.autofilter(0, 0, max(r, 1), len(headers) - 1)
    sheet.ws.freeze_panes(1, 2)
    sheet.print_setup(repeat_rows=(0, 0))


#: Headings of the columns other steps add to the Providers sheet.
_EXTRA_HEADINGS = {"rag": ("RAG", 8), "gap_share": ("Rate minus cost, share of cost", 12)}


def _both_numbers(cells) -> bool:
    """A rolled cost (not zero) and a proposed rate are both written as numbers."""
    values = [cells[k].value if k in cells else None for k in ("rolled_cost", "proposed_rate")]
    return all(isinstance(v, int | float) and not pd.isna(v) for v in values) and bool(values[0])


def _provider_extras(sheet: LiveSheet, recs, services, extras: pd.DataFrame) -> None:
    """Columns after the Providers table, row for row: a ``gap_share`` as a live formula
    (proposed rate - rolled cost) / rolled cost where both cells exist, others as values."""
    names = [c for c in extras.columns if c not in ("service", "provider")]
    first = 9  # after "Change a year"
    for j, name in enumerate(names):
        label, width = _EXTRA_HEADINGS.get(name, (name, 12))
        sheet.text(0, first + j, label, "header")
        sheet.ws.set_column(first + j, first + j, width)
    sheet.ws.set_row(0, 45)  # wrapped headers: up to three lines
    lookup = extras.set_index(["service", "provider"])
    r = 0
    for service, rec in recs.items():
        for provider in rec.providers["provider"].astype(str):
            r += 1
            if (service, provider) not in lookup.index:
                continue
            row = lookup.loc[(service, provider)]
            cells = services[service].rows[provider]
            for j, name in enumerate(names):
                value = row[name]
                if name == "gap_share" and _both_numbers(cells):
                    sheet.formula(r, first + j, "({0}-{1})/{1}",
                                  [cells["proposed_rate"], cells["rolled_cost"]],
                                  lambda p, c: (p - c) / c, "percent")  # fmt: skip
                elif name == "gap_share":
                    sheet.number(r, first + j, value, "percent")
                else:
                    sheet.value(r, first + j, value)
    sheet.ws.autofilter(0, 0, max(r, 1), first + len(names) - 1)


def _position(value: float, quartiles) -> str:
    if quartiles is None or pd.isna(value):
        return ""
    lq, med, uq = quartiles
    if value < lq:
        return "below the lower quartile"
    if value < med:
        return "lower quartile to median"
    if value <= uq:
        return "median to upper quartile"
    return "above the upper quartile"


def _table_sheet(
    sheet: LiveSheet, title: str, df: pd.DataFrame | None, empty: str, columns=None, top: int = 2
) -> None:
    """``title``, then ``df`` as a readable table from row ``top`` (``columns``: the
    (column, header, style, width) to show; default every column, headers in words)."""
    sheet.text(0, 0, title, "title")
    if df is None or df.empty:
        sheet.text(top, 0, empty)
        return
    readable_table(sheet, top, df, columns if columns is not None else generic_columns(df))


def _scenarios_sheet(sheet: LiveSheet, scenarios: pd.DataFrame | None) -> None:
    """Each scenario's totals per service first, then every provider's figures."""
    need = {"scenario", "service", "provider", "required_rate", "budget_full_year"}
    if scenarios is None or scenarios.empty or not need <= set(scenarios.columns):
        _table_sheet(sheet, "Scenario results", scenarios, "No scenario results were supplied.")
        return
    sheet.text(0, 0, "Scenario results", "title")
    sheet.text(
        1,
        0,
        "Each provider with a cost return, its cost rolled forward under each scenario. The "
        "scenario's budget here pays every provider its own cost; the Decision summary "
        "prices each scenario as one rate for all providers. Every column is in "
        "scenarios/scenarios.csv.",
        "subtitle",
    )
    grouped = scenarios.groupby(["scenario", "service"], sort=False)
    heads = grouped.agg(
        providers=("provider", "nunique"),
        median=("required_rate", "median"),
        budget=("budget_full_year", "sum"),
    ).reset_index()
    head_columns = (
        ("scenario", "Scenario", "wrap", 26),
        ("service", "Service", None, 14),
        ("providers", "Providers", "integer", 30),
        ("median", "Median cost under the scenario (£ per unit)", "money", 13),
        ("budget", "Paying each provider its own cost: change a year (£)", "money0", 14),
    )
    below = readable_table(sheet, 3, heads, head_columns, freeze=False, autofilter=False) + 2
    sheet.text(below, 0, "Provider by provider", "heading")
    readable_table(sheet, below + 1, scenarios, SCENARIO_COLUMNS, freeze=False)


_SPREAD = (
    ("p10", "P10"),
    ("lower_quartile", "Lower quartile"),
    ("p25", "Lower quartile"),
    ("median", "Median"),
    ("upper_quartile", "Upper quartile"),
    ("p75", "Upper quartile"),
    ("p90", "P90"),
)


#: The Benchmarks sheet's market table: the columns shown (every column is in
#: benchmark/market_statistics.csv).
MARKET_COLUMNS = (
    ("service", "Service", None, 14),
    ("category", "Category", None, 12),
    ("cost_line", "Cost line", "wrap", 36),
    ("unit", "Unit", None, 13),
    ("care_category", "Care category", None, 11),
    ("weighting", "Weighting", None, 10),
    ("outliers", "Outliers", None, 9),
    ("count", "Providers", "integer", 9),
    ("volume_per_week", "Units a week", "number", 10),
    ("mean", "Mean (£ per unit)", "money", 10),
    ("p10", "P10 (£)", "money", 9),
    ("lower_quartile", "Lower quartile (£)", "money", 10),
    ("p25", "Lower quartile (£)", "money", 10),
    ("median", "Median (£)", "money", 10),
    ("upper_quartile", "Upper quartile (£)", "money", 10),
    ("p75", "Upper quartile (£)", "money", 10),
    ("p90", "P90 (£)", "money", 9),
    ("min", "Lowest (£)", "money", 9),
    ("max", "Highest (£)", "money", 9),
)


def _market_totals(df: pd.DataFrame) -> dict[str, int]:
    """Service -> the position in ``df`` of its unweighted total with outliers included."""
    if "level" in df.columns:
        total = (df["level"] == "total").to_numpy()
    else:
        total = (df["cost_line"].astype(str).str.strip().str.casefold() == "total").to_numpy()
    for column, keep in (("weighting", "unweighted"), ("outliers", "included")):
        if column in df.columns:
            total = total & (df[column] == keep).to_numpy()
    picks: dict[str, int] = {}
    for position in np.flatnonzero(total):
        picks.setdefault(str(df["service"].iloc[position]), int(position))
    return picks


def _benchmarks_sheet(sheet: LiveSheet, df: pd.DataFrame | None) -> None:
    """Each service's total cost per unit across providers and a chart of its spread first
    (linked to the table's cells), the market table of every cost line below it."""
    title = "Local market statistics"
    if df is None or df.empty or not {"service", "cost_line"} <= set(df.columns):
        _table_sheet(sheet, title, df, "No market statistics were supplied.")
        return
    spread = [(c, label) for c, label in _SPREAD if c in df.columns]
    picks = _market_totals(df) if spread else {}
    header_row = 2 if not picks else 2 + len(picks) + 3 + 16 + 2
    _table_sheet(
        sheet, title, df, "", [c for c in MARKET_COLUMNS if c[0] in df.columns], header_row
    )
    methods = df["quantile_method"].dropna().unique() if "quantile_method" in df else []
    if len(methods):
        sheet.text(1, 0, "Percentiles: " + "; ".join(map(str, methods)), "subtitle")
    if picks:
        _benchmark_charts(sheet, df, picks, spread, header_row)


def _benchmark_charts(sheet: LiveSheet, df, picks, spread, header_row: int) -> None:
    """Rows 3 on: each service's total cost per unit across providers, linked to the market
    table's cells, and a chart of its spread (one per service: units differ)."""
    shown = [c[0] for c in MARKET_COLUMNS if c[0] in df.columns]
    columns = {name: j for j, name in enumerate(shown)}
    top = 3
    sheet.text(
        top, 0, "Total cost per unit across providers (unweighted, outliers included)", "heading"
    )
    heads = ["Service", "Unit", "Providers", *[label for _, label in spread]]
    for j, label in enumerate(heads):
        sheet.text(top + 1, j, label, "header")
    sheet.ws.set_row(top + 1, 30)  # two lines: "Lower quartile" wraps in a narrow column
    link = lambda v: v  # noqa: E731
    first_q = 3
    for k, (service, position) in enumerate(picks.items()):
        r = top + 2 + k
        source_row = header_row + 1 + position
        unit = str(df["unit"].iloc[position]) if "unit" in df.columns else ""
        sheet.text(r, 0, SERVICE_TITLES.get(service, service))
        sheet.text(r, 1, unit.replace("_", " "))
        if "count" in columns:
            sheet.formula(
                r, 2, "{0}", [sheet.cell_at(source_row, columns["count"])], link, "integer"
            )
        for j, (column, _) in enumerate(spread):
            source = sheet.cell_at(source_row, columns[column])
            if source.value is None:
                sheet.number(r, first_q + j, None, "money")
            else:
                sheet.formula(r, first_q + j, "{0}", [source], link, "money")
        chart = sheet.book.workbook.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": SERVICE_TITLES.get(service, service),
                "categories": [sheet.name, top + 1, first_q, top + 1, first_q + len(spread) - 1],
                "values": [sheet.name, r, first_q, r, first_q + len(spread) - 1],
                "fill": {"color": "#2F75B5"},
                "data_labels": {"value": True, "num_format": "£#,##0.00"},
            }
        )
        per = f" per {unit.replace('_', ' ')}" if unit else " per unit"
        chart.set_title({"name": f"{SERVICE_TITLES.get(service, service)}: total cost{per}"})
        chart.set_y_axis({"num_format": "£#,##0.00", "min": 0})
        chart.set_legend({"none": True})
        chart.set_size({"width": 420, "height": 288})
        sheet.ws.insert_chart(top + 3 + len(picks), 6 * k, chart)


def _assumptions_sheet(
    sheet: LiveSheet, parameters: pd.DataFrame | None, config_rows: list[tuple[str, str]]
) -> dict[str, Cell]:
    sheet.text(0, 0, "Assumptions: parameters used and configuration", "title")
    cells: dict[str, Cell] = {}
    r = 2
    sheet.text(r, 0, "Dated parameters (value in force, its date and source)", "heading")
    r += 1
    columns = [
        ("name", "Parameter", 40),
        ("value", "Value", 14),
        ("unit", "Unit", 14),
        ("effective_from", "In force from", 12),
        ("effective_to", "Until", 12),
        ("status", "Status", 14),
        ("source_title", "Source", 50),
        ("source_url", "Source address", 40),
        ("note", "Note", 50),
    ]
    for j, (_k, label, width) in enumerate(columns):
        sheet.text(r, j, label, "header")
        sheet.ws.set_column(j, j, width)
    header = r
    if parameters is not None:
        params = parameters.copy()
        if "status" not in params.columns and "flags" in params.columns:
            params["status"] = params["flags"]
        for _, row in params.iterrows():
            r += 1
            wrapped = []
            for j, (key, _label, width) in enumerate(columns):
                value = row.get(key)
                if key == "value":
                    cell = sheet.number(r, j, float(value), "general", input_cell=True)
                    cells[str(row["name"])] = cell
                elif key in ("effective_from", "effective_to"):
                    sheet.date(r, j, None if value is None or value == "" else value)
                else:
                    blank = value is None or (isinstance(value, float) and pd.isna(value))
                    text = sheet.text(r, j, "" if blank else value, "wrap").value
                    wrapped.append((text, width))
            fit_row(sheet.ws, r, wrapped)  # long sources and notes wrap, never run off
    sheet.ws.autofilter(header, 0, max(r, header + 1), len(columns) - 1)
    sheet.ws.freeze_panes(header + 1, 1)
    r += 2
    sheet.text(r, 0, "Configuration choices", "heading")
    r += 1
    sheet.text(r, 0, "Setting", "header")
    sheet.text(r, 1, "Value", "header")
    for key, value in config_rows:
        r += 1
        sheet.text(r, 0, key)
        sheet.text(r, 1, value)
    sheet.print_setup()
    return cells


#: Characters across the Method notes column (one A4 landscape page wide).
_NOTES_WIDTH = 90


def _notes_sheet(sheet: LiveSheet, recs) -> None:
    sheet.text(0, 0, "Method notes", "title")
    sheet.ws.set_column(0, 0, _NOTES_WIDTH)
    r = 2
    for heading, text in method_notes(recs):
        sheet.text(r, 0, heading, "heading")
        sheet.text(r + 1, 0, text, "wrap")
        fit_row(sheet.ws, r + 1, [(text, _NOTES_WIDTH)])
        r += 3
    sheet.print_setup()


def write_recommendation_workbook(
    path: str | Path,
    recommendations: Mapping[str, ServiceRecommendation],
    *,
    market: pd.DataFrame | None = None,
    scenarios: pd.DataFrame | None = None,
    parameters: pd.DataFrame | None = None,
    config_rows: list[tuple[str, str]] | None = None,
    issues: pd.DataFrame | None = None,
    title: str = "Cost of care: fee recommendation",
    min_count: int = DEFAULT_MIN_COUNT,
    non_confirmed: pd.DataFrame | None = None,
    extra_sheets: Sequence[tuple[str, Callable[[LiveSheet], None]]] = (),
    decision: DecisionSummary | None = None,
    provider_columns: pd.DataFrame | None = None,
) -> LiveBook:
    """Write the recommendation workbook and return the closed :class:`LiveBook`.

    Parameters
    ----------
    path
        The ``.xlsx`` file to write.
    recommendations
        Service type -> :class:`~costofcare.recommend.engine.ServiceRecommendation`.
    market
        Local market statistics (e.g. ``service``, ``cost_line``, ``count``, ``p25``,
        ``median``, ``p75``), written as given.
    scenarios
        Scenario results, written as given.
    parameters
        Parameters in force (``costofcare.parameters.load().in_force(on=...)``): name, value,
        unit, effective_from, effective_to, status/flags, source_title, source_url, note.
        Wage-floor inputs on the service sheets link to these cells.
    config_rows
        (setting, value) pairs; by default every service's settings.
    issues
        The run's issues: the returns' (ingest), the council files' and the run's own
        (returns left out, staffing rows not used).
    min_count
        Providers a rate needs behind it; the Summary sheet warns below it.
    non_confirmed
        The figures the run used that are not confirmed
        (:func:`costofcare.parameters.non_confirmed`), listed on the Summary sheet under the
        table (None: no such list).
    extra_sheets
        (sheet name, writer) pairs for sheets other steps add (market sustainability, market
        shape): each writer is called with its empty :class:`LiveSheet`; a writer whose
        ``links_services`` attribute is true is also given ``services=`` (service ->
        :class:`~costofcare.report.service.ServiceCells`) to link to the service sheets'
        cells. The sheets sit after Scenarios, before Assumptions.
    decision
        The run's :class:`~costofcare.report.decision.DecisionSummary`: written as the first
        sheet, "Decision summary" (None: no such sheet).
    provider_columns
        Columns other steps add to the Providers sheet (``service``, ``provider`` and one
        column each, e.g. the market step's ``rag`` and ``gap_share``); None adds none.

    The returned book's ``formulas`` lists every formula with the value written for it.
    """
    book = LiveBook(path)
    first = book.add_sheet("Decision summary") if decision is not None else None
    names = {service: sheet_name(service) for service in recommendations}
    summary = book.add_sheet("Summary")
    service_sheets = {service: book.add_sheet(names[service]) for service in recommendations}
    providers = book.add_sheet("Providers")
    benchmarks = book.add_sheet("Benchmarks")
    scen = book.add_sheet("Scenarios")
    extras = [(book.add_sheet(name[:31]), writer) for name, writer in extra_sheets]
    assumptions = book.add_sheet("Assumptions")
    quality = book.add_sheet("Data quality")
    notes = book.add_sheet("Method notes")

    if config_rows is None:
        config_rows = list(  # care home markets share their settings: each row once
            dict.fromkeys(row for rec in recommendations.values() for row in rec.config.as_rows())
        )
    params_cells = _assumptions_sheet(assumptions, parameters, config_rows)
    cells = {
        service: service_sheet(service_sheets[service], rec, params_cells)
        for service, rec in recommendations.items()
    }
    _summary_sheet(summary, recommendations, cells, title, min_count, non_confirmed)
    _providers_sheet(providers, recommendations, cells)
    if provider_columns is not None:
        _provider_extras(providers, recommendations, cells, provider_columns)
    _benchmarks_sheet(benchmarks, market)
    _scenarios_sheet(scen, scenarios)
    _table_sheet(
        quality,
        "Data quality: issues found in the returns, the council's files and the run",
        issues,
        "No issues were found.",
        ISSUE_COLUMNS,
    )
    _notes_sheet(notes, recommendations)
    for sheet, writer in extras:
        if getattr(writer, "links_services", False):
            writer(sheet, services=cells)  # it links to the service sheets' cells
        else:
            writer(sheet)
    if first is not None:
        impacts = {s: c.results["budget_impact_annual"] for s, c in cells.items()}
        decision_sheet(first, decision, impacts)
    (first or summary).ws.activate()
    book.close()
    return book
