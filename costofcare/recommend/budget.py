"""Fit an uplift to a budget envelope.

Annual spend at an uplift ``u`` is ``Σ weeks × volume_per_week × rate(u)`` over providers,
where ``rate(u)`` has the guardrails applied (uplift limits, wage floor). The guardrails make
spend piecewise linear in ``u`` (flat past a cap, kinked where a provider leaves the wage
floor), so the fit solves ``spend(u) = envelope`` with :func:`scipy.optimize.brentq` on that
clipped function rather than by a closed form.

Two methods share an envelope (each a :class:`~costofcare.recommend.method.Method`):

``budget_uniform`` (:class:`BudgetUniform`)
    every provider's current rate rises by the same percentage ``u``.
``budget_floor_first`` (:class:`BudgetFloorFirst`)
    first bring every rate up to the wage floor cost, then share what is left, either as the
    same percentage on the floored rates (``share="percent"``) or the same pence per unit
    (``share="pence"``).

The weeks in a year are those of the year from the effective date (days / 7, as the
scenarios step's budget impact counts them; :func:`costofcare.scenarios.budget.budget_weeks`).

The fit is made on unrounded rates; rates are then rounded to the penny, so the spend at the
proposed rates can differ from the envelope by up to half a penny per unit of volume.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from ..errors import ConfigError
from ..money import WEEKS_PER_YEAR
from .guardrails import Guardrails
from .method import Figure, Method, MethodInputs, OutcomeNote, Proposal, Row, register

#: Absolute tolerance on the solved uplift (fraction) or pence share (GBP).
SOLVER_XTOL = 1e-12

FIT_STATUSES = {
    "fitted": "the uplift spends the envelope",
    "capped": "the uplift cap binds before the envelope is spent (underspend)",
    "short": "the envelope does not cover the rates the guardrails require (overspend)",
}


def annual_spend(rate, volume_per_week, weeks_per_year: float) -> float:
    """``Σ rate × volume_per_week × weeks_per_year`` over providers (GBP a year)."""
    return float(np.sum(np.asarray(rate, dtype=float) * volume_per_week) * weeks_per_year)


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


@dataclass(frozen=True)
class _BudgetMethod(Method):
    """A method that solves for the uplift whose guarded annual spend meets an envelope."""

    budget_annual: float | None = None
    budget_increase_annual: float | None = None

    how = ""
    outcome_text = ""
    by_market = False  # one envelope across the service: care homes are not split

    @property
    def share_kind(self) -> str:
        return "percent"

    @abstractmethod
    def rates_at(self, value: float, current_rate: np.ndarray, floor_rate: float | None):
        """Method rate per provider at ``value`` (before guardrails)."""

    @abstractmethod
    def rate_formula(self, with_floor: bool) -> str:
        """:meth:`rates_at` as an Excel template over ``{current_rate}``, ``{fitted}``."""

    @abstractmethod
    def bounds(
        self, guardrails: Guardrails, current: np.ndarray
    ) -> tuple[float, float | None, float]:
        """(lowest value, highest value or None when unbounded, first trial upper bound)."""

    def check(self, config) -> None:
        given = [
            k for k in ("budget_annual", "budget_increase_annual") if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ConfigError(
                f"{config.where}: method {self.name} needs exactly one of budget_annual (total "
                "annual spend on the service) or budget_increase_annual (extra spend over today's)"
            )
        if self.budget_annual is not None and not self.budget_annual > 0:
            raise ConfigError(
                f"{config.where}.budget_annual must be a positive total annual spend, "
                f"got {self.budget_annual:g}"
            )

    def fit(
        self, current, volume_per_week, envelope_annual, guardrails, weeks_per_year
    ) -> BudgetFit:
        """The fit of this method's sharing rule to ``envelope_annual`` (see :func:`fit_budget`)."""
        current = np.asarray(current, dtype=float)
        volume = np.asarray(volume_per_week, dtype=float)
        if current.size == 0:
            raise ValueError("no providers to fit a budget over")
        floor = guardrails.floor_rate

        def spend(value: float) -> float:
            rates = guardrails.guarded_rate(current, self.rates_at(value, current, floor))
            return annual_spend(rates, volume, weeks_per_year)

        lo, hi, start = self.bounds(guardrails, current)
        value, status = _solve(spend, envelope_annual, lo, hi, start, guardrails.uplift_max)
        return BudgetFit(
            how=self.how,
            share=self.share_kind,
            value=float(value),
            status=status,
            envelope_annual=float(envelope_annual),
            spend_annual=spend(value),
            current_spend_annual=annual_spend(current, volume, weeks_per_year),
            floor_spend_annual=spend(0.0) if self.how == "floor_first" else None,
        )

    def propose(self, inputs: MethodInputs) -> Proposal:
        current, volume = inputs.current_rate, inputs.volume_per_week
        floor, unit = inputs.guardrails.floor_rate, inputs.unit
        today = annual_spend(current, volume, inputs.weeks_per_year)
        if self.budget_annual is not None:
            envelope, source = self.budget_annual, "budget_annual in the config"
        else:
            envelope = today + self.budget_increase_annual
            source = "today's spend + budget_increase_annual in the config"
        fit = self.fit(current, volume, envelope, inputs.guardrails, inputs.weeks_per_year)
        pence = fit.share == "pence"
        shown = f"£{fit.value:,.4f} per {unit}" if pence else f"{fit.value:+.4%}"
        reasoning = [
            f"Fit to a budget of £{envelope:,.0f} a year {self.sharing}: {shown}; {fit.describe()}."
        ]
        if fit.status == "short":
            reasoning.append(
                f"The envelope is £{-fit.gap_annual:,.0f} a year short "
                "of what the guardrails require."
            )
        solved = f"solved so the annual spend meets the envelope ({fit.status})"
        return Proposal(
            method_rate=self.rates_at(fit.value, current, floor),
            rate_formula=self.rate_formula(floor is not None),
            rows=(
                Row(
                    "budget_annual",
                    "Budget envelope a year",
                    envelope,
                    "money0",
                    "GBP/year",
                    source,
                ),
                Row(
                    "fitted",
                    "Fitted share" if pence else "Fitted uplift",
                    fit.value,
                    "money4" if pence else "percent4",
                    f"GBP per {unit}" if pence else "fraction",
                    f"solved with scipy.optimize.brentq ({fit.status}); "
                    "change it by hand to explore",
                ),
            ),
            reasoning=tuple(reasoning),
            figures={
                "budget_annual": Figure(envelope, source),
                "fitted_pence" if pence else "fitted_uplift": Figure(fit.value, solved),
            },
            outcome=OutcomeNote(
                "The uplift is what the council's budget for this service allows, "
                + self.outcome_text
            ),
            fit=fit,
        )

    def result_rows(self, proposal: Proposal, totals: Mapping[str, float]) -> tuple[Row, ...]:
        return (
            Row(
                "envelope_gap_annual",
                "Envelope less proposed spend",
                proposal.fit.envelope_annual - totals["proposed_spend_annual"],
                "money0",
                "GBP/year",
                "positive: unspent; negative: over budget",
                formula="{budget_annual}-{results.proposed_spend_annual}",
            ),
        )


