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
