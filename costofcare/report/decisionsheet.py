"""The first sheet of the recommendation workbook: the decision summary.

The totals of every option first, then each service's options side by side, comparator
councils, the Monte Carlo range, the figures not yet confirmed, the main risks, and a chart
of each option's year-one cost (its axis from zero). The recommended rows link to the
service sheets, so they are the Summary's figures; the multi-year figures are formulas on
the year-one cells.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .decision import DecisionSummary
from .layout import fit_row
from .live import Cell, LiveSheet

#: (header, style, width) of the options table, columns A to L.
OPTION_HEADERS = (
    ("Option", None, 30),
    ("How the rate is set", None, 26),
    ("Rate offered (£ per unit)", "money", 12),
    ("Average rate paid (£ per unit)", "money", 12),
    ("Uplift on current spend", "percent1", 12),
    ("Year-one cost (£ a year)", "money0", 13),
    ("Cost over the years (£)", "money0", 13),
    ("Year one against the recommendation (£)", "money0", 15),
    ("Providers' costs behind the rate", "integer", 11),
    ("Providers whose cost it covers", None, 11),
    ("Share of units whose cost it covers", "percent0", 11),
    ("Why it differs from the recommendation", None, 52),
)
_WRAPPED = (0, 1, 9, 11)
MONTE_CARLO_NOTE = (
    "The scenario's inputs (such as inflation) are drawn many times; the rate offered is "
    "the median of the providers' costs at their 10th and 90th percentiles over the draws, "
    "costed as the options above."
)
_LAST_COL = len(OPTION_HEADERS) - 1


def _headers(sheet: LiveSheet, row: int, headers) -> None:
    for j, (label, _style, _chars) in enumerate(headers):
        sheet.text(row, j, label, "header")
    fit_row(sheet.ws, row, [(h[0], _width(j)) for j, h in enumerate(headers)], minimum=2)


def _paragraph(sheet: LiveSheet, row: int, text: str, style: str = "wrap") -> int:
    """``text`` across columns A to L, wrapped, its row tall enough. Returns the next row."""
    sheet.ws.merge_range(row, 0, row, _LAST_COL, "", sheet.book.fmt(style))
    sheet.text(row, 0, text, style)
    fit_row(sheet.ws, row, [(text, sum(h[2] for h in OPTION_HEADERS) * 1.1)])
    return row + 1


def _totals(sheet: LiveSheet, row: int, decision: DecisionSummary) -> int:
    sheet.text(row, 0, "All services: each option's cost", "heading")
    heads = (
        ("Option", None, 30),
        ("Markets priced", "integer", 26),
        ("Current spend (£ a year)", "money0", 12),
        ("Uplift on current spend", "percent1", 12),
        ("Year-one cost (£ a year)", "money0", 10),
        (f"Cost over {decision.horizon.years} years (£)", "money0", 13),
        ("Year one against the recommendation (£)", "money0", 13),
    )
    _headers(sheet, row + 1, heads)
    r = row + 1
    for total in decision.totals.itertuples(index=False):
        r += 1
        bold = total.option == "Recommended"
        sheet.text(r, 0, total.option, "bold" if bold else None)
        sheet.number(r, 1, total.services, "integer")
        sheet.number(r, 2, total.current_spend_annual, "money0")
        sheet.number(r, 3, total.uplift, "percent1")
        sheet.number(r, 4, total.year_one_impact, "money0")
        sheet.number(r, 5, total.multi_year_impact, "money0")
        sheet.number(r, 6, total.difference_from_recommended, "money0")
    return r + 2


def _service_block(
    sheet: LiveSheet, row: int, decision: DecisionSummary, service: str, links: Mapping
) -> int:
    title, method, effective, unit = decision.services[service]
    sheet.text(row, 0, f"{title}: £ per {unit}, from {effective}", "heading")
    _headers(sheet, row + 1, OPTION_HEADERS)
    r = row + 1
    factor = decision.horizon.factor
    rows = decision.options[decision.options["market"] == service]
    for opt in rows.itertuples(index=False):
        r += 1
        recommended = opt.kind == "recommended"
        sheet.text(r, 0, opt.option, "bold_wrap" if recommended else "wrap")
        sheet.text(r, 1, opt.how_set, "wrap")
        sheet.number(r, 2, opt.market_rate, "money")
        sheet.number(r, 3, opt.average_rate, "money")
        sheet.number(r, 4, opt.uplift, "percent1")
        impact = links.get(service) if recommended else None
        if impact is not None:
            year_one = sheet.formula(r, 5, "{0}", [impact], lambda v: v, "money0")
        else:
            year_one = sheet.number(r, 5, opt.year_one_impact, "money0")
        sheet.formula(r, 6, f"{{0}}*{factor!r}", [year_one], lambda v: v * factor, "money0")
        sheet.number(r, 7, opt.difference_from_recommended, "money0")
        sheet.number(r, 8, opt.providers_costed, "integer")
        covered = f"{opt.providers_covered} of {opt.providers_compared}"
        sheet.text(r, 9, covered, "centre_wrap")
        sheet.number(r, 10, opt.covered_volume_share, "percent0")
        sheet.text(r, 11, opt.basis, "wrap")
        fit_row(
            sheet.ws,
            r,
            [
                (str(v), OPTION_HEADERS[j][2])
                for j, v in zip(
                    _WRAPPED, (opt.option, opt.how_set, covered, opt.basis), strict=True
                )
            ],
        )
    return r + 2


def _width(col: int, last: int | None = None) -> float:
    """Characters across columns ``col`` to ``last`` (one column when ``last`` is None)."""
    return sum(h[2] for h in OPTION_HEADERS[col : (col if last is None else last) + 1])


def _simple_table(
    sheet: LiveSheet, row: int, heading: str, labels, records, *, merge_last: bool = True
) -> int:
    """A heading, a header row and rows of (value, style) pairs, the last column (text)
    merged across to column L unless ``merge_last`` is false. Returns the next free row."""
    sheet.text(row, 0, heading, "heading")
    last = len(labels) - 1 if merge_last else _LAST_COL + 1
    for j, label in enumerate(labels):
        sheet.text(row + 1, j, label, "header")
    if merge_last:
        sheet.ws.merge_range(row + 1, last, row + 1, _LAST_COL, "", sheet.book.fmt("header"))
        sheet.text(row + 1, last, labels[last], "header")
    fit_row(sheet.ws, row + 1, [(t, _width(j)) for j, t in enumerate(labels)], minimum=2)
    r = row + 1
    for record in records:
        r += 1
        if merge_last:
            sheet.ws.merge_range(r, last, r, _LAST_COL, "", sheet.book.fmt("wrap"))
        cells = []
        for j, (value, style) in enumerate(record):
            if style is None:
                sheet.text(r, j, value, "wrap")
                cells.append((str(value), _width(j, _LAST_COL if j == last else None)))
            else:
                sheet.number(r, j, value, style)
        fit_row(sheet.ws, r, cells)
    return r + 2


def _comparators(sheet: LiveSheet, row: int, decision: DecisionSummary) -> int:
    table = decision.comparators
    if table is None:
        return _paragraph(sheet, row, "No comparator councils' rates were given.") + 1
    labels = (
        "Service",
        "Compared with",
        "Councils",
        "Lowest (£)",
        "Median (£)",
        "Highest (£)",
        "Our average rate (£)",
        "Councils paying less",
        "Councils compared",
    )
    records = [
        [
            (decision.services[c.market][0], None),
            (c.compared_with, None),
            (c.count, "integer"),
            (c.lowest, "money"),
            (c.median, "money"),
            (c.highest, "money"),
            (c.our_rate, "money"),
            (c.below_ours, "integer"),
            (c.authorities, None),
        ]
        for c in table.itertuples(index=False)
    ]
    return _simple_table(
        sheet,
        row,
        "Comparator councils: fees and maximum rates, rolled forward to the target period",
        labels,
        records,
    )


def _monte_carlo(sheet: LiveSheet, row: int, decision: DecisionSummary) -> int:
    table = decision.monte_carlo
    if table is None:
        return row
    labels = (
        "Service",
        "Scenario drawn",
        "Providers",
        "Rate P10 (£)",
        "Rate median (£)",
        "Rate P90 (£)",
        "Year-one cost P10 (£)",
        "Year-one cost P90 (£)",
    )
    records = [
        [
            (decision.services[m.market][0], None),
            (m.scenario, None),
            (m.providers, "integer"),
            (m.rate_low, "money"),
            (m.rate_median, "money"),
            (m.rate_high, "money"),
            (m.year_one_low, "money0"),
            (m.year_one_high, "money0"),
        ]
        for m in table.itertuples(index=False)
    ]
    r = _simple_table(
        sheet,
        row,
        "Monte Carlo range: the drawn scenario's option, P10 to P90",
        labels,
        records,
        merge_last=False,
    )
    return _paragraph(sheet, r - 1, MONTE_CARLO_NOTE) + 1


def _flagged(sheet: LiveSheet, row: int, decision: DecisionSummary) -> int:
    sheet.text(row, 0, "Assumptions to note", "heading")
    r = row + 1
    lines = [f"Costs {decision.horizon.describe()}."]
    table = decision.non_confirmed
    if table is None or table.empty:
        lines.append("Every dated figure the run used is confirmed (set in law or final).")
    else:
        for f in table.to_dict("records"):
            lines.append(
                f"{str(f['status']).capitalize()}: {f['name']} = {f['value']:g} {f['unit']} "
                f"from {pd.Timestamp(f['effective_from']):%d %B %Y} "
                f"(source: {f.get('source_title') or 'not given'})."
            )
    for line in lines:
        r = _paragraph(sheet, r, line)
    return r + 1


def decision_sheet(
    sheet: LiveSheet, decision: DecisionSummary, impacts: Mapping[str, Cell]
) -> None:
    """Write the decision summary on ``sheet``; ``impacts`` maps each service to the cell of
    its recommended budget impact a year (the recommended rows link to it)."""
    for j, (_label, _style, width) in enumerate(OPTION_HEADERS):
        sheet.ws.set_column(j, j, width)
    heading = f"{decision.council}: {decision.title}" if decision.council else decision.title
    sheet.text(0, 0, heading, "title")
    r = _paragraph(
        sheet,
        1,
        "Every option is costed on one basis: the providers the council pays today, at "
        f"their commissioned units a week, for a year; costs {decision.horizon.describe()}. "
        "A scenario offers one rate, the median of local costs under it, and cuts no one's "
        "rate. 'Covers' counts providers whose cost, rolled forward to the target period, "
        "the rate meets.",
        "subtitle_wrap",
    )
    r = _totals(sheet, r + 1, decision)
    chart_row = r
    r += 16
    for service in decision.services:
        r = _service_block(sheet, r, decision, service, impacts)
    r = _comparators(sheet, r, decision)
    r = _monte_carlo(sheet, r, decision)
    r = _flagged(sheet, r, decision)
    sheet.text(r, 0, "Main risks", "heading")
    r += 1
    for line in decision.risks or ["No particular risks were found."]:
        r = _paragraph(sheet, r, f"• {line}")
    if len(decision.totals):
        first = chart_row - 1 - len(decision.totals)  # the totals table's first option
        sheet.ws.insert_chart(chart_row, 0, _chart(sheet, decision, first))
    sheet.print_setup()


def _chart(sheet: LiveSheet, decision: DecisionSummary, first: int):
    """Each option's year-one cost, all services (bars from zero)."""
    chart = sheet.book.workbook.add_chart({"type": "bar"})
    last = first + len(decision.totals) - 1
    chart.add_series(
        {
            "name": "Year-one cost",
            "categories": [sheet.name, first, 0, last, 0],
            "values": [sheet.name, first, 4, last, 4],
            "fill": {"color": "#2F75B5"},
            "data_labels": {"value": True, "num_format": '£#,##0.0,,"m"'},
        }
    )
    chart.set_title({"name": "Year-one cost of each option, all services"})
    chart.set_x_axis({"num_format": '£#,##0.0,,"m"', "min": 0})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_size({"width": 900, "height": 300})
    return chart
