"""Statutory on-costs of a workforce, recomputed bottom-up for a period.

Employer National Insurance is charged per worker on earnings above the secondary threshold;
the Employment Allowance then reduces the employer's bill (never below zero). The employer's
auto-enrolment pension contribution is the minimum rate on *qualifying earnings* (earnings
between the lower and upper limits) for workers earning at least the earnings trigger. Because
both depend on each worker's earnings against a threshold, a threshold change moves the cost of
a part-time workforce far more than a full-time one: that is why scenarios recompute them per
role rather than scaling by a percentage.

The per-worker rules are the cost models' own (:mod:`costofcare.costs.oncosts`); this module
sums them over a workforce table. The functions are pure numpy and broadcast (providers x
scenarios x roles). Annual earnings are ``hourly rate x paid hours per week x
WEEKS_PER_YEAR``; contributions are worked out on annual earnings (the annual
earnings-period method), which matches per-pay-period working for regular pay.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import numpy as np

from ..costs.oncosts import employment_allowance_used

#: Paid weeks in a year used to annualise weekly pay (52 weekly pay periods).
WEEKS_PER_YEAR = 52.0


@dataclass(frozen=True)
class StatutoryFigures:
    """The employer on-cost figures in force for one period (rates are fractions)."""

    employer_ni_rate: float
    employer_ni_threshold_annual: float
    employment_allowance_annual: float
    pension_employer_rate: float
    pension_lower_annual: float
    pension_upper_annual: float
    pension_trigger_annual: float

    @classmethod
    def from_parameters(cls, params, on: date, pension_employer_rate: float | None = None):
        """Figures in force ``on`` from the parameters (``pension_employer_rate`` overrides)."""
        rate = (
            params.value("pension_employer_min_rate", on=on)
            if pension_employer_rate is None
            else pension_employer_rate
        )
        return cls(
            employer_ni_rate=params.value("employer_ni_rate", on=on),
            employer_ni_threshold_annual=params.value(
                "employer_ni_secondary_threshold_annual", on=on
            ),
            employment_allowance_annual=params.value("employment_allowance_annual", on=on),
            pension_employer_rate=rate,
            pension_lower_annual=params.value("pension_qualifying_earnings_lower_annual", on=on),
            pension_upper_annual=params.value("pension_qualifying_earnings_upper_annual", on=on),
            pension_trigger_annual=params.value("pension_earnings_trigger_annual", on=on),
        )

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def workforce_costs(
    rate_per_hour,
    weekly_hours,
    headcount,
    employer_ni_rate,
    employer_ni_threshold_annual,
    employment_allowance_annual,
    pension_employer_rate,
    pension_lower_annual,
    pension_upper_annual,
    pension_trigger_annual,
    apply_employment_allowance: bool = True,
    role_axis: int = -1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Annual pay, employer NI and employer pension of a workforce, summed over the last axis.

    ``rate_per_hour``, ``weekly_hours`` and ``headcount`` have roles on the last axis (padding
    roles carry headcount 0). The figures broadcast against the leading axes, so passing them
    with shape ``(1, S, 1)`` against workforce arrays of shape ``(P, 1, R)`` gives ``(P, S)``
    results; figures are the same for every role (scalars, or a role axis of length 1). The
    Employment Allowance is taken off each employer's NI bill, never below zero.
    ``role_axis=-2`` puts roles second to last instead: workforce ``(P, R, 1)`` against figures
    ``(1, 1, S)`` gives the same ``(P, S)`` results with scenarios on the fast inner axis, which
    is how the engine calls it.

    Returns
    -------
    pay_annual, ni_annual, pension_annual
        Each summed over roles.
    """
    hours = np.asarray(weekly_hours, dtype=float)
    earnings = np.multiply(rate_per_hour, hours * WEEKS_PER_YEAR, dtype=float)
    return costs_from_earnings(
        earnings,
        headcount,
        employer_ni_rate,
        employer_ni_threshold_annual,
        employment_allowance_annual,
        pension_employer_rate,
        pension_lower_annual,
        pension_upper_annual,
        pension_trigger_annual,
        apply_employment_allowance,
        role_axis,
    )


def costs_from_earnings(
    earnings_annual: np.ndarray,
    headcount,
    employer_ni_rate,
    employer_ni_threshold_annual,
    employment_allowance_annual,
    pension_employer_rate,
    pension_lower_annual,
    pension_upper_annual,
    pension_trigger_annual,
    apply_employment_allowance: bool = True,
    role_axis: int = -1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`workforce_costs` from annual earnings per worker (same shapes and rules)."""
    # The rules of costofcare.costs.oncosts (employer_ni_annual, employer_pension_annual),
    # written with in-place steps: this is the engine's hot loop, and the rate of each rule
    # factors out of the sum over workers. tests/test_scenarios.py checks the two agree.
    earnings = np.asarray(earnings_annual, dtype=float)
    heads = np.asarray(headcount, dtype=float)
    pay = _sum_roles(earnings, heads, role_axis)
    work = np.subtract(earnings, employer_ni_threshold_annual)
    np.maximum(work, 0.0, out=work)
    ni = _per_employer(employer_ni_rate, role_axis) * _sum_roles(work, heads, role_axis)
    if apply_employment_allowance:
        allowance = _per_employer(employment_allowance_annual, role_axis)
        ni = ni - employment_allowance_used(ni, allowance)
    enrolled = earnings >= pension_trigger_annual
    np.minimum(earnings, pension_upper_annual, out=work)
    np.subtract(work, pension_lower_annual, out=work)
    np.maximum(work, 0.0, out=work)
    np.multiply(work, enrolled, out=work)
    pension = _per_employer(pension_employer_rate, role_axis) * _sum_roles(work, heads, role_axis)
    return pay, ni, pension


def _per_employer(figure, role_axis: int = -1) -> np.ndarray:
    """A figure without its (length-1) role axis, to apply after summing over workers."""
    arr = np.asarray(figure, dtype=float)
    if not arr.ndim:
        return arr
    if arr.ndim < -role_axis or arr.shape[role_axis] != 1:
        raise ValueError("statutory figures must be the same for every role (role axis of 1)")
    return np.squeeze(arr, axis=role_axis)


def _sum_roles(per_worker: np.ndarray, headcount: np.ndarray, role_axis: int = -1) -> np.ndarray:
    """``(per_worker * headcount).sum(axis=role_axis)``; a matrix product when the shapes
    allow (one workforce per leading row), which avoids a temporary."""
    if per_worker.ndim == 3 and headcount.ndim == 3 and headcount.shape[0] == per_worker.shape[0]:
        if role_axis == -1 and headcount.shape[1] == 1:
            return np.matmul(per_worker, np.swapaxes(headcount, 1, 2))[..., 0]
        if role_axis == -2 and headcount.shape[2] == 1:
            return np.matmul(np.swapaxes(headcount, 1, 2), per_worker)[:, 0, :]
    return (per_worker * headcount).sum(axis=role_axis)