def _solve(
    spend: Callable[[float], float],
    envelope: float,
    lo: float,
    hi: float | None,
    start: float,
    cap: float | None,
) -> tuple[float, str]:
    """The smallest value in ``[lo, hi]`` whose spend meets ``envelope``, and the fit status."""
    if hi is None:  # an upper bound past which the spend cannot grow or certainly overspends
        hi = start
        while spend(hi) < envelope and hi < 1e9:
            if cap is not None and spend(hi) == spend(hi * 2):
                break  # the cap binds everyone; more cannot be spent
            hi *= 2
    spend_lo, spend_hi = spend(lo), spend(hi)
    if envelope <= spend_lo:
        return lo, ("fitted" if np.isclose(envelope, spend_lo) else "short")
    if envelope >= spend_hi:
        return hi, ("fitted" if np.isclose(envelope, spend_hi) else "capped")
    return brentq(lambda v: spend(v) - envelope, lo, hi, xtol=SOLVER_XTOL), "fitted"


@register
@dataclass(frozen=True)
class BudgetUniform(_BudgetMethod):
    """The same percentage uplift for every provider, solved to spend the envelope."""

    name = "budget_uniform"
    label = "fit to a budget: the same uplift for everyone"
    note = (
        "Annual spend = Σ weeks × units a week × rate, with the guardrails applied to every "
        "trial rate, so spend is piecewise linear in the uplift. The uplift that makes spend "
        "equal the envelope is found with scipy.optimize.brentq; every rate rises by the same "
        "percentage. If the uplift cap binds before the envelope is spent, the rest is left "
        "unspent; if the envelope cannot pay for the wage floor, the shortfall is reported. "
        "The fit uses unrounded rates; rounding each rate to the penny moves spend by at most "
        "half a penny per unit bought."
    )
    how = "uniform"
    sharing = "with a uniform uplift"
    outcome_text = "shared as the same percentage for every provider"

    def rates_at(self, value, current_rate, floor_rate):
        return np.asarray(current_rate, dtype=float) * (1.0 + value)

    def rate_formula(self, with_floor: bool) -> str:
        return "{current_rate}*(1+{fitted})"

    def bounds(self, guardrails, current):
        lo = -0.99 if guardrails.uplift_min is None else guardrails.uplift_min
        hi = None if guardrails.uplift_max is None else max(guardrails.uplift_max, lo)
        return lo, hi, 1.0


