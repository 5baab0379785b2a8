"""Employer on-costs per worker: National Insurance, pension, holiday and sick pay.

This module is the one place these statutory rules are written. The price calculator
(:mod:`costofcare.costs.drivers`), the scenario engine (:mod:`costofcare.scenarios.model`), the
wage floor (:class:`costofcare.costs.wagefloor.WageFloor`), the example market generator and
the plain-loop reference all call these functions.

Every function is pure and vectorised: arguments are numbers or numpy arrays that broadcast
together, and the result has the broadcast shape (a 0-d array for scalars: ``float(...)``
gives the number). Figures set in law (rates, thresholds, limits) are arguments, never
literals: callers take them from :class:`costofcare.parameters.StatutoryFigures` for the
period modelled. The band functions (:func:`ni_liable_earnings_annual`,
:func:`qualifying_earnings_annual`, :func:`pension_eligible`) accept ``out=`` so the scenario
engine's hot loop can work in place; the rules built on them multiply by the rate.

The per-worker functions work on *annual earnings*. :func:`workforce_oncosts_annual` sums them
over a workforce (roles on one axis) and takes the Employment Allowance off each employer's
total; :func:`effective_oncost_rates` turns a distribution of workers' weekly paid hours into
the share of the pay bill that employer NI and pension add, which is how a per-worker rule
becomes a cost per unit.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..money import WEEKS_PER_YEAR

__all__ = [
    "WORKFORCE_FIGURES",
    "effective_oncost_rates",
    "employer_ni_annual",
    "employer_ni_annual_by_pay_period",
    "employer_pension_annual",
    "employment_allowance_used",
    "holiday_pay_rate",
    "ni_liable_earnings_annual",
    "pension_eligible",
    "qualifying_earnings_annual",
    "statutory_sick_pay_annual",
    "workforce_oncosts_annual",
]

#: Statutory figures :func:`workforce_oncosts_annual` reads (fields of StatutoryFigures).
WORKFORCE_FIGURES = (
    "employer_ni_rate",
    "employer_ni_threshold_annual",
    "employment_allowance_annual",
    "pension_employer_rate",
    "pension_lower_annual",
    "pension_upper_annual",
    "pension_trigger_annual",
)


def _arr(x: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(x, dtype=np.float64)


def _is_zero(x: ArrayLike) -> bool:
    """Whether a share is a plain 0 (the default), so the kernel can skip a step."""
    return isinstance(x, int | float) and x == 0


# ----------------------------------------------------------------------------- bands
def ni_liable_earnings_annual(
    earnings_annual: ArrayLike, threshold_annual: ArrayLike, out: NDArray | None = None
) -> NDArray[np.float64]:
    """Earnings above the employer NI secondary threshold: ``max(0, earnings - threshold)``.

    ``out`` (a float array of the broadcast shape) receives the result in place.

    Examples
    --------
    >>> float(ni_liable_earnings_annual(20_000, 5_000))
    15000.0
    >>> float(ni_liable_earnings_annual(4_000, 5_000))
    0.0
    """
    above = np.subtract(earnings_annual, threshold_annual, out=out, dtype=np.float64)
    return np.maximum(above, 0.0, out=above if isinstance(above, np.ndarray) else None)


def qualifying_earnings_annual(
    earnings_annual: ArrayLike,
    lower_annual: ArrayLike,
    upper_annual: ArrayLike,
    out: NDArray | None = None,
) -> NDArray[np.float64]:
    """Pension *qualifying earnings*: the band ``max(0, min(earnings, upper) - lower)``.

    Examples
    --------
    >>> float(qualifying_earnings_annual(60_000, 6_240, 50_270))
    44030.0
    """
    band = np.minimum(earnings_annual, upper_annual, out=out, dtype=np.float64)
    if not isinstance(band, np.ndarray):  # scalars: no array to work in
        return np.maximum(band - lower_annual, 0.0)
    np.subtract(band, lower_annual, out=band)
    return np.maximum(band, 0.0, out=band)


def pension_eligible(earnings_annual: ArrayLike, trigger_annual: ArrayLike) -> NDArray[np.bool_]:
    """Whether a worker is auto-enrolled: earnings at least the earnings trigger."""
    return np.greater_equal(earnings_annual, trigger_annual)


# ----------------------------------------------------------------------------- per worker
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
        Employer NI rate as a fraction (``StatutoryFigures.employer_ni_rate``, e.g. 0.15).
    threshold_annual : array_like
        Secondary threshold, £ per year (``StatutoryFigures.employer_ni_threshold_annual``).

    Returns
    -------
    numpy.ndarray
        Employer NI, £ per year per worker.

    Examples
    --------
    >>> float(employer_ni_annual(20_000, 0.15, 5_000))
    2250.0
    """
    return np.multiply(rate, ni_liable_earnings_annual(earnings_annual, threshold_annual))


