"""One file never stops the batch: hostile and unlucky returns, each built here by hand.

Every bad file is an example return with one part of its zip rewritten (the XML edited as
bytes), so each test says exactly what is wrong with the file it reads.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from costofcare.ingest import batch, reader
from costofcare.ingest.archive import DEFAULT_LIMITS
from costofcare.ingest.batch import ingest_files, iter_returns
from costofcare.ingest.outputs import write_outputs
from costofcare.ingest.reader import read_return
from costofcare.ingest.sheets import read_area, template_extent

ROOT = Path(__file__).resolve().parents[1]
RETURNS = ROOT / "workbooks" / "examples" / "returns"
CARE_HOME = next(RETURNS.glob("CH01_*.xlsx"))
HOME_CARE = next(RETURNS.glob("HC01_*.xlsx"))
PROVIDER_SHEET = "xl/worksheets/sheet2.xml"  # the Provider sheet of every template
VOLUMES_SHEET = "xl/worksheets/sheet3.xml"


def rewrite(source: Path, change: dict) -> bytes:
    """The zip of ``source`` with each part named in ``change`` passed through its function."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in change:
                data = change[info.filename](data)
            zout.writestr(info.filename, data)
    return out.getvalue()


def add_cells(xml: bytes) -> callable:
    """A change that appends ``xml`` (rows of cells) at the end of a sheet's data."""
    return lambda data: data.replace(b"</sheetData>", xml + b"</sheetData>")


def cell(ref: str, text: str = "x") -> bytes:
    row = re.sub(r"[A-Z]", "", ref)
    return f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>'.encode()


def figures(result) -> dict:
    """(table, row, field) -> (value, text) of what a return gave."""
    return {(v[4], v[5], v[6]): (v[7], v[8]) for v in result.values}


@pytest.fixture(scope="module")
def care_home_read():
    return read_return(CARE_HOME)


# ------------------------------------------------------------------ bounded before the reader


def test_the_area_read_is_the_largest_template_sheet_plus_the_margins():
    rows, cols = template_extent()
    # the care home Costs sheet is the longest and the staffing table the widest of the
    # three templates; no template goes past column Z or row 100
    assert 30 < rows < 100 and 4 < cols <= 26
    assert read_area(1_000, 26) == (rows + 1_000, cols + 26)


@pytest.mark.parametrize("ref", ["XFD1048576", "ZZ20000", "A1048576", "XFD30"])
def test_a_cell_far_outside_the_template_is_set_aside_with_one_warning(
    tmp_path, care_home_read, ref
):
    path = tmp_path / "far.xlsx"
    path.write_bytes(rewrite(CARE_HOME, {PROVIDER_SHEET: add_cells(cell(ref))}))
    got = read_return(path)
    assert got.status == "read"
    far = [i for i in got.issues if i.code == "cells_outside_template"]
    assert len(far) == 1
    assert far[0].sheet == "Provider" and far[0].cell == ref
    assert "1 cell(s)" in far[0].message
    # every figure of the return is read as from the file without the stray cell
    assert figures(got) == figures(care_home_read)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory from /proc")
