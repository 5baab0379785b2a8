"""One set of statutory rules: every consumer gets the same NI and pension for the same workers.

The worker table below is fed to the on-cost kernels directly, the price calculator's
effective on-cost rates, the scenario engine's workforce cost path, the wage floor, the
example market's staffing rows and the plain-loop reference. Each worker is paid
``rate_per_hour x hours_per_week x 365 / 7`` a year. Expected figures are worked by hand from
the published rules:

* 2025-26 (from 6 April 2025): employer NI 15% above £5,000 a year;
* 2024-25: employer NI 13.8% above £9,100 a year (£175 a week x 52);
* both years: employer pension 3% of qualifying earnings between £6,240 and £50,270 for a
  worker earning at least the £10,000 trigger.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest

from costofcare.costs import WageFloor, resolve
from costofcare.costs.oncosts import (
    employer_ni_annual,
    employer_pension_annual,
    workforce_oncosts_annual,
)
from costofcare.examples.market import Figures, _Role, _staff_row
from costofcare.money import WEEKS_PER_YEAR
from costofcare.parameters import StatutoryFigures, load
from costofcare.scenarios import workforce_costs
from costofcare.scenarios.reference import _workforce

PACKAGE = Path(__file__).resolve().parents[1] / "costofcare"
WEEKS = 365 / 7

#: (worker, £ per hour, paid hours a week)
WORKERS = [
    ("below the NI threshold and the pension limits", 12.21, 7.0),  # £4,456.63 a year
    ("between the lower limit and the trigger", 12.21, 12.0),  # £7,639.97 a year
    ("part-time, above the trigger", 12.21, 20.0),  # £12,733.29 a year
    ("full-time", 12.60, 37.5),  # £24,637.50 a year
    ("above the upper limit", 30.00, 40.0),  # £62,571.43 a year
]
RATES = np.array([w[1] for w in WORKERS])
HOURS = np.array([w[2] for w in WORKERS])
EARNINGS = RATES * HOURS * WEEKS

#: hand-worked NI and pension, £ a year, per worker (same order as WORKERS)
EXPECTED = {
    "2025-26": {
        "ni": [
            0.0,
            0.15 * (12.21 * 12 * 365 / 7 - 5_000),
            0.15 * (12.21 * 20 * 365 / 7 - 5_000),
            0.15 * (12.60 * 37.5 * 365 / 7 - 5_000),
            0.15 * (30 * 40 * 365 / 7 - 5_000),
        ],
        "pension": [
            0.0,
            0.0,  # qualifying earnings of £1,399.97, but under the £10,000 trigger
            0.03 * (12.21 * 20 * 365 / 7 - 6_240),
            0.03 * (12.60 * 37.5 * 365 / 7 - 6_240),
            0.03 * (50_270 - 6_240),
        ],
    },
    "2024-25": {
        "ni": [
            0.0,
            0.0,  # £7,639.97 is under the 2024-25 threshold of £9,100
            0.138 * (12.21 * 20 * 365 / 7 - 9_100),
            0.138 * (12.60 * 37.5 * 365 / 7 - 9_100),
            0.138 * (30 * 40 * 365 / 7 - 9_100),
        ],
        "pension": [
            0.0,
            0.0,
            0.03 * (12.21 * 20 * 365 / 7 - 6_240),
            0.03 * (12.60 * 37.5 * 365 / 7 - 6_240),
            0.03 * (50_270 - 6_240),
        ],
    },
}
#: the first day of each tax year (tax-year figures change on 6 April)
TAX_DAY = {"2025-26": "2025-04-06", "2024-25": "2024-04-06"}


@pytest.fixture(scope="module")
def params():
    return load()


@pytest.fixture(scope="module", params=sorted(TAX_DAY))
def year(request, params):
    figures = StatutoryFigures.in_force(params, TAX_DAY[request.param])
    return request.param, figures


# ------------------------------------------------------------------ the figures object


def test_figures_in_force_are_the_published_ones(params):
    f25 = params.statutory("2025-04-06")
    assert (f25.employer_ni_rate, f25.employer_ni_threshold_annual) == (0.15, 5_000)
    assert (f25.pension_employer_rate, f25.pension_trigger_annual) == (0.03, 10_000)
    assert (f25.pension_lower_annual, f25.pension_upper_annual) == (6_240, 50_270)
    assert f25.employment_allowance_annual == 10_500
    assert (f25.ssp_weekly, f25.ssp_waiting_days, f25.holiday_weeks) == (118.75, 3, 5.6)
    assert np.isnan(f25.ssp_earnings_replacement_cap_rate)  # from 6 April 2026 only
    f24 = StatutoryFigures.in_force(params, "2025-04-05")  # the last day of 2024-25
    assert (f24.employer_ni_rate, f24.employer_ni_threshold_annual) == (0.138, 9_100)
    f26 = params.statutory("2026-04-06")
    assert (f26.ssp_earnings_replacement_cap_rate, f26.ssp_waiting_days) == (0.8, 0)


def test_every_figure_names_its_dated_parameter(params):
    names = StatutoryFigures.parameter_names()
    assert set(names) == set(StatutoryFigures.field_names())
    assert names["employer_ni_threshold_annual"] == "employer_ni_secondary_threshold_annual"
    for parameter in names.values():
        assert parameter in params.names


def test_overrides_and_a_mapping_of_figures(params):
    f = StatutoryFigures.in_force(params, "2025-04-06", pension_employer_rate=0.05)
    assert f.pension_employer_rate == 0.05
    plain = {name: 1.0 for name in StatutoryFigures.parameter_names().values()}
    del plain["ssp_earnings_replacement_cap_rate"]
    f = StatutoryFigures.in_force(plain, "2025-04-06")
    assert f.employer_ni_rate == 1.0 and np.isnan(f.ssp_earnings_replacement_cap_rate)
    with pytest.raises(TypeError, match="unknown statutory figure"):
        StatutoryFigures.in_force(params, "2025-04-06", ni_rate=0.1)


# ------------------------------------------------------------------ every consumer


def _kernels(f: StatutoryFigures):
    ni = employer_ni_annual(EARNINGS, f.employer_ni_rate, f.employer_ni_threshold_annual)
    pension = employer_pension_annual(
        EARNINGS,
        f.pension_employer_rate,
        f.pension_lower_annual,
        f.pension_upper_annual,
        f.pension_trigger_annual,
    )
    return ni, pension


def _price_calculator(f: StatutoryFigures):
    """The price calculator: each worker as a one-band workforce; NI and pension come back as
    shares of pay, times the worker's earnings."""
    start = {"2025-04-06": "2025-04-01", "2024-04-06": "2024-04-01"}[f.on.isoformat()]
    ni, pension = [], []
    for rate, hours, earnings in zip(RATES, HOURS, EARNINGS, strict=True):
        raw = {
            "period_start": start,  # tax-year figures read on 6 April
            "pay_rate_per_hour": float(rate),
            "workers": [{"hours_per_week": float(hours), "count": 1}],
            "weeks_paid_per_year": WEEKS,
            "employment_allowance": False,
            "pension_opt_out_rate": 0.0,
            "ni_basis": "per_worker",
            "pension_basis": "per_worker",
        }
        v = resolve(raw, "home_care", load()).values
        ni.append(v["employer_ni_share_of_pay"] * earnings)
        pension.append(v["employer_pension_share_of_pay"] * earnings)
    return np.array(ni), np.array(pension)


