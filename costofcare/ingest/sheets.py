"""Bound the cells of every worksheet before the cell reader sees them.

The cell reader builds a dense grid from the first to the last cell of a sheet: one cell
typed at ``XFD1048576`` asks it for 17 billion cells (it aborts the process), one at
``ZZ20000`` for 14 million (hundreds of MB). So before it opens a workbook, every worksheet
part (already inflated, under a cap, by :mod:`costofcare.ingest.archive`) is scanned for
where its cells are:

- the quick path: every cell tag ``<c`` of the part is written ``<c r="B5"`` (as Excel,
  LibreOffice and openpyxl write them), so two regular expressions over the bytes give
  every cell's position;
- otherwise (a namespace prefix, attributes in another order, a cell without a reference,
  character references), expat reads the part, with DTDs and entities refused, and works
  out each cell's position as the cell reader does.

A sheet with more cells than :attr:`~costofcare.ingest.archive.ArchiveLimits.max_sheet_cells`
rejects the file. Cells beyond the area any template uses plus a margin
(:func:`read_area`) are taken out of the sheet before the cell reader sees it, and one
``cells_outside_template`` warning per sheet says how many and where the furthest was;
a sheet that cannot be trimmed safely (its cells are not in the quick form) rejects the file.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .issues import Rejected
from .safexml import parse_untrusted

_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c[\s/>]")
_PREFIXED_C = re.compile(rb":c")
_MAYBE_CELL = re.compile(rb'<c(?![ofu])( r=")?')
_QUICK_REF = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_QUICK_CELL = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"[^>]*?(?:/>|>.*?</c>)', re.DOTALL)
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?dimension\b[^>]*>")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,9})")


@dataclass(frozen=True)
class SheetExtent:
    """Where the cells of one worksheet part are (0-based, inclusive; -1 when none, and
    when every cell is inside the area read, as the quick path does not look further).

    ``quick`` says every cell is in the quick form, so the part can be trimmed by
    :func:`trim_sheet`; ``outside`` counts the cells beyond the area read, the furthest
    of them at ``far_row``, ``far_col``.
    """

    last_row: int
    last_col: int
    quick: bool
    outside: int = 0
    far_row: int = -1
    far_col: int = -1


def _col(letters: str | bytes) -> int:
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + (ord(ch) - 64)
    return n - 1


@functools.lru_cache(maxsize=1)
def template_extent() -> tuple[int, int]:
    """(rows, columns) of the largest sheet of any template, every service and version.

    Rows run to the last row the template writer lays out, a table's blank rows included;
    columns to the last column of the widest table or the help column.
    """
    from ..templates.spec import SERVICES, get_spec, versions
    from ..templates.writer import HELP_COL, layout

    rows, cols = 0, HELP_COL + 1
    for service in SERVICES:
        for version in versions(service):
            places = layout(get_spec(service, version))
            for sheet_rows in places.rows.values():
                rows = max(rows, max((r for r, _, _ in sheet_rows), default=0) + 1)
            for table in places.tables.values():
                rows = max(rows, table.last_row + 1)
                cols = max(cols, table.last_col + 1)
    return rows, cols


def read_area(margin_rows: int, margin_columns: int) -> tuple[int, int]:
    """(rows, columns) read from any sheet: the largest template sheet plus the margins."""
    rows, cols = template_extent()
    return min(rows + margin_rows, MAX_ROWS), min(cols + margin_columns, MAX_COLUMNS)


MAX_ROWS = 1_048_576
"""The last row of a spreadsheet."""
MAX_COLUMNS = 702
"""The columns read at most, whatever the margin: A to ZZ."""


def scan_sheet(data: bytes, area: tuple[int, int], max_cells: int, part: str) -> SheetExtent:
    """Where the cells of a worksheet part are, and how many lie outside ``area``.

    The quick path (almost every file, :func:`_plainly_inside`) answers with two searches
    in C; otherwise :func:`careful_extent` does.

    Raises
    ------
    Rejected
        ``oversized_sheet`` when the part holds more than ``max_cells`` cells;
        ``unsafe_xml``/``corrupt_archive`` when expat refuses it.
    """
    if _plainly_inside(data, area, max_cells):
        return SheetExtent(-1, -1, True)
    return careful_extent(data, area, max_cells, part)


def _plainly_inside(data: bytes, area: tuple[int, int], max_cells: int) -> bool:
    """True when the part holds at most ``max_cells`` cells, all in the quick form and
    inside ``area``: what :func:`careful_extent` would find, in two passes over the bytes.

    A ``<c`` takes two bytes, so a part of at most ``2 * max_cells`` bytes cannot hold too
    many (counting them is a pass of its own). The two searches: no namespace-prefixed tag
    named ``c`` (``:c``, whose rare first byte makes the search quick), and no ``<c`` that
    is neither ``<col``/``<cf``/``<cu`` nor plainly inside (:func:`_not_plainly_inside`).
    """
    return (
        (len(data) <= 2 * max_cells or data.count(b"<c") <= max_cells)
        and _PREFIXED_C.search(data) is None
        and _not_plainly_inside(area).search(data) is None
    )


def careful_extent(data: bytes, area: tuple[int, int], max_cells: int, part: str) -> SheetExtent:
    """:func:`scan_sheet` step by step: the quick references counted and, if any lies
    outside ``area``, each looked at; expat reading the part when not every cell is quick."""
    if data.count(b"<c") <= 2 * max_cells:
        # Every "<c" that does not start <col.., <cf.. or <cu.. (the other sheet elements
        # beginning with c) might be a cell; when each of them is a quick one and no tag has
        # a namespace prefix, the quick references are every cell of the sheet.
        found = _MAYBE_CELL.findall(data)
        quick = found.count(b' r="')
        if quick > max_cells:
            _too_many(part, max_cells)
        if quick == len(found) and _PREFIXED_C.search(data) is None:
            if _outside_pattern(area).search(data) is None:
                return SheetExtent(-1, -1, True)
            refs = _QUICK_REF.findall(data)
            if len(refs) == quick:
                return _quick_extent(refs, area)
    tags = 0
    for _ in _CELL_TAG.finditer(data):
        tags += 1
        if tags > max_cells:
            _too_many(part, max_cells)
    return _extent(_expat_cells(data, part), area, quick=False)


@functools.lru_cache(maxsize=8)
def _outside_pattern(area: tuple[int, int]) -> re.Pattern:
    """A quick cell reference outside ``area``: its column letters are not one of the area's
    (or not letters at all), or its row number (leading zeros allowed) is past the last."""
    rows, cols = area
    return re.compile(
        rb'<c r="(?:(?!(?:' + _columns_below(cols) + rb")[0-9])"
        rb"|[A-Za-z]{1,3}0*(?:" + _number_above(rows) + rb")(?![0-9]))"
    )


@functools.lru_cache(maxsize=8)
def _not_plainly_inside(area: tuple[int, int]) -> re.Pattern:
    """A ``<c`` that may be a cell (not ``<col``, ``<cf``, ``<cu``) and is not plainly
    inside ``area``: a quick reference whose column is one of the area's and whose row has
    fewer digits than the area's last row (so is at most that row).

    Stricter than inside (a row of as many digits as the last, or with leading zeros, is
    matched even when inside), which only sends such a sheet to :func:`careful_extent`;
    checking the row's value here would cost every cell of every sheet a few more steps.
    Each column class is a branch of its own, and the digits are taken possessively (a
    digit given back could only be followed by another), which the regular expression
    engine runs in fewer steps than one branch with a group of classes.
    """
    rows, cols = area
    digits = len(str(rows)) - 1
    fine = [b' r="%s[0-9]{1,%d}+"' % (letters, digits) for letters in _column_classes(cols)]
    return re.compile(b"<c(?!" + b"|".join((fine if digits else []) + [b"[ofu]"]) + b")")


def _columns_below(cols: int) -> bytes:
    """A regular expression for the column letters of the first ``cols`` columns (up to ZZ),
    as a few character classes so a reference is checked in a step or two."""
    return b"|".join(_column_classes(cols))


def _column_classes(cols: int) -> list[bytes]:
    """The alternatives of :func:`_columns_below`: single letters, then pairs of letters."""
    if not 1 <= cols <= 702:
        raise ValueError(f"columns read must be 1 to 702 (A to ZZ), not {cols}")
    if cols <= 26:
        return [b"[A-%c]" % (64 + cols)]
    full, part = divmod(cols - 26, 26)
    out = [b"[A-Z]"]
    if full:
        out.append(b"[A-%c][A-Z]" % (64 + full))
    if part:
        out.append(b"%c[A-%c]" % (65 + full, 64 + part))
    return out


def _number_above(n: int) -> bytes:
    """A regular expression for the whole numbers above ``n`` (no leading zeros)."""
    digits = str(n)
    alternatives = [b"[1-9][0-9]{%d,}" % len(digits)]
    for i, ch in enumerate(digits):
        if ch != "9":
            rest = len(digits) - i - 1
            tail = b"[0-9]{%d}" % rest if rest else b""
            alternatives.append(digits[:i].encode() + b"[%d-9]" % (int(ch) + 1) + tail)
    return b"|".join(alternatives)


def _too_many(part: str, max_cells: int):
    raise Rejected(
        "oversized_sheet",
        f"part {part!r} holds more than {max_cells:,} cells, the limit for a sheet",
    )


@functools.lru_cache(maxsize=8)
def _inside(area: tuple[int, int]) -> tuple[frozenset[bytes], int, bytes]:
    """Column letters inside ``area``, and the digits of its last row (length, text)."""
    rows, cols = area
    letters = frozenset(_letters(c).encode() for c in range(cols))
    last = str(rows).encode()
    return letters, len(last), last


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _quick_extent(refs: list[tuple[bytes, bytes]], area: tuple[int, int]):
    """:class:`SheetExtent` of quick-form references, without a Python step per cell
    inside the area (column letters looked up in a set, rows compared as digit strings)."""
    letters, width, last = _inside(area)
    outside = [
        (c, r)
        for c, r in refs
        if c not in letters or len(r) > width or (len(r) == width and r > last)
    ]
    if not outside:
        return SheetExtent(-1, -1, True)
    return _extent(((int(r) - 1, _col(c)) for c, r in outside), area, quick=True)


def _extent(cells, area: tuple[int, int], *, quick: bool) -> SheetExtent:
    last_row = last_col = -1
    outside, far = 0, (-1, -1)
    rows, cols = area
    for r, c in cells:
        if r > last_row:
            last_row = r
        if c > last_col:
            last_col = c
        if r >= rows or c >= cols:
            outside += 1
            if (r, c) > far:
                far = (r, c)
    return SheetExtent(last_row, last_col, quick, outside, *far)


def _expat_cells(data: bytes, part: str) -> list[tuple[int, int]]:
    """Every cell's (row, col) as the cell reader places it: its ``r`` reference, else the
    next column of the current row (whose ``r`` gives the row, else the next row)."""
    cells: list[tuple[int, int]] = []
    state = {"row": -1, "col": -1}

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit("}", 1)[-1]
        if local == "row":
            ref = attrs.get("r", "")
            state["row"] = int(ref) - 1 if ref.isdigit() else state["row"] + 1
            state["col"] = -1
        elif local == "c":
            ref = attrs.get("r")
            if ref is None:
                state["col"] += 1
                cells.append((max(state["row"], 0), state["col"]))
                return
            m = _REF.fullmatch(ref.strip())
            if m is None:
                raise Rejected(
                    "corrupt_archive", f"part {part!r} has a cell with a bad reference {ref!r}"
                )
            state["col"] = _col(m[1])
            cells.append((int(m[2]) - 1, state["col"]))

    parse_untrusted(data, part, start)
    return cells


def trim_sheet(data: bytes, area: tuple[int, int], part: str) -> bytes:
    """The worksheet part without its cells outside ``area`` (and without its dimension).

    Only for parts whose cells are all in the quick form (:attr:`SheetExtent.quick`); a part
    holding comments or CDATA sections is refused rather than edited, as their text could
    look like a cell.
    """
    if b"<!--" in data or b"<![CDATA[" in data:
        raise Rejected(
            "oversized_sheet",
            f"part {part!r} has cells far outside the template and comments or CDATA "
            "sections, so it cannot be trimmed safely",
        )
    rows, cols = area

    def keep(m: re.Match) -> bytes:
        return m[0] if int(m[2]) - 1 < rows and _col(m[1]) < cols else b""

    trimmed = _QUICK_CELL.sub(keep, data)
    return _DIMENSION.sub(b"", trimmed, count=1)