def test_reading_a_cell_at_zz20000_stays_small(tmp_path):
    # Unguarded, the cell reader built a 20,000 x 702 grid for this file (693 MB).
    path = tmp_path / "zz.xlsx"
    path.write_bytes(rewrite(CARE_HOME, {PROVIDER_SHEET: add_cells(cell("ZZ20000"))}))
    # VmHWM: the peak of this process's own memory (ru_maxrss would count the parent's
    # memory at the fork before exec)
    code = (
        "import re\n"
        "from costofcare.ingest import read_return\n"
        f"r = read_return({str(path)!r})\n"
        "status = open('/proc/self/status').read()\n"
        "print(r.status, int(re.search(r'VmHWM:\\s+(\\d+)', status)[1]) // 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    status, peak_mib = out.stdout.strip().splitlines()[-1].split()
    assert status == "read"
    assert int(peak_mib) < 300


def test_a_dimension_claiming_the_whole_grid_is_harmless(tmp_path, care_home_read):
    whole = lambda d: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', d)  # noqa: E731
    path = tmp_path / "dim.xlsx"
    path.write_bytes(rewrite(CARE_HOME, {PROVIDER_SHEET: whole}))
    got = read_return(path)
    assert got.status == "read" and figures(got) == figures(care_home_read)


def test_cells_without_references_far_down_cannot_be_trimmed_so_the_file_is_rejected(tmp_path):
    # a cell with no r="..." is placed in its row: row 1,048,576 here
    far = b'<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>'
    path = tmp_path / "noref.xlsx"
    path.write_bytes(rewrite(CARE_HOME, {PROVIDER_SHEET: add_cells(far)}))
    got = read_return(path)
    assert got.status == "rejected" and got.reason_code == "oversized_sheet"
    assert "row 1,048,576" in got.reason


def test_cells_without_references_inside_the_area_are_read(tmp_path, care_home_read):
    near = b'<row r="90"><c t="n"><v>1</v></c><c t="n"><v>2</v></c></row>'
    path = tmp_path / "near.xlsx"
    path.write_bytes(rewrite(CARE_HOME, {PROVIDER_SHEET: add_cells(near)}))
    got = read_return(path)
    assert got.status == "read" and figures(got) == figures(care_home_read)
    assert not any(i.code == "cells_outside_template" for i in got.issues)


@pytest.mark.parametrize(
    "far",
    [
        b'<row r="5"><c r="A0001048576" t="n"><v>1</v></c></row>',  # leading zeros
        b'<row r="5"><c r="xfd5" t="n"><v>1</v></c></row>',  # lower case
        b'<row r="5"><c t="n" r="XFD5"><v>1</v></c></row>',  # r not first
        b"<row r='5'><c r='XFD5' t='n'><v>1</v></c></row>",  # single quotes
        b'<row r="5"><c r="&#88;FD5" t="n"><v>1</v></c></row>',  # a character reference
        b'<row r="5"><c\n r="XFD5" t="n"><v>1</v></c></row>',  # a line break in the tag
    ],
)
def test_far_cells_however_they_are_written_never_reach_the_reader(tmp_path, far):
    path = tmp_path / "odd.xlsx"
    path.write_bytes(rewrite(CARE_HOME, {PROVIDER_SHEET: add_cells(far)}))
    got = read_return(path)
    if got.status == "rejected":
        assert got.reason_code in ("oversized_sheet", "unreadable_workbook", "corrupt_archive")
    else:
        assert any(i.code == "cells_outside_template" for i in got.issues)


def test_a_sheet_with_more_cells_than_the_limit_is_rejected(tmp_path):
    many = b"".join(cell(f"A{r}") for r in range(100, 160))
    path = tmp_path / "many.xlsx"
    path.write_bytes(rewrite(CARE_HOME, {PROVIDER_SHEET: add_cells(many)}))
    got = read_return(path, limits=replace(DEFAULT_LIMITS, max_sheet_cells=80))
    assert got.status == "rejected" and got.reason_code == "oversized_sheet"
    assert "more than 80 cells, the limit for a sheet" in got.reason


# ------------------------------------------------------------------ caps with one summary


def test_text_longer_than_the_limit_is_cut_with_one_warning(tmp_path):
    name = "Acme " * 200_000  # a 1 MB provider name
    change = lambda d: re.sub(  # noqa: E731
        rb"(<c r=\"B6\"[^>]*><is><t>)[^<]*", lambda m: m[1] + name.encode(), d, count=1
    )
    path = tmp_path / "long.xlsx"
    path.write_bytes(rewrite(HOME_CARE, {PROVIDER_SHEET: change}))
    got = read_return(path, limits=replace(DEFAULT_LIMITS, max_text_length=50))
    assert got.provider == name[:50].strip()
    assert all(len(v[1]) <= 50 and len(v[8]) <= 50 and len(v[13]) <= 50 for v in got.values)
    cut = [i for i in got.issues if i.code == "text_truncated"]
    assert len(cut) == 1 and "Provider!B6" in cut[0].message


def _staff_rows_below(n: int) -> bytes:
    """``n`` staffing rows typed below the end of the home care staffing table."""
    with zipfile.ZipFile(HOME_CARE) as z:
        table = z.read("xl/tables/table1.xml").decode()
    last = int(re.search(r'ref="[A-Z]+\d+:[A-Z]+(\d+)"', table)[1])
    rows = b"".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Care worker</t></is></c>'
        f'<c r="B{r}" t="n"><v>1</v></c></row>'.encode()
        for r in range(last + 1, last + 1 + n)
    )
    return rows


