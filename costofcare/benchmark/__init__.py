"""benchmark step: local market statistics, comparator authorities, nearest neighbours.

Quantiles match Excel's ``QUARTILE.INC``; see :mod:`costofcare.benchmark.quantiles` for the
weighted definition. The plots (:func:`plot_market`, :func:`plot_comparators`) need the
``plot`` extra (matplotlib), imported only when a plot is drawn.
"""

from .comparators import (
    BASIS_KINDS,
    ComparatorError,
    period_months,
    rank_position,
    read_comparators,
    roll_forward,
    select_comparators,
    shipped_comparators,
    validate_comparators,
)
from .market import (
    MarketBenchmark,
    MarketDataError,
    flag_outliers,
    market_statistics,
    percentile_positions,
    provider_costs,
    rate_coverage,
)
from .neighbours import NearestNeighbours, NeighboursError
from .plots import plot_comparators, plot_market
from .quantiles import (
    percentile_inc,
    percentrank_inc,
    quartile_inc,
    weighted_mean,
    weighted_percentile,
)

__all__ = [
    "BASIS_KINDS",
    "ComparatorError",
    "MarketBenchmark",
    "MarketDataError",
    "NearestNeighbours",
    "NeighboursError",
    "flag_outliers",
    "market_statistics",
    "percentile_inc",
    "percentile_positions",
    "percentrank_inc",
    "period_months",
    "plot_comparators",
    "plot_market",
    "provider_costs",
    "quartile_inc",
    "rank_position",
    "rate_coverage",
    "read_comparators",
    "roll_forward",
    "select_comparators",
    "shipped_comparators",
    "validate_comparators",
    "weighted_mean",
    "weighted_percentile",
]
