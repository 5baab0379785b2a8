"""The self-check panel of a provider cost workbook: live formulas a manager reads as they type.

The ``Check`` sheet adds up the return the way the council's costs step will
(:mod:`costofcare.costs.reported`): the annual cost lines (single fields by their category,
the staffing table's four annual £ columns, the other-costs table by its cost heading, and a
return on operations worked out from the margin asked for when no surplus is stated), the
units in the period (``(period_end - period_start + 1) / 7`` weeks times the units a week:
contact hours, registered beds x average occupancy, support hours), the implied cost per unit,
and how many required entries are still blank on each sheet (``COUNTBLANK`` over the named
input cells).

Every figure is a formula over the workbook's own named cells and table columns, written with
the value it has when the workbook is written (a blank or pre-filled template); nothing on the
sheet is an input, so the sheet is locked like the labels. The reader never looks at it.

Example
-------
>>> from costofcare.templates import get_spec, layout
>>> spec = get_spec("home_care")
>>> panel = check_panel(spec, layout(spec), {})
>>> [row.label for row in panel.rows if row.kind == "rate"][-1]
'Total cost per contact hour'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from .spec import COST_GROUP_CATEGORY, Table, TemplateSpec

CHECK_SHEET = "Check"
"""Name of the self-check sheet (after the input sheets)."""

LABEL_COL, VALUE_COL, UNIT_COL, NOTE_COL = 0, 1, 2, 3
COLUMN_WIDTHS = {LABEL_COL: 52, VALUE_COL: 14, UNIT_COL: 20, NOTE_COL: 80}
FIRST_ROW = 3
"""Row (0-based) of the first section heading; the title and a note come above it."""


@dataclass(frozen=True)
class CheckRow:
    """One figure of the panel.

    ``kind`` is ``section`` (a heading), ``count`` (entries still blank: amber above 0),
    ``rows`` (table rows used: amber at 0), ``money`` (£ a year), ``number`` or ``rate`` (£ per
    unit). ``formula`` refers to the workbook's defined names and to cells of this sheet by
    ``{key}`` placeholders (filled in with the row of the figure named ``key``); a ``note``
    starting ``=`` is a formula too.
    """

    kind: str
    label: str
    formula: str = ""
    value: object = None
    unit: str = ""
    note: str = ""
    key: str = ""


@dataclass
class CheckPanel:
    """The panel's rows in order, and the row (0-based) each keyed figure is written on."""

    rows: list[CheckRow] = field(default_factory=list)
    where: dict[str, int] = field(default_factory=dict)

    def add(self, row: CheckRow) -> None:
        if row.key:
            self.where[row.key] = FIRST_ROW + len(self.rows)
        self.rows.append(row)

    def formula(self, text: str) -> str:
        """A formula with each ``{key}`` replaced by the cell of that figure."""
        cells = {k: xl_rowcol_to_cell(r, VALUE_COL, True, True) for k, r in self.where.items()}
        return "=" + text.format(**cells)

    def note(self, row: CheckRow) -> tuple[str, str | None]:
        """``(text shown now, formula or None)`` of the row's note: a note starting ``=`` is
        a formula (its text changes once the figure can be worked out)."""
        if not row.note.startswith("="):
            return row.note, None
        formula = self.formula(row.note[1:])
        shown = row.note.split('","')[-1].rstrip('")')  # the "not yet" text of the IF
        return shown, formula


def _column(places, table: Table, column_id: str) -> str:
    """Absolute range of one column's data rows (grows when rows are inserted inside it)."""
    place = places.tables[table.id]
    col = place.first_col + [c.id for c in table.columns].index(column_id)
    first = xl_rowcol_to_cell(place.first_row, col, True, True)
    last = xl_rowcol_to_cell(place.last_row, col, True, True)
    return f"{quote_sheetname(place.sheet)}!{first}:{last}"


def _own_ids(spec: TemplateSpec) -> dict[str, str]:
    """Today's id -> this spec's id, for a spec of an older version whose fields were renamed
    since (the costs step reads returns under today's ids; the panel's formulas need the
    names in this workbook). Table columns are keyed ``table.column``."""
    from ..ingest.versions import rename_map

    own = {f.id: f.id for f in spec.fields()}
    for table in spec.tables():
        own[table.id] = table.id
        own.update({f"{table.id}.{c.id}": f"{table.id}.{c.id}" for c in table.columns})
    for old, new in rename_map(spec.service, spec.version).items():
        if old in own:
            own[new] = old
    return own


