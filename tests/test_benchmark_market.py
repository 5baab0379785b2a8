"""Local market statistics on a small constructed market worked out by hand.

Five home care providers, three cost lines each (GBP per contact hour):

    provider  care worker pay  back office  return  total  contact hours
    A              10.0           5.0        1.0    16.0        100
    B              12.0           6.0        1.0    19.0        200
    C              11.0           5.5        1.0    17.5        300
    D              13.0           6.0        1.5    20.5        400
    E              30.0           6.0        1.0    37.0         50

Sorted totals: 16, 17.5, 19, 20.5, 37. QUARTILE.INC positions h = (5 - 1) p + 1.
"""

import pandas as pd
import pytest

from costofcare.benchmark.market import (
    MarketBenchmark,
    MarketDataError,
    flag_outliers,
    provider_costs,
    rate_coverage,
)
from costofcare.benchmark.quantiles import UNWEIGHTED_METHOD, WEIGHTED_METHOD

UNIT = "contact_hour"
LINES = {
    "A": (10.0, 5.0, 1.0),
    "B": (12.0, 6.0, 1.0),
    "C": (11.0, 5.5, 1.0),
    "D": (13.0, 6.0, 1.5),
    "E": (30.0, 6.0, 1.0),
}
HOURS = {"A": 100, "B": 200, "C": 300, "D": 400, "E": 50}


def unit_costs() -> pd.DataFrame:
    rows = []
    for provider, (pay, office, ret) in LINES.items():
        for line, category, value in (
            ("Care worker pay", "staffing", pay),
            ("Back office", "non_staffing", office),
            ("Return on operations", "return", ret),
        ):
            rows.append(
                {
                    "provider": provider,
                    "service": "home_care",
                    "cost_line": line,
                    "category": category,
                    "cost_per_unit": value,
                    "unit": UNIT,
                    "route": "reported",
                }
            )
    return pd.DataFrame(rows)


def volumes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "provider": list(HOURS),
            "service": "home_care",
            "volume_per_week": list(HOURS.values()),
            "volume_unit": "contact_hour",
        }
    )


@pytest.fixture(scope="module")
def bench() -> MarketBenchmark:
    return MarketBenchmark(rule="tukey").fit(unit_costs(), volumes())


def stat(bench, cost_line, weighting="unweighted", outliers="included"):
    q = bench.quartiles_
    rows = q[
        (q["cost_line"] == cost_line) & (q["weighting"] == weighting) & (q["outliers"] == outliers)
    ]
    assert len(rows) == 1
    return rows.iloc[0]


def test_totals_and_subtotals_are_sums_of_lines():
    costs = provider_costs(unit_costs())
    totals = costs[costs["level"] == "total"].set_index("provider")["cost_per_unit"]
    assert totals.to_dict() == {"A": 16.0, "B": 19.0, "C": 17.5, "D": 20.5, "E": 37.0}
    staffing = costs[costs["cost_line"] == "Total staffing"].set_index("provider")
    assert staffing.loc["E", "cost_per_unit"] == 30.0
    # total rows already in the input are not added again
    with_total = pd.concat(
        [unit_costs(), unit_costs().head(1).assign(cost_line="Total", category="total")]
    )
    again = provider_costs(with_total)
    assert (
        again.loc[(again["level"] == "total") & (again["provider"] == "A"), "cost_per_unit"].item()
        == 16.0
    )


def test_unweighted_total_statistics_match_quartile_inc(bench):
    row = stat(bench, "Total")
    assert row["count"] == 5
    assert row["mean"] == pytest.approx((16 + 17.5 + 19 + 20.5 + 37) / 5)
    assert row["p10"] == pytest.approx(16 + 0.4 * (17.5 - 16))  # h = 1.4
    assert row["lower_quartile"] == pytest.approx(17.5)  # h = 2
    assert row["median"] == pytest.approx(19)  # h = 3
    assert row["upper_quartile"] == pytest.approx(20.5)  # h = 4
    assert row["p90"] == pytest.approx(20.5 + 0.6 * (37 - 20.5))  # h = 4.6
    assert (row["min"], row["max"]) == (16, 37)
    assert row["volume_per_week"] == 100 + 200 + 300 + 400 + 50
    assert row["quantile_method"] == UNWEIGHTED_METHOD
    assert "QUARTILE.INC" in row["quantile_method"]


