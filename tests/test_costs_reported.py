"""Reported (top-down) unit costs from hand-built tidy values tables (no workbook needed)."""

import pandas as pd
import pytest

from costofcare.costs.price import summarise
from costofcare.costs.reported import reported_unit_cost
from costofcare.errors import UserError

WEEKS = 365 / 7  # 1 April 2025 to 31 March 2026 is 365 days


def tidy(service, singles, tables=(), provider="P1", return_id="abc123"):
    rows = []
    for k, (field, value) in enumerate(singles.items(), start=1):
        is_text = isinstance(value, str)
        rows.append(
            dict(
                table="",
                row=0,
                field=field,
                value=float("nan") if is_text else value,
                text=value if is_text else "",
                cell=f"C{k}",
            )
        )
    for table, table_rows in tables:
        for r, record in enumerate(table_rows, start=1):
            for c, (field, value) in enumerate(record.items()):
                is_text = isinstance(value, str)
                rows.append(
                    dict(
                        table=table,
                        row=r,
                        field=field,
                        value=float("nan") if is_text else value,
                        text=value if is_text else "",
                        cell=f"{'ABCDEFGH'[c]}{r + 1}",
                    )
                )
    frame = pd.DataFrame(rows)
    frame["return_id"] = return_id
    frame["provider"] = provider
    frame["service"] = service
    frame["template_version"] = ""
    frame["sheet"] = "Costs"
    return frame


def test_home_care_reported_lines_by_hand():
    values = tidy(
        "home_care",
        {
            "period_start": "2025-04-01",
            "period_end": "2026-03-31",
            "contact_hours_per_week": 1000,
            "mileage_paid_annual": 50_000,
            "premises_annual": 10_000,
            "utilities_annual": 5_000,
            "return_on_operations_rate": 0.03,
        },
        [
            (
                "staff_roles",
                [
                    {
                        "role": "Care worker",
                        "annual_gross_pay": 400_000,
                        "employer_ni_annual": 45_000,
                        "employer_pension_annual": 9_000,
                    },
                    {"role": "Registered manager", "annual_gross_pay": 35_000},
                ],
            )
        ],
    )
    lines = reported_unit_cost(values).set_index("cost_line")
    hours = 1000 * WEEKS  # 52,142.86 contact hours in the year
    # the care worker's NI and pension are lines of their own (Annex A); the manager's
    # pay stays whole under back office staff
    assert lines.loc["Care worker costs", "cost_per_unit"] == pytest.approx(400_000 / hours)
    assert lines.loc["Employer NI", "cost_per_unit"] == pytest.approx(45_000 / hours)
    assert lines.loc["Employer pension", "cost_per_unit"] == pytest.approx(9_000 / hours)
    assert set(lines.loc[["Employer NI", "Employer pension"], "category"]) == {"staffing"}
    assert lines.loc["Back office staff", "cost_per_unit"] == pytest.approx(35_000 / hours)
    assert lines.loc["Mileage", "cost_per_unit"] == pytest.approx(50_000 / hours)
    assert lines.loc["Mileage", "category"] == "non_staffing"
    assert lines.loc["Rent/rates/utilities", "cost_per_unit"] == pytest.approx(15_000 / hours)
    cost = 454_000 + 35_000 + 50_000 + 15_000
    assert lines.loc["Return on operations", "cost_per_unit"] == pytest.approx(0.03 * cost / hours)
    assert "Costs!C4" in lines.loc["Mileage", "source"]
    totals = summarise(reported_unit_cost(values)).iloc[0]
    assert totals["staffing_share"] == pytest.approx(489_000 / cost)
    assert totals["total"] == pytest.approx(cost * 1.03 / hours)


def test_care_home_at_occupied_and_standard_occupancy():
    values = tidy(
        "care_home",
        {
            "period_start": "2025-04-01",
            "period_end": "2026-03-31",
            "registered_beds": 40,
            "average_occupancy": 0.80,
            "food_annual": 80_000,
            "utilities_annual": 60_000,
        },
        [("staff_roles", [{"role": "Care worker", "annual_gross_pay": 900_000}])],
    )
    out = reported_unit_cost(values, standard_occupancy=0.95)
    occupied = out[out["route"] == "reported"].set_index("cost_line")["cost_per_unit"]
    standard = out[out["route"] == "reported_standard_occupancy"].set_index("cost_line")[
        "cost_per_unit"
    ]
    assert occupied["Care staff"] == pytest.approx(900_000 / (40 * 0.80 * WEEKS))  # £539.64
    assert standard["Care staff"] == pytest.approx(900_000 / (40 * 0.95 * WEEKS))  # £454.43
    assert occupied["Food supplies"] == pytest.approx(80_000 / (32 * WEEKS))
    assert standard.sum() < occupied.sum()


