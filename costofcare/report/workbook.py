"""The recommendation workbook.

Sheets: Summary; one sheet per service type (inputs, the wage floor calculation, results,
reasoning, and the provider-by-provider calculation); Providers; Benchmarks; Scenarios;
Assumptions (every parameter with its date and source, every config choice); Data quality (the
ingest issues); Method notes.

Numbers that follow from others are live formulas pointing at the input cells (shaded), each
written with the value computed here, so the file reads correctly with or without
recalculation. The values come from the same arithmetic as :mod:`costofcare.recommend`, and
the tests check that LibreOffice, recalculating every formula, agrees with both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..costs.oncosts import employer_ni_annual, employer_pension_annual
from ..costs.wagefloor import WageFloor
from ..recommend.engine import ServiceRecommendation
from ..recommend.excel import COMPARE_DIGITS as DIGITS
from ..recommend.excel import exceeds, percentile_inc, round_half_up
from .live import Cell, LiveBook, LiveSheet
from .notes import METHOD_NOTES

SERVICE_TITLES = {
    "home_care": "Home care",
    "care_home": "Care homes",
    "supported_living": "Supported living",
}

PROVIDER_COLUMNS = (
    ("provider", "Provider", None, 28),
    ("current_rate", "Current rate", "money", 11),
    ("volume_per_week", "Units a week", "number", 10),
    ("staffing", "Staffing cost", "money", 10),
    ("non_staffing", "Non-staffing cost", "money", 10),
    ("return", "Return", "money", 10),
    ("other", "Other cost", "money", 10),
    ("total", "Total cost", "money", 10),
    ("rolled_cost", "Cost rolled forward", "money", 11),
    ("method_rate", "Method rate", "money", 11),
    ("method_uplift", "Method uplift", "percent", 10),
    ("allowed_uplift", "Allowed uplift", "percent", 10),
    ("guarded_rate", "Rate after guardrails", "money4", 12),
    ("proposed_rate", "Proposed rate", "money", 11),
    ("uplift", "Uplift", "percent", 9),
    ("binding", "Guardrail that binds", None, 14),
    ("current_spend_annual", "Current spend a year", "money0", 14),
    ("proposed_spend_annual", "Proposed spend a year", "money0", 14),
    ("impact_annual", "Change a year", "money0", 13),
)
COL = {key: i for i, (key, *_rest) in enumerate(PROVIDER_COLUMNS)}


def _sum(span) -> float:
    return float(sum(v for v in span if isinstance(v, int | float) and not isinstance(v, bool)))


def _count(span) -> int:
    return sum(1 for v in span if isinstance(v, int | float) and not isinstance(v, bool))


@dataclass
class ServiceCells:
    """Cells of a service sheet that other sheets point at."""

    sheet: str
    results: dict[str, Cell] = field(default_factory=dict)
    rows: dict[str, dict[str, Cell]] = field(default_factory=dict)  # provider -> column -> cell


class _Inputs:
    """Writes label | value | unit | source rows down a sheet."""

    def __init__(self, sheet: LiveSheet, row: int):
        self.sheet = sheet
        self.row = row

    def heading(self, text: str) -> None:
        self.row += 1
        self.sheet.text(self.row, 0, text, "heading")
        self.row += 1

    def _label(self, label: str, unit: str, source: str) -> None:
        self.sheet.text(self.row, 0, label)
        if unit:
            self.sheet.text(self.row, 2, unit, "subtitle")
        if source:
            self.sheet.text(self.row, 3, source, "subtitle")

    def number(
        self, label: str, value: float, style: str, unit: str = "", source: str = ""
    ) -> Cell:
        self._label(label, unit, source)
        cell = self.sheet.number(self.row, 1, value, style, input_cell=True)
        self.row += 1
        return cell

    def text(self, label: str, value: str, source: str = "") -> Cell:
        self._label(label, "", source)
        cell = self.sheet.text(self.row, 1, value)
        self.row += 1
        return cell

    def date(self, label: str, value, source: str = "") -> Cell:
        self._label(label, "", source)
        cell = self.sheet.date(self.row, 1, value, input_cell=True)
        self.row += 1
        return cell

    def formula(
        self, label: str, template: str, args, compute, style: str, unit: str = "", note: str = ""
    ) -> Cell:
        self._label(label, unit, note)
        cell = self.sheet.formula(self.row, 1, template, args, compute, style)
        self.row += 1
        return cell

    def linked(
        self,
        label: str,
        name: str,
        value: float,
        style: str,
        unit: str,
        assumptions: Mapping[str, Cell],
        source: str,
    ) -> Cell:
        """The parameter's cell on the Assumptions sheet when it holds this value, else an input."""
        target = assumptions.get(name)
        if target is not None and target.value is not None and abs(target.value - value) < 1e-12:
            return self.formula(
                label, "{0}", [target], lambda x: x, style, unit, f"{name} (Assumptions)"
            )
        return self.number(label, value, style, unit, source)


