"""Fit an uplift to a budget envelope.

Annual spend at an uplift ``u`` is ``Σ weeks × volume_per_week × rate(u)`` over providers,
where ``rate(u)`` has the guardrails applied (uplift limits, wage floor). The guardrails make
spend piecewise linear in ``u`` (flat past a cap, kinked where a provider leaves the wage
floor), so the fit solves ``spend(u) = envelope`` with :func:`scipy.optimize.brentq` on that
clipped function rather than by a closed form.

Two ways to share an envelope:

``uniform``
    every provider's current rate rises by the same percentage ``u``.
``floor_first``
    first bring every rate up to the wage floor cost, then share what is left, either as the
    same percentage on the floored rates (``share="percent"``) or the same pence per unit
    (``share="pence"``).

The fit is made on unrounded rates; rates are then rounded to the penny, so the spend at the
proposed rates can differ from the envelope by up to half a penny per unit of volume.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .guardrails import Guardrails

#: Absolute tolerance on the solved uplift (fraction) or pence share (GBP).
SOLVER_XTOL = 1e-12

FIT_STATUSES = {
    "fitted": "the uplift spends the envelope",
    "capped": "the uplift cap binds before the envelope is spent (underspend)",
    "short": "the envelope does not cover the rates the guardrails require (overspend)",
}


@dataclass(frozen=True)
class BudgetFit:
    """Result of a budget fit.

    ``value`` is the solved uplift (fraction) for ``uniform`` and for ``floor_first`` with
    ``share="percent"``, or GBP per unit for ``share="pence"``. ``spend_annual`` is the spend
    at the unrounded fitted rates; ``gap_annual = envelope_annual − spend_annual`` (positive:
    underspend, negative: overspend).
    """

    how: str
    share: str
    value: float
    status: str
    envelope_annual: float
    spend_annual: float
    current_spend_annual: float
    floor_spend_annual: float | None

    @property
    def gap_annual(self) -> float:
        return self.envelope_annual - self.spend_annual

    def describe(self) -> str:
        """One sentence on the fit, for the workbook's reasoning."""
        return FIT_STATUSES[self.status]


def method_rates(
    how: str, share: str, value: float, current_rate: np.ndarray, floor_rate: float | None
) -> np.ndarray:
    """Method rate per provider for a budget fit at ``value`` (before guardrails)."""
    current = np.asarray(current_rate, dtype=float)
    if how == "uniform":
        return current * (1.0 + value)
    base = current if floor_rate is None else np.maximum(current, floor_rate)
    if share == "percent":
        return base * (1.0 + value)
    return base + value


def _spend(rates: np.ndarray, volume_per_week: np.ndarray, weeks_per_year: float) -> float:
    return float(np.sum(rates * volume_per_week) * weeks_per_year)


def fit_budget(
    current_rate,
    volume_per_week,
    envelope_annual: float,
    guardrails: Guardrails,
    *,
    how: str = "uniform",
    share: str = "percent",
    weeks_per_year: float = 52.0,
) -> BudgetFit:
    """Find the uplift whose guarded annual spend equals ``envelope_annual``.

    Parameters
    ----------
    current_rate, volume_per_week
        One value per provider: current rate (GBP per unit) and units bought per week.
    envelope_annual
        Total annual spend available for the service at the new rates.
    guardrails
        Applied to every trial rate, so the solution respects them.
    how
        ``"uniform"`` or ``"floor_first"``.
    share
        For ``floor_first``: ``"percent"`` or ``"pence"``.

    Examples
    --------
    Two providers at £20 (100 h/week) and £25 (200 h/week) cost 52 × 7,000 = £364,000 a
    year; an envelope of £382,200 is 5% more:

    >>> fit = fit_budget([20, 25], [100, 200], 382_200, Guardrails())
    >>> round(fit.value, 10), fit.status
    (0.05, 'fitted')
    """
    if how not in ("uniform", "floor_first"):
        raise ValueError(f"unknown budget fit {how!r}; use 'uniform' or 'floor_first'")
    if share not in ("percent", "pence"):
        raise ValueError(f"unknown share {share!r}; use 'percent' or 'pence'")
    current = np.asarray(current_rate, dtype=float)
    volume = np.asarray(volume_per_week, dtype=float)
    if current.size == 0:
        raise ValueError("no providers to fit a budget over")
    floor_rate = guardrails.floor_rate

    def spend(value: float) -> float:
        rates = guardrails.guarded_rate(
            current, method_rates(how, share, value, current, floor_rate)
        )
        return _spend(rates, volume, weeks_per_year)

    current_spend = _spend(current, volume, weeks_per_year)
    floor_spend = None
    if how == "floor_first":
        floor_spend = spend(0.0)
        lo = 0.0  # floor-first shares what is left: never a cut
    else:
        lo = -0.99 if guardrails.uplift_min is None else guardrails.uplift_min
    # An upper bound past which the spend cannot grow (cap) or that certainly overspends.
    if guardrails.uplift_max is not None and not (how == "floor_first" and share == "pence"):
        hi = max(guardrails.uplift_max, lo)
    else:
        hi = 1.0 if share == "percent" or how == "uniform" else float(np.max(current))
        while spend(hi) < envelope_annual and hi < 1e9:
            if guardrails.uplift_max is not None and spend(hi) == spend(hi * 2):
                break  # the cap binds everyone; more cannot be spent
            hi *= 2
    spend_lo, spend_hi = spend(lo), spend(hi)
    if envelope_annual <= spend_lo:
        value, status = lo, ("fitted" if np.isclose(envelope_annual, spend_lo) else "short")
    elif envelope_annual >= spend_hi:
        value, status = hi, ("fitted" if np.isclose(envelope_annual, spend_hi) else "capped")
    else:
        value = brentq(lambda v: spend(v) - envelope_annual, lo, hi, xtol=SOLVER_XTOL)
        # spend is flat past a cap: take the smallest uplift that spends the envelope
        status = "fitted"
    return BudgetFit(
        how=how,
        share=share if how == "floor_first" else "percent",
        value=float(value),
        status=status,
        envelope_annual=float(envelope_annual),
        spend_annual=spend(value),
        current_spend_annual=current_spend,
        floor_spend_annual=floor_spend,
    )
