"""Market shape worked by hand, and from the council reports where they give figures.

North Ayrshire IJB, 16 November 2023 (spend 2022-23; beds and hours commissioned; closures),
East Lothian IJB, 29 October 2015 (framework expiry against a 24-month lead time), Rotherham
Health Select Commission, 25 January 2024 (home care activity; DPS tiers and zones),
Aberdeen IJB, 11 February 2020 (flat cash, Scottish living wage in year one, investment fund
from year two).
"""

from __future__ import annotations

import pandas as pd
import pytest

from costofcare.errors import ConfigError
from costofcare.market import (
    ContractPolicy,
    activity_change,
    capacity_gap,
    commissioned_capacity,
    concentration,
    contract_calendar,
    contract_value,
    cost_unmet_need,
    funding_gap,
    herfindahl_index,
    months_between,
    movement_by_year,
    nchc_rates,
    occupancy_from_values,
    project_demand,
    simple_profile,
    spend_by,
    spend_snapshot,
    tier_membership,
)
from costofcare.money import WEEKS_PER_YEAR
from costofcare.parameters import load
from costofcare.tables import validate

P = load()


# ------------------------------------------------------------------ North Ayrshire spend
def _north_ayrshire_spend() -> pd.DataFrame:
    """A spend table built from the report's figures: £62.8m with 248 providers; 43% on
    adult services (mental health, learning disability, physical disabilities); 40% under
    SDS option 2; 95% under contract. The rest of each split is not in the report and is
    put on the other lines so each headline holds."""
    total = 62_800_000.0
    rows = []
    # 248 providers; provider 0 is the largest (adult services, option 2, contract)
    adult, option2, contracted = 0.43 * total, 0.40 * total, 0.95 * total
    rows.append(("P000", "Adult services", "2", "under_contract", option2))
    rows.append(("P001", "Adult services", "3", "under_contract", adult - option2))
    rows.append(("P002", "Health and community care", "3", "no_contract", total - contracted))
    rest = total - adult - (total - contracted)  # contracted, not adult, option 3
    for k in range(3, 248):
        rows.append((f"P{k:03d}", "Health and community care", "3", "under_contract", rest / 245))
    frame = pd.DataFrame(
        rows, columns=["provider", "client_group", "sds_option", "contract_status", "amount"]
    )
    frame["service_type"] = "Care and support"
    return frame


def test_north_ayrshire_headline_shares_are_reproduced():
    clean, issues = validate("spend", _north_ayrshire_spend(), file="spend.csv")
    assert issues.empty
    snap = spend_snapshot(clean)
    assert snap["spend"] == pytest.approx(62_800_000.0)
    assert snap["providers"] == 248
    assert snap["sds_option_2_share"] == pytest.approx(0.40)
    assert snap["under_contract_share"] == pytest.approx(0.95)
    groups = spend_by(clean, "client_group").set_index("value")
    assert groups.loc["Adult services", "share"] == pytest.approx(0.43)
    assert groups.loc["Adult services", "amount"] == pytest.approx(0.43 * 62_800_000)
    assert groups.loc["Adult services", "providers"] == 2


def test_spend_reads_option_and_contract_spellings_with_a_warning():
    frame = pd.DataFrame(
        {
            "provider": ["A", "B"],
            "service_type": ["Care at home"] * 2,
            "sds_option": ["Option 2", "5"],
            "contract_status": ["contract", ""],
            "amount": ["£1,000", "200"],
        }  # fmt: skip
    )
    clean, issues = validate("spend", frame, file="spend.csv")
    assert clean["sds_option"].tolist() == ["2"]
    assert clean["contract_status"].tolist() == ["under_contract"]
    assert clean["amount"].tolist() == [1000.0]
    bad = issues[issues["severity"] == "error"]
    assert bad["cell"].tolist() == ["3"] and bad["field"].tolist() == ["sds_option"]


def test_concentration_top_share_and_herfindahl_by_hand():
    frame = pd.DataFrame(
        {
            "provider": ["A", "A", "B", "C", "D"],
            "service_type": ["X", "X", "X", "Y", "Y"],
            "amount": [30.0, 20.0, 30.0, 15.0, 5.0],
        }  # fmt: skip
    )
    table = concentration(frame, top=(1, 2)).set_index("scope")
    # all: A 50, B 30, C 15, D 5 of 100
    assert table.loc["All services", "top_1_share"] == pytest.approx(0.50)
    assert table.loc["All services", "top_2_share"] == pytest.approx(0.80)
    assert table.loc["All services", "herfindahl_index"] == pytest.approx(
        50**2 + 30**2 + 15**2 + 5**2
    )
    # Y: C 15, D 5 of 20 -> 75% and 25%
    assert table.loc["Y", "herfindahl_index"] == pytest.approx(75**2 + 25**2)
    assert herfindahl_index([1.0] * 4) == pytest.approx(10_000 / 4)


