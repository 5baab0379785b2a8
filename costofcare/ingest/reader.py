"""Read one completed return: find every input, read its cached value, coerce and check it.

The path through one file:

1. :func:`costofcare.ingest.archive.check_archive` checks the container (sizes once
   inflated, part count and names, encryption, DTDs) and reads the bytes once;
2. :func:`costofcare.ingest.locate.map_workbook` reads sheets, defined names and tables
   (expat with DTDs and entities refused; defusedxml for ods);
3. calamine reads cell values (the values the spreadsheet cached; formulas are never
   evaluated, macros never run);
4. the template is identified from the hidden ``_template`` sheet, or failing that from the
   defined names, or from the labels on the sheets (a return pasted into a blank workbook);
5. each field of the spec is found by its defined name, else by its label (with a
   ``located_by_label`` warning); each table by its name, else by its header row;
6. every non-blank cell is coerced (:mod:`costofcare.ingest.coerce`) and checked
   (:mod:`costofcare.ingest.validate`).

A file that cannot be read as a template comes back as a rejected :class:`ReturnResult`
with the reason; nothing raises out of :func:`read_return` for a bad file.
"""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from ..tables.catalogue import VALUES
from ..templates.spec import SERVICES, TEMPLATE_KIND, TEMPLATE_SHEET, Field, Table, TemplateSpec
from .archive import DEFAULT_LIMITS, ArchiveLimits, check_archive
from .coerce import PERCENT_WHOLE_FROM, CellError, Coerced, coerce, float_text, is_blank, raw_text
from .issues import Issue, Rejected
from .layout import TemplateLayout, layout_for
from .locate import WorkbookMap, cell_ref, column_letters, map_workbook
from .text import norm_label
from .versions import rename_map, resolve_spec

_PLAIN_NUMBER_KINDS = frozenset({"money", "number"})

#: Columns of the tidy values table, declared in :data:`costofcare.tables.VALUES`.
VALUE_COLUMNS = VALUES.names


@dataclass
class ReturnResult:
    """What was read from one file.

    ``values`` holds tidy rows in :data:`VALUE_COLUMNS` order; ``issues`` holds
    :class:`~costofcare.ingest.issues.Issue` objects. ``status`` is ``"read"`` or
    ``"rejected"`` (then ``reason``/``reason_code`` say why and ``values`` is empty).
    ``values_moved`` counts rows taken out of ``values`` to be written elsewhere (a worker
    packs them for the output files), so :meth:`values_read` stays true.
    """

    file: str
    return_id: str = ""
    status: str = "read"
    reason_code: str = ""
    reason: str = ""
    service: str = ""
    template_version: str = ""
    provider: str = ""
    service_name: str = ""
    registration_number: str = ""
    period_start: str = ""
    period_end: str = ""
    located_by: str = ""
    values: list[tuple] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    values_moved: int = 0
    hidden_errors: int = 0
    hidden_warnings: int = 0

    def values_read(self) -> int:
        """How many values were read from the file."""
        return len(self.values) + self.values_moved


class _Cells:
    """Lazy per-sheet grids of cached cell values from calamine."""

    def __init__(
        self,
        workbook: python_calamine.CalamineWorkbook,
        errors: dict[str, dict[tuple[int, int], str]] | None = None,
    ) -> None:
        self.workbook = workbook
        self.sheet_names = list(workbook.sheet_names)
        self._folded = {s.casefold(): s for s in self.sheet_names}
        self._grids: dict[str, list[list]] = {}
        self._errors = errors or {}

    def sheet(self, name: str) -> str | None:
        """The workbook's spelling of a sheet name (case-insensitive), or None."""
        return self._folded.get(name.casefold())

    def grid(self, sheet: str) -> list[list]:
        grid = self._grids.get(sheet)
        if grid is None:
            try:
                grid = self.workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except python_calamine.CalamineError as exc:
                raise Rejected(
                    "unreadable_workbook", f"sheet {sheet!r} could not be read ({exc})"
                ) from None
            for (r, c), text in self._errors.get(sheet, {}).items():
                _put_error(grid, r, c, text)
            self._grids[sheet] = grid
        return grid

    def get(self, sheet: str, row: int, col: int) -> object:
        grid = self._grids.get(sheet)
        if grid is None:
            grid = self.grid(sheet)
        if row < 0 or row >= len(grid):
            return None
        cells = grid[row]
        if col < 0 or col >= len(cells):
            return None
        return cells[col]


def _put_error(grid: list[list], r: int, c: int, text: str) -> None:
    """Put an error cell the cell reader saw as blank back into a grid (see ``CellError``).

    The cell reader's grid already spans every cell it saw, error cells included, so a
    position outside it is ignored rather than grown into (a hostile sheet could name a
    cell a million rows down)."""
    if 0 <= r < len(grid) and 0 <= c < len(grid[r]) and grid[r][c] in (None, ""):
        grid[r][c] = CellError(text)


