"""A run's own figures: ``[parameters.overrides]`` in the run config, and index months that
are forecasts, each shown as not confirmed.

The home care provider is the one of ``tests/test_recommend.py``'s roll-forward: a 2024-25
return (1 April 2024 to 31 March 2025) rolled forward to the year from 6 April 2026.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from costofcare.errors import ConfigError
from costofcare.parameters import load, non_confirmed
from costofcare.pipeline import load_run_config
from costofcare.pipeline.config import parameter_overrides
from costofcare.recommend import parse_service, recommend_service
from costofcare.recommend.rollforward import index_month

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "workbooks" / "examples"


# ----------------------------------------------------------- [parameters.overrides]
def _config(tmp_path: Path, overrides: str) -> Path:
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("returns"))
    (folder / "returns").mkdir()
    path = folder / "run.toml"
    path.write_text(path.read_text() + "\n[parameters.overrides]\n" + overrides)
    return path


def test_a_run_config_override_is_status_override_with_the_config_as_source(tmp_path):
    path = _config(
        tmp_path,
        'national_living_wage_hourly = { "2026-04-01" = { value = 12.90, '
        'source = "council pay policy" } }\n',
    )
    cfg = load_run_config(path)
    params = load(overrides=parameter_overrides(cfg, load().names))
    nlw = params.get("national_living_wage_hourly", "2026-04-06")
    assert (nlw.value, nlw.status) == (12.90, "override")
    assert nlw.source_title == f"run config {path}: council pay policy"
    listed = non_confirmed([nlw])
    assert listed[["name", "value", "status"]].to_dict("records") == [
        {"name": "national_living_wage_hourly", "value": 12.90, "status": "override"}
    ]
    # the shipped figure is untouched outside the run
    assert load().value("national_living_wage_hourly", "2026-04-06") == 12.71


@pytest.mark.parametrize(
    "text, words",
    [
        ("national_living_wage_hourly = 12.9\n", "must be a table of dates"),
        (
            'national_living_wage_hourly = { "2026-04-01" = { value = 12.9, status = "x" } }\n',
            "unknown key(s) status",
        ),
        ('national_living_wage_hourly = { "2026-04-01" = "twelve" }\n', "expected a number"),
    ],
)
def test_a_bad_override_names_the_key(tmp_path, text, words):
    with pytest.raises(ConfigError) as err:
        load_run_config(_config(tmp_path, text))
    assert "parameters.overrides.national_living_wage_hourly" in str(err.value)
    assert words in str(err.value)


def test_an_override_of_an_unknown_parameter_is_refused_with_a_suggestion(tmp_path):
    cfg = load_run_config(_config(tmp_path, 'national_living_wage_hourli = { "2026-04-01" = 13 }'))
    with pytest.raises(ConfigError) as err:
        parameter_overrides(cfg, load().names)
    assert "no such parameter; did you mean 'national_living_wage_hourly'" in str(err.value)


# ------------------------------------------------------------------ index months
def _rolled(params, **roll_forward):
    rates = pd.DataFrame(
        {"provider": ["P"], "service": "home_care", "current_rate": [26.0],
         "volume_per_week": [100.0]}
    )  # fmt: skip
    lines = [("Care worker pay", "staffing", 20.00), ("Rent", "non_staffing", 4.00)]
    costs = pd.DataFrame(
        [("P", "home_care", line, cat, cost) for line, cat, cost in lines],
        columns=["provider", "service", "cost_line", "category", "cost_per_unit"],
    ).assign(
        unit="contact_hour",
        period_start=pd.Timestamp("2024-04-01"),
        period_end=pd.Timestamp("2025-03-31"),
    )
    workforce = pd.DataFrame(
        [("P", "home_care", "r", "care worker", 11.44, 37.5, 1.0)],
        columns=["provider", "service", "return_id", "role", "rate_per_hour", "hours_per_week",
                 "headcount"],
    )  # fmt: skip
    config = parse_service(
        "home_care",
        {
            "method": "percentile",
            "effective_date": "2026-04-06",
            "wage_floor": "none",
            "roll_forward": roll_forward,
        },
    )
    return recommend_service(config, rates, costs, params=params, workforce=workforce)


def test_a_published_index_month_is_confirmed():
    rec = _rolled(load(), index_to="2026-03")
    months = rec.roll_forward.index_months
    assert [(m.name, m.status) for m in months] == [
        ("CPI index level 2024-09", "confirmed"),
        ("CPI index level 2026-03", "confirmed"),
    ]
    assert rec.roll_forward.forecast_months == []


def test_a_forecast_index_month_is_flagged_and_listed_as_not_confirmed():
    # a council's CPI path of 3% a year past the latest published month (July 2026)
    params = load().with_index_path(
        "CPI", {"2026-08": 0.03, "2026-09": 0.03, "2026-10": 0.03}, label="council CPI path"
    )
    rec = _rolled(params, index_to="2026-10")
    (forecast,) = rec.roll_forward.forecast_months
    # ONS CPI October 2025 was 139.8; the path puts October 2026 at 139.8 × 1.03
    assert forecast.name == "CPI index level 2026-10"
    assert forecast.value == pytest.approx(139.8 * 1.03)
    assert forecast.status == "forecast"
    lines = rec.roll_forward.lines.set_index("category")
    assert lines.loc["non_staffing", "target"] == pytest.approx(4.00 * 139.8 * 1.03 / 134.2)
    assert (
        "CPI 2024-09 to 2026-10 (a forecast: council CPI path)" in lines.loc["non_staffing", "how"]
    )
    listed = non_confirmed(rec.roll_forward.index_months)
    assert listed["name"].tolist() == ["CPI index level 2026-10"]
    assert index_month(params, "CPI", "2026-07").status == "confirmed"


@pytest.mark.slow
def test_a_run_records_its_overrides_and_lists_them_as_not_confirmed(tmp_path):
    from costofcare.pipeline import run

    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLES, folder)
    path = folder / "run.toml"
    path.write_text(
        path.read_text()
        + '\n[parameters.overrides]\nnhs_funded_nursing_care_weekly = { "2026-04-01" = 270.0 }\n'
    )
    result = run(path, workers=1)
    row = result.parameters.set_index("name").loc["nhs_funded_nursing_care_weekly"]
    assert (row["value"], row["status"]) == (270.0, "override")
    assert row["source_title"] == f"run config {path}"
    listed = {r["name"]: r for r in result.summary["non_confirmed"]}
    assert listed["nhs_funded_nursing_care_weekly"]["status"] == "override"
    # the nursing market's rate is compared with costs net of the overridden FNC
    nursing = result.recommendations["care_home.nursing"]
    assert nursing.fnc_per_week.value == 270.0