# -------------------------------------------------------------------- capacity and demand
def _register(rows) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows,
        columns=[
            "registration_number",
            "provider",
            "service_type",
            "locality",
            "capacity",
            "capacity_unit",
        ],  # fmt: skip
    )
    clean, issues = validate("register", frame)
    assert issues.empty, issues["message"].tolist()
    return clean


def test_north_ayrshire_beds_and_hours_commissioned_add_up():
    register = _register(
        [
            ("CS1", "Home A", "Care home for older people", "", 330, "beds"),
            ("CS2", "Home B", "Care home for older people (nursing)", "", 469, "beds"),
            ("CS3", "Agency C", "Care at home", "North Coast", 1_200, "hours_per_week"),
            ("CS4", "Agency D", "Care at home", "Irvine", 978, "hours_per_week"),
            ("CS5", "Agency D", "Care at home", "Irvine", 176, "people"),
        ]
    )
    capacity = commissioned_capacity(register)
    hours = capacity[(capacity["service_type"] == "Care at home")
                     & (capacity["unit"] == "hours_per_week")]  # fmt: skip
    assert hours["capacity"].sum() == 2_178  # "2,178 hours of Care at Home per week"
    beds = capacity[capacity["unit"] == "beds"]["capacity"].sum()
    assert beds == 330 + 469  # older people: residential and nursing beds
    # the report's 2,178 hours for 176 adults: 12.375 hours a week each
    assert 2_178 / 176 == pytest.approx(12.375)


def test_demand_against_capacity_shortfall_unmet_and_cost():
    register = _register(
        [
            ("R1", "A", "Care at home", "East", 1_000, "hours_per_week"),
            ("R2", "B", "Care at home", "West", 500, "hours_per_week"),
        ]
    )
    demand = pd.DataFrame(
        {
            "service_type": ["Care at home"] * 3,
            "locality": ["East", "West", ""],
            "year": [2026, 2026, 2026],
            "unit": ["hours_per_week"] * 3,
            "demand": [1_100, 450, 1_700],
            "waiting": [None, None, 230],
        }  # fmt: skip
    )
    demand, issues = validate("demand", demand)
    assert issues.empty
    gap = capacity_gap(commissioned_capacity(register), project_demand(demand, None, None))
    by = gap.set_index("locality")
    assert by.loc["East", "shortfall"] == 100 and by.loc["East", "unmet"] == 100
    assert by.loc["West", "shortfall"] == 0 and by.loc["West", "surplus"] == 50
    # the whole council: 1,700 needed against 1,000 + 500; 230 hours counted as waiting
    assert by.loc["", "capacity"] == 1_500 and by.loc["", "shortfall"] == 200
    assert by.loc["", "unmet"] == 230
    rates = pd.DataFrame(
        {
            "option": ["current", "proposed"],
            "service_type": ["Care at home"] * 2,
            "unit": ["hours_per_week"] * 2,
            "rate": [22.00, 24.50],
        }  # fmt: skip
    )
    cost = cost_unmet_need(gap, rates)
    whole = cost[cost["locality"] == ""].set_index("option")["cost_annual"]
    assert whole["current"] == pytest.approx(230 * 22.00 * 365 / 7)
    assert whole["proposed"] == pytest.approx(230 * 24.50 * 365 / 7)