def read_return(
    path: str | Path,
    *,
    wage_floors=None,
    limits: ArchiveLimits = DEFAULT_LIMITS,
) -> ReturnResult:
    """Read, coerce and check one return; never raises for a bad file.

    Parameters
    ----------
    path : the provider's workbook (.xlsx, .xlsm or .ods).
    wage_floors : a :class:`costofcare.ingest.validate.WageFloors` (dated legal pay floors);
        None skips the pay floor check.
    limits : archive safety limits.

    Returns
    -------
    ReturnResult
    """
    path = Path(path)
    result = ReturnResult(file=display_path(path))
    try:
        try:
            _read_checked(result, path, wage_floors, limits)
        except BaseException as exc:  # a panic in the cell reader is a BaseException
            if not is_reader_panic(exc):
                raise
            raise Rejected(
                "unreadable_workbook", f"the cell reader failed on this file ({exc})"
            ) from None
    except Rejected as rej:
        reject(result, rej.code, rej.reason)
    cap_issues(result, limits.max_issues_per_return)
    return result


def display_path(path: str | Path) -> str:
    """A file name as stored in every output: as given, except that bytes which are not
    valid UTF-8 (possible in names on Linux) are shown escaped (``\\xff``), so the name can
    be written to CSV, Parquet and the workbook and still be told apart from others."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    return text


def is_reader_panic(exc: BaseException) -> bool:
    """True for the exception a panic inside the native cell reader raises
    (``pyo3_runtime.PanicException``, a ``BaseException``, so ``except Exception`` misses
    it); the class is only created by the first panic, so it is told by its name."""
    kind = type(exc)
    return kind.__name__ == "PanicException" and kind.__module__ in ("pyo3_runtime", "builtins")


def reject(result: ReturnResult, code: str, reason: str) -> None:
    """Turn ``result`` into a rejection with ``code`` and ``reason`` (no values kept)."""
    result.status = "rejected"
    result.reason_code = code
    result.reason = reason
    result.values = []
    result.values_moved = 0
    result.issues = [
        Issue(
            code,
            f"Return rejected: {reason}",
            file=result.file,
            return_id=result.return_id,
            provider=result.provider,
        )
    ]


def cap_issues(result: ReturnResult, limit: int) -> None:
    """List at most ``limit`` issues for a return (errors first); one ``issues_not_listed``
    warning counts the rest by severity, and they still count in its status."""
    if len(result.issues) <= limit:
        return
    ordered = sorted(result.issues, key=lambda i: i.severity != "error")
    kept, rest = ordered[:limit], ordered[limit:]
    errors = sum(1 for i in rest if i.severity == "error")
    result.hidden_errors += errors
    result.hidden_warnings += len(rest) - errors
    codes = sorted({i.code for i in rest})
    kept.append(
        Issue(
            "issues_not_listed",
            f"{len(rest):,} more issue(s) were not listed ({errors:,} error(s), "
            f"{len(rest) - errors:,} warning(s); codes: {', '.join(codes)}): over the limit of "
            f"{limit:,} listed for one return",
            file=result.file,
            return_id=result.return_id,
            provider=result.provider,
        )
    )
    result.issues = kept


def _read_checked(result: ReturnResult, path: Path, wage_floors, limits: ArchiveLimits) -> None:
    archive = check_archive(path, limits)
    result.return_id = archive.return_id
    wmap = map_workbook(archive)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(archive.cell_data()))
    except python_calamine.PasswordError:
        raise Rejected(
            "password_protected", "the workbook is password-protected (encrypted)"
        ) from None
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        raise Rejected("unreadable_workbook", f"the cells could not be read ({exc})") from None
    cells = _Cells(workbook, wmap.error_cells)
    _read_template(result, wmap, cells, wage_floors, limits)
    _report_trimmed(result, archive, wmap, limits)


def _report_trimmed(result: ReturnResult, archive, wmap: WorkbookMap, limits) -> None:
    """One ``cells_outside_template`` warning per sheet whose far cells were not read."""
    from .sheets import read_area

    rows, cols = read_area(limits.margin_rows, limits.margin_columns)
    for part, extent in archive.trimmed.items():
        sheet = wmap.sheet_of_part.get(part, part)
        result.issues.append(
            Issue(
                "cells_outside_template",
                f"{extent.outside:,} cell(s) of sheet {sheet!r} lie outside the area read "
                f"(A1:{cell_ref(rows - 1, cols - 1)}: the template's area plus the margins); "
                f"they were not read. The furthest is {cell_ref(extent.far_row, extent.far_col)}",
                file=result.file,
                sheet=sheet,
                cell=cell_ref(extent.far_row, extent.far_col),
                return_id=result.return_id,
                provider=result.provider,
            )
        )


# --------------------------------------------------------------------- identification


def _template_keys(cells: _Cells) -> dict[str, str] | None:
    sheet = cells.sheet(TEMPLATE_SHEET)
    if sheet is None:
        return None
    keys: dict[str, str] = {}
    for row in cells.grid(sheet)[:200]:
        if len(row) >= 2 and isinstance(row[0], str) and row[0].strip():
            keys[row[0].strip().casefold()] = raw_text(row[1]).strip()
    return keys


def _identify(
    result: ReturnResult, wmap: WorkbookMap, cells: _Cells
) -> tuple[TemplateSpec, str, str]:
    """(spec to read by, version as found, how it was identified)."""
    keys = _template_keys(cells)
    if keys and keys.get("kind") == TEMPLATE_KIND and keys.get("service") in SERVICES:
        return (*resolve_spec(keys["service"], keys.get("version", ""), result), "template sheet")
    spec, version, how = _identify_without_sheet(wmap, cells)
    if keys is not None:
        result.issues.append(
            Issue(
                "unknown_template_service",
                f"the {TEMPLATE_SHEET!r} sheet names the service "
                f"{keys.get('service', '')[:100]!r} (kind {keys.get('kind', '')[:100]!r}), "
                f"which is not one of ours; read as the {spec.service} template by its {how}",
                file=result.file,
                sheet=cells.sheet(TEMPLATE_SHEET) or TEMPLATE_SHEET,
                return_id=result.return_id,
            )
        )
    return spec, version, how


def _identify_without_sheet(wmap: WorkbookMap, cells: _Cells) -> tuple[TemplateSpec, str, str]:
    """(spec, version, how) from the defined names, else the labels; else rejected."""
    # No identification sheet: the service whose field ids best match the defined names.
    best, best_score = None, 0.0
    for service in SERVICES:
        spec, _ = resolve_spec(service, "", None)
        ids = [f.id.casefold() for f in spec.fields()]
        score = sum(1 for i in ids if i in wmap.names) / max(len(ids), 1)
        if score > best_score:
            best, best_score = spec, score
    if best is not None and best_score >= 0.5:
        return best, best.version, "defined names"
    # Pasted into a blank workbook: the service whose labels best match the sheets' text.
    labels = _label_index(cells)
    best, best_score = None, 0.0
    for service in SERVICES:
        spec, _ = resolve_spec(service, "", None)
        wanted = [norm_label(f.label) for f in spec.fields() if f.required]
        found = sum(1 for w in wanted if w in labels)
        score = found / max(len(wanted), 1)
        if score > best_score:
            best, best_score = spec, score
    if best is not None and best_score >= 0.5:
        return best, best.version, "labels"
    raise Rejected(
        "wrong_template",
        "the workbook is not a cost of care return: it has no '_template' sheet, and neither "
        "the named cells nor the labels of any service's template were found",
    )


def _label_index(cells: _Cells) -> dict[str, list[tuple[str, int, int]]]:
    """Normalised text of every text cell -> its positions (sheet, row, col)."""
    index: dict[str, list[tuple[str, int, int]]] = {}
    for sheet in cells.sheet_names:
        if sheet.casefold() == TEMPLATE_SHEET.casefold():
            continue
        for r, row in enumerate(cells.grid(sheet)):
            for c, value in enumerate(row):
                if isinstance(value, str) and value and not value.isspace():
                    index.setdefault(norm_label(value), []).append((sheet, r, c))
    return index


# --------------------------------------------------------------------------- reading


@dataclass(slots=True)
class ReadCell:
    """One input as found: its field (as the return's template version defines it), where it
    was, and what was read (None when the cell was blank or could not be found)."""

    field: Field
    got: Coerced | None
    sheet: str = ""
    row: int = -1
    col: int = -1

    @property
    def cell(self) -> str:
        return cell_ref(self.row, self.col) if self.row >= 0 else ""


@dataclass
class ReadTable:
    """The rows of one table that hold anything: ``rows[i] = (row number, {col id: ReadCell})``
    (ids as output); ``found`` is False when the table could not be located."""

    table: Table
    rows: list[tuple[int, dict[str, ReadCell]]] = field(default_factory=list)
    found: bool = True
    sheet: str = ""
    missing_columns: tuple[str, ...] = ()


@dataclass
class _Context:
    result: ReturnResult
    spec: TemplateSpec
    version: str
    cells: _Cells
    wmap: WorkbookMap
    layout: TemplateLayout | None
    renames: dict[str, str]
    limits: ArchiveLimits = DEFAULT_LIMITS
    labels: dict | None = None
    truncated: list[str] = field(default_factory=list)
    singles: dict[str, ReadCell] = field(default_factory=dict)
    tables: dict[str, ReadTable] = field(default_factory=dict)

    def label_index(self) -> dict:
        if self.labels is None:
            self.labels = _label_index(self.cells)
        return self.labels

    def out_id(self, id: str, table: str = "") -> str:
        return _out_id(self.renames, id, table)


def _out_id(renames: dict[str, str], id: str, table: str = "") -> str:
    """The id a field, table or column (of ``table``) of an older version has today."""
    if not renames:
        return id
    if table:
        key = f"{table}.{id}"
        return renames.get(key, key).split(".", 1)[-1]
    return renames.get(id, id)


@dataclass(frozen=True, slots=True)
class _Input:
    """One input (a single field or a table column) of a template version, with what reading
    it needs worked out once per version: its id in the output (carried forward through the
    renames), the defined name it is looked up by, and the cell where the template puts it
    (None for a table column, or when the layout is unknown) with its A1 reference."""

    field: Field
    out_id: str
    name: str
    place: tuple[str, int, int] | None = None
    ref: str = ""
    any_number: bool = False
    """Every finite number is read as itself (money and number fields: :func:`_plainly_read`)."""


@dataclass(frozen=True, slots=True)
class _TablePlan:
    """A table of a template version: its id in the output, its columns by id, and the
    labels that end it when typed in a row below it (any field, table or section label of
    the template other than its own column headers)."""

    table: Table
    out_id: str
    columns: dict[str, _Input]
    end_labels: frozenset[str]
    last_header: dict = field(default_factory=dict)
    """The columns matched for the header row last seen (:func:`_columns_read`)."""


@dataclass(frozen=True)
class _Plan:
    """How returns made from one template version are read, worked out on first use
    (:func:`_plan_of`) rather than again for every return and cell."""

    spec: TemplateSpec
    layout: TemplateLayout | None
    renames: dict[str, str]
    singles: tuple[_Input, ...]
    tables: tuple[_TablePlan, ...]
    details: tuple[_Input, ...]
    """The inputs whose text is also kept on the :class:`ReturnResult` (:data:`_DETAILS`)."""


_DETAILS = ("service_name", "registration_number", "period_start", "period_end")
"""Fields whose text a :class:`ReturnResult` also keeps, as an attribute of the same name."""

_PLANS: dict[tuple[str, str], _Plan] = {}
"""The plan of each (service, version) read so far: a handful, one per template version."""


def _plan_of(spec: TemplateSpec) -> _Plan:
    """The (remembered) plan of a spec; made again when the spec or its renames differ from
    those it was made for (a spec registered anew under the same version)."""
    renames = rename_map(spec.service, spec.version)
    plan = _PLANS.get((spec.service, spec.version))
    if plan is None or plan.spec is not spec or plan.renames != renames:
        plan = _make_plan(spec, renames)
        _PLANS[(spec.service, spec.version)] = plan
    return plan


def _make_plan(spec: TemplateSpec, renames: dict[str, str]) -> _Plan:
    try:
        layout = layout_for(spec)
    except ImportError:  # no writer available: fields can still be read by name
        layout = None

    singles = []
    for f in spec.fields():
        place = layout.place(f.id) if layout is not None else None
        cell, ref = None, ""
        if place is not None:
            cell = (place.sheet, place.label_row, place.label_col + place.col_offset)
            ref = cell_ref(cell[1], cell[2])
        singles.append(
            _Input(f, _out_id(renames, f.id), f.id.casefold(), cell, ref, _any_number(f))
        )
    tables = []
    for table in spec.tables():
        table_out = _out_id(renames, table.id)
        columns = {
            c.id: _Input(c, _out_id(renames, c.id, table_out), "", None, "", _any_number(c))
            for c in table.columns
        }
        own_headers = {norm_label(c.label) for c in table.columns}
        known = layout.known_labels if layout is not None else frozenset()
        tables.append(_TablePlan(table, table_out, columns, known - own_headers))
    details = tuple(i for i in singles if i.field.id in _DETAILS)
    return _Plan(spec, layout, renames, tuple(singles), tuple(tables), details)


def _read_template(
    result: ReturnResult,
    wmap: WorkbookMap,
    cells: _Cells,
    wage_floors,
    limits: ArchiveLimits = DEFAULT_LIMITS,
) -> None:
    from .validate import check_return

    spec, version, located_by = _identify(result, wmap, cells)
    result.service = spec.service
    result.template_version = version
    result.located_by = located_by
    plan = _plan_of(spec)
    ctx = _Context(result, spec, version, cells, wmap, plan.layout, plan.renames, limits)
    if located_by == "labels":
        result.issues.append(
            Issue(
                "located_by_label",
                "no template identification sheet or named cells (pasted into another "
                f"workbook?); read as the {spec.service} template {spec.version} by its labels",
                file=result.file,
                return_id=result.return_id,
            )
        )
    located = _locate_singles(ctx, plan.singles)
    for i, where in located:  # provider first, so every row and issue carries the name
        if i.field.id == "provider_name" and where is not None:
            cell = cells.get(*where)
            if not is_blank(cell):
                result.provider = raw_text(cell)[: limits.max_text_length].strip()
    for i, where in located:
        if where is None:
            ctx.singles[i.out_id] = ReadCell(i.field, None)
            continue
        sheet, r, c = where
        ref = i.ref if where is i.place else cell_ref(r, c)
        ctx.singles[i.out_id] = _take(ctx, i, "", 0, sheet, r, c, ref, cells.get(sheet, r, c))
    for table in plan.tables:
        ctx.tables[table.out_id] = _read_table(ctx, table)
    for i in plan.details:
        read = ctx.singles.get(i.out_id)
        if read is not None and read.field is i.field and read.got is not None:
            setattr(result, i.field.id, read.got.text)
    check_return(result, spec, ctx.singles, ctx.tables, wage_floors)
    if ctx.truncated:
        shown = ", ".join(ctx.truncated[:10]) + (", ..." if len(ctx.truncated) > 10 else "")
        _issue(
            ctx,
            "text_truncated",
            f"{len(ctx.truncated):,} cell(s) held text longer than the limit of "
            f"{limits.max_text_length:,} characters and were cut to it: {shown}",
            "",
            "",
            -1,
            -1,
            "",
        )


def _locate_singles(
    ctx: _Context, inputs: tuple[_Input, ...]
) -> list[tuple[_Input, tuple[str, int, int] | None]]:
    """Where to read each single input: the cell its defined name points to when that is
    where the template puts it and the name covers that one cell (almost every input of
    every return: one loop tells them), else wherever :func:`_locate_field` finds it."""
    names, spans, sheet_named = ctx.wmap.names, ctx.wmap.spans, ctx.cells.sheet
    located = []
    for i in inputs:
        hit, place = names.get(i.name), i.place
        if (
            hit is not None
            and place is not None
            and hit[1] == place[1]
            and hit[2] == place[2]
            and sheet_named(hit[0]) == place[0]
            and not (spans and i.name in spans)
        ):
            located.append((i, place))
        else:
            located.append((i, _locate_field(ctx, i.field)))
    return located


def _locate_field(ctx: _Context, f: Field) -> tuple[str, int, int] | None:
    hit = ctx.wmap.names.get(f.id.casefold())
    if hit is not None:
        sheet = ctx.cells.sheet(hit[0])
        if sheet is not None:
            return _check_name(ctx, f, (sheet, hit[1], hit[2]))
    place = ctx.layout.place(f.id) if ctx.layout is not None else None
    spots = _label_spots(ctx, f)
    if not spots:
        return None
    if place is None:  # not learned: assume the input is just right of its label
        sheet, r, c = spots[0]
        target = (sheet, r, c + 1)
    else:
        own = [s for s in spots if s[0].casefold() == place.sheet.casefold()] or spots
        sheet, r, c = min(
            own, key=lambda s: (abs(s[1] - place.label_row), abs(s[2] - place.label_col))
        )
        target = (sheet, r + place.row_offset, c + place.col_offset)
    if ctx.result.located_by != "labels":  # one warning for the whole return is enough then
        _issue(
            ctx,
            "located_by_label",
            f"no named cell {f.id!r} (renamed or pasted?); found by its label {f.label!r}",
            ctx.out_id(f.id),
            *target,
            "",
        )
    return target


def _label_spots(ctx: _Context, f: Field) -> list[tuple[str, int, int]]:
    return ctx.label_index().get(norm_label(f.label), [])


def _label_at(ctx: _Context, sheet: str, r: int, c: int) -> str:
    value = ctx.cells.get(sheet, r, c)
    return norm_label(value) if isinstance(value, str) else ""


def _check_name(ctx: _Context, f: Field, named: tuple[str, int, int]) -> tuple[str, int, int]:
    """The cell to read for a field found by its defined name, checked against the layout.

    The name is trusted when it points where the template puts the field, or beside the
    field's label (rows inserted above move the name with its cell). Otherwise, and when
    the name covers more than one cell, the field is read where its label says (the
    template's place, else its label found on the sheets) with a ``name_mismatch`` warning
    naming the cell used and why.
    """
    place = ctx.layout.place(f.id) if ctx.layout is not None else None
    if place is None:
        return named
    sheet, r, c = named
    in_col = place.label_col + place.col_offset
    span = ctx.wmap.spans.get(f.id.casefold()) if ctx.wmap.spans else None
    if span is None and r == place.label_row and c == in_col and sheet == place.sheet:
        return named  # where the template puts it: almost every field of every return
    label = norm_label(f.label)
    at_layout = sheet.casefold() == place.sheet.casefold() and (r, c) == (place.label_row, in_col)
    if span is None and (at_layout or _label_at(ctx, sheet, r, c - place.col_offset) == label):
        return named
    layout_sheet = ctx.cells.sheet(place.sheet)
    spots = _label_spots(ctx, f)
    if (
        layout_sheet is not None
        and _label_at(ctx, layout_sheet, place.label_row, place.label_col) == label
    ):
        used, why = (
            (layout_sheet, place.label_row, in_col),
            "where the template puts it, beside its label",
        )
    elif spots:
        own = [s for s in spots if s[0].casefold() == place.sheet.casefold()] or spots
        ls, lr, lc = min(
            own, key=lambda s: (abs(s[1] - place.label_row), abs(s[2] - place.label_col))
        )
        used, why = (ls, lr, lc + place.col_offset), "beside its label, found on the sheet"
    else:
        used, why = named, "no label confirms another cell"
    if span is not None:
        pointed = f"covers {sheet}!{span}, not one cell"
    else:
        beside = _label_at(ctx, sheet, r, c - place.col_offset)
        pointed = f"points to {sheet}!{cell_ref(r, c)}" + (
            f" (beside the label {beside!r})" if beside else " (no label of this field beside it)"
        )
    raw = ctx.cells.get(*used)
    _issue(
        ctx,
        "name_mismatch",
        f"the named cell {f.id!r} {pointed}, but the template puts {f.label!r} at "
        f"{place.sheet}!{cell_ref(place.label_row, in_col)}; read from "
        f"{used[0]}!{cell_ref(used[1], used[2])} ({why})",
        ctx.out_id(f.id),
        *used,
        "" if is_blank(raw) else raw_text(raw)[:200],
    )
    return used


def _issue(ctx: _Context, code: str, message: str, f: str, sheet: str, r: int, c: int, raw: str):
    ctx.result.issues.append(
        Issue(
            code,
            message,
            file=ctx.result.file,
            sheet=sheet,
            cell=cell_ref(r, c) if r >= 0 else "",
            field=f,
            raw_value=raw,
            return_id=ctx.result.return_id,
            provider=ctx.result.provider,
        )
    )


def _take(
    ctx: _Context, i: _Input, table: str, row_no: int, sheet: str, r: int, c: int, ref: str,
    cell: object,
) -> ReadCell:  # fmt: skip
    """Coerce one cell (row ``r``, column ``c``, ``ref`` in A1 style, which the caller makes
    cheaply); record its tidy row (:data:`~costofcare.tables.catalogue.VALUES`, in its column
    order) and any coercion issue.

    Most cells hold a finite number that :func:`_plainly_read` lets through: no rule changes
    it and no issue can arise, so it is read as itself without :func:`coerce`."""
    f = i.field
    if (
        type(cell) is float
        and math.isfinite(cell)
        and (i.any_number or _plainly_read(f.kind, cell))
    ):
        got = Coerced(cell, "", float_text(cell))
    elif cell is None or cell == "":
        return ReadCell(f, None, sheet, r, c)
    else:
        got = _coerce_cell(ctx, i, table, row_no, sheet, r, c, cell)
        if got is None:
            return ReadCell(f, None, sheet, r, c)
    result = ctx.result
    result.values.append(
        (
            result.return_id,
            result.provider,
            ctx.spec.service,
            ctx.version,
            table,
            row_no,
            i.out_id,
            got.value,
            got.text,
            f.unit,
            result.file,
            sheet,
            ref,
            got.raw,
        )
    )
    return ReadCell(f, got, sheet, r, c)


def _coerce_cell(
    ctx: _Context, i: _Input, table: str, row_no: int, sheet: str, r: int, c: int, cell: object
) -> Coerced | None:
    """:func:`_take` for any other cell: None when it is blank, else what :func:`coerce`
    reads (text cut to the length limit first), with its issue recorded."""
    if is_blank(cell):
        return None
    f = i.field
    if type(cell) is str and len(cell) > ctx.limits.max_text_length:
        cell = cell[: ctx.limits.max_text_length]
        ctx.truncated.append(f"{sheet}!{cell_ref(r, c)}")
    got = coerce(cell, f.kind, choices=f.choices, date1904=ctx.wmap.date1904)
    if got.code and not (got.code == "not_applicable" and f.required):
        where = f"{table} row {row_no}, {f.label}" if table else f.label
        _issue(ctx, got.code, f"{where}: {got.message}", i.out_id, sheet, r, c, got.raw)
    return got


def _any_number(f: Field) -> bool:
    """True when :func:`_plainly_read` lets every finite number of the field through."""
    return f.kind in _PLAIN_NUMBER_KINDS


def _plainly_read(kind: str, cell: float) -> bool:
    """True when :func:`~costofcare.ingest.coerce.coerce` would read the finite number
    ``cell`` as itself with no note: any money or number, a whole integer, a percentage
    stored as a fraction no larger than 1 (and below the "whole percent" threshold)."""
    if kind in _PLAIN_NUMBER_KINDS:
        return True
    if kind == "integer":
        return cell.is_integer()
    if kind == "percent":
        return abs(cell) <= 1.0 and abs(cell) < PERCENT_WHOLE_FROM
    return False


@dataclass
class _TableSpot:
    """Where a table's header row is and how it was found."""

    sheet: str
    header_row: int
    first_col: int
    last_col: int
    last_row: int  # the defined table's last row; -1 when found by its labels
    by_label: bool


def _read_table(ctx: _Context, plan: _TablePlan) -> ReadTable:
    table = plan.table
    spot = _locate_table(ctx, table)
    if spot is None:
        _issue(
            ctx,
            "table_not_found",
            f"table {table.label!r} ({table.id}) was found neither by name nor by its "
            "header row; its rows were not read",
            plan.out_id,
            "",
            -1,
            -1,
            "",
        )
        return ReadTable(table, found=False)
    grid = ctx.cells.grid(spot.sheet)
    header = grid[spot.header_row] if spot.header_row < len(grid) else []
    inputs, unknown, missing = _columns_read(plan, header, spot)
    out = ReadTable(table, sheet=spot.sheet, missing_columns=missing)
    _report_layout(ctx, table, spot, missing)
    _read_rows(ctx, plan, spot, grid, header, inputs, unknown, out)
    return out


def _columns_read(
    plan: _TablePlan, header: list, spot: _TableSpot
) -> tuple[list[tuple[int, str, _Input]], list[int], tuple[str, ...]]:
    """(each grid column read, with its letters and its template column), the grid columns
    whose header the template does not know, and the ids of the template columns not found.

    A batch of returns made from one template shares its header rows, so the answer for a
    header row of plain text is kept until another header row is seen (never changed: the
    caller only reads it)."""
    key = _header_key(header[spot.first_col : spot.last_col + 1], spot)
    found = plan.last_header.get(key) if key is not None else None
    if found is None:
        columns, unknown = _match_columns(plan.table, header, spot)
        matched = {col.id for col in columns.values()}
        missing = tuple(col.id for col in plan.table.columns if col.id not in matched)
        inputs = [(c, column_letters(c), plan.columns[col.id]) for c, col in columns.items()]
        found = (inputs, unknown, missing)
        if key is not None:
            plan.last_header.clear()
            plan.last_header[key] = found
    return found


def _locate_table(ctx: _Context, table: Table) -> _TableSpot | None:
    """The table's header row: by its defined name, else by its column labels."""
    ref = ctx.wmap.tables.get(table.id.casefold())
    sheet = ctx.cells.sheet(ref.sheet) if ref is not None else None
    if ref is not None and sheet is not None and ref.header_row >= 0:
        return _TableSpot(sheet, ref.header_row, ref.first_col, ref.last_col, ref.last_row, False)
    found = _find_header_row(ctx, table)
    if found is None:
        return None
    sheet, header_row, first_col, last_col = found
    return _TableSpot(sheet, header_row, first_col, last_col, -1, True)


def _header_key(span: list, spot: _TableSpot) -> tuple | None:
    """What the columns matched for a header row depend on, when its cells are all text;
    else None (a number and a boolean can be equal as keys yet read differently)."""
    if all(type(v) is str for v in span):
        return (spot.first_col, spot.last_col, *span)
    return None


def _match_columns(
    table: Table, header: list, spot: _TableSpot
) -> tuple[dict[int, Field], list[int]]:
    """Grid column -> template column for each header the template knows (first match wins),
    and the grid columns whose header it does not know."""
    columns: dict[int, Field] = {}
    unknown: list[int] = []
    matched: set[str] = set()
    for c in range(spot.first_col, spot.last_col + 1):
        text = header[c] if c < len(header) else None
        col = table.column_for_header(raw_text(text)) if not is_blank(text) else None
        if col is not None and col.id not in matched:
            columns[c] = col
            matched.add(col.id)
        else:
            unknown.append(c)
    return columns, unknown


def _report_layout(ctx: _Context, table: Table, spot: _TableSpot, missing: tuple[str, ...]) -> None:
    """Issues for a table found by its labels and for each template column not found."""
    table_out = ctx.out_id(table.id)
    if spot.by_label:
        _issue(
            ctx,
            "located_by_label",
            f"no table named {table.id!r}; its rows were found under its header row",
            table_out,
            spot.sheet,
            spot.header_row,
            spot.first_col,
            "",
        )
    for col_id in missing:
        col = table.column(col_id)
        _issue(
            ctx,
            "column_not_found",
            f"table {table.label!r} has no column headed {col.label!r}; that column was not read",
            ctx.out_id(col_id, table_out),
            spot.sheet,
            spot.header_row,
            spot.first_col,
            "",
        )


def _row_ends_table(
    grid: list[list], r: int, spot: _TableSpot, end_labels: frozenset
) -> bool | None:
    """True when row ``r`` ends the table, None when it is a blank row to skip, else False."""
    span = grid[r][spot.first_col : spot.last_col + 1]
    inside = not spot.by_label and r <= spot.last_row
    if _all_blank(span):
        if inside or (spot.by_label and not _ends_block(grid, r, spot.first_col, spot.last_col)):
            return None
        return True
    if not inside:
        labels_here = {norm_label(v) for v in span if isinstance(v, str)}
        if labels_here & end_labels:
            return True
    return False


def _all_blank(cells: list) -> bool:
    """True when every cell is blank (:func:`~costofcare.ingest.coerce.is_blank`); the cell
    reader gives "" for an empty cell, so a blank row is mostly told by one count."""
    return cells.count("") == len(cells) or all(is_blank(v) for v in cells)


def _read_rows(
    ctx: _Context,
    plan: _TablePlan,
    spot: _TableSpot,
    grid: list[list],
    header: list,
    inputs: list[tuple[int, str, _Input]],
    unknown: list[int],
    out: ReadTable,
) -> None:
    """Read each row below the header until the table ends, into ``out.rows``; ``inputs``
    gives each grid column read, its letters and its template column."""
    table, table_out = plan.table, plan.out_id
    unknown_seen: set[int] = set()
    below = 0
    for r in range(spot.header_row + 1, len(grid)):
        ends = _row_ends_table(grid, r, spot, plan.end_labels)
        if ends is None:
            continue
        if ends:
            break
        row = grid[r]
        row_no = r - spot.header_row
        if not spot.by_label and r > spot.last_row:
            below += 1
            if below > ctx.limits.max_rows_below_table:
                _rows_not_read(ctx, plan, spot, grid, r)
                break
            _issue(
                ctx,
                "located_by_label",
                f"row {row_no} is below the end of table {table.label!r}; read as part of it",
                table_out,
                spot.sheet,
                r,
                spot.first_col,
                "",
            )
        read: dict[str, ReadCell] = {}
        number = str(r + 1)  # the row's part of each cell's A1 reference
        for c, letters, i in inputs:
            cell = row[c] if c < len(row) else None
            ref = letters + number
            read[i.out_id] = _take(ctx, i, table_out, row_no, spot.sheet, r, c, ref, cell)
        for c in unknown:
            cell = row[c] if c < len(row) else None
            if c not in unknown_seen and not is_blank(cell):
                unknown_seen.add(c)
                head = raw_text(header[c]) if c < len(header) else ""
                _issue(
                    ctx,
                    "unknown_column",
                    f"table {table.label!r} has a column headed {head!r} that the template "
                    "does not define; its values were not read",
                    table_out,
                    spot.sheet,
                    r,
                    c,
                    raw_text(cell),
                )
        out.rows.append((row_no, read))


def _rows_not_read(
    ctx: _Context, plan: _TablePlan, spot: _TableSpot, grid: list[list], first: int
) -> None:
    """One ``rows_not_read`` warning for the rows below a table beyond the limit."""
    left = 0
    for r in range(first, len(grid)):
        ends = _row_ends_table(grid, r, spot, plan.end_labels)
        if ends:
            break
        left += ends is False
    limit = ctx.limits.max_rows_below_table
    _issue(
        ctx,
        "rows_not_read",
        f"{left:,} more row(s) typed below the end of table {plan.table.label!r} were not "
        f"read: over the limit of {limit:,} rows read below a table",
        plan.out_id,
        spot.sheet,
        first,
        spot.first_col,
        "",
    )


def _ends_block(grid: list[list], r: int, first_col: int, last_col: int) -> bool:
    """True when the rows from ``r`` are blank to the end or for 3 rows in a row."""
    for rr in range(r, min(r + 3, len(grid))):
        if not _all_blank(grid[rr][first_col : last_col + 1]):
            return False
    return True


def _find_header_row(ctx: _Context, table: Table) -> tuple[str, int, int, int] | None:
    """(sheet, header row, first col, last col) of a table found by its column headers."""
    wanted = {norm_label(c.label) for c in table.columns}
    rows: dict[tuple[str, int], list[int]] = {}
    for text, spots in ctx.label_index().items():
        if text in wanted:
            for sheet, r, c in spots:
                rows.setdefault((sheet, r), []).append(c)
    if not rows:
        return None
    (sheet, r), cols = max(rows.items(), key=lambda kv: len(kv[1]))
    if len(cols) < max(2, len(table.columns) // 2):
        return None
    return sheet, r, min(cols), max(cols)
