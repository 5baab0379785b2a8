"""Dated parameters against published figures, date boundaries, overrides and error messages.

Expected values are the published figures (legislation, GOV.UK, ONS bulletins), written here
by hand, not read back from the package's data files.
"""

from __future__ import annotations

import datetime as dt
import io
import tomllib
from contextlib import redirect_stdout
from importlib import resources

import pandas as pd
import pytest

from costofcare.cli import main
from costofcare.errors import ParameterError
from costofcare.parameters import load, months_in_period, tax_year_of

P = load()


# -- published figures -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, on, expected",
    [
        # National Living Wage: NMW (Amendment) (No. 2) Regulations 2024 and 2025 regulations
        ("national_living_wage_hourly", "2024-04-01", 11.44),
        ("national_living_wage_hourly", "2025-04-01", 12.21),
        ("national_living_wage_hourly", "2026-04-01", 12.71),
        ("national_living_wage_hourly", "2016-04-01", 7.20),
        ("national_living_wage_hourly", "2023-04-01", 10.42),
        # the band that applied to 21-22 year olds
        ("nmw_21_22_hourly", "2021-04-01", 8.36),
        ("nmw_21_22_hourly", "2023-04-01", 10.18),
        ("nmw_21_22_hourly", "2019-04-01", 7.70),
        # employer NI, 2024/25 and 2025/26 (GOV.UK TIIN, Autumn Budget 2024)
        ("employer_ni_rate", "2024-06-01", 0.138),
        ("employer_ni_secondary_threshold_annual", "2024-06-01", 9100),
        ("employer_ni_rate", "2025-06-01", 0.15),
        ("employer_ni_secondary_threshold_annual", "2025-06-01", 5000),
        ("employment_allowance_annual", "2024-06-01", 5000),
        ("employment_allowance_annual", "2025-06-01", 10500),
        # Health and Social Care Levy period, 6 April to 5 November 2022
        ("employer_ni_rate", "2022-07-01", 0.1505),
        ("employer_ni_rate", "2022-11-06", 0.138),
        # pensions automatic enrolment
        ("pension_employer_min_rate", "2019-04-06", 0.03),
        ("pension_qualifying_earnings_lower_annual", "2024-06-01", 6240),
        ("pension_qualifying_earnings_upper_annual", "2024-06-01", 50270),
        ("pension_earnings_trigger_annual", "2024-06-01", 10000),
        # statutory sick pay and holiday
        ("ssp_weekly", "2025-06-01", 118.75),
        ("ssp_waiting_days", "2026-04-05", 3),
        ("ssp_waiting_days", "2026-04-06", 0),
        ("ssp_earnings_replacement_cap_rate", "2026-04-06", 0.80),
        ("statutory_holiday_weeks", "2025-06-01", 5.6),
        ("mileage_rate_per_mile", "2025-06-01", 0.45),
        # Real Living Wage, dated by announcement
        ("real_living_wage_uk_hourly", "2024-10-22", 12.60),
        ("real_living_wage_london_hourly", "2024-10-22", 13.85),
        ("real_living_wage_uk_hourly", "2024-10-21", 12.00),
        # Scottish adult social care minimum
        ("scotland_social_care_min_hourly", "2024-04-01", 12.00),
        ("scotland_social_care_min_hourly", "2021-12-01", 10.02),
    ],
)
def test_published_values(name, on, expected):
    assert P.value(name, on=on) == pytest.approx(expected)


def test_wage_series_switch_between_31_march_and_1_april():
    assert P.value("national_living_wage_hourly", on="2025-03-31") == pytest.approx(11.44)
    assert P.value("national_living_wage_hourly", on="2025-04-01") == pytest.approx(12.21)


def test_tax_year_series_switch_between_5_and_6_april():
    assert P.value("employer_ni_rate", on="2025-04-05") == pytest.approx(0.138)
    assert P.value("employer_ni_rate", on="2025-04-06") == pytest.approx(0.15)
    assert P.value("employer_ni_secondary_threshold_annual", on=dt.date(2025, 4, 5)) == 9100
    assert P.value("employer_ni_secondary_threshold_annual", on=dt.date(2025, 4, 6)) == 5000


@pytest.mark.parametrize("year", range(2016, 2027))
def test_every_april_and_tax_year_is_covered(year):
    april_first = f"{year}-04-01"
    tax_year_start = f"{year}-04-06"
    for name in ("national_living_wage_hourly", "nmw_21_22_hourly"):
        assert P.has(name, april_first), (name, year)
    for name in (
        "employer_ni_rate",
        "employer_ni_secondary_threshold_annual",
        "employment_allowance_annual",
        "pension_employer_min_rate",
        "pension_qualifying_earnings_lower_annual",
        "pension_qualifying_earnings_upper_annual",
        "pension_earnings_trigger_annual",
        "ssp_weekly",
    ):
        assert P.has(name, tax_year_start), (name, year)
    assert P.has("real_living_wage_uk_hourly", f"{year}-06-01")
    assert P.has("real_living_wage_london_hourly", f"{year}-06-01")
    assert P.has("scotland_social_care_min_hourly", f"{year}-12-01")