def test_rotherham_home_care_activity_before_and_after():
    # before the DPS (2019): Place 2,000 hours a week for 350 people; the Council's 12
    # providers 16,000 hours for 1,300 people. January 2024: 1,364 people, 18,703 hours.
    change = activity_change(
        {"people": 350 + 1_300, "hours_per_week": 2_000 + 16_000},
        {"people": 1_364, "hours_per_week": 18_703},
        years=5,
    )
    assert change["hours_change"] == 703
    assert change["people_change"] == 1_364 - 1_650
    assert change["hours_change_share"] == pytest.approx(703 / 18_000)
    assert change["hours_per_person_before"] == pytest.approx(18_000 / 1_650)  # 10.91
    assert change["hours_per_person_after"] == pytest.approx(18_703 / 1_364)  # 13.71
    growth = change["hours_growth_per_year"]
    assert growth == pytest.approx((18_703 / 18_000) ** (1 / 5) - 1)  # about 0.77% a year
    # carried forward two years from 2023-24 at that growth
    demand = pd.DataFrame(
        {
            "service_type": ["Home care"],
            "locality": [""],
            "year": [2023],
            "unit": ["hours_per_week"],
            "demand": [18_703.0],
            "waiting": [float("nan")],
        }  # fmt: skip
    )
    projected = project_demand(demand, growth, 2025)
    assert projected["year"].tolist() == [2023, 2024, 2025]
    assert projected["demand"].iloc[-1] == pytest.approx(18_703 * (18_703 / 18_000) ** (2 / 5))
    assert projected["projected"].tolist() == [False, True, True]


def test_occupancy_from_the_returns_is_bed_weighted():
    values = pd.DataFrame(
        {
            "return_id": ["a", "a", "b", "b", "c"],
            "provider": ["A", "A", "B", "B", "C"],
            "field": ["registered_beds", "average_occupancy"] * 2 + ["registered_beds"],
            "value": [40.0, 0.90, 60.0, 0.80, 30.0],
        }  # fmt: skip
    )
    occ = occupancy_from_values(values)
    assert occ["provider"].tolist() == ["A", "B"]  # C gave no occupancy
    assert occ["usable"].all()
    assert occ["occupied_beds"].sum() / occ["registered_beds"].sum() == pytest.approx(
        (40 * 0.90 + 60 * 0.80) / 100
    )
    typed_104 = values.assign(value=[40.0, 1.04, 60.0, 0.80, 30.0])  # 104%: ingest's issue
    assert occupancy_from_values(typed_104)["usable"].tolist() == [False, True]


# ----------------------------------------------------------------------- market movement
def test_north_ayrshire_closures_by_year():
    events = pd.DataFrame(
        {
            "date": ["2021-09-30", "2022-06-30", "2022-01-15", "2023-02-28", "2022-10-01"],
            "event": ["closure", "closure", "closure", "closure", "hand-back"],
            "provider": ["Home 1", "Home 2", "Agency 1", "Agency 2", "Agency 3"],
            "service_type": [
                "Care home",
                "Care home",
                "Care at home",
                "Care at home",
                "Care at home",
            ],
            "capacity": [40, 32, 300, 250, 120],
            "capacity_unit": ["beds", "beds", "hours_per_week", "hours_per_week", "hours_per_week"],
            "planned": ["planned", "unplanned", "", "", ""],
        }  # fmt: skip
    )
    clean, issues = validate("market_events", events)
    assert list(issues["code"]) == ["old_spelling"]  # hand-back read as hand_back
    moved = movement_by_year(clean).set_index(["year", "event", "capacity_unit"])
    assert moved.loc[(2021, "closure", "beds"), "events"] == 1
    assert moved.loc[(2022, "closure", "beds"), "capacity_change"] == -32
    assert moved.loc[(2022, "closure", "beds"), "unplanned"] == 1
    assert moved.loc[(2021, "closure", "hours_per_week"), "capacity"] == 300  # Jan 2022
    assert moved.loc[(2022, "closure", "hours_per_week"), "capacity"] == 250
    assert moved.loc[(2022, "hand_back", "hours_per_week"), "capacity_change"] == -120
    # two older people care homes and two care at home services closed in the period
    closures = moved.xs("closure", level="event")["events"]
    assert closures.sum() == 4


def test_rotherham_dps_tiers_and_zones():
    rows = []
    for zone in ("North", "South", "Central"):
        for k in range(3):
            rows.append(("2020-04-01", "entry", f"T1 {zone} {k}", "Tier 1", zone))
    rows.append(("2020-04-01", "entry", "T2 0", "Tier 2", ""))
    for k in range(3):
        rows.append(("2020-04-01", "entry", f"S {k}", "Specialist", ""))
    for k in range(1, 8):  # Tier 2 grew from 1 to 8
        rows.append((f"202{1 + k % 3}-06-01", "entry", f"T2 {k}", "Tier 2", ""))
    rows.append(("2022-01-10", "entry", "S 3", "Specialist", ""))  # 3 to 4
    rows.append(("2021-01-01", "entry", "Gone", "Tier 2", ""))
    rows.append(("2021-06-01", "exit", "Gone", "Tier 2", ""))
    events = pd.DataFrame(rows, columns=["date", "event", "provider", "tier", "zone"])
    events, issues = validate("market_events", events)
    assert issues.empty
    start = tier_membership(events, "2020-04-30").groupby("tier")["providers"].sum()
    assert start.to_dict() == {"Specialist": 3, "Tier 1": 9, "Tier 2": 1}  # 13 providers
    now = tier_membership(events, "2024-01-25")
    assert now.groupby("tier")["providers"].sum().to_dict() == {
        "Specialist": 4,
        "Tier 1": 9,
        "Tier 2": 8,
    }
    zones = now[now["tier"] == "Tier 1"].set_index("zone")["providers"].to_dict()
    assert zones == {"Central": 3, "North": 3, "South": 3}


