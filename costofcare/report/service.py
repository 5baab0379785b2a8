"""A service type's sheet of the recommendation workbook.

Top to bottom: the inputs (effective date, weeks, wage and price change, the guardrails and
the wage floor calculation), the method's block, the results, the reasoning, the provider
by provider calculation and, under it, each provider's cost rolled forward by category (base,
change, target). The method's block and each provider's method rate are laid out from
what the method returned (:class:`~costofcare.recommend.method.Proposal`: labelled rows with
Excel templates and values); this module never asks which method it is. Every formula names
its cells (``{current_rate}``) and is written with its value
(:meth:`~costofcare.report.live.LiveSheet.named_formula`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..costs.oncosts import employer_ni_annual, employer_pension_annual
from ..costs.wagefloor import WageFloor
from ..recommend.engine import ServiceRecommendation
from ..recommend.method import Row
from ..recommend.rollforward import SCENARIO_ENGINE
from .layout import fit_row
from .live import Cell, LiveSheet, Span
from .options import plain_method_name

SERVICE_TITLES = {
    "home_care": "Home care",
    "care_home": "Care homes",
    "supported_living": "Supported living",
    # care homes priced per care category (costofcare.recommend.markets)
    "care_home.residential": "Care homes (residential)",
    "care_home.nursing": "Care homes (nursing)",
    "care_home.dual": "Care homes (dual)",
    "care_home.all": "Care homes (no category)",
    # a category's rates for enhanced needs (dementia) priced apart
    "care_home.residential.enhanced": "Care homes (residential, enhanced)",
    "care_home.nursing.enhanced": "Care homes (nursing, enhanced)",
    "care_home.dual.enhanced": "Care homes (dual, enhanced)",
}
#: Sheet names (Excel allows 31 characters) of markets whose title is longer.
SHEET_NAMES = {"care_home.residential.enhanced": "Care homes (resid., enhanced)"}


def sheet_name(key: str) -> str:
    """The workbook sheet name of a market: its title, shortened to fit when need be."""
    return SHEET_NAMES.get(key, SERVICE_TITLES.get(key, key))[:31]


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
    ("roll_forward", "How the cost was rolled forward", None, 30),
    # nursing and dual care homes: the total cost is net of it (costofcare.recommend.markets)
    ("fnc", "Less NHS-funded nursing care", "money", 12),
)
COL = {key: i for i, (key, *_rest) in enumerate(PROVIDER_COLUMNS)}
STYLE = {key: style for key, _label, style, _width in PROVIDER_COLUMNS}
COST_PARTS = ("staffing", "non_staffing", "return", "other", "fnc")

#: Each provider's calculation after the method rate (None: the guardrails' own formula).
PROVIDER_FORMULAS = (
    ("method_uplift", "{method_rate}/{current_rate}-1"),
    ("allowed_uplift", None),
    ("guarded_rate", None),
    ("proposed_rate", "ROUND({guarded_rate},2)"),
    ("uplift", "{proposed_rate}/{current_rate}-1"),
    ("binding", None),
    ("current_spend_annual", "{current_rate}*{volume_per_week}*{weeks_per_year}"),
    ("proposed_spend_annual", "{proposed_rate}*{volume_per_week}*{weeks_per_year}"),
    ("impact_annual", "{proposed_spend_annual}-{current_spend_annual}"),
)


def _sum(span) -> float:
    return float(sum(v for v in span if isinstance(v, int | float) and not isinstance(v, bool)))


def _count(span) -> int:
    return sum(1 for v in span if isinstance(v, int | float) and not isinstance(v, bool))


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

    def lay_out(self, row: Row, names: Mapping[str, Cell | Span]) -> Cell:
        """Lay out a method's :class:`Row`: a formula, an input number or text."""
        self._label(row.label, row.unit, row.source)
        if row.formula is not None:
            cell = self.sheet.named_formula(self.row, 1, row.formula, names, row.value, row.style)
        elif isinstance(row.value, str):
            cell = self.sheet.text(self.row, 1, row.value)
        else:
            cell = self.sheet.number(self.row, 1, row.value, row.style, input_cell=True)
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


def _wage_floor_block(
    ins: _Inputs, floor: WageFloor, weeks: Cell, assumptions: Mapping[str, Cell]
) -> Cell:
    ins.heading("Wage floor: the cost of paying the legal minimum wage with statutory on-costs")
    given = _wage_floor_inputs(ins, floor, assumptions)
    return _wage_floor_formulas(ins, given, weeks)