def test_every_value_has_a_source_and_flags_follow_the_notes():
    for name in P.names:
        history = P.history(name)
        assert (history["source_title"].str.len() > 0).all(), name
        for note, flags in zip(history["note"], history["flags"], strict=True):
            if (
                "unconfirmed" in note.lower()
                and "implementation date unconfirmed" not in note.lower()
            ):
                assert "unconfirmed" in flags or "derived" in flags, (name, note)


def test_tax_year_parameters_change_on_6_april_and_wages_on_1_april():
    catalogue = tomllib.loads(
        resources.files("costofcare.parameters.data").joinpath("catalogue.toml").read_text()
    )
    for name in P.names:
        changes = catalogue[name]["changes"]
        starts = P.history(name)["effective_from"]
        if changes == "tax_year":
            odd = [
                d
                for d in starts
                if (d.month, d.day) != (4, 6) and d.year >= 2016 and name != "employer_ni_rate"
            ]
            assert not odd, (name, odd)
        if changes == "wage_year":
            odd = [d for d in starts if (d.month, d.day) != (4, 1) and d.year >= 2017]
            assert not odd, (name, odd)


def test_projections_are_flagged():
    v = P.get("pension_qualifying_earnings_lower_annual", on="2026-06-01")
    assert "projection" in v.flags and "unconfirmed" in v.flags


def test_value_object_prints_its_source():
    v = P.get("national_living_wage_hourly", on="2024-04-01")
    assert v.effective_from == dt.date(2024, 4, 1) and v.effective_to == dt.date(2025, 3, 31)
    assert "legislation.gov.uk" in v.source_url
    assert "national_living_wage_hourly = 11.44 GBP/hour (2024-04-01 to 2025-03-31)" in str(v)


def test_series_is_a_pandas_series_by_effective_date():
    s = P.series("national_living_wage_hourly")
    assert isinstance(s, pd.Series)
    assert s.loc[pd.Timestamp("2024-04-01")] == pytest.approx(11.44)
    assert len(s) == 11  # April 2016 to April 2026


def test_in_force_table():
    table = P.in_force("2025-04-06")
    row = table.set_index("name").loc["employer_ni_rate"]
    assert row["value"] == pytest.approx(0.15)
    assert row["source_url"].startswith("https://")
    assert {"flags", "description", "effective_from"} <= set(table.columns)


# -- overrides ---------------------------------------------------------------------------------
def test_dict_override_takes_precedence_without_touching_the_shipped_data():
    q = load(overrides={"national_living_wage_hourly": {"2027-04-01": 13.10}})
    assert q.value("national_living_wage_hourly", on="2027-06-01") == pytest.approx(13.10)
    assert q.value("national_living_wage_hourly", on="2026-06-01") == pytest.approx(12.71)
    assert "override" in q.get("national_living_wage_hourly", on="2027-06-01").flags
    assert not P.has("national_living_wage_hourly", "2027-06-01")


def test_override_inside_a_shipped_period_splits_it():
    q = load(overrides={"employer_ni_rate": {"2023-01-01": 0.20}})
    # the override is open-ended: from 2023-01-01 on, the user's rate wins
    assert q.value("employer_ni_rate", on="2022-12-31") == pytest.approx(0.138)
    assert q.value("employer_ni_rate", on="2023-01-01") == pytest.approx(0.20)
    assert q.value("employer_ni_rate", on="2026-06-01") == pytest.approx(0.20)


def test_csv_override_with_an_end_date(tmp_path):
    path = tmp_path / "policy.csv"
    path.write_text(
        "name,value,effective_from,effective_to,source_title\n"
        "council_care_worker_rate_hourly,13.00,2026-04-01,2027-03-31,Cabinet report 2026\n"
        "employer_ni_rate,0.16,2025-10-01,2025-12-31,What-if\n"
    )
    q = load(overrides=path)
    assert q.value("council_care_worker_rate_hourly", on="2026-04-01") == 13.00
    assert (
        q.get("council_care_worker_rate_hourly", on="2026-04-01").source_title
        == "Cabinet report 2026"
    )
    assert q.value("employer_ni_rate", on="2025-09-30") == pytest.approx(0.15)
    assert q.value("employer_ni_rate", on="2025-11-01") == pytest.approx(0.16)
    assert q.value("employer_ni_rate", on="2026-01-01") == pytest.approx(0.15)


def test_constant_override_applies_on_every_date():
    q = load(overrides={"council_uplift_cap": 0.05})
    assert q.value("council_uplift_cap", on="2031-01-01") == 0.05


