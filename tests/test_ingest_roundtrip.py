"""Round trips: generate each template, fill it (by program, and saved again by LibreOffice
as xlsx and as ods), ingest, and get back exactly the values put in, with provenance."""

import datetime as dt
import math
import shutil

import pytest

from costofcare.ingest.batch import ingest_files
from costofcare.ingest.fill import ReturnFiller, example_return
from costofcare.ingest.locate import cell_ref
from costofcare.templates.spec import SERVICES, get_spec
from costofcare.templates.writer import layout
from tests.support.libreoffice import convert, soffice_path
from tests.support.shared import once_per_run


def expected_rows(service: str, values: dict, tables: dict) -> dict:
    """(table, row, field) -> (value, text, sheet, cell), worked out from the inputs and the
    writer's layout (not from the reader)."""
    spec = get_spec(service)
    places = layout(spec)
    out = {}

    def reading(f, given):
        if f.kind == "bool":
            return (1.0 if given == "Yes" else 0.0), ""
        if f.kind == "date":
            return math.nan, given.isoformat()
        if f.kind in ("text", "choice"):
            return math.nan, str(given)
        return float(given), ""

    for fid, given in values.items():
        sheet, r, c = places.cells[fid]
        out[("", 0, fid)] = (*reading(spec.field(fid), given), sheet, cell_ref(r, c))
    for tid, rows in tables.items():
        table = spec.table(tid)
        place = places.tables[tid]
        position = {col.id: i for i, col in enumerate(table.columns)}
        for n, row in enumerate(rows, start=1):
            for cid, given in row.items():
                cell = cell_ref(place.header_row + n, place.first_col + position[cid])
                out[(tid, n, cid)] = (*reading(table.column(cid), given), place.sheet, cell)
    return out


@pytest.fixture(scope="session")
def filled(tmp_path_factory):
    """One filled return per service (programmatic), with what went in."""
    folder = tmp_path_factory.mktemp("filled")
    made = {}
    for i, service in enumerate(SERVICES):
        values, tables = example_return(service, seed=i)
        values["provider_name"] = f"Provider {i} Ltd"
        path = ReturnFiller(service).fill(folder / f"{service}.xlsx", values, tables)
        made[service] = (path, expected_rows(service, values, tables))
    return made


def check_round_trip(result, service, expected, sheet_names_kept=True):
    got = result.values[result.values["service"] == service]
    assert len(got) == len(expected)
    for rec in got.itertuples(index=False):
        value, text, sheet, cell = expected[(rec.table, rec.row, rec.field)]
        if math.isnan(value):
            assert math.isnan(rec.value), rec
        else:
            assert rec.value == pytest.approx(value, rel=1e-12, abs=1e-12), rec
        assert rec.text == text, rec
        assert (rec.sheet, rec.cell) == (sheet, cell), rec
        assert rec.template_version == get_spec(service).version
    assert set(got["provider"]) == {expected[("", 0, "provider_name")][1]}


def test_programmatic_round_trip_every_service(filled, tmp_path):
    for path, _ in filled.values():
        shutil.copy(path, tmp_path)
    result = ingest_files([tmp_path], workers=1)
    assert set(result.returns["status"]) <= {"clean", "warnings"}
    assert (result.issues["severity"] != "error").all(), result.issues
    for service, (path, expected) in filled.items():
        check_round_trip(result, service, expected)
        sub = result.values[result.values["service"] == service]
        assert set(sub["file"]) == {str(tmp_path / path.name)}
        assert sub["return_id"].str.fullmatch(r"[0-9a-f]{12}").all()


def test_tidy_values_follow_the_contract(filled):
    result = ingest_files([p for p, _ in filled.values()], workers=1)
    assert list(result.values.columns) == [
        "return_id", "provider", "service", "template_version", "table", "row", "field",
        "value", "text", "unit", "file", "sheet", "cell", "raw",
    ]  # fmt: skip
    assert str(result.values["value"].dtype) == "float64"
    assert str(result.values["row"].dtype) == "int64"
    pay = result.values[result.values["field"] == "basic_rate_per_hour"]
    assert set(pay["unit"]) == {"GBP/hour"} and set(pay["table"]) == {"staff_roles"}


def test_parallel_and_single_process_agree(filled):
    paths = [p for p, _ in filled.values()]
    one = ingest_files(paths, workers=1)
    two = ingest_files(paths, workers=2)
    assert one.values.equals(two.values)
    assert one.issues.equals(two.issues)