def _wage_floor_inputs(
    ins: _Inputs, floor: WageFloor, assumptions: Mapping[str, Cell]
) -> dict[str, Cell]:
    """The wage floor's inputs, each linked to the Assumptions sheet where it holds the value."""
    names = floor.parameter_names()
    on = f"in force on {floor.on}" if floor.on else ""

    def link(label, key, style, unit):
        value = getattr(floor, key)
        name = names.get(key)
        if name is None:
            return ins.number(label, value, style, unit, "config")
        return ins.linked(label, name, value, style, unit, assumptions, f"{name} {on}")

    return {
        "wage": link("Minimum wage", "wage_per_hour", "money", "GBP/hour"),
        "hours": ins.number(
            "Paid hours a week (a typical worker)",
            floor.paid_hours_per_week,
            "number",
            "hours/week",
            "config",
        ),
        "holiday": link("Statutory holiday", "holiday_weeks", "number", "weeks/year"),
        "ni_rate": link("Employer NI rate", "employer_ni_rate", "percent", "fraction"),
        "ni_threshold": link(
            "Employer NI secondary threshold", "employer_ni_threshold_annual", "money0", "GBP/year"
        ),
        "p_rate": link("Employer pension, minimum", "pension_employer_rate", "percent", "fraction"),
        "p_lower": link(
            "Qualifying earnings, lower limit", "pension_lower_annual", "money0", "GBP/year"
        ),
        "p_upper": link(
            "Qualifying earnings, upper limit", "pension_upper_annual", "money0", "GBP/year"
        ),
        "p_trigger": link(
            "Auto-enrolment earnings trigger", "pension_trigger_annual", "money0", "GBP/year"
        ),
        "per_unit": ins.number(
            "Worked hours per unit of service",
            floor.paid_hours_per_unit,
            "number",
            "hours/unit",
            "config",
        ),
    }


def _wage_floor_formulas(ins: _Inputs, cells: Mapping[str, Cell], weeks: Cell) -> Cell:
    """Gross pay, NI, pension, cost per hour worked and the floor per unit, as live formulas."""
    gross = ins.formula(
        "Gross pay a year (holiday pay included)",
        "{0}*{1}*{2}",
        [cells["wage"], cells["hours"], weeks],
        lambda w, h, k: w * h * k,
        "money",
        "GBP/year",
    )
    ni = ins.formula(
        "Employer NI a year",
        "{0}*MAX(0,{1}-{2})",
        [cells["ni_rate"], gross, cells["ni_threshold"]],
        lambda r, g, t: float(employer_ni_annual(g, r, t)),
        "money",
        "GBP/year",
    )
    pension = ins.formula(
        "Employer pension a year",
        "IF({0}>={1},{2}*MAX(0,MIN({0},{3})-{4}),0)",
        [gross, cells["p_trigger"], cells["p_rate"], cells["p_upper"], cells["p_lower"]],
        lambda g, trig, r, up, lo: float(employer_pension_annual(g, r, lo, up, trig)),
        "money",
        "GBP/year",
    )
    per_hour = ins.formula(
        "Cost per hour worked",
        "({0}+{1}+{2})/({3}*({4}-{5}))",
        [gross, ni, pension, cells["hours"], weeks, cells["holiday"]],
        lambda g, n, p, h, k, hol: (g + n + p) / (h * (k - hol)),
        "money4",
        "GBP/hour",
    )
    return ins.formula(
        "Wage floor cost per unit",
        "{0}*{1}",
        [per_hour, cells["per_unit"]],
        lambda c, u: c * u,
        "money4",
        "GBP/unit",
        "no rate may be below this",
    )


@dataclass
class ServiceCells:
    """Cells of a service sheet that other sheets point at."""

    sheet: str
    results: dict[str, Cell] = field(default_factory=dict)
    rows: dict[str, dict[str, Cell]] = field(default_factory=dict)  # provider -> column -> cell


@dataclass
class _Table:
    """Where the provider table sits and the cells written so far, row by row."""

    header: int
    first: int
    last: int
    cells: list[dict[str, Cell]]

    def column(self, sheet: LiveSheet, key: str) -> Span:
        return sheet.column_span(COL[key], self.first, self.last)


