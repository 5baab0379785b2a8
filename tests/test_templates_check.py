"""The provider template as a manager prints and checks it: the self-check panel, row heights
for wrapped text, wrapped table headers and page set-up.

The LibreOffice tests fill a workbook as a provider would, let LibreOffice recalculate every
formula, and compare the panel with figures worked out another way: the costs step's reported
unit cost of the same return after ingest, the period's weeks by hand, and the required
entries left blank counted from the spec.
"""

from __future__ import annotations

import datetime as dt
import math

import openpyxl
import pytest

from costofcare.costs import reported_unit_cost
from costofcare.ingest import ingest_files
from costofcare.ingest.fill import ReturnFiller, example_return
from costofcare.templates import SERVICES, GenerationSettings, get_spec, write_template
from costofcare.templates.check import CHECK_SHEET
from costofcare.templates.writer import COVER_SHEET, LINE_HEIGHT, text_lines
from tests.support.libreoffice import convert, soffice_path
from tests.support.shared import once_per_run

SETTINGS = GenerationSettings(
    council="Anytown Council", period_start=dt.date(2025, 4, 1), period_end=dt.date(2026, 3, 31)
)
PREFILL = {"provider_name": "Acme Care Ltd", "registration_number": "1-23456789"}
UNIT_NOUN = {
    "home_care": "contact hour",
    "care_home": "resident week",
    "support_hour": "support hour",
    "supported_living": "support hour",
}


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    folder = tmp_path_factory.mktemp("check")
    return {s: write_template(s, folder / f"{s}.xlsx", SETTINGS, PREFILL) for s in SERVICES}


@pytest.fixture(scope="module")
def books(paths):
    return {s: openpyxl.load_workbook(p) for s, p in paths.items()}


def panel(ws) -> dict[str, object]:
    """Label in column A -> value in column B of the Check sheet."""
    return {
        row[0].value: row[1].value
        for row in ws.iter_rows(min_row=4, max_col=2)
        if isinstance(row[0].value, str)
    }


def required_on(spec, sheet_name: str) -> list[str]:
    sheet = next(s for s in spec.sheets if s.name == sheet_name)
    return [
        i.id
        for sec in sheet.sections
        for i in sec.items
        if getattr(i, "required", False) and not hasattr(i, "columns")
    ]


# ------------------------------------------------------------------------ the panel's shape


@pytest.mark.parametrize("service", SERVICES)
def test_check_sheet_follows_the_inputs_and_is_listed_on_the_cover(books, service):
    wb = books[service]
    names = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert names == [COVER_SHEET, *(s.name for s in get_spec(service).sheets), CHECK_SHEET]
    cover = [c.value for row in wb[COVER_SHEET].iter_rows() for c in row if c.value]
    assert CHECK_SHEET in cover


@pytest.mark.parametrize("service", SERVICES)
def test_the_panel_is_formulas_only_and_locked(books, service):
    ws = books[service][CHECK_SHEET]
    assert ws.protection.sheet and not ws.protection.password
    figures = [row[1] for row in ws.iter_rows(min_row=4, max_col=2) if row[0].value]
    figures = [c for c in figures if c.value is not None]  # section headings have none
    assert len(figures) >= 12
    for cell in figures:
        assert cell.data_type == "f", cell.coordinate
        assert cell.protection.locked
    noun = UNIT_NOUN[service]
    labels = panel(ws)
    assert f"Total cost per {noun}" in labels
    assert "Required entries blank in all" in labels
    assert ws.conditional_formatting, "counts and costs are coloured"


@pytest.mark.parametrize("service", SERVICES)
def test_inputs_remain_the_only_unlocked_cells(books, service):
    wb = books[service]
    spec = get_spec(service)
    inputs = set()
    for f in spec.fields():
        ((sheet, ref),) = list(wb.defined_names[f.id].destinations)
        inputs.add((sheet, ref.replace("$", "")))
    for ws in wb.worksheets:
        for table in ws.tables.values():
            first, last = table.ref.split(":")
            for row in ws[f"{first}:{last}"][1:]:  # data rows, not the header
                inputs.update((ws.title, c.coordinate) for c in row)
    unlocked = {
        (ws.title, c.coordinate)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.protection.locked is False
    }
    assert unlocked == inputs