def test_rows_below_a_table_beyond_the_limit_are_not_read_with_one_warning(tmp_path):
    path = tmp_path / "below.xlsx"
    path.write_bytes(
        rewrite(HOME_CARE, {"xl/worksheets/sheet4.xml": add_cells(_staff_rows_below(12))})
    )
    got = read_return(path, limits=replace(DEFAULT_LIMITS, max_rows_below_table=5))
    below = [i for i in got.issues if i.code == "located_by_label" and "below the end" in i.message]
    assert len(below) == 5  # the 5 rows read, each with its warning
    capped = [i for i in got.issues if i.code == "rows_not_read"]
    assert len(capped) == 1 and capped[0].message.startswith("7 more row(s)")


def test_issues_over_the_limit_are_counted_not_listed(tmp_path):
    path = tmp_path / "below.xlsx"
    path.write_bytes(
        rewrite(HOME_CARE, {"xl/worksheets/sheet4.xml": add_cells(_staff_rows_below(12))})
    )
    full = read_return(path)
    errors = sum(1 for i in full.issues if i.severity == "error")
    warnings = len(full.issues) - errors
    assert warnings > 12  # one located_by_label warning per row below the table, and more
    capped = read_return(path, limits=replace(DEFAULT_LIMITS, max_issues_per_return=4))
    assert len(capped.issues) == 5
    assert capped.issues[-1].code == "issues_not_listed"
    assert f"{len(full.issues) - 4} more issue(s)" in capped.issues[-1].message
    # the return's counts are those of every issue, listed or not (plus the summary line)
    row = dict(zip(batch.RETURN_COLUMNS, batch.return_row(capped), strict=True))
    assert (row["errors"], row["warnings"]) == (errors, warnings + 1)


# ------------------------------------------------------------------ failures of the reader


class PanicException(BaseException):
    """Stands in for ``pyo3_runtime.PanicException`` (a panic in the native reader)."""


PanicException.__module__ = "pyo3_runtime"


def test_a_panic_in_the_cell_reader_rejects_that_file_only(monkeypatch, tmp_path):
    real = reader._read_template

    def panics(result, wmap, cells, wage_floors, limits):
        if "CH01" in result.file:
            raise PanicException("chunk size must be non-zero")
        return real(result, wmap, cells, wage_floors, limits)

    monkeypatch.setattr(reader, "_read_template", panics)
    files = sorted(RETURNS.glob("CH0[1-3]_*.xlsx"))
    got = list(iter_returns(files, workers=1))
    assert [r.status for r in got] == ["rejected", "read", "read"]
    assert got[0].reason_code == "unreadable_workbook"
    assert "chunk size must be non-zero" in got[0].reason


def test_other_base_exceptions_are_not_swallowed():
    assert reader.is_reader_panic(PanicException("x"))
    assert not reader.is_reader_panic(KeyboardInterrupt())
    assert not reader.is_reader_panic(SystemExit(1))


def test_a_worker_killed_while_reading_loses_only_that_file(monkeypatch, tmp_path):
    # Workers are forked from this process, so they inherit the patched reader: the file
    # named "crash" kills its process outright, as the out-of-memory killer or an abort would.
    real = batch.read_return

    def dies(path, **kwargs):
        if "crash" in str(path):
            os.kill(os.getpid(), 9)
        return real(path, **kwargs)

    monkeypatch.setattr(batch, "read_return", dies)
    folder = tmp_path / "returns"
    folder.mkdir()
    names = ["a.xlsx", "b.xlsx", "crash.xlsx", "d.xlsx", "e.xlsx"]
    for name, source in zip(names, sorted(RETURNS.glob("CH0*.xlsx")), strict=False):
        (folder / name).write_bytes(source.read_bytes())
    summary = write_outputs(
        sorted(folder.iterdir()), tmp_path / "out", workers=2, chunk=2, workbook=False
    )
    status = dict(
        zip(
            summary.returns["file"].map(lambda f: Path(f).name),
            summary.returns["status"],
            strict=True,
        )
    )
    assert status.pop("crash.xlsx") == "rejected"
    assert set(status.values()) <= {"clean", "warnings"} and len(status) == 4
    crashed = summary.returns.set_index("file").loc[str(folder / "crash.xlsx")]
    assert crashed["reason_code"] == "reader_crashed"
    values = pd.read_parquet(tmp_path / "out" / "values.parquet")
    assert sorted(Path(f).name for f in values["file"].unique()) == sorted(status)


