"""Care home rates for enhanced needs (dementia) priced as their own market, worked by hand.

Six residential homes sent returns (cost per resident week: staffing, non-staffing, return);
three say most of their residents have enhanced needs (``enhanced_care``):

* standard S1 £500/£250/£50, S2 £550/£270/£60, S3 £600/£300/£40;
* enhanced E1 £650/£300/£50, E2 £700/£320/£60, E3 £760/£330/£70.

The council buys each at its own rate and says which rates are for enhanced needs. Nobody
gives a staff table, so each cost is rolled forward by the ratio rule: staffing × 1.10,
other costs × 1.05, the return keeping its share of cost:

* S2: 550 × 1.1 + 270 × 1.05 = 605 + 283.5 = 888.5, plus 60 × 888.5 / 820 = 65.0122 → £953.51
* E2: 700 × 1.1 + 320 × 1.05 = 770 + 336 = 1,106, plus 60 × 1,106 / 1,020 = 65.0588 → £1,171.06

The median of three is the middle home, so the standard market's rate is S2's and the
enhanced market's E2's.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from costofcare.money import round_half_up
from costofcare.parameters import load
from costofcare.pipeline.council import match_council, read_council_files
from costofcare.recommend import parse_service, recommend_all
from costofcare.recommend.markets import market_label, service_totals
from costofcare.report.options import options_table
from costofcare.report.summary import summary

WEEKS = 365 / 7  # 6 April 2026 to 5 April 2027
WAGE, PRICE = 0.10, 0.05

HOMES = {  # provider: (enhanced needs, staffing, non-staffing, return)
    "S1": (False, 500, 250, 50),
    "S2": (False, 550, 270, 60),
    "S3": (False, 600, 300, 40),
    "E1": (True, 650, 300, 50),
    "E2": (True, 700, 320, 60),
    "E3": (True, 760, 330, 70),
}
RATES = {  # provider: (current rate per resident week, residents a week, rate for enhanced)
    "S1": (780.0, 10.0, "false"),
    "S2": (860.0, 20.0, "false"),
    "S3": (990.0, 10.0, "false"),
    "E1": (950.0, 6.0, "true"),
    "E2": (1000.0, 4.0, "true"),
    "E3": (1200.0, 2.0, "true"),
}
S2_ROLLED = (550 * 1.1 + 270 * 1.05) * (1 + 60 / (550 + 270))
E2_ROLLED = (700 * 1.1 + 320 * 1.05) * (1 + 60 / (700 + 320))


def rolled(staffing, other, ret):
    """The ratio rule by hand: costs moved, the return scaled with them."""
    after = staffing * (1 + WAGE) + other * (1 + PRICE)
    return after + ret * after / (staffing + other)


def market(enhanced_rates=True):
    lines = []
    for provider, (enhanced, staffing, other, ret) in HOMES.items():
        for line, cat, value in (
            ("Care staff pay", "staffing", staffing),
            ("Utilities", "non_staffing", other),
            ("Return on operations", "return", ret),
        ):
            lines.append(
                (provider, "care_home", line, cat, value, "residential", enhanced, "reported")
            )
    costs = pd.DataFrame(
        lines,
        columns=[
            "provider", "service", "cost_line", "category", "cost_per_unit", "care_category",
            "enhanced_care", "route",
        ],
    )  # fmt: skip
    rates = pd.DataFrame(
        {
            "provider": list(RATES),
            "service": "care_home",
            "current_rate": [r[0] for r in RATES.values()],
            "volume_per_week": [r[1] for r in RATES.values()],
            "care_category": "residential",
            "enhanced_care": [r[2] if enhanced_rates else "false" for r in RATES.values()],
        }
    )
    return rates, costs


def config(**kw):
    base = {
        "method": "percentile",
        "effective_date": "2026-04-06",
        "wage_floor": "none",
        "wage_change": WAGE,
        "price_change": PRICE,
        "uplift_min": 0.0,
    }
    return parse_service("care_home", {**base, **kw})


@pytest.fixture(scope="module")
def recs():
    rates, costs = market()
    return recommend_all({"care_home": config()}, rates, costs, params=load())


def test_enhanced_rates_are_priced_against_the_enhanced_homes(recs):
    assert list(recs) == ["care_home.residential", "care_home.residential.enhanced"]
    standard, enhanced = recs["care_home.residential"], recs["care_home.residential.enhanced"]
    assert S2_ROLLED == pytest.approx(953.512, abs=1e-3)
    assert E2_ROLLED == pytest.approx(1171.059, abs=1e-3)
    assert standard.figures["target_rate"].value == pytest.approx(S2_ROLLED)
    assert enhanced.figures["target_rate"].value == pytest.approx(E2_ROLLED)
    # each market holds its own rates and its own homes' costs
    assert sorted(standard.providers["provider"]) == ["S1", "S2", "S3"]
    assert sorted(enhanced.providers["provider"]) == ["E1", "E2", "E3"]
    assert enhanced.label == "care home (residential, enhanced)"
    assert market_label("care_home.nursing.enhanced") == "care home (nursing, enhanced)"
    assert any("enhanced needs (such as dementia)" in line for line in enhanced.reasoning)
    assert any("the enhanced rates are priced apart" in line for line in standard.reasoning)


def test_budget_impact_of_each_market_and_of_care_homes(recs):
    # standard: S1 £780 and S2 £860 rise to £953.51, S3 £990 is kept (uplift at least 0)
    standard = WEEKS * ((953.51 - 780) * 10 + (953.51 - 860) * 20)
    # enhanced: E1 £950 and E2 £1,000 rise to £1,171.06, E3 £1,200 is kept
    enhanced = WEEKS * ((1171.06 - 950) * 6 + (1171.06 - 1000) * 4)
    assert round_half_up(S2_ROLLED) == 953.51 and round_half_up(E2_ROLLED) == 1171.06
    assert recs["care_home.residential"].budget_impact_annual == pytest.approx(standard)
    assert recs["care_home.residential.enhanced"].budget_impact_annual == pytest.approx(enhanced)
    assert service_totals(recs)["care_home"]["budget_impact_annual"] == pytest.approx(
        standard + enhanced
    )
    data = summary(recs)
    assert data["services"]["care_home.residential.enhanced"]["enhanced_care"] is True
    assert data["services"]["care_home.residential"]["enhanced_care"] is False
    options = options_table(recs)
    assert options.set_index("market").loc[
        "care_home.residential.enhanced", "year_one_impact"
    ] == pytest.approx(enhanced)


def test_without_enhanced_rates_the_category_is_one_market_as_before():
    rates, costs = market(enhanced_rates=False)
    recs = recommend_all({"care_home": config()}, rates, costs, params=load())
    assert list(recs) == ["care_home.residential"]
    six = sorted(rolled(s, o, r) for _, s, o, r in HOMES.values())
    assert recs["care_home.residential"].figures["target_rate"].value == pytest.approx(
        (six[2] + six[3]) / 2
    )


def test_too_few_enhanced_returns_fall_back_to_the_category_market():
    rates, costs = market()
    costs = costs[costs["provider"] != "E3"]  # two enhanced homes' returns left
    recs = recommend_all({"care_home": config(min_providers=3)}, rates, costs, params=load())
    assert list(recs) == ["care_home.residential"]
    rec = recs["care_home.residential"]
    # all six rates against the five homes of the category: the median is the third
    five = sorted(rolled(s, o, r) for p, (_, s, o, r) in HOMES.items() if p != "E3")
    assert rec.figures["target_rate"].value == pytest.approx(five[2])
    assert rec.providers["current_rate"].notna().sum() == 6
    assert any(
        "enhanced-needs rates are priced with it, not apart" in line
        and "only 2 with enhanced needs (at least 3 needed" in line
        for line in rec.reasoning
    )


def test_no_enhanced_returns_fall_back_without_min_providers():
    rates, costs = market()
    costs = costs.assign(enhanced_care=False)
    recs = recommend_all({"care_home": config()}, rates, costs, params=load())
    assert list(recs) == ["care_home.residential"]
    assert any(
        "only 0 with enhanced needs (at least 1 needed" in r
        for r in recs["care_home.residential"].reasoning
    )


def test_only_enhanced_rates_in_a_category_make_one_enhanced_market():
    rates, costs = market()
    rates = rates[rates["enhanced_care"] == "true"]
    recs = recommend_all({"care_home": config()}, rates, costs, params=load())
    assert list(recs) == ["care_home.residential.enhanced"]
    assert recs["care_home.residential.enhanced"].figures["target_rate"].value == pytest.approx(
        E2_ROLLED
    )


# ------------------------------------------------------------ the council's files
def _council(tmp_path, rates_text, volumes_text=None):
    names = ["Oak House", "Elm Lodge", "Ash Court"]
    returns = pd.DataFrame(
        {
            "provider": names,
            "service": "care_home",
            "file": ["oak.xlsx", "elm.xlsx", "ash.xlsx"],
            "status": "clean",
            "registration_number": "",
        }
    )
    returns.loc[len(returns)] = ["Kind Hands", "home_care", "kind.xlsx", "clean", ""]
    values = pd.DataFrame(
        {"provider": names, "service": "care_home", "table": "", "field": "home_type",
         "text": "Residential"}
    )  # fmt: skip
    rates = tmp_path / "current_rates.csv"
    rates.write_text(rates_text)
    volumes = None
    if volumes_text is not None:
        volumes = tmp_path / "volumes.csv"
        volumes.write_text(volumes_text)
    return match_council(read_council_files(rates, volumes), returns, values), rates


def test_the_councils_enhanced_flag_old_spellings_volumes_and_clashes(tmp_path):
    tables, path = _council(
        tmp_path,
        "provider,service,current_rate,enhanced_care\n"
        "Oak House,care_home,800,Yes\nElm Lodge,care_home,900,\nAsh Court,care_home,850,false\n"
        "Kind Hands,home_care,25,true\n",
        "provider,service,volume_per_week,enhanced_care\n"
        "Oak House,care_home,10,\nElm Lodge,care_home,5,true\nAsh Court,care_home,4,true\n"
        "Kind Hands,home_care,100,\n",
    )
    got = tables.rates.set_index("provider")["enhanced_care"].to_dict()
    assert got == {
        "Oak House": "true",  # 'Yes', an old spelling
        "Elm Lodge": "true",  # blank in the rates: the volume's
        "Ash Court": "false",  # the rates file's stands
        "Kind Hands": "false",  # not a care home
    }
    codes = tables.issues.set_index("code")
    old = tables.issues[tables.issues["code"] == "old_spelling"]
    assert "Yes" in set(old["raw_value"])
    differs = tables.issues[tables.issues["code"] == "enhanced_care_differs"]
    assert [(Path(f).name, c) for f, c in zip(differs["file"], differs["cell"], strict=True)] == [
        ("volumes.csv", "4")
    ]
    assert "it is priced as false" in differs["message"].iloc[0]
    ignored = codes.loc[["enhanced_care_ignored"]]
    assert ignored["cell"].tolist() == ["5"]
    assert ignored["file"].tolist() == [str(path)]


def test_a_value_that_is_not_true_or_false_is_an_error(tmp_path):
    from costofcare.errors import ConfigError

    rates = tmp_path / "current_rates.csv"
    rates.write_text("provider,service,current_rate,enhanced_care\nOak House,care_home,800,maybe\n")
    with pytest.raises(ConfigError, match="enhanced_care 'maybe' is not allowed"):
        read_council_files(rates, None)


# ------------------------------------------------------------ the workbook
def test_summary_and_service_sheet_show_the_enhanced_market(recs, tmp_path):
    import openpyxl

    from costofcare.report.workbook import write_recommendation_workbook

    path = tmp_path / "rec.xlsx"
    write_recommendation_workbook(path, recs)
    book = openpyxl.load_workbook(path, data_only=True)
    assert "Care homes (resid., enhanced)" in book.sheetnames
    sheet = book["Care homes (resid., enhanced)"]
    assert (
        sheet.cell(1, 1).value == "Care homes (residential, enhanced): recommended rate per "
        "resident week"
    )
    rows = list(book["Summary"].iter_rows(values_only=True))
    by_label = {row[0]: row for row in rows if row[0]}
    enhanced = WEEKS * ((1171.06 - 950) * 6 + (1171.06 - 1000) * 4)
    assert by_label["Care homes (residential, enhanced)"][10] == pytest.approx(enhanced)
    assert "Care homes (residential)" in by_label


def test_an_enhanced_homes_outcome_workbook_compares_it_with_the_enhanced_market(recs, tmp_path):
    import openpyxl

    from costofcare.report.provider import write_provider_workbook

    _, costs = market()
    stats = pd.DataFrame(
        [  # market statistics as the benchmark step writes them: pooled, then per market
            ("care_home", "total", "Total", "all", 6, 900.0, 1000.0, 1100.0),
            ("care_home", "total", "Total", "residential", 3, 800.0, 880.0, 940.0),
            ("care_home", "total", "Total", "residential_enhanced", 3, 1000.0, 1080.0, 1160.0),
        ],
        columns=["service", "level", "cost_line", "care_category", "count", "lower_quartile",
                 "median", "upper_quartile"],
    )  # fmt: skip
    path = tmp_path / "e1.xlsx"
    write_provider_workbook(path, "E1", recs, costs, stats, min_count=3)
    book = openpyxl.load_workbook(path, data_only=True)
    assert book.sheetnames == ["Outcome", "Care homes (resid., enhanced)"]
    rows = {r[0]: r for r in book["Care homes (resid., enhanced)"].iter_rows(values_only=True)}
    assert rows["Total"][2] == 650 + 300 + 50  # E1's own cost as returned
    assert rows["Total"][5] == 1080.0  # the enhanced market's median, not the pooled 1,000
    outcome = [r[0] for r in book["Outcome"].iter_rows(values_only=True) if r[0]]
    assert "Care homes (residential, enhanced)" in outcome
    assert "Care homes (residential)" not in outcome  # E1 is not in the standard market