def test_weighted_total_statistics_hand_worked(bench):
    # sorted totals 16, 17.5, 19, 20.5, 37 with hours 100, 300, 200, 400, 50
    # the unit is the smallest volume, 50 hours: 2, 6, 4, 8 and 1 units, total 21
    # blocks: 16 (0, 2], 17.5 (2, 8], 19 (8, 12], 20.5 (12, 20], 37 (20, 21]
    # the percentile at p averages the one-unit window starting at p x (21 - 1) = 20p
    row = stat(bench, "Total", weighting="volume")
    assert row["p10"] == pytest.approx(17.5)  # window [2, 3] in 17.5's block
    assert row["lower_quartile"] == pytest.approx(17.5)  # [5, 6]
    assert row["median"] == pytest.approx(19)  # [10, 11] in 19's block (8, 12]
    assert row["upper_quartile"] == pytest.approx(20.5)  # [15, 16]
    assert row["p90"] == pytest.approx(20.5)  # [18, 19]
    assert row["mean"] == pytest.approx(
        (16 * 100 + 17.5 * 300 + 19 * 200 + 20.5 * 400 + 37 * 50) / 1050
    )
    assert row["quantile_method"] == WEIGHTED_METHOD


def test_tukey_flags_the_high_total_with_its_reason(bench):
    # Q1 17.5, Q3 20.5, IQR 3: fences 17.5 - 4.5 = 13 and 20.5 + 4.5 = 25
    total = bench.outliers_[bench.outliers_["level"] == "total"]
    assert total["provider"].tolist() == ["E"]
    assert total["upper_fence"].item() == pytest.approx(25)
    reason = total["outlier_reason"].item()
    assert "37.00 is above the upper fence" in reason
    assert "upper quartile 20.50 + 1.5 x IQR 3.00 = 25.00" in reason


def test_statistics_without_outliers(bench):
    # without E: 16, 17.5, 19, 20.5 -> median (17.5 + 19) / 2, Q1 at h = 1.75
    row = stat(bench, "Total", outliers="excluded")
    assert row["count"] == 4
    assert row["median"] == pytest.approx((17.5 + 19) / 2)
    assert row["lower_quartile"] == pytest.approx(16 + 0.75 * 1.5)
    # back office has no outlier, so both rows agree
    assert (
        stat(bench, "Back office", outliers="excluded")["median"]
        == stat(bench, "Back office")["median"]
    )


def test_provider_exclusion_removes_all_lines_of_an_outlying_provider():
    bench = MarketBenchmark(exclude="provider").fit(unit_costs(), volumes())
    row = stat(bench, "Back office", outliers="excluded")
    # E's 6.0 leaves: 5, 5.5, 6, 6 -> median 5.75
    assert row["count"] == 4
    assert row["median"] == pytest.approx(5.75)


def test_mad_rule_on_constructed_lines():
    costs = provider_costs(unit_costs())
    flagged = flag_outliers(costs, rule="mad")
    out = flagged[flagged["outlier"]]
    # care worker pay: median 12, MAD 1 -> fences 12 +/- 3.5 x 1.4826 = 6.81 .. 17.19: E's 30
    pay = out[out["cost_line"] == "Care worker pay"]
    assert pay["provider"].tolist() == ["E"]
    assert pay["upper_fence"].item() == pytest.approx(12 + 3.5 * 1.4826 * 1)
    # return: MAD 0, mean absolute deviation 0.5 / 5 = 0.1 -> fence 1 + 3.5 x 1.2533 x 0.1
    ret = out[out["cost_line"] == "Return on operations"]
    assert ret["provider"].tolist() == ["D"]
    assert ret["upper_fence"].item() == pytest.approx(1 + 3.5 * 1.2533 * 0.1)
    assert "MAD is 0" in ret["outlier_reason"].item()
    # back office: MAD 0, mean abs deviation (1 + 0.5) / 5 = 0.3 -> 6 +/- 1.32: nobody
    assert out[out["cost_line"] == "Back office"].empty


def test_small_markets_are_not_tested_for_outliers():
    few = unit_costs()[unit_costs()["provider"].isin(["A", "B", "E"])]
    flagged = flag_outliers(provider_costs(few), min_count=4)
    assert not flagged["outlier"].any()


