"""Comparator rates: shipped data, reading, index roll-forward and ranking, worked by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from costofcare.benchmark.comparators import (
    BASIS_KINDS,
    ComparatorError,
    period_months,
    rank_position,
    read_comparators,
    roll_forward,
    select_comparators,
    shipped_comparators,
)


def comparators() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "authority": ["Aton", "Beeford", "Ceeham", "Deeport", "Aton"],
            "region": ["North", "North", "South", "South", "North"],
            "service": ["home_care"] * 5,
            "rate": [20.0, 21.0, 22.5, 24.0, 19.0],
            "unit": ["GBP per hour"] * 5,
            "period": ["2023-24", "2024-25", "2024-25", "2025-26", "2022-23"],
            "source": ["https://example.org/rates"] * 5,
        }
    )


def index_levels() -> pd.Series:
    """A made-up monthly index: 100 in April 2023, 105 in April 2024, 110.25 in April 2025."""
    months = pd.period_range("2022-04", "2026-03", freq="M")
    levels = pd.Series(np.nan, index=months)
    levels[pd.Period("2022-04", "M")] = 95.0
    levels[pd.Period("2023-04", "M")] = 100.0
    levels[pd.Period("2024-04", "M")] = 105.0
    levels[pd.Period("2025-04", "M")] = 110.25
    return levels.interpolate()


def test_shipped_data_keeps_sources_basis_and_caveats():
    table = shipped_comparators()
    assert len(table) == 40
    assert table["authority"].nunique() == 20
    assert table["source_url"].str.startswith("http").all()
    assert (table["source_title"] != "").all()
    assert set(table["basis_kind"]) <= set(BASIS_KINDS)
    rotherham_nursing = table[
        (table["authority"] == "Rotherham") & (table["service"] == "care_home_nursing_65")
    ].iloc[0]
    assert rotherham_nursing["rate"] == 715.0
    assert rotherham_nursing["fnc"] == "excluded"
    assert "EXCLUDES FNC" in rotherham_nursing["note"]
    # client charges are marked, not passed off as fees
    essex = table[table["authority"] == "Essex"].iloc[0]
    assert essex["basis_kind"] == "client_charge"
    # every nursing rate says whether it includes NHS-funded nursing care
    nursing = table[table["service"] == "care_home_nursing_65"]
    assert (nursing["fnc"] != "").all()
    # caveats in the notes are carried as flags
    north_northants = table[table["authority"] == "North Northamptonshire"]
    assert north_northants["flags"].str.contains("authority_inferred").all()
    undated = table[table["period"].str.startswith("undated")]
    assert undated["flags"].str.contains("uncertain_period").all()


def test_period_convention():
    assert period_months("2024-25") == [pd.Period("2024-04", "M")]
    assert period_months("2024/25") == [pd.Period("2024-04", "M")]
    assert period_months("2024-2025") == [pd.Period("2024-04", "M")]
    assert period_months("2024-25", anchor_month=9) == [pd.Period("2024-09", "M")]
    assert period_months("2024-25", anchor_month=1) == [pd.Period("2025-01", "M")]
    assert period_months("2025-09") == [pd.Period("2025-09", "M")]
    assert period_months("2025-04-07") == [pd.Period("2025-04", "M")]
    average = period_months("2024-25", anchor="average")
    assert average[0] == pd.Period("2024-04", "M") and average[-1] == pd.Period("2025-03", "M")
    with pytest.raises(ComparatorError, match="period 'undated' is not understood"):
        period_months("undated")


def test_roll_forward_hand_worked():
    rolled = roll_forward(comparators(), index_levels(), "2025-26").set_index("period")
    # 2023-24 at 20.00 -> x 110.25 / 100 ; 2024-25 at 21.00 -> x 110.25 / 105
    assert rolled.loc["2023-24", "rate_rolled"] == pytest.approx(20.0 * 110.25 / 100)
    assert rolled.loc["2024-25", "rate_rolled"].tolist() == pytest.approx(
        [21.0 * 110.25 / 105, 22.5 * 110.25 / 105]
    )
    assert rolled.loc["2025-26", "rate_rolled"] == pytest.approx(24.0)
    assert rolled.loc["2022-23", "rate_rolled"] == pytest.approx(19.0 * 110.25 / 95)
    assert (rolled["roll_status"] == "rolled").all()
    assert set(rolled["target_period"]) == {"2025-04"}


def test_roll_forward_with_annual_average():
    levels = index_levels()
    rolled = roll_forward(comparators().head(1), levels, "2024-25", anchor="average")
    # linear interpolation: April 2023..March 2024 average is the mean of 12 straight-line steps
    fy23 = np.mean([100 + 5 * m / 12 for m in range(12)])
    fy24 = np.mean([105 + 5.25 * m / 12 for m in range(12)])
    assert rolled["rate_rolled"].item() == pytest.approx(20.0 * fy24 / fy23)


def test_rows_that_cannot_be_rolled_say_why():
    table = comparators()
    table.loc[0, "period"] = "undated (FOI)"
    table.loc[1, "unit"] = "percent uplift"
    table.loc[2, "period"] = "2030-31"
    rolled = roll_forward(table, index_levels(), "2025-26")
    assert math.isnan(rolled.loc[0, "rate_rolled"])
    assert "period 'undated (FOI)' is not understood" in rolled.loc[0, "roll_status"]
    assert "'percent uplift' is not a money rate" in rolled.loc[1, "roll_status"]
    assert "no index level for 2030-04" in rolled.loc[2, "roll_status"]


def test_target_outside_the_index_is_an_error():
    with pytest.raises(ComparatorError, match="no index level for 2027-04.*runs from 2022-04"):
        roll_forward(comparators(), index_levels(), "2027-28")


def test_roll_forward_with_shipped_cpi():
    from costofcare.parameters import load

    levels = load().index_series("CPI")
    table = shipped_comparators()
    rolled = roll_forward(table, levels, "2025-26")
    wigan = rolled[(rolled["authority"] == "Wigan") & (rolled["service"] == "care_home_nursing_65")]
    # ONS D7BT CPI (2015=100): April 2024 133.5, April 2025 138.2
    assert wigan["rate_rolled"].item() == pytest.approx(724.00 * 138.2 / 133.5)
    uplift = rolled[rolled["service"] == "uplift_method"]
    assert uplift["rate_rolled"].isna().all()


def test_select_keeps_latest_per_authority_and_filters_basis():
    table = roll_forward(comparators(), index_levels(), "2025-26")
    chosen = select_comparators(table, "home_care")
    assert chosen["authority"].tolist() == ["Aton", "Beeford", "Ceeham", "Deeport"]
    assert chosen.loc[chosen["authority"] == "Aton", "period"].item() == "2023-24"
    shipped = shipped_comparators()
    fees = select_comparators(shipped, "home_care")
    assert "Essex" not in set(fees["authority"])  # a client charge
    everything = select_comparators(shipped, "home_care", basis_kinds=None)
    assert "Essex" in set(everything["authority"])
    with pytest.raises(ComparatorError, match="no comparator rates for service 'day_care'"):
        select_comparators(shipped, "day_care")


def test_rank_position_hand_worked():
    table = pd.DataFrame(
        {
            "authority": ["W", "X", "Y", "Z"],
            "region": ["North", "North", "South", "North"],
            "rate_rolled": [600.0, 700.0, 800.0, 900.0],
        }
    )
    ranked, summary = rank_position(table, 750.0, authority="Us", region="North")
    s = summary.iloc[0]
    # 900, 800 above us: rank 3 of 5; PERCENTRANK.INC over 600, 700, 750, 800, 900 = 2 / 4
    assert (s["rank"], s["of"], s["percentile"]) == (3, 5, 0.5)
    assert s["median"] == pytest.approx((700 + 800) / 2)
    assert s["lower_quartile"] == pytest.approx(600 + 0.75 * 100)  # h = 1.75
    # North: 600, 700, 900 -> median 700
    assert s["regional_median"] == 700
    assert s["difference_from_regional_median"] == 50
    assert ranked["authority"].tolist() == ["Z", "Y", "Us", "X", "W"]
    assert ranked.loc[ranked["is_ours"], "rank"].item() == 3


def test_rank_leaves_out_our_own_row_and_unrolled_rows():
    table = pd.DataFrame(
        {
            "authority": ["Us", "X", "Y"],
            "region": ["N", "N", "N"],
            "rate_rolled": [999.0, 500.0, float("nan")],
        }
    )
    ranked, summary = rank_position(table, 600, authority="Us")
    assert summary["comparators"].item() == 1
    assert summary["rank"].item() == 1
    with pytest.raises(ComparatorError, match="no comparator rates left to rank Us against"):
        rank_position(table.iloc[[0, 2]], 600, authority="Us")


def test_read_csv_and_workbook(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    csv = tmp_path / "rates.csv"
    comparators().to_csv(csv, index=False)
    assert read_comparators(csv)["rate"].tolist() == [20.0, 21.0, 22.5, 24.0, 19.0]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Rates"
    sheet.append(["Authority", "Region", "Service", "Rate", "Unit", "Period", "Source"])
    sheet.append(["Aton", "North", "home_care", "£1,020.50", "GBP per week", "2024-25", "x"])
    sheet.append(["Beeford", "North", "home_care", 990, "GBP per week", "2024-25", "=1+1"])
    path = tmp_path / "rates.xlsx"
    book.save(path)
    table = read_comparators(path, sheet="Rates")
    assert table["rate"].tolist() == [1020.5, 990.0]
    assert table["source"].tolist()[1] in ("=1+1", "")  # stored text, never evaluated


def test_read_errors_name_the_problem(tmp_path):
    bad = comparators().astype({"rate": object})
    bad.loc[2, "rate"] = "tbc"
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(
        ComparatorError,
        match="bad.csv line 4: rate 'tbc' is not a number "
        "\\(authority 'Ceeham', service 'home_care'\\)",
    ):
        read_comparators(path)
    no_source = tmp_path / "nosource.csv"
    comparators().drop(columns="source").to_csv(no_source, index=False)
    with pytest.raises(ComparatorError, match="has no source column"):
        read_comparators(no_source)
    no_region = tmp_path / "noregion.csv"
    comparators().drop(columns="region").to_csv(no_region, index=False)
    with pytest.raises(ComparatorError, match="noregion.csv has no column 'region'"):
        read_comparators(no_region)
    with pytest.raises(ComparatorError, match="does not exist"):
        read_comparators(tmp_path / "nope.csv")