# ------------------------------------------------------------------ names of any bytes


@pytest.mark.skipif(sys.platform != "linux", reason="file names of any bytes: Linux")
def test_a_file_name_that_is_not_utf8_is_stored_escaped_and_quoted(tmp_path):
    folder = tmp_path / "returns"
    folder.mkdir()
    odd = os.fsencode(folder) + b"/bad\xff\xfe name, =1.xlsx"
    with open(odd, "wb") as fh:
        fh.write(CARE_HOME.read_bytes())
    summary = write_outputs(batch.find_returns([folder]), tmp_path / "out", workers=1)
    shown = str(folder) + "/bad\\xff\\xfe name, =1.xlsx"
    assert list(summary.returns["file"]) == [shown]
    assert pq.read_table(tmp_path / "out" / "values.parquet").column("file").to_pylist()[0] == shown
    for name in ("returns.csv", "values.csv", "issues.csv"):
        back = pd.read_csv(tmp_path / "out" / name, dtype=str, keep_default_na=False)
        assert set(back["file"]) == {shown}, name


# ------------------------------------------------------------------ the whole batch


def test_a_batch_of_hostile_files_completes_and_is_written(tmp_path):
    folder = tmp_path / "returns"
    folder.mkdir()
    bad = {
        "far.xlsx": rewrite(CARE_HOME, {PROVIDER_SHEET: add_cells(cell("XFD1048576"))}),
        "noref.xlsx": rewrite(
            CARE_HOME,
            {PROVIDER_SHEET: add_cells(b'<row r="900000"><c t="n"><v>1</v></c></row>')},
        ),
        "garbage.xlsx": b"PK\x03\x04" + os.urandom(300),
    }
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    (folder / "ok.xlsx").write_bytes(HOME_CARE.read_bytes())
    result = ingest_files([folder], workers=2)
    status = dict(
        zip(
            result.returns["file"].map(lambda f: Path(f).name),
            result.returns["status"],
            strict=True,
        )
    )
    assert status["far.xlsx"] in ("clean", "warnings")
    assert status["noref.xlsx"] == status["garbage.xlsx"] == "rejected"
    assert status["ok.xlsx"] in ("clean", "warnings")
    assert set(result.values["file"].map(lambda f: Path(f).name)) == {"far.xlsx", "ok.xlsx"}


# ------------------------------------------------------------------ names against the layout

WORKBOOK = "xl/workbook.xml"
TEMPLATE_SHEET = "xl/worksheets/sheet7.xml"


def _point(name: str, target: str):
    def change(data: bytes) -> bytes:
        pattern = f'<definedName name="{name}">[^<]*<'.encode()
        new = f'<definedName name="{name}">{target}<'.encode()
        assert re.search(pattern, data)
        return re.sub(pattern, new, data)

    return change


def _value(result, field_id: str) -> float:
    return next(v[7] for v in result.values if v[6] == field_id and v[4] == "")


@pytest.fixture(scope="module")
def home_care_read():
    return read_return(HOME_CARE)


def test_a_name_pointed_at_a_costs_cell_is_read_where_the_layout_says(tmp_path, home_care_read):
    # contact_hours_per_week is Volumes!B7 in the template; Costs!B23 holds an annual £ amount
    path = tmp_path / "moved.xlsx"
    path.write_bytes(
        rewrite(HOME_CARE, {WORKBOOK: _point("contact_hours_per_week", "Costs!$B$23")})
    )
    got = read_return(path)
    hours = _value(home_care_read, "contact_hours_per_week")
    assert _value(got, "contact_hours_per_week") == hours
    (moved,) = [i for i in got.issues if i.code == "name_mismatch"]
    assert moved.field == "contact_hours_per_week"
    assert (moved.sheet, moved.cell) == ("Volumes", "B7")
    assert "points to Costs!B23" in moved.message
    assert "read from Volumes!B7 (where the template puts it, beside its label)" in moved.message
    row = next(v for v in got.values if v[6] == "contact_hours_per_week")
    assert (row[11], row[12]) == ("Volumes", "B7")  # the value's provenance is the cell read