def test_positions(bench):
    total = bench.positions_[bench.positions_["level"] == "total"].set_index("provider")
    # PERCENTRANK.INC: number of smaller totals / (5 - 1)
    assert total["percentile"].to_dict() == {"A": 0, "B": 2 / 4, "C": 1 / 4, "D": 3 / 4, "E": 1}
    assert total.loc["E", "rank_from_lowest"] == 5
    assert bool(total.loc["E", "outlier"])


def test_rate_coverage(bench):
    cover = bench.coverage({"home_care": {"current": 19.0, "proposed": 20.0}}).set_index("label")
    # 19.00 covers A 16, C 17.5 and B 19 (at or below); 20.00 covers the same three
    assert cover.loc["current", "providers_covered"] == 3
    assert cover.loc["current", "share_of_providers"] == pytest.approx(3 / 5)
    assert cover.loc["current", "share_of_volume"] == pytest.approx((100 + 300 + 200) / 1050)
    low = rate_coverage(provider_costs(unit_costs()), {"home_care": 17.0})
    assert low["providers_covered"].item() == 1
    assert pd.isna(low["share_of_volume"].item())


def test_coverage_of_unknown_service_names_services_present(bench):
    with pytest.raises(Exception, match="no provider costs for service 'care_home'.*home_care"):
        bench.coverage({"care_home": 700})


def test_missing_column_is_named():
    with pytest.raises(MarketDataError, match="the unit_costs table has no column 'route'"):
        provider_costs(unit_costs().drop(columns="route"))


def test_duplicate_line_is_named():
    doubled = pd.concat([unit_costs(), unit_costs().head(1)])
    with pytest.raises(
        MarketDataError,
        match="line 17: provider 'A', service 'home_care', route 'reported', cost_line "
        "'Care worker pay' is on more than one line \\(2, 17\\)",
    ):
        provider_costs(doubled)


def test_mixed_units_and_bad_numbers_are_named():
    mixed = unit_costs()
    mixed.loc[0, "unit"] = "resident_week"
    with pytest.raises(
        MarketDataError, match="more than one unit \\(contact_hour, resident_week\\)"
    ):
        provider_costs(mixed)
    mixed.loc[0, "unit"] = "GBP/hour"
    with pytest.raises(MarketDataError, match="line 2: unit 'GBP/hour' is not allowed"):
        provider_costs(mixed)
    text = unit_costs().astype({"cost_per_unit": object})
    text.loc[2, "cost_per_unit"] = "n/a"
    text.loc[5, "cost_per_unit"] = "?"
    # every problem is named, not only the first
    with pytest.raises(
        MarketDataError,
        match="line 4: cost_per_unit 'n/a' is not a number \\(provider 'A'\\); "
        ".*line 7: cost_per_unit '\\?' is not a number \\(provider 'B'\\)",
    ):
        provider_costs(text)


def test_bad_volumes_are_named():
    bad = volumes()
    bad.loc[1, "volume_per_week"] = -5
    with pytest.raises(
        MarketDataError,
        match="the volumes table line 3: volume_per_week -5 is below 0, the least allowed "
        "\\(provider 'B'\\)",
    ):
        MarketBenchmark().fit(unit_costs(), bad)


def test_old_spellings_are_read_with_a_warning(bench):
    old = (
        volumes().rename(columns={"volume_per_week": "volume"}).assign(volume_unit="contact hours")
    )
    costs = unit_costs().assign(unit="GBP/contact_hour")
    with pytest.warns(DeprecationWarning) as caught:
        again = MarketBenchmark(rule="tukey").fit(costs, old)
    messages = [str(w.message) for w in caught]
    assert any(
        "column 'volume' is an old spelling" in m and "'volume_per_week'" in m for m in messages
    )
    assert any("volume_unit 'contact hours' is an old spelling" in m for m in messages)
    assert any("unit 'GBP/contact_hour' is an old spelling" in m for m in messages)
    pd.testing.assert_frame_equal(again.quartiles_, bench.quartiles_)
    weighted = stat(again, "Total", weighting="volume")
    assert weighted["volume_per_week"] == pytest.approx(100 + 200 + 300 + 400 + 50)
