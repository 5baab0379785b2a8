"""The decision summary: options side by side on the recommendation's basis, worked by hand.

The market is tests/support/homecare.py: A, B and C buy 100, 200 and 100 contact hours a
week at £20, £25 and £24; their returned costs are £23, £26.25 and £24 an hour. With no wage
or price change the median cost is £24; no rate may fall (uplift_min 0), so A moves to £24,
B keeps £25 (held by the uplift floor) and C stays at £24. A year is 365 / 7 weeks.
"""

from __future__ import annotations

import pandas as pd
import pytest

from costofcare.recommend.engine import recommend_service
from costofcare.report.decision import comparator_positions, risks
from costofcare.report.decisionpage import bar_chart_svg, decision_html
from costofcare.report.layout import file_name, readable_header
from costofcare.report.options import (
    Horizon,
    monte_carlo_range,
    option_totals,
    options_table,
    plain_method_name,
)
from tests.support.homecare import home_care_config, home_care_market

WEEKS = 365 / 7
HOSTILE = '<script>alert("x")</script> & Co'


@pytest.fixture
def rec():
    rates, costs = home_care_market()
    return recommend_service(home_care_config(uplift_min=0.0), rates, costs)


def scenario(name: str, a: float, b: float, c: float) -> pd.DataFrame:
    """A scenario's results: each provider's cost under it, and the scenario file's budget
    (each provider paid its own cost)."""
    frame = pd.DataFrame(
        {
            "scenario": name,
            "service": "home_care",
            "provider": ["A", "B", "C"],
            "required_rate": [a, b, c],
            "current_rate": [20.0, 25.0, 24.0],
            "volume_per_week": [100.0, 200.0, 100.0],
        }
    )
    frame["budget_full_year"] = (
        frame["volume_per_week"] * WEEKS * (frame["required_rate"] - frame["current_rate"])
    )
    return frame


def test_recommended_row_is_the_recommendation(rec):
    table = options_table({"home_care": rec}, None, Horizon(3, 0.0))
    row = table.iloc[0]
    assert row["option"] == "Recommended" and row["kind"] == "recommended"
    # A +£4 on 100 hours; B and C unchanged
    assert row["year_one_impact"] == pytest.approx(4 * 100 * WEEKS)
    assert row["year_one_impact"] == pytest.approx(rec.budget_impact_annual)
    assert row["multi_year_impact"] == pytest.approx(3 * 4 * 100 * WEEKS)
    assert row["uplift"] == pytest.approx(4 * 100 / (20 * 100 + 25 * 200 + 24 * 100))
    # cover: A £24 ≥ £23, B £25 < £26.25, C £24 ≥ £24: 2 of 3, 200 of 400 hours
    assert (row["providers_covered"], row["providers_compared"]) == (2, 3)
    assert row["covered_providers_share"] == pytest.approx(2 / 3)
    assert row["covered_volume_share"] == pytest.approx((100 + 100) / 400)
    assert row["how_set"] == "median of local costs, rolled forward"
    assert "uplift floor for 1 of 3 providers" in row["basis"]


def test_a_scenario_is_one_rate_for_everyone_no_cuts_and_says_why_it_differs(rec):
    results = scenario("Real Living Wage", 25.0, 27.0, 25.5)
    table = options_table({"home_care": rec}, results, Horizon(3, 0.02))
    row = table[table["option"] == "Real Living Wage"].iloc[0]
    # median of £25, £27, £25.50 = £25.50: A +£5.50, B +£0.50, C +£1.50
    expected = (5.5 * 100 + 0.5 * 200 + 1.5 * 100) * WEEKS
    assert row["market_rate"] == 25.5
    assert row["year_one_impact"] == pytest.approx(expected)
    assert row["multi_year_impact"] == pytest.approx(expected * (1 + 1.02 + 1.02**2))
    assert row["difference_from_recommended"] == pytest.approx(expected - 4 * 100 * WEEKS)
    # cover against each provider's cost under the scenario: A 25.5 ≥ 25, B 25.5 < 27, C ≥
    assert (row["providers_covered"], row["providers_compared"]) == (2, 3)
    assert row["covered_volume_share"] == pytest.approx(200 / 400)
    # the scenario file pays each its own cost: (5 × 100 + 2 × 200 + 1.5 × 100) × weeks
    assert row["scenario_file_impact"] == pytest.approx((500 + 400 + 150) * WEEKS)
    assert "£54,750 a year" in row["basis"]  # 1,050 × 365 / 7 = 54,750


