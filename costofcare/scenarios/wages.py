"""Wage policies for care staff and the differential rules that go with them.

A wage policy sets a *pay floor* for the target period (the National Living Wage, the Real
Living Wage from an adoption date, the Scottish or Welsh social care minimum, a council's own
rate) or raises current pay by a percentage. A *differential rule* then says what happens to
roles already paid above the floor:

``"percent"``
    each role keeps its percentage above the floor: ``rate * new_floor / base_floor``;
``"pence"``
    each role keeps its pence above the floor: ``rate + (new_floor - base_floor)``;
``"compress"``
    only rates below the new floor rise, to the floor: ``max(rate, new_floor)``.

Under every rule a rate never falls and never ends below the new floor. The functions here are
pure numpy and broadcast, so one call can cover providers x roles x scenarios.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from ..errors import ConfigError

#: Differential rules, in the order their integer codes are used by the vectorised engine.
DIFFERENTIALS: tuple[str, ...] = ("percent", "pence", "compress")

#: Policy name -> parameter holding the floor it sets (``None``: the floor is not a parameter).
POLICY_PARAMETERS: dict[str, str | None] = {
    "national_living_wage": "national_living_wage_hourly",
    "real_living_wage_uk": "real_living_wage_uk_hourly",
    "real_living_wage_london": "real_living_wage_london_hourly",
    "scotland_social_care_minimum": "scotland_social_care_min_hourly",
    "wales_social_care_minimum": "wales_social_care_min_hourly",
    "council_rate": None,
    "pay_increase": None,
}
WAGE_POLICIES: tuple[str, ...] = tuple(POLICY_PARAMETERS)

#: The legal minimum every policy must respect: the National Living Wage (workers 21 and over).
STATUTORY_FLOOR_PARAMETER = "national_living_wage_hourly"


@dataclass(frozen=True)
class WagePolicy:
    """A pay policy for care staff in the target period.

    Parameters
    ----------
    policy
        One of :data:`WAGE_POLICIES`.
    differential
        One of :data:`DIFFERENTIALS`; ignored by ``"pay_increase"`` (every rate rises by the same
        percentage, which keeps percentage differentials by construction).
    rate_per_hour
        The council's own floor; required by ``"council_rate"`` only.
    pay_increase
        Fractional rise for ``"pay_increase"`` (0.04 for 4%).
    adoption_date
        For the Real Living Wage: the date the council adopts it. The floor is the rate in force
        on that date in the parameters, which are dated by *announcement*, so it is the latest
        rate announced on or before adoption. ``None`` means the date the target period's
        figures are taken on.
    base_floor
        The floor that base-period pay is measured against when keeping differentials. ``None``
        means the same policy's floor in force during the base period (the National Living Wage
        for ``"council_rate"`` and ``"pay_increase"``); a policy name (e.g.
        ``"national_living_wage"`` when moving from the NLW to the Real Living Wage) takes that
        policy's floor in the base period; a number sets it directly.
    """

    policy: str = "national_living_wage"
    differential: str = "percent"
    rate_per_hour: float | None = None
    pay_increase: float = 0.0
    adoption_date: date | None = None
    base_floor: float | str | None = None

    def __post_init__(self) -> None:
        if self.policy not in WAGE_POLICIES:
            raise ConfigError(
                f"wage.policy: {self.policy!r} is not a wage policy; allowed: "
                + ", ".join(WAGE_POLICIES)
            )
        if self.differential not in DIFFERENTIALS:
            raise ConfigError(
                f"wage.differential: {self.differential!r} is not a differential rule; allowed: "
                + ", ".join(DIFFERENTIALS)
            )
        if self.policy == "council_rate" and self.rate_per_hour is None:
            raise ConfigError("wage.rate_per_hour is required when wage.policy = 'council_rate'")
        if self.rate_per_hour is not None and not self.rate_per_hour > 0:
            raise ConfigError(f"wage.rate_per_hour must be above 0, got {self.rate_per_hour}")
        if isinstance(self.base_floor, str) and not POLICY_PARAMETERS.get(self.base_floor):
            allowed = [k for k, v in POLICY_PARAMETERS.items() if v]
            raise ConfigError(
                f"wage.base_floor: {self.base_floor!r} is not a floor; give a number or one of "
                + ", ".join(allowed)
            )
        if self.pay_increase <= -1:
            raise ConfigError(f"wage.pay_increase must be above -1, got {self.pay_increase}")

    def __str__(self) -> str:
        if self.policy == "pay_increase":
            return f"current pay + {self.pay_increase:.2%}"
        what = self.policy.replace("_", " ")
        if self.policy == "council_rate":
            what = f"council rate £{self.rate_per_hour:.2f}"
        if self.adoption_date is not None:
            what += f" adopted {self.adoption_date.isoformat()}"
        return f"{what}, differentials: {self.differential}"

    def floor_per_hour(self, params, on: date) -> float:
        """The floor this policy sets for the target period (figures taken ``on``).

        The result is never below the National Living Wage in force ``on``.
        """
        statutory = params.value(STATUTORY_FLOOR_PARAMETER, on=on)
        if self.policy == "council_rate":
            return max(float(self.rate_per_hour), statutory)
        if self.policy == "pay_increase":
            return statutory
        name = POLICY_PARAMETERS[self.policy]
        when = self.adoption_date if self.adoption_date is not None else on
        return max(params.value(name, on=when), statutory)

    def base_floor_per_hour(self, params, on: date) -> float:
        """The floor base-period pay is measured against (figures taken ``on``)."""
        if isinstance(self.base_floor, str):
            return params.value(POLICY_PARAMETERS[self.base_floor], on=on)
        if self.base_floor is not None:
            return float(self.base_floor)
        name = POLICY_PARAMETERS[self.policy] or STATUTORY_FLOOR_PARAMETER
        return params.value(name, on=on)


def apply_differential(
    rate_per_hour,
    base_floor_per_hour,
    new_floor_per_hour,
    differential,
):
    """New hourly rates after a floor moves from ``base_floor`` to ``new_floor``.

    All arguments broadcast against each other. ``differential`` is a rule name or an integer
    code (index into :data:`DIFFERENTIALS`), scalar or array.

    Examples
    --------
    >>> apply_differential([11.44, 13.00], 11.44, 12.21, "percent").round(4).tolist()
    [12.21, 13.875]
    >>> apply_differential([11.44, 13.00], 11.44, 12.21, "pence").round(4).tolist()
    [12.21, 13.77]
    >>> apply_differential([11.44, 13.00], 11.44, 12.21, "compress").round(4).tolist()
    [12.21, 13.0]
    """
    rate = np.asarray(rate_per_hour, dtype=float)
    base = np.asarray(base_floor_per_hour, dtype=float)
    new = np.asarray(new_floor_per_hour, dtype=float)
    code = differential_code(differential)
    if code.size == 1 or (code == code.flat[0]).all():
        # one rule for every scenario: work out that rule only
        rule = int(code.flat[0])
        shape = np.broadcast_shapes(rate.shape, new.shape, base.shape, code.shape)
        rising = bool((new >= base).all())  # then neither rule can cut a (positive) rate
        if rule == 0:
            raised = np.multiply(rate, new / base)
        elif rule == 1:
            raised = np.add(rate, new - base)
        else:
            raised = np.array(np.broadcast_to(rate, shape))
            rising = True
        if raised.shape != shape:
            raised = np.array(np.broadcast_to(raised, shape))
        if not rising or (rate <= 0).any():
            np.maximum(raised, rate, out=raised)
        return np.maximum(raised, new, out=raised)
    keep_percent = rate * (new / base)
    keep_pence = rate + (new - base)
    raised = np.where(code == 0, keep_percent, np.where(code == 1, keep_pence, rate))
    return np.maximum(np.maximum(raised, rate), new)


def apply_pay_increase(rate_per_hour, pay_increase, floor_per_hour):
    """Rates raised by ``pay_increase`` (a fraction), and never below ``floor_per_hour``."""
    rate = np.asarray(rate_per_hour, dtype=float)
    return np.maximum(rate * (1.0 + np.asarray(pay_increase, dtype=float)), floor_per_hour)


def differential_code(differential) -> np.ndarray:
    """Integer code(s) for differential rule name(s); integers pass through."""
    arr = np.asarray(differential)
    if arr.dtype.kind in "iu":
        return arr
    lookup = {name: i for i, name in enumerate(DIFFERENTIALS)}
    try:
        return np.vectorize(lookup.__getitem__, otypes=[np.int64])(arr)
    except KeyError as exc:
        raise ConfigError(
            f"wage.differential: {exc.args[0]!r} is not a differential rule; allowed: "
            + ", ".join(DIFFERENTIALS)
        ) from None
