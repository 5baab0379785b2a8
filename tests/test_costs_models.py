"""Worked examples for each service's modelled unit cost, and invariants as properties."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costofcare.cli import main
from costofcare.costs.drivers import resolve_frame
from costofcare.costs.modelled import (
    care_home_cost_arrays,
    home_care_cost_arrays,
    modelled_unit_cost,
)
from costofcare.costs.price import price, summarise
from costofcare.errors import UserError
from costofcare.money import round_half_up
from costofcare.parameters import load

WEEKS = 365 / 7


@pytest.fixture(scope="module")
def params():
    return load()


def test_home_care_2025_per_worker_by_hand(params):
    # one band: 16 paid hours a week at £12.60; 2025-26 NI 15% over £5,000, pension 3%
    raw = {
        "period_start": "2025-04-01",
        "pay_rate_per_hour": 12.60,
        "travel_minutes_per_contact_hour": 15,
        "miles_per_contact_hour": 4,
        "training_rate": 0.02,
        "sick_pay_rate": 0.03,
        "workers": [{"hours_per_week": 16, "count": 1}],
        "overheads_basis": "markup_on_cost",
        "overheads_rate": 0.30,
        "surplus_rate": 0.03,
    }
    r = price(raw, "home_care", params)
    lines = r.lines.set_index("line")["cost_per_unit"]
    time_pay = 12.60 * (1 + 15 / 60)  # £15.75
    holiday = 5.6 / (365 / 7 - 5.6)  # 12.03%: 5.6 weeks of a 365-day year
    assert lines["holiday_pay"] == pytest.approx(holiday * time_pay)
    earnings = 16 * 12.60 * WEEKS  # £10,512.00 a year (52.143 weeks)
    ni_share = 0.15 * (earnings - 5000) / earnings
    pension_share = 0.03 * (earnings - 6240) / earnings
    all_pay = time_pay * (1 + holiday + 0.03 + 0.02)
    assert lines["employer_ni"] == pytest.approx(ni_share * all_pay, rel=1e-4)
    assert lines["employer_pension"] == pytest.approx(pension_share * all_pay, rel=1e-4)
    assert lines["mileage"] == pytest.approx(4 * 0.45)  # HMRC rate from the parameters
    direct = all_pay + lines["employer_ni"] + lines["employer_pension"] + 4 * 0.45
    assert r.total == pytest.approx(direct * 1.30 * 1.03)
    used = set(r.defaults_used["driver"])
    assert {"mileage_rate_per_mile", "employer_ni_rate", "statutory_holiday_weeks"} <= used


def _care_home(occupancy):
    # 50 beds; care staff 24 h per resident at £12.60; manager 40 h fixed at £20;
    # flat on-costs 20% of pay; food £40 per resident week; utilities £60,000 a year;
    # return on operations 5% mark-up; return on capital 6% of £50,000 per bed
    return care_home_cost_arrays(
        beds=50,
        occupancy=occupancy,
        staff_rate_per_hour={"care_staff": 12.60, "service_management": 20.0},
        staff_hours_per_week={"service_management": 40},
        staff_hours_per_resident_week={"care_staff": 24},
        holiday_rate=0.12,
        employer_ni_rate_of_pay=0.08,
        non_staffing_per_resident_week={"food": 40.0},
        non_staffing_annual={"utilities": 60_000},
        return_on_operations_rate=0.05,
        freehold_value_per_bed=50_000,
        return_on_capital_rate=0.06,
        weeks_per_year=WEEKS,
    )


@pytest.mark.parametrize("occupancy", [0.80, 0.95])
def test_care_home_at_80_and_95_percent_occupancy(occupancy):
    lines = {k: float(v) for k, v in _care_home(occupancy).items()}
    residents = 50 * occupancy  # 40 or 47.5
    assert lines["care_staff"] == pytest.approx(24 * 12.60 * 1.20)  # variable: £362.88 either way
    assert lines["service_management"] == pytest.approx(40 * 20 * 1.20 / residents)
    assert lines["utilities"] == pytest.approx(60_000 / (residents * WEEKS))
    assert lines["food"] == 40.0
    cost = 362.88 + 960 / residents + 40 + 60_000 / (residents * WEEKS)
    assert lines["return_on_operations"] == pytest.approx(0.05 * cost)
    assert lines["return_on_capital"] == pytest.approx(50_000 * 50 * 0.06 / WEEKS / residents)


def test_lower_occupancy_raises_the_cost_per_resident_week():
    at80 = sum(float(v) for v in _care_home(0.80).values())
    at95 = sum(float(v) for v in _care_home(0.95).values())
    # at 80%: 362.88 + 960/40 + 40 + 60000/(40*52.143) = 455.65 before returns
    assert at80 > at95

    # only the fixed costs (manager, utilities) and the return on capital differ:
    def spread(residents):
        fixed = 960 / residents + 60_000 / (residents * WEEKS)  # both get the 5% return
        return 1.05 * fixed + 50_000 * 50 * 0.06 / WEEKS / residents

    assert at80 - at95 == pytest.approx(spread(40) - spread(47.5))


def test_supported_living_support_hour_by_hand(params):
    raw = {
        "period_start": "2026-04-01",
        "non_contact_minutes_per_contact_hour": 6,
        "ni_basis": "flat_percent",
        "employer_ni_rate_of_pay": 0.10,
        "pension_basis": "flat_percent",
        "employer_pension_rate_of_pay": 0.03,
        "sick_pay_rate": 0.02,
        "training_rate": 0.01,
        "overheads_basis": "share_of_price",
        "overheads_rate": 0.20,
        "surplus_rate": 0.05,
    }
    r = price(raw, "supported_living", params)
    nlw = 12.71  # National Living Wage from 1 April 2026
    time_pay = nlw * (1 + 6 / 60)
    direct = time_pay * (1 + 5.6 / (365 / 7 - 5.6) + 0.02 + 0.01 + 0.10 + 0.03)
    assert r.total == pytest.approx(direct / (1 - 0.20 - 0.05))
    assert r.totals["unit"] == "support_hour"
    assert "national_living_wage_hourly" in set(r.defaults_used["driver"])


def test_many_providers_in_one_call(params):
    rows = pd.DataFrame(
        {
            "provider": ["A", "B"],
            "period_start": ["2025-04-01", "2025-04-01"],
            "pay_rate_per_hour": [12.21, 13.00],
        }
    )
    drivers, defaults = resolve_frame(rows, "home_care", params)
    lines = modelled_unit_cost(drivers, "home_care")
    totals = summarise(lines).set_index("provider")["total"]
    assert totals["B"] > totals["A"]
    assert set(defaults["provider"]) == {"A", "B"}
    assert not lines["cost_per_unit"].isna().any()


def test_round_half_up_is_half_away_from_zero():
    assert round_half_up(2.675) == 2.68  # binary 2.67499..., Excel shows 2.68
    assert round_half_up(0.125) == 0.13 and round(0.125, 2) == 0.12


# ----------------------------------------------------------------------------- errors


def test_nan_driver_is_refused_not_silent():
    with pytest.raises(UserError, match="'contact_pay' is not a number for provider 'X'"):
        modelled_unit_cost(
            pd.DataFrame({"provider": ["X"], "pay_rate_per_hour": [np.nan]}), "home_care"
        )


def test_unknown_driver_and_missing_period_messages(params, tmp_path, capsys):
    f = tmp_path / "d.toml"
    f.write_text('period_start = "2025-04-01"\ntravel_minutes = 12\n')
    assert main(["price", "home_care", str(f)]) == 2
    err = capsys.readouterr().err
    assert "unknown driver(s) for home_care: travel_minutes" in err
    assert "travel_minutes_per_contact_hour" in err
    f.write_text("pay_rate_per_hour = 12.0\n")
    assert main(["price", "home_care", str(f)]) == 2
    assert "period_start is required" in capsys.readouterr().err
    f.write_text('period_start = "2025-04-01"\nni_basis = "flat_percent"\n')
    assert main(["price", "home_care", str(f)]) == 2
    assert "ni_basis = flat_percent needs employer_ni_rate_of_pay" in capsys.readouterr().err
    f.write_text(
        'period_start = "2025-04-01"\noverheads_basis = "share_of_price"\n'
        "overheads_rate = 0.8\nsurplus_rate = 0.3\n"
    )
    assert main(["price", "home_care", str(f)]) == 2
    assert "must be below 1 when they are shares of price" in capsys.readouterr().err
    f.write_text('period_start = "2010-04-01"\n')
    assert main(["price", "home_care", str(f)]) == 2
    assert "national_living_wage_hourly has no value on 2010-04-01" in capsys.readouterr().err


def test_price_table_output_lists_defaults(tmp_path, capsys):
    f = tmp_path / "d.toml"
    f.write_text('period_start = "2025-04-01"\n')
    assert main(["price", "home_care", str(f), "--set", "pay_rate_per_hour=13"]) == 0
    out = capsys.readouterr().out
    assert "Direct care" in out and "13.00" in out
    assert "Defaults and dated figures used:" in out
    assert "travel_minutes_per_contact_hour = 11.7" in out


# ------------------------------------------------------------------------- properties

DRIVER_RANGES = {
    "travel_minutes_per_contact_hour": (0.0, 40.0),
    "non_contact_minutes_per_contact_hour": (0.0, 20.0),
    "holiday_rate": (0.0, 0.2),
    "sick_pay_rate": (0.0, 0.1),
    "training_rate": (0.0, 0.1),
    "employer_ni_rate_of_pay": (0.0, 0.15),
    "employer_pension_rate_of_pay": (0.0, 0.05),
    "miles_per_contact_hour": (0.0, 10.0),
    "mileage_rate_per_mile": (0.0, 0.6),
    "ppe_per_contact_hour": (0.0, 1.0),
    "overheads_rate": (0.0, 0.4),
    "surplus_rate": (0.0, 0.1),
}
drivers_strategy = st.fixed_dictionaries(
    {k: st.floats(lo, hi) for k, (lo, hi) in DRIVER_RANGES.items()}
    | {
        "pay_rate_per_hour": st.floats(5.0, 40.0),
        "overheads_basis": st.sampled_from(["share_of_price", "markup_on_cost"]),
    }
)


def _total(d):
    return float(sum(home_care_cost_arrays(**d).values()))


@settings(max_examples=150, deadline=None)
@given(drivers_strategy, st.floats(0.01, 5.0))
def test_cost_rises_with_pay_rate(d, rise):
    assert _total({**d, "pay_rate_per_hour": d["pay_rate_per_hour"] + rise}) > _total(d)


@settings(max_examples=150, deadline=None)
@given(drivers_strategy, st.sampled_from(sorted(DRIVER_RANGES)), st.floats(0.0, 0.5))
def test_cost_never_falls_when_a_cost_driver_rises(d, key, rise):
    assert _total({**d, key: d[key] + rise}) >= _total(d) - 1e-12


@settings(max_examples=100, deadline=None)
@given(drivers_strategy)
def test_no_line_is_nan_and_lines_add_up(d):
    lines = home_care_cost_arrays(**d)
    assert all(np.isfinite(v) for v in lines.values())


@settings(max_examples=100, deadline=None)
@given(st.floats(1, 200), st.floats(0.3, 1.0), st.floats(1.5, 4.0))
def test_care_home_scales_with_size(beds, occupancy, k):
    """k times the beds, fixed hours and annual costs: the same cost per resident week."""

    def lines(scale):
        return care_home_cost_arrays(
            beds=beds * scale,
            occupancy=occupancy,
            staff_rate_per_hour={"care_staff": 12.0, "service_management": 20.0},
            staff_hours_per_week={"service_management": 40 * scale},
            staff_hours_per_resident_week={"care_staff": 20},
            holiday_rate=0.12,
            non_staffing_annual={"utilities": 50_000 * scale},
            return_on_operations_rate=0.05,
            freehold_value_per_bed=40_000,
            return_on_capital_rate=0.06,
        )

    a, b = lines(1.0), lines(k)
    for key in a:
        assert float(b[key]) == pytest.approx(float(a[key]), rel=1e-9)


def test_arrays_broadcast_over_providers_and_draws():
    rates = np.linspace(11, 14, 4)[:, None]  # 4 providers
    travel = np.random.default_rng(1).uniform(5, 20, size=(1, 1000))  # 1,000 draws
    lines = home_care_cost_arrays(
        pay_rate_per_hour=rates,
        travel_minutes_per_contact_hour=travel,
        overheads_rate=0.3,
        overheads_basis="markup_on_cost",
    )
    assert lines["travel_time_pay"].shape == (4, 1000)
    assert lines["contact_pay"].shape == (4, 1000)


def test_flat_ni_beside_per_worker_pension_by_hand(params):
    # NI as a flat 5% of pay for time worked, pension worked out per worker (one band of
    # 16 hours at £12.60: £10,512 a year, over the £10,000 trigger; 3% above £6,240)
    from costofcare.costs.drivers import resolve

    raw = {
        "period_start": "2025-04-01",
        "pay_rate_per_hour": 12.60,
        "holiday_rate": 0.10,
        "sick_pay_rate": 0.03,
        "training_rate": 0.02,
        "ni_basis": "flat_percent",
        "employer_ni_rate_of_pay": 0.05,
        "pension_basis": "per_worker",
        "workers": [{"hours_per_week": 16, "count": 1}],
    }
    resolved = resolve(raw, "home_care", params)
    v = resolved.values
    earnings = 16 * 12.60 * 365 / 7  # £10,512.00
    pension_share = 0.03 * (earnings - 6240) / earnings  # 1.219% of all pay
    assert v["employer_ni_rate_of_pay"] == 0.05
    assert "employer_ni_share_of_pay" not in v
    assert v["employer_pension_share_of_pay"] == pytest.approx(pension_share, rel=1e-12)
    assert v["employer_pension_rate_of_pay"] == pytest.approx(
        pension_share * (1 + 0.10 + 0.03 + 0.02), rel=1e-12
    )
    used = list(resolved.defaults_frame()["driver"])
    assert "employer_ni_rate" not in used  # the flat rule reads no NI figure
    pension_figures = [
        "pension_employer_min_rate",
        "pension_qualifying_earnings_lower_annual",
        "pension_qualifying_earnings_upper_annual",
        "pension_earnings_trigger_annual",
    ]
    assert [d for d in used if d in pension_figures] == pension_figures


def test_per_worker_rules_ask_for_a_yes_or_no_employment_allowance(params):
    from costofcare.costs.drivers import resolve
    from costofcare.errors import ConfigError

    raw = {"period_start": "2025-04-01", "ni_basis": "per_worker", "employment_allowance": 1}
    with pytest.raises(ConfigError, match="employment_allowance must be true or false"):
        resolve(raw, "home_care", params)