# ----------------------------------------------------------------------- contract calendar
def _east_lothian() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "contract_id": ["SPEC", "HTLAH"],
            "name": ["Specialist care at home framework", "Help to Live at Home framework"],
            "contract_type": ["framework"] * 2,
            "start": ["", "2014-04-01"],
            "end": ["2016-03-31", "2017-03-31"],
            "extension_months": ["", "24"],
        }  # fmt: skip
    )
    clean, issues = validate("contracts", frame, file="contracts.csv")
    assert issues.empty
    return clean


def test_east_lothian_framework_with_5_months_left_is_flagged():
    calendar = contract_calendar(_east_lothian(), "2015-10-29", 24).set_index("contract_id")
    spec = calendar.loc["SPEC"]
    assert spec["months_left"] == 5 and spec["flagged"]
    assert spec["status"] == "inside_lead_time"
    assert spec["start_by"] == pd.Timestamp("2014-03-31")  # 24 months before the end
    assert spec["months_late"] == 18  # 31 March 2014 to 29 October 2015
    # the wider framework: 17 months left, but the 2-year extension gives 41 (> 24)
    htlah = calendar.loc["HTLAH"]
    assert htlah["months_left"] == 17 and htlah["flagged"]
    assert htlah["months_left_extended"] == 41 and htlah["status"] == "extension_covers"
    # with a 12-month lead time only the specialist framework is inside it
    short = contract_calendar(_east_lothian(), "2015-10-29", 12).set_index("contract_id")
    assert short["flagged"].to_dict() == {"SPEC": True, "HTLAH": False}


def test_months_between_counts_whole_months():
    assert months_between(pd.Timestamp("2015-10-31"), pd.Timestamp("2015-11-30")) == 0
    assert months_between(pd.Timestamp("2015-10-31"), pd.Timestamp("2015-12-31")) == 2
    assert months_between(pd.Timestamp("2016-03-31"), pd.Timestamp("2015-10-29")) == -5


# ------------------------------------------------------------------------ contract value
def test_one_million_flat_cash_in_real_terms_with_cpi_at_3_percent():
    policy = ContractPolicy("Block", 1_000_000.0, pd.Timestamp("2026-04-01"), 3)
    value = contract_value(policy, deflator={"rate": 0.03})
    assert value["cash_value"].tolist() == [1_000_000.0] * 3
    real = value["real_value"]
    assert round(real[0] / 1e6, 3) == 1.000
    assert round(real[1] / 1e6, 3) == 0.971  # 1,000,000 / 1.03
    assert round(real[2] / 1e6, 3) == 0.943  # 1,000,000 / 1.03²
    assert real[2] == pytest.approx(1_000_000 / 1.03**2)


def test_aberdeen_flat_cash_pay_floor_in_year_one_then_investment_fund():
    # Block funding of £2m a year from April 2020, 80% of it pay. Year 1: the Scottish pay
    # floor's rise (£9.00 from May 2019 to £9.30 from April 2020) on the staffing share;
    # then flat cash, with an investment fund of 2% of the base value from year 2.
    policy = ContractPolicy(
        "Locality block",
        2_000_000.0,
        pd.Timestamp("2020-04-01"),
        3,
        rules=(
            {
                "method": "wage_floor",
                "floor": "scottish_pay_floor",
                "staffing_share": 0.8,
                "from_year": 1,
                "to_year": 1,
            },
            {"method": "flat_cash", "from_year": 2},
            {"method": "investment_fund", "share": 0.02, "from_year": 2},
        ),  # fmt: skip
    )
    value = contract_value(policy, P)
    year1 = 2_000_000 * (1 + 0.8 * (9.30 / 9.00 - 1))  # 2,053,333.33
    assert value["cash_value"][0] == pytest.approx(year1)
    assert value["cash_value"][1] == pytest.approx(year1 + 0.02 * 2_000_000)
    assert value["fund"].tolist() == [0.0, 40_000.0, 40_000.0]
    assert value["core_value"][2] == pytest.approx(year1)  # flat cash: the core stays