def test_a_scenario_below_a_current_rate_cuts_no_one(rec):
    table = options_table({"home_care": rec}, scenario("Low", 21.0, 22.0, 23.0), Horizon())
    row = table[table["option"] == "Low"].iloc[0]
    # median £22: A +£2; B (£25) and C (£24) keep their rates
    assert row["year_one_impact"] == pytest.approx(2 * 100 * WEEKS)
    assert "2 paid more today keep their rate" in row["basis"]


def test_totals_add_the_services_and_the_horizon_factor():
    assert Horizon(3, 0.0).factor == 3
    assert Horizon(2, 0.1).factor == pytest.approx(1 + 1.1)
    assert "volumes held flat" in Horizon(3, 0.0).describe()
    options = pd.DataFrame(
        {
            "option": ["Recommended", "Recommended", "X", "X"],
            "current_spend_annual": [100.0, 300.0, 100.0, 300.0],
            "year_one_impact": [10.0, 30.0, 20.0, 60.0],
            "multi_year_impact": [30.0, 90.0, 60.0, 180.0],
            "difference_from_recommended": [0.0, 0.0, 10.0, 30.0],
        }
    )
    totals = option_totals(options).set_index("option")
    assert totals.loc["X", "year_one_impact"] == 80.0
    assert totals.loc["X", "uplift"] == pytest.approx(80 / 400)
    assert totals.loc["Recommended", "services"] == 2


def test_monte_carlo_range_prices_the_median_of_the_providers_percentiles(rec):
    summary = pd.DataFrame(
        {
            "scenario": "NLW",
            "service": "home_care",
            "provider": ["A", "B", "C"],
            "required_rate_p10": [24.0, 25.0, 26.0],
            "required_rate_p50": [25.0, 26.0, 27.0],
            "required_rate_p90": [26.0, 27.0, 28.0],
        }
    )
    out = monte_carlo_range({"home_care": rec}, summary).iloc[0]
    assert (out["rate_low"], out["rate_median"], out["rate_high"]) == (25.0, 26.0, 27.0)
    # at £25: A +£5 (100 h), B +£0, C +£1 (100 h); at £27: A +£7, B +£2 (200 h), C +£3
    assert out["year_one_low"] == pytest.approx((500 + 100) * WEEKS)
    assert out["year_one_high"] == pytest.approx((700 + 400 + 300) * WEEKS)
    assert monte_carlo_range({"home_care": rec}, None) is None


def test_plain_method_names(rec):
    assert plain_method_name(rec) == "median of local costs, rolled forward"
    rates, costs = home_care_market()
    other = recommend_service(home_care_config(percentile=0.6), rates, costs)
    assert plain_method_name(other) == "60th percentile of local costs, rolled forward"


def test_comparators_keep_what_councils_pay_latest_per_authority(rec):
    table = options_table({"home_care": rec}, None)
    comparators = pd.DataFrame(
        {
            "authority": ["X", "X", "Y", "Z", "W"],
            "service": "home_care",
            "basis_kind": ["provider_fee", "provider_fee", "council_maximum", "client_charge",
                           "provider_fee"],
            "unit": "GBP per hour",
            "period": ["2024-25", "2025-26", "2025-26", "2025-26", "2025-26"],
            "rate_rolled": [20.0, 23.0, 30.0, 18.0, None],
        }
    )  # fmt: skip
    row = comparator_positions(comparators, table).iloc[0]
    # X's latest (£23) and Y (£30); Z is a charge to residents, W not rolled forward
    assert (row["count"], row["lowest"], row["highest"]) == (2, 23.0, 30.0)
    ours = (24 * 100 + 25 * 200 + 24 * 100) / 400  # the average recommended rate, £24.50
    assert row["our_rate"] == pytest.approx(ours) and row["below_ours"] == 1


def test_risks_name_the_providers_paid_below_cost(rec):
    table = options_table({"home_care": rec}, None)
    lines = risks({"home_care": rec}, table, min_count=5)
    assert lines[0].startswith("Home care: only 3 providers' cost returns stand behind")
    assert any("below the rolled-forward cost of 1 of the 3 providers" in line for line in lines)
    assert any("1 of 3 providers' rates are set by the uplift floor" in line for line in lines)


def test_page_escapes_text_and_loads_nothing(rec):
    from costofcare.report.decision import DecisionSummary

    results = scenario(HOSTILE, 25.0, 27.0, 25.5)
    table = options_table({"home_care": rec}, results)
    page = decision_html(
        DecisionSummary(
            title="the fee decision",
            council=HOSTILE,
            services={"home_care": ("Home care", "median", "6 April 2026", "contact hour")},
            options=table,
            totals=option_totals(table),
            horizon=Horizon(),
            risks=[HOSTILE],
        )
    )
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and "src=" not in page


