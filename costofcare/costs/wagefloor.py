"""The wage floor: the cost per unit of paying the legal minimum wage with statutory on-costs.

The figure no lawful rate can be below. Recommendations (:mod:`costofcare.recommend`) lift any
rate under it, and the recommendation workbook writes its arithmetic as live formulas from the
fields here. NI and pension are the on-cost kernels' (:mod:`costofcare.costs.oncosts`), on the
figures of :class:`costofcare.parameters.StatutoryFigures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..money import WEEKS_PER_YEAR
from ..parameters.statutory import STATUTORY_PARAMETERS, StatutoryFigures
from .oncosts import employer_ni_annual, employer_pension_annual

__all__ = ["WAGE_FLOOR_FIGURES", "WageFloor"]

#: Statutory figures a :class:`WageFloor` holds (fields of StatutoryFigures, same names).
WAGE_FLOOR_FIGURES = (
    "holiday_weeks",
    "employer_ni_rate",
    "employer_ni_threshold_annual",
    "pension_employer_rate",
    "pension_lower_annual",
    "pension_upper_annual",
    "pension_trigger_annual",
)


@dataclass(frozen=True)
class WageFloor:
    """Cost per unit of service of paying the legal minimum wage with statutory on-costs.

    A worker paid ``wage_per_hour`` for ``paid_hours_per_week`` every week of the year
    (``weeks_per_year``, statutory holiday included) earns ``G = wage × hours × weeks`` a year.
    The employer adds NI on earnings above the secondary threshold and the minimum pension
    contribution on qualifying earnings (when ``G`` reaches the auto-enrolment trigger). The
    hours actually worked are ``hours × (weeks − holiday_weeks)``, so holiday pay is carried
    by the worked hours. One unit of service needs ``paid_hours_per_unit`` worked hours
    (1 for a contact or support hour at the very least; travel time adds to it; care staff
    hours per resident week for a care home).

    Employment Allowance (per employer, not per worker), sick pay, training and every
    non-staff cost are left out on purpose: this is a floor no lawful rate can be below, not
    an estimate of cost. The statutory fields carry the names of
    :class:`~costofcare.parameters.StatutoryFigures`.

    Examples
    --------
    >>> floor = WageFloor(wage_per_hour=12.21, paid_hours_per_week=30, weeks_per_year=52,
    ...     holiday_weeks=5.6, employer_ni_rate=0.15, employer_ni_threshold_annual=5000,
    ...     pension_employer_rate=0.03, pension_lower_annual=6240, pension_upper_annual=50270,
    ...     pension_trigger_annual=10000, paid_hours_per_unit=1.0)
    >>> round(floor.cost_per_unit(), 4)
    15.4734
    """

    wage_per_hour: float
    paid_hours_per_week: float
    weeks_per_year: float
    holiday_weeks: float
    employer_ni_rate: float
    employer_ni_threshold_annual: float
    pension_employer_rate: float
    pension_lower_annual: float
    pension_upper_annual: float
    pension_trigger_annual: float
    paid_hours_per_unit: float
    wage_parameter: str = ""
    on: date | None = None

    def gross_pay_annual(self) -> float:
        """Annual gross pay, holiday pay included, £ per year."""
        return self.wage_per_hour * self.paid_hours_per_week * self.weeks_per_year

    def employer_ni_annual(self) -> float:
        """Employer (secondary) NI on earnings above the secondary threshold, £ per year."""
        return float(
            employer_ni_annual(
                self.gross_pay_annual(), self.employer_ni_rate, self.employer_ni_threshold_annual
            )
        )

    def pension_annual(self) -> float:
        """Minimum employer pension contribution on qualifying earnings, £ per year."""
        return float(
            employer_pension_annual(
                self.gross_pay_annual(),
                self.pension_employer_rate,
                self.pension_lower_annual,
                self.pension_upper_annual,
                self.pension_trigger_annual,
            )
        )

    def worked_hours_annual(self) -> float:
        """Hours worked in a year (paid hours less statutory holiday)."""
        return self.paid_hours_per_week * (self.weeks_per_year - self.holiday_weeks)

    def cost_per_worked_hour(self) -> float:
        """Employer cost of one hour worked at the wage floor, £ per hour."""
        total = self.gross_pay_annual() + self.employer_ni_annual() + self.pension_annual()
        return total / self.worked_hours_annual()

    def cost_per_unit(self) -> float:
        """Employer cost of the worked hours one unit of service needs, £ per unit."""
        return self.cost_per_worked_hour() * self.paid_hours_per_unit

    @classmethod
    def from_figures(
        cls,
        figures: StatutoryFigures,
        wage_per_hour: float,
        *,
        paid_hours_per_week: float,
        paid_hours_per_unit: float,
        weeks_per_year: float = WEEKS_PER_YEAR,
        wage_parameter: str = "",
    ) -> WageFloor:
        """The floor from statutory figures and a wage, £ per hour."""
        return cls(
            wage_per_hour=wage_per_hour,
            paid_hours_per_week=paid_hours_per_week,
            weeks_per_year=weeks_per_year,
            paid_hours_per_unit=paid_hours_per_unit,
            wage_parameter=wage_parameter,
            on=figures.on,
            **{name: getattr(figures, name) for name in WAGE_FLOOR_FIGURES},
        )

    @classmethod
    def from_parameters(
        cls,
        params,
        on: date | str,
        *,
        wage_parameter: str = "national_living_wage_hourly",
        paid_hours_per_week: float,
        paid_hours_per_unit: float,
        weeks_per_year: float = WEEKS_PER_YEAR,
    ) -> WageFloor:
        """Build the floor from the dated parameters in force ``on`` the effective date.

        ``params`` is a loaded parameter set (``costofcare.parameters.load()``); unknown names
        or dates outside the data raise its ``ParameterError``. The year is 365 / 7 weeks
        unless ``weeks_per_year`` says otherwise.
        """
        day = pd.Timestamp(on).date()
        return cls.from_figures(
            StatutoryFigures.in_force(params, day),
            params.value(wage_parameter, on=day),
            paid_hours_per_week=paid_hours_per_week,
            paid_hours_per_unit=paid_hours_per_unit,
            weeks_per_year=weeks_per_year,
            wage_parameter=wage_parameter,
        )

    def parameter_names(self) -> dict[str, str]:
        """Field name -> parameter name, for the figures taken from dated parameters."""
        names = {name: STATUTORY_PARAMETERS[name] for name in WAGE_FLOOR_FIGURES}
        if self.wage_parameter:
            names["wage_per_hour"] = self.wage_parameter
        return names
