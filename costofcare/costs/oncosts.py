"""Employer on-costs per worker: National Insurance, pension, holiday and sick pay.

Every function here is pure and vectorised: arguments are numbers or numpy arrays that
broadcast together, and the result has the broadcast shape. Figures set in law (rates,
thresholds, limits) are arguments, never literals: the caller takes them from the dated
parameters for the period modelled (see :mod:`costofcare.costs.drivers`).

The per-worker functions work on *annual earnings*. :func:`effective_oncost_rates` turns a
distribution of workers' weekly paid hours into the share of the pay bill that employer NI,
pension and statutory sick pay add, which is how a per-worker rule becomes a cost per unit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "employer_ni_annual",
    "employer_pension_annual",
    "employment_allowance_used",
    "holiday_pay_rate",
    "statutory_sick_pay_annual",
    "effective_oncost_rates",
]


def _arr(x: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(x, dtype=np.float64)


def employer_ni_annual(
    earnings_annual: ArrayLike, rate: ArrayLike, threshold_annual: ArrayLike
) -> NDArray[np.float64]:
    """Employer (secondary Class 1) National Insurance on one worker's annual earnings.

    ``rate * max(0, earnings_annual - threshold_annual)``, worked out on an annual basis
    (a worker paid the same every week pays the same as the sum of the weekly calculations).

    Parameters
    ----------
    earnings_annual : array_like
        Gross annual earnings of each worker, £ per year.
    rate : array_like
        Employer NI rate as a fraction (``employer_ni_rate``, e.g. 0.15).
    threshold_annual : array_like
        Secondary threshold, £ per year (``employer_ni_secondary_threshold_annual``).

    Returns
    -------
    numpy.ndarray
        Employer NI, £ per year per worker.

    Examples
    --------
    >>> float(employer_ni_annual(20_000, 0.15, 5_000))
    2250.0
    """
    earnings = _arr(earnings_annual)
    return _arr(rate) * np.maximum(0.0, earnings - _arr(threshold_annual))


def employer_pension_annual(
    earnings_annual: ArrayLike,
    rate: ArrayLike,
    lower_annual: ArrayLike,
    upper_annual: ArrayLike,
    trigger_annual: ArrayLike,
    opt_out: ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """Expected employer pension contribution on qualifying earnings for one worker.

    A worker earning at least the earnings trigger is auto-enrolled; the employer pays
    ``rate`` on *qualifying earnings*, the band of earnings between the lower and upper
    limits: ``rate * (min(earnings, upper) - lower)`` when positive. ``opt_out`` is the
    share of eligible workers assumed to opt out, so the result is an expected value.
    Workers below the trigger are assumed not to opt in.

    Parameters
    ----------
    earnings_annual : array_like
        Gross annual earnings, £ per year.
    rate : array_like
        Employer contribution rate on qualifying earnings (``pension_employer_min_rate``).
    lower_annual, upper_annual : array_like
        Qualifying earnings lower and upper limits, £ per year.
    trigger_annual : array_like
        Auto-enrolment earnings trigger, £ per year.
    opt_out : array_like, default 0
        Share (0 to 1) of eligible workers who opt out.

    Returns
    -------
    numpy.ndarray
        Expected employer pension contribution, £ per year per worker.

    Examples
    --------
    >>> float(employer_pension_annual(20_000, 0.03, 6_240, 50_270, 10_000))
    412.8
    """
    earnings = _arr(earnings_annual)
    qualifying = np.maximum(0.0, np.minimum(earnings, _arr(upper_annual)) - _arr(lower_annual))
    eligible = earnings >= _arr(trigger_annual)
    return np.where(eligible, _arr(rate) * qualifying * (1.0 - _arr(opt_out)), 0.0)


def employment_allowance_used(
    total_ni_annual: ArrayLike, allowance_annual: ArrayLike
) -> NDArray[np.float64]:
    """Employment Allowance an employer can set against its employer NI bill in a year.

    ``min(allowance_annual, total_ni_annual)``: the allowance is claimed once per employer,
    so it is applied to the employer's total, never per worker.
    """
    return np.minimum(_arr(allowance_annual), np.maximum(0.0, _arr(total_ni_annual)))


def holiday_pay_rate(holiday_weeks: ArrayLike, weeks_per_year: ArrayLike = 52.0) -> NDArray:
    """Holiday pay as a fraction of pay for time worked.

    A worker paid for ``weeks_per_year`` weeks takes ``holiday_weeks`` of them as paid leave,
    so pay for time worked buys ``weeks_per_year - holiday_weeks`` weeks and holiday adds
    ``holiday_weeks / (weeks_per_year - holiday_weeks)``; 5.6 weeks in 52 gives 12.07%.

    Examples
    --------
    >>> round(float(holiday_pay_rate(5.6, 52)), 4)
    0.1207
    """
    weeks = _arr(holiday_weeks)
    return weeks / (_arr(weeks_per_year) - weeks)


def statutory_sick_pay_annual(
    weekly_earnings: ArrayLike,
    sick_days_per_year: ArrayLike,
    spells_per_year: ArrayLike,
    qualifying_days_per_week: ArrayLike,
    ssp_weekly: ArrayLike,
    waiting_days: ArrayLike,
    lower_earnings_limit_weekly: ArrayLike = np.nan,
    earnings_replacement_cap_rate: ArrayLike = np.nan,
) -> NDArray[np.float64]:
    """Statutory Sick Pay an employer pays one worker in a year.

    Days paid = ``max(0, sick_days - waiting_days * spells)`` (waiting days fall in each spell
    of sickness); daily rate = weekly rate / qualifying days per week. Two rules depend on the
    period and are switched by the figures passed:

    * ``lower_earnings_limit_weekly`` (until 5 April 2026): a worker whose average weekly
      earnings are below it gets nothing. NaN means no limit applies.
    * ``earnings_replacement_cap_rate`` (from 6 April 2026): the weekly rate is the lower of
      ``ssp_weekly`` and this share of average weekly earnings. NaN means no cap.

    Returns
    -------
    numpy.ndarray
        SSP, £ per year per worker.
    """
    earnings = _arr(weekly_earnings)
    lel = _arr(lower_earnings_limit_weekly)
    cap = _arr(earnings_replacement_cap_rate)
    weekly_rate = np.where(np.isnan(cap), _arr(ssp_weekly), np.minimum(ssp_weekly, cap * earnings))
    eligible = np.where(np.isnan(lel), True, earnings >= lel)
    days_paid = np.maximum(
        0.0, _arr(sick_days_per_year) - _arr(waiting_days) * _arr(spells_per_year)
    )
    return np.where(eligible, weekly_rate / _arr(qualifying_days_per_week) * days_paid, 0.0)


def effective_oncost_rates(
    hours_per_week: ArrayLike,
    workers: ArrayLike,
    pay_rate_per_hour: ArrayLike,
    weeks_paid_per_year: ArrayLike,
    *,
    ni_rate: ArrayLike,
    ni_threshold_annual: ArrayLike,
    pension_rate: ArrayLike,
    pension_lower_annual: ArrayLike,
    pension_upper_annual: ArrayLike,
    pension_trigger_annual: ArrayLike,
    pension_opt_out: ArrayLike = 0.0,
    employment_allowance_annual: ArrayLike = 0.0,
) -> dict[str, NDArray[np.float64]]:
    """Employer NI and pension as shares of the pay bill, from workers' paid hours.

    Each worker band ``i`` (last axis) has ``workers[i]`` people paid ``hours_per_week[i]``
    hours a week at ``pay_rate_per_hour`` for ``weeks_paid_per_year`` weeks, so annual
    earnings ``E_i = hours * rate * weeks``. Then::

        ni_share      = (sum_i n_i * NI(E_i) - min(EA, sum_i n_i * NI(E_i))) / sum_i n_i * E_i
        pension_share = sum_i n_i * Pension(E_i) / sum_i n_i * E_i

    With ``workers`` as a head count, Employment Allowance (``employment_allowance_annual``;
    0 when the employer cannot claim it) comes off the employer's total. With ``workers`` as
    shares only the ratios matter and Employment Allowance should be 0.

    Every argument broadcasts against ``hours_per_week``, whose **last axis is the band
    axis**; give per-provider figures a trailing axis of length 1 (``rate[:, None]``).

    Parameters
    ----------
    hours_per_week, workers : array_like
        Bands of paid hours per week (including paid holiday, travel and training time) and
        the number (or share) of workers in each band.
    pay_rate_per_hour : array_like
        Hourly pay (one per band, or one per provider with a trailing axis of length 1).
    weeks_paid_per_year : array_like
        Weeks paid a year (365/7 = 52.143 unless stated).
    employment_allowance_annual : array_like
        Employer-level allowance; broadcasts against the leading (non-band) axes.

    Returns
    -------
    dict
        ``ni_share``, ``pension_share`` (fractions of pay), and ``ni_annual``,
        ``employment_allowance_annual``, ``pension_annual``, ``earnings_annual`` (employer
        totals, £ per year), each with the leading (non-band) shape.
    """
    n = _arr(workers)
    earnings = _arr(hours_per_week) * _arr(pay_rate_per_hour) * _arr(weeks_paid_per_year)
    ni = employer_ni_annual(earnings, ni_rate, ni_threshold_annual)
    pension = employer_pension_annual(
        earnings,
        pension_rate,
        pension_lower_annual,
        pension_upper_annual,
        pension_trigger_annual,
        pension_opt_out,
    )
    earnings_total = np.sum(n * earnings, axis=-1)
    ni_total = np.sum(n * ni, axis=-1)
    ea = employment_allowance_used(ni_total, employment_allowance_annual)
    pension_total = np.sum(n * pension, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ni_share = np.where(earnings_total > 0, (ni_total - ea) / earnings_total, 0.0)
        pension_share = np.where(earnings_total > 0, pension_total / earnings_total, 0.0)
    return {
        "ni_share": ni_share,
        "pension_share": pension_share,
        "ni_annual": ni_total,
        "employment_allowance_annual": ea,
        "pension_annual": pension_total,
        "earnings_annual": earnings_total,
    }
