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
from pathlib import Path

import pandas as pd
import pytest

from costofcare.cli import main
from costofcare.errors import ParameterError
from costofcare.parameters import (
    STATUSES,
    StatutoryFigures,
    load,
    months_in_period,
    non_confirmed,
    tax_year_of,
)

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


def test_2026_27_pension_thresholds_follow_the_published_review():
    # Written Ministerial Statement HCWS1206 (18 Dec 2025): all three kept at 2025-26 levels
    for name, expected in (
        ("pension_earnings_trigger_annual", 10_000),
        ("pension_qualifying_earnings_lower_annual", 6_240),
        ("pension_qualifying_earnings_upper_annual", 50_270),
    ):
        v = P.get(name, on="2026-06-01")
        assert v.value == expected and v.status == "confirmed", name
        assert "HCWS1206" in v.source_title and "projection" not in v.flags


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
    assert "error: --on '2025-13-01' is not a date" in err
    assert "Traceback" not in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("costofcare ")


# -- the year councils are setting now: 2027-28 ------------------------------------------------
# Each figure by hand from its source: the employer rate and the Employment Allowance are set in
# primary legislation with no end date (National Insurance Contributions (Secondary Class 1
# Contributions) Act 2025 ss1 and 3); the £5,000 secondary threshold was announced at the
# Autumn Budget 2025 to April 2031 (the 2025 Act fixed it for 2025-26 only); the pension
# thresholds and SSP for 2027-28 were not announced by November 2026, so the 2026-27 level is
# carried forward as an assumption.
@pytest.mark.parametrize(
    "name, expected, status, source_has",
    [
        ("employer_ni_rate", 0.15, "confirmed", "legislation.gov.uk/ukpga/2025/11"),
        ("employment_allowance_annual", 10_500, "confirmed", "legislation.gov.uk/ukpga/2025/11"),
        ("employer_ni_secondary_threshold_annual", 5_000, "announced", "autumn-budget"),
        ("employer_ni_secondary_threshold_weekly", 96, "announced", "autumn-budget"),
        ("pension_employer_min_rate", 0.03, "confirmed", "https://"),
        ("pension_earnings_trigger_annual", 10_000, "assumption", "gov.uk"),
        ("pension_qualifying_earnings_lower_annual", 6_240, "assumption", "gov.uk"),
        ("pension_qualifying_earnings_upper_annual", 50_270, "assumption", "gov.uk"),
        ("ssp_weekly", 123.25, "assumption", "gov.uk"),
        ("ssp_waiting_days", 0, "confirmed", "gov.uk"),
        ("ssp_earnings_replacement_cap_rate", 0.80, "confirmed", "gov.uk"),
    ],
)
def test_2027_28_figures_carry_status_and_source(name, expected, status, source_has):
    v = P.get(name, on="2027-04-06")
    assert v.value == pytest.approx(expected)
    assert v.status == status
    assert source_has in v.source_url and v.source_title


def test_secondary_threshold_announced_to_april_2031_and_no_further():
    assert P.value("employer_ni_secondary_threshold_annual", on="2031-04-05") == 5_000
    assert not P.has("employer_ni_secondary_threshold_annual", "2031-04-06")


def test_2026_27_ssp_rate_from_the_dwp_table():
    # DWP proposed benefit and pension rates 2026 to 2027: £118.75 -> £123.25 (+3.8%)
    v = P.get("ssp_weekly", on="2026-04-06")
    assert v.value == 123.25 and v.status == "confirmed"
    assert v.source_url.startswith("https://www.gov.uk/government/publications/benefit-and-pension")
    assert round(118.75 * 1.038 / 0.05) * 0.05 == pytest.approx(123.25)  # CPI to Sept 2025


def test_no_2027_28_wage_floor_is_shipped():
    # LPC remit 2026 asks for rates from 1 April 2027; no rate was announced by November 2026
    assert not P.has("national_living_wage_hourly", "2027-04-01")


