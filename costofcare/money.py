"""Money conventions in one place for every step: Excel-style rounding and weeks in a year.

**Rounding.**
Halves go away from zero, and the float is first read at 15 significant digits (what Excel
stores and shows), so a product such as ``20 * 1.0525`` that lands a hair under ``21.05``
still rounds as the spreadsheet does. Python's ``round`` would go to even instead.
:func:`round_half_up` is the one name for it.

**Weeks.** A period of ``d`` days (first and last day both counted) holds ``d / 7`` weeks;
a year of 365 days holds :data:`WEEKS_PER_YEAR` = 365 / 7 = 52.142857 weeks (the templates
ask for annual totals divided by 52.14). 52 is never assumed; a published model that used 52
weeks states it as one of its own inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

#: Weeks in a year of 365 days: 365 / 7 = 52.142857... Used for every annual <-> weekly
#: conversion (annual earnings from weekly hours, a full year's budget impact).
WEEKS_PER_YEAR = 365 / 7


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
