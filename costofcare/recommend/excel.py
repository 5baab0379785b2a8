"""Arithmetic that mirrors Excel, so Python results and workbook formulas agree to the penny.

``round_half_up`` is Excel's ``ROUND`` (halves away from zero, on the 15 significant digits
Excel shows), ``percentile_inc`` is ``PERCENTILE.INC`` (the benchmark step's) and
``exceeds`` compares as a spreadsheet does. The recommendation step and the workbook
writer both use these.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from ..benchmark.quantiles import percentile_inc as _percentile_inc


def round_half_up(x: float, digits: int = 2) -> float:
    """Round like Excel's ``ROUND``: halves away from zero.

    The float is first read at 15 significant digits (what Excel stores and shows), so a
    product such as ``20 * 1.0525`` that lands a hair under ``21.05`` still rounds as the
    spreadsheet does.

    Examples
    --------
    >>> round_half_up(2.675, 2)
    2.68
    >>> round_half_up(-1.005, 2)
    -1.01
    """
    if x != x or x in (float("inf"), float("-inf")):  # NaN or infinite: nothing to round
        return x
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(f"{x:.15g}").quantize(quantum, rounding=ROUND_HALF_UP))


def round_half_up_array(values: Iterable[float], digits: int = 2) -> np.ndarray:
    """:func:`round_half_up` applied to each value."""
    return np.array([round_half_up(float(v), digits) for v in values], dtype=float)


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
