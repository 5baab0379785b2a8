"""Care homes priced as three markets: residential, nursing and dual, worked by hand.

Eight homes sent returns (cost per resident week: staffing, non-staffing, return):

* residential R1 £500/£250/£50, R2 £550/£270/£60, R3 £600/£300/£40;
* nursing N1 £800/£300/£60, N2 £850/£280/£70, N3 £760/£320/£40 (every resident nursing);
* dual D1 £700/£290/£50 (half its residents nursing), D2 £720/£260/£60 (a quarter).

Their returns describe 2024-25, when NHS-funded nursing care (FNC) was £235.88 a week (DHSC,
from 1 April 2024); the new rates apply from 6 April 2026, when it is £267.68 (DHSC, from
1 April 2026). Nobody gives a staff table, so each cost is rolled forward by the ratio rule:
staffing × 1.10, other costs × 1.05, the return keeping its share of cost. A nursing or dual
home's cost is then compared net of FNC: rolled cost − £267.68 × its nursing share.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from costofcare.money import round_half_up
from costofcare.parameters import load
from costofcare.pipeline.council import match_council, read_council_files
from costofcare.recommend import parse_service, recommend_all
from costofcare.recommend.markets import service_totals
from costofcare.report.summary import summary

WEEKS = 365 / 7  # 6 April 2026 to 5 April 2027
FNC_2024 = 235.88  # DHSC standard weekly rate from 1 April 2024
FNC_2026 = 267.68  # DHSC standard weekly rate from 1 April 2026
WAGE, PRICE = 0.10, 0.05

HOMES = {  # provider: (category, staffing, non-staffing, return, nursing share)
    "R1": ("residential", 500, 250, 50, 0.0),
    "R2": ("residential", 550, 270, 60, 0.0),
    "R3": ("residential", 600, 300, 40, 0.0),
    "N1": ("nursing", 800, 300, 60, 1.0),
    "N2": ("nursing", 850, 280, 70, 1.0),
    "N3": ("nursing", 760, 320, 40, 1.0),
    "D1": ("dual", 700, 290, 50, 0.5),
    "D2": ("dual", 720, 260, 60, 0.25),
}
RATES = {  # provider: (current rate per resident week, residents a week the council buys)
    "R1": (780.0, 10.0),
    "R2": (860.0, 20.0),
    "R3": (900.0, 10.0),
    "N1": (850.0, 5.0),
    "N2": (900.0, 5.0),
    "N3": (950.0, 10.0),
    "D1": (800.0, 8.0),
    "D2": (820.0, 4.0),
}


def rolled(staffing, other, ret):
    """The ratio rule by hand: costs moved, the return scaled with them."""
    after = staffing * (1 + WAGE) + other * (1 + PRICE)
    return after + ret * after / (staffing + other)


def market():
    lines, fnc = [], []
    for provider, (category, staffing, other, ret, share) in HOMES.items():
        for line, cat, value in (
            ("Care staff pay", "staffing", staffing),
            ("Utilities", "non_staffing", other),
            ("Return on operations", "return", ret),
        ):
            lines.append((provider, "care_home", line, cat, value, category, "reported"))
        fnc.append(
            {
                "provider": provider,
                "service": "care_home",
                "route": "reported",
                "care_category": category,
                "fnc_per_week": FNC_2024,
                "nursing_share": share,
                "fnc_per_unit": FNC_2024 * share,
            }
        )
    costs = pd.DataFrame(
        lines,
        columns=[
            "provider", "service", "cost_line", "category", "cost_per_unit", "care_category",
            "route",
        ],
    )  # fmt: skip
    rates = pd.DataFrame(
        {
            "provider": list(RATES),
            "service": "care_home",
            "current_rate": [r for r, _ in RATES.values()],
            "volume_per_week": [v for _, v in RATES.values()],
            "care_category": [HOMES[p][0] for p in RATES],
        }
    )
    return rates, costs, pd.DataFrame(fnc)


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
    rates, costs, fnc = market()
    return recommend_all({"care_home": config()}, rates, costs, params=load(), nursing_care=fnc)


def median(values):
    values = sorted(values)
    n = len(values)
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


def expected_target(category):
    return median(
        rolled(s, o, r) - FNC_2026 * share
        for cat, s, o, r, share in HOMES.values()
        if cat == category
    )


def expected_impact(category, target):
    return WEEKS * sum(
        (round_half_up(max(rate, target)) - rate) * volume
        for provider, (rate, volume) in RATES.items()
        if HOMES[provider][0] == category
    )


def test_each_care_category_is_its_own_market(recs):
    assert list(recs) == ["care_home.residential", "care_home.nursing", "care_home.dual"]
    # residential: the middle of R1, R2, R3 rolled forward (no FNC to take off)
    r2 = 550 * 1.1 + 270 * 1.05
    r2 += 60 * r2 / (550 + 270)
    assert recs["care_home.residential"].figures["target_rate"].value == pytest.approx(r2)
    # nursing: the middle of N1, N2, N3 rolled forward, each less £267.68 (all nursing)
    n1 = 800 * 1.1 + 300 * 1.05
    n1 += 60 * n1 / (800 + 300)
    n2 = 850 * 1.1 + 280 * 1.05
    n2 += 70 * n2 / (850 + 280)
    n3 = 760 * 1.1 + 320 * 1.05
    n3 += 40 * n3 / (760 + 320)
    nursing = sorted([n1 - FNC_2026, n2 - FNC_2026, n3 - FNC_2026])[1]
    assert recs["care_home.nursing"].figures["target_rate"].value == pytest.approx(nursing)
    # dual: two homes, so the median is their mean; FNC × nursing share 0.5 and 0.25
    d1 = 700 * 1.1 + 290 * 1.05
    d1 += 50 * d1 / (700 + 290)
    d2 = 720 * 1.1 + 260 * 1.05
    d2 += 60 * d2 / (720 + 260)
    dual = ((d1 - FNC_2026 * 0.5) + (d2 - FNC_2026 * 0.25)) / 2
    assert recs["care_home.dual"].figures["target_rate"].value == pytest.approx(dual)
    for category in ("residential", "nursing", "dual"):
        rec = recs[f"care_home.{category}"]
        assert rec.figures["target_rate"].value == pytest.approx(expected_target(category))


def test_budget_impact_per_category_and_for_care_homes(recs):
    impacts = {}
    for category in ("residential", "nursing", "dual"):
        rec = recs[f"care_home.{category}"]
        target = rec.figures["target_rate"].value
        impacts[category] = expected_impact(category, target)
        assert rec.budget_impact_annual == pytest.approx(impacts[category])
        proposed = rec.providers.set_index("provider")["proposed_rate"].dropna()
        assert sorted(proposed.index) == sorted(p for p in RATES if HOMES[p][0] == category)
    totals = service_totals(recs)["care_home"]
    assert totals["budget_impact_annual"] == pytest.approx(sum(impacts.values()))
    data = summary(recs)
    assert data["service_totals"]["care_home"]["budget_impact_annual"] == pytest.approx(
        sum(impacts.values()), abs=0.01
    )
    assert data["services"]["care_home.nursing"]["fnc_per_week"]["value"] == FNC_2026


def test_nursing_base_cost_is_net_of_the_fnc_of_its_period(recs):
    nursing = recs["care_home.nursing"].providers.set_index("provider")
    # N1: 800 + 300 + 60 = 1,160 returned, less £235.88 (2024-25) for its nursing residents
    assert nursing.loc["N1", "fnc"] == pytest.approx(-FNC_2024)
    assert nursing.loc["N1", "total"] == pytest.approx(800 + 300 + 60 - FNC_2024)
    lines = recs["care_home.nursing"].roll_forward.lines
    fnc = lines[(lines["provider"] == "N1") & (lines["category"] == "fnc")].iloc[0]
    assert (fnc["base"], fnc["target"]) == (pytest.approx(-FNC_2024), pytest.approx(-FNC_2026))
    assert recs["care_home.nursing"].fnc_per_week.value == FNC_2026
    assert recs["care_home.residential"].fnc_per_week is None


def test_weighted_index_takes_each_category_its_own_staffing_share():
    rates, costs, fnc = market()
    cfg = config(method="weighted_index")
    recs = recommend_all({"care_home": cfg}, rates, costs, params=load(), nursing_care=fnc)
    # nursing: staffing net of FNC over cost before the return net of FNC, weighted by volume
    volume = {"N1": 5, "N2": 5, "N3": 10}
    staff = sum((HOMES[p][1] - FNC_2024) * v for p, v in volume.items())
    before = sum((HOMES[p][1] + HOMES[p][2] - FNC_2024) * v for p, v in volume.items())
    share = staff / before
    rec = recs["care_home.nursing"]
    assert rec.figures["staffing_share"].value == pytest.approx(share)
    assert rec.figures["index_uplift"].value == pytest.approx(share * WAGE + (1 - share) * PRICE)
    volume = {"R1": 10, "R2": 20, "R3": 10}
    share = sum(HOMES[p][1] * v for p, v in volume.items()) / sum(
        (HOMES[p][1] + HOMES[p][2]) * v for p, v in volume.items()
    )
    assert recs["care_home.residential"].figures["staffing_share"].value == pytest.approx(share)


def test_a_rate_without_a_category_is_priced_in_the_pooled_market():
    rates, costs, fnc = market()
    rates.loc[rates["provider"] == "R3", "care_category"] = ""
    recs = recommend_all({"care_home": config()}, rates, costs, params=load(), nursing_care=fnc)
    pooled = recs["care_home.all"]
    assert pooled.providers["current_rate"].notna().sum() == 1
    every = [rolled(s, o, r) for _, s, o, r, _ in HOMES.values()]
    assert pooled.figures["target_rate"].value == pytest.approx(median(every))


def test_nursing_market_without_the_fnc_table_is_refused():
    from costofcare.recommend import RecommendationInputError

    rates, costs, _ = market()
    with pytest.raises(RecommendationInputError, match="exclude NHS-funded nursing care"):
        recommend_all({"care_home": config()}, rates, costs, params=load())


def test_a_budget_fit_is_not_split():
    rates, costs, fnc = market()
    cfg = parse_service(
        "care_home",
        {
            "method": "budget_uniform",
            "effective_date": "2026-04-06",
            "wage_floor": "none",
            "budget_increase_annual": 10000.0,
        },
    )
    recs = recommend_all({"care_home": cfg}, rates, costs, params=load(), nursing_care=fnc)
    assert list(recs) == ["care_home"]


# ------------------------------------------------------------ the council's files
def _council(tmp_path, rates_text, volumes_text=None):
    returns = pd.DataFrame(
        {
            "provider": ["Oak House", "Elm Lodge", "Ash Court"],
            "service": "care_home",
            "file": ["oak.xlsx", "elm.xlsx", "ash.xlsx"],
            "status": "clean",
            "registration_number": "",
        }
    )
    values = pd.DataFrame(
        {
            "provider": ["Oak House", "Elm Lodge", "Ash Court"],
            "service": "care_home",
            "table": "",
            "field": "home_type",
            "text": ["Residential", "Nursing", "Residential and nursing"],
        }
    )
    rates = tmp_path / "current_rates.csv"
    rates.write_text(rates_text)
    volumes = None
    if volumes_text is not None:
        volumes = tmp_path / "volumes.csv"
        volumes.write_text(volumes_text)
    return match_council(read_council_files(rates, volumes), returns, values), rates


def test_a_rate_without_a_category_takes_its_returns(tmp_path):
    tables, _ = _council(
        tmp_path,
        "provider,service,current_rate,volume_per_week\n"
        "Oak House,care_home,800,10\nElm Lodge,care_home,900,5\nAsh Court,care_home,850,4\n",
    )
    got = tables.rates.set_index("provider")["care_category"].to_dict()
    assert got == {"Oak House": "residential", "Elm Lodge": "nursing", "Ash Court": "dual"}
    assert not tables.issues["code"].str.startswith("care_category").any()


def test_a_category_differing_from_the_return_is_reported_and_the_files_stands(tmp_path):
    tables, path = _council(
        tmp_path,
        "provider,service,current_rate,volume_per_week,care_category\n"
        "Oak House,care_home,800,10,Nursing home\nElm Lodge,care_home,900,5,nursing\n"
        "Ash Court,care_home,850,4,Dual registered\n",
    )
    got = tables.rates.set_index("provider")["care_category"].to_dict()
    assert got == {"Oak House": "nursing", "Elm Lodge": "nursing", "Ash Court": "dual"}
    differs = tables.issues[tables.issues["code"] == "care_category_differs"]
    assert differs["cell"].tolist() == ["2"]
    assert differs["message"].iloc[0] == (
        f"{path} line 2: provider 'Oak House', service care_home: care category nursing here "
        "but its return says residential; it is priced as nursing"
    )
    old = tables.issues[tables.issues["code"] == "old_spelling"]
    assert {"Nursing home", "Dual registered"} <= set(old["raw_value"])


def test_a_care_home_left_without_a_category_is_reported(tmp_path):
    tables, path = _council(
        tmp_path,
        "provider,service,current_rate,volume_per_week\n"
        "Oak House,care_home,800,10\nBirch View,care_home,700,3\n",
    )
    unknown = tables.issues[tables.issues["code"] == "care_category_unknown"]
    assert unknown["cell"].tolist() == ["3"]
    assert "priced against the pooled care home market" in unknown["message"].iloc[0]


def test_the_volumes_files_category_fills_a_blank_and_a_clash_is_reported(tmp_path):
    tables, _ = _council(
        tmp_path,
        "provider,service,current_rate,care_category\n"
        "Oak House,care_home,800,\nElm Lodge,care_home,900,nursing\n",
        "provider,service,volume_per_week,care_category\n"
        "Oak House,care_home,10,residential\nElm Lodge,care_home,5,dual\n",
    )
    got = tables.rates.set_index("provider")["care_category"].to_dict()
    assert got == {"Oak House": "residential", "Elm Lodge": "nursing"}
    differs = tables.issues[tables.issues["code"] == "care_category_differs"]
    assert [(Path(f).name, c) for f, c in zip(differs["file"], differs["cell"], strict=True)] == [
        ("volumes.csv", "3")
    ]


def test_a_category_with_no_cost_returns_is_priced_in_the_pooled_market():
    rates, costs, fnc = market()
    costs = costs[~costs["provider"].isin(["D1", "D2"])]  # the dual homes sent no returns
    recs = recommend_all({"care_home": config()}, rates, costs, params=load(), nursing_care=fnc)
    assert list(recs) == ["care_home.residential", "care_home.nursing", "care_home.all"]
    pooled = recs["care_home.all"]
    priced = pooled.providers.dropna(subset=["current_rate"])
    assert sorted(priced["provider"]) == ["D1", "D2"]
    # the six homes left, as returned: the median of six is the mean of the middle two
    six = sorted(rolled(s, o, r) for p, (_, s, o, r, _) in HOMES.items() if p[0] != "D")
    assert pooled.figures["target_rate"].value == pytest.approx((six[2] + six[3]) / 2)
    assert any("dual rates, with no dual cost returns" in line for line in pooled.reasoning)


# ------------------------------------------------------------ the workbooks
def test_summary_sheet_adds_up_care_homes_and_shows_fnc_beside_the_rate(recs, tmp_path):
    import openpyxl

    from costofcare.report.workbook import write_recommendation_workbook

    path = tmp_path / "rec.xlsx"
    write_recommendation_workbook(path, recs)
    rows = list(openpyxl.load_workbook(path, data_only=True)["Summary"].iter_rows(values_only=True))
    by_label = {row[0]: row for row in rows if row[0]}
    assert by_label["Care homes (nursing)"][12] == FNC_2026
    assert by_label["Care homes (residential)"][12] is None
    total = sum(expected_impact(c, expected_target(c)) for c in ("residential", "nursing", "dual"))
    assert by_label["Care homes, all categories"][10] == pytest.approx(total)
    # beside the rate on the market's sheet (an input here: no parameters table was given)
    nursing = openpyxl.load_workbook(path)["Care homes (nursing)"]
    labels = {r[0].value: r[1].value for r in nursing.iter_rows(min_col=1, max_col=2)}
    assert labels["NHS-funded nursing care a week, on top"] == FNC_2026


def test_a_nursing_homes_outcome_workbook_compares_it_with_the_nursing_market(recs, tmp_path):
    import openpyxl

    from costofcare.report.provider import write_provider_workbook

    _, costs, _ = market()
    stats = pd.DataFrame(
        [  # market statistics as the benchmark step writes them: pooled, then per category
            ("care_home", "total", "Total", "all", 8, 900.0, 1000.0, 1100.0),
            ("care_home", "total", "Total", "nursing", 6, 1150.0, 1160.0, 1200.0),
            ("care_home", "total_excluding_fnc", "Total excluding NHS-funded nursing care",
             "nursing", 6, 914.12, 924.12, 964.12),
        ],
        columns=["service", "level", "cost_line", "care_category", "count", "lower_quartile",
                 "median", "upper_quartile"],
    )  # fmt: skip
    path = tmp_path / "n1.xlsx"
    write_provider_workbook(path, "N1", recs, costs, stats, min_count=5)
    sheet = openpyxl.load_workbook(path, data_only=True)["Care homes (nursing) costs"]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r[0]}
    assert rows["Total"][5] == 1160.0  # the nursing market's median, not the pooled 1,000
    assert rows["Less NHS-funded nursing care (paid by the NHS)"][2] == pytest.approx(-FNC_2024)
    excluding = rows["Total excluding NHS-funded nursing care"]
    assert excluding[2] == pytest.approx(800 + 300 + 60 - FNC_2024)
    assert excluding[5] == 924.12
