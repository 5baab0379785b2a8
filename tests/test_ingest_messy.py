"""What providers really do: messy values, inserted rows, renamed sheets, returns pasted
into a blank workbook, older template versions, duplicates; and the checks on values."""

import datetime as dt
import math

import openpyxl
import pytest

from costofcare.ingest.batch import ingest_files
from costofcare.ingest.fill import ReturnFiller, example_return
from costofcare.templates.spec import get_spec


@pytest.fixture(scope="module")
def fillers():
    return {s: ReturnFiller(s) for s in ("home_care", "care_home", "supported_living")}


def clean_home_care():
    values, tables = example_return("home_care", seed=7, table_rows=2)
    values.update(
        provider_name="Acme Care Ltd", registration_number="1-111", regulator="CQC (England)"
    )
    tables["staff_roles"] = [
        {"role": "Care worker", "headcount": 10, "paid_hours_per_week": 300,
         "basic_rate_per_hour": 12.60, "annual_gross_pay": 300 * (365 / 7) * 12.60 * 1.1},
        {"role": "Registered manager", "headcount": 1, "paid_hours_per_week": 37.5,
         "basic_rate_per_hour": 18.00},
    ]  # fmt: skip
    values.update(
        care_worker_headcount=10,
        care_worker_paid_hours_per_week=300,
        contact_hours_per_week=200,
        contact_hours_council_per_week=150,
    )
    return values, tables


def issues_of(result, code):
    return result.issues[result.issues["code"] == code]


def value_of(result, field, table=""):
    rows = result.values[(result.values["field"] == field) & (result.values["table"] == table)]
    return rows.iloc[0]


def test_a_consistent_return_has_no_errors(fillers, tmp_path):
    values, tables = clean_home_care()
    path = fillers["home_care"].fill(tmp_path / "clean.xlsx", values, tables)
    result = ingest_files([path], workers=1)
    assert (result.issues["severity"] != "error").all(), result.issues[["code", "message"]]
    assert issues_of(result, "totals_mismatch").empty


def test_messy_values_are_read_with_the_assumption_stated(fillers, tmp_path):
    values, tables = clean_home_care()
    values.update(
        contact_hours_per_week=" 1,234.50 ",  # stray spaces, thousands comma
        mileage_paid_per_mile="45p",
        share_zero_hours_contracts=15,  # 15 typed in a percentage field
        people_supported="N/A",  # required: an error, not silently blank
        visits_per_week_15min="-",
        period_start="01/04/2025",
        travel_minutes_per_visit="about ten",
    )
    path = fillers["home_care"].fill(tmp_path / "messy.xlsx", values, tables)
    result = ingest_files([path], workers=1)
    assert value_of(result, "contact_hours_per_week").value == 1234.5
    assert value_of(result, "mileage_paid_per_mile").value == pytest.approx(0.45)
    assert value_of(result, "share_zero_hours_contracts").value == pytest.approx(0.15)
    assert value_of(result, "visits_per_week_15min").value == 0.0
    assert value_of(result, "period_start").text == "2025-04-01"
    assumed = issues_of(result, "assumed").set_index("field")
    assert "read as pence: £0.45" in assumed.loc["mileage_paid_per_mile", "message"]
    assert (
        "15 read as 15% (0.15 as a fraction)"
        in assumed.loc["share_zero_hours_contracts", "message"]
    )
    assert "read day first (UK style) as 1 April 2025" in assumed.loc["period_start", "message"]
    assert "a dash is taken as nil" in assumed.loc["visits_per_week_15min", "message"]
    bad = issues_of(result, "unreadable_value").iloc[0]
    assert (bad.field, bad.sheet, bad.raw_value) == (
        "travel_minutes_per_visit",
        "Volumes",
        "about ten",
    )
    assert bad.cell and "'about ten' is not a number" in bad.message
    na = issues_of(result, "required_missing").set_index("field").loc["people_supported"]
    assert na.message == "People supported is required but was given as 'N/A'"
    # Nothing read is dropped without an issue: the unreadable cell is still a tidy row.
    row = value_of(result, "travel_minutes_per_visit")
    assert math.isnan(row.value) and row.raw == "about ten"


