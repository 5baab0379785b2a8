"""NHS-funded nursing care (FNC): dated rates and care home costs excluding them.

FNC standard weekly rates (DHSC): £235.88 from 1 April 2024, £254.06 from 1 April 2025,
£267.68 from 1 April 2026.
"""

import pandas as pd
import pytest

from costofcare.costs import costs_excluding_fnc
from costofcare.parameters import load
from costofcare.parameters.store import ParameterError

FNC = "nhs_funded_nursing_care_weekly"


@pytest.fixture(scope="module")
def params():
    return load()


@pytest.mark.parametrize(
    ("on", "rate"),
    [
        ("2024-04-01", 235.88),
        ("2025-03-31", 235.88),
        ("2025-04-01", 254.06),
        ("2026-03-31", 254.06),
        ("2026-04-01", 267.68),
        ("2027-03-31", 267.68),
    ],
)
def test_fnc_rate_on_a_date(params, on, rate):
    found = params.get(FNC, on)
    assert found.value == rate
    assert found.status == "confirmed"
    assert found.source_url.startswith("https://")


def test_no_fnc_rate_before_2024_or_after_march_2027(params):
    with pytest.raises(ParameterError):
        params.get(FNC, "2027-04-01")
    with pytest.raises(ParameterError):
        params.get(FNC, "2024-03-31")


def _values(return_id, provider, **residents):
    return [
        {
            "return_id": return_id,
            "provider": provider,
            "service": "care_home",
            "table": "",
            "row": 0,
            "field": field,
            "value": float(count),
            "text": str(count),
            "sheet": "Volumes",
            "cell": f"C{i + 10}",
        }
        for i, (field, count) in enumerate(residents.items())
    ]


def _costs(return_id, provider, category, lines, start="2025-04-01", end="2026-03-31"):
    return [
        {
            "provider": provider,
            "service": "care_home",
            "return_id": return_id,
            "route": "reported",
            "care_category": category,
            "period_start": start,
            "period_end": end,
            "cost_line": line,
            "cost_per_unit": value,
        }
        for line, value in lines
    ]


def test_costs_excluding_fnc_by_hand(params):
    # N: nursing home, 30 nursing residents of 30; 2025-26 period, midpoint 2025-09-30
    #    total 700 + 400 = 1,100; FNC 254.06 x 1 -> 1,100 - 254.06 = 845.94
    # D: dual home, nursing 12 + 3 = 15 of 15 + 10 + 5 = 30 -> share 1/2; 2024-25 period
    #    total 600 + 350 = 950; FNC 235.88 x 0.5 = 117.94 -> 950 - 117.94 = 832.06
    # R: residential home: FNC 0 whatever the counts -> 800
    # M: nursing home that gives no counts -> share 1 -> 1,200 - 254.06 = 945.94
    values = pd.DataFrame(
        _values("n", "N", residents_nursing=20, residents_nursing_enhanced=10)
        + _values(
            "d",
            "D",
            residents_residential=10,
            residents_residential_enhanced=5,
            residents_nursing=12,
            residents_nursing_enhanced=3,
        )
        + _values("r", "R", residents_residential=20, residents_nursing=2)
        + _values("m", "M", residents_council_funded=20)
    )
    costs = pd.DataFrame(
        _costs("n", "N", "nursing", [("Nursing staff", 700.0), ("Food", 400.0)])
        + _costs(
            "d", "D", "dual", [("Care staff", 600.0), ("Food", 350.0)], "2024-04-01", "2025-03-31"
        )
        + _costs("r", "R", "residential", [("Care staff", 800.0)])
        + _costs("m", "M", "nursing", [("Nursing staff", 1200.0)])
    )
    found = costs_excluding_fnc(costs, values, params).set_index("provider")
    assert found.loc["N", "period_midpoint"] == "2025-09-30"
    assert found.loc["N", "fnc_per_week"] == 254.06
    assert found.loc["N", "cost_excluding_fnc_per_unit"] == pytest.approx(845.94)
    assert found.loc["D", "fnc_per_week"] == 235.88
    assert found.loc["D", "nursing_share"] == pytest.approx(0.5)
    assert found.loc["D", "fnc_per_unit"] == pytest.approx(117.94)
    assert found.loc["D", "cost_excluding_fnc_per_unit"] == pytest.approx(832.06)
    assert found.loc["R", "fnc_per_unit"] == 0.0
    assert found.loc["R", "cost_excluding_fnc_per_unit"] == pytest.approx(800.0)
    assert found.loc["M", "cost_excluding_fnc_per_unit"] == pytest.approx(945.94)


def test_a_dual_home_without_counts_has_no_figure(params):
    values = pd.DataFrame(_values("d", "D", residents_council_funded=20))
    costs = pd.DataFrame(_costs("d", "D", "dual", [("Care staff", 900.0)]))
    found = costs_excluding_fnc(costs, values, params).iloc[0]
    assert pd.isna(found["cost_excluding_fnc_per_unit"])


@pytest.mark.slow
def test_example_nursing_homes_excluding_fnc(example_cli_run):
    """Example returns cover 1 April 2024 - 31 March 2025 (midpoint 30 September 2024):
    FNC £235.88. Dovecote Lodge (nursing, 23 + 14 nursing residents of 37): truth.csv
    949.24 - 235.88 = 713.36. Bluebell Manor (dual, 16 + 3 nursing of 25 + 6 + 16 + 3 = 50):
    922.70 - 235.88 x 19 / 50 = 922.70 - 89.6344 = 833.07."""
    result = example_cli_run["result"]
    found = costs_excluding_fnc(result.unit_costs, result.values, load()).set_index("provider")
    assert found.loc["Dovecote Lodge Group Ltd", "cost_excluding_fnc_per_unit"] == pytest.approx(
        713.36, abs=0.01
    )
    assert found.loc["Bluebell Manor Ltd", "cost_excluding_fnc_per_unit"] == pytest.approx(
        833.07, abs=0.01
    )
    assert len(found) == 22


def test_no_fnc_rate_for_the_period_is_reported_not_fatal(params):
    # A 2023-24 nursing home: the period's middle day (2023-09-30) is before the first FNC
    # rate shipped (1 April 2024), so there is no figure and one issue naming the home.
    # A residential home of the same year takes off nothing, whatever the date.
    from costofcare.costs.nursingcare import fnc_not_worked_out

    values = pd.DataFrame(
        _values("old", "Old Nursing", residents_nursing=30)
        + _values("res", "Old Residential", residents_residential=30)
    )
    costs = pd.DataFrame(
        _costs(
            "old", "Old Nursing", "nursing", [("Nursing staff", 900.0)], "2023-04-01", "2024-03-31"
        )
        + _costs(
            "res",
            "Old Residential",
            "residential",
            [("Care staff", 700.0)],
            "2023-04-01",
            "2024-03-31",
        )
    )
    found = costs_excluding_fnc(costs, values, params).set_index("provider")
    assert pd.isna(found.loc["Old Nursing", "cost_excluding_fnc_per_unit"])
    assert (
        "no NHS-funded nursing care rate in the parameters on 2023-09-30"
        in (found.loc["Old Nursing", "source"])
    )
    assert found.loc["Old Residential", "cost_excluding_fnc_per_unit"] == 700.0
    issues = fnc_not_worked_out(found.reset_index())
    assert list(issues["code"]) == ["fnc_not_worked_out"]
    assert list(issues["provider"]) == ["Old Nursing"]
    assert list(issues["severity"]) == ["warning"]
