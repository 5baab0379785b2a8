"""Guardrails on a recommended rate: the legal wage floor, caps and floors on the uplift.

Every method (a target rate, an index uplift or a budget fit) first proposes a *method rate*
per provider; :func:`apply_guardrails` then

1. turns it into an uplift on the provider's current rate and clips that uplift to
   ``[uplift_min, uplift_max]`` (either may be absent; ``uplift_min = 0`` means no rate falls);
2. lifts any rate still below the **wage floor cost** (the cost per unit of paying the legal
   minimum wage with statutory on-costs, :class:`WageFloor`) up to it. The legal floor wins
   over a cap: a rate below the cost of paying minimum wage is never recommended;
3. rounds to the penny, half away from zero (Excel's ``ROUND``).

The result names which guardrail bound for each provider, so the workbook can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ..costs.wagefloor import WageFloor  # noqa: F401  (its home is costofcare.costs)
from ..errors import ConfigError
from .excel import exceeds, round_half_up_array


@dataclass(frozen=True)
class Guardrails:
    """Limits every recommended rate must respect.

    ``floor_rate`` is the wage floor cost per unit (see :class:`WageFloor`); ``uplift_min``
    and ``uplift_max`` bound each provider's uplift as fractions (0.02 = 2%).
    """

    floor_rate: float | None = None
    uplift_min: float | None = None
    uplift_max: float | None = None
    effective_date: date | None = None

    def __post_init__(self) -> None:
        if (
            self.uplift_min is not None
            and self.uplift_max is not None
            and self.uplift_min > self.uplift_max
        ):
            raise ConfigError(
                f"uplift_min ({self.uplift_min:g}) is above uplift_max ({self.uplift_max:g}); "
                "the smallest allowed uplift must not exceed the largest"
            )
        if self.uplift_min is not None and self.uplift_min <= -1:
            raise ConfigError(f"uplift_min ({self.uplift_min:g}) must be above -1 (a 100% cut)")

    def clip_uplift(self, uplift: np.ndarray) -> np.ndarray:
        """Uplift clipped to the allowed range."""
        lo = -np.inf if self.uplift_min is None else self.uplift_min
        hi = np.inf if self.uplift_max is None else self.uplift_max
        return np.clip(uplift, lo, hi)

    def guarded_rate(self, current_rate: np.ndarray, method_rate: np.ndarray) -> np.ndarray:
        """Unrounded rate after the uplift limits and the wage floor (the budget fit uses it)."""
        current_rate = np.asarray(current_rate, dtype=float)
        uplift = self.clip_uplift(np.asarray(method_rate, dtype=float) / current_rate - 1.0)
        rate = current_rate * (1.0 + uplift)
        if self.floor_rate is not None:
            rate = np.maximum(rate, self.floor_rate)
        return rate


def apply_guardrails(
    current_rate: pd.Series | np.ndarray,
    method_rate: pd.Series | np.ndarray,
    guardrails: Guardrails,
) -> pd.DataFrame:
    """Apply the guardrails to each provider's method rate.

    Returns a DataFrame (same index as ``current_rate`` when it is a Series) with columns
    ``current_rate``, ``method_rate``, ``method_uplift``, ``allowed_uplift``,
    ``guarded_rate`` (unrounded), ``proposed_rate`` (to the penny), ``uplift`` (of the
    proposed rate) and ``binding`` ("", "uplift cap", "uplift floor" or "wage floor").
    """
    index = current_rate.index if isinstance(current_rate, pd.Series) else None
    current = np.asarray(current_rate, dtype=float)
    if np.any(~np.isfinite(current)) or np.any(current <= 0):
        raise ValueError("every current rate must be a positive number")
    method = np.asarray(method_rate, dtype=float)
    method_uplift = method / current - 1.0
    allowed = guardrails.clip_uplift(method_uplift)
    uplifted = current * (1.0 + allowed)
    guarded = guardrails.guarded_rate(current, method)
    proposed = round_half_up_array(guarded, 2)
    binding = np.full(current.shape, "", dtype=object)
    for i in range(current.size):
        binding[i] = _binding(method_uplift[i], uplifted[i], guardrails)
    return pd.DataFrame(
        {
            "current_rate": current,
            "method_rate": method,
            "method_uplift": method_uplift,
            "allowed_uplift": allowed,
            "guarded_rate": guarded,
            "proposed_rate": proposed,
            "uplift": proposed / current - 1.0,
            "binding": binding,
        },
        index=index,
    )


def _binding(method_uplift: float, uplifted: float, g: Guardrails) -> str:
    """Which guardrail binds; the wage floor first, then the uplift floor, then the cap."""
    if g.floor_rate is not None and exceeds(g.floor_rate, uplifted):
        return "wage floor"
    if g.uplift_min is not None and exceeds(g.uplift_min, method_uplift):
        return "uplift floor"
    if g.uplift_max is not None and exceeds(method_uplift, g.uplift_max):
        return "uplift cap"
    return ""
