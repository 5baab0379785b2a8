"""Arithmetic that mirrors Excel, so Python results and workbook formulas agree to the penny.

``round_half_up`` is Excel's ``ROUND`` (halves away from zero, on the 15 significant digits
Excel shows), ``percentile_inc`` is ``PERCENTILE.INC`` (the benchmark step's) and
``exceeds`` compares as a spreadsheet does. The recommendation step and the workbook
writer both use these.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..benchmark.quantiles import percentile_inc as _percentile_inc
from ..money import round_half_up, round_half_up_array

__all__ = ["exceeds", "percentile_inc", "round_half_up", "round_half_up_array"]


def percentile_inc(values: Iterable[float], fraction: float) -> float:
    """Excel's ``PERCENTILE.INC(values, fraction)`` over the non-missing values.

    The benchmark step's :func:`costofcare.benchmark.quantiles.percentile_inc`, except that no
    values at all is an error here (Excel's ``#NUM!``), not NaN: a rate cannot be set from
    nothing.

    Examples
    --------
    >>> percentile_inc([10, 20, 30, 40], 0.25)
    17.5
    """
    data = [float(v) for v in values if v is not None and v == v]
    if not data:
        raise ValueError("no values to take a percentile of")
    return float(_percentile_inc(data, fraction))


#: Decimal places at which two figures count as equal when a guardrail is tested.
COMPARE_DIGITS = 10


def exceeds(a: float, b: float) -> bool:
    """``a > b`` once both agree to :data:`COMPARE_DIGITS` places.

    Spreadsheets treat nearly equal numbers as equal (``1.05 - 1`` against ``0.05``), Python
    does not; testing ``ROUND(a - b, 10) > 0`` in both keeps their answers the same.
    """
    return round_half_up(a - b, COMPARE_DIGITS) > 0
