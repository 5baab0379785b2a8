"""ScenarioModel (fit once, run many) and percentiles as fractions from 0 to 1."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from costofcare.errors import ConfigError, UserError
from costofcare.parameters import load
from costofcare.scenarios import (
    Distribution,
    Indexation,
    RunSettings,
    Scenario,
    ScenarioModel,
    WagePolicy,
    config_from_dict,
    explain_by_line,
    make_context,
    run_monte_carlo,
    run_scenarios,
)

PERIOD = ("2024-04-01", "2025-03-31")
SETTINGS = RunSettings(date(2025, 4, 1), date(2026, 3, 31), weeks_per_year=52)
TARGET = {"start": "2026-04-01", "end": "2027-03-31"}


@pytest.fixture(scope="module")
def params():
    return load()


@pytest.fixture(scope="module")
def tables():
    # one care home whose only cost is food, £100 a resident week, moved by CPI
    unit_costs = pd.DataFrame(
        [
            ("A", "care_home", "Food", "non_staffing", 100.00, "resident_week", *PERIOD),
        ],
        columns=[
            "provider",
            "service",
            "cost_line",
            "category",
            "cost_per_unit",
            "unit",
            "period_start",
            "period_end",
        ],
    )
    workforce = pd.DataFrame(
        [],
        columns=["provider", "role", "rate_per_hour", "hours_per_week", "headcount"],
    )
    volumes = pd.DataFrame(
        [("A", "care_home", 10.0, "resident_week", 100.00)],
        columns=["provider", "service", "volume_per_week", "volume_unit", "current_rate"],
    )
    return unit_costs, workforce, volumes


SCENARIOS = [
    Scenario("CPI only", indexation=Indexation("CPI", "2024-09", "2025-09")),
    Scenario(
        "NLW, pence",
        WagePolicy("national_living_wage", "pence"),
        Indexation("CPI", "2024-09", "2025-09"),
    ),
]


def test_fit_returns_the_model_and_learns_the_providers(params, tables):
    model = ScenarioModel(SETTINGS, params)
    assert "not fitted" in repr(model)
    assert model.fit(*tables) is model
    row = model.providers_.iloc[0]
    assert (row["provider"], row["service"]) == ("A", "care_home")
    assert row["base_rate"] == pytest.approx(100.00)
    assert row["volume_per_week"] == 10.0 and row["current_rate"] == 100.00
    assert "1 provider-services" in repr(model)


def test_run_and_explain_are_the_plain_functions(params, tables):
    model = ScenarioModel(SETTINGS, params).fit(*tables)
    expected = run_scenarios(SCENARIOS, *tables, settings=SETTINGS, params=params)
    pd.testing.assert_frame_equal(model.run(SCENARIOS), expected)
    ctx = make_context(*tables, SETTINGS, params)
    pd.testing.assert_frame_equal(model.explain(SCENARIOS), explain_by_line(ctx, SCENARIOS))
    # one scenario alone is taken as a list of one
    pd.testing.assert_frame_equal(
        model.run(SCENARIOS[0]), expected[expected["scenario"] == "CPI only"]
    )


def test_cpi_only_scenario_moves_the_food_line_by_cpi(params, tables):
    model = ScenarioModel(SETTINGS, params).fit(*tables)
    row = model.run(SCENARIOS[0]).iloc[0]
    cpi = params.index_ratio("CPI", "2024-09", "2025-09")
    assert row["required_rate"] == pytest.approx(100.00 * cpi, rel=1e-9)


def test_monte_carlo_takes_fractions_and_labels_columns_p10(params, tables):
    model = ScenarioModel(SETTINGS, params).fit(*tables)
    fixed = {"index.CPI": Distribution.from_dict({"dist": "fixed", "value": 0.03}, "t")}
    result = model.monte_carlo(SCENARIOS[0], fixed, runs=50, seed=1, percentiles=(0.25, 0.5, 0.975))
    row = result.summary.iloc[0]
    # every draw: food 100 x 1.03
    for label in ("p25", "p50", "p97.5"):
        assert row[f"required_rate_{label}"] == pytest.approx(100 * 1.03)
    # 10 resident weeks a week x 52 weeks x (103 - 100)
    budget = result.budget_summary.set_index("measure").loc["budget_full_year"]
    assert budget["p50"] == pytest.approx(10 * 52 * (100 * 1.03 - 100))
    assert result.settings["percentiles"] == [0.25, 0.5, 0.975]
    ctx = make_context(*tables, SETTINGS, params)
    plain = run_monte_carlo(ctx, SCENARIOS[0], fixed, 50, 1, (0.25, 0.5, 0.975))
    pd.testing.assert_frame_equal(result.summary, plain.summary)


def test_monte_carlo_refuses_percentiles_on_the_old_scale(params, tables):
    model = ScenarioModel(SETTINGS, params).fit(*tables)
    with pytest.raises(ConfigError, match="10 is outside 0 to 1; percentiles are fractions"):
        model.monte_carlo(SCENARIOS[0], {}, runs=5, seed=1, percentiles=(10, 50, 90))


def test_unfitted_model_says_to_fit_first(params):
    with pytest.raises(UserError, match=r"not fitted yet; call model.fit\(unit_costs"):
        ScenarioModel(SETTINGS, params).run(SCENARIOS)


def test_from_config_takes_the_settings_and_series():
    config = config_from_dict({"target": TARGET})
    model = ScenarioModel.from_config(config)
    assert model.settings == config.settings
    assert model.user_series == config.series


def _monte_carlo_config(percentiles):
    return config_from_dict({"target": TARGET, "monte_carlo": {"percentiles": percentiles}})


def test_config_percentiles_are_fractions():
    assert _monte_carlo_config([0.1, 0.5, 0.9]).monte_carlo.percentiles == (0.1, 0.5, 0.9)
    assert _monte_carlo_config([0, 1]).monte_carlo.percentiles == (0.0, 1.0)


def test_config_percentiles_on_the_old_scale_are_read_with_a_deprecation_message():
    with pytest.warns(FutureWarning) as caught:
        config = _monte_carlo_config([10, 50, 90])
    assert config.monte_carlo.percentiles == pytest.approx((10 / 100, 50 / 100, 90 / 100))
    message = str(caught[0].message)
    assert "monte_carlo.percentiles" in message
    assert "old 0-100 scale; write [0.1, 0.5, 0.9]" in message


@pytest.mark.parametrize("percentiles", [[0.5, 90], [50, 150]])
def test_config_percentiles_that_cannot_be_read_either_way_are_refused(percentiles):
    with pytest.raises(ConfigError, match="monte_carlo.percentiles: .* mixes scales or leaves 0"):
        _monte_carlo_config(percentiles)
