"""Unit costs: reported (top-down) and modelled (bottom-up), reconciled; the price calculator.

* :mod:`.oncosts` — employer NI, pension, SSP and holiday: the one set of kernels (vectorised).
* :mod:`.wagefloor` — the cost per unit of paying the legal minimum wage with on-costs.
* :mod:`.modelled` — array cores per service and the tidy modelled table.
* :mod:`.drivers` — drivers files, dated defaults, on-cost rules turned into rates.
* :mod:`.price` — ``costofcare price``: one build-up from a drivers file.
* :mod:`.reported` — actual costs / stated units, from ingested tidy values.
* :mod:`.returnvalues` — one return's values, indexed once (fields by name, rows by number).
* :mod:`.annual` — a return's annual cost lines and the routes dividing them by units.
* :mod:`.nights` — supported living nights priced apart (per support hour, per sleep-in).
* :mod:`.workforce` — the workforce table from the returns' staffing tables.
* :mod:`.carecategory` — a care home return's market (residential, nursing, dual; enhanced).
* :mod:`.nursingcare` — care home costs excluding NHS-funded nursing care (FNC).
* :mod:`.choose` — which returns feed the market.
* :mod:`.reconcile` — modelled beside reported, per line and per provider.
"""

from .carecategory import care_category
from .choose import choose_returns
from .drivers import load_drivers_file, resolve, resolve_frame
from .modelled import (
    TIDY_COLUMNS,
    care_home_cost_arrays,
    home_care_cost_arrays,
    modelled_unit_cost,
    overheads_and_surplus,
)
from .nursingcare import costs_excluding_fnc
from .oncosts import (
    effective_oncost_rates,
    employer_ni_annual,
    employer_ni_annual_by_pay_period,
    employer_pension_annual,
    employment_allowance_used,
    holiday_pay_rate,
    statutory_sick_pay_annual,
    workforce_oncosts_annual,
)
from .price import PriceResult, price, summarise
from .reconcile import reconcile
from .reported import reported_unit_cost, reported_unit_cost_with_issues
from .wagefloor import WageFloor
from .workforce import workforce_from_values

__all__ = [
    "PriceResult",
    "TIDY_COLUMNS",
    "WageFloor",
    "care_category",
    "care_home_cost_arrays",
    "choose_returns",
    "costs_excluding_fnc",
    "effective_oncost_rates",
    "employer_ni_annual",
    "employer_ni_annual_by_pay_period",
    "employer_pension_annual",
    "employment_allowance_used",
    "holiday_pay_rate",
    "home_care_cost_arrays",
    "load_drivers_file",
    "modelled_unit_cost",
    "overheads_and_surplus",
    "price",
    "reconcile",
    "reported_unit_cost",
    "reported_unit_cost_with_issues",
    "resolve",
    "resolve_frame",
    "statutory_sick_pay_annual",
    "summarise",
    "workforce_from_values",
    "workforce_oncosts_annual",
]
