"""Where a workbook keeps its inputs: sheets, defined names and tables.

Parsed from the package parts after :mod:`costofcare.ingest.archive` has checked the
container, with DTDs, entity declarations and external references refused (expat directly
for the small xlsx parts, defusedxml for the ods ``content.xml``):

- xlsx/xlsm: ``xl/workbook.xml`` (sheets, workbook-scope defined names, 1904 date system),
  ``xl/_rels/workbook.xml.rels``, ``xl/worksheets/_rels/*.rels`` and ``xl/tables/*.xml``;
- ods: the named ranges and database ranges in ``content.xml``.

Nothing here reads cell values; :mod:`costofcare.ingest.reader` does that with calamine.
"""

from __future__ import annotations

import dataclasses
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .archive import WORKSHEET_PARTS, CheckedArchive
from .issues import Rejected
from .safexml import parse_untrusted

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
NS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
REL_TABLE = "/table"

_A1 = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_XLSX_REF = re.compile(
    r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Za-z]{1,3})\$?(\d{1,7})"
    r"(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?$"
)
_ODS_REF = re.compile(
    r"^\$?(?:'((?:[^']|'')+)'|([^.':]+))\.\$?([A-Za-z]{1,3})\$?(\d{1,7})"
    r"(?::\$?(?:(?:'(?:[^']|'')+'|[^.':]+))?\.\$?([A-Za-z]{1,3})\$?(\d{1,7}))?$"
)


def column_index(letters: str) -> int:
    """0-based column index of column letters (``"A"`` -> 0, ``"AA"`` -> 26)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def column_letters(index: int) -> str:
    """Column letters of a 0-based column index (0 -> ``"A"``)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_LETTERS = [column_letters(i) for i in range(702)]  # A .. ZZ


def cell_ref(row: int, col: int) -> str:
    """A1 reference of a 0-based (row, column)."""
    letters = _LETTERS[col] if 0 <= col < 702 else column_letters(col)
    return f"{letters}{row + 1}"


def parse_a1(ref: str) -> tuple[int, int]:
    """0-based (row, column) of an A1 reference (``$`` allowed)."""
    m = _A1.fullmatch(ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m[2]) - 1, column_index(m[1])


@dataclass(frozen=True)
class TableRef:
    """An Excel table (or ods database range): its sheet, cell block and header names.

    Rows and columns are 0-based and inclusive; ``header_row`` is the row of column
    headers, or -1 when the table has none.
    """

    name: str
    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    header_row: int
    columns: tuple[str, ...] = ()


@dataclass
class WorkbookMap:
    """Sheets, workbook-scope defined names and tables of one workbook.

    ``names`` maps the casefolded name to ``(sheet, row, col)`` of its first cell (Excel
    names are case-insensitive); ``tables`` maps the casefolded table name to a
    :class:`TableRef`; ``error_cells`` maps a sheet name to the cells whose cached value is
    a spreadsheet error, ``{(row, col): "#DIV/0!"}`` (the cell reader sees them as blank);
    ``sheet_of_part`` maps a worksheet part to its sheet name; ``spans`` maps a casefolded
    defined name that covers more than one cell to its range (``"B5:XFD1048576"``).
    """

    sheets: list[str] = field(default_factory=list)
    names: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    tables: dict[str, TableRef] = field(default_factory=dict)
    date1904: bool = False
    error_cells: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    sheet_of_part: dict[str, str] = field(default_factory=dict)
    spans: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Element:
    """One element of interest from a package part: its tag, attributes and text."""

    tag: str
    attrs: dict[str, str]
    text: str = ""


def _scan(
    archive: CheckedArchive, part: str, wanted: frozenset[str], with_text: frozenset[str]
) -> list[_Element] | None:
    """The ``wanted`` elements of an XML part in document order (None if the part is absent).

    Parsed with expat directly (much quicker than building a tree): namespaces are
    expanded to ``{uri}local`` as in ElementTree; a document type declaration, entity
    declaration or external entity reference rejects the file (the archive check has
    already refused any part whose prolog declares a DTD); undefined entities are a
    well-formedness error.
    """
    data = archive.read_member(part)
    if data is None:
        return None
    found: list[_Element] = []
    texts: list[str] = []
    capture: list[_Element] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = "{" + name if "}" in name else name
        if tag in wanted:
            if any("}" in k for k in attrs):
                attrs = {("{" + k if "}" in k else k): v for k, v in attrs.items()}
            element = _Element(tag, attrs)
            found.append(element)
            if tag in with_text:
                capture.append(element)
                texts.clear()

    def end(name: str) -> None:
        if capture and ("{" + name if "}" in name else name) == capture[-1].tag:
            capture.pop().text = "".join(texts)

    def chars(data: str) -> None:
        if capture:
            texts.append(data)

    parse_untrusted(data, part, start, end if with_text else None, chars if with_text else None)
    return found