def test_a_name_stretched_over_the_whole_grid_is_an_issue(tmp_path, home_care_read):
    path = tmp_path / "stretched.xlsx"
    path.write_bytes(
        rewrite(
            HOME_CARE, {WORKBOOK: _point("contact_hours_per_week", "Volumes!$A$1:$XFD$1048576")}
        )
    )
    got = read_return(path)
    assert _value(got, "contact_hours_per_week") == _value(home_care_read, "contact_hours_per_week")
    (moved,) = [i for i in got.issues if i.code == "name_mismatch"]
    assert "covers Volumes!A1:XFD1048576, not one cell" in moved.message


def test_a_name_moved_with_rows_inserted_above_it_is_trusted(tmp_path, home_care_read):
    # Rows inserted above move the name and its label together: the label beside the named
    # cell confirms it. Here the label and value are copied two rows down and the name follows.
    def shift(data: bytes) -> bytes:
        data = data.replace(b'r="A7"', b'r="A40"').replace(b'r="B7"', b'r="B40"')
        return data.replace(b'<row r="7"', b'<row r="40"', 1)

    path = tmp_path / "inserted.xlsx"
    path.write_bytes(
        rewrite(
            HOME_CARE,
            {
                VOLUMES_SHEET: shift,
                WORKBOOK: _point("contact_hours_per_week", "Volumes!$B$40"),
            },
        )
    )
    got = read_return(path)
    assert not [i for i in got.issues if i.code == "name_mismatch"]
    assert _value(got, "contact_hours_per_week") == _value(home_care_read, "contact_hours_per_week")


def test_a_template_sheet_naming_an_unknown_service_is_an_issue(tmp_path, home_care_read):
    change = lambda d: d.replace(b"<t>home_care</t>", b"<t>space_travel</t>")  # noqa: E731
    path = tmp_path / "unknown.xlsx"
    path.write_bytes(rewrite(HOME_CARE, {TEMPLATE_SHEET: change}))
    got = read_return(path)
    (issue,) = [i for i in got.issues if i.code == "unknown_template_service"]
    assert "'space_travel'" in issue.message and "home_care template" in issue.message
    assert got.service == "home_care"
    assert figures(got) == figures(home_care_read)
    assert batch.return_row(got)[2] == "warnings"


def test_a_nonsense_version_is_an_issue_not_clean(tmp_path):
    change = lambda d: d.replace(b"<t>2026.1</t>", b"<t>=cmd|' /C calc'!A0</t>", 1)  # noqa: E731
    path = tmp_path / "version.xlsx"
    path.write_bytes(rewrite(HOME_CARE, {TEMPLATE_SHEET: change}))
    got = read_return(path)
    assert any(i.code == "unknown_template_version" for i in got.issues)
    assert batch.return_row(got)[2] != "clean"


# ------------------------------------------------------------------ limits as configuration


def test_limits_are_configuration_with_one_line_errors(tmp_path, capsys):
    from costofcare.cli import main
    from costofcare.errors import ConfigError
    from costofcare.ingest.limits import LIMIT_KEYS, limits_from

    assert "max_text_length" in LIMIT_KEYS and "margin_rows" in LIMIT_KEYS
    got = limits_from({"max_text_length": 40, "margin_rows": "2,000"}, "run.toml: ingest")
    assert (got.max_text_length, got.margin_rows) == (40, 2000)
    assert got.max_sheet_cells == DEFAULT_LIMITS.max_sheet_cells  # the rest keep the defaults
    with pytest.raises(
        ConfigError,
        match=r"run.toml: ingest.max_text_lenght is not a limit; did you mean 'max_text_length'",
    ):
        limits_from({"max_text_lenght": 5}, "run.toml: ingest")
    with pytest.raises(ConfigError, match="must be a positive whole number"):
        limits_from({"margin_rows": -1}, "run.toml: ingest")

    path = tmp_path / "long.xlsx"
    long_name = lambda d: re.sub(  # noqa: E731
        rb"(<c r=\"B6\"[^>]*><is><t>)[^<]*", lambda m: m[1] + b"A" * 500, d, count=1
    )
    path.write_bytes(rewrite(HOME_CARE, {PROVIDER_SHEET: long_name}))
    out = tmp_path / "out"
    args = ["ingest", str(path), "-o", str(out), "--workers", "1", "--no-progress"]
    main([*args, "--limit", "max_text_length=30", "--no-workbook"])
    returns = pd.read_csv(out / "returns.csv")
    assert returns.loc[0, "provider"] == "A" * 30
    assert main([*args, "--limit", "max_text_length=lots"]) == 2
    assert "--limit.max_text_length must be a positive whole number" in capsys.readouterr().err


