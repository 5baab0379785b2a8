"""The "Market shape" sheet of the recommendation workbook.

:func:`market_shape_sheet` returns a writer for ``write_recommendation_workbook(...,
extra_sheets=[("Market shape", market_shape_sheet(result))])``. Every figure that follows
from others on the sheet is a live formula written with its value (shares of spend,
shortfalls, unmet need costed, contract flags, real values, funding gaps), through
:class:`costofcare.report.live.LiveSheet`; charts show spend, contract values and the
profile against funding. Text from the council's files is written as text, never a formula.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd

from ..money import WEEKS_PER_YEAR
from ..report.live import Cell, LiveSheet
from .shape_run import ShapeResult
from .spend import SPEND_DIMENSIONS

__all__ = ["market_shape_sheet"]

_WIDTHS = {0: 30, 1: 30, 2: 15, 3: 13, 4: 13, 5: 15, 6: 13, 7: 16, 8: 18}
#: Providers listed on the sheet by spend (spend_by.csv has every one).
TOP_PROVIDERS_SHOWN = 15


def market_shape_sheet(result: ShapeResult) -> Callable[[LiveSheet], None]:
    """A writer of the market shape sheet for ``extra_sheets`` (picklable, so a run's result
    can be passed between processes)."""
    return partial(write_market_shape_sheet, result=result)


def write_market_shape_sheet(sheet: LiveSheet, result: ShapeResult) -> None:
    """Write the market shape sheet of ``result`` on ``sheet``."""
    sheet.widths(_WIDTHS)
    sheet.text(0, 0, "Market shape: spend, capacity, movement and contracts", "title")
    as_of = "" if result.as_of is None else f" Read on {result.as_of.date().isoformat()}."
    sheet.text(1, 0, "Figures from the council's market files." + as_of, "subtitle")
    r = 3
    for part in (_spend, _capacity, _unmet, _movement, _tiers, _calendar, _values,
                 _funding, _nchc):  # fmt: skip
        r = part(sheet, result, r)
    if r == 3:
        sheet.text(r, 0, "No market shape inputs were configured ([market] table).")
    sheet.print_setup()


def _fy(year) -> str:
    """A financial year by its first calendar year, as a reader writes it: ``2025-26``."""
    return f"{int(year)}-{(int(year) + 1) % 100:02d}"


def _unit(unit: str) -> str:
    return {"hours_per_week": "hours a week"}.get(unit, unit.replace("_", " "))


def _header(sheet: LiveSheet, r: int, title: str, labels: list[str]) -> int:
    sheet.text(r, 0, title, "heading")
    for j, label in enumerate(labels):
        sheet.text(r + 1, j, label, "header")
    sheet.ws.set_row(r + 1, 30)  # room for a wrapped header
    return r + 2


def _spend(sheet: LiveSheet, result: ShapeResult, r: int) -> int:
    table = result.tables.get("spend_by")
    if table is None:
        return r
    snap = result.summary.get("spend", {})
    sheet.text(r, 0, "Spend snapshot", "heading")
    sheet.text(r + 1, 0, "Total spend")
    total = sheet.number(r + 1, 1, snap.get("spend"), "money0")
    sheet.text(r + 2, 0, "Providers paid")
    sheet.number(r + 2, 1, snap.get("providers"), "integer")
    sheet.text(r + 3, 0, "Herfindahl index (0-10,000)")
    sheet.number(r + 3, 1, snap.get("herfindahl_index"), "number")
    r = _header(sheet, r + 5, "Spend by", ["Breakdown", "Value", "Spend", "Share", "Providers"])
    first = r
    providers = table[table["dimension"] == "provider"]
    shown = pd.concat([table[table["dimension"] != "provider"],
                       providers.head(TOP_PROVIDERS_SHOWN)])  # fmt: skip
    for row in shown.itertuples(index=False):
        sheet.text(r, 0, SPEND_DIMENSIONS.get(row.dimension, row.dimension))
        sheet.text(r, 1, row.value)
        amount = sheet.number(r, 2, row.amount, "money0")
        sheet.formula(r, 3, "IF({1}>0,{0}/{1},0)", [amount, total],
                      lambda a, t: a / t if t else 0.0, "percent")  # fmt: skip
        sheet.number(r, 4, row.providers, "integer")
        r += 1
    if len(providers) > TOP_PROVIDERS_SHOWN:
        more = len(providers) - TOP_PROVIDERS_SHOWN
        sheet.text(r, 0, f"... and {more} more providers (spend_by.csv lists every one)")
        r += 1
    groups = table[table["dimension"] != "provider"]
    if len(groups):
        first_dim = groups["dimension"].iloc[0]
        n = int((groups["dimension"] == first_dim).sum())
        chart = sheet.book.workbook.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": "Spend",
                "categories": [sheet.name, first, 1, first + n - 1, 1],
                "values": [sheet.name, first, 2, first + n - 1, 2],
                "fill": {"color": "#2F75B5"},
            }
        )
        chart.set_title({"name": f"Spend by {SPEND_DIMENSIONS[first_dim].lower()}"})
        chart.set_x_axis({"num_format": "£#,##0"})
        chart.set_legend({"none": True})
        chart.set_size({"width": 480, "height": 300})
        sheet.ws.insert_chart(first - 2, 6, chart)
    conc = result.tables.get("concentration")
    if conc is not None:
        shares = [c for c in conc.columns if c.startswith("top_")]
        labels = ["Scope", "Providers", "Spend"] + [c.replace("_", " ") for c in shares] + ["HHI"]
        r = _header(sheet, r + 1, "Concentration (share of spend with the largest providers)",
                    labels)  # fmt: skip
        for row in conc.itertuples(index=False):
            sheet.text(r, 0, row.scope)
            sheet.number(r, 1, row.providers, "integer")
            sheet.number(r, 2, row.amount, "money0")
            for j, column in enumerate(shares):
                sheet.number(r, 3 + j, getattr(row, column), "percent")
            sheet.number(r, 3 + len(shares), row.herfindahl_index, "number")
            r += 1
    return r + 1


def _capacity(sheet: LiveSheet, result: ShapeResult, r: int) -> int:
    gap = result.tables.get("capacity_gap")
    if gap is None:
        return r
    labels = ["Service type", "Locality", "Year", "Unit", "Capacity", "Demand", "Shortfall",
              "Waiting", "Unmet"]  # fmt: skip
    r = _header(sheet, r, "Capacity against demand (projected years carry no waiting count)",
                labels)  # fmt: skip
    for row in gap.itertuples(index=False):
        sheet.text(r, 0, row.service_type)
        sheet.text(r, 1, row.locality or "(whole council)")
        sheet.text(r, 2, _fy(row.year))
        sheet.text(r, 3, _unit(row.unit))
        cap = sheet.number(r, 4, row.capacity, "number")
        need = sheet.number(r, 5, row.demand, "number")
        short = sheet.formula(r, 6, "IF({0}>{1},{0}-{1},0)", [need, cap],
                              lambda d, c: d - c if d > c else 0.0, "number")  # fmt: skip
        wait = sheet.number(r, 7, row.waiting, "number")
        if wait.value is None:
            sheet.formula(r, 8, "{0}", [short], lambda s: s, "number")
        else:
            sheet.formula(r, 8, "{0}", [wait], lambda w: w, "number")
        r += 1
    return r + 1


def _unmet(sheet: LiveSheet, result: ShapeResult, r: int) -> int:
    cost = result.tables.get("unmet_cost")
    if cost is None or not len(cost):
        return r
    sheet.text(r, 0, "Weeks a year (365 / 7)")
    weeks = sheet.number(r, 1, WEEKS_PER_YEAR, "fraction")
    labels = ["Service type", "Locality", "Year", "Option", "Unmet", "Rate", "Cost a year"]
    r = _header(sheet, r + 1, "Unmet need costed at each option's rate (per hour or per week)",
                labels)  # fmt: skip
    for row in cost.itertuples(index=False):
        sheet.text(r, 0, row.service_type)
        sheet.text(r, 1, row.locality or "(whole council)")
        sheet.text(r, 2, _fy(row.year))
        sheet.text(r, 3, row.option)
        unmet = sheet.number(r, 4, row.unmet, "number")
        rate = sheet.number(r, 5, row.rate, "money", input_cell=True)
        sheet.formula(r, 6, "{0}*{1}*{2}", [unmet, rate, weeks],
                      lambda u, p, w: u * p * w, "money0")  # fmt: skip
        r += 1
    return r + 1


def _movement(sheet: LiveSheet, result: ShapeResult, r: int) -> int:
    moves = result.tables.get("movement")
    if moves is None:
        return r
    labels = ["Year (April to March)", "Event", "Unit", "Events", "Providers", "Capacity",
              "Unplanned", "Capacity change"]  # fmt: skip
    r = _header(sheet, r, "Market movement: entries, exits, closures and hand-backs", labels)
    for row in moves.itertuples(index=False):
        sheet.text(r, 0, _fy(row.year))
        sheet.text(r, 1, row.event.replace("_", "-"))
        sheet.text(r, 2, _unit(row.capacity_unit))
        sheet.number(r, 3, row.events, "integer")
        sheet.number(r, 4, row.providers, "integer")
        cap = sheet.number(r, 5, row.capacity, "number")
        sheet.number(r, 6, row.unplanned, "integer")
        sign = 1.0 if row.event == "entry" else -1.0
        sheet.formula(r, 7, f"{'' if sign > 0 else '-'}{{0}}", [cap],
                      lambda c, s=sign: s * c, "number")  # fmt: skip
        r += 1
    return r + 1


def _tiers(sheet: LiveSheet, result: ShapeResult, r: int) -> int:
    tiers = result.tables.get("tiers")
    if tiers is None or not len(tiers):
        return r
    r = _header(sheet, r, "Framework / DPS tiers and zones", ["Tier", "Zone", "Providers"])
    first = r
    for row in tiers.itertuples(index=False):
        sheet.text(r, 0, row.tier)
        sheet.text(r, 1, row.zone or "(borough-wide)")
        sheet.number(r, 2, row.providers, "integer")
        r += 1
    sheet.text(r, 0, "Total", "total_label")
    span = sheet.column_span(2, first, r - 1)
    sheet.formula(r, 2, "SUM({0})", [span], lambda v: sum(x for x in v if x), "integer")
    return r + 2


def _calendar(sheet: LiveSheet, result: ShapeResult, r: int) -> int:
    calendar = result.tables.get("calendar")
    if calendar is None:
        return r
    sheet.text(r, 0, "Calendar read on")
    on = sheet.date(r, 1, result.as_of)
    labels = ["Contract", "Name", "Ends", "Months left", "Lead time (months)",
              "Start recommissioning by", "Flagged", "Extended end", "Status"]  # fmt: skip
    r = _header(sheet, r + 1, "Contract calendar against the recommissioning lead time", labels)
    for row in calendar.itertuples(index=False):
        sheet.text(r, 0, row.contract_id)
        sheet.text(r, 1, row.name)
        end = sheet.date(r, 2, row.end)
        left = sheet.number(r, 3, row.months_left, "integer")
        lead = sheet.number(r, 4, row.lead_time_months, "integer", input_cell=True)
        sheet.date(r, 5, row.start_by)
        sheet.formula(
            r, 6, 'IF(AND({0}>={1},{2}<={3}),"FLAG","")', [end, on, left, lead],
            lambda e, o, m, t: "FLAG" if e >= o and m <= t else "", "warning",
        )  # fmt: skip
        sheet.date(r, 7, row.extended_end)
        sheet.text(r, 8, row.status.replace("_", " "))
        r += 1
    return r + 1


def _values(sheet: LiveSheet, result: ShapeResult, r: int) -> int:
    values = result.tables.get("contract_values")
    if values is None or not len(values):
        return r
    labels = ["Contract", "Year", "Year starts", "Uplift", "Fund", "Cash value", "Deflator",
              "Real value (year-1 prices)", "Rules applied"]  # fmt: skip
    r = _header(sheet, r, "Contract values over the term, in cash and in real terms", labels)
    first = r
    for row in values.itertuples(index=False):
        sheet.text(r, 0, row.contract)
        sheet.number(r, 1, row.year, "integer")
        sheet.date(r, 2, row.year_start)
        sheet.number(r, 3, row.uplift, "percent")
        sheet.number(r, 4, row.fund, "money0")
        cash = sheet.number(r, 5, row.cash_value, "money0")
        deflator = sheet.number(r, 6, row.deflator, "fraction")
        sheet.formula(r, 7, "{0}/{1}", [cash, deflator], lambda c, d: c / d, "money0")
        sheet.text(r, 8, row.methods)
        r += 1
    name = values["contract"].iloc[0]
    n = int((values["contract"] == name).sum())
    chart = sheet.book.workbook.add_chart({"type": "line"})
    for col, label, colour in ((5, "Cash", "#2F75B5"), (7, "Real terms", "#C55A11")):
        chart.add_series(
            {
                "name": label,
                "categories": [sheet.name, first, 1, first + n - 1, 1],
                "values": [sheet.name, first, col, first + n - 1, col],
                "line": {"color": colour},
                "marker": {"type": "circle"},
            }
        )
    chart.set_title({"name": f"{name}: value a year"})
    chart.set_y_axis({"num_format": "£#,##0", "min": 0})
    chart.set_x_axis({"name": "Contract year"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 560, "height": 280})
    sheet.ws.insert_chart(r + 1, 0, chart)  # below the table: covers nothing
    return r + 17


def _funding(sheet: LiveSheet, result: ShapeResult, r: int) -> int:
    gap = result.tables.get("funding_gap")
    if gap is None or not len(gap):
        return r
    labels = ["Option", "Year", "Service", "Spend", "Funding", "Gap (funding - spend)"]
    r = _header(sheet, r, "Medium-term profile against funding", labels)
    first = r
    cells: list[tuple[Cell, Cell]] = []
    for row in gap.itertuples(index=False):
        sheet.text(r, 0, row.option)
        sheet.text(r, 1, _fy(row.year))
        sheet.text(r, 2, row.service or "(all services)")
        spend = sheet.number(r, 3, row.spend, "money0")
        funding = sheet.number(r, 4, row.funding, "money0", input_cell=True)
        sheet.formula(r, 5, "{0}-{1}", [funding, spend], lambda f, s: f - s, "money0")
        cells.append((spend, funding))
        r += 1
    chart = sheet.book.workbook.add_chart({"type": "column"})
    option = gap["option"].iloc[0]
    n = int((gap["option"] == option).sum())
    for col, label, colour in ((3, f"Spend ({option})", "#2F75B5"), (4, "Funding", "#A9D08E")):
        chart.add_series(
            {
                "name": label,
                "categories": [sheet.name, first, 1, first + n - 1, 2],
                "values": [sheet.name, first, col, first + n - 1, col],
                "fill": {"color": colour},
            }
        )
    chart.set_title({"name": "Profile against funding"})
    chart.set_y_axis({"num_format": "£#,##0"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 480, "height": 280})
    sheet.ws.insert_chart(first - 2, 7, chart)
    return max(r + 1, first + 15)


def _nchc(sheet: LiveSheet, result: ShapeResult, r: int) -> int:
    rates = result.tables.get("nchc_rates")
    if rates is None:
        return r
    labels = ["Care category", "Rate a resident week", "From", "To", "Status", "Flags", "Source"]
    r = _header(sheet, r, "National Care Home Contract rates (Scotland)", labels)
    for row in rates.itertuples(index=False):
        sheet.text(r, 0, row.care_category)
        sheet.number(r, 1, row.rate_per_resident_week, "money")
        sheet.date(r, 2, pd.Timestamp(row.effective_from))
        sheet.date(r, 3, None if row.effective_to is None else pd.Timestamp(row.effective_to))
        sheet.text(r, 4, row.status)
        sheet.text(r, 5, row.flags)
        sheet.text(r, 6, row.source_title)
        r += 1
    return r + 1
