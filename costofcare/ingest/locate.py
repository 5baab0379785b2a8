"""Where a workbook keeps its inputs: sheets, defined names and tables.

Parsed from the package parts with defusedxml (DTDs, entity expansion and external
references refused) after :mod:`costofcare.ingest.archive` has checked the container:

- xlsx/xlsm: ``xl/workbook.xml`` (sheets, workbook-scope defined names, 1904 date system),
  ``xl/_rels/workbook.xml.rels``, ``xl/worksheets/_rels/*.rels`` and ``xl/tables/*.xml``;
- ods: the named ranges and database ranges in ``content.xml``.

Nothing here reads cell values; :mod:`costofcare.ingest.reader` does that with calamine.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .archive import CheckedArchive
from .issues import Rejected

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
NS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
REL_TABLE = "/table"

_A1 = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_XLSX_REF = re.compile(
    r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?[A-Za-z]{1,3}\$?\d{1,7})?$"
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
    :class:`TableRef`.
    """

    sheets: list[str] = field(default_factory=list)
    names: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    tables: dict[str, TableRef] = field(default_factory=dict)
    date1904: bool = False


def _parse_xml(zf: zipfile.ZipFile, name: str):
    try:
        data = zf.read(name)
    except KeyError:
        return None
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise Rejected("unsafe_xml", f"part {name!r} uses refused XML features ({exc})") from None
    except ParseError as exc:
        raise Rejected("corrupt_archive", f"part {name!r} is not well-formed XML ({exc})") from None


def map_workbook(archive: CheckedArchive) -> WorkbookMap:
    """The :class:`WorkbookMap` of a checked archive (xlsx/xlsm or ods)."""
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zf:
        if archive.format == "ods":
            return _map_ods(zf)
        return _map_xlsx(zf)


def _rels(zf: zipfile.ZipFile, rels_path: str, base_dir: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, resolved part name) from a .rels part."""
    root = _parse_xml(zf, rels_path)
    out: dict[str, tuple[str, str]] = {}
    if root is None:
        return out
    for rel in root.iter(f"{NS_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(base_dir, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), resolved)
    return out


def _map_xlsx(zf: zipfile.ZipFile) -> WorkbookMap:
    wb = _parse_xml(zf, "xl/workbook.xml")
    if wb is None:
        raise Rejected("corrupt_archive", "the workbook has no xl/workbook.xml part")
    out = WorkbookMap()
    pr = wb.find(f"{NS_MAIN}workbookPr")
    if pr is not None and pr.get("date1904", "").lower() in ("1", "true"):
        out.date1904 = True
    rels = _rels(zf, "xl/_rels/workbook.xml.rels", "xl")
    sheet_parts: dict[str, str] = {}
    for sheet in wb.iter(f"{NS_MAIN}sheet"):
        name = sheet.get("name", "")
        out.sheets.append(name)
        rid = sheet.get(f"{NS_REL}id", "")
        if rid in rels:
            sheet_parts[name] = rels[rid][1]
    for dn in wb.iter(f"{NS_MAIN}definedName"):
        name = dn.get("name", "")
        if dn.get("localSheetId") is not None or name.startswith("_xlnm."):
            continue
        m = _XLSX_REF.match((dn.text or "").strip().lstrip("="))
        if not m:
            continue
        sheet = (m[1] or "").replace("''", "'") or m[2]
        out.names[name.casefold()] = (sheet, int(m[4]) - 1, column_index(m[3]))
    for sheet, part in sheet_parts.items():
        directory, base = posixpath.split(part)
        for kind, table_part in _rels(zf, f"{directory}/_rels/{base}.rels", directory).values():
            if not kind.endswith(REL_TABLE):
                continue
            ref = _xlsx_table(zf, table_part, sheet)
            if ref is not None:
                out.tables[ref.name.casefold()] = ref
    return out


def _xlsx_table(zf: zipfile.ZipFile, part: str, sheet: str) -> TableRef | None:
    root = _parse_xml(zf, part)
    if root is None:
        return None
    name = root.get("displayName") or root.get("name") or ""
    span = (root.get("ref") or "").split(":")
    if not name or len(span) != 2:
        return None
    try:
        (r0, c0), (r1, c1) = parse_a1(span[0]), parse_a1(span[1])
    except ValueError:
        return None
    header_rows = int(root.get("headerRowCount", "1") or 1)
    columns = tuple(tc.get("name", "") for tc in root.iter(f"{NS_MAIN}tableColumn"))
    return TableRef(name, sheet, r0, c0, r1, c1, r0 if header_rows else -1, columns)


def _ods_sheet(m: re.Match) -> str:
    return (m[1] or "").replace("''", "'") or m[2]


def _map_ods(zf: zipfile.ZipFile) -> WorkbookMap:
    """Sheets, named ranges and database ranges of an ods ``content.xml``.

    Read incrementally, clearing each sheet's cells as they pass: the names sit after the
    sheets, and the cell data is read separately by calamine.
    """
    out = WorkbookMap()
    try:
        stream = zf.open("content.xml")
    except KeyError:
        raise Rejected("corrupt_archive", "the spreadsheet has no content.xml part") from None
    try:
        with stream:
            depth_in_table = 0
            for event, elem in SafeET.iterparse(stream, events=("start", "end"), forbid_dtd=True):
                tag = elem.tag
                if tag == f"{NS_TABLE}table":
                    if event == "start":
                        depth_in_table += 1
                        if depth_in_table == 1:
                            out.sheets.append(elem.get(f"{NS_TABLE}name", ""))
                    else:
                        depth_in_table -= 1
                        elem.clear()
                    continue
                if event != "end":
                    continue
                if depth_in_table:
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


def _ods_named_range(elem, out: WorkbookMap) -> None:
    name = elem.get(f"{NS_TABLE}name", "")
    address = elem.get(f"{NS_TABLE}cell-range-address") or elem.get(
        f"{NS_TABLE}base-cell-address", ""
    )
    m = _ODS_REF.match(address.strip())
    if name and m:
        out.names[name.casefold()] = (_ods_sheet(m), int(m[4]) - 1, column_index(m[3]))


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
