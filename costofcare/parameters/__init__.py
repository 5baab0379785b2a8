"""Dated official figures: wage floors, National Insurance, pensions, sick pay, price indices.

Every value carries its effective date and its source, and is looked up by date::

    from costofcare.parameters import load
    p = load()
    p.value("national_living_wage_hourly", on="2025-04-01")      # 12.21
    p.index_ratio("CPI", "2024-09", "2025-09")                   # CPI change over a year
    p.statutory("2025-04-06")          # StatutoryFigures: NI, pension, SSP, holiday in force
    non_confirmed(p.figures(["ssp_weekly"], on="2027-04-06"))  # figures not yet confirmed
    p = load(overrides={"national_living_wage_hourly": {"2027-04-01": 13.10}})  # assumption

Data files live in ``costofcare/parameters/data/`` (``parameters.csv``, ``catalogue.toml``,
``index_levels.csv``, ``index_rates.csv``, ``index_forecasts.csv``).
"""

from .dates import months_in_period, tax_year_of, to_date
from .indices import IndexSet
from .loader import STATUSES
from .statutory import STATUTORY_PARAMETERS, StatutoryFigures
from .store import Parameters, ParameterValue, load, non_confirmed

__all__ = [
    "STATUSES",
    "STATUTORY_PARAMETERS",
    "IndexSet",
    "ParameterValue",
    "Parameters",
    "StatutoryFigures",
    "load",
    "months_in_period",
    "non_confirmed",
    "tax_year_of",
    "to_date",
]
