"""Rounding money the way Excel's ``ROUND`` does, in one place for every step.

Halves go away from zero, and the float is first read at 15 significant digits (what Excel
stores and shows), so a product such as ``20 * 1.0525`` that lands a hair under ``21.05``
still rounds as the spreadsheet does. Python's ``round`` would go to even instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import numpy as np


def round_half_up(x: float, digits: int = 2) -> float:
    """Round like Excel's ``ROUND``: halves away from zero.

    Examples
    --------
    >>> round_half_up(2.675, 2)
    2.68
    >>> round_half_up(-1.005, 2)
    -1.01
    """
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):  # NaN or infinite: nothing to round
        return x
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(f"{x:.15g}").quantize(quantum, rounding=ROUND_HALF_UP))


def round_half_up_array(values: Iterable[float], digits: int = 2) -> np.ndarray:
    """:func:`round_half_up` applied to each value."""
    return np.array([round_half_up(float(v), digits) for v in values], dtype=float)