def test_scaling_costs_and_units_together_leaves_unit_cost_unchanged():
    base = {"period_start": "2025-04-01", "period_end": "2026-03-31", "mileage_paid_annual": 1000.0}
    one = reported_unit_cost(tidy("home_care", {**base, "contact_hours_per_week": 100}))
    two = reported_unit_cost(
        tidy("home_care", {**base, "contact_hours_per_week": 200, "mileage_paid_annual": 2000.0})
    )
    half = reported_unit_cost(tidy("home_care", {**base, "contact_hours_per_week": 200}))
    assert two["cost_per_unit"].iloc[0] == pytest.approx(one["cost_per_unit"].iloc[0])
    assert half["cost_per_unit"].iloc[0] == pytest.approx(one["cost_per_unit"].iloc[0] / 2)


def test_part_year_period_uses_the_stated_weeks():
    values = tidy(
        "supported_living",
        {
            "period_start": "2025-04-01",
            "period_end": "2025-09-30",
            "support_hours_per_week": 500,
            "ppe_annual": 1830,
        },
    )
    out = reported_unit_cost(values)
    assert out["cost_per_unit"].iloc[0] == pytest.approx(1830 / (500 * 183 / 7))
    assert out["unit"].iloc[0] == "support_hour"


def test_missing_period_or_units_are_named():
    with pytest.raises(UserError, match="period_end is missing or not a date"):
        reported_unit_cost(tidy("home_care", {"period_start": "2025-04-01", "ppe_annual": 1.0}))
    with pytest.raises(UserError, match="no units to divide by"):
        reported_unit_cost(
            tidy(
                "home_care",
                {"period_start": "2025-04-01", "period_end": "2026-03-31", "ppe_annual": 1.0},
            )
        )


def test_reconcile_flags_a_large_gap_and_names_the_lines():
    from costofcare.costs.reconcile import reconcile

    def table(route, lines):
        return pd.DataFrame(
            [
                {
                    "provider": "P1",
                    "route": route,
                    "cost_line": k,
                    "category": c,
                    "cost_per_unit": v,
                }
                for k, (c, v) in lines.items()
            ]
        )

    modelled = table(
        "modelled",
        {
            "Care worker costs": ("staffing", 20.0),
            "Mileage": ("non_staffing", 1.5),
            "Return on operations": ("return", 0.5),
        },
    )
    reported = table(
        "reported",
        {
            "Care worker costs": ("staffing", 24.0),
            "Mileage": ("non_staffing", 1.0),
            "Marketing": ("non_staffing", 0.3),
        },
    )
    by_line, by_provider = reconcile(modelled, reported, threshold=0.10)
    p = by_provider.iloc[0]
    assert p["modelled_total"] == pytest.approx(22.0)
    assert p["reported_total"] == pytest.approx(25.3)
    assert p["relative_gap"] == pytest.approx(3.3 / 22.0)  # 15% > 10%: flagged
    assert p["flagged"]
    assert p["explained_by"].startswith("Care worker costs +4.00")
    assert p["gap_non_staffing"] == pytest.approx(-0.5 + 0.3)
    assert len(by_line) == 4


def _supported_living(**nights):
    singles = {
        "period_start": "2025-04-01",
        "period_end": "2026-03-31",
        "support_hours_per_week": 1000,
        "premises_annual": 20_000,
        **nights,
    }
    staff = [
        {
            "role": "Support worker",
            "annual_gross_pay": 800_000,
            "employer_ni_annual": 80_000,
            "employer_pension_annual": 24_000,
        },
        {"role": "Registered manager", "annual_gross_pay": 50_000},
    ]
    return tidy("supported_living", singles, [("staff_roles", staff)])


def test_supported_living_nights_priced_apart_by_hand():
    values = _supported_living(
        sleep_ins_per_week=14,
        sleep_in_payment_per_night=100,
        waking_nights_per_week=7,
        waking_night_hours_per_night=10,
    )
    out = reported_unit_cost(values)
    by_route = {r: g for r, g in out.groupby("route")}
    assert set(by_route) == {"reported", "reported_nights_apart", "reported_sleep_in"}

    # Reported: every cost over daytime hours only (1,000 a week for 365 days).
    day_hours = 1000 * 365 / 7
    reported = by_route["reported"]
    staffing = reported.loc[reported["category"] == "staffing", "cost_per_unit"].sum()
    assert staffing == pytest.approx(954_000 / day_hours, rel=1e-12)

    # Sleep-in night: £100 pay plus the return's own on-costs, (80,000 + 24,000) / 850,000.
    night = by_route["reported_sleep_in"]
    assert list(night["unit"]) == ["sleep_in_night"]
    assert night["cost_per_unit"].iloc[0] == pytest.approx(100 * (1 + 104_000 / 850_000))
    assert night["cost_per_unit"].iloc[0] == pytest.approx(112.2352941, abs=1e-6)

    # Per support hour with nights apart: 730 sleep-ins a year (14 x 365 / 7) at £112.24
    # come out of staffing; 7 waking nights of 10 hours a week join the hours.
    apart = by_route["reported_nights_apart"]
    hours = (1000 + 7 * 10) * 365 / 7
    sleep_in_cost = 730 * 100 * 954_000 / 850_000  # = 81,931.76
    staffing = apart.loc[apart["category"] == "staffing", "cost_per_unit"].sum()
    assert staffing == pytest.approx((954_000 - sleep_in_cost) / hours, rel=1e-12)
    assert staffing == pytest.approx(15.6305, abs=1e-4)
    premises = apart.loc[apart["cost_line"] == "Rent/rates/utilities", "cost_per_unit"]
    assert premises.iloc[0] == pytest.approx(20_000 / hours, rel=1e-12)
    assert set(apart["unit"]) == {"support_hour"}
    assert apart["source"].str.contains("sleep-in share 8.59%").any()
    assert apart["source"].str.contains("waking nights Costs!C7 x Costs!C8 hours").all()


