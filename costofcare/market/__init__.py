"""The market beside the fee decision: provider quality and risk, market shape and contracts.

Tables in, tables out, rules as data and problems as issue rows, like the other steps. Its
inputs are the council's register of services (:data:`costofcare.tables.catalogue.REGISTER`),
regulator ratings, local monitoring indicators, spend, demand and contract data, set in the
``[market]`` table of a run config (docs/market.md).

>>> from costofcare.market import whole_counts
>>> whole_counts(79, 28)          # Dumfries & Galloway: 79% of 28 services is 22
[22]
"""

from .assess import assess
from .bands import Band, BandSet, parse_band_set
from .distribution import (
    check_published,
    distribution_over_time,
    good_or_better,
    rating_distribution,
)
from .rag import Condition, RagRules, Rule, parse_rag
from .ratings import SCALES, read_ratings, service_ratings, theme_grades
from .run import (
    MarketContext,
    MarketPart,
    MarketResult,
    PartResult,
    check_market,
    run_market,
    write_market,
)
from .shares import value_shares, whole_counts
from .sustainability import at_risk_summary, sustainability

__all__ = [
    "SCALES",
    "Band",
    "BandSet",
    "Condition",
    "MarketContext",
    "MarketPart",
    "MarketResult",
    "PartResult",
    "RagRules",
    "Rule",
    "assess",
    "at_risk_summary",
    "check_market",
    "check_published",
    "distribution_over_time",
    "good_or_better",
    "parse_band_set",
    "parse_rag",
    "rating_distribution",
    "read_ratings",
    "run_market",
    "service_ratings",
    "sustainability",
    "theme_grades",
    "value_shares",
    "whole_counts",
    "write_market",
]
