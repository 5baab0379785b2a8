"""Care homes are several markets: the care category of a return and its own statistics.

The rule (``costofcare.costs.carecategory``): ``home_type`` Residential -> residential,
Nursing -> nursing, Residential and nursing -> dual; enhanced when residents with enhanced
needs are more than half of the residents counted by type of care.
"""

import math

import pandas as pd
import pytest

from costofcare.benchmark.market import MarketBenchmark
from costofcare.costs.carecategory import care_category
from costofcare.costs.returnvalues import ReturnValues, Value


def _return(service="care_home", home_type=None, **residents) -> ReturnValues:
    singles = {}
    if home_type is not None:
        singles["home_type"] = Value(math.nan, home_type, "Volumes!C5")
    for name, count in residents.items():
        singles[name] = Value(float(count), str(count), name)
    return ReturnValues("r1", "A home", service, "2026.1", "a.xlsx", singles)


@pytest.mark.parametrize(
    ("home_type", "expected"),
    [
        ("Residential", "residential"),
        ("Nursing", "nursing"),
        ("Residential and nursing", "dual"),
        (" Nursing ", "nursing"),
        ("", ""),
        (None, ""),
        ("Hospice", ""),
    ],
)
def test_category_is_the_registration_type(home_type, expected):
    assert care_category(_return(home_type=home_type)).category == expected


def test_enhanced_when_more_than_half_the_residents_have_enhanced_needs():
    # 4 + 7 = 11 enhanced of 10 + 4 + 3 + 7 = 24 counted: 11/24 < 1/2
    mixed = dict(
        residents_residential=10,
        residents_residential_enhanced=4,
        residents_nursing=3,
        residents_nursing_enhanced=7,
    )
    assert not care_category(_return(home_type="Nursing", **mixed)).enhanced
    # 12 + 13 = 25 enhanced of 25 + 24 = 49: 25/49 > 1/2
    more = dict(residents_residential=24, residents_residential_enhanced=25)
    assert care_category(_return(home_type="Residential", **more)).enhanced
    # exactly half (10 of 20) is not more than half
    half = dict(residents_nursing=10, residents_nursing_enhanced=10)
    assert not care_category(_return(home_type="Nursing", **half)).enhanced
    # no residents by type of care: not enhanced
    assert not care_category(_return(home_type="Nursing")).enhanced


def test_other_services_have_no_care_category():
    found = care_category(_return(service="home_care", home_type="Nursing"))
    assert (found.category, found.enhanced) == ("", False)


# --------------------------------------------------------------- a constructed market
#
#   home  category             staffing  other   total
#   R1    residential             500     300     800
#   R2    residential             560     340     900
#   R3    residential             600     400    1000
#   N1    nursing                 800     400    1200
#   N2    nursing                 900     500    1400
#   E1    residential enhanced    700     350    1050
#
# Whole market totals sorted: 800, 900, 1000, 1050, 1200, 1400 -> median (1000 + 1050) / 2
# = 1025. Residential: 800, 900, 1000 -> median 900, QUARTILE.INC lower quartile at
# h = 2 x 0.25 + 1 = 1.5 -> 850. Nursing: 1200, 1400 -> median 1300. Residential enhanced:
# one home, median 1050.
HOMES = {
    "R1": ("residential", False, 500, 300),
    "R2": ("residential", False, 560, 340),
    "R3": ("residential", False, 600, 400),
    "N1": ("nursing", False, 800, 400),
    "N2": ("nursing", False, 900, 500),
    "E1": ("residential", True, 700, 350),
}


def _market() -> pd.DataFrame:
    rows = []
    for home, (category, enhanced, staffing, other) in HOMES.items():
        for line, kind, value in (
            ("Care staff", "staffing", staffing),
            ("Food", "non_staffing", other),
        ):
            rows.append(
                {
                    "provider": home,
                    "service": "care_home",
                    "cost_line": line,
                    "category": kind,
                    "cost_per_unit": float(value),
                    "unit": "resident_week",
                    "route": "reported",
                    "care_category": category,
                    "enhanced_care": enhanced,
                }
            )
    return pd.DataFrame(rows)


def _totals(quartiles: pd.DataFrame) -> pd.DataFrame:
    q = quartiles
    keep = (
        (q["level"] == "total") & (q["weighting"] == "unweighted") & (q["outliers"] == "included")
    )
    return q[keep].set_index("care_category")


def test_each_care_home_market_has_its_own_statistics():
    totals = _totals(MarketBenchmark().fit(_market()).quartiles_)
    assert list(totals.index) == ["all", "residential", "residential_enhanced", "nursing"]
    assert totals.loc["all", "median"] == pytest.approx(1025.0)
    assert totals.loc["all", "count"] == 6
    assert totals.loc["residential", "median"] == pytest.approx(900.0)
    assert totals.loc["residential", "lower_quartile"] == pytest.approx(850.0)
    assert totals.loc["residential", "count"] == 3
    assert totals.loc["nursing", "median"] == pytest.approx(1300.0)
    assert totals.loc["residential_enhanced", "median"] == pytest.approx(1050.0)


def test_care_categories_can_be_left_pooled():
    totals = _totals(MarketBenchmark(by_care_category=False).fit(_market()).quartiles_)
    assert list(totals.index) == ["all"]