def test_statutory_figures_in_force_for_2027_28():
    f = StatutoryFigures.in_force(P, "2027-04-06")
    assert (f.employer_ni_rate, f.employer_ni_threshold_annual) == (0.15, 5_000)
    assert f.employment_allowance_annual == 10_500
    assert (f.pension_employer_rate, f.pension_trigger_annual) == (0.03, 10_000)
    assert (f.pension_lower_annual, f.pension_upper_annual) == (6_240, 50_270)
    assert (f.ssp_weekly, f.ssp_waiting_days, f.holiday_weeks) == (123.25, 0, 5.6)
    assert f.ssp_earnings_replacement_cap_rate == 0.80
    assert f.ssp_lower_earnings_limit_weekly == 0  # no minimum earnings since 6 April 2026
    from costofcare.costs.oncosts import employer_ni_annual

    # a care worker on £25,000 a year: (25,000 - 5,000) x 15% = £3,000
    assert float(
        employer_ni_annual(25_000, f.employer_ni_rate, f.employer_ni_threshold_annual)
    ) == (pytest.approx((25_000 - 5_000) * 0.15))


# -- status ------------------------------------------------------------------------------------
def test_every_shipped_value_has_a_known_status():
    for name in P.names:
        statuses = set(P.history(name)["status"])
        assert statuses <= set(STATUSES), (name, statuses)


def test_values_from_recollection_are_assumptions():
    v = P.get("ssp_weekly", on="2018-06-01")  # 92.05, remembered, not seen in a source
    assert v.status == "assumption" and not v.confirmed


def test_non_confirmed_lists_the_figures_a_2027_28_price_uses():
    used = StatutoryFigures.values_in_force(P, "2027-04-06")
    listed = non_confirmed(used + used)  # a figure looked up twice is listed once
    assert list(listed["name"]) == [
        "employer_ni_secondary_threshold_annual",
        "pension_earnings_trigger_annual",
        "pension_qualifying_earnings_lower_annual",
        "pension_qualifying_earnings_upper_annual",
        "ssp_weekly",
    ]
    assert dict(zip(listed["name"], listed["status"], strict=True)) == {
        "employer_ni_secondary_threshold_annual": "announced",
        "pension_earnings_trigger_annual": "assumption",
        "pension_qualifying_earnings_lower_annual": "assumption",
        "pension_qualifying_earnings_upper_annual": "assumption",
        "ssp_weekly": "assumption",
    }
    assert (listed["source_title"].str.len() > 0).all()


def test_non_confirmed_is_empty_when_every_figure_is_confirmed():
    used = StatutoryFigures.values_in_force(P, "2025-04-06")
    assert non_confirmed(used).empty
    assert list(non_confirmed(used).columns) == [
        "name",
        "value",
        "unit",
        "effective_from",
        "effective_to",
        "flags",
        "status",
        "source_title",
        "source_url",
        "note",
    ]


def test_in_force_filters_by_status_and_non_confirmed_reads_the_table():
    announced = P.in_force("2027-04-06", statuses=["announced"])
    assert set(announced["name"]) == {
        "employer_ni_secondary_threshold_annual",
        "employer_ni_secondary_threshold_weekly",
    }
    table = P.in_force("2027-04-06")
    assert "status" in table.columns
    assert set(non_confirmed(table)["status"]) == {"announced", "assumption"}
    with pytest.raises(ParameterError, match="unknown status.*guess"):
        P.in_force("2027-04-06", statuses=["guess"])


def test_in_force_outside_the_data_is_an_empty_table_with_columns():
    table = P.in_force("1990-01-01")
    assert table.empty and "status" in table.columns


def test_user_assumption_with_its_source_replaces_a_shipped_assumption():
    q = load(
        overrides={
            "ssp_weekly": {
                "2027-04-06": {
                    "value": 127.90,
                    "source": "council: 2026-27 rate + 3.8%",
                    "note": "pending the DWP table",
                }
            }
        }
    )
    v = q.get("ssp_weekly", on="2027-04-06")
    assert (v.value, v.status, v.source_title) == (
        127.90,
        "assumption",
        "council: 2026-27 rate + 3.8%",
    )
    assert "override" in v.flags
    assert P.value("ssp_weekly", on="2027-04-06") == 123.25  # shipped data untouched
    with pytest.raises(ParameterError, match="unknown key.*valu"):
        load(overrides={"ssp_weekly": {"2027-04-06": {"valu": 1}}})


