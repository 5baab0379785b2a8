"""The whole pipeline on the bundled example market, and the run config's error messages."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from costofcare.cli import main
from costofcare.errors import ConfigError
from costofcare.pipeline import choose_returns, load_run_config, workforce_from_values

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "examples" / "run.toml"

pytestmark = pytest.mark.xdist_group("pipeline")


@pytest.fixture(scope="module")
def result(example_run):
    return example_run  # run(EXAMPLE, ...) once per test session (tests/conftest.py)


def test_every_output_is_written(result):
    res, out = result
    for rel in (
        "recommendation.xlsx",
        "summary.json",
        "ingest/validation.xlsx",
        "ingest/values.csv",
        "ingest/issues.csv",
        "costs/unit_costs.csv",
        "costs/left_out.csv",
        "benchmark/market_statistics.csv",
        "scenarios/scenarios.csv",
    ):
        assert (out / rel).exists(), rel
    assert len(list((out / "providers").glob("*.xlsx"))) >= 50


def test_summary_json_matches_the_recommendation(result):
    res, out = result
    data = json.loads((out / "summary.json").read_text())
    assert set(data["services"]) == {"home_care", "care_home", "supported_living"}
    for service, rec in res.recommendations.items():
        entry = data["services"][service]
        rates = pd.DataFrame(entry["rates"])
        # the annual budget impact is the sum over providers of volume x 52.143 weeks x change
        # in rate, which the summary must carry unchanged from the recommendation
        assert entry["budget_impact_annual"] == pytest.approx(rec.budget_impact_annual, abs=0.01)
        assert (rates["proposed_rate"] >= rates["current_rate"] - 1e-9).all()


def test_faulty_returns_are_left_out_and_reported(result):
    res, out = result
    left = pd.read_csv(out / "costs" / "left_out.csv")
    # the example market has a provider that sent two returns: exactly one of them is used
    dup = left[left["left_out_because"].str.contains("another return for the same provider")]
    assert len(dup) == 1
    used = res.unit_costs.groupby(["provider", "service"])["return_id"].nunique()
    assert (used == 1).all()
    # returns with errors never feed the market
    errors = set(res.returns.loc[res.returns["status"] == "errors", "return_id"])
    assert errors and not errors & set(res.unit_costs["return_id"])


def test_recommendation_workbook_opens_and_has_the_sheets(result):
    res, out = result
    wb = openpyxl.load_workbook(out / "recommendation.xlsx", read_only=True)
    names = set(wb.sheetnames)
    assert {"Summary", "Assumptions", "Data quality"} <= names


def test_workforce_from_staff_table_rows():
    values = pd.DataFrame(
        [
            # one staff row: 10 workers, 250 paid hours a week, £12.21 + £0.40 an hour
            ("r1", "Acme", "home_care", "staff_roles", 1, "role", float("nan"), "Care worker"),
            ("r1", "Acme", "home_care", "staff_roles", 1, "headcount", 10.0, ""),
            ("r1", "Acme", "home_care", "staff_roles", 1, "paid_hours_per_week", 250.0, ""),
            ("r1", "Acme", "home_care", "staff_roles", 1, "basic_rate_per_hour", 12.21, ""),
            ("r1", "Acme", "home_care", "staff_roles", 1, "enhancements_per_hour", 0.40, ""),
            # a row with no headcount is left out
            ("r1", "Acme", "home_care", "staff_roles", 2, "paid_hours_per_week", 40.0, ""),
            ("r1", "Acme", "home_care", "staff_roles", 2, "basic_rate_per_hour", 15.0, ""),
        ],
        columns=["return_id", "provider", "service", "table", "row", "field", "value", "text"],
    )
    wf = workforce_from_values(values)
    assert len(wf) == 1
    row = wf.iloc[0]
    assert row["hourly_rate"] == pytest.approx(12.21 + 0.40)
    assert row["weekly_hours"] == pytest.approx(250 / 10)
    assert row["headcount"] == 10 and row["role"] == "Care worker"


def test_choose_returns_prefers_more_values_and_skips_errors():
    returns = pd.DataFrame(
        [
            ("a", "f1.xlsx", "clean", "Acme", "home_care", 100, 0),
            ("b", "f2.xlsx", "warnings", "Acme", "home_care", 120, 0),
            ("c", "f3.xlsx", "errors", "Bede", "home_care", 90, 2),
            ("d", "f4.xlsx", "rejected", "", "", 0, 1),
        ],
        columns=["return_id", "file", "status", "provider", "service", "values_read", "errors"],
    )
    used, left = choose_returns(returns)
    assert list(used["return_id"]) == ["b"]
    assert set(left["return_id"]) == {"a", "c"}


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


def test_run_command_reports_a_bad_config_without_traceback(tmp_path, capsys):
    cfg = tmp_path / "run.toml"
    cfg.write_text("[run]\n")
    assert main(["run", str(cfg), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "run.returns is required" in err and "Traceback" not in err


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
