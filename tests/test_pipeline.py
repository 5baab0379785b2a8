"""The whole pipeline on the bundled example market, and the run config's error messages.

One run of the command line serves the module: ``costofcare run`` calls the pure
``run(config)`` (watched here to check that it writes nothing) and then ``write_run``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from costofcare.cli import main
from costofcare.costs import choose_returns, workforce_from_values
from costofcare.errors import ConfigError
from costofcare.ingest import ISSUE_CODES
from costofcare.pipeline import RunResult, load_run_config, run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "examples" / "run.toml"
RUN_CODES = (
    "left_out_with_errors",
    "left_out_second_return",
    "unit_cost_not_computed",
    "staffing_row_not_used",
)

pytestmark = pytest.mark.xdist_group("pipeline")


@pytest.fixture(scope="module")
def cli_run(example_cli_run):
    """``costofcare run`` on the example, once per test run (tests/conftest.py)."""
    return example_cli_run["code"], example_cli_run["out"], example_cli_run


def test_run_writes_nothing(cli_run):
    _, _, seen = cli_run
    assert isinstance(seen["result"], RunResult)
    assert seen["example_unchanged"]
    assert seen["cwd_files"] == []
    assert not seen["out_exists"]


def test_command_exit_code_and_every_output_written(cli_run):
    code, out, _ = cli_run
    assert code == 3  # the example market has rejected returns and returns with errors
    for rel in (
        "recommendation.xlsx",
        "summary.json",
        "ingest/validation.xlsx",
        "ingest/values.csv",
        "ingest/values.parquet",
        "ingest/issues.csv",
        "ingest/issues.parquet",
        "ingest/returns.csv",
        "ingest/returns.parquet",
        "costs/unit_costs.csv",
        "costs/market_unit_costs.csv",
        "costs/left_out.csv",
        "costs/workforce.csv",
        "benchmark/market_statistics.csv",
        "benchmark/outliers.csv",
        "benchmark/positions.csv",
        "benchmark/comparators_rolled.csv",
        "scenarios/scenarios.csv",
        "scenarios/by_line.csv",
        "scenarios/monte_carlo_summary.csv",
        "scenarios/monte_carlo_budget.csv",
    ):
        assert (out / rel).exists(), rel
    assert len(list((out / "providers").glob("*.xlsx"))) >= 50


def test_ingest_files_are_those_ingest_writes_while_reading(cli_run, tmp_path):
    from costofcare.ingest import find_returns, write_outputs

    _, out, _ = cli_run
    streamed = write_outputs(
        find_returns([EXAMPLE.parent / "returns"]), tmp_path, workers=1, workbook=False
    )
    for name in ("values.csv", "issues.csv", "returns.csv"):
        assert (out / "ingest" / name).read_bytes() == streamed.paths[name].read_bytes(), name
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "ingest" / "values.parquet"),
        pd.read_parquet(streamed.paths["values.parquet"]),
    )


def test_summary_json_matches_the_recommendation(cli_run):
    _, out, seen = cli_run
    data = json.loads((out / "summary.json").read_text())
    # care homes priced per care category (the example's rates carry it)
    markets = {f"care_home.{c}" for c in ("residential", "nursing", "dual")}
    assert set(data["services"]) == {"home_care", "supported_living", *markets}
    care_homes = sum(data["services"][m]["budget_impact_annual"] for m in markets)
    assert data["service_totals"]["care_home"]["budget_impact_annual"] == pytest.approx(
        care_homes, abs=0.03
    )
    for service, rec in seen["result"].recommendations.items():
        entry = data["services"][service]
        rates = pd.DataFrame(entry["rates"])
        assert entry["budget_impact_annual"] == pytest.approx(rec.budget_impact_annual, abs=0.01)
        assert (rates["proposed_rate"] >= rates["current_rate"] - 1e-9).all()


def test_left_out_returns_are_registered_issues_with_their_files(cli_run):
    _, out, seen = cli_run
    res = seen["result"]
    assert set(RUN_CODES) <= set(ISSUE_CODES)
    run_issues = res.issues[res.issues["code"].isin(RUN_CODES)]
    assert (run_issues["file"].str.endswith(".xlsx")).all()
    assert (run_issues["severity"] == run_issues["code"].map(lambda c: ISSUE_CODES[c][0])).all()
    # every return with errors is left out, and named by its file
    errors = res.returns[res.returns["status"] == "errors"]
    left = run_issues[run_issues["code"] == "left_out_with_errors"]
    assert sorted(left["file"]) == sorted(errors["file"])
    assert not set(errors["return_id"]) & set(res.unit_costs["return_id"])
    # the provider that sent two returns: one used, the other named with the one used
    second = run_issues[run_issues["code"] == "left_out_second_return"]
    assert len(second) == 1
    assert "resubmitted" in second["message"].iloc[0]
    assert (res.unit_costs.groupby(["provider", "service"])["return_id"].nunique() == 1).all()
    # a return without units to divide by comes back as an issue row, not an exception
    not_costed = run_issues[run_issues["code"] == "unit_cost_not_computed"]
    assert len(not_costed) == 1 and "no units to divide by" in not_costed["message"].iloc[0]
    # the same rows in costs/left_out.csv, one per reason
    csv = pd.read_csv(out / "costs" / "left_out.csv")
    assert sorted(csv["code"]) == sorted(run_issues.loc[run_issues.code != RUN_CODES[3], "code"])
    assert csv["file"].notna().all() and csv["left_out_because"].notna().all()


def test_every_staffing_row_of_the_market_is_used_or_reported(cli_run):
    res = cli_run[2]["result"]
    market = set(res.unit_costs["return_id"])
    staff = res.values[
        (res.values["table"] == "staff_roles") & res.values["return_id"].isin(market)
    ]
    rows = staff[["return_id", "row"]].drop_duplicates()
    reported = res.issues[res.issues["code"] == "staffing_row_not_used"]
    assert len(rows) == len(res.workforce) + len(reported)
    assert set(res.workforce["return_id"]) <= market


def test_command_line_and_load_example_build_identical_tables(cli_run):
    from costofcare.examples.inputs import load_example

    _, out, seen = cli_run
    res = seen["result"]
    ex = load_example()
    pd.testing.assert_frame_equal(ex.unit_costs, res.unit_costs)
    pd.testing.assert_frame_equal(ex.workforce, res.workforce)
    pd.testing.assert_frame_equal(ex.volumes, res.volumes)
    # and the files the command line wrote hold the same tables
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "costs" / "workforce.csv"),
        pd.read_csv(io.StringIO(ex.workforce.to_csv(index=False))),
    )


def test_recommendation_workbook_opens_and_has_the_sheets(cli_run):
    _, out, _ = cli_run
    wb = openpyxl.load_workbook(out / "recommendation.xlsx", read_only=True)
    assert {"Summary", "Assumptions", "Data quality"} <= set(wb.sheetnames)


def test_scenarios_take_the_canonical_volume_units(cli_run):
    res = cli_run[2]["result"]
    units = res.scenarios.groupby("service")["volume_unit"].unique().map(list).to_dict()
    assert units == {
        "care_home": ["resident_week"],
        "home_care": ["contact_hour"],
        "supported_living": ["support_hour"],
    }


def _staff_values(rows):
    columns = ["row", "field", "value", "text", "cell"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(
        return_id="r1",
        provider="Acme",
        service="home_care",
        table="staff_roles",
        file="returns/acme.xlsx",
        sheet="Staffing",
    )


def test_workforce_from_staff_table_rows():
    nan = float("nan")
    values = _staff_values(
        [
            # 10 workers, 250 paid hours a week in all, £12.21 + £0.40 an hour
            (1, "role", nan, "Care worker", "B10"),
            (1, "role_description", nan, "care workers, 16-30 hours", "C10"),
            (1, "headcount", 10.0, "", "D10"),
            (1, "paid_hours_per_week", 250.0, "", "F10"),
            (1, "basic_rate_per_hour", 12.21, "", "G10"),
            (1, "enhancements_per_hour", 0.40, "", "H10"),
            # no job title: labelled by its role; no enhancements: basic rate only
            (2, "role", nan, "Registered manager", "B11"),
            (2, "headcount", 1.0, "", "D11"),
            (2, "paid_hours_per_week", 37.5, "", "F11"),
            (2, "basic_rate_per_hour", 20.0, "", "G11"),
            # no headcount: reported, not silently dropped
            (3, "role", nan, "Administration", "B12"),
            (3, "paid_hours_per_week", 40.0, "", "F12"),
            (3, "basic_rate_per_hour", 15.0, "", "G12"),
        ]
    )
    wf, issues = workforce_from_values(values)
    assert list(wf.columns) == [
        "provider", "service", "return_id", "role", "rate_per_hour", "hours_per_week", "headcount",
    ]  # fmt: skip
    assert list(wf["role"]) == ["care workers, 16-30 hours", "Registered manager"]
    assert wf["rate_per_hour"].tolist() == pytest.approx([12.21 + 0.40, 20.0])
    assert wf["hours_per_week"].tolist() == pytest.approx([250 / 10, 37.5 / 1])
    assert wf["headcount"].tolist() == [10, 1]
    assert len(issues) == 1
    issue = issues.iloc[0]
    assert issue["code"] == "staffing_row_not_used" and issue["field"] == "headcount"
    assert (issue["file"], issue["sheet"], issue["cell"]) == (
        "returns/acme.xlsx",
        "Staffing",
        "B12",
    )
    assert "row 3" in issue["message"] and "no headcount" in issue["message"]


def test_choose_returns_prefers_more_values_then_the_later_file():
    returns = pd.DataFrame(
        [
            ("a", "f1.xlsx", "clean", "Acme", "home_care", 100, 0),
            ("b", "f2.xlsx", "warnings", "Acme", "home_care", 120, 0),
            ("c", "f3.xlsx", "errors", "Bede", "home_care", 90, 2),
            ("d", "f4.xlsx", "rejected", "", "", 0, 1),
            ("e", "g1.xlsx", "clean", "Cole", "care_home", 200, 0),
            ("f", "g2.xlsx", "clean", "Cole", "care_home", 200, 0),
        ],
        columns=["return_id", "file", "status", "provider", "service", "values_read", "errors"],
    )
    used, left = choose_returns(returns)
    assert list(used["return_id"]) == ["b", "f"]
    assert dict(zip(left["return_id"], left["code"], strict=True)) == {
        "a": "left_out_second_return",
        "c": "left_out_with_errors",
        "e": "left_out_second_return",
    }
    assert list(left.sort_values("return_id")["file"]) == ["f1.xlsx", "f3.xlsx", "g1.xlsx"]


def test_config_errors_name_the_key(tmp_path):
    cfg = tmp_path / "run.toml"
    cfg.write_text('[run]\nreturns = "."\ncurrent_rate = "x.csv"\n')
    with pytest.raises(
        ConfigError, match=r"run.current_rate is not a setting; did you mean 'current_rates'"
    ):
        load_run_config(cfg)
    cfg.write_text(
        '[run]\nreturns = "nowhere"\ncurrent_rates = "x.csv"\n'
        '[recommend.home_care]\nmethod="percentile"\n'
    )
    with pytest.raises(ConfigError, match="run.returns: .*nowhere does not exist"):
        load_run_config(cfg)
    cfg.write_text("[runn]\n")
    with pytest.raises(ConfigError, match=r"unknown table \[runn\]; did you mean 'run'"):
        load_run_config(cfg)
    cfg.write_text('[run]\nreturns = "."\ncurrent_rates = "run.toml"\nmin_count = 0\n')
    with pytest.raises(ConfigError, match=r"run.min_count must be a whole number"):
        run(cfg)


def test_run_command_reports_a_bad_config_without_traceback(tmp_path, capsys):
    cfg = tmp_path / "run.toml"
    cfg.write_text("[run]\n")
    assert main(["run", str(cfg), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "run.returns is required" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_supported_living_market_route_follows_the_nights_setting(tmp_path):
    import dataclasses

    from costofcare.pipeline import market_route

    base = load_run_config(EXAMPLE)
    table = pd.DataFrame(
        {
            "service": ["home_care", "care_home", "care_home"] + ["supported_living"] * 3,
            "route": [
                "reported",
                "reported",
                "reported_standard_occupancy",
                "reported",
                "reported_nights_apart",
                "reported_sleep_in",
            ],
        }
    )
    spread = dataclasses.replace(base, standard_occupancy=None, supported_living_nights="spread")
    assert list(market_route(table, spread)) == [True, True, False, True, False, False]
    apart = dataclasses.replace(base, standard_occupancy=0.95, supported_living_nights="apart")
    assert list(market_route(table, apart)) == [True, False, True, False, True, False]
    cfg = tmp_path / "run.toml"
    text = EXAMPLE.read_text()
    assert 'supported_living_nights = "spread"' in text
    cfg.write_text(
        text.replace('supported_living_nights = "spread"', 'supported_living_nights = "apartt"')
    )
    with pytest.raises(ConfigError, match=r"supported_living_nights must be one of .*'apart'"):
        load_run_config(cfg)


def test_a_return_without_units_comes_back_as_an_issue_row():
    from costofcare.costs import reported_unit_cost_with_issues
    from tests.test_costs_reported import tidy

    period = {"period_start": "2025-04-01", "period_end": "2026-03-31", "premises_annual": 10_000}
    good = tidy("home_care", {**period, "contact_hours_per_week": 1000}, return_id="good")
    bad = tidy("home_care", period, provider="P2", return_id="bad")
    values = pd.concat([good, bad], ignore_index=True)
    values["file"] = values["return_id"] + ".xlsx"
    costs, issues = reported_unit_cost_with_issues(values)
    assert set(costs["return_id"]) == {"good"}
    # 1 April 2025 to 31 March 2026 is 365 days: 1,000 contact hours a week for 365 / 7 weeks
    premises = costs.loc[costs["cost_line"] == "Rent/rates/utilities", "cost_per_unit"]
    assert premises.tolist() == pytest.approx([10_000 / (1000 * 365 / 7)])
    assert len(issues) == 1
    row = issues.iloc[0]
    assert (row["code"], row["severity"], row["file"], row["provider"]) == (
        "unit_cost_not_computed",
        "error",
        "bad.xlsx",
        "P2",
    )
    assert "no units to divide by" in row["message"]
