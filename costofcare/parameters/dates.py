"""Reading dates and periods the way people write them in cost of care work."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from ..errors import ParameterError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_FINANCIAL_YEAR = re.compile(r"^(\d{4})[-/](\d{2}|\d{4})$")

DateLike = str | dt.date | dt.datetime | pd.Timestamp


def to_date(value: DateLike, *, what: str = "date") -> dt.date:
    """A calendar date from ``"2025-04-01"``, a ``date``, ``datetime`` or ``Timestamp``."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ParameterError(f"{what} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2025-04-01")


def months_in_period(period: str | DateLike) -> list[pd.Period]:
    """The calendar months a period covers, for index look-ups.

    ``"2025-09"`` or a date: that month. ``"2025"``: January to December 2025.
    ``"2025-26"`` (or ``"2025/26"``): the financial year April 2025 to March 2026.
    """
    if isinstance(period, str):
        text = period.strip()
        if m := _MONTH.match(text):
            year, month = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12:
                return [pd.Period(year=year, month=month, freq="M")]
            if month == (year + 1) % 100:  # e.g. "2025-26" reads as a financial year
                return _financial_year(year)
        if m := _YEAR.match(text):
            year = int(m.group(1))
            return [pd.Period(year=year, month=k, freq="M") for k in range(1, 13)]
        if m := _FINANCIAL_YEAR.match(text):
            start = int(m.group(1))
            end = int(m.group(2))
            if end == (start + 1) % 100 or end == start + 1:
                return _financial_year(start)
    try:
        day = to_date(period, what="period")
    except ParameterError:
        raise ParameterError(
            f"period {period!r} is not understood: use a month (2025-09), a date (2025-09-01), "
            "a calendar year (2025) or a financial year (2025-26)"
        ) from None
    return [pd.Period(year=day.year, month=day.month, freq="M")]


def _financial_year(start_year: int) -> list[pd.Period]:
    first = pd.Period(year=start_year, month=4, freq="M")
    return [first + k for k in range(12)]


def tax_year_of(day: DateLike) -> str:
    """The UK tax year containing a date, as ``"2025-26"`` (tax years start on 6 April)."""
    d = to_date(day)
    start = d.year if (d.month, d.day) >= (4, 6) else d.year - 1
    return f"{start}-{(start + 1) % 100:02d}"
