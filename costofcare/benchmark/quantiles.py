"""Quantiles, weighted quantiles and percentile ranks, computed the way Excel does.

Councils publish their cost of care statistics from spreadsheets, so the unweighted figures here
match Excel exactly:

* :func:`percentile_inc` is ``PERCENTILE.INC`` (and ``QUARTILE.INC(x, k)`` is
  ``PERCENTILE.INC(x, k/4)``): sort the ``n`` values; the value at fraction ``p`` sits at
  1-based position ``h = (n - 1) * p + 1``, interpolating linearly between the neighbours.
  This is numpy's ``method="linear"`` (Hyndman and Fan type 7).
* :func:`percentrank_inc` is ``PERCENTRANK.INC``: a value found in the data ranks at
  ``(number of smaller values) / (n - 1)``; a value between two data points is interpolated.
* :func:`weighted_percentile` extends ``PERCENTILE.INC`` to weights (e.g. contact hours or
  occupied beds) so that equal weights give exactly ``PERCENTILE.INC``:

  each value owns a block of the cumulative weight as wide as its weight; its *plotting
  position* is the middle of its block, rescaled so the first value sits at 0 and the last
  at 1: ``position_i = (C_i - w_i/2 - w_1/2) / (W - w_1/2 - w_n/2)`` where ``C_i`` is the
  cumulative weight up to and including value ``i`` (values sorted ascending) and ``W`` the
  total weight. The weighted percentile at ``p`` interpolates linearly between the values at
  the positions either side of ``p``. With equal weights ``position_i = (i - 1) / (n - 1)``,
  which is ``PERCENTILE.INC``.

Values with a missing value or a zero or missing weight are left out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: Stated in every statistics table so readers know how the figures were computed.
UNWEIGHTED_METHOD = "Excel PERCENTILE.INC / QUARTILE.INC (linear interpolation, type 7)"
WEIGHTED_METHOD = (
    "volume-weighted PERCENTILE.INC: values at the mid-points of their cumulative-volume "
    "blocks, first at 0 and last at 1, linear interpolation (equal volumes give QUARTILE.INC)"
)


def _clean(values: Sequence[float] | np.ndarray) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    return array[~np.isnan(array)]


def _check_fraction(p: float | Sequence[float] | np.ndarray) -> np.ndarray:
    fractions = np.asarray(p, dtype=float)
    if np.any((fractions < 0) | (fractions > 1)) or np.any(np.isnan(fractions)):
        raise ValueError(f"percentile fractions must lie between 0 and 1, got {p!r}")
    return fractions


def percentile_inc(
    values: Sequence[float] | np.ndarray, p: float | Sequence[float] | np.ndarray
) -> float | np.ndarray:
    """Excel's ``PERCENTILE.INC``: the value below which a fraction ``p`` of the data lies.

    Parameters
    ----------
    values
        The data; missing values (NaN) are ignored, as Excel ignores blank cells.
    p
        A fraction from 0 to 1, or an array of them.

    Returns
    -------
    float or numpy.ndarray
        NaN when there are no values.

    Examples
    --------
    >>> percentile_inc([1, 2, 3, 4], 0.25)   # QUARTILE.INC({1,2,3,4}, 1)
    1.75
    """
    fractions = _check_fraction(p)
    data = _clean(values)
    if data.size == 0:
        result = np.full(fractions.shape, np.nan)
    else:
        result = np.percentile(data, fractions * 100, method="linear")
    return float(result) if np.ndim(result) == 0 else result


def quartile_inc(values: Sequence[float] | np.ndarray, quart: int) -> float:
    """Excel's ``QUARTILE.INC``: quart 0 is the minimum, 2 the median, 4 the maximum."""
    if quart not in (0, 1, 2, 3, 4):
        raise ValueError(f"quart must be 0, 1, 2, 3 or 4, got {quart!r}")
    return float(percentile_inc(values, quart / 4))


