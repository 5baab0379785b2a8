"""The tables passed between steps: one declaration each, checked lazily into issue rows.

Each check is shown on a small table written by the test, with the issue row a council
officer would read: file, line (the header is line 1), field, code and the words.
"""

from __future__ import annotations

import ast
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from costofcare import tables
from costofcare.ingest import ISSUE_CODES, ISSUE_COLUMNS, VALUE_COLUMNS
from costofcare.tables import read_table, validate
from costofcare.tables.docs import tables_markdown

REPO = Path(__file__).resolve().parents[1]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def only(issues: pd.DataFrame, code: str) -> dict:
    rows = issues[issues["code"] == code]
    assert len(rows) == 1, issues.to_string()
    return rows.iloc[0].to_dict()


VOLUMES_CSV = """provider,service,volume_per_week,volume_unit
Ashdown Care,home_care,2400,contact_hour
Brookside,home_care,lots,contact_hour
Cedar House,care_home,-41,resident_week
,home_care,10,contact_hour
Dale Court,care_home,30,bed nights
Ashdown Care,home_care,100,contact_hour
Elm Lodge,care_home,12,resident_week
"""


@pytest.fixture
def checked(tmp_path):
    path = write(tmp_path / "volumes.csv", VOLUMES_CSV)
    clean, issues = read_table("volumes", path)
    return path, clean, issues


def test_text_in_a_number_column_is_reported_with_its_line(checked):
    path, _clean, issues = checked
    row = only(issues, "unreadable_value")
    assert (row["file"], row["sheet"], row["cell"], row["field"]) == (
        str(path),
        "",
        "3",
        "volume_per_week",
    )
    assert row["severity"] == "error"
    assert row["raw_value"] == "lots"
    assert row["provider"] == "Brookside"
    assert row["message"] == (
        f"{path} line 3: volume_per_week 'lots' is not a number (provider 'Brookside')"
    )


def test_a_value_below_its_bound_is_reported(checked):
    path, _clean, issues = checked
    row = only(issues, "out_of_bounds")
    assert (row["cell"], row["field"], row["raw_value"]) == ("4", "volume_per_week", "-41")
    assert "line 4: volume_per_week -41 is below 0, the least allowed" in row["message"]


def test_a_blank_key_is_reported(checked):
    _path, _clean, issues = checked
    row = only(issues, "blank_key")
    assert (row["cell"], row["field"]) == ("5", "provider")
    assert row["message"].endswith("line 5: provider is blank")


def test_a_value_outside_the_allowed_set_lists_the_allowed_ones(checked):
    _path, _clean, issues = checked
    row = only(issues, "not_allowed")
    assert (row["cell"], row["field"], row["raw_value"]) == ("6", "volume_unit", "bed nights")
    assert (
        "volume_unit 'bed nights' is not allowed; use one of contact_hour, resident_week, "
        "support_hour, sleep_in_night (provider 'Dale Court')" in row["message"]
    )


def test_duplicate_keys_name_every_line_they_are_on(checked):
    _path, _clean, issues = checked
    rows = issues[issues["code"] == "duplicate_key"]
    assert rows["cell"].tolist() == ["2", "7"]
    assert set(rows["field"]) == {"provider, service"}
    assert (
        rows["message"]
        .str.endswith(
            "provider 'Ashdown Care', service 'home_care' is on more than one line (2, 7); "
            "give one row per provider, service"
        )
        .all()
    )


def test_nothing_is_dropped_in_silence(checked):
    _path, clean, issues = checked
    rows_in = VOLUMES_CSV.strip().count("\n")  # 7 data lines under the header
    reported = set(issues.loc[issues["severity"] == "error", "cell"])
    assert reported == {"2", "3", "4", "5", "6", "7"}
    assert clean["provider"].tolist() == ["Elm Lodge"]
    assert len(clean) + len(reported) == rows_in


def test_every_check_is_collected_not_only_the_first(checked):
    _path, _clean, issues = checked
    assert sorted(issues["code"]) == sorted(
        [
            "unreadable_value",
            "out_of_bounds",
            "blank_key",
            "not_allowed",
            "duplicate_key",
            "duplicate_key",
        ]
    )
    assert tuple(issues.columns) == ISSUE_COLUMNS


