"""The sheet bound's quick path gives the same answer as the step-by-step one.

Each sheet part is written here by hand around a small area of 30 rows and columns A to
AB (28 columns), so the answer for every cell is plain: inside when its column is A..AB and
its row 1..30.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costofcare.ingest.issues import Rejected
from costofcare.ingest.sheets import SheetExtent, careful_extent, scan_sheet

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
    assert scan_sheet(part, AREA, 100, "p") == SheetExtent(-1, -1, True)


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
        far_row, far_col, True, 1, far_row, far_col
    )


def test_a_leading_zero_row_outside_is_found_by_the_careful_reader():
    # Outside, so the references are read one by one; leading zeros are not the quick
    # form the sheet can be trimmed in, so it is found but marked not quick.
    part = sheet(quick(b"A1"), quick(b"A0031"))
    assert scan_sheet(part, AREA, 100, "p") == SheetExtent(30, 0, False, 1, 30, 0)


def test_a_leading_zero_row_inside_the_area_stays_inside():
    assert scan_sheet(sheet(quick(b"A030")), AREA, 100, "p") == SheetExtent(-1, -1, True)


def test_a_cell_with_its_reference_not_first_is_not_quick():
    part = sheet(quick(b"A1"), b'<c t="n" r="A5"><v>2</v></c>')
    assert scan_sheet(part, AREA, 100, "p") == SheetExtent(4, 0, False)


def test_a_namespaced_cell_is_not_quick():
    part = sheet(quick(b"A1"), b'<x:c r="C3"><x:v>2</x:v></x:c>')
    assert scan_sheet(part, AREA, 100, "p") == SheetExtent(2, 2, False)


def test_more_cells_than_the_limit_reject_the_sheet():
    part = sheet(*(quick(b"A%d" % r) for r in range(1, 6)))
    with pytest.raises(Rejected) as err:
        scan_sheet(part, AREA, 4, "p")
    assert err.value.code == "oversized_sheet"


def outcome(scan, part: bytes, area, max_cells: int):
    """What a scan gives: the extent, or the rejection's code and reason."""
    try:
        return scan(part, area, max_cells, "p")
    except Rejected as rej:
        return rej.code, rej.reason


AREAS = [AREA, (1065, 44), (9, 26), (100, 702)]

AWKWARD = {
    "plain": sheet(quick(b"A1"), quick(b"B9"), b'<c r="C2"/>'),
    "cols and formats": sheet(
        quick(b"A1"),
        cols=b'<col min="1" max="3"/>',
        cf=b'<conditionalFormatting sqref="A1:B2"><cfRule type="x"/></conditionalFormatting>'
        b'<customSheetViews><customSheetView guid="g"/></customSheetViews>',
    ),
    "rows of the last row's length": sheet(quick(b"A10"), quick(b"A30"), quick(b"A99")),
    "leading zeros": sheet(quick(b"A030"), quick(b"A0031"), quick(b"B00001")),
    "row zero": sheet(b'<c r="A0"/>'),
    "far column": sheet(quick(b"A1"), quick(b"AC1"), quick(b"ZZ5")),
    "far row": sheet(quick(b"A1"), quick(b"A1066"), quick(b"B1048576")),
    "three letters": sheet(quick(b"AAA1")),
    "lower-case reference": sheet(b'<c r="a1"><v>1</v></c>'),
    "attributes in another order": sheet(quick(b"A1"), b'<c t="n" r="AC5"><v>2</v></c>'),
    "no reference": sheet(quick(b"A1"), b"<c><v>2</v></c>", b'<c t="n"/>'),
    "line break in the tag": sheet(b'<c\n r="A1"><v>1</v></c>'),
    "prefixed": sheet(quick(b"A1"), b'<x:c r="C3"><x:v>2</x:v></x:c>'),
    "prefixed and far": sheet(b'<x:c r="ZZ3000"><x:v>2</x:v></x:c>'),
    "error cells": sheet(
        b'<c r="A1" t="e"><v>#DIV/0!</v></c>', b"<c r='B2' t='e'><v>#REF!</v></c>"
    ),
    "far cell in a comment": sheet(quick(b"A1"), b'<!-- <c r="ZZ9999"/> -->'),
    "comment and a far cell": sheet(quick(b"A1"), b"<!-- x -->", quick(b"AZ3")),
    "bad reference": sheet(b'<c t="n" r="1A"/>'),
    "quoted reference": sheet(b"<c r='A1'/>", b"<c r='ZZ99999'/>"),
    "many cells": sheet(*(quick(b"A%d" % r) for r in range(1, 9))),
}


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("max_cells", [5, 100])
@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_the_quick_path_gives_the_careful_answer_on_awkward_sheets(name, max_cells, area):
    part = AWKWARD[name]
    assert outcome(scan_sheet, part, area, max_cells) == outcome(
        careful_extent, part, area, max_cells
    )


def test_a_plain_sheet_takes_the_quick_path(monkeypatch):
    # So the comparison above compares two paths, not one with itself.
    from costofcare.ingest import sheets

    def refuse(*_args):
        raise AssertionError("the careful path was taken")

    monkeypatch.setattr(sheets, "careful_extent", refuse)
    assert scan_sheet(AWKWARD["plain"], (1065, 44), 100, "p") == SheetExtent(-1, -1, True)


REFERENCES = st.builds(
    lambda col, zeros, row: col + b"0" * zeros + row,
    st.sampled_from([b"A", b"Z", b"AA", b"AB", b"AC", b"AR", b"AS", b"ZZ", b"AAA", b"a", b""]),
    st.integers(0, 2),
    st.sampled_from([b"1", b"9", b"10", b"30", b"31", b"99", b"999", b"1000", b"1065", b"1066"]),
)
CELLS = st.one_of(
    REFERENCES.map(lambda ref: b'<c r="' + ref + b'"><v>1</v></c>'),
    REFERENCES.map(lambda ref: b'<c r="' + ref + b'" t="e"><v>#N/A</v></c>'),
    REFERENCES.map(lambda ref: b'<c s="1" r="' + ref + b'"/>'),
    REFERENCES.map(lambda ref: b'<x:c r="' + ref + b'"/>'),
    st.just(b"<c/>"),
    st.just(b'<!-- <c r="ZZ9"/> -->'),
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(CELLS, max_size=6), st.sampled_from(AREAS), st.sampled_from([3, 100]))
def test_the_quick_path_gives_the_careful_answer_on_generated_sheets(cells, area, max_cells):
    part = sheet(*cells)
    assert outcome(scan_sheet, part, area, max_cells) == outcome(
        careful_extent, part, area, max_cells
    )
