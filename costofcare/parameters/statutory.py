"""The statutory figures employer on-costs need, in force on one date, as one object.

:class:`StatutoryFigures` holds every figure set in law that the on-cost kernels
(:mod:`costofcare.costs.oncosts`) take: employer National Insurance, Employment Allowance,
the auto-enrolment pension minimum and its earnings limits, Statutory Sick Pay and the
statutory holiday entitlement. Each field is one figure under one name, mapped to the dated
parameter it is read from (:data:`STATUTORY_PARAMETERS`), so a workbook can cite the source.

Tax-year figures change on 6 April. Which day a period's figures are read on is the caller's
rule (a price reads them on the period's first day, moved to 6 April for a council year that
starts 1-5 April; the example market reads them on the first 6 April in its period); this
module only reads the figures in force on the day it is given.

Examples
--------
>>> from costofcare.parameters import load
>>> f = StatutoryFigures.in_force(load(), "2025-04-06")
>>> f.employer_ni_rate, f.employer_ni_threshold_annual
(0.15, 5000.0)
>>> f.ssp_earnings_replacement_cap_rate  # applies only from 6 April 2026
nan
>>> from costofcare.parameters import non_confirmed
>>> used = StatutoryFigures.values_in_force(load(), "2027-04-06")
>>> sorted(non_confirmed(used)["name"])  # doctest: +NORMALIZE_WHITESPACE
['employer_ni_secondary_threshold_annual', 'pension_earnings_trigger_annual',
 'pension_qualifying_earnings_lower_annual', 'pension_qualifying_earnings_upper_annual',
 'ssp_weekly']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date

from .dates import DateLike, to_date

__all__ = ["STATUTORY_PARAMETERS", "StatutoryFigures"]

#: Field of :class:`StatutoryFigures` -> the dated parameter it is read from.
STATUTORY_PARAMETERS: dict[str, str] = {
    "employer_ni_rate": "employer_ni_rate",
    "employer_ni_threshold_annual": "employer_ni_secondary_threshold_annual",
    "employment_allowance_annual": "employment_allowance_annual",
    "pension_employer_rate": "pension_employer_min_rate",
    "pension_lower_annual": "pension_qualifying_earnings_lower_annual",
    "pension_upper_annual": "pension_qualifying_earnings_upper_annual",
    "pension_trigger_annual": "pension_earnings_trigger_annual",
    "ssp_weekly": "ssp_weekly",
    "ssp_waiting_days": "ssp_waiting_days",
    "ssp_lower_earnings_limit_weekly": "ssp_lower_earnings_limit_weekly",
    "ssp_earnings_replacement_cap_rate": "ssp_earnings_replacement_cap_rate",
    "holiday_weeks": "statutory_holiday_weeks",
}

#: Figures that exist only in some periods: NaN when not in force (the rule does not apply).
OPTIONAL_FIGURES = frozenset(
    {"ssp_lower_earnings_limit_weekly", "ssp_earnings_replacement_cap_rate"}
)


@dataclass(frozen=True)
class StatutoryFigures:
    """Statutory figures for employer on-costs in force on one date (rates are fractions).

    Attributes
    ----------
    employer_ni_rate : float
        Employer (secondary Class 1) NI rate.
    employer_ni_threshold_annual : float
        Secondary threshold, £ per year.
    employment_allowance_annual : float
        Employment Allowance, £ per employer per year.
    pension_employer_rate : float
        Employer minimum contribution rate on qualifying earnings.
    pension_lower_annual, pension_upper_annual : float
        Qualifying earnings lower and upper limits, £ per year.
    pension_trigger_annual : float
        Auto-enrolment earnings trigger, £ per year.
    ssp_weekly : float
        Statutory Sick Pay, £ per week.
    ssp_waiting_days : float
        Waiting days in each spell of sickness.
    ssp_lower_earnings_limit_weekly : float
        Lower earnings limit for SSP, £ per week; NaN once it no longer applies (6 April 2026).
    ssp_earnings_replacement_cap_rate : float
        SSP capped at this share of weekly earnings; NaN before it applies (6 April 2026).
    holiday_weeks : float
        Statutory paid holiday, weeks per year.
    on : date or None
        The date the figures were read on.
    """

    employer_ni_rate: float
    employer_ni_threshold_annual: float
    employment_allowance_annual: float
    pension_employer_rate: float
    pension_lower_annual: float
    pension_upper_annual: float
    pension_trigger_annual: float
    ssp_weekly: float
    ssp_waiting_days: float
    ssp_lower_earnings_limit_weekly: float
    ssp_earnings_replacement_cap_rate: float
    holiday_weeks: float
    on: date | None = None

    @classmethod
    def from_lookup(
        cls, lookup: Callable[[str], float], on: DateLike | None = None, **overrides: float
    ) -> StatutoryFigures:
        """Figures from ``lookup(parameter_name) -> value`` (NaN for a figure not in force).

        ``overrides`` replace figures by field name (e.g. a scenario's own pension rate).
        """
        values = {
            field: float(overrides[field]) if field in overrides else float(lookup(name))
            for field, name in STATUTORY_PARAMETERS.items()
        }
        unknown = set(overrides) - set(STATUTORY_PARAMETERS)
        if unknown:
            raise TypeError(f"unknown statutory figure(s): {', '.join(sorted(unknown))}")
        return cls(**values, on=None if on is None else to_date(on))

    @classmethod
    def in_force(cls, params, on: DateLike, **overrides: float) -> StatutoryFigures:
        """The figures in force on ``on`` from loaded parameters or a mapping of figures.

        ``params`` is a :class:`~costofcare.parameters.Parameters` (read on ``on``) or a
        mapping ``{parameter name: value}`` already resolved for the date. A figure that
        exists only in some periods (:data:`OPTIONAL_FIGURES`) is NaN when it has no value.
        """
        day = to_date(on)
        if isinstance(params, Mapping):

            def lookup(name: str) -> float:
                if name in params:
                    return float(params[name])
                if _field_of(name) in OPTIONAL_FIGURES:
                    return math.nan
                raise KeyError(f"figure '{name}' is needed but was not supplied")

        else:

            def lookup(name: str) -> float:
                if _field_of(name) in OPTIONAL_FIGURES and not params.has(name, day):
                    return math.nan
                return params.value(name, on=day)

        return cls.from_lookup(lookup, day, **overrides)

    @staticmethod
    def values_in_force(params, on: DateLike) -> list:
        """The dated values behind the figures in force on ``on``, with status and source.

        One :class:`~costofcare.parameters.ParameterValue` per figure (a figure that exists
        only in some periods and has no value on ``on`` is left out), so a run can cite each
        figure and list the ones not yet confirmed with
        :func:`~costofcare.parameters.non_confirmed`.
        """
        day = to_date(on)
        names = [
            name
            for field, name in STATUTORY_PARAMETERS.items()
            if field not in OPTIONAL_FIGURES or params.has(name, day)
        ]
        return params.figures(names, day)

    def with_figures(self, **changes: float) -> StatutoryFigures:
        """A copy with some figures replaced (e.g. a scenario's NI threshold)."""
        return replace(self, **changes)

    def as_dict(self) -> dict[str, float]:
        """``{field: value}`` of the figures (the date left out)."""
        out = asdict(self)
        out.pop("on")
        return out

    @staticmethod
    def parameter_names() -> dict[str, str]:
        """Field name -> dated parameter name, for citing each figure's source."""
        return dict(STATUTORY_PARAMETERS)

    @staticmethod
    def field_names() -> tuple[str, ...]:
        """The figure fields, in declaration order (the date left out)."""
        return tuple(f.name for f in fields(StatutoryFigures) if f.name != "on")


def _field_of(parameter_name: str) -> str:
    for field, name in STATUTORY_PARAMETERS.items():
        if name == parameter_name:
            return field
    return parameter_name