def _split(keys: list[str]) -> list[tuple[str, str]]:
    return [tuple(k.split(".", 1)) for k in keys]


def _sum(names: list[str]) -> str:
    return f"SUM({','.join(names)})" if names else "0"


def _unit_noun(spec: TemplateSpec) -> str:
    return spec.unit.replace("_", " ")


def _blank_counts(
    spec: TemplateSpec, places, panel: CheckPanel, values: Mapping[str, object]
) -> None:
    """Required entries still blank, sheet by sheet, and the staffing table's rows."""
    panel.add(CheckRow("section", "Still to fill in"))
    keys = []
    for sheet in spec.sheets:
        required = [
            item.id
            for section in sheet.sections
            for item in section.items
            if not isinstance(item, Table) and item.required
        ]
        if not required:
            continue
        key = f"blank_{len(keys)}"
        keys.append(key)
        missing = sum(1 for r in required if values.get(r) is None)
        panel.add(
            CheckRow(
                "count",
                f"Required entries blank on the {sheet.name} sheet",
                "+".join(f"COUNTBLANK({r})" for r in required),
                missing,
                f"of {len(required)}",
                "Entries marked * on that sheet that are still empty.",
                key,
            )
        )
    panel.add(
        CheckRow(
            "count",
            "Required entries blank in all",
            "+".join("{" + k + "}" for k in keys),
            sum(panel.rows[panel.where[k] - FIRST_ROW].value for k in keys),
            "",
            "0 when every entry marked * is filled in.",
            "blank_all",
        )
    )
    tables = {t.id: t for t in spec.tables()}
    role = _own_ids(spec).get("staff_roles.role", "")
    if role:
        table_id, column_id = role.split(".")
        roles = _column(places, tables[table_id], column_id)
        panel.add(
            CheckRow(
                "rows",
                "Rows of the staffing table with a role",
                f"COUNTA({roles})",
                0,
                "rows",
                "At least one row: the council works out pay, National Insurance and "
                "pension from this table.",
            )
        )


def _annual_by_category(spec: TemplateSpec, places) -> dict[str, str]:
    """Formulas of the annual £ of each category (``staffing``, ``non_staffing``,
    ``return``: stated in £ only), added up as the costs step adds up a return."""
    from ..costs.reported import STAFF_AMOUNTS

    tables = {t.id: t for t in spec.tables()}
    singles = {
        c: [f.id for f in spec.cost_fields() if f.category == c]
        for c in set(COST_GROUP_CATEGORY.values())
    }
    staffing = [_sum(singles["staffing"])] if singles["staffing"] else []
    non_staffing = [_sum(singles["non_staffing"])]
    not_non_staffing: list[str] = []  # other-costs rows under a staffing or return heading
    returns = [_sum(singles["return"])]
    own = _own_ids(spec)
    amounts = [own[f"staff_roles.{a}"] for a in STAFF_AMOUNTS if f"staff_roles.{a}" in own]
    if amounts:
        staffing.append(_sum([_column(places, tables[t], c) for t, c in _split(amounts)]))
    if "other_costs.annual_cost" in own and "other_costs.cost_group" in own:
        (table_id, cost_id), (_, group_id) = _split(
            [own["other_costs.annual_cost"], own["other_costs.cost_group"]]
        )
        table = tables[table_id]
        cost, group = _column(places, table, cost_id), _column(places, table, group_id)
        non_staffing.append(f"SUM({cost})")
        for heading in table.column(group_id).choices:
            category = COST_GROUP_CATEGORY.get(heading, "non_staffing")
            if category == "non_staffing":
                continue  # blank and unlisted headings count as non-staffing, as in the costs step
            sumif = f'SUMIF({group},"{heading}",{cost})'
            not_non_staffing.append(sumif)
            (staffing if category == "staffing" else returns).append(sumif)
    return {
        "staffing": "+".join(staffing) or "0",
        "non_staffing": "+".join(non_staffing) + "".join(f"-{x}" for x in not_non_staffing),
        "return": "+".join(returns),
    }