def test_supported_living_without_nights_prices_the_same_hours():
    out = reported_unit_cost(_supported_living())
    assert set(out["route"]) == {"reported", "reported_nights_apart"}
    a = out[out["route"] == "reported"].set_index("cost_line")["cost_per_unit"]
    b = out[out["route"] == "reported_nights_apart"].set_index("cost_line")["cost_per_unit"]
    pd.testing.assert_series_equal(a, b)


def test_supported_living_nights_that_cannot_be_worked_out_keep_only_the_reported_route():
    no_length = _supported_living(waking_nights_per_week=7)
    assert set(reported_unit_cost(no_length)["route"]) == {"reported"}
    no_pay = _supported_living(sleep_ins_per_week=14)
    assert set(reported_unit_cost(no_pay)["route"]) == {"reported"}


def _two_returns():
    hc = tidy(
        "home_care",
        {
            "period_start": "2025-04-01",
            "period_end": "2026-03-31",
            "contact_hours_per_week": 1000,
            "mileage_paid_annual": 52_000,
        },
        [
            (
                "staff_roles",
                [
                    {"role": "Care worker", "annual_gross_pay": 300_000},
                    {"role": "Care worker", "annual_gross_pay": 100_000},
                ],
            )
        ],
        provider="Home care A",
        return_id="r-hc",
    )
    sl = _supported_living(sleep_ins_per_week=7, sleep_in_payment_per_night=100)
    sl["return_id"], sl["provider"] = "r-sl", "Supported B"
    return pd.concat([hc, sl], ignore_index=True)


def test_returns_are_split_once_and_keep_their_order():
    from costofcare.costs.returnvalues import split_returns

    values = _two_returns()
    hc, sl = split_returns(values)
    assert (hc.return_id, hc.provider, sl.return_id) == ("r-hc", "Home care A", "r-sl")
    assert hc.number("contact_hours_per_week") == 1000
    assert hc.date("period_end").isoformat() == "2026-03-31"
    assert [row["annual_gross_pay"].value for row in hc.rows("staff_roles")] == [
        300_000,
        100_000,
    ]
    # staffing table totals for the return's own on-cost rate (supported living B)
    assert sl.staff_totals["annual_gross_pay"] == 800_000 + 50_000
    assert sl.staff_totals["employer_ni_annual"] == 80_000
    # a field given twice: the first value read wins; a blank text reads as ""
    doubled = pd.concat([values, values.iloc[[3]].assign(value=1.0)], ignore_index=True)
    assert split_returns(doubled)[0].number("mileage_paid_annual") == 52_000
    assert split_returns(values.assign(text=None))[0].singles["mileage_paid_annual"].text == ""


def test_two_returns_in_one_table_by_hand():
    out = reported_unit_cost(_two_returns())
    hc = out[out["return_id"] == "r-hc"].set_index("cost_line")["cost_per_unit"]
    hours = 1000 * 365 / 7
    assert hc["Care worker costs"] == pytest.approx((300_000 + 100_000) / hours)  # £7.67
    assert hc["Mileage"] == pytest.approx(52_000 / hours)  # £1.00 (52,000 / 52,142.86)
    sl = out[(out["return_id"] == "r-sl") & (out["route"] == "reported_sleep_in")]
    assert sl["cost_per_unit"].iloc[0] == pytest.approx(100 * (1 + 104_000 / 850_000))
    assert list(dict.fromkeys(out["return_id"])) == ["r-hc", "r-sl"]


def test_unit_costs_do_not_depend_on_the_order_of_the_values():
    values = _two_returns()
    shuffled = values.sample(frac=1.0, random_state=7)
    shuffled = shuffled.sort_values("return_id", kind="stable")  # same return order
    pd.testing.assert_frame_equal(reported_unit_cost(values), reported_unit_cost(shuffled))