def map_workbook(archive: CheckedArchive) -> WorkbookMap:
    """The :class:`WorkbookMap` of a checked archive (xlsx/xlsm or ods)."""
    if archive.format == "ods":
        with zipfile.ZipFile(io.BytesIO(archive.data)) as zf:
            return _map_ods(zf, archive)
    return _map_xlsx(archive)


_REL_TAGS = frozenset({f"{NS_PKG_REL}Relationship"})
_WORKBOOK_TAGS = frozenset({f"{NS_MAIN}workbookPr", f"{NS_MAIN}sheet", f"{NS_MAIN}definedName"})
_DEFINED_NAME = frozenset({f"{NS_MAIN}definedName"})
_TABLE_TAGS = frozenset({f"{NS_MAIN}table", f"{NS_MAIN}tableColumn"})
_CELL_TAGS = frozenset({f"{NS_MAIN}c", f"{NS_MAIN}v"})
_VALUE = frozenset({f"{NS_MAIN}v"})


def _rels(archive: CheckedArchive, rels_path: str, base_dir: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, resolved part name) from a .rels part."""
    out: dict[str, tuple[str, str]] = {}
    for rel in _scan(archive, rels_path, _REL_TAGS, frozenset()) or ():
        target = rel.attrs.get("Target", "")
        if rel.attrs.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(base_dir, target))
        out[rel.attrs.get("Id", "")] = (rel.attrs.get("Type", ""), resolved)
    return out


_STRUCTURES: dict[tuple, WorkbookMap] = {}
"""Maps already worked out, by the bytes of the parts they were read from (a batch of
returns made from one template mostly shares them); at most :data:`STRUCTURES_KEPT`."""
STRUCTURES_KEPT = 64


def _map_xlsx(archive: CheckedArchive) -> WorkbookMap:
    """The map of an xlsx: sheets, names and tables (from the small parts the archive check
    kept, remembered by their bytes), then the error cells of this file's worksheets."""
    key = tuple(
        sorted((n, d) for n, d in archive.parts.items() if not WORKSHEET_PARTS.fullmatch(n))
    )
    base = _STRUCTURES.get(key)
    if base is None:
        base, read = _xlsx_structure(archive)
        if all(part in archive.parts or part not in archive.members for part in read):
            if len(_STRUCTURES) >= STRUCTURES_KEPT:
                _STRUCTURES.pop(next(iter(_STRUCTURES)))
            _STRUCTURES[key] = base
    out = dataclasses.replace(base, error_cells={})
    for part, sheet in base.sheet_of_part.items():
        if part in archive.parts and WORKSHEET_PARTS.fullmatch(part):
            errors = _error_cells(archive, part)
            if errors:
                out.error_cells[sheet] = errors
    return out


def _xlsx_structure(archive: CheckedArchive) -> tuple[WorkbookMap, set[str]]:
    """Sheets, names and tables of an xlsx (shared by every file with the same parts: never
    changed once made), and the parts read to find them."""
    read = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"}
    elements = _scan(archive, "xl/workbook.xml", _WORKBOOK_TAGS, _DEFINED_NAME)
    if elements is None:
        raise Rejected("corrupt_archive", "the workbook has no xl/workbook.xml part")
    out = WorkbookMap()
    rels = _rels(archive, "xl/_rels/workbook.xml.rels", "xl")
    sheet_parts: dict[str, str] = {}
    pr_seen = False
    for el in elements:
        if el.tag == f"{NS_MAIN}workbookPr":
            if not pr_seen and el.attrs.get("date1904", "").lower() in ("1", "true"):
                out.date1904 = True
            pr_seen = True
        elif el.tag == f"{NS_MAIN}sheet":
            name = el.attrs.get("name", "")
            out.sheets.append(name)
            rid = el.attrs.get(f"{NS_REL}id", "")
            if rid in rels:
                sheet_parts[name] = rels[rid][1]
        else:
            name = el.attrs.get("name", "")
            if el.attrs.get("localSheetId") is not None or name.startswith("_xlnm."):
                continue
            m = _XLSX_REF.match(el.text.strip().lstrip("="))
            if not m:
                continue
            sheet = (m[1] or "").replace("''", "'") or m[2]
            out.names[name.casefold()] = (sheet, int(m[4]) - 1, column_index(m[3]))
            _note_span(out, name, m[3], m[4], m[5], m[6])
    out.sheet_of_part = {part: sheet for sheet, part in sheet_parts.items()}
    for sheet, part in sheet_parts.items():
        directory, base = posixpath.split(part)
        rels_path = f"{directory}/_rels/{base}.rels"
        read.add(rels_path)
        for kind, table_part in _rels(archive, rels_path, directory).values():
            if not kind.endswith(REL_TABLE):
                continue
            read.add(table_part)
            ref = _xlsx_table(archive, table_part, sheet)
            if ref is not None:
                out.tables[ref.name.casefold()] = ref
    return out, read