def service_sheet(
    sheet: LiveSheet, rec: ServiceRecommendation, assumptions: Mapping[str, Cell]
) -> ServiceCells:
    """Write one service's sheet (see the module docstring); return the cells others link to."""
    title = SERVICE_TITLES.get(rec.key, rec.key)
    sheet.text(0, 0, f"{title}: recommended rate per {rec.unit}", "title")
    sheet.text(
        1,
        0,
        f"Method: {plain_method_name(rec)}. Shaded cells are inputs; change them "
        "and the rest recalculates (a budget fit's solved uplift is not re-solved).",
        "subtitle",
    )
    ins = _Inputs(sheet, 2)
    names = _inputs_block(ins, rec, assumptions)
    ins.heading(f"Method: {plain_method_name(rec)}")
    deferred = []  # rows over whole provider columns wait until the table is written
    for row in rec.proposal.rows:
        if row.formula is not None and "{providers." in row.formula:
            deferred.append((ins.row, row))
            ins.row += 1
        else:
            names[row.key] = ins.lay_out(row, names)
    ins.heading("Results")
    results_row = ins.row
    ins.row += len(_result_rows(rec))
    ins.heading("Reasoning")
    for line in rec.reasoning:
        sheet.text(ins.row, 0, line)
        ins.row += 1
    ins.heading("Provider by provider")
    table = _provider_inputs(sheet, rec, ins.row, names)
    names.update({f"providers.{key}": table.column(sheet, key) for key in COL})
    saved = ins.row
    for at, row in deferred:
        ins.row = at
        names[row.key] = ins.lay_out(row, names)
    out = ServiceCells(sheet.name)
    _provider_formulas(sheet, rec, table, names, out)
    names.update({f"providers.{key}": table.column(sheet, key) for key in COL})
    ins.row = results_row
    for row in _result_rows(rec):
        names[f"results.{row.key}"] = out.results[row.key] = ins.lay_out(row, names)
    if "floor_rate" in names:
        out.results["floor_rate"] = names["floor_rate"]
    ins.row = saved
    sheet.ws.set_column(1, 1, 16)
    sheet.ws.set_column(2, 2, 22)
    _rate_chart(sheet, rec, table.first, table.last)
    # no repeated header rows: they would print above the roll-forward block too, whose
    # columns differ; that block starts on a page of its own, under its own header
    sheet.print_setup()
    return out


def _inputs_block(
    ins: _Inputs, rec: ServiceRecommendation, assumptions: Mapping[str, Cell]
) -> dict[str, Cell | Span]:
    """The inputs every method shares; returns their cells by formula name."""
    config, resolved = rec.config, rec.resolved
    ins.heading("Inputs")
    ins.date("Effective date", config.effective_date, "config")
    names: dict[str, Cell | Span] = {}
    weeks_source = (
        "config"
        if config.weeks_per_year is not None
        else "days in the year from the effective date / 7"
    )
    names["weeks_per_year"] = ins.number(
        "Weeks a year", rec.weeks_per_year, "number", "weeks", weeks_source
    )
    for key, label in (
        ("wage_change", "Wage change (staffing costs)"),
        ("price_change", "Price change (other costs)"),
    ):
        figure = getattr(resolved, key)
        names[key] = ins.number(
            label,
            figure.value if figure else 0.0,
            "percent",
            "fraction",
            figure.source if figure else "not used by this method",
        )
    labels = {"uplift_min": "Smallest uplift allowed", "uplift_max": "Largest uplift allowed"}
    for key, value in rec.guardrails.limits().items():
        names[key] = ins.number(labels[key], value, "percent", "fraction", "config")
    if rec.fnc_per_week is not None:
        names["fnc_per_week"] = ins.linked(
            "NHS-funded nursing care a week, on top",
            "nhs_funded_nursing_care_weekly",
            rec.fnc_per_week.value,
            "money",
            "GBP/week",
            assumptions,
            rec.fnc_per_week.source,
        )
    if resolved.wage_floor is not None:
        names["floor_rate"] = _wage_floor_block(
            ins, resolved.wage_floor, names["weeks_per_year"], assumptions
        )
    elif resolved.floor_rate is not None:
        names["floor_rate"] = ins.number(
            "Wage floor cost per unit",
            resolved.floor_rate.value,
            "money4",
            "GBP/unit",
            resolved.floor_rate.source,
        )
    return names


