"""Guardrails on a recommended rate: the legal wage floor, caps and floors on the uplift.

Every method (a target rate, an index uplift or a budget fit) first proposes a *method rate*
per provider; :func:`apply_guardrails` then

1. turns it into an uplift on the provider's current rate and clips that uplift to
   ``[uplift_min, uplift_max]`` (either may be absent; ``uplift_min = 0`` means no rate falls);
2. lifts any rate still below the **wage floor cost** (the cost per unit of paying the legal
   minimum wage with statutory on-costs, :class:`WageFloor`) up to it. The legal floor wins
   over a cap: a rate below the cost of paying minimum wage is never recommended;
3. rounds to the penny, half away from zero (Excel's ``ROUND``).

The result names which guardrail bound for each provider, so the workbook can say so. The
order of precedence (wage floor, then uplift floor, then uplift cap) is written once, in
:data:`RULES`; the budget fit, :func:`apply_guardrails` and the workbook's formulas all use
:class:`Guardrails`, which takes it from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ..costs.wagefloor import WageFloor  # noqa: F401  (its home is costofcare.costs)
from ..errors import ConfigError
from ..money import round_half_up, round_half_up_array


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

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The guardrails that are set, in order of precedence."""
        return tuple(rule for rule in RULES if getattr(self, rule.limit) is not None)

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

    def binding(self, method_uplift: float, uplifted_rate: float) -> str:
        """Which guardrail binds for one provider ("" when none): the first rule that holds."""
        for rule in self.rules:
            if rule.binds(getattr(self, rule.limit), method_uplift, uplifted_rate):
                return rule.label
        return ""

    # ------------------------------------------------------------ the same, as formulas
    def allowed_uplift_formula(self) -> str:
        """Excel formula of :meth:`clip_uplift` over ``{method_uplift}`` and the limits."""
        formula = "{method_uplift}"
        if self.uplift_min is not None:
            formula = f"MAX({formula},{{uplift_min}})"
        if self.uplift_max is not None:
            formula = f"MIN({formula},{{uplift_max}})"
        return formula

    def guarded_rate_formula(self) -> str:
        """Excel formula of :meth:`guarded_rate` over ``{current_rate}``, ``{allowed_uplift}``."""
        formula = "{current_rate}*(1+{allowed_uplift})"
        return formula if self.floor_rate is None else f"MAX({formula},{{floor_rate}})"

    def binding_formula(self) -> str | None:
        """Excel formula of :meth:`binding` (nested IFs in order of precedence); None if unset."""
        if not self.rules:
            return None
        formula = '""'
        for rule in reversed(self.rules):
            formula = f'IF({rule.excel},"{rule.label}",{formula})'
        return formula

    def limits(self) -> dict[str, float]:
        """The uplift limits that are set, by name (``uplift_min``, ``uplift_max``)."""
        return {
            name: value
            for name, value in (("uplift_min", self.uplift_min), ("uplift_max", self.uplift_max))
            if value is not None
        }


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
    binding = np.array(
        [guardrails.binding(m, u) for m, u in zip(method_uplift, uplifted, strict=True)],
        dtype=object,
    )
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


# ---------------------------------------------------- the order of precedence, once
@dataclass(frozen=True)
class Rule:
    """One guardrail: the label the workbook shows and when it binds, in Python and in Excel.

    ``binds(limit, method_uplift, uplifted_rate)`` is the Python test; ``excel`` is the same
    test as a formula condition over named cells (``{current_rate}``, ``{method_uplift}``,
    ``{allowed_uplift}`` and the limit's own name, e.g. ``{uplift_max}``).
    """

    label: str
    limit: str
    binds: Callable[[float, float, float], bool]
    excel: str


#: Decimal places at which two figures count as equal when a guardrail is tested.
COMPARE_DIGITS = 10


def exceeds(a: float, b: float) -> bool:
    """``a > b`` once both agree to :data:`COMPARE_DIGITS` places.

    Spreadsheets treat nearly equal numbers as equal (``1.05 - 1`` against ``0.05``), Python
    does not; testing ``ROUND(a - b, 10) > 0`` in both keeps their answers the same.
    """
    return round_half_up(a - b, COMPARE_DIGITS) > 0


#: The guardrails in order of precedence: the first that binds is the one named. The legal
#: wage floor wins over everything, then the uplift floor, then the uplift cap.
RULES: tuple[Rule, ...] = (
    Rule(
        "wage floor",
        "floor_rate",
        lambda floor, _m, uplifted: exceeds(floor, uplifted),
        f"ROUND({{floor_rate}}-{{current_rate}}*(1+{{allowed_uplift}}),{COMPARE_DIGITS})>0",
    ),
    Rule(
        "uplift floor",
        "uplift_min",
        lambda lo, method_uplift, _u: exceeds(lo, method_uplift),
        f"ROUND({{uplift_min}}-{{method_uplift}},{COMPARE_DIGITS})>0",
    ),
    Rule(
        "uplift cap",
        "uplift_max",
        lambda hi, method_uplift, _u: exceeds(method_uplift, hi),
        f"ROUND({{method_uplift}}-{{uplift_max}},{COMPARE_DIGITS})>0",
    ),
)