def _error_cells(archive: CheckedArchive, part: str) -> dict[tuple[int, int], str]:
    """``{(row, col): error text}`` of the cells of error type (``t="e"``) in a worksheet."""
    out: dict[tuple[int, int], str] = {}
    where: tuple[int, int] | None = None
    for el in _scan(archive, part, _CELL_TAGS, _VALUE) or ():
        if el.tag == f"{NS_MAIN}c":
            where = None
            if el.attrs.get("t") == "e":
                try:
                    where = parse_a1(el.attrs.get("r", ""))
                except ValueError:
                    where = None
        elif where is not None:
            out[where] = el.text.strip() or "#ERROR"
            where = None
    return out


def _xlsx_table(archive: CheckedArchive, part: str, sheet: str) -> TableRef | None:
    elements = _scan(archive, part, _TABLE_TAGS, frozenset())
    if not elements or elements[0].tag != f"{NS_MAIN}table":
        return None
    root = elements[0].attrs
    name = root.get("displayName") or root.get("name") or ""
    span = (root.get("ref") or "").split(":")
    if not name or len(span) != 2:
        return None
    try:
        (r0, c0), (r1, c1) = parse_a1(span[0]), parse_a1(span[1])
    except ValueError:
        return None
    header_rows = int(root.get("headerRowCount", "1") or 1)
    columns = tuple(
        el.attrs.get("name", "") for el in elements[1:] if el.tag == f"{NS_MAIN}tableColumn"
    )
    return TableRef(name, sheet, r0, c0, r1, c1, r0 if header_rows else -1, columns)


def _ods_sheet(m: re.Match) -> str:
    return (m[1] or "").replace("''", "'") or m[2]


def _map_ods(zf: zipfile.ZipFile, archive: CheckedArchive) -> WorkbookMap:
    """Sheets, named ranges and database ranges of an ods ``content.xml``.

    Read incrementally, clearing each sheet's cells as they pass: the names sit after the
    sheets, and the cell data is read separately by calamine.
    """
    out = WorkbookMap()
    try:
        stream = zf.open("content.xml")
    except KeyError:
        raise Rejected("corrupt_archive", "the spreadsheet has no content.xml part") from None
    from .sheets import read_area

    bound = _OdsBound(
        *read_area(archive.limits.margin_rows, archive.limits.margin_columns),
        archive.limits.max_sheet_cells,
    )
    try:
        with stream:
            depth_in_table = 0
            row = col = 0
            for event, elem in SafeET.iterparse(stream, events=("start", "end"), forbid_dtd=True):
                tag = elem.tag
                if tag == f"{NS_TABLE}table":
                    if event == "start":
                        depth_in_table += 1
                        if depth_in_table == 1:
                            out.sheets.append(elem.get(f"{NS_TABLE}name", ""))
                            row = 0
                            bound.cells = 0
                    else:
                        depth_in_table -= 1
                        elem.clear()
                    continue
                if depth_in_table == 1 and tag == f"{NS_TABLE}table-row":
                    if event == "start":
                        col = 0
                        bound.in_row = 0
                    else:
                        repeat = _repeat(elem, f"{NS_TABLE}number-rows-repeated")
                        bound.row_end(row, repeat, out.sheets[-1])
                        row += repeat
                        elem.clear()
                    continue
                if event != "end":
                    continue
                if depth_in_table:
                    if depth_in_table == 1 and tag in _ODS_CELLS:
                        if elem.get(_ODS_VALUE_TYPE) == "error":  # cached error, read as blank
                            text = " ".join("".join(elem.itertext()).split()) or "#ERROR"
                            out.error_cells.setdefault(out.sheets[-1], {})[(row, col)] = text
                        repeat = _repeat(elem, f"{NS_TABLE}number-columns-repeated")
                        if elem.get(_ODS_OFFICE_TYPE) is not None or len(elem):
                            bound.cell(col, repeat, out.sheets[-1])
                        col += repeat
                    if tag in (f"{NS_TABLE}table-row", f"{NS_TABLE}table-cell"):
                        elem.clear()
                    continue
                if tag == f"{NS_TABLE}named-range":
                    _ods_named_range(elem, out)
                elif tag == f"{NS_TABLE}database-range":
                    _ods_database_range(elem, out)
    except DefusedXmlException as exc:
        raise Rejected("unsafe_xml", f"content.xml uses refused XML features ({exc})") from None
    except ParseError as exc:
        raise Rejected("corrupt_archive", f"content.xml is not well-formed XML ({exc})") from None
    return out