def _with_formula(path, out, sheet_part: str, ref: str, formula: str):
    """A copy of a return whose cell ``ref`` holds a formula with no cached value (as if the
    provider typed their own working), for a spreadsheet application to calculate."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == sheet_part:
                cell = re.compile(rb'<c r="%s"([^>]*?)(?:/>|>.*?</c>)' % ref.encode())
                style = re.search(rb'\ss="\d+"', cell.search(data).group(1))
                data = cell.sub(
                    b'<c r="%s"%s><f>%s</f></c>'
                    % (ref.encode(), style.group(0) if style else b"", formula.encode()),
                    data,
                    count=1,
                )
            dst.writestr(info, data)
    return out


@pytest.fixture(scope="session")
def libreoffice_saved(filled, tmp_path_factory):
    """The filled returns opened, recalculated and saved by LibreOffice as xlsx and as ods;
    and, last in each list, a home care return whose optional ``ppe_annual`` cell holds the
    provider's own formula ``=1/0`` (LibreOffice saves the #DIV/0! error it gives)."""
    if soffice_path() is None:
        pytest.skip("LibreOffice is not installed")

    def save_with_libreoffice(folder):
        # ``filled`` is built from fixed seeds, so every worker's copy holds the same values
        paths = [p for p, _ in filled.values()]
        sheet, r, c = layout(get_spec("home_care")).cells["ppe_annual"]
        part = f"xl/worksheets/sheet{_sheet_number(filled['home_care'][0], sheet)}.xml"
        broken = _with_formula(
            filled["home_care"][0], folder / "own_formula.xlsx", part, cell_ref(r, c), "1/0"
        )
        xlsx = convert([*paths, broken], "xlsx", folder / "lo-xlsx")
        ods = convert([*paths, broken], "ods", folder / "lo-ods")
        return xlsx[:-1], ods[:-1], xlsx[-1], ods[-1]

    # one conversion per test run, whichever worker gets there first (read-only files)
    return once_per_run(tmp_path_factory, "ingest-libreoffice", save_with_libreoffice)


def _sheet_number(path, sheet: str) -> int:
    import openpyxl

    return openpyxl.load_workbook(path, read_only=True).sheetnames.index(sheet) + 1


@pytest.mark.libreoffice
@pytest.mark.xdist_group("ingest_libreoffice")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_libreoffice_saved_returns_read_exactly_like_ours(filled, libreoffice_saved, fmt):
    files = libreoffice_saved[0] if fmt == "xlsx" else libreoffice_saved[1]
    result = ingest_files(files, workers=1)
    assert (result.returns["status"] != "rejected").all(), result.returns
    assert (result.issues["severity"] != "error").all(), result.issues
    assert (result.returns["located_by"] == "template sheet").all()
    assert not (result.issues["code"] == "located_by_label").any()
    for service, (_, expected) in filled.items():
        check_round_trip(result, service, expected)


def test_dates_are_iso_text_and_percent_fields_fractions(filled):
    path, expected = filled["care_home"]
    result = ingest_files([path], workers=1)
    start = result.values[result.values["field"] == "period_start"].iloc[0]
    assert start.text == dt.date(2025, 4, 1).isoformat() and math.isnan(start.value)
    occupancy = result.values[result.values["field"] == "average_occupancy"].iloc[0]
    assert 0 <= occupancy.value <= 1 and occupancy.unit == "fraction"


@pytest.mark.libreoffice
@pytest.mark.xdist_group("ingest_libreoffice")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_formula_error_saved_by_libreoffice_is_reported_not_dropped(libreoffice_saved, fmt):
    path = libreoffice_saved[2] if fmt == "xlsx" else libreoffice_saved[3]
    where = layout(get_spec("home_care")).cells["ppe_annual"]
    result = ingest_files([path], workers=1)
    errors = result.issues[result.issues["code"] == "formula_error"]
    assert list(errors["field"]) == ["ppe_annual"], result.issues
    assert list(errors["cell"]) == [cell_ref(*where[1:])]
    assert "#DIV/0!" in errors.iloc[0]["message"]
    ppe = result.values[result.values["field"] == "ppe_annual"]
    assert len(ppe) == 1 and math.isnan(ppe.iloc[0]["value"])
    assert ppe.iloc[0]["raw"] == "#DIV/0!"
