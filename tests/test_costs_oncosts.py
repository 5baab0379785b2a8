"""Worked examples for employer on-costs per worker, with the arithmetic written out.

2025-26 figures (tax year from 6 April 2025): employer NI 15% above £5,000 a year; employer
pension 3% of qualifying earnings between £6,240 and £50,270 for workers earning £10,000+;
Employment Allowance £10,500; SSP £118.75 a week, 3 waiting days, lower earnings limit £125
a week. 2026-27: SSP £123.25, no waiting days, no lower earnings limit, capped at 80% of
average weekly earnings.
"""

import numpy as np
import pytest

from costofcare.costs.oncosts import (
    effective_oncost_rates,
    employer_ni_annual,
    employer_ni_annual_by_pay_period,
    employer_pension_annual,
    employment_allowance_used,
    holiday_pay_rate,
    statutory_sick_pay_annual,
)
from costofcare.parameters import load

WEEKS = 365 / 7


@pytest.fixture(scope="module")
def p25():
    p = load()
    names = [
        "employer_ni_rate",
        "employer_ni_secondary_threshold_annual",
        "pension_employer_min_rate",
        "pension_qualifying_earnings_lower_annual",
        "pension_qualifying_earnings_upper_annual",
        "pension_earnings_trigger_annual",
        "employment_allowance_annual",
    ]
    return p.values_on("2025-04-06", names)


def test_shipped_2025_figures_are_the_ones_the_examples_use(p25):
    assert p25 == {
        "employer_ni_rate": 0.15,
        "employer_ni_secondary_threshold_annual": 5000,
        "pension_employer_min_rate": 0.03,
        "pension_qualifying_earnings_lower_annual": 6240,
        "pension_qualifying_earnings_upper_annual": 50270,
        "pension_earnings_trigger_annual": 10000,
        "employment_allowance_annual": 10500,
    }


def test_worker_below_the_ni_secondary_threshold_pays_no_employer_ni():
    earnings = 6 * 12.21 * WEEKS  # 6 hours a week at £12.21: £3,819.99 a year (73.26 x 52.143)
    assert earnings == pytest.approx(3819.99, abs=0.01)
    assert employer_ni_annual(earnings, 0.15, 5000) == 0.0
    # ...and is below the pension trigger and the qualifying earnings lower limit
    assert employer_pension_annual(earnings, 0.03, 6240, 50270, 10000) == 0.0


def test_part_week_worker_16_hours():
    earnings = 16 * 12.21 * WEEKS  # £10,186.71 a year
    assert employer_ni_annual(earnings, 0.15, 5000) == pytest.approx(
        0.15 * (16 * 12.21 * 365 / 7 - 5000)  # = £778.01
    )
    # above the £10,000 trigger: 3% of (earnings - £6,240)
    assert employer_pension_annual(earnings, 0.03, 6240, 50270, 10000) == pytest.approx(
        0.03 * (16 * 12.21 * 365 / 7 - 6240)  # = £118.40
    )


def test_worker_above_the_pension_upper_limit_is_capped():
    earnings = 45 * 22.00 * WEEKS  # £51,621.43 a year, above £50,270
    assert employer_pension_annual(earnings, 0.03, 6240, 50270, 10000) == pytest.approx(
        0.03 * (50270 - 6240)  # = £1,320.90
    )
    # NI has no upper limit for the employer
    assert employer_ni_annual(earnings, 0.15, 5000) == pytest.approx(
        0.15 * (51621.43 - 5000), abs=0.01
    )


def test_pension_opt_out_scales_the_expected_contribution():
    full = employer_pension_annual(20000, 0.03, 6240, 50270, 10000)
    assert full == pytest.approx(0.03 * (20000 - 6240))  # £412.80
    assert employer_pension_annual(20000, 0.03, 6240, 50270, 10000, opt_out=0.1) == pytest.approx(
        0.9 * 412.80
    )


def test_between_lower_limit_and_trigger_no_auto_enrolment():
    # £8,000 is above the £6,240 lower limit but below the £10,000 trigger
    assert employer_pension_annual(8000, 0.03, 6240, 50270, 10000) == 0.0


