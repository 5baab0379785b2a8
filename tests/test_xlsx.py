"""The one workbook factory: text written with ``write`` stays text."""

import openpyxl

from costofcare.xlsx import safe_workbook


def test_text_that_looks_like_a_formula_a_number_or_a_link_stays_text(tmp_path):
    path = tmp_path / "t.xlsx"
    wb = safe_workbook(path)
    ws = wb.add_worksheet("S")
    for row, text in enumerate(['=HYPERLINK("http://x","y")', "123.50", "http://example.org"]):
        ws.write(row, 0, text)
    wb.close()
    sheet = openpyxl.load_workbook(path)["S"]
    cells = [sheet.cell(row=r, column=1) for r in (1, 2, 3)]
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert [c.value for c in cells] == [
        '=HYPERLINK("http://x","y")',
        "123.50",
        "http://example.org",
    ]
    assert not sheet._hyperlinks