# -- price indices -----------------------------------------------------------------------------
def test_cpi_ratio_september_to_september_by_hand():
    # ONS CPI (D7BT, 2015=100): September 2024 = 134.2, September 2025 = 139.3
    assert P.index_ratio("CPI", "2024-09", "2025-09") == pytest.approx(139.3 / 134.2)
    assert P.index_level("CPI", dt.date(2025, 9, 15)) == pytest.approx(139.3)


def test_published_12_month_rate_is_used_where_published():
    # ONS: CPI 12-month rate September 2025 was 3.8%
    assert P.rate_12m("CPI", "2025-09") == pytest.approx(0.038)


def test_financial_year_average_is_april_to_march():
    months = months_in_period("2024-25")
    assert str(months[0]) == "2024-04" and str(months[-1]) == "2025-03" and len(months) == 12
    expected = sum(P.index_level("CPI", str(m)) for m in months) / 12
    assert P.index_level("CPI", "2024-25") == pytest.approx(expected)


def test_user_forecast_path_extends_an_index():
    # 2% a year from the month after the last outturn: level(t) = level(t - 12) * 1.02
    last = P.index_series("CPI").index.max()
    path = {str(last + k): 0.02 for k in range(1, 25)}
    q = P.with_index_path("CPI", path, label="council's assumption")
    target = last + 12
    assert q.index_level("CPI", str(target)) == pytest.approx(
        P.index_level("CPI", str(last)) * 1.02
    )
    assert q.index_ratio("CPI", str(last), str(last + 24)) == pytest.approx(1.02 * 1.02)


def test_shipped_obr_forecast_extends_cpi():
    q = P.with_forecast("CPI")
    assert q.index_series("CPI").index.max() > P.index_series("CPI").index.max()


# -- errors ------------------------------------------------------------------------------------
def test_unknown_name_suggests_close_names():
    with pytest.raises(ParameterError) as err:
        P.value("national_livng_wage_hourly", on="2025-04-01")
    assert "unknown parameter 'national_livng_wage_hourly'" in str(err.value)
    assert "Did you mean national_living_wage_hourly" in str(err.value)


def test_date_outside_the_data_says_what_is_covered():
    with pytest.raises(ParameterError) as err:
        P.value("national_living_wage_hourly", on="2015-06-01")
    message = str(err.value)
    assert "no value on 2015-06-01" in message
    assert "covers 2016-04-01 to 2027-03-31" in message


def test_bad_date_and_unknown_index():
    with pytest.raises(ParameterError, match="is not a date: write it as YYYY-MM-DD"):
        P.value("employer_ni_rate", on="06/04/2025")
    with pytest.raises(ParameterError, match="Did you mean CPI"):
        P.index_level("CIP", "2025-01")
    with pytest.raises(ParameterError, match="the data covers 2014-01"):
        P.index_level("CPI", "2031-01")


def test_override_file_errors_name_the_row_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,value,effective_from\nnational_living_wage_hourly,13.1,1 April 2027\n")
    with pytest.raises(
        ParameterError, match=r"bad.csv, row 2, column effective_from: '1 April 2027'"
    ):
        load(overrides=bad)
    dup = tmp_path / "dup.csv"
    dup.write_text("name,value,effective_from\nx_rate,1,2027-04-01\nx_rate,2,2027-04-01\n")
    with pytest.raises(ParameterError, match="duplicate values for x_rate starting 2027-04-01"):
        load(overrides=dup)
    overlap = tmp_path / "overlap.csv"
    overlap.write_text(
        "name,value,effective_from,effective_to\nx_rate,1,2027-04-01,2028-03-31\nx_rate,2,2027-10-01,\n"
    )
    with pytest.raises(ParameterError, match="periods overlap for x_rate"):
        load(overrides=overlap)
    with pytest.raises(ParameterError, match="is not a number"):
        load(overrides={"x_rate": {"2027-04-01": "lots"}})


def test_tax_year_label():
    assert tax_year_of("2025-04-05") == "2024-25"
    assert tax_year_of("2025-04-06") == "2025-26"


# -- command line ------------------------------------------------------------------------------
def _run(argv):
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


def test_params_command_table_and_csv():
    code, text = _run(["params", "--on", "2025-04-01"])
    assert code == 0
    assert "national_living_wage_hourly" in text and "12.21" in text
    code, text = _run(["params", "--on", "2025-04-06", "--format", "csv"])
    table = pd.read_csv(io.StringIO(text))
    row = table.set_index("name").loc["employer_ni_secondary_threshold_annual"]
    assert row["value"] == 5000 and row["source_url"].startswith("https://")


def test_params_command_reports_user_errors_without_traceback(capsys):
    assert main(["params", "--on", "2025-13-01"]) == 2
    err = capsys.readouterr().err
    assert "error: date '2025-13-01' is not a date" in err
    assert "Traceback" not in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("costofcare ")
