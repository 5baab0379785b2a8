"""A small home care market worked by hand in the recommendation tests.

Providers A, B and C buy 100, 200 and 100 contact hours a week at £20.00, £25.00 and £24.00.
Their returned costs per contact hour (staffing, non-staffing, return) are A £18/£4/£1,
B £20/£5/£1.25 and C £16/£6/£2; :func:`home_care_market` can leave some returns out.
"""

from __future__ import annotations

import pandas as pd

from costofcare.recommend import parse_service

COSTS = {"A": (18, 4, 1), "B": (20, 5, 1.25), "C": (16, 6, 2)}


def home_care_market(with_returns: str = "ABC") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rates, unit costs) of the market; only the providers in ``with_returns`` sent costs."""
    rates = pd.DataFrame(
        {
            "provider": ["A", "B", "C"],
            "service": "home_care",
            "current_rate": [20.0, 25.0, 24.0],
            "volume_per_week": [100.0, 200.0, 100.0],
        }
    )
    lines = []
    for provider in with_returns:
        staffing, other, ret = COSTS[provider]
        lines += [
            (provider, "home_care", "Care worker pay", "staffing", staffing),
            (provider, "home_care", "Rent", "non_staffing", other),
            (provider, "home_care", "Return on operations", "return", ret),
        ]
    costs = pd.DataFrame(
        lines, columns=["provider", "service", "cost_line", "category", "cost_per_unit"]
    )
    return rates, costs


def home_care_config(**kw):
    """A home care percentile config effective 6 April 2026, no wage floor; ``kw`` overrides."""
    base = {"method": "percentile", "effective_date": "2026-04-06", "wage_floor": "none"}
    base.update(kw)
    return parse_service("home_care", base)