def test_blank_counts_of_a_prefilled_template_are_counted_from_the_spec(paths):
    spec = get_spec("home_care")
    values = panel(_cached(paths["home_care"]))  # the values written with the formulas
    # pre-filled: provider name and registration number (PREFILL), period start and end
    filled = {"provider_name", "registration_number", "period_start", "period_end"}
    for sheet in spec.sheets:
        required = required_on(spec, sheet.name)
        if required:
            label = f"Required entries blank on the {sheet.name} sheet"
            assert values[label] == len(set(required) - filled), sheet.name
    every = [f.id for f in spec.fields() if f.required]
    assert values["Required entries blank in all"] == len(set(every) - filled)
    assert values["Weeks in the period"] == pytest.approx(365 / 7)  # 1 Apr 2025 to 31 Mar 2026
    assert values["Total"] == 0
    assert values["Total cost per contact hour"] in ("", None)  # no contact hours yet


# ----------------------------------------------------------------- printing and row heights


@pytest.mark.parametrize("service", SERVICES)
def test_every_visible_sheet_prints_one_page_wide_with_its_title_repeated(books, service):
    for ws in books[service].worksheets:
        if ws.sheet_state != "visible":
            continue
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1), ws.title  # 1 is the default, not written
        assert ws.page_setup.fitToHeight == 0, ws.title  # as many pages down as needed
        assert ws.print_area, ws.title
        assert ws.print_title_rows.replace("$", "") == "1:1", ws.title
        assert ws.page_setup.paperSize == 9, ws.title  # A4
        assert "&P" in ws.oddFooter.right.text


@pytest.mark.parametrize("service", SERVICES)
def test_wrapped_help_has_room_for_every_line(books, service):
    """A row holding help text is tall enough for the text at the column's width: at least
    one 15-point line per 88 characters of help in the 80-wide help column (a unit of width
    is the digit 0, and prose averages 1.1 characters per unit; fewer characters per line
    where the column is narrower)."""
    wb = books[service]
    checked = 0
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" or ws.title in (COVER_SHEET, CHECK_SHEET):
            continue
        width = ws.column_dimensions["D"].width
        for row in ws.iter_rows(min_col=4, max_col=4):
            cell = row[0]
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                height = ws.row_dimensions[cell.row].height or LINE_HEIGHT  # not written: 15
                lines = math.ceil(len(cell.value) / (width * 1.1))
                assert height >= LINE_HEIGHT * lines, cell.value
                checked += 1
    assert checked > 20


def test_text_lines_counts_wrapped_words():
    # width 20 holds 22 characters and wraps at 21: "word word word word" (4 x 4 + 3 spaces
    # = 19) a line, so 20 words take 20 / 4 = 5 lines; one more letter and "words words
    # words" (17) is a line, so 20 / 3 -> 7 lines
    assert text_lines("word " * 20, 20) == 5
    assert text_lines("words " * 20, 20) == 7
    assert text_lines("", 20) == 1


def test_staffing_table_headers_wrap_in_a_row_tall_enough(books):
    wb = books["home_care"]
    ws = wb["Staffing"]
    table = ws.tables["staff_roles"]
    header_row = int("".join(ch for ch in table.ref.split(":")[0] if ch.isdigit()))
    cells = [c for c in ws[header_row] if c.value]
    assert len(cells) == len(get_spec("home_care").table("staff_roles").columns)
    assert all(c.alignment.wrap_text for c in cells)
    longest = max(
        len(c.value) / (1.1 * ws.column_dimensions[c.column_letter].width) for c in cells
    )  # lines the most crowded header needs, at least
    assert ws.row_dimensions[header_row].height >= LINE_HEIGHT * math.ceil(longest)


def test_notes_span_the_sheet_and_wrap(books):
    ws = books["care_home"]["Staffing"]
    merged = [str(r) for r in ws.merged_cells.ranges]
    assert "A2:D2" in merged  # the sheet's note
    assert ws["A2"].alignment.wrap_text


# -------------------------------------------------------------- LibreOffice recalculates it