def test_fixed_uplift_compounds_and_cpi_deflator_comes_from_the_parameters():
    policy = ContractPolicy(
        "Fixed",
        100_000.0,
        pd.Timestamp("2023-04-01"),
        2,
        rules=({"method": "fixed", "rate": 0.05},),
    )
    value = contract_value(policy, P, deflator={"index": "CPI"})
    assert value["cash_value"].tolist() == pytest.approx([105_000.0, 110_250.0])
    months_23 = [f"2023-{m:02d}" for m in range(4, 13)] + [f"2024-{m:02d}" for m in (1, 2, 3)]
    months_24 = [f"2024-{m:02d}" for m in range(4, 13)] + [f"2025-{m:02d}" for m in (1, 2, 3)]
    level = lambda ms: sum(P.index_level("CPI", m) for m in ms) / 12  # noqa: E731
    assert value["deflator"][1] == pytest.approx(level(months_24) / level(months_23))
    assert value["real_value"][1] == pytest.approx(110_250 / value["deflator"][1])


def test_a_bad_policy_is_one_clear_line():
    with pytest.raises(ConfigError, match=r"floor 'english_floor' is not one of"):
        ContractPolicy("X", 1.0, pd.Timestamp("2026-04-01"), 2,
                       rules=({"method": "wage_floor", "floor": "english_floor",
                               "staffing_share": 0.7},))  # fmt: skip
    with pytest.raises(ConfigError, match="method 'magic' is not one of"):
        ContractPolicy("X", 1.0, pd.Timestamp("2026-04-01"), 2, rules=({"method": "magic"},))


# ------------------------------------------------------------------------------ funding
def test_simple_profile_against_funding_lines():
    profile = simple_profile(
        {"current": {"home_care": 20.0, "care_home": 800.0},
         "proposed": {"home_care": 22.0, "care_home": 850.0}},
        {"home_care": 1_000.0, "care_home": 100.0},
        first_year=2026, years=2, volume_growth_per_year=0.02,
    )  # fmt: skip
    clean, issues = validate("budget_profile", profile)
    assert issues.empty
    row = profile.set_index(["option", "service", "year"])["spend"]
    assert row[("proposed", "home_care", 2027)] == pytest.approx(22 * 1_000 * 1.02 * 365 / 7)
    funding = pd.DataFrame(
        {
            "year": [2026, 2026, 2027],
            "service": ["home_care", "", ""],
            "line": ["Home care budget", "Care budget", "Care budget"],
            "amount": [1_100_000.0, 4_500_000.0, 5_700_000.0],
        }  # fmt: skip
    )
    funding, issues = validate("funding_lines", funding)
    assert issues.empty
    gap = funding_gap(clean, funding).set_index(["option", "year", "service"])
    home = 22 * 1_000 * WEEKS_PER_YEAR  # 1,147,142.86 against 1,100,000
    assert gap.loc[("proposed", 2026, "home_care"), "gap"] == pytest.approx(1_100_000 - home)
    assert not gap.loc[("proposed", 2026, "home_care"), "covered"]
    # 2027: no line names home care, so the care budget meets both services
    both = (22 * 1_000 + 850 * 100) * 1.02 * WEEKS_PER_YEAR
    assert gap.loc[("proposed", 2027, ""), "spend"] == pytest.approx(both)
    assert gap.loc[("proposed", 2027, ""), "funding"] == 5_700_000.0


# ------------------------------------------------------------------------------ Scotland
def test_nchc_rates_are_dated_with_sources_and_gaps_stay_gaps():
    rates = nchc_rates(P)
    on_2022 = rates[rates["effective_from"] == pd.Timestamp("2022-04-11").date()]
    assert on_2022.set_index("care_category")["rate_per_resident_week"].to_dict() == {
        "nursing": 832.10,
        "residential": 719.50,
    }
    assert (rates["source_url"].str.startswith("http")).all()
    assert P.value("nchc_nursing_weekly", "2024-06-01") == 948.59
    assert not P.has("nchc_residential_weekly", "2023-06-01")  # 2023-24 not in the data
