"""Recommendation maths as worked examples: every expected figure is written as arithmetic."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from costofcare.benchmark import percentile_inc
from costofcare.costs import WageFloor
from costofcare.errors import ConfigError
from costofcare.money import round_half_up
from costofcare.recommend import (
    Guardrails,
    apply_guardrails,
    fit_budget,
    parse_config,
    parse_service,
    recommend_service,
    resolve,
)
from costofcare.recommend.config import Figure, Resolved
from tests.support.homecare import home_care_config, home_care_market

WEEKS = 365 / 7  # a year of 365 days, in weeks (2026-04-06 to 2027-04-05)
# Two providers: A at £20 for 100 hours a week, B at £25 for 200 hours a week.
CURRENT = [20.0, 25.0]
VOLUME = [100.0, 200.0]
CURRENT_SPEND = WEEKS * (20 * 100 + 25 * 200)  # £365,000


def test_round_half_up_matches_excel_not_bankers_rounding():
    assert round_half_up(2.675, 2) == 2.68  # binary 2.67499999... still rounds up, as Excel
    assert round_half_up(0.125, 2) == 0.13  # Python's round gives 0.12
    assert round_half_up(-0.125, 2) == -0.13
    assert round_half_up(21.0, 2) == 21.0


def test_percentile_inc_matches_excel_definition():
    # PERCENTILE.INC: rank = p × (n − 1); 0.25 × 3 = 0.75 -> 10 + 0.75 × (20 − 10)
    assert percentile_inc([40, 10, 30, 20], 0.25) == pytest.approx(10 + 0.75 * 10)
    assert percentile_inc([1, 2, 3, 4, 5], 0.5) == 3


# ---------------------------------------------------------------- wage floor
def test_wage_floor_cost_worked_by_hand():
    floor = WageFloor(
        wage_per_hour=12.21,
        paid_hours_per_week=30,
        weeks_per_year=52,
        holiday_weeks=5.6,
        employer_ni_rate=0.15,
        employer_ni_threshold_annual=5000,
        pension_employer_rate=0.03,
        pension_lower_annual=6240,
        pension_upper_annual=50270,
        pension_trigger_annual=10000,
        paid_hours_per_unit=1.25,
    )
    gross = 12.21 * 30 * 52
    ni = 0.15 * (gross - 5000)
    pension = 0.03 * (gross - 6240)
    per_hour = (gross + ni + pension) / (30 * (52 - 5.6))
    assert floor.cost_per_unit() == pytest.approx(per_hour * 1.25)


def test_wage_floor_no_pension_below_trigger_and_no_ni_below_threshold():
    floor = WageFloor(
        wage_per_hour=10,
        paid_hours_per_week=5,
        weeks_per_year=52,
        holiday_weeks=5.6,
        employer_ni_rate=0.15,
        employer_ni_threshold_annual=5000,
        pension_employer_rate=0.03,
        pension_lower_annual=6240,
        pension_upper_annual=50270,
        pension_trigger_annual=10000,
        paid_hours_per_unit=1,
    )
    # £2,600 a year: under the NI threshold and the pension trigger
    assert floor.cost_per_unit() == pytest.approx(10 * 5 * 52 / (5 * (52 - 5.6)))


def test_wage_floor_from_shipped_parameters_uses_april_2026_figures():
    from costofcare.parameters import load

    p = load()
    floor = WageFloor.from_parameters(
        p, "2026-04-06", paid_hours_per_week=37.5, paid_hours_per_unit=1.0
    )
    assert floor.wage_per_hour == p.value("national_living_wage_hourly", on="2026-04-06")
    assert floor.employer_ni_rate == p.value("employer_ni_rate", on="2026-04-06")
    assert floor.cost_per_unit() > floor.wage_per_hour


# ---------------------------------------------------------------- guardrails
def test_guardrails_cap_floor_and_wage_floor_bind():
    g = Guardrails(floor_rate=21.5, uplift_min=0.0, uplift_max=0.10)
    out = apply_guardrails(
        pd.Series([20.0, 25.0, 30.0, 21.0]), np.array([20.5, 30.0, 28.0, 21.2]), g
    )
    # A: 20 -> 20.5 is under the wage floor: lifted to 21.50
    # B: 25 -> 30 is +20%: capped at 25 × 1.10 = 27.50
    # C: 30 -> 28 is a cut: uplift floor 0% keeps 30.00
    # D: 21 -> 21.2 under the floor: 21.50
    assert out["proposed_rate"].tolist() == pytest.approx([21.5, 25 * 1.10, 30.0, 21.5])
    assert out["binding"].tolist() == ["wage floor", "uplift cap", "uplift floor", "wage floor"]


def test_wage_floor_beats_the_uplift_cap():
    g = Guardrails(floor_rate=24.0, uplift_max=0.05)
    out = apply_guardrails(pd.Series([20.0]), np.array([30.0]), g)
    assert out["proposed_rate"].iloc[0] == 24.0  # 20 × 1.05 = 21 is below the legal floor
    assert out["binding"].iloc[0] == "wage floor"


def test_guardrails_reject_min_above_max():
    with pytest.raises(ConfigError, match=r"uplift_min \(0.1\) is above uplift_max \(0.05\)"):
        Guardrails(uplift_min=0.1, uplift_max=0.05)


# ---------------------------------------------------------------- budget fit
def test_uniform_fit_without_guardrails_is_the_spend_ratio():
    fit = fit_budget(CURRENT, VOLUME, CURRENT_SPEND + 18_200, Guardrails())
    assert fit.value == pytest.approx(18_200 / CURRENT_SPEND)  # 0.05
    assert fit.status == "fitted"
    assert fit.spend_annual == pytest.approx(CURRENT_SPEND + 18_200)


def test_uniform_fit_with_wage_floor_is_piecewise():
    # A is held at the £21.50 floor, so only B's rate moves with u:
    # W × (100 × 21.50 + 200 × 25 × (1 + u)) = W × 7,350  ->  u = (7,350 − 2,150) / 5,000 − 1
    fit = fit_budget(CURRENT, VOLUME, WEEKS * 7350, Guardrails(floor_rate=21.5))
    assert fit.value == pytest.approx((7350 - 2150) / 5000 - 1)  # 0.04
    assert 20 * (1 + fit.value) < 21.5  # A really is on the floor at the answer


def test_uniform_fit_stops_at_the_cap_and_reports_underspend():
    fit = fit_budget(CURRENT, VOLUME, CURRENT_SPEND + 18_200, Guardrails(uplift_max=0.03))
    assert fit.value == pytest.approx(0.03)
    assert fit.status == "capped"
    assert fit.gap_annual == pytest.approx(18_200 - 0.03 * CURRENT_SPEND)  # £7,250 unspent


def test_uniform_fit_reports_an_envelope_below_the_wage_floor():
    # the floor alone costs W × (100 × 26 + 200 × 26) = W × 7,800 = £406,714.29
    fit = fit_budget(CURRENT, VOLUME, 390_000, Guardrails(floor_rate=26.0, uplift_min=0.0))
    assert fit.status == "short"
    assert fit.spend_annual == pytest.approx(WEEKS * 300 * 26)
    assert fit.gap_annual == pytest.approx(390_000 - WEEKS * 300 * 26)


def test_floor_first_percent_shares_what_is_left_after_the_floor():
    # floor first: A to £21.50, so W × (2,150 + 5,000) = W × 7,150; W × 200 is left,
    # shared as the same % on the floored rates: 7,150 × (1 + u) = 7,350
    fit = fit_budget(CURRENT, VOLUME, WEEKS * 7350, Guardrails(floor_rate=21.5), how="floor_first")
    assert fit.floor_spend_annual == pytest.approx(WEEKS * (2150 + 5000))
    assert fit.value == pytest.approx(7350 / 7150 - 1)


def test_floor_first_pence_gives_every_unit_the_same_cash():
    # 2,150 + 5,000 + 300 × d = 7,350  ->  d = 200 / 300: £0.6667 per hour
    fit = fit_budget(
        CURRENT, VOLUME, WEEKS * 7350, Guardrails(floor_rate=21.5), how="floor_first", share="pence"
    )
    assert fit.value == pytest.approx(200 / 300)


def test_fit_budget_counts_weeks_as_days_over_seven_by_default():
    # £7,000 a week for a 365-day year is 7,000 × 365 / 7 = £365,000, not 52 × 7,000
    fit = fit_budget(CURRENT, VOLUME, 7_000 * 365 / 7, Guardrails())
    assert fit.current_spend_annual == pytest.approx(365_000)
    assert fit.value == pytest.approx(0.0, abs=1e-9)


# ---------------------------------------------------------------- whole service
def _tables():
    return home_care_market("ABC")


def _config(**kw):
    return home_care_config(**kw)


def test_percentile_method_moves_to_the_rolled_median():
    rates, costs = _tables()
    config = _config(wage_change=0.10, price_change=0.04, uplift_min=0.0)
    rec = recommend_service(config, rates, costs)
    # rolled totals: A 18×1.1 + 4×1.04 = 23.96, return 1 × 23.96/22 -> 25.0490...
    a = 18 * 1.1 + 4 * 1.04
    b = 20 * 1.1 + 5 * 1.04
    c = 16 * 1.1 + 6 * 1.04
    rolled = [a * (1 + 1 / 22), b * (1 + 1.25 / 25), c * (1 + 2 / 22)]
    target = sorted(rolled)[1]
    assert rec.figures["target_rate"].value == pytest.approx(target)
    expected = [round_half_up(max(cur, target)) for cur in [20.0, 25.0, 24.0]]
    assert rec.providers.set_index("provider")["proposed_rate"].tolist() == expected
    assert rec.budget_impact_annual == pytest.approx(
        WEEKS
        * sum(
            (e - cur) * v for e, cur, v in zip(expected, [20, 25, 24], [100, 200, 100], strict=True)
        )
    )


def test_weighted_index_with_staffing_share_from_costs():
    rates, costs = _tables()
    rec = recommend_service(
        _config(method="weighted_index", wage_change=0.041, price_change=0.038), rates, costs
    )
    # staffing over cost before the return, weighted by volume:
    # (18×100 + 20×200 + 16×100) / ((18 + 4)×100 + (20 + 5)×200 + (16 + 6)×100)
    share = (1800 + 4000 + 1600) / (2200 + 5000 + 2200)
    uplift = share * 0.041 + (1 - share) * 0.038
    assert rec.figures["index_uplift"].value == pytest.approx(uplift)
    assert rec.providers["proposed_rate"].tolist() == [
        round_half_up(20 * (1 + uplift)),
        round_half_up(25 * (1 + uplift)),
        round_half_up(24 * (1 + uplift)),
    ]


def test_bottom_up_needs_the_named_scenario():
    rates, costs = _tables()
    scen = pd.DataFrame({"service": ["home_care"], "scenario": ["rlw"], "cost_per_unit": [26.5]})
    rec = recommend_service(
        _config(method="bottom_up", scenario="rlw"), rates, costs, scenario_costs=scen
    )
    assert rec.providers["proposed_rate"].tolist() == [26.5, 26.5, 26.5]
    with pytest.raises(Exception, match="expected one row for home_care scenario 'nlw'.*rlw"):
        recommend_service(
            _config(method="bottom_up", scenario="nlw"), rates, costs, scenario_costs=scen
        )


def test_budget_method_spends_the_increase_and_floor_binds():
    rates, costs = _tables()
    config = _config(method="budget_uniform", budget_increase_annual=20_000.0)
    resolved = Resolved(floor_rate=Figure(21.0, "test"))
    rec = recommend_service(config, rates, costs, resolved=resolved)
    # A held at £21: W × (2,100 + (5,000 + 2,400)(1 + u)) = W × 9,400 + 20,000
    u = (9400 + 20_000 / WEEKS - 2100) / 7400 - 1
    assert rec.fit.value == pytest.approx(u)
    assert rec.providers["binding"].tolist() == ["wage floor", "", ""]
    # rounding to the penny moves spend by at most half a penny per hour bought
    assert abs(rec.budget_impact_annual - 20_000) <= 0.005 * 400 * WEEKS


def test_parameter_references_resolve_from_dated_parameters():
    from costofcare.parameters import load

    p = load()
    config = _config(
        method="weighted_index",
        base_date="2025-04-06",
        wage_change="national_living_wage_hourly",
        price_change="CPI:2025-09",
    )
    r = resolve(config, p)
    nlw = (
        p.value("national_living_wage_hourly", on="2026-04-06")
        / p.value("national_living_wage_hourly", on="2025-04-06")
        - 1
    )
    assert r.wage_change.value == pytest.approx(nlw)
    assert r.price_change.value == pytest.approx(p.rate_12m("CPI", "2025-09"))


# ---------------------------------------------------------------- config errors
@pytest.mark.parametrize(
    "table, words",
    [
        ({"effective_date": "2026-04-06"}, "recommend.home_care.method is required"),
        ({"method": "median", "effective_date": "2026-04-06"}, "unknown method 'median'"),
        ({"method": "percentile"}, "effective_date is required"),
        ({"method": "percentile", "effective_date": "6/4/26"}, "is not a date"),
        (
            {"method": "percentile", "effective_date": "2026-04-06", "cap": 0.1},
            "unknown key(s) cap",
        ),
        (
            {"method": "percentile", "effective_date": "2026-04-06", "uplift_max": "ten percent"},
            "uplift_max: expected a number",
        ),
        (
            {"method": "weighted_index", "effective_date": "2026-04-06"},
            "needs wage_change and price_change",
        ),
        (
            {"method": "budget_uniform", "effective_date": "2026-04-06"},
            "needs exactly one of budget_annual",
        ),
        (
            {"method": "percentile", "effective_date": "2026-04-06", "percentile": 50},
            "must be a fraction between 0 and 1",
        ),
    ],
)
def test_config_errors_name_the_key(table, words):
    with pytest.raises(ConfigError) as err:
        parse_config({"home_care": table})
    assert words in str(err.value)


def test_care_home_wage_floor_needs_hours_per_resident_week():
    with pytest.raises(ConfigError, match="paid_hours_per_unit is required"):
        parse_service("care_home", {"method": "percentile", "effective_date": date(2026, 4, 6)})


# ---------------------------------------------------------------- methods as classes
def _inputs(method_config, **resolved):
    from costofcare.recommend.engine import _method_inputs

    rates, costs = _tables()
    config = _config(**method_config)
    guardrails = config.guardrails(None)
    return _method_inputs(config, Resolved(**resolved), guardrails, rates, costs, None)


def test_registry_maps_each_config_string_to_its_class():
    from costofcare.recommend import (
        METHODS,
        BottomUp,
        BudgetFloorFirst,
        BudgetUniform,
        Percentile,
        WeightedIndex,
    )

    built_in = {
        "percentile": Percentile,
        "weighted_index": WeightedIndex,
        "bottom_up": BottomUp,
        "budget_uniform": BudgetUniform,
        "budget_floor_first": BudgetFloorFirst,
    }
    assert {name: METHODS[name] for name in built_in} == built_in
    config = _config(method="budget_floor_first", budget_annual=1.0, share="pence",
                     wage_floor_rate=21.0)  # fmt: skip
    assert isinstance(config.method, BudgetFloorFirst) and config.method.share == "pence"
    assert config.method.budget_annual == 1.0


def test_percentile_class_proposes_the_lower_quartile_with_its_formula():
    inputs = _inputs(
        {"percentile": 0.25},
        wage_change=Figure(0.0, "t"),
        price_change=Figure(0.0, "t"),
    )
    proposal = inputs.config.method.propose(inputs)
    # no change: totals A 18 + 4 + 1 = 23, B 20 + 5 + 1.25 = 26.25, C 16 + 6 + 2 = 24;
    # PERCENTILE.INC at 0.25 of (23, 24, 26.25): rank 0.25 × 2 = 0.5 -> 23 + 0.5 × (24 − 23)
    assert proposal.method_rate.tolist() == pytest.approx([23.5, 23.5, 23.5])
    target = next(r for r in proposal.rows if r.key == "target_rate")
    assert target.value == pytest.approx(23.5)
    assert target.formula == "PERCENTILE.INC({providers.rolled_cost},{percentile})"
    assert proposal.rate_formula == "{target_rate}"
    assert proposal.outcome.sentence(min_count=3).endswith(": £23.50.")
    assert "£23.50" not in proposal.outcome.sentence(min_count=4)  # only 3 providers behind it


def test_weighted_index_class_with_a_configured_share():
    inputs = _inputs(
        {"method": "weighted_index", "wage_change": 0.05, "price_change": 0.02,
         "staffing_share": 0.6},
        wage_change=Figure(0.05, "t"),
        price_change=Figure(0.02, "t"),
    )  # fmt: skip
    proposal = inputs.config.method.propose(inputs)
    uplift = 0.6 * 0.05 + 0.4 * 0.02  # 3.8%
    assert proposal.figures["index_uplift"].value == pytest.approx(uplift)
    assert proposal.method_rate.tolist() == pytest.approx([20 * 1.038, 25 * 1.038, 24 * 1.038])
    assert proposal.rate_formula == "{current_rate}*(1+{index_uplift})"
    rows = {r.key: r for r in proposal.rows}
    assert rows["staffing_share"].formula is None  # an input the analyst may change
    assert rows["index_uplift"].formula == (
        "{staffing_share}*{wage_change}+(1-{staffing_share})*{price_change}"
    )


def test_budget_class_adds_the_envelope_gap_to_the_results():
    rates, costs = _tables()
    config = _config(method="budget_uniform", budget_annual=WEEKS * 9_400 * 1.02)
    rec = recommend_service(config, rates, costs, resolved=Resolved())
    assert rec.fit.value == pytest.approx(0.02)  # no guardrails: the spend ratio
    (gap,) = rec.result_rows
    assert gap.formula == "{budget_annual}-{results.proposed_spend_annual}"
    assert gap.value == pytest.approx(WEEKS * 9_400 * 1.02 - rec.proposed_spend_annual)


def test_rolled_cost_is_the_one_roll_forward():
    from costofcare.recommend import rolled_cost

    # staffing 20 × 1.10 + other 5 × 1.04 = 27.20; the return 1.25 grows as cost: × 27.2 / 25
    assert float(rolled_cost(20.0, 5.0, 1.25, 0.0, 0.10, 0.04)) == pytest.approx(
        27.2 + 1.25 * 27.2 / 25
    )


# ---------------------------------------------------------------- guardrail precedence
def test_guardrail_precedence_is_one_list_used_by_python_and_the_formula():
    g = Guardrails(floor_rate=21.5, uplift_min=0.0, uplift_max=0.1)
    assert [r.label for r in g.rules] == ["wage floor", "uplift floor", "uplift cap"]
    formula = g.binding_formula()
    assert formula.index("wage floor") < formula.index("uplift floor") < formula.index("uplift cap")
    # a cut below the floor: both the wage floor and the uplift floor hold; the wage floor wins
    assert g.binding(-0.5, 10.0) == "wage floor"
    assert Guardrails().binding_formula() is None
    assert (
        Guardrails(uplift_max=0.1).allowed_uplift_formula() == "MIN({method_uplift},{uplift_max})"
    )


def test_no_module_switches_on_the_method_string():
    from pathlib import Path

    import costofcare

    root = Path(costofcare.__file__).parent
    hits = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "method ==" in line or "method in (" in line or "method.startswith" in line
    ]
    assert hits == []


# ---------------------------------------------------------------- registry errors
@pytest.mark.parametrize(
    "table, words",
    [
        (
            {"method": "median", "effective_date": "2026-04-06"},
            "recommend.home_care.method: unknown method 'median'; use one of ",
        ),
        (
            {"method": "weighted_index", "effective_date": "2026-04-06", "percentile": 0.5,
             "wage_change": 0.04, "price_change": 0.03},
            "unknown key(s) percentile (percentile: not a setting of method weighted_index)",
        ),
        (
            {"method": "budget_uniform", "effective_date": "2026-04-06", "share": "pence",
             "budget_annual": 1e6},
            "not a setting of method budget_uniform",
        ),
        (
            {"method": "budget_floor_first", "effective_date": "2026-04-06", "share": "cash",
             "budget_annual": 1e6},
            "recommend.home_care.share: use 'percent' or 'pence', not 'cash'",
        ),
        (
            {"method": "budget_floor_first", "effective_date": "2026-04-06", "budget_annual": 1e6,
             "wage_floor": "none"},
            "method budget_floor_first needs a wage floor (wage_floor or wage_floor_rate)",
        ),
        (
            {"method": "bottom_up", "effective_date": "2026-04-06"},
            "method bottom_up needs scenario",
        ),
        (
            {"method": "bottom_up", "effective_date": "2026-04-06", "scenario": 3},
            "recommend.home_care.scenario: expected text, got 3",
        ),
        (
            {"method": "weighted_index", "effective_date": "2026-04-06", "staffing_share": 1.2,
             "wage_change": 0.04, "price_change": 0.03},
            "staffing_share: 1.2 must be between 0 and 1",
        ),
    ],
)  # fmt: skip
def test_method_keys_are_checked_by_the_method_class(table, words):
    with pytest.raises(ConfigError) as err:
        parse_config({"home_care": table})
    assert words in str(err.value)


def test_the_year_from_the_effective_date_has_its_days_over_seven_weeks():
    # 2027-04-06 to 2028-04-05 holds 29 February 2028: 366 days
    assert _config(effective_date="2027-04-06").weeks == pytest.approx(366 / 7)
    assert _config().weeks == pytest.approx(365 / 7)
    assert _config(weeks_per_year=52.0).weeks == 52.0  # a council may fix it


# ----------------------------------------------------------------------- roll-forward
# One home care provider whose 2024-25 return (1 April 2024 to 31 March 2025) is rolled
# forward to the year from 6 April 2026, with three workers on its staff table.
W = 365 / 7  # weeks paid in a year
STAFF = [  # rate per hour, paid hours a week (one worker each)
    (11.44, 37.5),  # on the 2024-25 National Living Wage
    (12.00, 10.0),  # part-time: under every threshold in 2024-25
    (13.00, 30.0),
]


def _rolled_provider(**roll_forward):
    rates = pd.DataFrame(
        {"provider": ["P"], "service": "home_care", "current_rate": [26.0],
         "volume_per_week": [100.0]}
    )  # fmt: skip
    lines = [
        ("Care worker pay", "staffing", 20.00),
        ("Employer NI", "staffing", 1.00),
        ("Employer pension", "staffing", 0.30),
        ("Rent", "non_staffing", 4.00),
        ("Return on operations", "return", 1.50),
    ]
    costs = pd.DataFrame(
        [("P", "home_care", line, cat, cost) for line, cat, cost in lines],
        columns=["provider", "service", "cost_line", "category", "cost_per_unit"],
    ).assign(
        unit="contact_hour",
        period_start=pd.Timestamp("2024-04-01"),
        period_end=pd.Timestamp("2025-03-31"),
    )
    workforce = pd.DataFrame(
        [("P", "home_care", "r", f"worker {i}", rate, hours, 1.0)
         for i, (rate, hours) in enumerate(STAFF)],
        columns=["provider", "service", "return_id", "role", "rate_per_hour", "hours_per_week",
                 "headcount"],
    )  # fmt: skip
    config = _config(
        percentile=0.5,
        roll_forward={"employment_allowance": False, **roll_forward},
    )
    from costofcare.parameters import load

    return recommend_service(config, rates, costs, params=load(), workforce=workforce)


def test_roll_forward_recomputes_ni_and_pension_per_worker_under_the_target_years_rules():
    rec = _rolled_provider()
    got = rec.roll_forward.lines.set_index("category")
    # middle of the return's period: 30 September 2024 (NLW £11.44, NI 13.8% above £9,100);
    # middle of the year from 6 April 2026: 5 October 2026 (NLW £12.71, NI 15% above £5,000)
    earnings = [rate * hours * W for rate, hours in STAFF]
    pay_factor = 12.71 / 11.44  # every rate keeps its percentage above the floor
    after = [e * pay_factor for e in earnings]
    ni_before = sum(0.138 * max(0, e - 9_100) for e in earnings)
    ni_after = sum(0.15 * max(0, e - 5_000) for e in after)
    # pension: 3% on earnings between £6,240 and £50,270 for workers earning £10,000 or more
    pension_before = sum(0.03 * (min(e, 50_270) - 6_240) for e in earnings if e >= 10_000)
    pension_after = sum(0.03 * (min(e, 50_270) - 6_240) for e in after if e >= 10_000)
    # the part-timer (£6,257 a year, then £6,952) now pays NI but is still below the trigger
    assert earnings[1] < 9_100 and 5_000 < after[1] < 10_000
    assert got.loc["pay", "target"] == pytest.approx(20.00 * pay_factor)
    assert got.loc["employer_ni", "target"] == pytest.approx(1.00 * ni_after / ni_before)
    assert got.loc["employer_pension", "target"] == pytest.approx(
        0.30 * pension_after / pension_before
    )
    # CPI (ONS D7BT) from the middle month of the return, September 2024 (134.2), to the
    # middle of the target year, October 2026, which is not published in the shipped series:
    # its latest month, July 2026 (143.0), stands in, and the text says so
    assert got.loc["non_staffing", "target"] == pytest.approx(4.00 * 143.0 / 134.2)
    assert (
        "2024-09 to 2026-07 (latest published month; 2026-10 wanted)"
        in (got.loc["non_staffing", "how"])
    )
    costs_after = (
        20.00 * pay_factor
        + 1.00 * ni_after / ni_before
        + 0.30 * pension_after / pension_before
        + 4.00 * 143.0 / 134.2
    )
    # the return keeps its share of cost: 1.50 / 25.30 of it
    assert got.loc["return", "target"] == pytest.approx(1.50 * costs_after / 25.30)
    total = costs_after * (1 + 1.50 / 25.30)
    assert rec.providers.set_index("provider").loc["P", "rolled_cost"] == pytest.approx(total)
    assert rec.figures["target_rate"].value == pytest.approx(total)  # the median of one
    assert rec.providers["roll_forward"].tolist() == ["scenario engine"]


def test_roll_forward_index_month_and_wage_policy_come_from_the_config():
    rec = _rolled_provider(index_to="2026-03", differential="compress")
    got = rec.roll_forward.lines.set_index("category")
    # CPI September 2024 134.2 -> March 2026 141.0
    assert got.loc["non_staffing", "target"] == pytest.approx(4.00 * 141.0 / 134.2)
    # compress: rates under the new floor rise to it (£11.44 and £12.00 to £12.71); £13 stays
    earnings = [rate * hours * W for rate, hours in STAFF]
    after = [12.71 * 37.5 * W, 12.71 * 10.0 * W, earnings[2]]
    assert got.loc["pay", "target"] == pytest.approx(20.00 * sum(after) / sum(earnings))


def test_a_provider_without_a_staff_table_takes_the_ratio_rule_with_the_reason():
    rates, costs = _tables()
    costs = costs.assign(period_start=pd.Timestamp("2024-04-01"), unit="contact_hour",
                         period_end=pd.Timestamp("2025-03-31"))  # fmt: skip
    workforce = pd.DataFrame(
        columns=["provider", "service", "return_id", "role", "rate_per_hour", "hours_per_week",
                 "headcount"]
    )  # fmt: skip
    config = _config(wage_change=0.10, price_change=0.04)
    rec = recommend_service(config, rates, costs, workforce=workforce)
    basis = rec.providers.set_index("provider")["roll_forward"]
    assert set(basis) == {"ratio rule: no staff table in the return"}
    a = rec.roll_forward.lines[rec.roll_forward.lines["provider"] == "A"].set_index("category")
    # A: staffing 18 × 1.10 = 19.80, rent 4 × 1.04 = 4.16, return 1 × 23.96 / 22
    assert a["target"].tolist() == pytest.approx([19.80, 4.16, 23.96 / 22])
    assert "3 by the ratio rule" in rec.reasoning[0]


@pytest.mark.parametrize(
    "table, words",
    [
        ({"indx": "CPI"}, "roll_forward: unknown key(s) indx"),
        ({"differential": "keep"}, "'keep' is not a differential rule"),
        ({"index_to": "March"}, "roll_forward.index_to: 'March' is not a month"),
        ({"employment_allowance": "yes"}, "employment_allowance: use true or false"),
    ],
)
def test_roll_forward_config_errors_name_the_key(table, words):
    with pytest.raises(ConfigError) as err:
        _config(roll_forward=table)
    assert words in str(err.value)


def test_an_effective_date_before_the_base_date_is_refused():
    with pytest.raises(ConfigError) as caught:
        parse_service(
            "home_care",
            {
                "method": "weighted_index",
                "effective_date": "2024-01-01",
                "base_date": "2024-04-06",
                "wage_change": 0.05,
                "price_change": 0.03,
            },
        )
    assert str(caught.value) == (
        "recommend.home_care.effective_date (2024-01-01) is before base_date (2024-04-06): "
        "the new rates must apply after the period the returns describe"
    )


@pytest.mark.parametrize("budget", [0.0, -1_000_000.0])
def test_a_budget_that_is_not_a_positive_spend_is_refused(budget):
    with pytest.raises(ConfigError) as caught:
        parse_service(
            "supported_living",
            {"method": "budget_uniform", "effective_date": "2026-04-06", "budget_annual": budget},
        )
    assert str(caught.value) == (
        f"recommend.supported_living.budget_annual must be a positive total annual spend, "
        f"got {budget:g}"
    )