def test_missing_required_columns_are_each_named(tmp_path):
    path = write(tmp_path / "wf.csv", "provider,role\nA,carer\n")
    clean, issues = read_table("workforce", path)
    assert clean.empty
    assert issues["code"].tolist() == ["missing_column"] * 3
    assert issues["field"].tolist() == ["rate_per_hour", "hours_per_week", "headcount"]
    assert issues["message"].iloc[0] == (
        f"{path} has no column 'rate_per_hour'; a workforce table needs provider, role, "
        "rate_per_hour, hours_per_week, headcount (found provider, role); none of its rows "
        "could be used"
    )


def test_a_caller_may_need_an_optional_column():
    frame = pd.DataFrame({"provider": ["A"], "service": ["home_care"], "volume_per_week": [1]})
    _clean, issues = validate("volumes", frame, require=("current_rate",))
    assert only(issues, "missing_column")["field"] == "current_rate"
    clean, issues = validate("volumes", frame)
    assert issues.empty
    # an optional column absent is added blank; a blank unit is the service's own unit
    assert clean["current_rate"].isna().all()
    assert clean["volume_unit"].tolist() == ["contact_hour"]


def test_dates_and_their_order_are_checked(tmp_path):
    path = write(
        tmp_path / "uc.csv",
        "provider,service,cost_line,category,cost_per_unit,unit,period_start,period_end\n"
        "A,home_care,Pay,staffing,14.30,contact_hour,2025-04-01,2026-03-31\n"
        "A,home_care,Travel,staffing,2.40,contact_hour,1st April,2026-03-31\n"
        "A,home_care,Office,non_staffing,3.10,contact_hour,2025-04-01,2024-03-31\n",
    )
    clean, issues = read_table("unit_costs", path)
    assert clean["cost_line"].tolist() == ["Pay"]
    assert clean["period_start"].iloc[0] == pd.Timestamp("2025-04-01")
    assert clean["cost_per_unit"].iloc[0] == 14.30
    bad_date = only(issues, "unreadable_value")
    assert (bad_date["cell"], bad_date["field"]) == ("3", "period_start")
    assert "period_start '1st April' is not a date (write YYYY-MM-DD)" in bad_date["message"]
    order = only(issues, "out_of_bounds")
    assert (order["cell"], order["field"]) == ("4", "period_end")
    assert "period_end is before period_start" in order["message"]


def test_blank_required_numbers_are_reported():
    frame = pd.DataFrame(
        {
            "provider": ["A", "A"],
            "role": ["carer", "senior"],
            "rate_per_hour": [12.21, None],
            "hours_per_week": [30, 37.5],
            "headcount": [4, 1],
        }
    )
    clean, issues = validate("workforce", frame, file="staff.csv")
    assert clean["role"].tolist() == ["carer"]
    row = only(issues, "required_missing")
    assert (row["file"], row["cell"], row["field"]) == ("staff.csv", "3", "rate_per_hour")
    assert row["message"] == "staff.csv line 3: rate_per_hour is blank (provider 'A')"


def test_blank_lines_keep_the_line_numbers(tmp_path):
    path = write(
        tmp_path / "rates.csv",
        "provider,service,current_rate\nA,home_care,25.80\n\nB,home_care,n/a\n",
    )
    clean, issues = read_table("current_rates", path)
    assert clean["provider"].tolist() == ["A"]
    assert only(issues, "unreadable_value")["cell"] == "4"


# -- old spellings ------------------------------------------------------------------------------


def test_old_column_names_are_read_with_a_message_naming_file_and_new_spelling(tmp_path):
    path = write(
        tmp_path / "workforce.csv",
        "provider,role,hourly_rate,weekly_hours,headcount\nA,carer,12.21,16,40\n",
    )
    clean, issues = read_table("workforce", path)
    assert clean[["rate_per_hour", "hours_per_week", "headcount"]].iloc[0].tolist() == [
        12.21,
        16.0,
        40.0,
    ]
    assert issues["code"].tolist() == ["old_spelling", "old_spelling"]
    assert set(issues["severity"]) == {"warning"}
    assert issues["message"].tolist() == [
        f"{path}: column 'hourly_rate' is an old spelling; it was read as 'rate_per_hour'. "
        "Rename the column to 'rate_per_hour'",
        f"{path}: column 'weekly_hours' is an old spelling; it was read as 'hours_per_week'. "
        "Rename the column to 'hours_per_week'",
    ]