def _scenario_engine(f: StatutoryFigures):
    """The engine's two calls: the base period's workforce_costs (roles last) and the
    scenario block's workforce sum (roles second to last, scenarios on the last axis)."""
    _, ni, pension = workforce_costs(
        RATES[:, None], HOURS[:, None], np.ones((len(RATES), 1)), f,
        apply_employment_allowance=False,
    )  # fmt: skip
    figures = {k: np.full((1, 1, 2), v) for k, v in f.as_dict().items()}
    _, ni_block, pension_block = workforce_oncosts_annual(
        EARNINGS[:, None, None] * np.ones((1, 1, 2)),
        np.ones((len(RATES), 1, 1)),
        figures,
        apply_employment_allowance=False,
        role_axis=-2,
    )
    np.testing.assert_allclose(ni_block, np.column_stack([ni, ni]), rtol=1e-13)
    np.testing.assert_allclose(pension_block, np.column_stack([pension, pension]), rtol=1e-13)
    return ni, pension


def _wage_floor(f: StatutoryFigures):
    floors = [
        WageFloor.from_figures(f, rate, paid_hours_per_week=hours, paid_hours_per_unit=1.0)
        for rate, hours in zip(RATES, HOURS, strict=True)
    ]
    return (
        np.array([w.employer_ni_annual() for w in floors]),
        np.array([w.pension_annual() for w in floors]),
    )


def _reference_loop(f: StatutoryFigures):
    fig = f.as_dict()
    rows = [_workforce([r], [h], [1], fig, False) for r, h in zip(RATES, HOURS, strict=True)]
    return np.array([r[1] for r in rows]), np.array([r[2] for r in rows])


