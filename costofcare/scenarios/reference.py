"""The scenario model written as a plain per-provider, per-scenario Python loop.

Same model as :func:`costofcare.scenarios.model.evaluate`, one worker at a time: scalar
arithmetic, and the on-cost kernels of :mod:`costofcare.costs.oncosts` called on one worker's
earnings at a time. It exists to check the vectorised engine (tests compare the two) and as the
baseline the benchmark measures the engine against; it is far too slow for real runs.
"""

from __future__ import annotations

from ..costs.oncosts import employer_ni_annual, employer_pension_annual, employment_allowance_used
from ..money import WEEKS_PER_YEAR
from .model import Inputs, ScenarioArrays


def _workforce(rates, hours, heads, fig: dict, allowance: bool) -> tuple[float, float, float]:
    """Pay, NI and pension of one workforce, one worker at a time, by the scalar use of the
    kernels in :mod:`costofcare.costs.oncosts`."""
    pay = ni = pension = 0.0
    for rate, h, n in zip(rates, hours, heads, strict=True):
        if n == 0:
            continue
        earnings = rate * h * WEEKS_PER_YEAR
        each_ni = employer_ni_annual(
            earnings, fig["employer_ni_rate"], fig["employer_ni_threshold_annual"]
        )
        each_pension = employer_pension_annual(
            earnings,
            fig["pension_employer_rate"],
            fig["pension_lower_annual"],
            fig["pension_upper_annual"],
            fig["pension_trigger_annual"],
        )
        pay += earnings * n
        ni += float(each_ni) * n
        pension += float(each_pension) * n
    if allowance:
        ni -= float(employment_allowance_used(ni, fig["employment_allowance_annual"]))
    return pay, ni, pension


def _new_rate(rate, base_floor, floor, code, is_increase, increase) -> float:
    if is_increase:
        return max(rate * (1.0 + increase), floor)
    if code == 0:
        raised = rate * floor / base_floor
    elif code == 1:
        raised = rate + floor - base_floor
    else:
        raised = rate
    return max(raised, rate, floor)


def required_rates_loop(
    inputs: Inputs,
    base_figures: dict,
    arrays: ScenarioArrays,
    apply_employment_allowance: bool = True,
) -> list[list[float]]:
    """Required rate per key (rows) and scenario (columns), by plain loops.

    ``base_figures`` maps each statutory figure name to a per-provider sequence.
    """
    out = [[0.0] * len(arrays) for _ in range(len(inputs.keys))]
    n_lines = len(inputs.non_staffing_lines)
    for p in range(len(inputs.providers)):
        rates = inputs.rate_per_hour[p].tolist()
        hours = inputs.hours_per_week[p].tolist()
        heads = inputs.headcount[p].tolist()
        fig0 = {k: float(v[p]) for k, v in base_figures.items()}
        pay0, ni0, pen0 = _workforce(rates, hours, heads, fig0, apply_employment_allowance)
        keys = [k for k in range(len(inputs.keys)) if inputs.key_provider[k] == p]
        for s in range(len(arrays)):
            fig1 = {k: float(v[s]) for k, v in arrays.figures.items()}
            new_rates = [
                _new_rate(
                    r,
                    float(arrays.base_floor[p, s]),
                    float(arrays.floor[s]),
                    int(arrays.differential[s]),
                    bool(arrays.is_pay_increase[s]),
                    float(arrays.pay_increase[s]),
                )
                for r in rates
            ]
            pay1, ni1, pen1 = _workforce(new_rates, hours, heads, fig1, apply_employment_allowance)
            pay_factor = pay1 / pay0 if pay0 > 0 else 1.0
            emp0, emp1 = pay0 + ni0 + pen0, pay1 + ni1 + pen1
            emp_factor = emp1 / emp0 if emp0 > 0 else 1.0
            for k in keys:
                pay_k, ni_k, pen_k = inputs.pay[k], inputs.ni[k], inputs.pension[k]
                if inputs.explicit_oncosts[k]:
                    new_pay = pay_k * pay_factor
                    if ni0 > 0:
                        new_ni = ni_k * ni1 / ni0
                    else:
                        new_ni = new_pay * (ni1 / pay1 if pay1 > 0 else 0.0)
                    if pen0 > 0:
                        new_pen = pen_k * pen1 / pen0
                    else:
                        new_pen = new_pay * (pen1 / pay1 if pay1 > 0 else 0.0)
                else:
                    new_pay, new_ni, new_pen = (
                        pay_k * emp_factor,
                        ni_k * emp_factor,
                        pen_k * emp_factor,
                    )
                staffing = new_pay + new_ni + new_pen
                base_ns = 0.0
                non_staffing = 0.0
                for j in range(n_lines):
                    line = float(inputs.non_staffing[k, j])
                    base_ns += line
                    non_staffing += line * float(arrays.line_ratio[s, j])
                base_costs = pay_k + ni_k + pen_k + base_ns
                scale = (staffing + non_staffing) / base_costs if base_costs > 0 else 1.0
                out[k][s] = staffing + non_staffing + float(inputs.returns[k]) * scale
    return out