def test_bounds_plausibility_and_required(fillers, tmp_path):
    values, tables = clean_home_care()
    values.update(travel_minutes_per_visit=300, mileage_paid_per_mile=2.5)
    del values["contact_name"]
    tables["staff_roles"][1]["headcount"] = None
    path = fillers["home_care"].fill(tmp_path / "bounds.xlsx", values, tables)
    result = ingest_files([path], workers=1)
    oob = issues_of(result, "out_of_bounds").set_index("field")
    assert oob.loc["travel_minutes_per_visit", "message"] == (
        "Travel time per visit (minutes): 300 is above the maximum 240"
    )
    implausible = issues_of(result, "implausible").set_index("field")
    assert (
        "£2.50 is unusually high (above £1.00); please confirm"
        in implausible.loc["mileage_paid_per_mile", "message"]
    )
    missing = issues_of(result, "required_missing").set_index("field")
    assert missing.loc["contact_name", "message"] == "Contact name is required but is blank"
    assert missing.loc["headcount", "message"] == (
        "Staffing by role row 2: Headcount is required in a used row but is blank"
    )


def test_pay_below_the_legal_minimum_for_the_period_is_a_warning(fillers, tmp_path):
    values, tables = clean_home_care()
    tables["staff_roles"][0]["basic_rate_per_hour"] = 12.00
    path = fillers["home_care"].fill(tmp_path / "low.xlsx", values, tables)
    result = ingest_files([path], workers=1)
    low = issues_of(result, "below_wage_floor").iloc[0]
    # National Living Wage from 1 April 2025: £12.21 an hour.
    assert low.message == (
        "Staffing by role row 1: Basic pay per hour: £12.00 an hour is below the National "
        "Living Wage of £12.21 in force on 2025-04-01 (the start of the period)"
    )
    assert low.severity == "warning" and low.sheet == "Staffing"
    # The same rate for a period starting April 2024 (NLW £11.44) is fine.
    values["period_start"], values["period_end"] = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
    path = fillers["home_care"].fill(tmp_path / "low2024.xlsx", values, tables)
    assert issues_of(ingest_files([path], workers=1), "below_wage_floor").empty


def test_staff_hours_that_do_not_add_up(fillers, tmp_path):
    values, tables = clean_home_care()
    values.update(care_worker_paid_hours_per_week=500, contact_hours_council_per_week=250)
    path = fillers["home_care"].fill(tmp_path / "hours.xlsx", values, tables)
    mismatch = issues_of(ingest_files([path], workers=1), "totals_mismatch").set_index("field")
    assert mismatch.loc["care_worker_paid_hours_per_week", "message"] == (
        "Care worker paid hours a week is 500 but the care worker costs rows of the staffing "
        "table add up to 300 paid hours a week"
    )
    assert (
        "Contact hours a week funded by this council (250) is more than"
        in mismatch.loc["contact_hours_council_per_week", "message"]
    )


def test_care_home_occupancy_over_100_percent(fillers, tmp_path):
    values, tables = example_return("care_home", seed=3)
    values.update(
        registered_beds=40,
        average_occupancy=1.05,  # 105%: over the hard maximum of 100%
        residents_residential=30, residents_residential_enhanced=10, residents_nursing=5,
        residents_nursing_enhanced=0, residents_council_funded=20,
        residents_other_council_funded=5, residents_nhs_funded=0, residents_self_funded=20,
    )  # fmt: skip
    path = fillers["care_home"].fill(tmp_path / "full.xlsx", values, tables)
    result = ingest_files([path], workers=1)
    oob = issues_of(result, "out_of_bounds").set_index("field")
    assert oob.loc["average_occupancy", "message"] == (
        "Average occupancy: 105% is above the maximum 100%"
    )
    totals = issues_of(result, "totals_mismatch").set_index("field")
    assert totals.loc["registered_beds", "message"] == (
        "residents by type of care add up to 45, more than the 40 registered beds "
        "(occupancy over 100%)"
    )