def test_old_unit_spellings_are_mapped_once_per_spelling(tmp_path):
    path = write(
        tmp_path / "volumes.csv",
        "provider,service,volume,volume_unit\n"
        "A,home_care,2400,contact hours\n"
        "B,home_care,1650,Contact Hours\n"
        "C,care_home,41,per week\n"
        "D,supported_living,300,per week\n",
    )
    clean, issues = read_table("volumes", path)
    assert clean["volume_unit"].tolist() == [
        "contact_hour",
        "contact_hour",
        "resident_week",
        "support_hour",
    ]
    assert clean["volume_per_week"].tolist() == [2400, 1650, 41, 300]
    messages = issues["message"].tolist()
    assert (
        f"{path}: column 'volume' is an old spelling; it was read as 'volume_per_week'"
        in (messages[0])
    )
    assert (
        f"{path}: volume_unit 'contact hours' is an old spelling (1 row(s), first on line 2); "
        "it was read as 'contact_hour'. Write 'contact_hour'" in messages
    )
    assert (
        f"{path}: volume_unit 'per week' is an old spelling (2 row(s), first on line 4); it "
        "was read as 'resident_week' / 'support_hour'. Write 'resident_week' or 'support_hour'"
        in messages
    )


def test_check_raises_every_error_and_warns_of_old_spellings():
    frame = pd.DataFrame(
        {"provider": ["A", "B"], "service": ["home_care"] * 2, "volume": ["x", "-1"]}
    )
    with pytest.warns(DeprecationWarning, match="column 'volume' is an old spelling"):
        with pytest.raises(
            tables.TableError,
            match="line 2: volume_per_week 'x' is not a number .*; the volumes table line 3: "
            "volume_per_week -1 is below 0",
        ):
            tables.check("volumes", frame)


# -- one declaration ----------------------------------------------------------------------------


def test_every_code_the_checks_use_is_registered():
    source = (REPO / "costofcare" / "tables" / "check.py").read_text(encoding="utf-8")
    used = {
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value
        in (
            "missing_column",
            "unreadable_value",
            "not_allowed",
            "out_of_bounds",
            "required_missing",
            "blank_key",
            "duplicate_key",
            "old_spelling",
        )
    }
    assert len(used) == 8
    assert used <= set(ISSUE_CODES)


def test_ingest_and_costs_columns_come_from_the_declarations():
    from costofcare.costs import TIDY_COLUMNS
    from costofcare.ingest.batch import RETURN_COLUMNS

    assert VALUE_COLUMNS == tables.VALUES.names
    assert ISSUE_COLUMNS == tables.ISSUES.names
    assert RETURN_COLUMNS == tables.RETURNS.names
    # the care home market columns come from a return (reported route only)
    care = list(tables.catalogue.CARE_COLUMNS)
    assert [*TIDY_COLUMNS, *care, "return_id"] == list(tables.UNIT_COSTS.names)


#: Column tuples that are not tables passed between steps: a workbook layout, the example
#: market's fault manifest, the parameters file and the scenario results.
NOT_SHARED_TABLES = {
    ("report/workbook.py", "PROVIDER_COLUMNS"),
    ("examples/market.py", "MANIFEST_COLUMNS"),
    ("parameters/loader.py", "VALUE_COLUMNS"),
    ("parameters/loader.py", "REQUIRED_VALUE_COLUMNS"),
    ("scenarios/scenario.py", "RESULT_COLUMNS"),
    # the benchmark's own output (costs_, positions_, outliers_), not a table between steps
    ("benchmark/market.py", "COST_COLUMNS"),
    # recommend's inputs: the current_rates and unit_costs tables, to be checked by
    # costofcare.tables when the recommendation methods take their new shape
    ("recommend/engine.py", "RATE_COLUMNS"),
    ("recommend/engine.py", "COST_COLUMNS"),
}


