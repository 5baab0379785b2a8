"""The templates open in LibreOffice, and names, tables, validation and values survive a round
trip through ODS and back to xlsx (one batch conversion each way)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from costofcare.templates import (
    SERVICES,
    TEMPLATE_KIND,
    TEMPLATE_SHEET,
    GenerationSettings,
    get_spec,
    write_template,
)
from tests.support.libreoffice import convert, soffice_path
from tests.support.shared import once_per_run

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.xdist_group("libreoffice"),
    pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed"),
]

SETTINGS = GenerationSettings(
    council="Anytown Council", period_start=dt.date(2025, 4, 1), period_end=dt.date(2026, 3, 31)
)


def _round_trip(tmp):
    originals = [
        write_template(
            s,
            tmp / f"{s}.xlsx",
            SETTINGS,
            prefill={"provider_name": "Acme Care Ltd", "registration_number": "1-23456789"},
        )
        for s in SERVICES
    ]
    ods = convert(originals, "ods", tmp / "ods")
    back = convert(ods, "xlsx", tmp / "back")
    return {s: (orig, o, b) for s, orig, o, b in zip(SERVICES, originals, ods, back, strict=True)}


@pytest.fixture(scope="session")
def round_trip(tmp_path_factory):
    # one conversion per test run, whichever worker gets there first (read-only files)
    return once_per_run(tmp_path_factory, "templates-libreoffice", _round_trip)


@pytest.mark.parametrize("service", SERVICES)
def test_names_tables_and_values_survive_libreoffice(round_trip, service):
    original, ods, back = round_trip[service]
    assert ods.stat().st_size > 0
    spec = get_spec(service)
    before = openpyxl.load_workbook(original)
    after = openpyxl.load_workbook(back)
    assert after.sheetnames == before.sheetnames
    assert after[TEMPLATE_SHEET].sheet_state == "hidden"
    keys = {r[0]: r[1] for r in after[TEMPLATE_SHEET].iter_rows(values_only=True)}
    assert (keys["kind"], keys["service"], keys["version"]) == (
        TEMPLATE_KIND,
        service,
        spec.version,
    )
    for f in spec.fields():
        assert f.id in after.defined_names, f.id
        assert after.defined_names[f.id].attr_text == before.defined_names[f.id].attr_text
    for table in spec.tables():
        ws = after[spec.sheet_of(table.id)]
        assert table.id in ws.tables
        assert [c.name for c in ws.tables[table.id].tableColumns] == [
            c.label for c in table.columns
        ]
    for ws in after.worksheets:
        assert ws.protection.sheet and not ws.protection.password
        assert len(ws.data_validations.dataValidation) == len(
            before[ws.title].data_validations.dataValidation
        )

    def value(wb, name):
        ((sheet, ref),) = list(wb.defined_names[name].destinations)
        return wb[sheet][ref.replace("$", "")]

    assert value(after, "provider_name").value == "Acme Care Ltd"
    assert value(after, "registration_number").value == "1-23456789"
    assert value(after, "period_start").value == dt.datetime(2025, 4, 1)
    assert value(after, "period_start").protection.locked is False
    # totals were recalculated by LibreOffice on load: blank inputs add up to 0
    computed = openpyxl.load_workbook(back, data_only=True)
    totals = [
        c.value
        for ws in computed.worksheets
        for row in ws.iter_rows()
        for c in row
        if ws.cell(row=c.row, column=1).value == "Total of the lines above" and c.column == 2
    ]
    assert totals and all(t == 0 for t in totals)
