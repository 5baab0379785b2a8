"""The reader's short cuts give what the full rules give.

A finite number that :func:`costofcare.ingest.reader._plainly_read` lets through is read
as itself with no note, exactly as :func:`costofcare.ingest.coerce.coerce` reads it; a
choice is matched as before, the first listed of any that fold alike. A field whose
defined name points where the template puts it is read there, as the full name check
would; a table's columns matched for a header row seen before are the ones matching it
again gives; a row is blank by one count when it is blank cell by cell. Whole returns,
awkward ones included, read the same with every short cut turned off.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from costofcare.ingest import reader
from costofcare.ingest.coerce import (
    CellError,
    Coerced,
    _squeeze,
    coerce,
    float_text,
    is_blank,
    raw_text,
)
from costofcare.ingest.fill import ReturnFiller, example_return
from costofcare.ingest.reader import ReturnResult, _plainly_read, read_return
from costofcare.templates.spec import get_spec

KINDS = ("money", "number", "integer", "percent", "text", "date", "choice", "bool")


@given(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(KINDS))
def test_a_number_let_through_is_what_the_rules_read(x, kind):
    if not _plainly_read(kind, x):
        return
    choices = ("a",) if kind == "choice" else ()
    assert coerce(x, kind, choices=choices) == Coerced(x, "", raw_text(x))


def test_which_numbers_are_let_through():
    assert _plainly_read("money", 1e300)
    assert _plainly_read("number", -3.5)
    assert _plainly_read("integer", 12.0)
    assert not _plainly_read("integer", 12.5)  # not a whole number: an issue
    assert _plainly_read("percent", 0.035)
    assert _plainly_read("percent", -1.0)
    assert not _plainly_read("percent", 1.5)  # read as a fraction above 1: a note
    assert not _plainly_read("percent", 3.5)  # read as 3.5%: a note
    assert not _plainly_read("date", 45000.0)
    assert not _plainly_read("text", 1.0)
    assert math.isclose(coerce(3.5, "percent").value, 0.035)


def test_a_choice_is_the_first_listed_of_those_that_fold_alike():
    choices = ("Yes", "YES ", "No")
    assert coerce("  yes ", "choice", choices=choices).text == "Yes"
    assert coerce("no", "choice", choices=choices).text == "No"
    assert coerce("maybe", "choice", choices=choices).code == "unreadable_value"
    assert coerce("n/a", "choice", choices=list(choices)).code == "not_applicable"


AWKWARD = [
    "£12.50", "15%", "N/A", "", "   ", "\u00a0", "-", "(120)", "12k", "45p", "1 234", "12,5",
    "1,234.50", "nil", "about ten", "#DIV/0!", "=1+1", True, False, dt.date(2025, 4, 1),
    dt.datetime(2025, 4, 1, 12, 30), 1e300, -1e300, -5.0, -0.0, 0.0, 12.5, 1.5, 15.0, 0.35,
    1e16, 123456789012345.0, 2.5e-7, "x" * 40_000, "Yes", " care WORKER ", "01/04/2025",
    45000.0, 2024.0, 7, CellError("#REF!"), math.inf, -math.inf, math.nan, None,
]  # fmt: skip
"""Cells as providers leave them: text numbers, words, blanks, errors typed and cached,
booleans, dates, huge, tiny, negative and out-of-bound numbers, over-long text."""


def _plain(value):
    """A value comparable whatever it holds (NaN is not equal to itself)."""
    return "NaN" if isinstance(value, float) and math.isnan(value) else value


@pytest.mark.parametrize("service", ["home_care"])
def test_every_kind_of_cell_is_taken_as_the_rules_read_it(service):
    spec = get_spec(service)
    plan = reader._plan_of(spec)
    inputs = list(plan.singles) + [i for t in plan.tables for i in t.columns.values()]
    one_of_each = {i.field.kind: i for i in inputs}  # money, number, integer, percent, ...
    assert len(one_of_each) == 8
    for kind, i in one_of_each.items():
        for cell in AWKWARD:
            result = ReturnResult(file="f.xlsx", return_id="r1", provider="P")
            ctx = reader._Context(
                result, spec, spec.version, None, reader.WorkbookMap(), plan.layout, {}
            )
            read = reader._take(ctx, i, "staff_roles", 3, "Staffing", 4, 2, "C5", cell)
            if is_blank(cell):
                assert read.got is None and result.values == [] and result.issues == []
                continue
            limit = ctx.limits.max_text_length
            typed = cell[:limit] if type(cell) is str else cell
            want = coerce(typed, kind, choices=i.field.choices)
            assert tuple(map(_plain, read.got)) == tuple(map(_plain, want)), (kind, cell)
            (row,) = result.values
            assert (row[6], _plain(row[7]), row[8], row[12], row[13]) == (
                i.out_id,
                _plain(want.value),
                want.text,
                "C5",
                want.raw,
            )
            said = [x.code for x in result.issues if x.code != "text_truncated"]
            quiet = not want.code or (want.code == "not_applicable" and i.field.required)
            assert said == ([] if quiet else [want.code]), (kind, cell)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_is_shown_the_same_by_both_spellings(x):
    assert float_text(x) == raw_text(x)
    assert raw_text(x) == (str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x))


_SPACE_RUNS = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")


@given(
    st.text(alphabet=st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\u00a0\u2007\u2009\u202f\u3000ab£1"))
)
def test_spaces_are_squeezed_as_the_spaces_pattern_would(text):
    assert _squeeze(text) == _SPACE_RUNS.sub(" ", text).strip()


def test_every_space_that_str_split_knows_is_a_space_to_the_pattern():
    for code in range(0x3001):  # no code point above U+3000 is a space
        ch = chr(code)
        assert bool(_SPACE_RUNS.fullmatch(ch)) == ch.isspace(), hex(code)


def test_a_row_is_blank_by_count_only_when_blank_cell_by_cell():
    rows = [["", "", ""], ["", None, " "], ["", "\u00a0"], ["", 0.0], ["", False], [""], []]
    for row in rows:
        assert reader._all_blank(row) == all(is_blank(v) for v in row), row


@pytest.fixture(scope="module")
def awkward_returns(tmp_path_factory):
    """Returns a provider might send: odd values everywhere, rows inserted above named
    cells, names pointing elsewhere or over a range, names lost, a sheet renamed, a table
    header renamed and rows typed below it, a table without its name, an unknown version,
    cells pasted into a blank workbook."""
    folder = tmp_path_factory.mktemp("awkward")
    values, tables = example_return("home_care", seed=11, table_rows=4)
    values["provider_name"] = "Awkward Care Ltd"
    clean = ReturnFiller("home_care").fill(folder / "clean.xlsx", values, tables)
    made = [clean]

    def variant(name, edit):
        wb = openpyxl.load_workbook(clean)
        wb = edit(wb) or wb
        wb.save(folder / name)
        made.append(folder / name)

    def odd_values(wb):
        names = sorted(wb.defined_names)
        for k, name in enumerate(names):
            for sheet, ref in wb.defined_names[name].destinations:
                if ":" not in ref:
                    wb[sheet][ref.replace("$", "")] = AWKWARD[k % len(AWKWARD)]
        ws = wb["Staffing"]
        table = ws.tables["staff_roles"]
        first, last = table.ref.split(":")
        top = int("".join(ch for ch in first if ch.isdigit()))
        for k, row in enumerate(ws.iter_rows(min_row=top + 1, max_row=top + 4)):
            for j, cell in enumerate(row[1:]):
                cell.value = AWKWARD[(k * 7 + j) % len(AWKWARD)]

    def rows_inserted(wb):
        wb["Volumes"].insert_rows(3, 2)  # the names stay where they were

    def names_moved(wb):
        names = sorted(n for n in wb.defined_names if not n.startswith("_"))
        for k, name in enumerate(names[:6]):
            dn = wb.defined_names[name]
            sheet, ref = next(dn.destinations)
            col, row = openpyxl.utils.cell.coordinate_from_string(ref.replace("$", ""))
            beside = openpyxl.utils.get_column_letter(
                openpyxl.utils.column_index_from_string(col) + 1
            )
            dn.attr_text = [
                f"'{sheet}'!${col}${row}:${col}${row + 3}",  # over a range
                f"'{sheet}'!${col}${row + 1}",  # a row down
                f"'{sheet}'!${beside}${row}",  # a column across
            ][k % 3]
        for name in names[6:12]:
            del wb.defined_names[name]

    def sheet_renamed(wb):
        wb["Costs"].title = "Our costs"

    def table_changed(wb):
        ws = wb["Staffing"]
        table = ws.tables["staff_roles"]
        first, last = table.ref.split(":")
        top = int("".join(ch for ch in first if ch.isdigit()))
        bottom = int("".join(ch for ch in last if ch.isdigit()))
        ws.cell(top, 3).value = "Our own notes"
        ws.cell(bottom + 1, 2).value = "Care worker"
        ws.cell(bottom + 1, 3).value = 3.0
        del wb["Costs"].tables["other_costs"]

    def unknown_version(wb):
        for row in wb["_template"].iter_rows():
            if row[0].value == "version":
                row[1].value = "2099.9"

    def pasted(wb):
        blank = openpyxl.Workbook()
        blank.remove(blank.active)
        for ws in wb.worksheets:
            if not ws.title.startswith("_"):
                copy = blank.create_sheet(ws.title)
                for row in ws.iter_rows():
                    for cell in row:
                        if cell.value is not None:
                            copy.cell(cell.row, cell.column, cell.value)
        return blank

    for edit in (odd_values, rows_inserted, names_moved, sheet_renamed, table_changed,
                 unknown_version, pasted):  # fmt: skip
        variant(f"{edit.__name__}.xlsx", edit)
    return made


def _read_all(paths):
    out = []
    for path in paths:
        result = read_return(path)
        out.append(
            (
                dataclasses.replace(result, values=[], issues=[]),
                [tuple(map(_plain, row)) for row in result.values],
                [issue.as_row() for issue in result.issues],
            )
        )
    return out


def _without_short_cuts(monkeypatch):
    """Every cell through :func:`coerce`, every field through the full name check, every
    header row matched afresh, every row checked cell by cell."""
    monkeypatch.setattr(reader, "_PLANS", {})
    monkeypatch.setattr(reader, "_any_number", lambda f: False)
    monkeypatch.setattr(reader, "_plainly_read", lambda kind, cell: False)
    monkeypatch.setattr(
        reader,
        "_locate_singles",
        lambda ctx, inputs: [(i, reader._locate_field(ctx, i.field)) for i in inputs],
    )
    monkeypatch.setattr(reader, "_header_key", lambda span, spot: None)
    monkeypatch.setattr(reader, "_all_blank", lambda cells: all(is_blank(v) for v in cells))


def test_awkward_returns_read_the_same_without_the_short_cuts(awkward_returns, monkeypatch):
    quick = _read_all(awkward_returns)
    _without_short_cuts(monkeypatch)
    assert _read_all(awkward_returns) == quick
    codes = {issue[1] for _, _, issues in quick for issue in issues}
    assert {"unreadable_value", "name_mismatch", "located_by_label", "unknown_column"} <= codes


def test_an_older_version_with_renames_reads_the_same_without_the_short_cuts(
    older_home_care, tmp_path, monkeypatch
):
    values, tables = example_return("home_care", seed=5, table_rows=3)
    values["hours_delivered_per_week"] = values.pop("contact_hours_per_week")
    path = ReturnFiller(older_home_care).fill(tmp_path / "old.xlsx", values, tables)
    quick = _read_all([path])
    assert "contact_hours_per_week" in {row[6] for row in quick[0][1]}
    _without_short_cuts(monkeypatch)
    assert _read_all([path]) == quick


def test_a_plan_is_made_again_for_a_new_spec_or_new_renames(monkeypatch):
    monkeypatch.setattr(reader, "_PLANS", {})
    spec = get_spec("care_home")
    plan = reader._plan_of(spec)
    assert reader._plan_of(spec) is plan
    twin = dataclasses.replace(spec)  # the same version registered anew
    assert reader._plan_of(twin).spec is twin
    monkeypatch.setattr(reader, "rename_map", lambda service, version: {"a": "b"})
    assert reader._plan_of(twin).renames == {"a": "b"}


def test_ingest_with_its_validation_workbook_does_not_load_the_report_step(tmp_path):
    # The report step (and what it imports, such as scipy) is a second of start-up for a
    # command that only ingests; the validation workbook needs only costofcare.textfit.
    import subprocess
    import sys
    from pathlib import Path

    returns = Path(__file__).resolve().parents[1] / "workbooks" / "examples" / "returns"
    code = (
        "import sys\n"
        "from costofcare.cli import main\n"
        f"main(['ingest', {str(returns)!r}, '-o', {str(tmp_path / 'out')!r}, "
        "'--workers', '1', '--no-progress'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('costofcare.report')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "validation.xlsx").stat().st_size > 0
    assert done.stdout.strip().splitlines()[-1] == "[]"
