"""Write a provider cost workbook (xlsx) from a :class:`~.spec.TemplateSpec`.

The workbook has a cover sheet (guidance and the council's generation settings), one input
sheet per :class:`~.spec.SheetSpec`, a locked ``Check`` sheet of live formulas for the
manager (:mod:`.check`), and a hidden ``_template`` sheet naming the template kind, service
and version. Every visible sheet prints on A4 one page wide with its title row repeated
(:func:`page_setup`), and every row of wrapped text is as tall as its text needs
(:func:`row_height`). On the input sheets:

- every input cell is unlocked and shaded; labels, units and help are locked and every sheet
  is protected *without* a password (a provider who needs more table rows can unprotect it);
- every single-value input has a workbook-scope defined name equal to its field id, and every
  table is an Excel table named by its id, so the reader never depends on cell positions;
- data validation comes from each field's kind, bounds and choices, with the help text as the
  input message; number formats follow the unit (£, %, dates);
- section totals are formulas written with their value (0 in a blank template); inputs are
  never formulas, and pre-filled provider text is always written as a string.

Output is deterministic: the same spec and settings give the same bytes.

Example
-------
>>> from costofcare.templates import write_template, GenerationSettings
>>> write_template("home_care", "home_care.xlsx",
...                GenerationSettings(council="Anytown Council"))  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from ..errors import UserError
from ..xlsx import safe_workbook
from .check import CHECK_SHEET, check_panel
from .check import COLUMN_WIDTHS as CHECK_WIDTHS
from .spec import TEMPLATE_KIND, TEMPLATE_SHEET, Field, Table, TemplateSpec, get_spec

COVER_SHEET = "Cover"
LISTS_SHEET = "_lists"
"""Hidden sheet holding the choice lists that data validation refers to."""
FIXED_CREATED = dt.datetime(2026, 1, 1, 0, 0, 0)
"""Document created date written into every workbook (keeps output byte-stable)."""

LABEL_COL, INPUT_COL, UNIT_COL, HELP_COL = 0, 1, 2, 3
COLUMN_WIDTHS = {LABEL_COL: 46, INPUT_COL: 20, UNIT_COL: 14, HELP_COL: 80}
HELP_WIDTH_BESIDE_TABLE = 40
"""Help column width on a sheet whose table runs through it (the staffing table): the help
wraps onto more lines rather than one table column printing 80 characters wide."""
INPUT_FILL = "#FFF2CC"
HEADING_FILL = "#1F4E79"
SECTION_FILL = "#DDEBF7"
DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)
MAX_INPUT_MESSAGE = 255
MAX_INPUT_TITLE = 32
LINE_HEIGHT = 15.0
"""Points per line of 11-point text (Excel's default row height)."""
CHARS_PER_WIDTH = 1.1
"""Characters of prose a line holds per unit of column width (see :func:`text_lines`)."""
PAPER_A4 = 9
"""xlsxwriter's paper code for A4."""
OK_FILL, OK_FONT = "#C6EFCE", "#006100"
TO_DO_FILL, TO_DO_FONT = "#FFEB9C", "#9C5700"


def text_lines(text: str, width: float, *, bold: bool = False) -> int:
    """Lines a wrapped cell of ``width`` (Excel character units) needs for ``text``.

    A column's width counts the digit "0" of the default font; a line of prose holds about
    :data:`CHARS_PER_WIDTH` characters per unit (letters and spaces are narrower than "0").
    Words are wrapped one character short of that (two for bold text), which over- rather
    than under-estimates: LibreOffice and Excel do not grow a row to fit wrapped text in a
    file that states no height, so the text would print over the rows below it.

    >>> text_lines("short", 20), text_lines("word " * 20, 20), text_lines("a\\nb", 20)
    (1, 5, 2)
    """
    chars = max(int(width * CHARS_PER_WIDTH) - (2 if bold else 1), 1)
    return sum(max(len(textwrap.wrap(part, chars)), 1) for part in str(text).split("\n"))


def row_height(cells: list[tuple[str, float]], *, bold: bool = False) -> float:
    """Height in points of a row whose wrapped cells are ``(text, column width)`` pairs."""
    lines = max((text_lines(t, w, bold=bold) for t, w in cells if t), default=1)
    return LINE_HEIGHT * lines


def page_setup(ws, last_row: int, last_col: int, *, landscape: bool = True) -> None:
    """Print set-up of a visible sheet: A4, one page wide, the used range as the print area,
    the title row repeated on every page and the sheet name and page number in the footer."""
    if landscape:
        ws.set_landscape()
    ws.set_paper(PAPER_A4)
    ws.fit_to_pages(1, 0)
    ws.print_area(0, 0, last_row, last_col)
    ws.repeat_rows(0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.set_footer("&L&A&RPage &P of &N")


@dataclass(frozen=True)
class GenerationSettings:
    """What a council sets when it generates templates (all optional).

    Parameters
    ----------
    council
        Council (or health and social care partnership) name shown on the cover.
    deadline
        Date returns are due.
    contact_email
        Where providers send returns and questions.
    period_start, period_end
        The 12-month period the council asks about; pre-fills ``period_start`` and
        ``period_end`` on the Provider sheet (providers may change them).
    """

    council: str = ""
    deadline: dt.date | None = None
    contact_email: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.period_start and self.period_end and self.period_end <= self.period_start:
            raise UserError(
                f"the period end ({self.period_end:%Y-%m-%d}) must be after the period start "
                f"({self.period_start:%Y-%m-%d})"
            )


@dataclass(frozen=True)
class TablePlace:
    """Where a table sits: sheet, header row and first/last data row (0-based)."""

    sheet: str
    header_row: int
    first_row: int
    last_row: int
    first_col: int = 0
    last_col: int = 0

    @property
    def ref(self) -> str:
        """A1 range of the table including its header row."""
        ncols = self.last_col - self.first_col
        return (
            f"{xl_rowcol_to_cell(self.header_row, self.first_col)}:"
            f"{xl_rowcol_to_cell(self.last_row, self.first_col + ncols)}"
        )


@dataclass
class Layout:
    """Positions of every input of a spec, computed without writing anything.

    ``cells`` maps a single field id to ``(sheet, row, col)`` (0-based); ``tables`` maps a
    table id to its :class:`TablePlace`; ``rows`` lists, per sheet, what goes on each row.
    """

    cells: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    tables: dict[str, TablePlace] = field(default_factory=dict)
    rows: dict[str, list[tuple[int, str, object]]] = field(default_factory=dict)

    def a1(self, field_id: str) -> str:
        """Absolute reference of a single field's cell, e.g. ``'Volumes'!$B$5``."""
        sheet, row, col = self.cells[field_id]
        return f"{quote_sheetname(sheet)}!{xl_rowcol_to_cell(row, col, True, True)}"


def _total_applies(items) -> bool:
    return len(items) >= 2 and all(
        isinstance(i, Field) and i.kind == "money" and i.unit == "GBP/year" for i in items
    )


def layout(spec: TemplateSpec) -> Layout:
    """Compute where each field and table of ``spec`` goes on its sheet.

    Row kinds in ``Layout.rows``: ``title``, ``note``, ``section``, ``section_help``,
    ``field``, ``total``, ``table_title``, ``table_help``, ``table_units``, ``table``.
    """
    out = Layout()
    for sheet in spec.sheets:
        rows: list[tuple[int, str, object]] = [(0, "title", sheet.name)]
        r = 1
        rows.append((r, "note", sheet.help))
        r = 3
        for section in sheet.sections:
            rows.append((r, "section", section))
            r += 1
            if section.help:
                rows.append((r, "section_help", section.help))
                r += 1
            field_rows = []
            for item in section.items:
                if isinstance(item, Table):
                    if item.label != section.title:  # no second heading with the same words
                        rows.append((r, "table_title", item))
                        r += 1
                    rows.append((r, "table_help", item))
                    rows.append((r + 1, "table_units", item))
                    header = r + 2
                    place = TablePlace(
                        sheet.name,
                        header,
                        header + 1,
                        header + item.rows,
                        0,
                        last_col=len(item.columns) - 1,
                    )
                    out.tables[item.id] = place
                    rows.append((header, "table", item))
                    r = header + item.rows + 2
                else:
                    out.cells[item.id] = (sheet.name, r, INPUT_COL)
                    rows.append((r, "field", item))
                    field_rows.append(r)
                    r += 1
            if _total_applies(section.items):
                rows.append((r, "total", (field_rows[0], field_rows[-1])))
                r += 1
            r += 1
        out.rows[sheet.name] = rows
    return out


def number_format(f: Field) -> str:
    """Excel number format of a field's cells (see :attr:`Field.number_format`)."""
    return f.number_format


def _fmt_bound(f: Field, value: float) -> str:
    if f.kind == "percent":
        return f"{value * 100:g}%"
    if f.kind == "money":
        return f"£{value:,.2f}".replace(".00", "")
    return f"{value:,g}"


def data_validation(f: Field, list_source: str | None = None) -> dict:
    """xlsxwriter data-validation options for a field (always with an input message).

    ``list_source`` is the absolute range holding the choices of a choice field (choices
    may contain commas, so they are never written inline).
    """
    message = f.help
    if f.unit_label and f.kind not in ("text", "choice", "bool", "date"):
        message = f"{message} Unit: {f.unit_label}."
    if len(message) > MAX_INPUT_MESSAGE:
        message = message[: MAX_INPUT_MESSAGE - 3].rstrip() + "..."
    opts: dict = {
        "input_title": f.label[:MAX_INPUT_TITLE],
        "input_message": message,
        "error_type": "stop",
        "error_title": "Check this entry"[:MAX_INPUT_TITLE],
    }
    if f.kind in ("choice", "bool"):
        if list_source is None:
            raise ValueError(f"field {f.id!r}: a choice field needs the range of its list")
        opts.update(validate="list", source=list_source)
        opts["error_message"] = "Choose an entry from the list."
    elif f.kind == "date":
        opts.update(validate="date", criteria="between", minimum=DATE_MIN, maximum=DATE_MAX)
        opts["error_message"] = "Enter a date, for example 31/03/2026."
    elif f.numeric:
        opts["validate"] = "integer" if f.kind == "integer" else "decimal"
        lo = f.min if f.min is not None else -1e15
        hi = f.max if f.max is not None else 1e15
        opts.update(criteria="between", minimum=lo, maximum=hi)
        what = "a whole number" if f.kind == "integer" else "a number"
        if f.min is not None and f.max is not None:
            rng = f" from {_fmt_bound(f, f.min)} to {_fmt_bound(f, f.max)}"
        elif f.min is not None:
            rng = f" of at least {_fmt_bound(f, f.min)}"
        else:
            rng = ""
        opts["error_message"] = f"Enter {what}{rng}" + (
            f" ({f.unit_label})." if f.unit_label else "."
        )
    else:
        opts["validate"] = "any"
        del opts["error_type"], opts["error_title"]
    return opts


class _Formats:
    """Cached xlsxwriter formats (one object per distinct look)."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self._cache: dict[tuple, object] = {}
        self.title = wb.add_format({"bold": True, "font_size": 16, "font_color": HEADING_FILL})
        self.note = wb.add_format({"italic": True, "font_color": "#595959"})
        self.section = wb.add_format(
            {"bold": True, "font_size": 12, "bg_color": SECTION_FILL, "bottom": 1}
        )
        self.label = wb.add_format({"text_wrap": True, "valign": "top"})
        self.unit = wb.add_format({"font_color": "#595959", "valign": "top"})
        self.help = wb.add_format({"text_wrap": True, "font_color": "#404040", "valign": "top"})
        self.bold = wb.add_format({"bold": True})
        self.bold_top = wb.add_format({"bold": True, "valign": "top", "text_wrap": True})
        self.total = wb.add_format({"bold": True, "num_format": "£#,##0", "top": 1})
        self.table_units = wb.add_format(
            {"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "bottom"}
        )
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.note_wrap = wb.add_format(
            {"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"}
        )
        self.table_header = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.ok = wb.add_format({"bg_color": OK_FILL, "font_color": OK_FONT})
        self.to_do = wb.add_format({"bg_color": TO_DO_FILL, "font_color": TO_DO_FONT})
        self.figure = {
            kind: wb.add_format({"num_format": fmt, "valign": "top", "bold": kind == "rate"})
            for kind, fmt in (
                ("count", "#,##0"),
                ("rows", "#,##0"),
                ("money", "£#,##0"),
                ("number", "#,##0.0"),
                ("rate", "£#,##0.00"),
            )
        }

    def input(self, f: Field) -> object:
        key = ("input", number_format(f))
        if key not in self._cache:
            self._cache[key] = self.wb.add_format(
                {
                    "locked": False,
                    "bg_color": INPUT_FILL,
                    "border": 1,
                    "border_color": "#BF9000",
                    "num_format": number_format(f),
                    "valign": "top",
                }
            )
        return self._cache[key]


PROTECT_OPTIONS = {
    "select_locked_cells": True,
    "select_unlocked_cells": True,
    "format_columns": True,
    "format_rows": True,
}
"""Sheet protection: labels locked; providers may still resize rows and columns."""


def _coerce_prefill(f: Field, value: object) -> object:
    """A pre-fill value in the type the cell needs; UserError naming the field if not."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
    if f.kind in ("choice", "bool"):
        for choice in f.choices:
            if str(value).casefold() == choice.casefold():
                return choice
        raise UserError(
            f"pre-fill value {value!r} for {f.id} is not one of: {', '.join(f.choices)}"
        )
    if f.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise UserError(
                f"pre-fill value {value!r} for {f.id} is not a date (use YYYY-MM-DD)"
            ) from None
    if f.numeric:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise UserError(f"pre-fill value {value!r} for {f.id} is not a number") from None
        if (f.min is not None and number < f.min) or (f.max is not None and number > f.max):
            raise UserError(f"pre-fill value {value!r} for {f.id} is outside its allowed range")
        return number
    return str(value)


def prefill_values(spec: TemplateSpec, values: Mapping[str, object]) -> dict[str, object]:
    """Check and convert pre-fill values: keys must be fields a council may pre-fill.

    Blank values are dropped. Raises :class:`UserError` naming an unknown key and listing
    the fields that can be pre-filled.
    """
    allowed = {f.id: f for f in spec.fields() if f.prefill}
    out: dict[str, object] = {}
    for key, value in values.items():
        key = str(key).strip()
        if key not in allowed:
            raise UserError(
                f"{key!r} cannot be pre-filled in the {spec.service} template; "
                f"use: {', '.join(allowed)}"
            )
        coerced = _coerce_prefill(allowed[key], value)
        if coerced is not None:
            out[key] = coerced
    return out


def _write_value(ws, row: int, col: int, f: Field, value: object, fmt) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif f.kind == "date":
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    elif f.numeric:
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _cover_lines(spec: TemplateSpec, settings: GenerationSettings) -> list[tuple[str, str]]:
    def date_text(d: dt.date | None) -> str:
        return d.strftime("%d %B %Y").lstrip("0") if d else "(not set)"

    period = (
        f"{date_text(settings.period_start)} to {date_text(settings.period_end)}"
        if settings.period_start or settings.period_end
        else "(not set: your last complete financial year)"
    )
    return [
        ("Requested by", settings.council or "(not set)"),
        ("Return by", date_text(settings.deadline)),
        ("Questions and returns to", settings.contact_email or "(not set)"),
        ("Period the figures should cover", period),
        ("Template", f"{spec.service} version {spec.version}"),
    ]


HOW_TO = (
    "Enter figures only in the shaded cells. Labels, units and help are locked so the "
    "council can read every return the same way.",
    "Select a shaded cell to see its help; the same help is shown beside it. Units are in the "
    "column next to each entry.",
    "Enter percentages as percentages (5%) or fractions (0.05). Enter dates as dates "
    "(31/03/2026). Enter money in pounds without the £ sign if you prefer.",
    "Leave a cell blank if the figure does not apply; enter 0 only for a real zero.",
    "Tables (staffing by role, other costs) have spare rows. If you need more, unprotect the "
    "sheet (Review > Unprotect Sheet; there is no password) and insert rows inside the "
    "table, above its last row, so they stay part of it.",
    "Please do not rename sheets, move cells or paste formulas that link to other workbooks.",
)


COVER_WIDTHS = (34, 100)


def _write_cover(wb, fmts: _Formats, spec: TemplateSpec, settings: GenerationSettings) -> None:
    ws = wb.add_worksheet(COVER_SHEET)
    ws.set_column(0, 0, COVER_WIDTHS[0])
    ws.set_column(1, 1, COVER_WIDTHS[1])
    ws.write_string(0, 0, spec.title, fmts.title)
    r = 2

    def line(label: str, text: str, label_format) -> None:
        nonlocal r
        if label:
            ws.write_string(r, 0, label, label_format)
        ws.write_string(r, 1, text, fmts.wrap)
        ws.set_row(r, row_height([(label, COVER_WIDTHS[0]), (text, COVER_WIDTHS[1])]))
        r += 1

    def heading(title: str) -> None:
        nonlocal r
        r += 1
        ws.write_string(r, 0, title, fmts.section)
        ws.write_blank(r, 1, None, fmts.section)
        r += 1

    for label, value in _cover_lines(spec, settings):
        line(label, value, fmts.bold_top)
    heading("About this return")
    for text in spec.guidance:
        line("", text, fmts.bold_top)
    heading("How to fill it in")
    for text in HOW_TO:
        line("", text, fmts.bold_top)
    heading("Sheets")
    for sheet in spec.sheets:
        line(sheet.name, "; ".join(s.title for s in sheet.sections), fmts.bold_top)
    line(CHECK_SHEET, CHECK_ABOUT.format(unit=spec.unit.replace("_", " ")), fmts.bold_top)
    ws.protect("", PROTECT_OPTIONS)
    page_setup(ws, r - 1, 1, landscape=False)


CHECK_ABOUT = (
    "Your totals, your cost per {unit} and the required entries still blank, worked out "
    "from your entries as you type (nothing to enter)."
)


def _template_keys(spec: TemplateSpec, settings: GenerationSettings) -> list[tuple[str, str]]:
    def iso(d: dt.date | None) -> str:
        return d.isoformat() if d else ""

    return [
        ("kind", TEMPLATE_KIND),
        ("service", spec.service),
        ("version", spec.version),
        ("unit", spec.unit),
        ("title", spec.title),
        ("council", settings.council),
        ("deadline", iso(settings.deadline)),
        ("contact_email", settings.contact_email),
        ("period_start", iso(settings.period_start)),
        ("period_end", iso(settings.period_end)),
    ]


def choice_lists(spec: TemplateSpec) -> dict[tuple[str, ...], str]:
    """Each distinct choice list of a spec and its absolute range on the ``_lists`` sheet."""
    out: dict[tuple[str, ...], str] = {}
    every = [*spec.fields(), *(c for t in spec.tables() for c in t.columns)]
    for f in every:
        if f.choices and f.choices not in out:
            col = len(out)
            first = xl_rowcol_to_cell(0, col, True, True)
            last = xl_rowcol_to_cell(len(f.choices) - 1, col, True, True)
            out[f.choices] = f"={quote_sheetname(LISTS_SHEET)}!{first}:{last}"
    return out


def _sheet_widths(rows) -> dict[int, float]:
    """Column widths of an input sheet: the label/input/unit/help columns, widened where a
    table column needs more."""
    widths = dict(COLUMN_WIDTHS)
    for _, kind, obj in rows:
        if kind == "table":
            if len(obj.columns) > HELP_COL:  # the help column is also a table column
                widths[HELP_COL] = HELP_WIDTH_BESIDE_TABLE
            for i, col in enumerate(obj.columns):
                widths[i] = max(widths.get(i, 0), col.width or 14)
    return widths


def _write_sheet(
    wb, fmts: _Formats, sheet, rows, values: Mapping[str, object], lists: Mapping
) -> None:
    ws = wb.add_worksheet(sheet.name)
    widths = _sheet_widths(rows)
    for col, width in sorted(widths.items()):
        ws.set_column(col, col, width)
    for r, kind, obj in rows:
        _write_row(ws, fmts, r, kind, obj, values, lists, widths)
    ws.protect("", PROTECT_OPTIONS)
    text_cells = [
        xl_rowcol_to_cell(r, INPUT_COL)
        for r, kind, obj in rows
        if kind == "field" and obj.kind == "text"
    ]
    if text_cells:
        # registration numbers and phone numbers are text on purpose: no green triangles
        ws.ignore_errors({"number_stored_as_text": " ".join(text_cells)})
    last_row = max(r + (obj.rows if kind == "table" else 0) for r, kind, obj in rows)
    page_setup(ws, last_row, max(widths))


NOTE_SPAN = HELP_COL
"""A sheet, section or table note spans the label to the help column, wrapped."""


def _write_note(ws, fmts: _Formats, r: int, text: str, widths: Mapping[int, float]) -> None:
    ws.merge_range(r, 0, r, NOTE_SPAN, text, fmts.note_wrap)
    span = sum(widths[c] for c in range(NOTE_SPAN + 1))
    ws.set_row(r, row_height([(text, span)]))


def _write_row(
    ws,
    fmts: _Formats,
    r: int,
    kind: str,
    obj,
    values: Mapping,
    lists: Mapping,
    widths: Mapping[int, float],
):
    """One row of the sheet layout (see :func:`layout` for the kinds)."""
    if kind == "title":
        ws.write_string(r, 0, obj, fmts.title)
    elif kind == "note":
        text = obj or "Enter figures in the shaded cells; select a cell to see its help."
        _write_note(ws, fmts, r, text, widths)
    elif kind == "section":
        ws.write_string(r, 0, obj.title, fmts.section)
        for c in (INPUT_COL, UNIT_COL, HELP_COL):
            ws.write_blank(r, c, None, fmts.section)
    elif kind in ("section_help", "table_help"):
        _write_note(ws, fmts, r, obj if isinstance(obj, str) else obj.help, widths)
    elif kind == "field":
        _write_field(ws, fmts, r, obj, values, lists)
        ws.set_row(
            r, row_height([(obj.label + " *", widths[LABEL_COL]), (obj.help, widths[HELP_COL])])
        )
    elif kind == "total":
        first, last = obj
        ws.write_string(r, LABEL_COL, "Total of the lines above", fmts.bold)
        span = f"{xl_rowcol_to_cell(first, INPUT_COL)}:{xl_rowcol_to_cell(last, INPUT_COL)}"
        ws.write_formula(r, INPUT_COL, f"=SUM({span})", fmts.total, 0)
        ws.write_string(r, UNIT_COL, "£ a year", fmts.unit)
    elif kind == "table_title":
        ws.write_string(r, 0, obj.label, fmts.bold)
    elif kind == "table_units":
        units = [col.unit_label or ("choose" if col.choices else "") for col in obj.columns]
        for i, text in enumerate(units):
            ws.write_string(r, i, text, fmts.table_units)
        ws.set_row(r, row_height([(t, widths[i]) for i, t in enumerate(units)]))
    elif kind == "table":
        _write_table(ws, fmts, r, obj, lists)
        headers = [(col.label, widths[i]) for i, col in enumerate(obj.columns)]
        ws.set_row(r, row_height(headers, bold=True))


def _write_field(ws, fmts: _Formats, r: int, f: Field, values: Mapping, lists: Mapping) -> None:
    """A labelled input cell with its validation, unit and help text."""
    ws.write_string(r, LABEL_COL, f.label + (" *" if f.required else ""), fmts.label)
    _write_value(ws, r, INPUT_COL, f, values.get(f.id), fmts.input(f))
    ws.data_validation(r, INPUT_COL, r, INPUT_COL, data_validation(f, lists.get(f.choices)))
    ws.write_string(r, UNIT_COL, f.unit_label, fmts.unit)
    ws.write_string(r, HELP_COL, f.help, fmts.help)


def _write_table(ws, fmts: _Formats, r: int, table: Table, lists: Mapping) -> None:
    """A named Excel table of blank input rows with a validation per column; headers wrap."""
    first_data, last_data = r + 1, r + table.rows
    columns = [
        {"header": col.label, "format": fmts.input(col), "header_format": fmts.table_header}
        for col in table.columns
    ]
    ws.add_table(
        r,
        0,
        last_data,
        len(table.columns) - 1,
        {"name": table.id, "style": "Table Style Light 1", "columns": columns},
    )
    for i, col in enumerate(table.columns):
        for row in range(first_data, last_data + 1):
            ws.write_blank(row, i, None, fmts.input(col))
        ws.data_validation(
            first_data, i, last_data, i, data_validation(col, lists.get(col.choices))
        )


CHECK_NOTE = (
    "Worked out from your entries as you type: there is nothing to enter on this sheet. The "
    "council adds up your return the same way, so a blank count above 0, or a cost per "
    "{unit} that looks wrong, is worth a second look before you send the workbook."
)


def _write_check(wb, fmts: _Formats, spec: TemplateSpec, places: Layout, values: Mapping):
    """The self-check sheet (:mod:`.check`): live totals, cost per unit and blank counts."""
    ws = wb.add_worksheet(CHECK_SHEET)
    for col, width in CHECK_WIDTHS.items():
        ws.set_column(col, col, width)
    ws.write_string(0, 0, "Check your return", fmts.title)
    _write_note(ws, fmts, 1, CHECK_NOTE.format(unit=spec.unit.replace("_", " ")), CHECK_WIDTHS)
    panel = check_panel(spec, places, values)
    r = 3
    for row in panel.rows:
        if row.kind == "section":
            ws.write_string(r, 0, row.label, fmts.section)
            for c in (1, 2, 3):
                ws.write_blank(r, c, None, fmts.section)
        else:
            ws.write_string(r, 0, row.label, fmts.label)
            ws.write_formula(r, 1, panel.formula(row.formula), fmts.figure[row.kind], row.value)
            ws.write_string(r, 2, row.unit, fmts.unit)
            note, note_formula = panel.note(row)
            if note_formula:
                ws.write_formula(r, 3, note_formula, fmts.help, note)
            else:
                ws.write_string(r, 3, note, fmts.help)
            ws.set_row(r, row_height([(row.label, CHECK_WIDTHS[0]), (note, CHECK_WIDTHS[3])]))
            _check_colours(ws, fmts, r, row.kind)
        r += 1
    ws.protect("", PROTECT_OPTIONS)
    page_setup(ws, r - 1, 3)


def _check_colours(ws, fmts: _Formats, r: int, kind: str) -> None:
    """Green when a check is met, amber while something is still to do."""
    cell = xl_rowcol_to_cell(r, 1)
    if kind == "count":
        rules = [(f"={cell}=0", fmts.ok), (f"={cell}>0", fmts.to_do)]
    elif kind == "rows":
        rules = [(f"={cell}>0", fmts.ok), (f"={cell}=0", fmts.to_do)]
    elif kind == "rate":
        rules = [(f"=ISTEXT({cell})", fmts.to_do)]
    else:
        return
    for criteria, fmt in rules:
        ws.conditional_format(r, 1, r, 1, {"type": "formula", "criteria": criteria, "format": fmt})


def write_template(
    spec: TemplateSpec | str,
    path: str | Path,
    settings: GenerationSettings | None = None,
    prefill: Mapping[str, object] | None = None,
) -> Path:
    """Write a blank (or pre-filled) cost return workbook for one service.

    Parameters
    ----------
    spec
        A :class:`TemplateSpec` or a service name (latest version).
    path
        Where to write the ``.xlsx`` file (parent folders are created).
    settings
        Council name, deadline, contact and period (see :class:`GenerationSettings`).
    prefill
        Provider details keyed by field id (only fields marked ``prefill``).

    Returns
    -------
    Path
        The path written.
    """
    if isinstance(spec, str):
        spec = get_spec(spec)
    settings = settings or GenerationSettings()
    values: dict[str, object] = {}
    if settings.period_start:
        values["period_start"] = settings.period_start
    if settings.period_end:
        values["period_end"] = settings.period_end
    values.update(prefill_values(spec, prefill or {}))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    places = layout(spec)
    wb = safe_workbook(path)
    try:
        wb.set_properties(
            {
                "title": spec.title,
                "subject": f"{spec.service} cost of care return, template {spec.version}",
                "author": settings.council or "costofcare",
                "comments": "Generated by costofcare",
                "created": FIXED_CREATED,
            }
        )
        fmts = _Formats(wb)
        lists = choice_lists(spec)
        _write_cover(wb, fmts, spec, settings)
        for sheet in spec.sheets:
            _write_sheet(wb, fmts, sheet, places.rows[sheet.name], values, lists)
        _write_check(wb, fmts, spec, places, values)
        for f in spec.fields():
            wb.define_name(f.id, "=" + places.a1(f.id))
        hidden = wb.add_worksheet(TEMPLATE_SHEET)
        for r, (key, value) in enumerate(_template_keys(spec, settings)):
            hidden.write_string(r, 0, key)
            hidden.write_string(r, 1, value)
        hidden.protect("", PROTECT_OPTIONS)
        hidden.hide()
        list_sheet = wb.add_worksheet(LISTS_SHEET)
        for col, choices in enumerate(lists):
            for r, choice in enumerate(choices):
                list_sheet.write_string(r, col, choice)
        list_sheet.protect("", PROTECT_OPTIONS)
        list_sheet.hide()
        wb.worksheets()[0].activate()
    finally:
        wb.close()
    return path


def parse_date(text: str, what: str) -> dt.date:
    """A date written as YYYY-MM-DD or DD/MM/YYYY; UserError naming ``what`` otherwise."""
    text = str(text).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise UserError(f"{what}: {text!r} is not a date; write it as YYYY-MM-DD (e.g. 2026-03-31)")


def safe_file_stem(text: str, max_length: int = 60) -> str:
    """A file-name-safe slug: lower-case letters, digits and hyphens only."""
    out = []
    for ch in str(text).casefold():
        out.append(ch if ch.isascii() and ch.isalnum() else "-")
    stem = "-".join(part for part in "".join(out).split("-") if part)
    return stem[:max_length].rstrip("-") or "provider"


def read_providers_csv(path: str | Path) -> list[dict[str, str]]:
    """Rows of a providers CSV (header row of field ids), as dicts of non-blank text.

    Accepts UTF-8 (with or without the byte-order mark Excel writes) or Windows-1252.
    """
    import csv

    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames:
        raise UserError(f"{path}: the providers CSV is empty; it needs a header row of field ids")
    if any(name is None or not name.strip() for name in reader.fieldnames):
        raise UserError(f"{path}: the header row has a blank column name")
    rows = []
    for row in reader:
        if None in row:
            raise UserError(f"{path}, line {reader.line_num}: more values than header columns")
        cleaned = {k.strip(): (v or "").strip() for k, v in row.items()}
        if any(cleaned.values()):
            rows.append(cleaned)
    if not rows:
        raise UserError(f"{path}: the providers CSV has no provider rows")
    return rows


def _header_key(text: str) -> str:
    """A header or label as a field id would spell it: ``"Provider Name"`` -> ``provider_name``."""
    return "_".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def provider_columns(
    spec: TemplateSpec, headers: list[str], where: str = "providers CSV"
) -> tuple[dict[str, str], list[str]]:
    """Which pre-fill field each column header of a providers CSV names, and the others.

    A header matches a field a council may pre-fill by its id (``provider_name``), its
    label as shown in the workbook (``Registration number``), or either written another way
    (``Provider Name``, ``REGISTRATION-NUMBER``, ``Provider name`` for the label ``Provider
    (legal entity) name``). Returns ``({header: field id}, [headers matching no field])``.

    Raises
    ------
    UserError
        Two headers naming the same field.

    >>> from costofcare.templates import get_spec
    >>> provider_columns(get_spec("home_care"), ["Provider Name", "Registration number", "Colour"])
    ({'Provider Name': 'provider_name', 'Registration number': 'registration_number'}, ['Colour'])
    """
    names: dict[str, str] = {}
    for f in spec.fields():
        if f.prefill:
            without_brackets = "".join(part.split(")")[-1] for part in f.label.split("("))
            for spelling in (f.id, f.label, without_brackets):
                names.setdefault(_header_key(spelling), f.id)
    found: dict[str, str] = {}
    unknown: list[str] = []
    for header in headers:
        field_id = names.get(_header_key(header))
        if field_id is None:
            unknown.append(header)
            continue
        twice = [h for h, f in found.items() if f == field_id]
        if twice:
            raise UserError(f"{where}: columns {twice[0]!r} and {header!r} both give {field_id}")
        found[header] = field_id
    return found, unknown


def _warn(message: str) -> None:
    import warnings

    warnings.warn(message, UserWarning, stacklevel=3)


def write_for_providers(
    spec: TemplateSpec | str,
    providers_csv: str | Path,
    outdir: str | Path,
    settings: GenerationSettings | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write one pre-filled workbook per row of a providers CSV.

    The CSV header names fields a council may pre-fill (``provider_name`` is required; see
    ``docs/fields.md`` for the others), by id or by label (:func:`provider_columns`).
    Columns that name no such field are left out, with one warning listing them. Files are
    named ``<service>_<provider>[_<registration number>].xlsx`` using only safe characters;
    clashes get a numeric suffix.

    Parameters
    ----------
    warn
        Called with the warning about columns left out (default: :func:`warnings.warn`).

    Raises
    ------
    UserError
        Missing ``provider_name`` column, two columns for one field or a bad value, naming the
        CSV line.
    """
    if isinstance(spec, str):
        spec = get_spec(spec)
    rows = read_providers_csv(providers_csv)
    columns, unknown = provider_columns(spec, list(rows[0]), str(providers_csv))
    if unknown:
        allowed = ", ".join(f.id for f in spec.fields() if f.prefill)
        (warn or _warn)(
            f"{providers_csv}: column(s) {', '.join(repr(u) for u in unknown)} left out: not "
            f"a detail the {spec.service} template can pre-fill ({allowed})"
        )
    rows = [{columns[k]: v for k, v in row.items() if k in columns} for row in rows]
    if "provider_name" not in rows[0]:
        raise UserError(f"{providers_csv}: the providers CSV needs a provider_name column")
    outdir = Path(outdir)
    written: list[Path] = []
    used: set[str] = set()
    checked = []
    for line, row in enumerate(rows, start=2):
        if not row.get("provider_name"):
            raise UserError(f"{providers_csv}, row {line}: provider_name is blank")
        try:
            checked.append(prefill_values(spec, row))
        except UserError as exc:
            raise UserError(f"{providers_csv}, row {line}: {exc}") from None
    for values in checked:
        parts = [spec.service, safe_file_stem(values["provider_name"])]
        if values.get("registration_number"):
            parts.append(safe_file_stem(str(values["registration_number"]), 30))
        stem = "_".join(parts)
        candidate, n = stem, 2
        while candidate in used:
            candidate, n = f"{stem}-{n}", n + 1
        used.add(candidate)
        written.append(write_template(spec, outdir / f"{candidate}.xlsx", settings, values))
    return written