def test_flags_read_from_a_csv_and_blank_categories_stay_in_the_whole_market():
    market = _market()
    market["enhanced_care"] = market["enhanced_care"].map({True: "True", False: "False"})
    market.loc[market["provider"] == "N2", "care_category"] = ""
    totals = _totals(MarketBenchmark().fit(market).quartiles_)
    assert totals.loc["all", "count"] == 6
    assert totals.loc["nursing", "count"] == 1
    assert totals.loc["residential_enhanced", "count"] == 1


# ------------------------------------------------------------------- the example market


@pytest.mark.slow
def test_example_care_homes_are_priced_as_three_markets(example_cli_run):
    """The committed example: 22 care homes in the market (truth.csv, total cost per resident
    week rounded to pence; home_type read from each return).

    residential (12): 767.75 809.17 833.14 842.39 858.58 883.32 | 890.04 935.26 953.84 972.62
        1061.83 1094.35 -> median (883.32 + 890.04) / 2 = 886.68
    nursing (6): 949.24 1003.27 1022.04 | 1235.92 1310.44 1316.44 -> (1022.04 + 1235.92) / 2
        = 1128.98
    dual (4): 897.63 905.78 | 922.70 1082.72 -> (905.78 + 922.70) / 2 = 914.24
    all 22 pooled: 11th and 12th of the sorted 22 are 935.26 and 949.24 -> 942.25
    """
    result = example_cli_run["result"]
    totals = _totals(result.market[result.market["service"] == "care_home"])
    assert totals.loc["residential", "median"] == pytest.approx(886.68, abs=0.01)
    assert totals.loc["nursing", "median"] == pytest.approx(1128.98, abs=0.01)
    assert totals.loc["dual", "median"] == pytest.approx(914.24, abs=0.01)
    assert totals.loc["all", "median"] == pytest.approx(942.25, abs=0.01)
    counts = totals["count"].to_dict()
    assert counts == {"all": 22, "residential": 12, "nursing": 6, "dual": 4}
    # every care home row of the unit costs carries its return's registration type
    values = result.values
    typed = values[values["field"] == "home_type"].set_index("return_id")["text"]
    spelled = {"Residential": "residential", "Nursing": "nursing"}
    spelled["Residential and nursing"] = "dual"
    costs = result.unit_costs[result.unit_costs["service"] == "care_home"]
    for return_id, category in costs.groupby("return_id")["care_category"].agg(set).items():
        assert category == {spelled[typed[return_id]]}


def test_nursing_markets_also_give_the_total_excluding_fnc():
    # FNC taken off: N1 1200 - 250 = 950, N2 1400 - 250 = 1150 -> nursing median 1050.
    # Residential homes get no such row.
    nursing_care = pd.DataFrame(
        {
            "provider": ["N1", "N2", "R1"],
            "service": "care_home",
            "return_id": ["n1", "n2", "r1"],
            "route": "reported",
            "care_category": ["nursing", "nursing", "residential"],
            "period_midpoint": "2025-09-30",
            "fnc_per_week": [250.0, 250.0, 0.0],
            "nursing_share": [1.0, 1.0, 0.0],
            "fnc_per_unit": [250.0, 250.0, 0.0],
            "cost_per_unit": [1200.0, 1400.0, 800.0],
            "cost_excluding_fnc_per_unit": [950.0, 1150.0, 800.0],
            "source": "by hand",
        }
    )
    q = MarketBenchmark().fit(_market(), nursing_care=nursing_care).quartiles_
    net = q[
        (q["level"] == "total_excluding_fnc")
        & (q["weighting"] == "unweighted")
        & (q["outliers"] == "included")
    ]
    assert list(net["care_category"]) == ["nursing"]
    assert net.iloc[0]["median"] == pytest.approx(1050.0)
    assert net.iloc[0]["cost_line"] == "Total excluding NHS-funded nursing care"


def test_a_nursing_care_table_without_its_columns_is_refused():
    from costofcare.benchmark.market import MarketDataError

    bad = pd.DataFrame({"provider": ["N1"], "service": "care_home", "route": "reported"})
    with pytest.raises(MarketDataError, match="cost_excluding_fnc_per_unit"):
        MarketBenchmark().fit(_market(), nursing_care=bad)


@pytest.mark.slow
def test_example_nursing_markets_excluding_fnc(example_cli_run):
    """FNC £235.88 a week (2024-25: the returns' period midpoint is 30 September 2024).

    nursing: every home all nursing, so each total less 235.88: median 1128.98 - 235.88
        = 893.10
    dual (nursing residents of those counted, from the returns):
        Kestrel 897.63 - 235.88 x 17/29 = 759.36;  Wren 905.78 - 235.88 x 25/42 = 765.38
        Bluebell 922.70 - 235.88 x 19/50 = 833.07; Castle 1082.72 - 235.88 x 24/41 = 944.64
        -> median (765.38 + 833.07) / 2 = 799.22
    """
    market = example_cli_run["result"].market
    q = market[
        (market["level"] == "total_excluding_fnc")
        & (market["weighting"] == "unweighted")
        & (market["outliers"] == "included")
    ].set_index("care_category")
    assert sorted(q.index) == ["dual", "nursing"]
    assert q.loc["nursing", "median"] == pytest.approx(893.10, abs=0.01)
    assert q.loc["dual", "median"] == pytest.approx(799.22, abs=0.01)