def test_rows_inserted_in_a_table_are_read(fillers, tmp_path):
    values, tables = clean_home_care()
    rows = get_spec("home_care").table("other_costs").rows + 3  # more rows than provided
    tables["other_costs"] = [
        {"description": f"cost {i}", "annual_cost": 100 + i, "cost_group": "Business costs"}
        for i in range(rows)
    ]
    path = fillers["home_care"].fill(tmp_path / "long.xlsx", values, tables)
    result = ingest_files([path], workers=1)
    costs = result.values[
        (result.values["table"] == "other_costs") & (result.values["field"] == "annual_cost")
    ]
    assert list(costs["value"]) == [100.0 + i for i in range(rows)]
    assert list(costs["row"]) == list(range(1, rows + 1))


def test_renamed_sheet_falls_back_to_labels(fillers, tmp_path):
    values, tables = clean_home_care()
    path = fillers["home_care"].fill(tmp_path / "renamed.xlsx", values, tables)
    wb = openpyxl.load_workbook(path)
    wb["Volumes"].title = "Our volumes"  # defined names still say 'Volumes'
    wb.save(path)
    result = ingest_files([path], workers=1)
    assert value_of(result, "contact_hours_per_week").value == 200
    assert value_of(result, "contact_hours_per_week").sheet == "Our volumes"
    by_label = issues_of(result, "located_by_label")
    assert "found by its label 'Contact hours a week (all funders)'" in " ".join(
        by_label["message"]
    )
    assert (result.issues["severity"] != "error").all()