def _column_literals(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            if (
                isinstance(target, ast.Name)
                and target.id.endswith("_COLUMNS")
                and isinstance(node.value, ast.Tuple | ast.List)
                and all(isinstance(e, ast.Constant) for e in node.value.elts)
            ):
                yield target.id


def test_no_module_declares_its_own_table_columns():
    package = REPO / "costofcare"
    found = {
        (str(path.relative_to(package)), name)
        for path in package.rglob("*.py")
        if "tables" not in path.relative_to(package).parts
        for name in _column_literals(path)
    }
    assert found <= NOT_SHARED_TABLES, sorted(found - NOT_SHARED_TABLES)


def test_committed_table_reference_is_current():
    page = REPO / "docs" / "tables.md"
    assert page.read_text(encoding="utf-8") == tables_markdown(), (
        "docs/tables.md is out of date; run: python -m costofcare.tables.docs"
    )
    text = page.read_text(encoding="utf-8")
    for table in tables.TABLES.values():
        assert f"## `{table.name}`" in text
        for column in table.columns:
            assert f"`{column.name}`" in text


def test_declarations_are_consistent():
    for table in tables.TABLES.values():
        assert table.key == tuple(c for c in table.names if c in table.key), table.name
        for column in table.columns:
            assert column.description.endswith("."), (table.name, column.name)


# -- speed -------------------------------------------------------------------------------------


def test_a_100k_row_unit_cost_table_is_checked_in_well_under_a_second():
    n = 100_000
    frame = pd.DataFrame(
        {
            "provider": [f"P{k // 20}" for k in range(n)],
            "service": "home_care",
            "route": "reported",
            "period_start": "2025-04-01",
            "period_end": "2026-03-31",
            "unit": "contact_hour",
            "cost_line": [f"Line {k % 20}" for k in range(n)],
            "category": "staffing",
            "cost_per_unit": np.linspace(0.5, 30.0, n),
        }
    )
    frame.loc[::1000, "cost_per_unit"] = -1.0
    validate("unit_costs", frame.head(10))  # imports done before the clock starts
    timings = []
    for _ in range(3):  # CPU time, best of three: other work on the machine does not count
        start = time.process_time()
        clean, issues = validate("unit_costs", frame)
        timings.append(time.process_time() - start)
    elapsed = min(timings)
    assert len(clean) == n and issues.empty  # costs may be negative (a rebate line)
    frame.loc[::1000, "category"] = "staff"
    clean, issues = validate("unit_costs", frame)
    assert len(clean) + len(issues) == n
    assert set(issues["code"]) == {"not_allowed"}
    assert elapsed < 1.0


# -- the command lines read the declared tables ---------------------------------------------


def test_scenarios_command_reads_old_spellings_with_a_warning_and_names_bad_lines(tmp_path, capsys):
    from costofcare.cli import main

    example = REPO / "workbooks" / "examples" / "scenarios.toml"
    workforce = (REPO / "workbooks" / "examples" / "scenarios" / "workforce.csv").read_text(
        encoding="utf-8"
    )
    old = write(
        tmp_path / "workforce.csv",
        workforce.replace("rate_per_hour,hours_per_week", "hourly_rate,weekly_hours", 1),
    )
    args = ["scenarios", str(example), "-o", str(tmp_path / "out"), "--check"]
    assert main([*args, "--workforce", str(old)]) == 0
    err = capsys.readouterr().err
    assert (
        f"warning: {old}: column 'hourly_rate' is an old spelling; it was read as "
        "'rate_per_hour'. Rename the column to 'rate_per_hour'" in err
    )
    lines = workforce.splitlines()
    cells = lines[2].split(",")  # line 3 of the file: Ashdown Care's second role
    cells[2] = "about 12"  # text in rate_per_hour
    lines[2] = ",".join(cells)
    bad = write(tmp_path / "bad.csv", "\n".join(lines) + "\n")
    assert main([*args, "--workforce", str(bad)]) == 2
    err = capsys.readouterr().err
    assert (
        f"{bad} line 3: rate_per_hour 'about 12' is not a number (provider 'Ashdown Care')" in err
    )


def test_public_api():
    assert sorted(tables.__all__) == sorted(
        [
            "CATEGORIES", "COMPARATORS", "CURRENT_RATES", "ISSUES", "RECOMMENDATIONS", "REGISTER",
            "RETURNS", "SERVICE_UNITS", "TABLES", "UNITS", "UNIT_COSTS", "VALUES", "VOLUMES",
            "WORKFORCE", "Column", "Table", "TableError", "check", "get_table",
            "raise_errors", "read_table", "validate",
        ]
    )  # fmt: skip
    for name in tables.__all__:
        assert getattr(tables, name) is not None
