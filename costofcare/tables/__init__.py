"""The tables passed between steps, declared once, and their checks.

>>> from costofcare.tables import TABLES
>>> TABLES["workforce"].names
('provider', 'service', 'return_id', 'role', 'rate_per_hour', 'hours_per_week', 'headcount')

See ``docs/tables.md`` (generated from :mod:`costofcare.tables.catalogue`).
"""

from .catalogue import (
    CATEGORIES,
    COMPARATORS,
    CURRENT_RATES,
    INDICATORS,
    ISSUES,
    PUBLISHED_DISTRIBUTIONS,
    RAG,
    RATINGS,
    RECOMMENDATIONS,
    REGISTER,
    RETURNS,
    SERVICE_UNITS,
    SUSTAINABILITY,
    TABLES,
    UNIT_COSTS,
    UNITS,
    VALUES,
    VOLUMES,
    WORKFORCE,
    get_table,
)
from .check import TableError, check, raise_errors, read_table, validate
from .spec import Column, Table

__all__ = [
    "CATEGORIES",
    "COMPARATORS",
    "CURRENT_RATES",
    "INDICATORS",
    "ISSUES",
    "PUBLISHED_DISTRIBUTIONS",
    "RAG",
    "RATINGS",
    "RECOMMENDATIONS",
    "REGISTER",
    "RETURNS",
    "SERVICE_UNITS",
    "SUSTAINABILITY",
    "TABLES",
    "UNITS",
    "UNIT_COSTS",
    "VALUES",
    "VOLUMES",
    "WORKFORCE",
    "Column",
    "Table",
    "TableError",
    "check",
    "get_table",
    "raise_errors",
    "read_table",
    "validate",
]