CONSUMERS = {
    "kernels": _kernels,
    "price calculator": _price_calculator,
    "scenario engine": _scenario_engine,
    "wage floor": _wage_floor,
    "reference loop": _reference_loop,
}


@pytest.mark.parametrize("consumer", list(CONSUMERS))
def test_every_consumer_gets_the_hand_worked_ni_and_pension(year, consumer):
    name, figures = year
    ni, pension = CONSUMERS[consumer](figures)
    np.testing.assert_allclose(ni, EXPECTED[name]["ni"], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(pension, EXPECTED[name]["pension"], rtol=1e-12, atol=1e-9)


def test_consumers_agree_with_each_other(year):
    _, figures = year
    results = {name: consumer(figures) for name, consumer in CONSUMERS.items()}
    ni0, pension0 = results["kernels"]
    for ni, pension in results.values():
        np.testing.assert_allclose(ni, ni0, rtol=1e-13, atol=1e-9)
        np.testing.assert_allclose(pension, pension0, rtol=1e-13, atol=1e-9)


def test_example_market_staffing_rows_use_the_kernels(year, params):
    """The generator writes whole pounds, and its workers below the trigger opt in at 30% of
    the role's opt-in share (1 here): the pension kernel's ``opt_in_below_trigger``."""
    name, figures = year
    market = Figures(12.21, 12.60, 0.45, figures)
    rows = [
        _staff_row(
            _Role("care_worker", "", 1, hours, hours, rate, pension_rate=0.03, opt_in=1.0),
            market,
            holiday_weeks=0.0,  # gross pay = rate x hours x 365 / 7
        )
        for rate, hours in zip(RATES, HOURS, strict=True)
    ]
    assert [r["annual_gross_pay"] for r in rows] == [np.floor(e + 0.5) for e in EARNINGS]
    assert [r["employer_ni_annual"] for r in rows] == [
        np.floor(x + 0.5) for x in EXPECTED[name]["ni"]
    ]
    # the worker between the lower limit and the trigger opts in at 0.3
    pension = list(EXPECTED[name]["pension"])
    pension[1] = 0.3 * 0.03 * (12.21 * 12 * 365 / 7 - 6_240)
    assert [r["employer_pension_annual"] for r in rows] == [np.floor(x + 0.5) for x in pension]


# ------------------------------------------------------------------ no second copy


def _code_without_docstrings(path: Path) -> str:
    """A module's source with docstrings blanked (they may show a rule as text)."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                for k in range(body[0].lineno - 1, body[0].end_lineno):
                    lines[k] = ""
    return "\n".join(lines)


#: a band worked out by hand: ``max(0, x - y)``, ``max(0, min(x, y) - z)``, ``max(x - y, 0)``
BAND = re.compile(
    r"max(imum)?\(\s*0(\.0)?\s*,\s*(min(imum)?\()?[\w.]+\s*(,\s*[\w.]+\s*\))?\s*-\s*[\w.]+\s*\)"
    r"|max(imum)?\(\s*[\w.]+\s*-\s*[\w.]+\s*,\s*0(\.0)?\s*\)"
)


def test_no_module_but_the_kernels_works_out_a_statutory_band():
    kernels = PACKAGE / "costs" / "oncosts.py"
    # the pattern finds the rules as they were written in the copies now gone
    for copy in (
        "max(0.0, earnings - fig.threshold)",
        "max(0.0, min(per_worker, f.pension_upper_annual) - f.pension_lower_annual)",
        "lambda r, g, t: r * max(0.0, g - t)",
        "np.maximum(earnings - threshold, 0.0)",
    ):
        assert BAND.search(copy), copy
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != kernels and BAND.search(_code_without_docstrings(path))
    ]
    assert offenders == []


def test_one_figures_object_and_one_weeks_convention():
    class_defs, weeks = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        code = _code_without_docstrings(path)
        rel = str(path.relative_to(PACKAGE))
        if re.search(r"^class \w*Figures\b", code, re.MULTILINE):
            class_defs.append(rel)
        if re.search(r"^WEEKS_PER_YEAR\s*=", code, re.MULTILINE):
            weeks.append(rel)
    # the example market keeps its own wage floors and mileage rate around the one object
    assert class_defs == ["examples/market.py", "parameters/statutory.py"]
    assert weeks == ["money.py"]
    assert WEEKS_PER_YEAR == 365 / 7