def test_return_pasted_into_a_blank_workbook(fillers, tmp_path):
    values, tables = clean_home_care()
    path = fillers["home_care"].fill(tmp_path / "orig.xlsx", values, tables)
    src = openpyxl.load_workbook(path)
    dst = openpyxl.Workbook()
    dst.remove(dst.active)
    for ws in src.worksheets:
        if ws.title.startswith("_"):
            continue
        copy = dst.create_sheet(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    copy.cell(cell.row, cell.column, cell.value)
    dst.save(tmp_path / "pasted.xlsx")
    expected = ingest_files([path], workers=1).values
    result = ingest_files([tmp_path / "pasted.xlsx"], workers=1)
    assert result.returns.iloc[0]["located_by"] == "labels"
    assert "read as the home_care template" in issues_of(result, "located_by_label").iloc[0].message
    key = ["table", "row", "field", "sheet", "cell"]
    got = result.values.set_index(key)["value"].sort_index()
    want = expected.set_index(key)["value"].sort_index()
    assert got.index.equals(want.index)
    assert got.fillna(-1).equals(want.fillna(-1))


def test_two_returns_for_the_same_provider_are_flagged_not_merged(fillers, tmp_path):
    values, tables = clean_home_care()
    fillers["home_care"].fill(tmp_path / "first.xlsx", values, tables)
    values["contact_hours_per_week"] = 210
    fillers["home_care"].fill(tmp_path / "second.xlsx", values, tables)
    result = ingest_files([tmp_path], workers=1)
    dup = issues_of(result, "duplicate_provider")
    assert len(dup) == 2
    assert (
        "Acme Care Ltd (1-111) also sent a home_care return in second.xlsx" in dup.iloc[0].message
    )
    assert result.values["return_id"].nunique() == 2  # both kept, apart
    assert sorted(result.values[result.values["field"] == "contact_hours_per_week"]["value"]) == [
        200,
        210,
    ]


def test_an_older_template_version_is_read_and_renamed_fields_mapped(
    fillers, tmp_path, older_home_care
):
    values, tables = clean_home_care()
    values["hours_delivered_per_week"] = values.pop("contact_hours_per_week")
    path = ReturnFiller(older_home_care).fill(tmp_path / "old.xlsx", values, tables)
    result = ingest_files([path], workers=1)
    assert result.returns.iloc[0]["template_version"] == "2025.1"
    assert value_of(result, "contact_hours_per_week").value == 200
    assert "hours_delivered_per_week" not in set(result.values["field"])
    note = issues_of(result, "older_template").iloc[0].message
    assert note == (
        "made from the home_care template 2025.1; the latest is 2026.1; 1 renamed field(s) "
        "mapped to today's names"
    )


def test_unknown_template_version_is_read_by_the_latest(fillers, tmp_path):
    values, tables = clean_home_care()
    path = fillers["home_care"].fill(tmp_path / "future.xlsx", values, tables)
    wb = openpyxl.load_workbook(path)
    ws = wb["_template"]
    for row in ws.iter_rows():
        if row[0].value == "version":
            row[1].value = "2099.9"
    wb.save(path)
    result = ingest_files([path], workers=1)
    assert issues_of(result, "unknown_template_version").iloc[0].message == (
        "template version '2099.9' is not known; read as the home_care template 2026.1"
    )
    assert value_of(result, "contact_hours_per_week").value == 200


def test_extra_column_added_by_a_provider_is_reported(fillers, tmp_path):
    values, tables = clean_home_care()
    path = fillers["home_care"].fill(tmp_path / "extra.xlsx", values, tables)
    wb = openpyxl.load_workbook(path)
    ws = wb["Staffing"]
    table = ws.tables["staff_roles"]
    # Rename the last column's header: the template no longer knows it.
    first, last = table.ref.split(":")
    header_row = int("".join(ch for ch in first if ch.isdigit()))
    last_col = "".join(ch for ch in last if ch.isalpha())
    ws[f"{last_col}{header_row}"] = "Our own notes"
    ws[f"{last_col}{header_row + 1}"] = "agency heavy"
    wb.save(path)
    result = ingest_files([path], workers=1)
    unknown = issues_of(result, "unknown_column").iloc[0]
    assert (
        "has a column headed 'Our own notes' that the template does not define" in unknown.message
    )
    assert unknown.raw_value == "agency heavy"
    assert not issues_of(result, "column_not_found").empty


def _with_error_cells(path, sheet_part, cells):
    """Rewrite cells of one worksheet as cached spreadsheet errors, as Excel saves a formula
    that fails: ``<c r="B6" t="e"><f>..</f><v>#DIV/0!</v></c>``."""
    import re
    import zipfile

    out = path.with_name(path.stem + "-errors.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == sheet_part:
                for ref, error in cells.items():
                    cell = re.compile(rb'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % ref.encode())
                    new = b'<c r="%s" t="e"><f>C1/0</f><v>%s</v></c>' % (
                        ref.encode(),
                        error.encode(),
                    )
                    data, n = cell.subn(new, data, count=1)
                    assert n == 1, ref
            dst.writestr(info, data)
    return out


def test_cached_error_cells_are_formula_errors_not_blanks(fillers, tmp_path):
    """The cell reader sees an error-typed cell as blank; the locator finds it in the sheet
    XML so it is reported (and kept in values with its raw text), never silently dropped."""
    values, tables = clean_home_care()
    path = fillers["home_care"].fill(tmp_path / "plain.xlsx", values, tables)
    wb = openpyxl.load_workbook(path)  # where the optional ppe_annual input is
    sheet, ref = next(wb.defined_names["ppe_annual"].destinations)
    ref = ref.replace("$", "")
    part = f"xl/worksheets/sheet{wb.sheetnames.index(sheet) + 1}.xml"
    broken = _with_error_cells(path, part, {ref: "#DIV/0!"})
    result = ingest_files([broken], workers=1)
    errors = issues_of(result, "formula_error")
    assert list(errors["cell"]) == [ref]
    assert list(errors["sheet"]) == [sheet]
    assert list(errors["field"]) == ["ppe_annual"]
    assert "#DIV/0!" in errors.iloc[0]["message"]
    row = value_of(result, "ppe_annual")
    assert math.isnan(row["value"]) and row["raw"] == "#DIV/0!" and row["cell"] == ref
    # The rest of the return is read as before.
    clean = ingest_files([path], workers=1)
    assert len(result.values) == len(clean.values)
    assert value_of(result, "contact_hours_per_week")["value"] == 200
