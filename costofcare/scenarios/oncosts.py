"""Statutory on-costs of a workforce, recomputed bottom-up for a period.

Employer National Insurance is charged per worker on earnings above the secondary threshold;
the Employment Allowance then reduces the employer's bill (never below zero). The employer's
auto-enrolment pension contribution is the minimum rate on *qualifying earnings* (earnings
between the lower and upper limits) for workers earning at least the earnings trigger. Because
both depend on each worker's earnings against a threshold, a threshold change moves the cost of
a part-time workforce far more than a full-time one: that is why scenarios recompute them per
role rather than scaling by a percentage.

The rules are the cost models' own kernels (:mod:`costofcare.costs.oncosts`); this module
only turns a workforce table's hourly rates and weekly hours into annual earnings: ``rate
per hour x paid hours per week x WEEKS_PER_YEAR`` (365 / 7, :mod:`costofcare.money`).
Contributions are worked out on annual earnings (the annual earnings-period method), which
matches per-pay-period working for regular pay.
"""

from __future__ import annotations

import numpy as np

from ..costs.oncosts import workforce_oncosts_annual
from ..money import WEEKS_PER_YEAR

__all__ = ["workforce_costs"]


def workforce_costs(
    rate_per_hour,
    hours_per_week,
    headcount,
    figures,
    *,
    apply_employment_allowance: bool = True,
    role_axis: int = -1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Annual pay, employer NI and employer pension of a workforce, summed over roles.

    ``rate_per_hour`` (£ per hour), ``hours_per_week`` (paid hours a week per worker) and
    ``headcount`` have roles on ``role_axis`` (padding roles carry headcount 0). ``figures``
    is a :class:`~costofcare.parameters.StatutoryFigures` or a mapping of its fields to
    arrays that broadcast against the leading axes: figures of shape ``(1, S, 1)`` against a
    workforce of shape ``(P, 1, R)`` give ``(P, S)`` results. See
    :func:`costofcare.costs.oncosts.workforce_oncosts_annual` for the rules.

    Returns
    -------
    pay_annual, ni_annual, pension_annual
        Each summed over roles, £ per year.
    """
    hours = np.asarray(hours_per_week, dtype=float)
    earnings = np.multiply(rate_per_hour, hours * WEEKS_PER_YEAR, dtype=float)
    return workforce_oncosts_annual(
        earnings,
        headcount,
        figures,
        apply_employment_allowance=apply_employment_allowance,
        role_axis=role_axis,
    )