def test_override_csv_status_defaults_to_assumption_and_is_checked(tmp_path):
    path = tmp_path / "policy.csv"
    path.write_text(
        "name,value,effective_from,status,source_title\n"
        "national_living_wage_hourly,13.20,2027-04-01,,council assumption (LPC central)\n"
        "ssp_weekly,127.90,2027-04-06,announced,DWP proposed rates 2027 to 2028\n"
    )
    q = load(overrides=path)
    assert q.get("national_living_wage_hourly", on="2027-04-01").status == "assumption"
    assert q.get("ssp_weekly", on="2027-04-06").status == "announced"
    bad = tmp_path / "bad.csv"
    bad.write_text("name,value,effective_from,status\nssp_weekly,1,2027-04-06,likely\n")
    with pytest.raises(ParameterError, match=r"bad.csv, row 2, column status: 'likely'"):
        load(overrides=bad)


def test_shipped_rows_must_state_a_status():
    from costofcare.parameters.loader import parse_value_rows

    rows = [{"name": "x_rate", "value": "1", "effective_from": "2027-04-06", "status": ""}]
    with pytest.raises(ParameterError, match="parameters.csv, row 2, column status: empty"):
        parse_value_rows(rows, "parameters.csv", default_status=None)


def test_status_from_older_flags():
    from costofcare.parameters.loader import status_from_flags

    assert status_from_flags("unconfirmed;projection") == "assumption"
    assert status_from_flags("forecast;secondary") == "forecast"
    assert status_from_flags("secondary") == "confirmed"


# -- command line: dates outside the data, pipes, status ---------------------------------------
@pytest.mark.parametrize("on", ["2031-04-06", "2010-01-01"])
def test_params_on_a_date_outside_the_data_is_one_line_and_exit_2(on, capsys):
    assert main(["params", "--on", on]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"costofcare params: error: no data for {on}:")
    assert "--overrides" in lines[0]


def test_params_for_2027_28_now_covered():
    code, text = _run(["params", "--on", "2027-04-06", "--format", "csv"])
    assert code == 0
    table = pd.read_csv(io.StringIO(text)).set_index("name")
    assert table.loc["employer_ni_rate", "status"] == "confirmed"
    assert table.loc["ssp_weekly", "status"] == "assumption"


def test_params_status_filter():
    code, text = _run(["params", "--on", "2027-04-06", "--status", "assumption", "--format", "csv"])
    assert code == 0
    table = pd.read_csv(io.StringIO(text))
    assert set(table["status"]) == {"assumption"}
    assert set(table["name"]) == {
        "pension_earnings_trigger_annual",
        "pension_qualifying_earnings_lower_annual",
        "pension_qualifying_earnings_upper_annual",
        "ssp_weekly",
    }


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_params_piped_into_head_gives_no_traceback(fmt):
    import subprocess
    import sys

    command = (
        f"'{sys.executable}' -m costofcare.cli params --on 2026-05-01 --format {fmt} | head -1"
    )
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command}"], capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr
    assert done.stderr == ""
    assert len(done.stdout.splitlines()) == 1
    assert done.returncode in (0, 1)  # 1 when the reader left before the output ended


def test_price_runs_for_a_period_starting_1_april_2027(tmp_path):
    source = (
        Path(__file__).resolve().parents[1]
        / "workbooks/examples/drivers/hca-minimum-price-2020-21-per-worker.toml"
    )
    text = source.read_text(encoding="utf-8")
    assert 'period_start = "2020-04-01"' in text
    drivers = tmp_path / "drivers-2027-28.toml"
    drivers.write_text(text.replace('period_start = "2020-04-01"', 'period_start = "2027-04-01"'))
    code, out = _run(["price", "home_care", str(drivers)])
    assert code == 0
    assert "2027-04-01 to 2028-03-31" in out
    # figures read on 6 April 2027, the first day of the 2027-28 tax year
    assert "employer_ni_secondary_threshold_annual = 5000" in out
    assert "(from 2027-04-06)" in out