#: The results every service shows: key, label, style, unit, note, formula.
RESULTS = (
    ("providers", "Providers with a current rate", "integer", "count", "",
     "COUNT({providers.current_rate})"),
    ("volume_annual", "Units bought a year", "integer", "units/year", "",
     "SUM({providers.volume_per_week})*{weeks_per_year}"),
    ("current_spend_annual", "Current spend a year", "money0", "GBP/year", "",
     "SUM({providers.current_spend_annual})"),
    ("proposed_spend_annual", "Proposed spend a year", "money0", "GBP/year", "",
     "SUM({providers.proposed_spend_annual})"),
    ("budget_impact_annual", "Budget impact a year", "money0", "GBP/year", "",
     "{results.proposed_spend_annual}-{results.current_spend_annual}"),
    ("average_current_rate", "Average current rate", "money", "GBP per {unit}",
     "weighted by volume", "{results.current_spend_annual}/{results.volume_annual}"),
    ("average_proposed_rate", "Average proposed rate", "money", "GBP per {unit}",
     "weighted by volume", "{results.proposed_spend_annual}/{results.volume_annual}"),
    ("uplift", "Uplift (weighted by volume)", "percent", "fraction", "",
     "{results.proposed_spend_annual}/{results.current_spend_annual}-1"),
)  # fmt: skip


def _result_rows(rec: ServiceRecommendation) -> list[Row]:
    """The results every service shows (values from the recommendation), then the method's."""
    values = {
        "providers": int(rec.providers["current_rate"].notna().sum()),
        **{key: getattr(rec, key) for key, *_rest in RESULTS[1:]},
    }
    rows = [
        Row(key, label, values[key], style, unit.format(unit=rec.unit), note, formula)
        for key, label, style, unit, note, formula in RESULTS
    ]
    return [*rows, *rec.result_rows]


def _provider_inputs(
    sheet: LiveSheet, rec: ServiceRecommendation, header: int, names: Mapping[str, Cell | Span]
) -> _Table:
    """The provider table's headers, inputs, cost build-up and rolled-forward cost (the sum of
    the provider's targets in the roll-forward block)."""
    for j, (_key, label, _style, width) in enumerate(PROVIDER_COLUMNS):
        sheet.text(header, j, label, "header")
        sheet.ws.set_column(j, j, width)
    sheet.ws.set_column(0, 0, 42)
    sheet.ws.set_column(3, 3, 16)
    fit_row(sheet.ws, header, [(c[1], c[3]) for c in PROVIDER_COLUMNS], minimum=2)
    providers = rec.providers.reset_index(drop=True)
    table = _Table(header, header + 1, header + len(providers), [])
    # under the table and its chart (about 16 rows high)
    targets = _roll_forward_block(sheet, rec, table.last + 20, names)
    for i, row in providers.iterrows():
        r = table.first + i
        priced, costed = pd.notna(row["current_rate"]), pd.notna(row["total"])
        cells = {"provider": sheet.text(r, COL["provider"], row["provider"])}
        cells["current_rate"] = sheet.number(
            r, COL["current_rate"], row["current_rate"], "money", input_cell=True
        )
        volume = 0.0 if priced and pd.isna(row["volume_per_week"]) else row["volume_per_week"]
        cells["volume_per_week"] = sheet.number(
            r, COL["volume_per_week"], volume, "number", input_cell=True
        )
        for key in COST_PARTS:
            value = row.get(key, 0.0) if costed else None
            if key == "fnc" and not value:
                value = None  # no NHS-funded nursing care: left blank (SUM reads it as 0)
            cells[key] = sheet.number(r, COL[key], value, "money")
        cells["roll_forward"] = sheet.text(r, COL["roll_forward"], row.get("roll_forward", ""))
        if costed:
            parts = sheet.span(cells["staffing"], cells["other"])
            net = "" if cells["fnc"].value is None else "+{fnc}"
            cells["total"] = sheet.named_formula(
                r, COL["total"], "SUM({parts})" + net, {"parts": parts, "fnc": cells["fnc"]},
                row["total"], "money",
            )  # fmt: skip
            cells["rolled_cost"] = sheet.named_formula(
                r, COL["rolled_cost"], "SUM({targets})", {"targets": targets[row["provider"]]},
                row["rolled_cost"], "money",
            )  # fmt: skip
        table.cells.append(cells)
    return table


#: Columns of the roll-forward block under the provider table.
ROLL_HEADERS = ("Provider", "Category", "Base cost per unit", "Change", "Target cost per unit",
                "How")  # fmt: skip
