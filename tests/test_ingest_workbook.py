"""The validation workbook and the command line: what a commissioning officer gets."""

import openpyxl
import pandas as pd
import pytest

from costofcare.cli import main
from costofcare.errors import EXIT_USER_ERROR, EXIT_VALIDATION_ERRORS
from costofcare.ingest.fill import ReturnFiller, example_return


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Three files: a clean-ish return, one with an error and hostile text, one rejected."""
    folder = tmp_path_factory.mktemp("returns")
    filler = ReturnFiller("supported_living")
    values, tables = example_return("supported_living", seed=1, table_rows=1)
    values.update(provider_name="Brook Support CIC", registration_number="1-222")
    filler.fill(folder / "brook.xlsx", values, tables)
    values.update(
        provider_name='=HYPERLINK("http://x","click")',  # hostile text stays text
        registration_number="1-333",
        support_hours_per_week="lots",
    )
    filler.fill(folder / "hostile.xlsx", values, tables)
    (folder / "scan.xlsx").write_bytes(b"%PDF-1.4 not a workbook")
    out = tmp_path_factory.mktemp("out")
    code = main(["ingest", str(folder), "-o", str(out), "--workers", "1", "--no-progress"])
    return folder, out, code


def test_cli_writes_every_output_and_exits_3_when_returns_need_action(batch):
    _, out, code = batch
    assert code == EXIT_VALIDATION_ERRORS
    for name in ("values", "issues", "returns"):
        assert (out / f"{name}.csv").exists() and (out / f"{name}.parquet").exists()
    values = pd.read_parquet(out / "values.parquet")
    assert set(values["file"].map(lambda f: f.rsplit("/", 1)[-1])) == {"brook.xlsx", "hostile.xlsx"}


def test_returns_sheet_gives_each_file_its_status(batch):
    _, out, _ = batch
    ws = openpyxl.load_workbook(out / "validation.xlsx")["Returns"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5, values_only=False)]
    by_file = {r[8]: r for r in rows if r[8]}
    assert by_file["scan.xlsx"][0] == "Rejected: could not be read"
    assert "not an Excel" in by_file["scan.xlsx"][12]
    assert by_file["hostile.xlsx"][0] == "Errors: needs correcting"
    assert by_file["brook.xlsx"][0] in ("Clean", "Warnings: please confirm")
    assert ws["A2"].value.startswith("3 file(s): 1 rejected; 1 errors;")


def test_to_chase_lists_what_to_ask_each_provider(batch):
    _, out, _ = batch
    ws = openpyxl.load_workbook(out / "validation.xlsx")["To chase"]
    header = [c.value for c in ws[3]]
    assert header == [
        "Provider",
        "Priority",
        "File",
        "Where",
        "Field",
        "What to ask",
        "Value given",
        "Done",
    ]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    hostile = [r for r in rows if r[2] == "hostile.xlsx"]
    ask = next(r for r in hostile if r[6] == "lots")
    assert ask[1] == "2 Must fix"
    assert ask[4] == "Support hours a week (all funders)" or ask[4].startswith("Support hours")
    assert ask[3].startswith("Support!") or "!" in ask[3]
    assert "'lots' is not a number" in ask[5]
    scan = next(r for r in rows if r[2] == "scan.xlsx")
    assert scan[1] == "1 Resend" and scan[0] == "(unnamed: scan.xlsx)"


def test_provider_text_is_never_written_as_a_formula(batch):
    _, out, _ = batch
    wb = openpyxl.load_workbook(out / "validation.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    names = [c.value for c in wb["Returns"]["B"]]
    assert '=HYPERLINK("http://x","click")' in names
    # CSV opened in a spreadsheet: the text is defused with a leading apostrophe.
    text = (out / "returns.csv").read_text()
    assert "'=HYPERLINK" in text
    # Parquet keeps it exactly.
    assert '=HYPERLINK("http://x","click")' in set(
        pd.read_parquet(out / "returns.parquet")["provider"]
    )


def test_key_sheet_explains_every_code(batch):
    _, out, _ = batch
    ws = openpyxl.load_workbook(out / "validation.xlsx")["Key"]
    codes = {r[0] for r in ws.iter_rows(min_row=4, values_only=True)}
    assert {"password_protected", "assumed", "below_wage_floor", "duplicate_provider"} <= codes


def test_help_explains_with_examples(capsys):
    with pytest.raises(SystemExit):
        main(["ingest", "--help"])
    text = capsys.readouterr().out
    assert "costofcare ingest returns/ -o out/ingest" in text
    assert "macros never run" in text


def test_missing_folder_is_a_clear_user_error(tmp_path, capsys):
    code = main(["ingest", str(tmp_path / "nowhere"), "-o", str(tmp_path / "o")])
    assert code == EXIT_USER_ERROR
    assert "no such file or folder" in capsys.readouterr().err


def test_empty_folder_says_what_was_looked_for(tmp_path, capsys):
    code = main(["ingest", str(tmp_path), "-o", str(tmp_path / "o")])
    assert code == EXIT_USER_ERROR
    assert "no returns found (looked for .xlsx, .xlsm and .ods files" in capsys.readouterr().err


def test_csv_defusing_rule_scalar_and_vectorised_agree():
    from costofcare.csvout import defuse_column
    from costofcare.csvout import defuse_text as defuse_csv_text

    texts = ["=1+1", "-12.5", "-x", "@SUM(A1)", "ok", "", "+44 1234", "\tx", "1e3"]
    assert list(defuse_column(pd.Series(texts, dtype="str"))) == [defuse_csv_text(t) for t in texts]
    assert [defuse_csv_text(t) for t in texts[:4]] == ["'=1+1", "-12.5", "'-x", "'@SUM(A1)"]


@pytest.mark.parametrize("workers", [1, 2])
def test_value_files_written_in_chunks_hold_exactly_what_is_read(batch, tmp_path, workers):
    from costofcare.ingest import find_returns, ingest_files
    from costofcare.ingest.outputs import write_outputs

    folder, _, _ = batch
    files = find_returns([folder]) * 3  # several chunks of one file each, order kept
    expected = ingest_files(files, workers=1).values
    write_outputs(files, tmp_path, workers=workers, chunk=1, workbook=False)
    parquet = pd.read_parquet(tmp_path / "values.parquet")
    pd.testing.assert_frame_equal(parquet, expected, check_dtype=False)
    csv = pd.read_csv(tmp_path / "values.csv", dtype=str, keep_default_na=False)
    assert len(csv) == len(expected)
    assert list(csv.columns) == list(expected.columns)
    hostile = csv[csv["field"] == "provider_name"]["text"]
    assert '\'=HYPERLINK("http://x","click")' in set(hostile)  # defused in the CSV only
    assert '=HYPERLINK("http://x","click")' in set(parquet["text"])
    plain = expected["field"] == "support_hours_per_week"
    assert list(csv.loc[plain.to_numpy(), "raw"]) == list(expected.loc[plain, "raw"])


def test_csv_defusing_rule_for_arrow_tables_agrees_with_the_scalar_rule():
    import pyarrow as pa

    from costofcare.csvout import defuse_arrow
    from costofcare.csvout import defuse_text as defuse_csv_text

    texts = ["=1+1", "-12.5", "-x", "@SUM(A1)", "ok", "", "+44 1234", "\tx", "1e3", "\rz"]
    table = pa.table({"text": texts, "value": [float("nan")] * len(texts)})
    out = defuse_arrow(table)
    assert out["text"].to_pylist() == [defuse_csv_text(t) for t in texts]
    assert out["value"].null_count == len(texts)  # NaN written as an empty CSV field
    clean = pa.table({"text": ["ok", "fine"], "value": [1.0, 2.0]})
    assert defuse_arrow(clean)["text"].to_pylist() == ["ok", "fine"]


# ------------------------------------------------------------------ row heights and paths


@pytest.mark.parametrize("width", [8, 16, 19.9, 20, 30, 80])
def test_a_short_text_is_one_line_and_longer_ones_are_counted(width):
    import math

    from costofcare.textfit import text_lines

    per_line = max(1, int(width * (0.85 if width < 20 else 1.05)))
    for text in ["", "x", "x" * per_line, "x" * (per_line + 1), "x" * (3 * per_line + 1)]:
        assert text_lines(text, width) == max(1, math.ceil(len(text) / per_line)), text
    # line breaks count even in short text; each part wraps on its own
    assert text_lines("a\nb", width) == 2
    assert text_lines("a\n", width) == 2
    assert text_lines("x" * (per_line + 1) + "\nb", width) == 3


def test_text_without_a_path_is_left_alone_and_paths_are_cut_to_the_name():
    from costofcare.textfit import without_folders

    plain = "no folder here: C: drive, 1/2 a week"
    assert without_folders(plain) == plain
    assert without_folders(r"see C:\Users\me\returns\acme.xlsx now") == "see acme.xlsx now"
    assert without_folders("from /srv/in/acme.xlsx and d:\\x\\y.ods") == "from acme.xlsx and y.ods"
    assert without_folders("no-folder/") == "no-folder/"


def _awkward_tables():
    """A returns and an issues table with the awkward cases the workbook must lay out: text
    over several lines, paths, a provider known only from the return, a file with no provider
    and a missing value."""
    returns = pd.DataFrame(
        {
            "return_id": ["r1", "r2", "r3"],
            "file": ["/in/b/acme.xlsx", "/in/a/zed.xlsx", "/in/scan.xlsx"],
            "status": ["warnings", "errors", "rejected"],
            "provider": ["Acme Care", "Zed\nHomes Ltd " * 4, ""],
            "service": ["home_care", "care_home", ""],
            "template_version": ["1.0", "1.0", ""],
            "service_name": ["Acme", "Zed", ""],
            "registration_number": ["1-1", "1-2", ""],
            "period_start": ["2025-04-01", "2025-04-01", ""],
            "period_end": ["2026-03-31", "2026-03-31", ""],
            "located_by": ["names", "labels", ""],
            "values_read": [10, 12, 0],
            "errors": [0, 1, 0],
            "warnings": [2, 0, 0],
            "reason_code": ["", "", "not_a_workbook"],
            "reason": ["", None, "/in/scan.xlsx is not an Excel workbook"],
        }
    )
    long = "a value the provider should look at again, " * 5
    issues = pd.DataFrame(
        {
            "severity": ["warning", "error", "error", "warning"],
            "code": ["assumed", "unreadable_value", "not_a_workbook", "assumed"],
            "file": ["/in/b/acme.xlsx", "/in/a/zed.xlsx", "/in/scan.xlsx", "/in/b/acme.xlsx"],
            "sheet": ["Staff", "Costs", "", "Staff"],
            "cell": ["C4", "D9", "", ""],
            "field": ["hours_per_week", "no_such_field", "", ""],
            "message": [long, "'lots' is not a number\nplease give hours", "/in/scan.xlsx", "x"],
            "raw_value": ["40", "lots", "", None],
            "return_id": ["r1", "r2", "r3", "r1"],
            "provider": ["", "Zed Homes", "", "Acme Care"],
        }
    )
    return returns, issues


def test_rows_are_as_tall_as_their_longest_wrapped_text_and_paths_are_cut(tmp_path):
    from costofcare.ingest.workbook import write_validation_workbook

    returns, issues = _awkward_tables()
    wb = openpyxl.load_workbook(write_validation_workbook(returns, issues, tmp_path / "v.xlsx"))
    chase = wb["To chase"]
    rows = {r[5].value: r[0].row for r in chase.iter_rows(min_row=4)}
    long = issues["message"][0]
    assert chase.row_dimensions[rows[long]].height == 15 * 3  # 220 characters, 84 a line
    assert chase.row_dimensions[rows["'lots' is not a number\nplease give hours"]].height == 30
    assert chase.row_dimensions[rows["x"]].height in (None, 15)  # one line: the default
    assert chase.cell(rows["scan.xlsx"], 1).value == "(unnamed: scan.xlsx)"
    assert chase.cell(rows[long], 1).value == "Acme Care"  # from the return
    assert chase.cell(rows["x"], 7).value is None  # a missing value is a blank cell
    returns_ws = wb["Returns"]
    listed = [r[8].value for r in returns_ws.iter_rows(min_row=5)]
    assert listed == ["scan.xlsx", "zed.xlsx", "acme.xlsx"]  # rejected, errors, warnings
    zed = returns_ws.row_dimensions[6].height
    assert zed == 15 * 5  # the provider name has four line breaks
    assert returns_ws.cell(5, 13).value == "scan.xlsx is not an Excel workbook"
