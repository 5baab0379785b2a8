"""Scenario engine: hand-worked figures for wage rules, NI, CPI, weighted index, budget, MC."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from costofcare.errors import ConfigError, UserError
from costofcare.money import WEEKS_PER_YEAR as WEEKS
from costofcare.parameters import StatutoryFigures, load
from costofcare.scenarios import (
    Distribution,
    Indexation,
    RunSettings,
    Scenario,
    WagePolicy,
    apply_differential,
    budget_impact,
    budget_weeks,
    expand_grid,
    make_context,
    multi_year_impact,
    run_monte_carlo,
    run_scenarios,
    workforce_costs,
)
from costofcare.scenarios.reference import required_rates_loop

UC_COLUMNS = [
    "provider",
    "service",
    "cost_line",
    "category",
    "cost_per_unit",
    "unit",
    "period_start",
    "period_end",
]
WF_COLUMNS = ["provider", "role", "rate_per_hour", "hours_per_week", "headcount"]
VOL_COLUMNS = ["provider", "service", "volume_per_week", "volume_unit", "current_rate"]
Y2024 = ("2024-04-01", "2025-03-31")
TARGET_2025 = RunSettings(date(2025, 4, 1), date(2026, 3, 31), employment_allowance=False)


@pytest.fixture(scope="module")
def params():
    return load()


def unit_costs(rows, period=Y2024):
    return pd.DataFrame(
        [(p, s, line, cat, v, "contact_hour", *period) for p, s, line, cat, v in rows],
        columns=UC_COLUMNS,
    )


def workforce(rows):
    return pd.DataFrame(rows, columns=WF_COLUMNS)


# -- wage policy and differentials -------------------------------------------------------------


def test_nlw_step_each_differential_rule_on_rates():
    # NLW 11.44 (April 2024) -> 12.21 (April 2025): roles at the floor, 56p above, £3.56 above
    rates = [11.44, 12.00, 15.00]
    percent = apply_differential(rates, 11.44, 12.21, "percent")
    pence = apply_differential(rates, 11.44, 12.21, "pence")
    compress = apply_differential(rates, 11.44, 12.21, "compress")
    assert percent == pytest.approx([12.21, 12.00 * 12.21 / 11.44, 15.00 * 12.21 / 11.44])
    assert pence == pytest.approx([12.21, 12.00 + 0.77, 15.00 + 0.77])
    assert compress == pytest.approx([12.21, 12.21, 15.00])


def test_differentials_never_cut_pay_or_leave_it_below_the_floor():
    # a rate below the old floor (e.g. a data error) still ends at the new floor
    assert apply_differential([10.00], 11.44, 12.21, "percent") == pytest.approx([12.21])
    assert apply_differential([10.00], 11.44, 12.21, "pence") == pytest.approx([12.21])


def test_nlw_policy_takes_floors_from_parameters(params):
    policy = WagePolicy("national_living_wage", "percent")
    assert policy.floor_per_hour(params, date(2025, 9, 30)) == pytest.approx(12.21)
    assert policy.base_floor_per_hour(params, date(2024, 9, 30)) == pytest.approx(11.44)


def test_real_living_wage_uses_latest_rate_announced_before_adoption(params):
    # £12.60 UK rate announced 22 Oct 2024; £13.45 announced Oct 2025
    policy = WagePolicy("real_living_wage_uk", adoption_date=date(2025, 4, 1))
    assert policy.floor_per_hour(params, date(2025, 9, 30)) == pytest.approx(12.60)
    later = WagePolicy("real_living_wage_uk", adoption_date=date(2026, 4, 1))
    assert later.floor_per_hour(params, date(2026, 9, 30)) == pytest.approx(13.45)


def test_council_rate_is_never_below_the_nlw(params):
    policy = WagePolicy("council_rate", rate_per_hour=12.00)
    assert policy.floor_per_hour(params, date(2025, 9, 30)) == pytest.approx(12.21)


@pytest.mark.parametrize(
    ("differential", "expected_pay_line"),
    [
        ("percent", 20.00 * 12.21 / 11.44),
        ("pence", 20.00 * (12.21 + 12.77 + 15.77) / (11.44 + 12.00 + 15.00)),
        ("compress", 20.00 * (12.21 + 12.21 + 15.00) / (11.44 + 12.00 + 15.00)),
    ],
)
def test_nlw_step_through_the_engine(params, differential, expected_pay_line):
    # one worker per role, same hours: the pay line moves with the pay bill
    uc = unit_costs(
        [
            ("A", "home_care", "Direct care", "staffing", 20.00),
            ("A", "home_care", "Employer NI", "staffing", 1.00),
        ]
    )
    wf = workforce([("A", r, rate, 37.5, 1) for r, rate in (("a", 11.44), ("b", 12.0), ("c", 15))])
    scenario = Scenario(differential, WagePolicy("national_living_wage", differential))
    out = run_scenarios([scenario], uc, wf, settings=TARGET_2025, params=params)
    assert out.loc[0, "floor_base_per_hour"] == pytest.approx(11.44)
    assert out.loc[0, "floor_per_hour"] == pytest.approx(12.21)
    assert out.loc[0, "pay"] == pytest.approx(expected_pay_line)


# -- statutory on-costs -------------------------------------------------------------------------


def test_april_2025_employer_ni_change_part_time_and_full_time(params):
    before = StatutoryFigures.in_force(params, date(2024, 9, 30))
    after = StatutoryFigures.in_force(params, date(2025, 9, 30))
    assert (before.employer_ni_rate, before.employer_ni_threshold_annual) == (0.138, 9100)
    assert (after.employer_ni_rate, after.employer_ni_threshold_annual) == (0.15, 5000)

    def ni(hours, fig):
        _, ni_annual, _ = workforce_costs(
            12.21, [hours], [1], fig, apply_employment_allowance=False
        )
        return float(ni_annual)

    part_time = 12.21 * 16 * 365 / 7  # £10,186.63 a year
    full_time = 12.21 * 37.5 * 365 / 7  # £23,874.91 a year
    assert ni(16, before) == pytest.approx(0.138 * (part_time - 9100))  # £149.95
    assert ni(16, after) == pytest.approx(0.15 * (part_time - 5000))  # £777.99
    assert ni(37.5, before) == pytest.approx(0.138 * (full_time - 9100))  # £2,038.94
    assert ni(37.5, after) == pytest.approx(0.15 * (full_time - 5000))  # £2,831.24
    # the part-timer's NI rises about 5.3 times, the full-timer's by about 39%
    assert ni(16, after) / ni(16, before) > 5 > 1.5 > ni(37.5, after) / ni(37.5, before)


@pytest.mark.parametrize(
    ("hours", "base_ni", "target_ni"),
    [
        (16, 0.138 * (12.21 * 16 * 365 / 7 - 9100), 0.15 * (12.21 * 16 * 365 / 7 - 5000)),
        (37.5, 0.138 * (12.21 * 37.5 * 365 / 7 - 9100), 0.15 * (12.21 * 37.5 * 365 / 7 - 5000)),
    ],
)
def test_ni_line_moves_with_recomputed_ni(params, hours, base_ni, target_ni):
    # pay held (0% rise, already at the 2025 NLW): only the NI line moves, by NI after / before
    uc = unit_costs(
        [
            ("A", "home_care", "Direct care", "staffing", 20.00),
            ("A", "home_care", "Employer national insurance", "staffing", 1.00),
        ]
    )
    wf = workforce([("A", "care worker", 12.21, hours, 10)])
    scenario = Scenario("hold pay", WagePolicy("pay_increase", pay_increase=0.0))
    out = run_scenarios([scenario], uc, wf, settings=TARGET_2025, params=params)
    assert out.loc[0, "pay"] == pytest.approx(20.00)
    assert out.loc[0, "employer_ni"] == pytest.approx(1.00 * target_ni / base_ni)


def test_employment_allowance_comes_off_the_employer_bill(params):
    fig = StatutoryFigures.in_force(params, date(2025, 9, 30))
    _, ni_annual, _ = workforce_costs([[12.21]], [[37.5]], [[20]], fig)
    expected = 20 * 0.15 * (12.21 * 37.5 * 365 / 7 - 5000) - 10500
    assert float(ni_annual[0]) == pytest.approx(expected)


def test_pension_on_qualifying_earnings_above_trigger_only(params):
    fig = StatutoryFigures.in_force(params, date(2025, 9, 30))
    _, _, pension = workforce_costs([12.21, 12.21], [8, 37.5], [1, 1], fig)
    # 8 hours: £5,093 a year, under the £10,000 trigger, not enrolled
    assert float(pension) == pytest.approx(0.03 * (12.21 * 37.5 * 365 / 7 - 6240))


# -- indexation and the weighted-index method ---------------------------------------------------


def test_cpi_roll_forward_between_two_months(params):
    # ONS CPI index (2015=100): September 2024 134.2, September 2025 139.3
    uc = unit_costs([("A", "care_home", "Food", "non_staffing", 100.00)])
    scenario = Scenario("cpi", indexation=Indexation("CPI", "2024-09", "2025-09"))
    out = run_scenarios([scenario], uc, workforce([]), settings=TARGET_2025, params=params)
    assert out.loc[0, "required_rate"] == pytest.approx(100.00 * 139.3 / 134.2)


def test_line_can_take_its_own_index_and_user_forecast_path(params):
    from costofcare.scenarios import UserSeries
    from costofcare.scenarios.scenario import LineIndex

    uc = unit_costs(
        [
            ("A", "care_home", "Food", "non_staffing", 100.00),
            ("A", "care_home", "Utilities", "non_staffing", 50.00),
        ]
    )
    path = UserSeries("MyIndex", levels={"2025-01": 200.0, "2026-01": 210.0})
    scenario = Scenario(
        "mixed",
        indexation=Indexation(
            "CPI",
            "2024-09",
            "2025-09",
            (("Utilities", LineIndex("MyIndex", "2025-01", "2026-01")),),
        ),
    )
    out = run_scenarios(
        [scenario], uc, workforce([]), settings=TARGET_2025, params=params,
        user_series={"MyIndex": path},
    )  # fmt: skip
    assert out.loc[0, "non_staffing"] == pytest.approx(100 * 139.3 / 134.2 + 50 * 210 / 200)


def test_weighted_index_formula(params):
    # staffing share 80/100; wage change = NLW 11.44 -> 12.21; CPI Sep 2024 -> Sep 2025
    uc = unit_costs(
        [
            ("A", "home_care", "Direct care", "staffing", 80.00),
            ("A", "home_care", "Office", "non_staffing", 20.00),
        ]
    )
    wf = workforce([("A", "care worker", 11.44, 37.5, 10)])
    scenario = Scenario("wi", WagePolicy(), Indexation("CPI", "2024-09", "2025-09"))
    out = run_scenarios([scenario], uc, wf, settings=TARGET_2025, params=params)
    uplift = 0.8 * (12.21 / 11.44 - 1) + 0.2 * (139.3 / 134.2 - 1)
    assert out.loc[0, "weighted_index_uplift"] == pytest.approx(uplift)
    assert out.loc[0, "weighted_index_rate"] == pytest.approx(100 * (1 + uplift))
    # bottom-up moves the non-staffing line by CPI too; the difference is all staffing
    assert out.loc[0, "non_staffing"] == pytest.approx(20 * 139.3 / 134.2)
    staffing_gap = out.loc[0, "staffing"] - 80 * 12.21 / 11.44
    assert out.loc[0, "difference_vs_weighted_index"] == pytest.approx(staffing_gap)


# -- budget impact -------------------------------------------------------------------------------


def test_budget_weeks_mid_year_effective_date():
    full, part = budget_weeks(date(2026, 4, 1), date(2027, 3, 31), date(2026, 10, 1))
    assert full == pytest.approx(365 / 7)
    # 1 October 2026 to 31 March 2027: 31 + 30 + 31 + 31 + 28 + 31 = 182 days = 26 weeks
    assert part == pytest.approx(182 / 7) == 26


def test_budget_impact_mid_year(params):
    uc = unit_costs([("A", "home_care", "Office", "non_staffing", 20.00)])
    vol = pd.DataFrame([("A", "home_care", 100.0, "contact_hour", 19.00)], columns=VOL_COLUMNS)
    scenario = Scenario(
        "cpi", indexation=Indexation("CPI", "2024-09", "2025-09"), effective_date=date(2025, 10, 1)
    )
    settings = RunSettings(date(2025, 4, 1), date(2026, 3, 31), years=3)
    out = run_scenarios([scenario], uc, workforce([]), vol, settings=settings, params=params)
    new_rate = 20 * 139.3 / 134.2
    assert out.loc[0, "budget_full_year"] == pytest.approx(100 * 365 / 7 * (new_rate - 19))
    assert out.loc[0, "budget_part_year"] == pytest.approx(100 * 26 * (new_rate - 19))
    assert out.loc[0, "budget_3_years"] == pytest.approx(100 * (26 + 2 * 365 / 7) * (new_rate - 19))


def test_budget_functions_with_fixed_weeks_and_growth():
    assert budget_impact(100, 22.0, 20.0, 26.0) == pytest.approx(5200.0)
    full, part = budget_weeks(date(2026, 4, 1), date(2027, 3, 31), date(2026, 10, 1), 52)
    assert (full, part) == pytest.approx((52, 52 * 182 / 365))
    total = multi_year_impact(100, 22.0, 20.0, 52, 26, years=3, volume_growth_per_year=0.1)
    assert total == pytest.approx(100 * 2 * (26 + 52 * 1.1 + 52 * 1.1**2))


def test_effective_date_outside_target_is_refused():
    with pytest.raises(ConfigError, match="effective_date: 2027-05-01 is outside the target"):
        budget_weeks(date(2026, 4, 1), date(2027, 3, 31), date(2027, 5, 1))


def test_negative_volume_is_refused(params):
    uc = unit_costs([("A", "home_care", "Office", "non_staffing", 20.00)])
    vol = pd.DataFrame([("A", "home_care", -5.0, "contact_hour", 19.00)], columns=VOL_COLUMNS)
    with pytest.raises(
        UserError, match=r"volumes table line 2: volume_per_week -5 is below 0, the least allowed"
    ):
        run_scenarios([Scenario("x")], uc, workforce([]), vol, settings=TARGET_2025, params=params)


def test_missing_workforce_is_named(params):
    uc = unit_costs([("Acme", "home_care", "Direct care", "staffing", 20.00)])
    with pytest.raises(UserError, match="no staff .* for provider\\(s\\) 'Acme'"):
        run_scenarios([Scenario("x")], uc, workforce([]), settings=TARGET_2025, params=params)


# -- grids, engine vs loop, Monte Carlo ----------------------------------------------------------


def test_grid_is_every_combination():
    grid = expand_grid(
        Scenario("g", indexation=Indexation("CPI", "2024-09", "2025-09")),
        {
            "wage": {"differential": ["percent", "pence", "compress"]},
            "indexation.index": ["CPI", "RPI"],
        },
    )
    assert len(grid) == 6
    assert {(s.wage.differential, s.indexation.index) for s in grid} == {
        (d, i) for d in ("percent", "pence", "compress") for i in ("CPI", "RPI")
    }
    assert grid[0].name == "g | wage.differential=percent, indexation.index=CPI"


def random_tables(n_providers: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    uc, wf = [], []
    for i in range(n_providers):
        p = f"P{i:03d}"
        explicit = i % 2 == 0
        uc.append((p, "home_care", "Direct care", "staffing", rng.uniform(14, 18)))
        if explicit:
            uc.append((p, "home_care", "Employer NI", "staffing", rng.uniform(0.5, 1.5)))
            uc.append((p, "home_care", "Employer pension", "staffing", rng.uniform(0.2, 0.5)))
        uc.append((p, "home_care", "Office", "non_staffing", rng.uniform(1, 3)))
        uc.append((p, "home_care", "Fuel", "non_staffing", rng.uniform(1, 2)))
        uc.append((p, "home_care", "Return on operations", "return", rng.uniform(0.5, 1.5)))
        for r in range(int(rng.integers(1, 5))):
            wf.append(
                (p, f"r{r}", rng.uniform(11.44, 16), rng.uniform(8, 40), int(rng.integers(1, 30)))
            )
    return unit_costs(uc), workforce(wf)


@pytest.mark.slow
def test_vectorised_engine_matches_plain_loop(params):
    uc, wf = random_tables(12)
    scenarios = expand_grid(
        Scenario("g", indexation=Indexation("CPI", "2024-09", "2025-09")),
        {
            "wage.policy": ["national_living_wage", "real_living_wage_uk", "pay_increase"],
            "wage.differential": ["percent", "pence", "compress"],
            "wage.pay_increase": [0.03],
            "indexation.index": ["CPI", "RPI"],
        },
    )
    for allowance in (True, False):
        settings = RunSettings(date(2025, 4, 1), date(2026, 3, 31), employment_allowance=allowance)
        ctx = make_context(uc, wf, None, settings, params)
        arrays = ctx.arrays(scenarios)
        loop = np.array(required_rates_loop(ctx.inputs, ctx.base_figures, arrays, allowance))
        fast = ctx.evaluate(arrays, slice(None))["required_rate"]
        np.testing.assert_allclose(fast, loop, rtol=1e-12)
        minimal = ctx.evaluate(arrays, slice(None), minimal=True)["required_rate"]
        np.testing.assert_allclose(minimal, loop, rtol=1e-12)
        # all "keep percentage" scenarios take the one-pass route; same answer
        percent = [i for i, s in enumerate(scenarios) if s.wage.differential == "percent"]
        percent = [i for i in percent if scenarios[i].wage.policy != "pay_increase"]
        one_pass = ctx.evaluate(arrays.take(np.array(percent)), slice(None))["required_rate"]
        np.testing.assert_allclose(one_pass, loop[:, percent], rtol=1e-12)
        # small blocks give the same answer as one block
        small = run_scenarios(scenarios, ctx.inputs, settings=settings, params=params, max_cells=7)
        big = run_scenarios(scenarios, ctx.inputs, settings=settings, params=params)
        pd.testing.assert_frame_equal(small, big)


def mc_case(params, runs, seed, max_cells=2_000_000):
    # one line of £100 moved by CPI; CPI change ~ Normal(3%, 1%): rate = 100 * (1 + change)
    uc = unit_costs([("A", "care_home", "Food", "non_staffing", 100.00)])
    vol = pd.DataFrame([("A", "care_home", 10.0, "resident_week", 100.00)], columns=VOL_COLUMNS)
    settings = RunSettings(date(2025, 4, 1), date(2026, 3, 31), weeks_per_year=52)
    ctx = make_context(uc, workforce([]), vol, settings, params)
    scenario = Scenario("mc", indexation=Indexation("CPI", "2024-09", "2025-09"))
    dist = Distribution.from_dict({"dist": "normal", "mean": 0.03, "sd": 0.01}, "t")
    return run_monte_carlo(ctx, scenario, {"index.CPI": dist}, runs, seed, max_cells=max_cells)


def test_monte_carlo_is_reproducible_and_independent_of_chunking(params):
    a = mc_case(params, 2000, seed=42)
    b = mc_case(params, 2000, seed=42, max_cells=64)
    c = mc_case(params, 2000, seed=43)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(a.budget, b.budget)
    assert not a.summary["required_rate_p50"].equals(c.summary["required_rate_p50"])


def test_monte_carlo_percentiles_converge_on_known_answer(params):
    result = mc_case(params, 200_000, seed=7)
    z90 = 1.2815515655446004  # standard normal 90th percentile
    row = result.summary.iloc[0]
    assert row["required_rate_p10"] == pytest.approx(100 * (1.03 - z90 * 0.01), abs=0.02)
    assert row["required_rate_p50"] == pytest.approx(103.0, abs=0.02)
    assert row["required_rate_p90"] == pytest.approx(100 * (1.03 + z90 * 0.01), abs=0.02)
    # budget: 10 beds x 52 weeks x (100 * (1 + change) - 100) = 520 * 100 * change
    budget = result.budget_summary.set_index("measure").loc["budget_full_year"]
    assert budget["p50"] == pytest.approx(520 * 3.0, abs=2)
    assert budget["p90"] == pytest.approx(520 * 100 * (0.03 + z90 * 0.01), abs=2)


def test_scenario_prints_its_choices():
    s = Scenario(
        "RLW", WagePolicy("real_living_wage_uk", "pence", adoption_date=date(2026, 10, 1)),
        Indexation("CPIH", "2025-09", "2026-09"),
    )  # fmt: skip
    assert str(s) == (
        "RLW: wage real living wage uk adopted 2026-10-01, differentials: pence; "
        "non-staffing CPIH 2025-09 to 2026-09"
    )


def test_by_line_explanation_adds_up_to_the_rates(params):
    from costofcare.scenarios.scenario import explain_by_line

    uc, wf = random_tables(6, seed=3)
    scenarios = [
        Scenario("nlw", WagePolicy(), Indexation("CPI", "2024-09", "2025-09")),
        Scenario("rlw", WagePolicy("real_living_wage_uk", "compress"), Indexation("RPI")),
    ]
    ctx = make_context(uc, wf, None, TARGET_2025, params)
    rates = run_scenarios(scenarios, ctx.inputs, settings=TARGET_2025, params=params)
    lines = explain_by_line(ctx, scenarios)
    sums = lines.groupby(["scenario", "provider", "service"], sort=False)[
        ["bottom_up", "weighted_index"]
    ].sum()
    sums = sums.rename(columns={"weighted_index": "weighted_index_sum"})
    joined = rates.set_index(["scenario", "provider", "service"]).join(sums)
    np.testing.assert_allclose(joined["bottom_up"], joined["required_rate"], rtol=1e-12)
    np.testing.assert_allclose(joined["weighted_index_sum"], joined["weighted_index_rate"])
    ni = lines[(lines.component == "employer_ni") & (lines.scenario == "nlw")].iloc[0]
    assert "rate 13.80% -> 15.00%, threshold £9,100 -> £5,000" in ni["explanation"]
    food = lines[(lines.cost_line == "Office") & (lines.scenario == "nlw")].iloc[0]
    assert food["explanation"] == (
        f"CPI 2024-09 to 2025-09 {139.3 / 134.2 - 1:+.2%} vs CPI {139.3 / 134.2 - 1:+.2%}"
    )


def test_workforce_kernel_matches_cost_model_rules():
    # the engine's in-place workforce sum against the per-worker kernels, worker by worker
    from costofcare.costs.oncosts import (
        employer_ni_annual,
        employer_pension_annual,
        employment_allowance_used,
    )

    rng = np.random.default_rng(5)
    rate = rng.uniform(11, 20, (4, 3, 6))
    hours = rng.uniform(4, 45, (4, 1, 6))
    heads = rng.integers(0, 9, (4, 1, 6)).astype(float)
    fig = [rng.uniform(lo, hi, (1, 3, 1)) for lo, hi in ((0.13, 0.16), (4000, 9500))]
    allowance, pen_rate = np.full((1, 3, 1), 5000.0), np.full((1, 3, 1), 0.03)
    figures = {
        "employer_ni_rate": fig[0],
        "employer_ni_threshold_annual": fig[1],
        "employment_allowance_annual": allowance,
        "pension_employer_rate": pen_rate,
        "pension_lower_annual": 6240,
        "pension_upper_annual": 50270,
        "pension_trigger_annual": 10000,
    }
    pay, ni, pension = workforce_costs(rate, hours, heads, figures)
    earnings = rate * hours * WEEKS
    ni_each = (employer_ni_annual(earnings, fig[0], fig[1]) * heads).sum(axis=-1)
    pen_each = employer_pension_annual(earnings, pen_rate, 6240, 50270, 10000)
    np.testing.assert_allclose(pay, (earnings * heads).sum(axis=-1))
    np.testing.assert_allclose(ni, ni_each - employment_allowance_used(ni_each, 5000.0))
    np.testing.assert_allclose(pension, (pen_each * heads).sum(axis=-1))