# ---------------------------------------------------------------------- service sheet
def _wage_floor_block(
    ins: _Inputs, floor: WageFloor, weeks: Cell, assumptions: Mapping[str, Cell]
) -> Cell:
    names = floor.parameter_names()
    on = f"in force on {floor.on}" if floor.on else ""

    def link(label, key, style, unit):
        value = getattr(floor, key)
        name = names.get(key)
        if name is None:
            return ins.number(label, value, style, unit, "config")
        return ins.linked(label, name, value, style, unit, assumptions, f"{name} {on}")

    ins.heading("Wage floor: the cost of paying the legal minimum wage with statutory on-costs")
    wage = link("Minimum wage", "wage_per_hour", "money", "GBP/hour")
    hours = ins.number(
        "Paid hours a week (a typical worker)",
        floor.paid_hours_per_week,
        "number",
        "hours/week",
        "config",
    )
    holiday = link("Statutory holiday", "holiday_weeks", "number", "weeks/year")
    ni_rate = link("Employer NI rate", "employer_ni_rate", "percent", "fraction")
    ni_threshold = link(
        "Employer NI secondary threshold", "employer_ni_threshold_annual", "money0", "GBP/year"
    )
    p_rate = link("Employer pension, minimum", "pension_employer_rate", "percent", "fraction")
    p_lower = link("Qualifying earnings, lower limit", "pension_lower_annual", "money0", "GBP/year")
    p_upper = link("Qualifying earnings, upper limit", "pension_upper_annual", "money0", "GBP/year")
    p_trigger = link(
        "Auto-enrolment earnings trigger", "pension_trigger_annual", "money0", "GBP/year"
    )
    per_unit = ins.number(
        "Worked hours per unit of service",
        floor.paid_hours_per_unit,
        "number",
        "hours/unit",
        "config",
    )
    gross = ins.formula(
        "Gross pay a year (holiday pay included)",
        "{0}*{1}*{2}",
        [wage, hours, weeks],
        lambda w, h, k: w * h * k,
        "money",
        "GBP/year",
    )
    ni = ins.formula(
        "Employer NI a year",
        "{0}*MAX(0,{1}-{2})",
        [ni_rate, gross, ni_threshold],
        lambda r, g, t: float(employer_ni_annual(g, r, t)),
        "money",
        "GBP/year",
    )
    pension = ins.formula(
        "Employer pension a year",
        "IF({0}>={1},{2}*MAX(0,MIN({0},{3})-{4}),0)",
        [gross, p_trigger, p_rate, p_upper, p_lower],
        lambda g, trig, r, up, lo: float(employer_pension_annual(g, r, lo, up, trig)),
        "money",
        "GBP/year",
    )
    per_hour = ins.formula(
        "Cost per hour worked",
        "({0}+{1}+{2})/({3}*({4}-{5}))",
        [gross, ni, pension, hours, weeks, holiday],
        lambda g, n, p, h, k, hol: (g + n + p) / (h * (k - hol)),
        "money4",
        "GBP/hour",
    )
    return ins.formula(
        "Wage floor cost per unit",
        "{0}*{1}",
        [per_hour, per_unit],
        lambda c, u: c * u,
        "money4",
        "GBP/unit",
        "no rate may be below this",
    )


