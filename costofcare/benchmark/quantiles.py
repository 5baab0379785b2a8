"""Quantiles, weighted quantiles and percentile ranks, computed the way Excel does.

Councils publish their cost of care statistics from spreadsheets, so the unweighted figures here
match Excel exactly:

* :func:`percentile_inc` is ``PERCENTILE.INC`` (and ``QUARTILE.INC(x, k)`` is
  ``PERCENTILE.INC(x, k/4)``): sort the ``n`` values; the value at fraction ``p`` sits at
  1-based position ``h = (n - 1) * p + 1``, interpolating linearly between the neighbours.
  This is numpy's ``method="linear"`` (Hyndman and Fan type 7).
* :func:`percentrank_inc` is ``PERCENTRANK.INC``: a value found in the data ranks at
  ``(number of smaller values) / (n - 1)``; a value between two data points is interpolated.
* :func:`weighted_percentile` extends ``PERCENTILE.INC`` to weights (contact hours or occupied
  beds a week) with the weighted Hyndman-Fan type 7 estimator of Akinshin (2023), "Weighted
  quantile estimators", arXiv:2304.07265, taking the smallest provider's weight as one
  observation (effective sample size ``W / u``, ``W`` the total weight and ``u`` the smallest
  weight). Sort the values; value ``i`` owns the block ``(C_{i-1}, C_i]`` of the cumulative
  weight. The percentile at ``p`` is the average value over a window one unit ``u`` wide
  starting at ``p * (W - u)``: a value whose block holds the whole window is returned as it
  is, and across the boundary between two blocks the result runs linearly from one value to
  the next. With equal weights the window starts at ``(n - 1) * p`` units, which is
  ``PERCENTILE.INC`` exactly; with weights that are whole multiples of the smallest it is
  ``PERCENTILE.INC`` of the list in which each value is repeated weight / smallest weight
  times.

  Properties (tested): equal weights give ``PERCENTILE.INC`` / ``QUARTILE.INC``; raising one
  provider's weight never moves any percentile away from that provider's value; a provider
  whose weight exceeds all the others' together by at least the smallest weight sets the
  weighted median (a provider holding more than half the weight but by a smaller margin pulls
  the median more than half-way from its neighbour to its own value: no definition that keeps
  ``QUARTILE.INC`` for equal weights can do more without jumping, see ``docs/methods.md``).

Pairs with a missing value are left out, as Excel leaves out blank cells; so are pairs with a
zero weight. A negative, missing or infinite weight is an error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: Stated in every statistics table so readers know how the figures were computed.
UNWEIGHTED_METHOD = "Excel PERCENTILE.INC / QUARTILE.INC (linear interpolation, type 7)"
WEIGHTED_METHOD = (
    "volume-weighted PERCENTILE.INC: weighted type 7 (Akinshin 2023) counting the smallest "
    "provider's volume as one observation (equal volumes give QUARTILE.INC)"
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


def _weighted_pairs(
    values: Sequence[float] | np.ndarray, weights: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The values and weights to use: checked, missing values and zero weights left out."""
    data = np.asarray(values, dtype=float).ravel()
    weight = np.asarray(weights, dtype=float).ravel()
    if data.shape != weight.shape:
        raise ValueError(f"{data.size} values but {weight.size} weights")
    for bad, what in ((~np.isfinite(weight), "missing or infinite"), (weight < 0, "negative")):
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"weights must be zero or more: {int(bad.sum())} {what} (the first at "
                f"position {first}, weight {float(weight[first])!r}, value "
                f"{float(data[first])!r})"
            )
    keep = ~np.isnan(data) & (weight > 0)
    return data[keep], weight[keep]


def weighted_percentile(
    values: Sequence[float] | np.ndarray,
    weights: Sequence[float] | np.ndarray,
    p: float | Sequence[float] | np.ndarray,
) -> float | np.ndarray:
    """Volume-weighted ``PERCENTILE.INC`` (weighted type 7; definition in the module docstring).

    Measured in units of the smallest weight ``u``, value ``i`` (sorted ascending) owns the
    block ``(C_{i-1}, C_i]`` of the cumulative weight. The result at ``p`` is the mean value
    over the one-unit window ``[p (W - 1), p (W - 1) + 1]``: the value itself while the
    window's centre lies in ``[C_{i-1} + 1/2, C_i - 1/2]``, then linear to the next value
    over the unit across the boundary ``C_i``.

    Parameters
    ----------
    values, weights
        Equal-length sequences. Pairs with a missing value or a zero weight are left out.
    p
        A fraction from 0 to 1, or an array of them.

    Returns
    -------
    float or numpy.ndarray
        NaN when no value has a weight.

    Raises
    ------
    ValueError
        When a weight is negative, missing (NaN) or infinite, or the lengths differ.

    Examples
    --------
    Values 10, 20, 30 with weights 1, 1, 2: the unit is 1, the blocks are (0, 1], (1, 2] and
    (2, 4], total 4. The median's window starts at 0.5 x (4 - 1) = 1.5, so it is
    [1.5, 2.5]: half in 20's block and half in 30's, giving 25.

    >>> weighted_percentile([10, 20, 30], [1, 1, 2], 0.5)
    25.0

    The cheapest provider's weight counts: 1,000 hours at 10 against 1 hour at 20 give a
    median of 10 (window [500, 501] inside 10's block (0, 1000]).

    >>> weighted_percentile([10, 20], [1000, 1], 0.5)
    10.0
    """
    fractions = _check_fraction(p)
    data, weight = _weighted_pairs(values, weights)
    if data.size == 0:
        result = np.full(fractions.shape, np.nan)
    elif np.all(weight == weight[0]):
        # the same figure as below, computed as numpy's type 7 so it matches to the last bit
        result = np.percentile(data, fractions * 100, method="linear")
    else:
        order = np.argsort(data, kind="mergesort")
        data, units = data[order], weight[order] / weight.min()
        upper = np.cumsum(units)
        lower = upper - units
        # the value holds from C_{i-1} + 1/2 to C_i - 1/2 (window centre), linear in between;
        # the running maximum only absorbs rounding in the cumulative sums
        knots = np.maximum.accumulate(np.column_stack((lower + 0.5, upper - 0.5)).ravel())
        centre = 0.5 + fractions * (upper[-1] - 1.0)
        result = np.interp(centre, knots, np.repeat(data, 2))
    return float(result) if np.ndim(result) == 0 else result


def weighted_mean(
    values: Sequence[float] | np.ndarray, weights: Sequence[float] | np.ndarray
) -> float:
    """Sum of value x weight over the sum of weights (NaN when no value has a weight).

    Missing values and zero weights are left out; a negative, missing or infinite weight is
    an error, as in :func:`weighted_percentile`.
    """
    data, weight = _weighted_pairs(values, weights)
    if data.size == 0:
        return math.nan
    return float(np.sum(data * weight) / np.sum(weight))


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