def test_bar_chart_axis_starts_at_zero():
    svg = bar_chart_svg(["a", "b"], [2.0e6, 2.5e6], "t")
    assert ">£0.0m<" in svg  # the first tick is zero, not the smallest bar


def test_readable_headers_and_file_names():
    assert readable_header("budget_full_year") == "Budget full year"
    assert readable_header("return_id") == "Return ID"
    assert file_name("/home/me/returns/CH01.xlsx") == "CH01.xlsx"
    assert file_name("C:\\Users\\me\\CH01.xlsx") == "CH01.xlsx"
    assert file_name("CH01.xlsx") == "CH01.xlsx"


def _flagged() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "name": "national_living_wage_hourly",
                "value": 13.2,
                "unit": "GBP/hour",
                "effective_from": pd.Timestamp("2027-04-01"),
                "effective_to": None,
                "flags": "",
                "status": "assumption",
                "source_title": "Council's own assumption",
                "source_url": "",
                "note": "",
            }
        ]
    )


def test_first_sheet_and_page_show_the_options_and_the_flagged_figures(rec, tmp_path):
    import openpyxl

    from costofcare.report.decision import DecisionSummary
    from costofcare.report.workbook import write_recommendation_workbook

    results = scenario("Real Living Wage", 25.0, 27.0, 25.5)
    table = options_table({"home_care": rec}, results, Horizon(2, 0.0))
    decision = DecisionSummary(
        title="the fee decision",
        council="Anytown Council",
        services={"home_care": ("Home care", "median", "6 April 2026", "contact hour")},
        options=table,
        totals=option_totals(table),
        horizon=Horizon(2, 0.0),
        non_confirmed=_flagged(),
        risks=risks({"home_care": rec}, table, min_count=5, non_confirmed=_flagged()),
    )
    path = tmp_path / "book.xlsx"
    write_recommendation_workbook(path, {"home_care": rec}, decision=decision)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:3] == ["Decision summary", "Summary", "Home care"]
    sheet = wb["Decision summary"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    rows = {
        r[0].value: r
        for r in sheet.iter_rows()
        if r[1].value == "median of local costs, rolled forward"
    }
    # the recommended year one links to the service sheet; two years is twice it
    year_one = rows["Recommended"][5].value
    assert (
        year_one.startswith("='Home care'!")
        and rows["Recommended"][6].value == f"=$F${rows['Recommended'][5].row}*2.0"
    )
    assert any(
        t.startswith("Assumption: national_living_wage_hourly = 13.2 GBP/hour") for t in texts
    )
    assert any("1 figure(s) the run used are not yet confirmed" in t for t in texts)
    values = openpyxl.load_workbook(path, data_only=True)["Decision summary"]
    linked = values[rows["Recommended"][5].coordinate].value
    assert linked == pytest.approx(4 * 100 * WEEKS)
    page = decision_html(decision)
    assert "<strong>assumption</strong>: national_living_wage_hourly = 13.2 GBP/hour" in page
    assert "Real Living Wage" in page and "Over 2 years" in page


def test_a_care_home_category_takes_its_own_homes_net_of_fnc_from_the_scenarios():
    """A nursing market's scenario costs: only its homes, less the FNC each receives in the
    target period (£267.68 a week × its nursing share), as its rolled-forward cost is."""
    from types import SimpleNamespace

    from costofcare.report.options import market_scenarios

    rec = SimpleNamespace(
        service="care_home",
        config=SimpleNamespace(care_category="nursing"),
        providers=pd.DataFrame(
            {"provider": ["A", "B"], "fnc_target": [-267.68 * 0.5, -267.68 * 1.0]}
        ),
    )
    scenarios = pd.DataFrame(
        {
            "scenario": ["S"] * 4,
            "service": ["care_home", "care_home", "care_home", "home_care"],
            "provider": ["A", "B", "C", "A"],
            "required_rate": [1300.0, 1100.0, 900.0, 30.0],
            "required_rate_p90": [1310.0, 1110.0, 910.0, 31.0],
        }
    )
    mine = market_scenarios(rec, scenarios)
    assert list(mine["provider"]) == ["A", "B"]
    assert mine["required_rate"].tolist() == pytest.approx([1300 - 133.84, 1100 - 267.68])
    assert mine["required_rate_p90"].tolist() == pytest.approx([1310 - 133.84, 1110 - 267.68])
    assert scenarios["required_rate"].tolist() == [1300.0, 1100.0, 900.0, 30.0]  # untouched
    pooled = SimpleNamespace(service="care_home", config=SimpleNamespace(care_category=""))
    assert list(market_scenarios(pooled, scenarios)["provider"]) == ["A", "B", "C"]