def weighted_percentile(
    values: Sequence[float] | np.ndarray,
    weights: Sequence[float] | np.ndarray,
    p: float | Sequence[float] | np.ndarray,
) -> float | np.ndarray:
    """Volume-weighted ``PERCENTILE.INC`` (definition in the module docstring).

    Parameters
    ----------
    values, weights
        Equal-length sequences; weights must not be negative. Pairs with a missing value or a
        zero/missing weight are left out.
    p
        A fraction from 0 to 1, or an array of them.

    Examples
    --------
    Values 10, 20, 30 with weights 1, 1, 2 have cumulative weights 1, 2, 4, block mid-points
    0.5, 1.5, 3, and positions 0, 1/2.5 = 0.4, 1; the median lies 0.1/0.6 of the way from 20
    to 30:

    >>> round(weighted_percentile([10, 20, 30], [1, 1, 2], 0.5), 4)
    21.6667
    """
    fractions = _check_fraction(p)
    data = np.asarray(values, dtype=float).ravel()
    weight = np.asarray(weights, dtype=float).ravel()
    if data.shape != weight.shape:
        raise ValueError(f"{data.size} values but {weight.size} weights")
    if np.any(weight < 0):
        raise ValueError("weights must not be negative")
    keep = ~np.isnan(data) & ~np.isnan(weight) & (weight > 0)
    data, weight = data[keep], weight[keep]
    if data.size == 0:
        result = np.full(fractions.shape, np.nan)
    elif data.size == 1:
        result = np.full(fractions.shape, data[0])
    else:
        order = np.argsort(data, kind="mergesort")
        data, weight = data[order], weight[order]
        midpoints = np.cumsum(weight) - weight / 2
        span = midpoints[-1] - midpoints[0]
        positions = (midpoints - midpoints[0]) / span
        result = np.interp(fractions, positions, data)
    return float(result) if np.ndim(result) == 0 else result


def weighted_mean(
    values: Sequence[float] | np.ndarray, weights: Sequence[float] | np.ndarray
) -> float:
    """Sum of value x weight over the sum of weights (NaN when no weight)."""
    data = np.asarray(values, dtype=float).ravel()
    weight = np.asarray(weights, dtype=float).ravel()
    keep = ~np.isnan(data) & ~np.isnan(weight) & (weight > 0)
    if not keep.any():
        return math.nan
    return float(np.sum(data[keep] * weight[keep]) / np.sum(weight[keep]))


def percentrank_inc(
    values: Sequence[float] | np.ndarray,
    x: float | Sequence[float] | np.ndarray,
    significance: int | None = None,
) -> float | np.ndarray:
    """Excel's ``PERCENTRANK.INC``: where ``x`` stands in ``values``, from 0 (lowest) to 1.

    A value present in the data ranks at ``(number of smaller values) / (n - 1)``, so tied
    values share the rank of the first of them; a value between two data points is
    interpolated linearly. Values outside the data's range, or data with fewer than two
    values, give NaN (Excel shows ``#N/A``).

    Parameters
    ----------
    significance
        Excel truncates the result to 3 decimal places unless told otherwise; pass 3 to do
        the same. ``None`` (the default) keeps full precision.

    Examples
    --------
    >>> percentrank_inc([1, 2, 2, 3], 2)
    0.3333333333333333
    >>> percentrank_inc([1, 2, 2, 3], 2, significance=3)
    0.333
    """
    data = np.sort(_clean(values))
    points = np.asarray(x, dtype=float)
    flat = points.ravel()
    out = np.full(flat.shape, np.nan)
    n = data.size
    if n >= 2:
        for i, value in enumerate(flat):
            if np.isnan(value) or value < data[0] or value > data[-1]:
                continue
            smaller = int(np.searchsorted(data, value, side="left"))
            if data[smaller] == value:
                rank = smaller / (n - 1)
            else:
                low, high = data[smaller - 1], data[smaller]
                rank = (smaller - 1 + (value - low) / (high - low)) / (n - 1)
            if significance is not None:
                scale = 10**significance
                rank = math.floor(rank * scale + 1e-9) / scale
            out[i] = rank
    out = out.reshape(points.shape)
    return float(out) if out.ndim == 0 else out