def test_employment_allowance_is_taken_once_at_employer_level():
    # 100 workers on 30 hours at £12.21: each earns 30 * 12.21 * 365/7 = £19,099.93
    out = effective_oncost_rates(
        np.array([30.0]),
        np.array([100.0]),
        12.21,
        WEEKS,
        employer_ni_rate=0.15,
        employer_ni_threshold_annual=5000,
        pension_employer_rate=0.03,
        pension_lower_annual=6240,
        pension_upper_annual=50270,
        pension_trigger_annual=10000,
        employment_allowance_annual=10500,
    )
    earnings = 30 * 12.21 * 365 / 7
    ni_total = 100 * 0.15 * (earnings - 5000)  # £211,498.93
    assert out["ni_annual"] == pytest.approx(ni_total)
    assert out["employment_allowance_annual"] == pytest.approx(10500)
    assert out["ni_share"] == pytest.approx((ni_total - 10500) / (100 * earnings))
    assert out["pension_share"] == pytest.approx(0.03 * (earnings - 6240) / earnings)
    # a tiny employer cannot claim more allowance than its NI bill
    assert employment_allowance_used(800.0, 10500) == 800.0


def test_effective_rates_from_an_hours_distribution():
    # 2 workers on 6 hours (no NI, no pension), 1 on 16 hours, 1 on 45 hours at £22
    hours = np.array([6.0, 16.0, 45.0])
    counts = np.array([2.0, 1.0, 1.0])
    rates = np.array([12.21, 12.21, 22.00])
    out = effective_oncost_rates(
        hours,
        counts,
        rates,
        WEEKS,
        employer_ni_rate=0.15,
        employer_ni_threshold_annual=5000,
        pension_employer_rate=0.03,
        pension_lower_annual=6240,
        pension_upper_annual=50270,
        pension_trigger_annual=10000,
    )
    e6, e16, e45 = 6 * 12.21 * WEEKS, 16 * 12.21 * WEEKS, 45 * 22.0 * WEEKS
    pay = 2 * e6 + e16 + e45
    ni = 0.15 * (e16 - 5000) + 0.15 * (e45 - 5000)
    pension = 0.03 * (e16 - 6240) + 0.03 * (50270 - 6240)
    assert out["ni_share"] == pytest.approx(ni / pay)
    assert out["pension_share"] == pytest.approx(pension / pay)


def test_effective_rates_vectorise_over_providers_and_draws():
    rates = np.array([[11.0], [12.0], [13.0]])  # 3 providers, trailing band axis
    hours = np.array([10.0, 30.0])
    out = effective_oncost_rates(
        hours,
        np.array([1.0, 1.0]),
        rates,
        WEEKS,
        employer_ni_rate=0.15,
        employer_ni_threshold_annual=5000,
        pension_employer_rate=0.03,
        pension_lower_annual=6240,
        pension_upper_annual=50270,
        pension_trigger_annual=10000,
    )
    assert out["ni_share"].shape == (3,)
    # a higher rate lifts more pay above the threshold: the NI share rises
    assert np.all(np.diff(out["ni_share"]) > 0)


def test_holiday_rate_from_statutory_weeks():
    # a year is 365 / 7 weeks unless stated: 5.6 / (52.143 - 5.6) = 12.03%
    assert holiday_pay_rate(5.6) == pytest.approx(5.6 / (365 / 7 - 5.6))
    assert round(float(holiday_pay_rate(5.6)), 4) == 0.1203
    # a published model that used 52 weeks states them: 12.07%
    assert holiday_pay_rate(5.6, 52) == pytest.approx(5.6 / (52 - 5.6))
    assert round(float(holiday_pay_rate(5.6, 52)), 4) == 0.1207


def test_pension_opt_in_below_the_trigger_and_opt_out_above():
    # £8,000 a year: qualifying earnings 8,000 - 6,240 but under the £10,000 trigger, so the
    # employer pays only for the share who opt in
    assert employer_pension_annual(8_000, 0.03, 6240, 50270, 10000) == 0.0
    assert employer_pension_annual(
        8_000, 0.03, 6240, 50270, 10000, opt_in_below_trigger=0.25
    ) == pytest.approx(0.25 * 0.03 * (8_000 - 6_240))
    # £20,000 a year: auto-enrolled; 10% opt out
    assert employer_pension_annual(
        20_000, 0.03, 6240, 50270, 10000, opt_out=0.1, opt_in_below_trigger=0.25
    ) == pytest.approx(0.9 * 0.03 * (20_000 - 6_240))


