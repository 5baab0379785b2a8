"""Live formulas written with their values.

Every number that follows from others goes into the workbook as an Excel formula pointing at
the cells it depends on, so an analyst can change an input and see the effect. Each formula
is written together with its value, computed here in Python from the same cells, so the file
shows correct numbers even in an application that does not recalculate on open.

A formula is given as a template with ``{0}``, ``{1}`` ... for the cells it uses and a Python
function of those cells' values::

    book = LiveBook("out.xlsx")
    sheet = book.add_sheet("Inputs")
    rate = sheet.number(1, 1, 20.0, "money")
    uplift = sheet.number(2, 1, 0.05, "percent")
    sheet.formula(3, 1, "ROUND({0}*(1+{1}),2)", [rate, uplift],
                  lambda r, u: round_half_up(r * (1 + u), 2), "money")
    book.close()

Text always goes through ``write_string`` after :func:`~costofcare.report.safe.clean_text`, so
provider text can never become a formula.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_rowcol_to_cell

from ..xlsx import safe_workbook
from .safe import clean_text

STYLES: dict[str, dict] = {
    "title": {"bold": True, "font_size": 14},
    "subtitle": {"italic": True, "font_color": "#555555"},
    "heading": {"bold": True, "font_size": 11, "bottom": 1},
    "header": {
        "bold": True,
        "bg_color": "#DDEBF7",
        "border": 1,
        "text_wrap": True,
        "valign": "top",
    },
    "text": {},
    "wrap": {"text_wrap": True, "valign": "top"},
    "money": {"num_format": "£#,##0.00", "valign": "top"},
    "money0": {"num_format": "£#,##0", "valign": "top"},
    "money4": {"num_format": "£#,##0.0000"},
    "number": {"num_format": "#,##0.00", "valign": "top"},
    "integer": {"num_format": "#,##0", "valign": "top"},
    "percent": {"num_format": "0.00%", "valign": "top"},
    "percent4": {"num_format": "0.0000%"},
    "fraction": {"num_format": "0.0000"},
    "date": {"num_format": "yyyy-mm-dd"},
    "general": {"num_format": "General"},
    "total_money0": {"num_format": "£#,##0", "bold": True, "top": 1},
    "total_label": {"bold": True, "top": 1},
    "warning": {"bold": True, "font_color": "#9C0006"},
    "bold": {"bold": True},
    "bold_wrap": {"bold": True, "text_wrap": True, "valign": "top"},
    "centre_wrap": {"text_wrap": True, "valign": "top", "align": "center"},
    "subtitle_wrap": {"italic": True, "font_color": "#555555", "text_wrap": True, "valign": "top"},
    "percent0": {"num_format": "0%", "valign": "top"},
    "percent1": {"num_format": "0.0%", "valign": "top"},
}
#: A named cell in a formula template: ``{current_rate}``, ``{providers.rolled_cost}``.
NAME_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")

#: Input cells an analyst may change are shaded, like a template's input cells.
INPUT_FILL = {"bg_color": "#FFF2CC"}


@dataclass(frozen=True)
class Cell:
    """A written cell and the value it holds."""

    sheet: str
    row: int
    col: int
    value: Any

    def ref(self, from_sheet: str | None = None) -> str:
        a1 = xl_rowcol_to_cell(self.row, self.col, row_abs=True, col_abs=True)
        return a1 if from_sheet == self.sheet else f"{quote_sheetname(self.sheet)}!{a1}"

    @property
    def a1(self) -> str:
        return xl_rowcol_to_cell(self.row, self.col)


@dataclass(frozen=True)
class Span:
    """A rectangular range and the values in it (row by row, blanks as None)."""

    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    value: tuple

    def ref(self, from_sheet: str | None = None) -> str:
        a = xl_rowcol_to_cell(self.first_row, self.first_col, row_abs=True, col_abs=True)
        b = xl_rowcol_to_cell(self.last_row, self.last_col, row_abs=True, col_abs=True)
        return f"{a}:{b}" if from_sheet == self.sheet else f"{quote_sheetname(self.sheet)}!{a}:{b}"

    def numbers(self) -> list[float]:
        """The numeric values, blanks and text left out (as Excel's SUM and PERCENTILE do)."""
        return [
            float(v) for v in self.value if isinstance(v, int | float) and not isinstance(v, bool)
        ]


@dataclass(frozen=True)
class FormulaRecord:
    sheet: str
    cell: str
    formula: str
    value: Any


class LiveBook:
    """An xlsxwriter workbook that records every formula with its computed value."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.workbook = safe_workbook(self.path)
        self.formulas: list[FormulaRecord] = []
        self._formats: dict[tuple[str, bool], Any] = {}
        self.sheets: dict[str, LiveSheet] = {}

    def fmt(self, style: str | None, *, input_cell: bool = False):
        if style is None and not input_cell:
            return None
        key = (style or "text", input_cell)
        if key not in self._formats:
            props = dict(STYLES[style or "text"])
            if input_cell:
                props.update(INPUT_FILL)
            self._formats[key] = self.workbook.add_format(props)
        return self._formats[key]

    def add_sheet(self, name: str) -> LiveSheet:
        sheet = LiveSheet(self, self.workbook.add_worksheet(name), name)
        self.sheets[name] = sheet
        return sheet

    def close(self) -> Path:
        self.workbook.close()
        return self.path


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return value is pd.NaT


class LiveSheet:
    """One worksheet: typed writes that return :class:`Cell` handles for later formulas."""

    def __init__(self, book: LiveBook, worksheet, name: str):
        self.book = book
        self.ws = worksheet
        self.name = name
        self._values: dict[tuple[int, int], Any] = {}

    def _keep(self, row: int, col: int, value: Any) -> Cell:
        self._values[(row, col)] = value
        return Cell(self.name, row, col, value)

    def text(self, row: int, col: int, value: object, style: str | None = None) -> Cell:
        """Write text as text, whatever it looks like (never as a formula)."""
        text = clean_text(value)
        self.ws.write_string(row, col, text, self.book.fmt(style))
        return self._keep(row, col, text)

    def number(
        self,
        row: int,
        col: int,
        value: float | None,
        style: str | None = None,
        *,
        input_cell: bool = False,
    ) -> Cell:
        """Write a number (a blank cell for None/NaN)."""
        fmt = self.book.fmt(style, input_cell=input_cell)
        if _blank(value):
            self.ws.write_blank(row, col, None, fmt)
            return self._keep(row, col, None)
        value = float(value)
        if math.isinf(value):
            raise ValueError(f"{self.name}!{xl_rowcol_to_cell(row, col)}: cannot write {value}")
        self.ws.write_number(row, col, value, fmt)
        return self._keep(row, col, value)

    def date(
        self, row: int, col: int, value, style: str = "date", *, input_cell: bool = False
    ) -> Cell:
        fmt = self.book.fmt(style, input_cell=input_cell)
        if _blank(value):
            self.ws.write_blank(row, col, None, fmt)
            return self._keep(row, col, None)
        stamp = pd.Timestamp(value)
        moment = datetime(
            stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second
        )
        self.ws.write_datetime(row, col, moment, fmt)
        return self._keep(row, col, moment)

    def value(self, row: int, col: int, value: Any, style: str | None = None) -> Cell:
        """Write a value by its type: number, date, bool or (safe) text."""
        if _blank(value):
            return self.number(row, col, None, style)
        if isinstance(value, bool):
            self.ws.write_boolean(row, col, value, self.book.fmt(style))
            return self._keep(row, col, value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.number(row, col, value, style)
        if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
            return self.value(row, col, value.item(), style)
        if isinstance(value, datetime | date | pd.Timestamp):
            return self.date(row, col, value, style or "date")
        return self.text(row, col, value, style)

    def formula(
        self,
        row: int,
        col: int,
        template: str,
        args: Sequence[Cell | Span],
        compute: Callable[..., Any],
        style: str | None = None,
    ) -> Cell:
        """Write ``=template`` (``{i}`` -> the i-th argument's reference) with its value.

        ``compute`` receives the arguments' values (a :class:`Span` gives a tuple) and returns
        the value the formula evaluates to.
        """
        refs = [a.ref(self.name) for a in args]
        formula = "=" + template.format(*refs)
        value = compute(*[a.value for a in args])
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            raise ValueError(f"{self.name}!{xl_rowcol_to_cell(row, col)}: {formula} has no value")
        if hasattr(value, "item"):
            value = value.item()
        self.ws.write_formula(row, col, formula, self.book.fmt(style), value)
        self.book.formulas.append(
            FormulaRecord(self.name, xl_rowcol_to_cell(row, col), formula, value)
        )
        return self._keep(row, col, value)

    def named_formula(
        self,
        row: int,
        col: int,
        template: str,
        names: Mapping[str, Cell | Span],
        value: Any,
        style: str | None = None,
    ) -> Cell:
        """Write a formula whose template names its cells (``"{rate}*(1+{uplift})"``).

        ``names`` maps each name to its :class:`Cell` or :class:`Span`; ``value`` is the
        value the formula evaluates to, computed by the caller (a recommendation method).
        """
        used: list[str] = []

        def place(match: re.Match) -> str:
            name = match.group(1)
            if name not in names:
                raise KeyError(
                    f"{self.name}!{xl_rowcol_to_cell(row, col)}: the formula {template!r} uses "
                    f"{{{name}}}, which is not a cell here; known: {', '.join(sorted(names))}"
                )
            if name not in used:
                used.append(name)
            return "{" + str(used.index(name)) + "}"

        positional = NAME_FIELD.sub(place, template)
        return self.formula(row, col, positional, [names[n] for n in used], lambda *_: value, style)

    def cell_at(self, row: int, col: int) -> Cell:
        """A handle on a cell already written on this sheet (for formulas that link to it)."""
        if (row, col) not in self._values:
            raise KeyError(f"{self.name}!{xl_rowcol_to_cell(row, col)} has not been written")
        return Cell(self.name, row, col, self._values[(row, col)])

    def span(self, first: Cell, last: Cell) -> Span:
        """The range from ``first`` to ``last`` on this sheet, with the values written there."""
        values = tuple(
            self._values.get((r, c))
            for r in range(first.row, last.row + 1)
            for c in range(first.col, last.col + 1)
        )
        return Span(self.name, first.row, first.col, last.row, last.col, values)

    def column_span(self, col: int, first_row: int, last_row: int) -> Span:
        values = tuple(self._values.get((r, col)) for r in range(first_row, last_row + 1))
        return Span(self.name, first_row, col, last_row, col, values)

    # ------------------------------------------------------------------ layout helpers
    def frame(
        self,
        row: int,
        col: int,
        df: pd.DataFrame,
        *,
        styles: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        filter_and_freeze: bool = True,
    ) -> int:
        """Write a DataFrame as a table of values (header row, autofilter, frozen header).

        Object columns are written as safe text. Returns the row after the table.
        """
        styles = styles or {}
        headers = headers or {}
        for j, name in enumerate(df.columns):
            self.text(row, col + j, headers.get(name, str(name)), "header")
        for i, record in enumerate(df.itertuples(index=False, name=None), start=1):
            for j, (name, value) in enumerate(zip(df.columns, record, strict=True)):
                self.value(row + i, col + j, value, styles.get(name))
        if filter_and_freeze and len(df.columns):
            self.ws.autofilter(row, col, row + max(len(df), 1), col + len(df.columns) - 1)
            self.ws.freeze_panes(row + 1, 0)
        return row + len(df) + 1

    def widths(self, widths: dict[int, float]) -> None:
        for col, width in widths.items():
            self.ws.set_column(col, col, width)

    def print_setup(self, *, landscape: bool = True, repeat_rows: tuple[int, int] | None = None):
        """A4, fit to one page wide, sheet name in the header, page numbers in the footer."""
        if landscape:
            self.ws.set_landscape()
        self.ws.set_paper(9)
        self.ws.fit_to_pages(1, 0)
        self.ws.set_header("&L&A")
        self.ws.set_footer("&RPage &P of &N")
        if repeat_rows is not None:
            self.ws.repeat_rows(*repeat_rows)


def column_letter(col: int) -> str:
    return xl_col_to_name(col)