def _service_sheet(
    sheet: LiveSheet, rec: ServiceRecommendation, assumptions: Mapping[str, Cell]
) -> ServiceCells:
    config = rec.config
    out = ServiceCells(sheet.name)
    title = SERVICE_TITLES.get(rec.service, rec.service)
    sheet.text(0, 0, f"{title}: recommended rate per {rec.unit}", "title")
    sheet.text(
        1,
        0,
        f"Method: {rec.method}. Shaded cells are inputs; change them and the "
        "rest recalculates (a budget fit's solved uplift is not re-solved).",
        "subtitle",
    )
    ins = _Inputs(sheet, 2)
    ins.heading("Inputs")
    ins.date("Effective date", config.effective_date, "config")
    weeks = ins.number("Weeks a year", config.weeks_per_year, "number", "weeks", "config")
    wage = rec.resolved.wage_change
    price = rec.resolved.price_change
    wage_cell = ins.number(
        "Wage change (staffing costs)",
        wage.value if wage else 0.0,
        "percent",
        "fraction",
        wage.source if wage else "not used by this method",
    )
    price_cell = ins.number(
        "Price change (other costs)",
        price.value if price else 0.0,
        "percent",
        "fraction",
        price.source if price else "not used by this method",
    )
    umin = umax = None
    if config.uplift_min is not None:
        umin = ins.number(
            "Smallest uplift allowed", config.uplift_min, "percent", "fraction", "config"
        )
    if config.uplift_max is not None:
        umax = ins.number(
            "Largest uplift allowed", config.uplift_max, "percent", "fraction", "config"
        )

    floor = None
    if rec.resolved.wage_floor is not None:
        floor = _wage_floor_block(ins, rec.resolved.wage_floor, weeks, assumptions)
    elif rec.resolved.floor_rate is not None:
        floor = ins.number(
            "Wage floor cost per unit",
            rec.resolved.floor_rate.value,
            "money4",
            "GBP/unit",
            rec.resolved.floor_rate.source,
        )
    if floor is not None:
        out.results["floor_rate"] = floor

    ins.heading("Method")
    target_row = None
    percentile = index_uplift = fitted = envelope = None
    if rec.method == "percentile":
        percentile = ins.number(
            "Percentile of the local cost of care",
            config.percentile,
            "fraction",
            "fraction",
            "config (0.5 = median)",
        )
        target_row = ins.row
        ins.row += 1
    elif rec.method == "weighted_index":
        f = rec.figures["staffing_share"]
        share = ins.number("Staffing share of cost", f.value, "percent", "fraction", f.source)
        index_uplift = ins.formula(
            "Weighted index uplift",
            "{0}*{1}+(1-{0})*{2}",
            [share, wage_cell, price_cell],
            lambda s, w, c: s * w + (1.0 - s) * c,
            "percent",
            "fraction",
            "staffing share × wage change + (1 − share) × price change",
        )
    elif rec.method == "bottom_up":
        ins.text("Scenario", str(config.scenario), "config")
        f = rec.figures["target_rate"]
        target = ins.number("Target rate", f.value, "money4", f"GBP per {rec.unit}", f.source)
        out.results["target_rate"] = target
    else:
        envelope = ins.number(
            "Budget envelope a year", rec.fit.envelope_annual, "money0", "GBP/year", "config"
        )
        pence = rec.fit.share == "pence"
        fitted = ins.number(
            "Fitted share" if pence else "Fitted uplift",
            rec.fit.value,
            "money4" if pence else "percent4",
            f"GBP per {rec.unit}" if pence else "fraction",
            f"solved with scipy.optimize.brentq ({rec.fit.status}); change it by hand to explore",
        )

    ins.heading("Results")
    results_row = ins.row
    result_labels = [
        ("providers", "Providers with a current rate", "integer", "count"),
        ("volume_annual", "Units bought a year", "integer", "units/year"),
        ("current_spend_annual", "Current spend a year", "money0", "GBP/year"),
        ("proposed_spend_annual", "Proposed spend a year", "money0", "GBP/year"),
        ("budget_impact_annual", "Budget impact a year", "money0", "GBP/year"),
        ("average_current_rate", "Average current rate", "money", f"GBP per {rec.unit}"),
        ("average_proposed_rate", "Average proposed rate", "money", f"GBP per {rec.unit}"),
        ("uplift", "Uplift (weighted by volume)", "percent", "fraction"),
    ]
    if envelope is not None:
        result_labels.append(
            ("envelope_gap_annual", "Envelope less proposed spend", "money0", "GBP/year")
        )
    ins.row += len(result_labels)

    ins.heading("Reasoning")
    for line in rec.reasoning:
        sheet.text(ins.row, 0, line)
        ins.row += 1

    # --------------------------------------------------------------- provider table
    ins.heading("Provider by provider")
    header_row = ins.row
    for j, (_key, label, _style, width) in enumerate(PROVIDER_COLUMNS):
        sheet.text(header_row, j, label, "header")
        sheet.ws.set_column(j, j, width)
    sheet.ws.set_column(0, 0, 42)
    sheet.ws.set_column(3, 3, 16)
    providers = rec.providers.reset_index(drop=True)
    first = header_row + 1
    last = header_row + len(providers)
    c = COL
    cells_by_row: list[dict[str, Cell]] = []
    for i, row in providers.iterrows():
        r = first + i
        cells: dict[str, Cell] = {}
        cells["provider"] = sheet.text(r, c["provider"], row["provider"])
        cells["current_rate"] = sheet.number(
            r, c["current_rate"], row["current_rate"], "money", input_cell=True
        )
        vol = row["volume_per_week"]
        if pd.notna(row["current_rate"]) and pd.isna(vol):
            vol = 0.0
        cells["volume_per_week"] = sheet.number(
            r, c["volume_per_week"], vol, "number", input_cell=True
        )
        for key in ("staffing", "non_staffing", "return", "other"):
            value = row[key] if pd.notna(row["total"]) else None
            cells[key] = sheet.number(r, c[key], value, "money")
        if pd.notna(row["total"]):
            parts = [cells["staffing"], cells["non_staffing"], cells["return"], cells["other"]]
            cells["total"] = sheet.formula(
                r,
                c["total"],
                "SUM({0})",
                [sheet.span(parts[0], parts[-1])],
                lambda s: _sum(s),
                "money",
            )
            cells["rolled_cost"] = sheet.formula(
                r,
                c["rolled_cost"],
                "{0}*(1+{4})+({1}+{3})*(1+{5})+{2}*IF({0}+{1}+{3}>0,"
                "({0}*(1+{4})+({1}+{3})*(1+{5}))/({0}+{1}+{3}),1)",
                [*parts, wage_cell, price_cell],
                _rolled,
                "money",
            )
        cells_by_row.append(cells)

    if target_row is not None:  # percentile: the target is a formula over the rolled costs
        rolled = sheet.column_span(c["rolled_cost"], first, last)
        ins.row, saved = target_row, ins.row
        out.results["target_rate"] = ins.formula(
            "Target rate (percentile of rolled costs)",
            "PERCENTILE.INC({0},{1})",
            [rolled, percentile],
            lambda v, p: percentile_inc([x for x in v if x is not None], p),
            "money4",
            f"GBP per {rec.unit}",
        )
        ins.row = saved
    target = out.results.get("target_rate")

    for i, row in providers.iterrows():
        if pd.isna(row["current_rate"]):
            continue
        r = first + i
        cells = cells_by_row[i]
        cur = cells["current_rate"]
        if rec.method in ("percentile", "bottom_up"):
            method = sheet.formula(r, c["method_rate"], "{0}", [target], lambda t: t, "money")
        elif rec.method == "weighted_index":
            method = sheet.formula(
                r,
                c["method_rate"],
                "{0}*(1+{1})",
                [cur, index_uplift],
                lambda x, u: x * (1 + u),
                "money",
            )
        elif rec.method == "budget_uniform" or floor is None:
            method = sheet.formula(
                r, c["method_rate"], "{0}*(1+{1})", [cur, fitted], lambda x, u: x * (1 + u), "money"
            )
        elif rec.fit.share == "pence":
            method = sheet.formula(
                r,
                c["method_rate"],
                "MAX({0},{1})+{2}",
                [cur, floor, fitted],
                lambda x, f, d: max(x, f) + d,
                "money",
            )
        else:
            method = sheet.formula(
                r,
                c["method_rate"],
                "MAX({0},{1})*(1+{2})",
                [cur, floor, fitted],
                lambda x, f, u: max(x, f) * (1 + u),
                "money",
            )
        m_up = sheet.formula(
            r, c["method_uplift"], "{0}/{1}-1", [method, cur], lambda m, x: m / x - 1, "percent"
        )
        allowed = _allowed_uplift(sheet, r, c["allowed_uplift"], m_up, umin, umax)
        if floor is not None:
            guarded = sheet.formula(
                r,
                c["guarded_rate"],
                "MAX({0}*(1+{1}),{2})",
                [cur, allowed, floor],
                lambda x, a, f: max(x * (1 + a), f),
                "money4",
            )
        else:
            guarded = sheet.formula(
                r,
                c["guarded_rate"],
                "{0}*(1+{1})",
                [cur, allowed],
                lambda x, a: x * (1 + a),
                "money4",
            )
        proposed = sheet.formula(
            r, c["proposed_rate"], "ROUND({0},2)", [guarded], lambda g: round_half_up(g, 2), "money"
        )
        sheet.formula(
            r, c["uplift"], "{0}/{1}-1", [proposed, cur], lambda p, x: p / x - 1, "percent"
        )
        _binding(sheet, r, c["binding"], cur, allowed, m_up, floor, umin, umax)
        vol = cells["volume_per_week"]
        cs = sheet.formula(
            r,
            c["current_spend_annual"],
            "{0}*{1}*{2}",
            [cur, vol, weeks],
            lambda x, v, k: x * v * k,
            "money0",
        )
        ps = sheet.formula(
            r,
            c["proposed_spend_annual"],
            "{0}*{1}*{2}",
            [proposed, vol, weeks],
            lambda x, v, k: x * v * k,
            "money0",
        )
        sheet.formula(r, c["impact_annual"], "{0}-{1}", [ps, cs], lambda a, b: a - b, "money0")
        cells.update(proposed_rate=proposed, current_spend_annual=cs, proposed_spend_annual=ps)
        out.rows[str(row["provider"])] = cells
    for i, row in providers.iterrows():
        out.rows.setdefault(str(row["provider"]), cells_by_row[i])
    sheet.ws.autofilter(header_row, 0, max(last, header_row + 1), len(PROVIDER_COLUMNS) - 1)
    sheet.ws.freeze_panes(header_row + 1, 1)

    # --------------------------------------------------------------- results (live)
    col = lambda key: sheet.column_span(c[key], first, last)  # noqa: E731
    ins.row = results_row
    res = out.results
    res["providers"] = ins.formula(
        "Providers with a current rate",
        "COUNT({0})",
        [col("current_rate")],
        lambda s: _count(s),
        "integer",
        "count",
    )
    res["volume_annual"] = ins.formula(
        "Units bought a year",
        "SUM({0})*{1}",
        [col("volume_per_week"), weeks],
        lambda s, k: _sum(s) * k,
        "integer",
        "units/year",
    )
    res["current_spend_annual"] = ins.formula(
        "Current spend a year",
        "SUM({0})",
        [col("current_spend_annual")],
        _sum,
        "money0",
        "GBP/year",
    )
    res["proposed_spend_annual"] = ins.formula(
        "Proposed spend a year",
        "SUM({0})",
        [col("proposed_spend_annual")],
        _sum,
        "money0",
        "GBP/year",
    )
    res["budget_impact_annual"] = ins.formula(
        "Budget impact a year",
        "{0}-{1}",
        [res["proposed_spend_annual"], res["current_spend_annual"]],
        lambda a, b: a - b,
        "money0",
        "GBP/year",
    )
    res["average_current_rate"] = ins.formula(
        "Average current rate",
        "{0}/{1}",
        [res["current_spend_annual"], res["volume_annual"]],
        lambda a, b: a / b,
        "money",
        f"GBP per {rec.unit}",
        "weighted by volume",
    )
    res["average_proposed_rate"] = ins.formula(
        "Average proposed rate",
        "{0}/{1}",
        [res["proposed_spend_annual"], res["volume_annual"]],
        lambda a, b: a / b,
        "money",
        f"GBP per {rec.unit}",
        "weighted by volume",
    )
    res["uplift"] = ins.formula(
        "Uplift (weighted by volume)",
        "{0}/{1}-1",
        [res["proposed_spend_annual"], res["current_spend_annual"]],
        lambda a, b: a / b - 1,
        "percent",
        "fraction",
    )
    if envelope is not None:
        res["envelope_gap_annual"] = ins.formula(
            "Envelope less proposed spend",
            "{0}-{1}",
            [envelope, res["proposed_spend_annual"]],
            lambda a, b: a - b,
            "money0",
            "GBP/year",
            "positive: unspent; negative: over budget",
        )
    sheet.ws.set_column(1, 1, 16)
    sheet.ws.set_column(2, 2, 14)
    _rate_chart(sheet, rec, first, last)
    sheet.print_setup(repeat_rows=(header_row, header_row))
    return out