def test_ssp_before_and_after_the_april_2026_reform():
    weekly = 16 * 12.21  # £195.36 a week
    # 2025-26: 10 days sick in 2 spells, 3 waiting days each -> 4 days at £118.75 / 5
    assert statutory_sick_pay_annual(weekly, 10, 2, 5, 118.75, 3, 125) == pytest.approx(
        (10 - 2 * 3) * 118.75 / 5  # £95.00
    )
    # below the £125 lower earnings limit: nothing
    assert statutory_sick_pay_annual(8 * 12.21, 10, 2, 5, 118.75, 3, 125) == 0.0
    # 2026-27: no waiting days, no lower limit, the lower of £123.25 and 80% of earnings
    assert statutory_sick_pay_annual(weekly, 10, 2, 5, 123.25, 0, 0, 0.8) == pytest.approx(
        10 * 123.25 / 5  # £246.50 (80% of £195.36 = £156.29 is above £123.25)
    )
    low = 8 * 12.71  # £101.68 a week
    assert statutory_sick_pay_annual(low, 10, 2, 5, 123.25, 0, 0, 0.8) == pytest.approx(
        10 * 0.8 * 8 * 12.71 / 5  # £162.69
    )


# ----------------------------------------------------------------------------- NI per pay period
def test_shipped_2025_weekly_threshold_is_96():
    assert load().value("employer_ni_secondary_threshold_weekly", on="2025-04-06") == 96


def test_ni_per_week_10_and_30_hours_equals_20_every_week_when_every_week_is_above_96():
    # 2025-26: 15% above £96 a week, pay £12.21 an hour.
    #   10 hours: £122.10;  NI 0.15 x (122.10 - 96) = 0.15 x  26.10 =  3.915
    #   30 hours: £366.30;  NI 0.15 x (366.30 - 96) = 0.15 x 270.30 = 40.545
    #   two weeks: 44.46, i.e. 22.23 a week
    #   20 hours: £244.20;  NI 0.15 x (244.20 - 96) = 0.15 x 148.20 = 22.23 a week
    # Both weeks are above the threshold, so the varying pattern pays the same NI.
    varying = employer_ni_annual_by_pay_period([10 * 12.21, 30 * 12.21], 0.15, 96)
    steady = employer_ni_annual_by_pay_period([20 * 12.21, 20 * 12.21], 0.15, 96)
    assert varying == pytest.approx(22.23 * WEEKS, abs=1e-6)  # £1,159.14 a year
    assert steady == pytest.approx(22.23 * WEEKS, abs=1e-6)


def test_ni_per_week_is_higher_when_some_weeks_fall_below_the_threshold():
    #    5 hours: £61.05, below £96: NI 0
    #   35 hours: £427.35;  NI 0.15 x (427.35 - 96) = 0.15 x 331.35 = 49.7025
    #   average 49.7025 / 2 = 24.85125 a week, against 22.23 for 20 hours every week:
    #   2.62125 a week (11.8%) more, £136.68 a year (2.62125 x 365 / 7).
    varying = employer_ni_annual_by_pay_period([5 * 12.21, 35 * 12.21], 0.15, 96)
    steady = employer_ni_annual_by_pay_period([20 * 12.21] * 2, 0.15, 96)
    assert varying == pytest.approx(24.85125 * WEEKS, abs=1e-6)
    assert varying - steady == pytest.approx(2.62125 * WEEKS, abs=1e-6)


def test_ni_per_pay_period_works_row_by_row_with_each_workers_figures():
    # Two workers: the 5/35 pattern under 2025-26 (15% above £96) and 20 hours every week
    # under 2024-25 (13.8% above £175 a week: £244.20 - 175 = 69.20, x 0.138 = 9.5496).
    got = employer_ni_annual_by_pay_period(
        [[5 * 12.21, 35 * 12.21], [20 * 12.21, 20 * 12.21]], [0.15, 0.138], [96, 175], 1
    )
    np.testing.assert_allclose(got, [24.85125, 9.5496], atol=1e-9)


def test_annualised_ni_misses_the_quiet_week_effect():
    # The annual kernel sees only the year's total: 5/35 hours averages £244.20 a week, the
    # same as 20 hours every week, so it gives both workers the same NI.
    annual_pay = 20 * 12.21 * WEEKS
    assert employer_ni_annual(annual_pay, 0.15, 5000) == pytest.approx(
        0.15 * (244.20 * 365 / 7 - 5000), abs=1e-6
    )
