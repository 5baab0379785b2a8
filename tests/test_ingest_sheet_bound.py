"""The sheet bound's one-search path gives the same answer as the step-by-step one.

Each sheet part is written here by hand around a small area of 30 rows and columns A to
AB (28 columns), so the answer for every cell is plain: inside when its column is A..AB and
its row 1..30.
"""

from __future__ import annotations

import pytest

from costofcare.ingest.issues import Rejected
from costofcare.ingest.sheets import SheetExtent, scan_sheet

AREA = (30, 28)  # rows 1..30, columns A..AB


def sheet(*cells: bytes, cols: bytes = b"", cf: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0"?><worksheet xmlns="s" xmlns:x="s">'
        + (b"<cols>" + cols + b"</cols>" if cols else b"")
        + b'<sheetData><row r="1">'
        + b"".join(cells)
        + b"</row></sheetData>"
        + cf
        + b"</worksheet>"
    )


def quick(ref: bytes) -> bytes:
    return b'<c r="' + ref + b'" t="n"><v>1</v></c>'


def test_quick_cells_inside_the_area_with_cols_and_conditional_formats_are_all_inside():
    part = sheet(
        quick(b"A1"),
        quick(b"AB30"),
        b'<c r="B2"/>',
        cols=b'<col min="1" max="3"/>',
        cf=b'<conditionalFormatting sqref="A1"><cfRule type="x"/></conditionalFormatting>',
    )
    assert scan_sheet(part, AREA, 100, "p") == SheetExtent(3, -1, -1, True)


@pytest.mark.parametrize(
    ("ref", "far_row", "far_col"),
    [
        (b"AC1", 0, 28),  # one column past AB
        (b"A31", 30, 0),  # one row past 30
        (b"B100", 99, 1),
    ],
)
def test_a_quick_cell_outside_the_area_is_counted_and_found(ref, far_row, far_col):
    part = sheet(quick(b"A1"), quick(ref))
    assert scan_sheet(part, AREA, 100, "p") == SheetExtent(
        2, far_row, far_col, True, 1, far_row, far_col
    )


def test_a_leading_zero_row_outside_is_found_by_the_careful_reader():
    # Outside, so the references are read one by one; leading zeros are not the quick
    # form the sheet can be trimmed in, so it is found but marked not quick.
    part = sheet(quick(b"A1"), quick(b"A0031"))
    assert scan_sheet(part, AREA, 100, "p") == SheetExtent(2, 30, 0, False, 1, 30, 0)


def test_a_leading_zero_row_inside_the_area_stays_inside():
    assert scan_sheet(sheet(quick(b"A030")), AREA, 100, "p") == SheetExtent(1, -1, -1, True)


def test_a_cell_with_its_reference_not_first_is_not_quick():
    part = sheet(quick(b"A1"), b'<c t="n" r="A5"><v>2</v></c>')
    assert scan_sheet(part, AREA, 100, "p") == SheetExtent(2, 4, 0, False)


def test_a_namespaced_cell_is_not_quick():
    part = sheet(quick(b"A1"), b'<x:c r="C3"><x:v>2</x:v></x:c>')
    assert scan_sheet(part, AREA, 100, "p") == SheetExtent(2, 2, 2, False)


def test_more_cells_than_the_limit_reject_the_sheet():
    part = sheet(*(quick(b"A%d" % r) for r in range(1, 6)))
    with pytest.raises(Rejected) as err:
        scan_sheet(part, AREA, 4, "p")
    assert err.value.code == "oversized_sheet"