def employer_ni_annual_by_pay_period(
    pay_per_period: ArrayLike,
    rate: ArrayLike,
    threshold_per_period: ArrayLike,
    periods_per_year: float = WEEKS_PER_YEAR,
) -> NDArray[np.float64]:
    """Employer NI for a year of a worker whose pay varies from one pay period to the next.

    Payroll works NI out each pay period against that period's threshold, so a week below
    the threshold pays nothing while a busy week pays on everything above it.
    :func:`employer_ni_annual` on the year's total nets the quiet weeks' unused threshold
    against the busy weeks' and so understates NI for such workers. This applies the same
    rule (:func:`employer_ni_annual`) to each period of the pattern, averages over the
    pattern and scales to a year, the pattern repeating.

    Parameters
    ----------
    pay_per_period : array_like
        Gross pay in each pay period of the pattern, £ per period; periods on the last axis
        (e.g. ``[122.10, 366.30]`` for 10 then 30 hours at £12.21).
    rate : array_like
        Employer NI rate as a fraction (``StatutoryFigures.employer_ni_rate``).
    threshold_per_period : array_like
        Secondary threshold for one pay period, £ (for weekly pay, the dated parameter
        ``employer_ni_secondary_threshold_weekly``, e.g. £96 in 2025-26).
    periods_per_year : float
        Pay periods in a year; weeks by default (``WEEKS_PER_YEAR`` = 365 / 7).

    Returns
    -------
    numpy.ndarray
        Employer NI, £ per year per worker (the pattern's axis removed).

    Examples
    --------
    Ten hours one week and thirty the next at £12.21 against 20 every week: both weeks are
    above £96, so NI is the same (£22.23 a week on average).

    >>> round(float(employer_ni_annual_by_pay_period([122.10, 366.30], 0.15, 96, 1)), 4)
    22.23
    >>> round(float(employer_ni_annual_by_pay_period([244.20, 244.20], 0.15, 96, 1)), 4)
    22.23
    """
    # rate and threshold hold one value per worker: give them the pattern's axis
    rate_each, threshold_each = (np.expand_dims(_arr(x), -1) for x in (rate, threshold_per_period))
    per_period = employer_ni_annual(pay_per_period, rate_each, threshold_each)
    return np.mean(per_period, axis=-1) * periods_per_year