def _rolled(s, n, ret, o, w, p):
    s, n, ret, o = (0.0 if v is None else v for v in (s, n, ret, o))
    before = s + n + o
    after = s * (1 + w) + (n + o) * (1 + p)
    return after + ret * (after / before if before > 0 else 1.0)


def _allowed_uplift(sheet: LiveSheet, r: int, col: int, m_up: Cell, umin, umax) -> Cell:
    if umin is not None and umax is not None:
        return sheet.formula(
            r,
            col,
            "MIN(MAX({0},{1}),{2})",
            [m_up, umin, umax],
            lambda m, lo, hi: min(max(m, lo), hi),
            "percent",
        )
    if umin is not None:
        return sheet.formula(
            r, col, "MAX({0},{1})", [m_up, umin], lambda m, lo: max(m, lo), "percent"
        )
    if umax is not None:
        return sheet.formula(
            r, col, "MIN({0},{1})", [m_up, umax], lambda m, hi: min(m, hi), "percent"
        )
    return sheet.formula(r, col, "{0}", [m_up], lambda m: m, "percent")


def _binding(sheet: LiveSheet, r: int, col: int, cur, allowed, m_up, floor, umin, umax) -> Cell:
    """Which guardrail binds, as a formula; precedence as in ``apply_guardrails``."""
    tests = []  # (condition template over args, args, python test, label)
    if floor is not None:
        tests.append(
            (
                f"ROUND({{2}}-{{0}}*(1+{{1}}),{DIGITS})>0",
                [cur, allowed, floor],
                lambda x, a, f: exceeds(f, x * (1 + a)),
                "wage floor",
            )
        )
    if umin is not None:
        tests.append(
            (
                f"ROUND({{1}}-{{0}},{DIGITS})>0",
                [m_up, umin],
                lambda m, lo: exceeds(lo, m),
                "uplift floor",
            )
        )
    if umax is not None:
        tests.append(
            (
                f"ROUND({{0}}-{{1}},{DIGITS})>0",
                [m_up, umax],
                lambda m, hi: exceeds(m, hi),
                "uplift cap",
            )
        )
    if not tests:
        return sheet.text(r, col, "")
    args: list[Cell] = []
    template = '""'
    for cond, cargs, _test, label in reversed(tests):
        shifted = cond.format(*[f"{{{len(args) + k}}}" for k in range(len(cargs))])
        args.extend(cargs)
        template = f'IF({shifted},"{label}",{template})'
    sizes = [len(t[1]) for t in tests]

    def compute(*values):
        # args were appended in reverse order of precedence
        chunks, k = [], 0
        for size in reversed(sizes):
            chunks.append(values[k : k + size])
            k += size
        for (_cond, _a, test, label), chunk in zip(tests, reversed(chunks), strict=True):
            if test(*chunk):
                return label
        return ""

    return sheet.formula(r, col, template, args, compute)


