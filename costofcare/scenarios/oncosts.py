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

from ..costs.oncosts import (
    employer_ni_annual,
    employer_pension_annual,
    employment_allowance_used,
)

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
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Annual pay, employer NI and employer pension of a workforce, summed over the last axis.

    ``rate_per_hour``, ``weekly_hours`` and ``headcount`` have roles on the last axis (padding
    roles carry headcount 0). The figures broadcast against the leading axes, so passing them
    with shape ``(1, S, 1)`` against workforce arrays of shape ``(P, 1, R)`` gives ``(P, S)``
    results. The Employment Allowance is taken off each employer's NI bill (first axis group),
    never below zero.

    Returns
    -------
    pay_annual, ni_annual, pension_annual
        Each summed over roles.
    """
    earnings = np.asarray(rate_per_hour, dtype=float) * weekly_hours * WEEKS_PER_YEAR
    heads = np.asarray(headcount, dtype=float)
    pay = (earnings * heads).sum(axis=-1)
    ni = (employer_ni_annual(earnings, employer_ni_rate, employer_ni_threshold_annual) * heads).sum(
        axis=-1
    )
    if apply_employment_allowance:
        allowance = np.asarray(employment_allowance_annual, dtype=float)
        if allowance.ndim:
            allowance = allowance[..., 0]
        ni = ni - employment_allowance_used(ni, allowance)
    pension = (
        employer_pension_annual(
            earnings,
            pension_employer_rate,
            pension_lower_annual,
            pension_upper_annual,
            pension_trigger_annual,
        )
        * heads
    ).sum(axis=-1)
    return pay, ni, pension
