"""The staffing share: the one definition every step uses.

    staffing share = staffing cost / total cost before the return (surplus)

summed over the providers given, each weighted by the units it delivers when weights are
given (so the share describes the money spent), equally otherwise. The return on operations
is a margin on cost, not a cost, so it is in neither the numerator nor the denominator
(``docs/methods.md``, "Unit costs").
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["staffing_share"]


def staffing_share(
    staffing_per_unit: ArrayLike,
    cost_excluding_return_per_unit: ArrayLike,
    weights: ArrayLike | None = None,
) -> float:
    """Share of cost (before the return) that is staffing, over one or more providers.

    Parameters
    ----------
    staffing_per_unit : array_like
        Each provider's staffing cost, £ per unit.
    cost_excluding_return_per_unit : array_like
        Each provider's total cost before the return, £ per unit (staffing, non-staffing and
        any uncategorised lines).
    weights : array_like, optional
        Units each provider delivers (e.g. ``volume_per_week``); equal weights when omitted.

    Returns
    -------
    float
        A fraction from 0 to 1; NaN when there is no cost to take a share of.

    Examples
    --------
    Staffing £14, other costs £6, return £1.25: the share is 14 / 20.

    >>> staffing_share(14.0, 20.0)
    0.7
    >>> staffing_share([14.0, 30.0], [20.0, 40.0], weights=[3, 1])
    0.72
    """
    staffing = np.atleast_1d(np.asarray(staffing_per_unit, dtype=float))
    cost = np.atleast_1d(np.asarray(cost_excluding_return_per_unit, dtype=float))
    w = np.ones_like(cost) if weights is None else np.atleast_1d(np.asarray(weights, dtype=float))
    total = float(np.sum(cost * w))
    if not total > 0:
        return float("nan")
    return float(np.sum(staffing * w)) / total