def _rate_chart(sheet: LiveSheet, rec: ServiceRecommendation, first: int, last: int) -> None:
    chart = sheet.book.workbook.add_chart({"type": "column"})
    name = sheet.name
    for key, label, colour in (
        ("current_rate", "Current rate", "#9BC2E6"),
        ("proposed_rate", "Proposed rate", "#2F75B5"),
    ):
        chart.add_series(
            {
                "name": label,
                "categories": [name, first, COL["provider"], last, COL["provider"]],
                "values": [name, first, COL[key], last, COL[key]],
                "fill": {"color": colour},
            }
        )
    chart.set_title({"name": f"Current and proposed rate per {rec.unit}"})
    chart.set_y_axis({"num_format": "£#,##0.00", "name": f"GBP per {rec.unit}"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 320})
    sheet.ws.insert_chart(last + 2, 0, chart)  # below the provider table: covers nothing


# ---------------------------------------------------------------------- other sheets
def _summary_sheet(sheet: LiveSheet, recs, services: dict[str, ServiceCells], title: str) -> None:
    sheet.text(0, 0, title, "title")
    sheet.text(
        1,
        0,
        f"Written {date.today():%d %B %Y}. Each figure links to its service sheet.",
        "subtitle",
    )
    headers = [
        ("Service", None, 18),
        ("Method", None, 18),
        ("Effective", "date", 11),
        ("Providers", "integer", 9),
        ("Unit", None, 13),
        ("Average current rate", "money", 12),
        ("Average proposed rate", "money", 12),
        ("Uplift", "percent", 9),
        ("Current spend a year", "money0", 15),
        ("Proposed spend a year", "money0", 15),
        ("Budget impact a year", "money0", 15),
    ]
    hr = 3
    for j, (label, _s, width) in enumerate(headers):
        sheet.text(hr, j, label, "header")
        sheet.ws.set_column(j, j, width)
    link = lambda v: v  # noqa: E731
    impacts, current, proposed = [], [], []
    r = hr
    for service, rec in recs.items():
        r += 1
        cells = services[service].results
        sheet.text(r, 0, SERVICE_TITLES.get(service, service))
        sheet.text(r, 1, rec.method)
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
    if recs:
        total = r + 1
        sheet.text(total, 0, "All services", "total_label")
        for j, cells in ((8, current), (9, proposed), (10, impacts)):
            sheet.formula(
                total, j, "SUM({0})", [sheet.span(cells[0], cells[-1])], _sum, "total_money0"
            )
        chart = sheet.book.workbook.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": "Budget impact a year",
                "categories": [sheet.name, hr + 1, 0, r, 0],
                "values": [sheet.name, hr + 1, 10, r, 10],
                "fill": {"color": "#2F75B5"},
            }
        )
        chart.set_title({"name": "Budget impact a year by service"})
        chart.set_x_axis({"num_format": "£#,##0"})
        chart.set_legend({"none": True})
        sheet.ws.insert_chart(total + 2, 0, chart)
    sheet.ws.freeze_panes(hr + 1, 1)
    sheet.print_setup()


