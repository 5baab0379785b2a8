"""Fill a template workbook from a dict of field -> value (and table rows), as a provider would.

For tests, demos and benchmarks: it writes the blank template with the template writer,
then sets cells through openpyxl by defined name and by table header, the way a provider
types into the shaded cells. Values are written as given: a number as a number, any text as
text (never as a formula, even when it starts with ``=``), a date as a date. That makes it
easy to produce messy returns (``"£1,234.50"``, ``"N/A"``) as well as clean ones.

>>> from costofcare.ingest.fill import fill_return
>>> fill_return("home_care", "a.xlsx", {"provider_name": "Acme Care Ltd"},
...             {"staff_roles": [{"role": "Care worker", "headcount": 12}]})  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..templates.spec import TemplateSpec, get_spec
from .locate import column_letters

Rows = Sequence[Mapping[str, object]]


def _set(cell, value: object) -> None:
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text, whatever it starts with
    elif isinstance(value, dt.datetime | dt.date):
        cell.number_format = "dd/mm/yyyy"


class ReturnFiller:
    """Fills copies of one blank template; the template is loaded once and reused.

    Parameters
    ----------
    spec : the template spec (or service name, latest version).
    template : bytes of the blank workbook; None writes it with the template writer.
    """

    def __init__(self, spec: TemplateSpec | str, template: bytes | None = None) -> None:
        self.spec = get_spec(spec) if isinstance(spec, str) else spec
        if template is None:
            from ..templates.writer import write_template

            with tempfile.TemporaryDirectory(prefix="costofcare-fill-") as tmp:
                path = write_template(self.spec, Path(tmp) / "blank.xlsx")
                template = path.read_bytes()
        self.template = template
        import openpyxl  # here, not at import: reading returns does not need it

        self._wb = openpyxl.load_workbook(io.BytesIO(template))
        self._names = {}
        for name, dn in self._wb.defined_names.items():
            for sheet, coord in dn.destinations:
                self._names[name.casefold()] = (sheet, coord.replace("$", "").split(":")[0])
        self._tables: dict[str, tuple[str, object]] = {}
        for ws in self._wb.worksheets:
            for table in ws.tables.values():
                self._tables[table.displayName.casefold()] = (ws.title, table)
        self._original_refs = {k: t.ref for k, (_, t) in self._tables.items()}
        self._touched: list[tuple[str, str]] = []

    def _clear(self) -> None:
        for sheet, coord in self._touched:
            self._wb[sheet][coord].value = None
        self._touched = []
        for key, (_, table) in self._tables.items():
            table.ref = self._original_refs[key]
            if table.autoFilter is not None:
                table.autoFilter.ref = table.ref

    def fill(
        self,
        out: str | Path,
        values: Mapping[str, object] | None = None,
        tables: Mapping[str, Rows] | None = None,
    ) -> Path:
        """Write a filled copy to ``out``.

        Parameters
        ----------
        out : path of the .xlsx to write.
        values : single field id -> value as the provider typed it.
        tables : table id -> rows, each a dict of column id -> value. Rows beyond the
            template's blank rows extend the table, as a provider inserting rows would.

        Raises
        ------
        KeyError
            An unknown field, table or column id (the message names it).
        """
        self._clear()
        for field_id, value in (values or {}).items():
            try:
                sheet, coord = self._names[field_id.casefold()]
            except KeyError:
                raise KeyError(f"the template has no named cell {field_id!r}") from None
            _set(self._wb[sheet][coord], value)
            self._touched.append((sheet, coord))
        for table_id, rows in (tables or {}).items():
            self._fill_table(table_id, rows)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        self._wb.save(out)
        return out

    def _fill_table(self, table_id: str, rows: Rows) -> None:
        from openpyxl.utils.cell import range_boundaries

        try:
            sheet, table = self._tables[table_id.casefold()]
        except KeyError:
            raise KeyError(f"the template has no table {table_id!r}") from None
        spec_table = self.spec.table(table_id)
        ws = self._wb[sheet]
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        header = {ws.cell(min_row, c).value: c for c in range(min_col, max_col + 1)}
        columns = {}
        for col in spec_table.columns:
            for text, c in header.items():
                if spec_table.column_for_header(str(text)) is col:
                    columns[col.id] = c
        for i, row in enumerate(rows):
            r = min_row + 1 + i
            for col_id, value in row.items():
                if col_id not in columns:
                    raise KeyError(f"table {table_id!r} has no column {col_id!r}")
                cell = ws.cell(r, columns[col_id])
                _set(cell, value)
                self._touched.append((sheet, cell.coordinate))
        last = min_row + len(rows)
        if last > max_row:
            table.ref = (
                f"{column_letters(min_col - 1)}{min_row}:{column_letters(max_col - 1)}{last}"
            )
            if table.autoFilter is not None:
                table.autoFilter.ref = table.ref


def example_return(
    spec: TemplateSpec | str,
    seed: int = 0,
    *,
    table_rows: int = 4,
    period_start: dt.date = dt.date(2025, 4, 1),
) -> tuple[dict[str, object], dict[str, list[dict[str, object]]]]:
    """Plausible values for every input of a spec, drawn from its bounds (for tests and
    benchmarks; the figures are random, not a costed service).

    Numbers fall between each field's lower bound and its plausibility (or hard) upper
    bound, rounded as a provider would type them; choices are picked from the list; the
    period is the 12 months from ``period_start``. Returns ``(values, tables)`` as taken by
    :meth:`ReturnFiller.fill`.
    """
    import random

    spec = get_spec(spec) if isinstance(spec, str) else spec
    rng = random.Random(f"{spec.service}-{spec.version}-{seed}")
    period_end = dt.date(
        period_start.year + 1, period_start.month, period_start.day
    ) - dt.timedelta(days=1)

    def one(f, n: int):
        if f.id == "period_start":
            return period_start
        if f.id == "period_end":
            return period_end
        if f.kind == "text":
            return f"{f.label} {seed}-{n}"
        if f.kind in ("choice", "bool"):
            return rng.choice(f.choices)
        if f.kind == "date":
            return period_end + dt.timedelta(days=rng.randint(1, 60))
        low = f.min if f.min is not None else 0.0
        high = f.warn_max if f.warn_max is not None else f.max if f.max is not None else 1e5
        high = min(high, 1e6)
        if f.warn_min is not None:
            low = max(low, f.warn_min)
        x = rng.uniform(low, high)
        if f.kind == "integer":
            return int(round(x))
        if f.kind == "percent":
            return round(x, 4)
        return round(x, 2)

    values = {f.id: one(f, 0) for f in spec.fields()}
    tables = {
        t.id: [{c.id: one(c, i + 1) for c in t.columns} for i in range(table_rows)]
        for t in spec.tables()
    }
    return values, tables


def fill_return(
    spec: TemplateSpec | str,
    out: str | Path,
    values: Mapping[str, object] | None = None,
    tables: Mapping[str, Rows] | None = None,
) -> Path:
    """Write the blank template of ``spec`` filled with ``values`` and table ``tables`` rows.

    See :meth:`ReturnFiller.fill`; use a :class:`ReturnFiller` to fill many returns from
    one template quickly.
    """
    return ReturnFiller(spec).fill(out, values, tables)


__all__ = ["ReturnFiller", "example_return", "fill_return"]
