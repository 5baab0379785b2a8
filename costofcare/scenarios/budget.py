"""Budget impact: commissioned volume x weeks x (new rate - current rate).

Convention for weeks: a period of ``d`` days holds ``d / 7`` weeks, counting both the first
and the last day. The full year is the target period (1 April 2026 to 31 March 2027 is 365 days,
52.14 weeks); a part year runs from the effective date to the end of the target period (from
1 October 2026: 182 days, 26 weeks). A config may fix the weeks in a full year instead
(``weeks_per_year = 52``); a part year is then that number times the share of the period's
days remaining.

Over several years the decision recurs: year 1 is the part year, each later year a full year,
with the volume growing by ``volume_growth_per_year`` a year.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from ..errors import ConfigError


def period_days(start: date, end: date) -> int:
    """Days from ``start`` to ``end``, both included."""
    return (end - start).days + 1


def budget_weeks(
    start: date,
    end: date,
    effective_date: date | None = None,
    weeks_per_year: float | None = None,
) -> tuple[float, float]:
    """Weeks in the full target period and from ``effective_date`` to its end.

    Examples
    --------
    >>> budget_weeks(date(2026, 4, 1), date(2027, 3, 31), date(2026, 10, 1))
    (52.142857142857146, 26.0)
    """
    days = period_days(start, end)
    effective = start if effective_date is None else effective_date
    if not start <= effective <= end:
        raise ConfigError(
            f"budget.effective_date: {effective.isoformat()} is outside the target period "
            f"{start.isoformat()} to {end.isoformat()}"
        )
    remaining = period_days(effective, end)
    if weeks_per_year is None:
        return days / 7.0, remaining / 7.0
    return float(weeks_per_year), float(weeks_per_year) * remaining / days


def budget_impact(
    volume_per_week,
    new_rate,
    current_rate,
    weeks,
):
    """``volume_per_week x weeks x (new_rate - current_rate)``, broadcasting.

    Examples
    --------
    >>> float(budget_impact(100, 22.0, 20.0, 26.0))
    5200.0
    """
    diff = np.asarray(new_rate, dtype=float) - np.asarray(current_rate, dtype=float)
    return np.asarray(volume_per_week, dtype=float) * np.asarray(weeks, dtype=float) * diff


def multi_year_impact(
    volume_per_week,
    new_rate,
    current_rate,
    full_year_weeks,
    part_year_weeks,
    years: int,
    volume_growth_per_year: float = 0.0,
):
    """Cost of the decision over ``years`` years: part year first, then full years.

    Year ``y`` (1-based) uses volume ``volume x (1 + growth) ** (y - 1)``.
    """
    first = budget_impact(volume_per_week, new_rate, current_rate, part_year_weeks)
    later = sum((1.0 + volume_growth_per_year) ** (y - 1) for y in range(2, int(years) + 1))
    return first + budget_impact(volume_per_week, new_rate, current_rate, full_year_weeks) * later