_ODS_CELLS = frozenset({f"{NS_TABLE}table-cell", f"{NS_TABLE}covered-table-cell"})
_ODS_OFFICE_TYPE = f"{NS_OFFICE}value-type"


@dataclass
class _OdsBound:
    """The ods counterpart of :mod:`costofcare.ingest.sheets`: a cell holding anything, once
    its repeats (``number-rows-repeated``, ``number-columns-repeated``) are counted, must lie
    inside the area read, and a sheet may hold at most ``max_cells`` such cells. An ods is
    not trimmed: a sheet breaking either bound rejects the file (``oversized_sheet``)."""

    rows: int
    cols: int
    max_cells: int
    cells: int = 0
    in_row: int = 0

    def cell(self, col: int, repeat: int, sheet: str) -> None:
        if col + repeat > self.cols:
            self._refuse(sheet, f"a cell in column {col + repeat:,}")
        self.in_row += repeat

    def row_end(self, row: int, repeat: int, sheet: str) -> None:
        if not self.in_row:
            return
        if row + repeat > self.rows:
            self._refuse(sheet, f"cells down to row {row + repeat:,}")
        self.cells += self.in_row * repeat
        if self.cells > self.max_cells:
            raise Rejected(
                "oversized_sheet",
                f"sheet {sheet!r} holds more than {self.max_cells:,} cells, the limit for a sheet",
            )

    def _refuse(self, sheet: str, where: str) -> None:
        raise Rejected(
            "oversized_sheet",
            f"sheet {sheet!r} has {where}, far outside the template (the area read is "
            f"{self.rows:,} rows by {self.cols:,} columns); an .ods sheet is not trimmed",
        )


_ODS_VALUE_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"
"""LibreOffice marks a cell whose formula gave an error with this attribute set to "error"
(its ``office:string-value`` is empty, so the cell reader sees it as blank)."""


def _repeat(elem, attribute: str) -> int:
    try:
        return max(1, int(elem.get(attribute, "1")))
    except ValueError:
        return 1


def _ods_named_range(elem, out: WorkbookMap) -> None:
    name = elem.get(f"{NS_TABLE}name", "")
    address = elem.get(f"{NS_TABLE}cell-range-address") or elem.get(
        f"{NS_TABLE}base-cell-address", ""
    )
    m = _ODS_REF.match(address.strip())
    if name and m:
        out.names[name.casefold()] = (_ods_sheet(m), int(m[4]) - 1, column_index(m[3]))
        _note_span(out, name, m[3], m[4], m[5], m[6])


def _note_span(out: WorkbookMap, name: str, c0: str, r0: str, c1: str | None, r1: str | None):
    """Record a defined name that covers more than one cell (``"B5:XFD1048576"``)."""
    if c1 and r1 and (c1.upper(), int(r1)) != (c0.upper(), int(r0)):
        out.spans[name.casefold()] = f"{c0.upper()}{int(r0)}:{c1.upper()}{int(r1)}"


def _ods_database_range(elem, out: WorkbookMap) -> None:
    name = elem.get(f"{NS_TABLE}name", "")
    m = _ODS_REF.match(elem.get(f"{NS_TABLE}target-range-address", "").strip())
    if not name or not m or not m[5]:
        return
    r0, c0 = int(m[4]) - 1, column_index(m[3])
    r1, c1 = int(m[6]) - 1, column_index(m[5])
    has_header = elem.get(f"{NS_TABLE}contains-header", "true") != "false"
    out.tables[name.casefold()] = TableRef(
        name, _ods_sheet(m), r0, c0, r1, c1, r0 if has_header else -1
    )