def _providers_sheet(sheet: LiveSheet, recs, services: dict[str, ServiceCells]) -> None:
    headers = [
        ("Service", None, 18),
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


def _table_sheet(sheet: LiveSheet, title: str, df: pd.DataFrame | None, empty: str) -> None:
    sheet.text(0, 0, title, "title")
    if df is None or df.empty:
        sheet.text(2, 0, empty)
        return
    styles = {
        name: ("number" if pd.api.types.is_float_dtype(df[name]) else None) for name in df.columns
    }
    sheet.frame(2, 0, df, styles=styles)
    for j, name in enumerate(df.columns):
        sheet.ws.set_column(j, j, min(60, max(10, len(str(name)) + 2)))
    sheet.print_setup(repeat_rows=(2, 2))


_SPREAD = (
    ("p10", "P10"),
    ("lower_quartile", "Lower quartile"),
    ("p25", "Lower quartile"),
    ("median", "Median"),
    ("upper_quartile", "Upper quartile"),
    ("p75", "Upper quartile"),
    ("p90", "P90"),
)


def _benchmark_charts(sheet: LiveSheet, df: pd.DataFrame | None, header_row: int = 2) -> None:
    """Below the market table: each service's total cost per unit across providers, linked
    to the table's cells, and a chart of its spread (one per service: units differ)."""
    if df is None or df.empty or not {"service", "cost_line"} <= set(df.columns):
        return
    spread = [(c, label) for c, label in _SPREAD if c in df.columns]
    if not spread:
        return
    if "level" in df.columns:
        total = (df["level"] == "total").to_numpy()
    else:
        total = (df["cost_line"].astype(str).str.strip().str.casefold() == "total").to_numpy()
    for column, keep in (("weighting", "unweighted"), ("outliers", "included")):
        if column in df.columns:
            total = total & (df[column] == keep).to_numpy()
    columns = {name: j for j, name in enumerate(df.columns)}
    picks: dict[str, int] = {}
    for position in np.flatnonzero(total):
        picks.setdefault(str(df["service"].iloc[position]), int(position))
    if not picks:
        return
    top = header_row + len(df) + 3
    sheet.text(
        top, 0, "Total cost per unit across providers (unweighted, outliers included)", "heading"
    )
    heads = ["Service", "Unit", "Providers", *[label for _, label in spread]]
    for j, label in enumerate(heads):
        sheet.text(top + 1, j, label, "header")
    link = lambda v: v  # noqa: E731
    first_q = 3
    for k, (service, position) in enumerate(picks.items()):
        r = top + 2 + k
        source_row = header_row + 1 + position
        unit = str(df["unit"].iloc[position]) if "unit" in df.columns else ""
        sheet.text(r, 0, SERVICE_TITLES.get(service, service))
        sheet.text(r, 1, unit)
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
        chart.set_y_axis({"num_format": "£#,##0.00"})
        chart.set_legend({"none": True})
        chart.set_size({"width": 480, "height": 288})
        sheet.ws.insert_chart(top + 3 + len(picks), 8 * k, chart)


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
        ("source_url", "Source address", 50),
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
            for j, (key, _label, _w) in enumerate(columns):
                value = row.get(key)
                if key == "value":
                    cell = sheet.number(r, j, float(value), "general", input_cell=True)
                    cells[str(row["name"])] = cell
                elif key in ("effective_from", "effective_to"):
                    sheet.date(r, j, None if value is None or value == "" else value)
                else:
                    sheet.text(
                        r,
                        j,
                        ""
                        if value is None or (isinstance(value, float) and pd.isna(value))
                        else value,
                    )
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


def _notes_sheet(sheet: LiveSheet, recs) -> None:
    sheet.text(0, 0, "Method notes", "title")
    sheet.ws.set_column(0, 0, 110)
    r = 2
    for heading, text in METHOD_NOTES:
        sheet.text(r, 0, heading, "heading")
        sheet.text(r + 1, 0, text, "wrap")
        r += 3
    sheet.print_setup(landscape=False)


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
        The ingest issues table.

    The returned book's ``formulas`` lists every formula with the value written for it.
    """
    book = LiveBook(path)
    names = {service: SERVICE_TITLES.get(service, service)[:31] for service in recommendations}
    summary = book.add_sheet("Summary")
    service_sheets = {service: book.add_sheet(names[service]) for service in recommendations}
    providers = book.add_sheet("Providers")
    benchmarks = book.add_sheet("Benchmarks")
    scen = book.add_sheet("Scenarios")
    assumptions = book.add_sheet("Assumptions")
    quality = book.add_sheet("Data quality")
    notes = book.add_sheet("Method notes")

    if config_rows is None:
        config_rows = [row for rec in recommendations.values() for row in rec.config.as_rows()]
    params_cells = _assumptions_sheet(assumptions, parameters, config_rows)
    cells = {
        service: _service_sheet(service_sheets[service], rec, params_cells)
        for service, rec in recommendations.items()
    }
    _summary_sheet(summary, recommendations, cells, title)
    _providers_sheet(providers, recommendations, cells)
    _table_sheet(
        benchmarks, "Local market statistics", market, "No market statistics were supplied."
    )
    _benchmark_charts(benchmarks, market)
    _table_sheet(scen, "Scenario results", scenarios, "No scenario results were supplied.")
    _table_sheet(
        quality,
        "Data quality: issues found when reading the returns",
        issues,
        "No issues were found.",
    )
    _notes_sheet(notes, recommendations)
    summary.ws.activate()
    book.close()
    return book