@register
@dataclass(frozen=True)
class BudgetFloorFirst(_BudgetMethod):
    """Every rate first up to the wage floor, then the rest shared by percent or pence."""

    name = "budget_floor_first"
    label = "fit to a budget: wage floor first, then shared"
    note = (
        "Every rate is first brought up to the wage floor cost; what is left of the envelope "
        "is then shared, either as the same percentage on the floored rates ('percent') or "
        "the same pence per unit ('pence'), solved with scipy.optimize.brentq with the "
        "guardrails applied to every trial rate. An uplift cap that binds leaves the rest "
        "unspent; an envelope that cannot pay for the wage floor is reported as short."
    )
    how = "floor_first"
    outcome_text = "after first bringing every rate up to the wage floor"
    share: str = "percent"

    @property
    def share_kind(self) -> str:
        return self.share

    @property
    def sharing(self) -> str:
        return f"floor first, sharing the rest by {self.share}"

    def check(self, config) -> None:
        super().check(config)
        if self.share not in ("percent", "pence"):
            raise ConfigError(f"{config.where}.share: use 'percent' or 'pence', not {self.share!r}")
        if config.wage_floor is None and config.wage_floor_rate is None:
            raise ConfigError(
                f"{config.where}: method budget_floor_first needs a wage floor "
                "(wage_floor or wage_floor_rate)"
            )

    def rates_at(self, value, current_rate, floor_rate):
        current = np.asarray(current_rate, dtype=float)
        base = current if floor_rate is None else np.maximum(current, floor_rate)
        return base * (1.0 + value) if self.share == "percent" else base + value

    def rate_formula(self, with_floor: bool) -> str:
        base = "MAX({current_rate},{floor_rate})" if with_floor else "{current_rate}"
        return f"{base}*(1+{{fitted}})" if self.share == "percent" else f"{base}+{{fitted}}"

    def bounds(self, guardrails, current):
        # floor first shares what is left: never a cut; a pence share is not capped by a %
        if self.share == "percent":
            hi = None if guardrails.uplift_max is None else max(guardrails.uplift_max, 0.0)
            return 0.0, hi, 1.0
        return 0.0, None, float(np.max(current))


def fit_budget(
    current_rate,
    volume_per_week,
    envelope_annual: float,
    guardrails: Guardrails,
    *,
    how: str = "uniform",
    share: str = "percent",
    weeks_per_year: float = WEEKS_PER_YEAR,
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
        ``"uniform"`` (:class:`BudgetUniform`) or ``"floor_first"`` (:class:`BudgetFloorFirst`).
    share
        For ``floor_first``: ``"percent"`` or ``"pence"``.
    weeks_per_year
        Weeks in the year (365 / 7 by default).

    Examples
    --------
    Two providers at £20 (100 h/week) and £25 (200 h/week) cost 7,000 × 365 / 7 = £365,000 a
    year; an envelope of £383,250 is 5% more:

    >>> fit = fit_budget([20, 25], [100, 200], 383_250, Guardrails())
    >>> round(fit.value, 10), fit.status
    (0.05, 'fitted')
    """
    if how not in ("uniform", "floor_first"):
        raise ValueError(f"unknown budget fit {how!r}; use 'uniform' or 'floor_first'")
    if share not in ("percent", "pence"):
        raise ValueError(f"unknown share {share!r}; use 'percent' or 'pence'")
    method = BudgetUniform() if how == "uniform" else BudgetFloorFirst(share=share)
    return method.fit(current_rate, volume_per_week, envelope_annual, guardrails, weeks_per_year)