def employer_pension_annual(
    earnings_annual: ArrayLike,
    rate: ArrayLike,
    lower_annual: ArrayLike,
    upper_annual: ArrayLike,
    trigger_annual: ArrayLike,
    opt_out: ArrayLike = 0.0,
    opt_in_below_trigger: ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """Expected employer pension contribution on qualifying earnings for one worker.

    The employer pays ``rate`` on *qualifying earnings*, the band of earnings between the
    lower and upper limits (:func:`qualifying_earnings_annual`), for each worker in the
    scheme. A worker earning at least the trigger is auto-enrolled and stays in with
    probability ``1 - opt_out``; a worker below it joins only by opting in, with probability
    ``opt_in_below_trigger`` (0 by default: no one opts in). The result is an expected value.

    Parameters
    ----------
    earnings_annual : array_like
        Gross annual earnings, £ per year.
    rate : array_like
        Employer contribution rate on qualifying earnings (the statutory minimum,
        ``StatutoryFigures.pension_employer_rate``, or an employer's own rate).
    lower_annual, upper_annual : array_like
        Qualifying earnings lower and upper limits, £ per year.
    trigger_annual : array_like
        Auto-enrolment earnings trigger, £ per year.
    opt_out : array_like, default 0
        Share (0 to 1) of eligible workers who opt out.
    opt_in_below_trigger : array_like, default 0
        Share (0 to 1) of workers below the trigger who opt in.

    Returns
    -------
    numpy.ndarray
        Expected employer pension contribution, £ per year per worker.

    Examples
    --------
    >>> float(employer_pension_annual(20_000, 0.03, 6_240, 50_270, 10_000))
    412.8
    """
    qualifying = qualifying_earnings_annual(earnings_annual, lower_annual, upper_annual)
    eligible = pension_eligible(earnings_annual, trigger_annual)
    if _is_zero(opt_out) and _is_zero(opt_in_below_trigger):
        return np.multiply(rate, qualifying) * eligible  # everyone eligible stays in
    in_scheme = np.where(eligible, 1.0 - _arr(opt_out), _arr(opt_in_below_trigger))
    return _arr(rate) * qualifying * in_scheme


def employment_allowance_used(
    total_ni_annual: ArrayLike, allowance_annual: ArrayLike
) -> NDArray[np.float64]:
    """Employment Allowance an employer can set against its employer NI bill in a year.

    ``min(allowance_annual, total_ni_annual)``: the allowance is claimed once per employer,
    so it is applied to the employer's total, never per worker.
    """
    return np.minimum(_arr(allowance_annual), np.maximum(0.0, _arr(total_ni_annual)))


def holiday_pay_rate(
    holiday_weeks: ArrayLike, weeks_per_year: ArrayLike = WEEKS_PER_YEAR
) -> NDArray:
    """Holiday pay as a fraction of pay for time worked.

    A worker paid for ``weeks_per_year`` weeks takes ``holiday_weeks`` of them as paid leave,
    so pay for time worked buys ``weeks_per_year - holiday_weeks`` weeks and holiday adds
    ``holiday_weeks / (weeks_per_year - holiday_weeks)``. The year is 365 / 7 weeks
    (:data:`costofcare.money.WEEKS_PER_YEAR`) unless stated: 5.6 weeks give 12.03%, and
    12.07% in a published model that used 52 weeks.

    Examples
    --------
    >>> round(float(holiday_pay_rate(5.6)), 4), round(float(holiday_pay_rate(5.6, 52)), 4)
    (0.1203, 0.1207)
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
    period and are switched by the figures passed (``StatutoryFigures`` gives NaN for a rule
    not in force):

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


# ----------------------------------------------------------------------------- workforce
def workforce_oncosts_annual(
    earnings_annual: ArrayLike,
    headcount: ArrayLike,
    figures,
    *,
    apply_employment_allowance: bool = True,
    role_axis: int = -1,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Annual pay bill, employer NI and employer pension of workforces, summed over roles.

    Each role has ``headcount`` workers earning ``earnings_annual`` each. NI is
    :func:`employer_ni_annual` and pension :func:`employer_pension_annual` per worker (no
    opt-out), summed over the role axis; the Employment Allowance then comes off each
    employer's NI bill, never below zero. The rate of each rule factors out of the sum, so it
    is applied once per employer, and the bands are worked out in place: this is the scenario
    engine's hot loop.

    Parameters
    ----------
    earnings_annual : array_like
        Annual earnings per worker, £ per year, roles on ``role_axis`` (padding roles carry
        headcount 0).
    headcount : array_like
        Workers in each role; broadcasts against ``earnings_annual``.
    figures : StatutoryFigures or mapping
        The figures in :data:`WORKFORCE_FIGURES` (attributes or keys). Each broadcasts
        against the earnings and is the same for every role (a scalar, or a role axis of
        length 1).
    apply_employment_allowance : bool
        Take the Employment Allowance off each employer's NI bill.
    role_axis : int
        ``-1`` (roles last) or ``-2``: workforce ``(P, R, 1)`` against figures ``(1, 1, S)``
        gives ``(P, S)`` results with scenarios on the fast inner axis.

    Returns
    -------
    pay_annual, ni_annual, pension_annual : numpy.ndarray
        Each summed over roles, £ per year per employer.

    Examples
    --------
    Two workers on £20,000 and one on £4,000, 2025-26 figures, no Employment Allowance:

    >>> from costofcare.parameters import StatutoryFigures, load
    >>> f = StatutoryFigures.in_force(load(), "2025-04-06")
    >>> pay, ni, pension = workforce_oncosts_annual(
    ...     [20_000.0, 4_000.0], [2, 1], f, apply_employment_allowance=False)
    >>> float(pay), float(ni), round(float(pension), 2)
    (44000.0, 4500.0, 825.6)
    """
    fig = _figures(figures)
    earnings = _arr(earnings_annual)
    heads = _arr(headcount)
    pay = _sum_roles(earnings, heads, role_axis)
    work = ni_liable_earnings_annual(earnings, fig["employer_ni_threshold_annual"])
    ni = _per_employer(fig["employer_ni_rate"], role_axis) * _sum_roles(work, heads, role_axis)
    if apply_employment_allowance:
        allowance = _per_employer(fig["employment_allowance_annual"], role_axis)
        ni = ni - employment_allowance_used(ni, allowance)
    enrolled = pension_eligible(earnings, fig["pension_trigger_annual"])
    qualifying_earnings_annual(
        earnings, fig["pension_lower_annual"], fig["pension_upper_annual"], out=work
    )
    np.multiply(work, enrolled, out=work)
    rate = _per_employer(fig["pension_employer_rate"], role_axis)
    return pay, ni, rate * _sum_roles(work, heads, role_axis)


def effective_oncost_rates(
    hours_per_week: ArrayLike,
    workers: ArrayLike,
    pay_rate_per_hour: ArrayLike,
    weeks_paid_per_year: ArrayLike,
    *,
    employer_ni_rate: ArrayLike,
    employer_ni_threshold_annual: ArrayLike,
    pension_employer_rate: ArrayLike,
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

    The statutory figures carry the names of
    :class:`~costofcare.parameters.StatutoryFigures` (``**figures.as_dict()`` less the SSP
    and holiday figures, or zeros for a rule priced another way).

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
    ni = employer_ni_annual(earnings, employer_ni_rate, employer_ni_threshold_annual)
    pension = employer_pension_annual(
        earnings,
        pension_employer_rate,
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


def _figures(figures) -> Mapping[str, ArrayLike]:
    if isinstance(figures, Mapping):
        return figures
    return {name: getattr(figures, name) for name in WORKFORCE_FIGURES}


def _per_employer(figure: ArrayLike, role_axis: int = -1) -> NDArray[np.float64]:
    """A figure without its (length-1) role axis, to apply after summing over workers."""
    arr = _arr(figure)
    if not arr.ndim:
        return arr
    if arr.ndim < -role_axis or arr.shape[role_axis] != 1:
        raise ValueError("statutory figures must be the same for every role (role axis of 1)")
    return np.squeeze(arr, axis=role_axis)


def _sum_roles(per_worker: NDArray, headcount: NDArray, role_axis: int = -1) -> NDArray:
    """``(per_worker * headcount).sum(axis=role_axis)``; a matrix product when the shapes
    allow (one workforce per leading row), which avoids a temporary."""
    if per_worker.ndim == 3 and headcount.ndim == 3 and headcount.shape[0] == per_worker.shape[0]:
        if role_axis == -1 and headcount.shape[1] == 1:
            return np.matmul(per_worker, np.swapaxes(headcount, 1, 2))[..., 0]
        if role_axis == -2 and headcount.shape[2] == 1:
            return np.matmul(np.swapaxes(headcount, 1, 2), per_worker)[:, 0, :]
    return (per_worker * headcount).sum(axis=role_axis)