def _fill_and_recalculate(folder):
    """One filled return per service (two required entries left blank; care homes state no
    surplus, so the return comes from the margin asked for), recalculated by LibreOffice."""
    filled, blanked = {}, {}
    for service in SERVICES:
        spec = get_spec(service)
        values, tables = example_return(spec, seed=3, table_rows=3)
        blank = ["contact_name", "declaration_name"]
        for name in blank:
            values[name] = None
        if service == "care_home":
            values["return_on_operations_annual"] = None
            values["return_on_operations_rate"] = 0.05
        blanked[service] = [f.id for f in spec.fields() if f.required and values.get(f.id) is None]
        filled[service] = ReturnFiller(spec).fill(folder / f"{service}.xlsx", values, tables)
    back = convert(list(filled.values()), "xlsx", folder / "recalculated")
    panels = {
        s: panel(openpyxl.load_workbook(path, data_only=True)[CHECK_SHEET])
        for s, path in zip(SERVICES, back, strict=True)
    }
    blank_template = write_template("home_care", folder / "blank.xlsx", SETTINGS, PREFILL)
    (blank_back,) = convert([blank_template], "xlsx", folder / "blank-recalculated")
    return {
        "filled": filled,
        "panels": panels,
        "blanked": blanked,
        "blank_written": panel(_cached(blank_template)),
        "blank_recalculated": panel(
            openpyxl.load_workbook(blank_back, data_only=True)[CHECK_SHEET]
        ),
    }


def _cached(path):
    return openpyxl.load_workbook(path, data_only=True)[CHECK_SHEET]


@pytest.fixture(scope="session")
def recalculated(tmp_path_factory):
    return once_per_run(tmp_path_factory, "template-check-libreoffice", _fill_and_recalculate)


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.libreoffice
@pytest.mark.xdist_group("libreoffice")
@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed")
def test_libreoffice_gives_the_cost_per_unit_the_costs_step_gives(recalculated, service):
    path = recalculated["filled"][service]
    got = recalculated["panels"][service]
    result = ingest_files([path], workers=1)
    costs = reported_unit_cost(result.values)
    costs = costs[costs["route"] == "reported"]
    noun = UNIT_NOUN[service]
    by_category = costs.groupby("category")["cost_per_unit"].sum()
    assert got[f"Total cost per {noun}"] == pytest.approx(costs["cost_per_unit"].sum(), rel=1e-9)
    assert got[f"Staffing per {noun}"] == pytest.approx(by_category["staffing"], rel=1e-9)
    assert got[f"Other operating costs per {noun}"] == pytest.approx(
        by_category["non_staffing"], rel=1e-9
    )
    assert got[f"Return per {noun}"] == pytest.approx(by_category["return"], rel=1e-9)
    # 1 April 2025 to 31 March 2026: 365 days, both ends counted
    assert got["Weeks in the period"] == pytest.approx(365 / 7)


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.libreoffice
@pytest.mark.xdist_group("libreoffice")
@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed")
def test_libreoffice_counts_the_required_entries_left_blank(recalculated, service):
    got = recalculated["panels"][service]
    blanked = recalculated["blanked"][service]
    assert {"contact_name", "declaration_name"} <= set(blanked)
    assert got["Required entries blank in all"] == len(blanked)
    assert got["Required entries blank on the Declaration sheet"] == 1
    assert got["Rows of the staffing table with a role"] == 3


@pytest.mark.libreoffice
@pytest.mark.xdist_group("libreoffice")
@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed")
def test_care_home_return_from_the_margin_is_five_percent_of_the_costs(recalculated):
    got = recalculated["panels"]["care_home"]
    costs = got["Staffing"] + got["Other operating costs"]
    assert got["Return worked out from the margin you need"] == pytest.approx(0.05 * costs)


@pytest.mark.libreoffice
@pytest.mark.xdist_group("libreoffice")
@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed")
def test_libreoffice_recalculates_a_blank_template_to_the_values_written(recalculated):
    written, again = recalculated["blank_written"], recalculated["blank_recalculated"]
    assert set(written) == set(again)
    for label, value in written.items():
        if isinstance(value, float):
            assert again[label] == pytest.approx(value), label
        else:
            assert (again[label] or "") == (value or ""), label