def _cost_totals(spec: TemplateSpec, places, panel: CheckPanel) -> None:
    """Annual costs by category and the return worked out from the margin asked for."""
    from ..costs.reported import RETURN_LINE

    annual = _annual_by_category(spec, places)
    lines = {f.cost_line for f in spec.cost_fields() if f.category == "return"}
    panel.add(CheckRow("section", "Your costs in the period (£ a year)"))
    panel.add(
        CheckRow(
            "money",
            "Staffing",
            annual["staffing"],
            0.0,
            "£ a year",
            "Staffing table: gross pay, employer NI, employer pension and agency spend; "
            "other costs under Staffing.",
            "staffing",
        )
    )
    panel.add(
        CheckRow(
            "money",
            "Other operating costs",
            annual["non_staffing"],
            0.0,
            "£ a year",
            "Every non-staffing line of the Costs sheet and other costs.",
            "non_staffing",
        )
    )
    panel.add(
        CheckRow(
            "money",
            "Return stated in £",
            annual["return"],
            0.0,
            "£ a year",
            "Surplus in the year"
            + (" and return on capital" if "Return on capital" in lines else "")
            + ".",
            "return_stated",
        )
    )
    return_fields = [f.id for f in spec.cost_fields() if f.cost_line == RETURN_LINE]
    rate = _own_ids(spec).get("return_on_operations_rate")
    if rate:
        panel.add(
            CheckRow(
                "money",
                "Return worked out from the margin you need",
                f"IF({_sum(return_fields)}<>0,0,N({rate})*" + "({staffing}+{non_staffing}))",
                0.0,
                "£ a year",
                "Used only when no surplus is entered: the margin you need times staffing "
                "and other operating costs.",
                "return_margin",
            )
        )
    total = "{staffing}+{non_staffing}+{return_stated}" + (
        "+{return_margin}" if "return_margin" in panel.where else ""
    )
    panel.add(CheckRow("money", "Total", total, 0.0, "£ a year", "", "total"))


def _weeks(start: object, end: object) -> object:
    """Weeks from ``start`` to ``end`` (both days counted), or "" when either is not set."""
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end >= start:
        return ((end - start).days + 1) / 7
    return ""


def _per_unit(spec: TemplateSpec, panel: CheckPanel, values: Mapping[str, object]) -> None:
    """Weeks, units and the implied cost per unit (blank until the units are entered)."""
    from ..costs.reported import UNITS_PER_WEEK

    noun = _unit_noun(spec)
    own = _own_ids(spec)
    needed = [*UNITS_PER_WEEK[spec.service], "period_start", "period_end"]
    if any(name not in own for name in needed):
        return  # a template version without them: no cost per unit to show
    *fields, start, end = (own[name] for name in needed)
    labels = " x ".join(spec.field(f).label.lower() for f in fields)
    panel.add(CheckRow("section", f"Your cost per {noun}"))
    panel.add(
        CheckRow(
            "number",
            "Weeks in the period",
            f"IF(AND(ISNUMBER({start}),ISNUMBER({end})),"
            f'IF({end}>={start},({end}-{start}+1)/7,""),"")',
            _weeks(values.get(start), values.get(end)),
            "weeks",
            "Days from the period start to its end, both counted, divided by 7.",
            "weeks",
        )
    )
    panel.add(
        CheckRow(
            "number",
            f"{noun.capitalize()}s in the period",
            "IF(ISNUMBER({weeks}),IF("
            + "*".join(f"N({f})" for f in fields)
            + ">0,"
            + "*".join(f"N({f})" for f in fields)
            + '*{weeks},""),"")',
            "",
            f"{noun}s",
            f"{labels.capitalize()} x weeks in the period.",
            "units",
        )
    )
    waiting = f"Shown once the period and {labels} are entered."
    returns = "{return_stated}" + ("+{return_margin}" if "return_margin" in panel.where else "")
    for key, label, annual in (
        ("staffing", f"Staffing per {noun}", "{staffing}"),
        ("non_staffing", f"Other operating costs per {noun}", "{non_staffing}"),
        ("return", f"Return per {noun}", f"({returns})"),
        ("total", f"Total cost per {noun}", "{total}"),
    ):
        shown = "The figure the council compares across providers." if key == "total" else ""
        panel.add(
            CheckRow(
                "rate",
                label,
                "IF(ISNUMBER({units})," + annual + '/{units},"")',
                "",
                f"£ per {noun}",
                f'=IF(ISNUMBER({{units}}),"{shown}","{waiting}")',
                f"{key}_per_unit",
            )
        )


def check_panel(spec: TemplateSpec, places, values: Mapping[str, object]) -> CheckPanel:
    """The panel's rows for ``spec`` laid out as ``places`` (:func:`~.writer.layout`), with
    the values they have when the workbook holds only ``values`` (pre-filled fields)."""
    panel = CheckPanel()
    _blank_counts(spec, places, panel, values)
    _cost_totals(spec, places, panel)
    _per_unit(spec, panel, values)
    return panel
