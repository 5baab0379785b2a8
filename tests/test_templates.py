"""Provider cost workbook templates: specs, writer, pre-fill, CLI, committed copies, docs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest

from costofcare.cli import main
from costofcare.errors import UserError
from costofcare.templates import (
    SERVICES,
    TEMPLATE_KIND,
    TEMPLATE_SHEET,
    GenerationSettings,
    Section,
    SheetSpec,
    Table,
    TemplateSpec,
    get_spec,
    write_template,
)
from costofcare.templates.check import CHECK_SHEET
from costofcare.templates.docs import fields_markdown
from costofcare.templates.spec import COST_GROUP_CATEGORY, Field
from costofcare.templates.writer import (
    LISTS_SHEET,
    safe_file_stem,
    write_for_providers,
)

# xlsxwriter warns (rather than fails) on options Excel would reject: treat that as a bug
pytestmark = pytest.mark.filterwarnings("error::UserWarning")

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "workbooks" / "templates"
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

SETTINGS = GenerationSettings(
    council="Anytown Council",
    deadline=dt.date(2026, 6, 30),
    contact_email="costofcare@anytown.example",
    period_start=dt.date(2025, 4, 1),
    period_end=dt.date(2026, 3, 31),
)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("templates")
    return {s: write_template(s, out / f"{s}.xlsx", SETTINGS) for s in SERVICES}


@pytest.fixture(scope="module")
def books(written) -> dict[str, openpyxl.Workbook]:
    return {s: openpyxl.load_workbook(p) for s, p in written.items()}


def named_cell(wb: openpyxl.Workbook, name: str):
    """The sheet and cell a workbook-scope defined name points at."""
    dn = wb.defined_names[name]
    ((sheet, ref),) = list(dn.destinations)
    return wb[sheet], wb[sheet][ref.replace("$", "")]


def validations_at(ws, coord: str):
    return [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]


def every_column(spec):
    return [(t, c) for t in spec.tables() for c in t.columns]


# ------------------------------------------------------------------------------ the specs


def test_services_and_versions():
    assert SERVICES == ("home_care", "care_home", "supported_living")
    units = {s: get_spec(s).unit for s in SERVICES}
    assert units == {
        "home_care": "contact_hour",
        "care_home": "resident_week",
        "supported_living": "support_hour",
    }
    assert get_spec("home_care", "2026.1") is get_spec("home_care")


def test_unknown_service_and_version_are_user_errors():
    with pytest.raises(UserError, match="unknown service 'day_care'; choose one of: home_care"):
        get_spec("day_care")
    with pytest.raises(UserError, match=r"no care_home template version '1999.1'; known versions"):
        get_spec("care_home", "1999.1")


@pytest.mark.parametrize("service", SERVICES)
def test_every_input_is_described(service):
    spec = get_spec(service)
    items = spec.fields() + [c for _, c in every_column(spec)]
    for f in items:
        assert SNAKE.match(f.id), f.id
        assert f.label and len(f.help) >= 15, f.id
        if f.kind == "percent":
            assert f.unit == "fraction" and f.min == 0, f.id
        if f.kind in ("choice", "bool"):
            assert f.choices, f.id
    ids = [f.id for f in spec.fields()] + [t.id for t in spec.tables()]
    assert len(ids) == len(set(ids))
    for required in ("provider_name", "registration_number", "period_start", "period_end"):
        assert spec.field(required).required


@pytest.mark.parametrize("service", SERVICES)
def test_cost_lines_carry_their_fair_cost_of_care_grouping(service):
    spec = get_spec(service)
    lines = spec.cost_fields()
    assert len(lines) >= 15
    for f in lines:
        assert f.kind == "money" and f.unit == "GBP/year", f.id
        assert f.id.endswith("_annual"), f.id
        assert COST_GROUP_CATEGORY[f.cost_group] == f.category
        assert f.cost_line
    assert spec.field("return_on_operations_annual").category == "return"
    staff = spec.table("staff_roles")
    role = staff.column("role")
    assert all(role.cost_line_for(choice) for choice in role.choices)
    staffing_money = [c.id for c in staff.columns if c.category == "staffing"]
    assert staffing_money == [
        "annual_gross_pay",
        "employer_ni_annual",
        "employer_pension_annual",
        "agency_spend_annual",
    ]
    other = spec.table("other_costs").column("cost_group")
    assert set(other.choices) <= set(COST_GROUP_CATEGORY)
    assert all(other.cost_line_for(c) for c in other.choices)


def test_service_specific_inputs_from_the_issue():
    home = get_spec("home_care")
    for fid in (
        "contact_hours_per_week",
        "visits_per_week_15min",
        "visits_per_week_30min",
        "visits_per_week_45min",
        "visits_per_week_60min",
        "care_worker_headcount",
        "care_worker_paid_hours_per_week",
        "travel_minutes_per_visit",
        "miles_per_visit",
    ):
        home.field(fid)
    home_lines = {f.cost_line for f in home.cost_fields()}
    assert {"Mileage", "PPE", "Insurance", "Central/head office recharges"} <= home_lines
    care = get_spec("care_home")
    for fid in ("registered_beds", "average_occupancy", "residents_self_funded", "tenure"):
        care.field(fid)
    assert care.field("property_value").unit == "GBP"
    assert care.field("rent_annual").category == "return"
    assert care.table("staff_roles").column("role").cost_line_for("Nurse") == "Nursing staff"
    assert {"Food supplies", "Registration fees"} <= {f.cost_line for f in care.cost_fields()}
    living = get_spec("supported_living")
    for fid in ("support_hours_per_week", "sleep_ins_per_week", "waking_nights_per_week"):
        living.field(fid)
    assert living.field("sleep_in_payment_per_night").unit == "GBP/night"


def test_staff_table_has_what_the_bottom_up_model_needs():
    table = get_spec("care_home").table("staff_roles")
    ids = [c.id for c in table.columns]
    for needed in (
        "role",
        "headcount",
        "contracted_hours_per_week",
        "paid_hours_per_week",
        "basic_rate_per_hour",
        "enhancements_per_hour",
        "training_hours_per_worker_per_year",
        "sick_days_per_worker_per_year",
        "employer_pension_rate",
        "pension_opt_in_share",
    ):
        assert needed in ids
    assert table.column_for_header("  basic PAY per   hour ") is table.column("basic_rate_per_hour")
    assert table.column_for_header("Favourite colour") is None


def test_spec_rejects_inconsistent_descriptions():
    with pytest.raises(ValueError, match="kind 'currency'"):
        Field("x", "X", "help", "currency", "GBP/year")
    with pytest.raises(ValueError, match="needs choices"):
        Field("x", "X", "help", "choice", "choice")
    with pytest.raises(ValueError, match="does not belong"):
        Field("x", "X", "h", "money", "GBP/year", category="staffing", cost_group="Premises")
    col = Field("a", "A", "h", "text", "text")
    with pytest.raises(ValueError, match="unique"):
        Table("t", "T", "h", (col, col), rows=3)
    table = Table("t", "T", "h", (col,), rows=3)
    below = Field("b", "B", "h", "text", "text")
    sheet = SheetSpec("S", (Section("one", (table,)), Section("two", (below,))))
    with pytest.raises(ValueError, match="tables must come last on sheet 'S'"):
        TemplateSpec("home_care", "0.1", "contact_hour", "T", (sheet,))


# ------------------------------------------------------------------------------ the workbooks


@pytest.mark.parametrize("service", SERVICES)
def test_every_field_has_a_workbook_scope_name_on_an_unlocked_input(books, service):
    wb, spec = books[service], get_spec(service)
    names = set(wb.defined_names.keys())
    assert names == {f.id for f in spec.fields()}
    for f in spec.fields():
        assert wb.defined_names[f.id].localSheetId is None
        ws, cell = named_cell(wb, f.id)
        assert ws.title == spec.sheet_of(f.id)
        assert cell.protection.locked is False, f.id
        assert cell.data_type != "f", f.id
        label = ws.cell(row=cell.row, column=1).value
        assert label.rstrip(" *") == f.label
        assert ws.cell(row=cell.row, column=1).protection.locked is True


@pytest.mark.parametrize("service", SERVICES)
def test_tables_have_the_spec_columns_and_blank_unlocked_rows(books, service):
    wb, spec = books[service], get_spec(service)
    for table in spec.tables():
        ws = wb[spec.sheet_of(table.id)]
        assert table.id in ws.tables
        xl = ws.tables[table.id]
        assert [c.name for c in xl.tableColumns] == [c.label for c in table.columns]
        first, last = xl.ref.split(":")
        first_row = int(re.sub(r"\D", "", first))
        last_row = int(re.sub(r"\D", "", last))
        assert last_row - first_row == table.rows
        for i, _col in enumerate(table.columns, start=1):
            cell = ws.cell(row=first_row + 1, column=i)
            assert cell.protection.locked is False
            assert cell.value is None
            assert ws.cell(row=first_row, column=i).protection.locked is True


@pytest.mark.parametrize("service", SERVICES)
def test_validation_follows_kind_bounds_and_choices(books, service):
    wb, spec = books[service], get_spec(service)
    lists = wb[LISTS_SHEET]
    for f in spec.fields():
        ws, cell = named_cell(wb, f.id)
        (dv,) = validations_at(ws, cell.coordinate)
        assert dv.showInputMessage and dv.prompt and dv.promptTitle == f.label[:32]
        assert dv.prompt.startswith(f.help)  # never truncated
        if f.kind in ("choice", "bool"):
            assert dv.type == "list"
            sheet, ref = dv.formula1.split("!")
            assert sheet == LISTS_SHEET
            values = [c.value for row in lists[ref.replace("$", "")] for c in row]
            assert tuple(values) == f.choices
        elif f.kind == "integer":
            assert dv.type == "whole"
            assert float(dv.formula1) == f.min and float(dv.formula2) == f.max
        elif f.kind in ("money", "number", "percent"):
            assert dv.type == "decimal"
            assert float(dv.formula1) == (f.min if f.min is not None else -1e15)
            assert float(dv.formula2) == (f.max if f.max is not None else 1e15)
        elif f.kind == "date":
            assert dv.type == "date"
    # table columns: one validation over all blank rows of each column
    for table in spec.tables():
        ws = wb[spec.sheet_of(table.id)]
        top = int(re.sub(r"\D", "", ws.tables[table.id].ref.split(":")[0])) + 1
        for i, _col in enumerate(table.columns, start=1):
            letter = openpyxl.utils.get_column_letter(i)
            (dv,) = validations_at(ws, f"{letter}{top}")
            assert f"{letter}{top + table.rows - 1}" in dv.sqref
            assert dv.prompt


def test_number_formats_and_units_are_shown(books):
    wb = books["care_home"]
    expected = {
        "food_annual": ("£#,##0", "£ a year"),
        "average_occupancy": ("0.0%", "%"),
        "registered_beds": ("#,##0", "number"),
        "average_fee_council_per_week": ("£#,##0.00", "£ a week"),
        "period_start": ("dd/mm/yyyy", "date"),
        "provider_name": ("@", ""),
    }
    for fid, (fmt, unit) in expected.items():
        ws, cell = named_cell(wb, fid)
        assert cell.number_format == fmt, fid
        assert (ws.cell(row=cell.row, column=3).value or "") == unit, fid


@pytest.mark.parametrize("service", SERVICES)
def test_every_sheet_protected_without_a_password(books, service):
    for ws in books[service].worksheets:
        assert ws.protection.sheet is True, ws.title
        assert not ws.protection.password, ws.title


@pytest.mark.parametrize("service", SERVICES)
def test_hidden_sheet_names_kind_service_and_version(books, service):
    wb = books[service]
    ws = wb[TEMPLATE_SHEET]
    assert ws.sheet_state == "hidden"
    keys = {row[0]: row[1] for row in ws.iter_rows(values_only=True)}
    assert keys["kind"] == TEMPLATE_KIND
    assert keys["service"] == service
    assert keys["version"] == get_spec(service).version
    assert keys["council"] == "Anytown Council"
    assert keys["period_end"] == "2026-03-31"
    assert wb.sheetnames[0] == "Cover"
    assert [ws.sheet_state for ws in wb.worksheets][:-2] == ["visible"] * (len(wb.sheetnames) - 2)


def test_cover_shows_the_generation_parameters_and_period_is_prefilled(books):
    wb = books["home_care"]
    text = [v for row in wb["Cover"].iter_rows(values_only=True) for v in row if v]
    assert "Anytown Council" in text
    assert "30 June 2026" in text
    assert "costofcare@anytown.example" in text
    assert "1 April 2025 to 31 March 2026" in text
    assert any("no password" in t for t in text)
    _, start = named_cell(wb, "period_start")
    _, end = named_cell(wb, "period_end")
    assert start.value == dt.datetime(2025, 4, 1)
    assert end.value == dt.datetime(2026, 3, 31)


def test_only_section_totals_are_formulas(books):
    wb = books["care_home"]
    spec = get_spec("care_home")
    formulas = []
    for ws in wb.worksheets:
        if ws.title == CHECK_SHEET:
            continue  # the self-check panel: formulas only (tests/test_templates_check.py)
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append((ws.title, cell))
    assert formulas, "cost sections should have total rows"
    for title, cell in formulas:
        ws = wb[title]
        assert ws.cell(row=cell.row, column=1).value == "Total of the lines above"
        assert re.fullmatch(r"=SUM\(B\d+:B\d+\)", cell.value)
    # the premises total adds exactly the four premises lines
    premises = [f.id for f in spec.fields() if f.cost_group == "Premises"]
    rows = sorted(named_cell(wb, fid)[1].row for fid in premises)
    assert any(c.value == f"=SUM(B{rows[0]}:B{rows[-1]})" for _, c in formulas)
    assert rows[-1] - rows[0] == 3


def test_writer_is_deterministic(tmp_path):
    a = write_template("supported_living", tmp_path / "a.xlsx", SETTINGS)
    b = write_template("supported_living", tmp_path / "b.xlsx", SETTINGS)
    assert a.read_bytes() == b.read_bytes()


def test_settings_reject_a_period_that_ends_before_it_starts():
    with pytest.raises(
        UserError, match=r"period end \(2025-03-31\) must be after the period start"
    ):
        GenerationSettings(period_start=dt.date(2025, 4, 1), period_end=dt.date(2025, 3, 31))


# ------------------------------------------------------------------------------ pre-filling


def test_one_prefilled_workbook_per_provider_row(tmp_path):
    csv = tmp_path / "providers.csv"
    csv.write_text(
        "\ufeffprovider_name,registration_number,regulator,locality,home_type\n"
        "Acme Care Ltd,1-111111111,cqc (england),North,Nursing\n"
        '"=HYPERLINK(""http://x"",""y"")",1-222,CQC (England),,Residential\n'
        "Acme Care Ltd,1-111111111,CQC (England),South,\n"
        ",,,,\n",
        encoding="utf-8",
    )
    paths = write_for_providers("care_home", csv, tmp_path / "out", SETTINGS)
    assert [p.name for p in paths] == [
        "care_home_acme-care-ltd_1-111111111.xlsx",
        "care_home_hyperlink-http-x-y_1-222.xlsx",
        "care_home_acme-care-ltd_1-111111111-2.xlsx",
    ]
    wb = openpyxl.load_workbook(paths[0])
    assert named_cell(wb, "provider_name")[1].value == "Acme Care Ltd"
    assert named_cell(wb, "regulator")[1].value == "CQC (England)"  # canonical spelling
    assert named_cell(wb, "home_type")[1].value == "Nursing"
    assert named_cell(wb, "period_start")[1].value == dt.datetime(2025, 4, 1)
    hostile = named_cell(openpyxl.load_workbook(paths[1]), "provider_name")[1]
    assert hostile.data_type == "s"
    assert hostile.value == '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        ("Provider Name,provider_name\nA,B\n", "'Provider Name' and 'provider_name' both"),
        ("provider_name,regulator\nA,Ofsted\n", "row 2: pre-fill value 'Ofsted' for regulator"),
        ("provider_name,locality\nA,North\n,South\n", "row 3: provider_name is blank"),
        ("locality\nNorth\n", "needs a provider_name column"),
        ("", "the providers CSV is empty"),
    ],
)
def test_provider_csv_mistakes_are_named(tmp_path, csv_text, message):
    csv = tmp_path / "p.csv"
    csv.write_text(csv_text, encoding="utf-8")
    with pytest.raises(UserError, match=re.escape(message)):
        write_for_providers("home_care", csv, tmp_path / "out")


def test_friendly_headers_are_read_and_other_columns_left_out_with_a_warning(tmp_path):
    csv = tmp_path / "providers.csv"
    csv.write_text(
        "Provider Name,Registration number,Colour,CONTACT-EMAIL,Notes\n"
        "Acme Care Ltd,1-111111111,red,a@acme.example,call first\n",
        encoding="utf-8",
    )
    warned: list[str] = []
    (path,) = write_for_providers("home_care", csv, tmp_path / "out", warn=warned.append)
    assert path.name == "home_care_acme-care-ltd_1-111111111.xlsx"
    wb = openpyxl.load_workbook(path)
    assert named_cell(wb, "provider_name")[1].value == "Acme Care Ltd"
    assert named_cell(wb, "registration_number")[1].value == "1-111111111"
    assert named_cell(wb, "contact_email")[1].value == "a@acme.example"
    assert len(warned) == 1
    assert (
        "column(s) 'Colour', 'Notes' left out: not a detail the home_care template" in (warned[0])
    )


def test_cli_prints_the_left_out_columns_as_a_warning(tmp_path, capsys):
    csv = tmp_path / "providers.csv"
    csv.write_text("provider_name,colour\nA,red\n", encoding="utf-8")
    argv = ["template", "home_care", "--providers", str(csv), "-o", str(tmp_path / "out")]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert err.startswith("warning: ") and "'colour' left out" in err
    assert (tmp_path / "out" / "home_care_a.xlsx").exists()


def test_safe_file_stem():
    assert safe_file_stem("../../etc/passwd") == "etc-passwd"
    assert safe_file_stem("Ça va Care (UK) Ltd.") == "a-va-care-uk-ltd"
    assert safe_file_stem("***") == "provider"
    assert len(safe_file_stem("x" * 500)) == 60


# ------------------------------------------------------------------------------ command line


def test_cli_writes_one_template(tmp_path, capsys):
    out = tmp_path / "hc.xlsx"
    code = main(
        ["template", "home-care", "-o", str(out), "--council", "Anytown Council"]
        + ["--deadline", "2026-06-30", "--period-start", "01/04/2025", "--period-end", "2026-03-31"]
    )
    assert code == 0
    assert str(out) in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    assert named_cell(wb, "period_start")[1].value == dt.datetime(2025, 4, 1)


def test_cli_all_writes_three(tmp_path):
    assert main(["template", "all", "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{s}.xlsx" for s in SERVICES)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["template", "day_care", "-o", "x.xlsx"], "unknown service 'day_care'"),
        (["template", "care_home", "-o", "x.csv"], "the file name must end in .xlsx"),
        (["template", "all", "-o", "x.xlsx"], "give a folder, not an .xlsx file"),
        (
            ["template", "care_home", "-o", "x.xlsx", "--deadline", "30/13/2026"],
            "--deadline: '30/13/2026' is not a date",
        ),
    ],
)
def test_cli_mistakes_exit_2_with_a_clear_message(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_cli_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        main(["template", "--help"])
    text = capsys.readouterr().out
    assert "costofcare template care_home -o care-home-return.xlsx --council" in text
    assert "--providers" in text


# ------------------------------------------------------------------------------ committed files


def content(path: Path) -> dict:
    """What a workbook holds, read back with openpyxl: cells (value, format, lock), names,
    tables, validations, protection and sheet states. Independent of zip/XML byte details."""
    wb = openpyxl.load_workbook(path)
    out: dict = {"sheets": [(ws.title, ws.sheet_state) for ws in wb.worksheets]}
    out["names"] = sorted((n, d.attr_text) for n, d in wb.defined_names.items())
    for ws in wb.worksheets:
        cells = []
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None or c.protection.locked is False:
                    cells.append((c.coordinate, c.value, c.number_format, c.protection.locked))
        out[ws.title] = {
            "cells": cells,
            "tables": sorted(
                (t.name, t.ref, tuple(col.name for col in t.tableColumns))
                for t in ws.tables.values()
            ),
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.formula1, dv.formula2, dv.prompt, dv.error)
                for dv in ws.data_validations.dataValidation
            ),
            "protected": (ws.protection.sheet, ws.protection.password),
        }
    return out


@pytest.mark.parametrize("service", SERVICES)
def test_committed_templates_match_the_current_spec(tmp_path, service):
    committed = COMMITTED / f"{service}.xlsx"
    assert committed.exists(), "run: costofcare template all -o workbooks/templates/"
    fresh = write_template(service, tmp_path / f"{service}.xlsx")
    assert content(committed) == content(fresh), (
        f"{committed.name} is out of date; run: costofcare template all -o workbooks/templates/"
    )


def test_committed_field_reference_is_current():
    page = REPO / "docs" / "fields.md"
    assert page.read_text(encoding="utf-8") == fields_markdown(), (
        "docs/fields.md is out of date; run: python -m costofcare.templates.docs"
    )
    for service in SERVICES:
        for f in get_spec(service).fields():
            assert f"`{f.id}`" in page.read_text(encoding="utf-8")