def test_a_run_config_takes_an_ingest_table(tmp_path):
    from costofcare.errors import ConfigError
    from costofcare.pipeline.config import load_run_config

    source = (ROOT / "workbooks" / "examples" / "run.toml").read_text(encoding="utf-8")
    examples = ROOT / "workbooks" / "examples"
    text = source.replace('returns = "returns"', f'returns = "{examples / "returns"}"')
    for name in ("current_rates", "volumes", "comparators"):
        text = text.replace(f'"{name}.csv"', f'"{examples / name}.csv"')
    config = tmp_path / "run.toml"
    config.write_text(text + "\n[ingest]\nmax_issues_per_return = 50\n", encoding="utf-8")
    assert load_run_config(config).ingest.max_issues_per_return == 50
    config.write_text(text + "\n[ingest]\nmax_issue = 50\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"run.toml: ingest.max_issue is not a limit"):
        load_run_config(config)


def test_each_verb_starts_with_only_its_own_module():
    import argparse

    from costofcare import cli

    assert set(cli.VERB_MODULES.values()) == set(cli.COMMAND_MODULES)
    for module in cli.COMMAND_MODULES:
        parser = cli.build_parser(module)
        (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        assert {v for v, m in cli.VERB_MODULES.items() if m == module} == set(sub.choices)


@pytest.mark.parametrize("contents", [[], ["notes.txt"]])
def test_a_folder_without_returns_is_one_line_for_ingest_and_run(tmp_path, capsys, contents):
    from costofcare.cli import main

    folder = tmp_path / "returns"
    folder.mkdir()
    for name in contents:
        (folder / name).write_text("not a return")
    assert main(["ingest", str(folder), "-o", str(tmp_path / "out"), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no returns found" in err

    examples = ROOT / "workbooks" / "examples"
    text = (examples / "run.toml").read_text(encoding="utf-8")
    text = text.replace('returns = "returns"', f'returns = "{folder}"')
    for name in ("current_rates", "volumes", "comparators"):
        text = text.replace(f'"{name}.csv"', f'"{examples / name}.csv"')
    config = tmp_path / "run.toml"
    config.write_text(text, encoding="utf-8")
    code = main(["run", str(config), "-o", str(tmp_path / "run"), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0 and "run.returns: no returns found" in err and str(config) in err
    assert "Traceback" not in err


def _ods(rows: str) -> bytes:
    """A one-sheet .ods whose sheet holds ``rows`` (table-row elements), written by hand."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="S">'
        f"{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        # 1 KB that the cell reader would expand to 300,000 x 100 values (3 GB, 6 s)
        (
            '<table:table-row table:number-rows-repeated="300000"><table:table-cell '
            'office:value-type="float" office:value="1" table:number-columns-repeated="100"/>'
            "</table:table-row>",
            "a cell in column 100",
        ),
        (
            '<table:table-row table:number-rows-repeated="5000"><table:table-cell '
            'office:value-type="float" office:value="1"/></table:table-row>',
            "cells down to row 5,000",
        ),
    ],
)
def test_an_ods_whose_repeats_reach_far_outside_the_template_is_rejected(tmp_path, rows, says):
    path = tmp_path / "repeated.ods"
    path.write_bytes(_ods(rows))
    got = read_return(path)
    assert got.status == "rejected" and got.reason_code == "oversized_sheet"
    assert says in got.reason


def test_an_ods_with_too_many_cells_is_rejected(tmp_path):
    path = tmp_path / "many.ods"
    row = (
        '<table:table-row><table:table-cell office:value-type="float" office:value="1"/>'
        "</table:table-row>"
    )
    path.write_bytes(_ods(row * 30))
    got = read_return(path, limits=replace(DEFAULT_LIMITS, max_sheet_cells=20))
    assert got.reason_code == "oversized_sheet" and "more than 20 cells" in got.reason
    # blank rows repeated to the end of the sheet, as LibreOffice writes them, are nothing
    blank_tail = (
        '<table:table-row table:number-rows-repeated="1048500"><table:table-cell/>'
        "</table:table-row>"
    )
    path.write_bytes(_ods(row * 3 + blank_tail))
    assert read_return(path).reason_code != "oversized_sheet"