#: Rows of the roll-forward block whose change is a figure of the ratio rule's inputs.
RATIO_CHANGE = {"staffing": "{wage_change}", "non_staffing": "{price_change}"}


def _roll_forward_block(
    sheet: LiveSheet, rec: ServiceRecommendation, top: int, names: Mapping[str, Cell | Span]
) -> dict[str, Span]:
    """Each costed provider's cost rolled forward by category: base, change, target.

    A change worked out by the scenario engine (pay under the wage policy, NI and pension per
    worker, an index ratio) is written as a value with its rule in *How*; a change of the ratio
    rule points at the wage or price change input; the return's change is a live formula (it
    keeps its share of cost), and every target is ``base × (1 + change)``. Returns the target
    cells of each provider, which its rolled-forward cost adds up.
    """
    lines = rec.roll_forward.lines
    sheet.ws.set_h_pagebreaks([top])
    sheet.text(top, 0, "Cost rolled forward, by provider and category", "heading")
    for j, label in enumerate(ROLL_HEADERS):
        sheet.text(top + 1, j, label, "header")
    r, targets = top + 2, {}
    ratio_rule = rec.roll_forward.basis != SCENARIO_ENGINE
    for provider, group in lines.groupby("provider", sort=False):
        first, bases, tgts = r, [], []
        for line in group.itertuples(index=False):
            sheet.text(r, 0, provider)
            sheet.text(r, 1, line.label)
            base = sheet.number(r, 2, line.base, "money4")
            if line.category == "return" and bases:
                costs = {"b": sheet.span(bases[0], bases[-1]), "t": sheet.span(tgts[0], tgts[-1])}
                before, after = sum(c.value for c in bases), sum(c.value for c in tgts)
                value = after / before - 1 if before > 0 else 0.0
                change = sheet.named_formula(
                    r, 3, "IF(SUM({b})>0,SUM({t})/SUM({b})-1,0)", costs, value, "percent"
                )
            elif ratio_rule[provider] and line.category in RATIO_CHANGE:
                template = RATIO_CHANGE[line.category]
                value = names[template[1:-1]].value
                change = sheet.named_formula(r, 3, template, names, value, "percent")
            elif line.base == 0 or line.category == "return":
                change = None
                sheet.text(r, 3, "")
            else:
                change = sheet.number(r, 3, line.change, "percent")
            if change is None:
                target = sheet.number(r, 4, line.target, "money4")
            else:
                target = sheet.named_formula(
                    r, 4, "{base}*(1+{change})", {"base": base, "change": change},
                    line.base * (1 + change.value), "money4",
                )  # fmt: skip
            sheet.text(r, 5, line.how, "subtitle")
            bases.append(base)
            tgts.append(target)
            r += 1
        targets[provider] = sheet.column_span(4, first, r - 1)
    return targets


def _provider_formulas(
    sheet: LiveSheet,
    rec: ServiceRecommendation,
    table: _Table,
    names: Mapping[str, Cell | Span],
    out: ServiceCells,
) -> None:
    """Each priced provider's method rate (the method's formula), guardrails and spend."""
    g = rec.guardrails
    templates = dict(PROVIDER_FORMULAS)
    templates.update(
        allowed_uplift=g.allowed_uplift_formula(),
        guarded_rate=g.guarded_rate_formula(),
        binding=g.binding_formula(),
    )
    providers = rec.providers.reset_index(drop=True)
    for i, row in providers.iterrows():
        cells = table.cells[i]
        out.rows[str(row["provider"])] = cells
        if pd.isna(row["current_rate"]):
            continue
        r = table.first + i
        for key in ("method_rate", *templates):
            template = rec.proposal.rate_formula if key == "method_rate" else templates[key]
            if template is None:  # no guardrail set: nothing binds
                cells[key] = sheet.text(r, COL[key], "")
                continue
            cells[key] = sheet.named_formula(
                r, COL[key], template, {**names, **cells}, row[key], STYLE[key]
            )
    sheet.ws.autofilter(table.header, 0, max(table.last, table.header + 1), len(COL) - 1)
    sheet.ws.freeze_panes(table.header + 1, 1)


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
    chart.set_y_axis({"num_format": "£#,##0.00", "name": f"GBP per {rec.unit}", "min": 0})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 320})
    sheet.ws.insert_chart(last + 2, 0, chart)  # below the provider table: covers nothing
