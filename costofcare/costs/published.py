"""Published home care build-ups to check the model against (Homecare Association minimum
price for homecare: the 2014-15 first edition, the April 2020 - March 2021 edition and what
the 2025-26 edition publishes: the headline and the direct costs before running the
business).

``data/published_buildups.csv`` keeps each figure with its source address and note.
:func:`compare_published` lays a priced build-up beside the published lines; each published
line maps to one or more model lines (the 2020-21 edition publishes NI and pension together,
and holiday, sick pay and training together).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

from ..money import round_half_up
from .price import PriceResult

__all__ = ["PUBLISHED_LINES", "published_buildup", "compare_published"]

#: published line item -> model line ids that add up to it
PUBLISHED_LINES: dict[str, tuple[str, ...]] = {
    "careworker_contact_time_pay": ("contact_pay",),
    "travel_time_pay": ("travel_time_pay",),
    "employer_NI": ("employer_ni",),
    "pension": ("employer_pension",),
    "employer_NI_and_pension": ("employer_ni", "employer_pension"),
    "holiday_pay": ("holiday_pay",),
    "training": ("training_pay",),
    "other_wage_oncosts": ("holiday_pay", "sick_pay", "training_pay"),
    "mileage": ("mileage",),
    "business_running_costs": ("overheads",),
    "surplus_profit": ("surplus",),
    "headline_minimum_price": (),  # the total
    # 2025-26: only the headline and the direct costs before running the business are published
    "statutory_employment_costs": (
        "contact_pay",
        "travel_time_pay",
        "non_contact_pay",
        "training_pay",
        "holiday_pay",
        "sick_pay",
        "employer_ni",
        "employer_pension",
        "mileage",
        "ppe",
    ),
}


@cache
def _table() -> pd.DataFrame:
    with resources.files("costofcare.costs").joinpath("data/published_buildups.csv").open() as fh:
        return pd.read_csv(fh, dtype={"year": str})


def published_buildup(year: str) -> pd.DataFrame:
    """Published £ per contact hour lines for ``"2014-15"``, ``"2020-21"`` or ``"2025-26"``,
    with sources."""
    t = _table()
    rows = t[(t["year"] == year) & (t["unit"] == "GBP/contact_hour")]
    if rows.empty:
        raise KeyError(f"no published build-up for {year}; have {sorted(t['year'].unique())}")
    return rows.reset_index(drop=True)


def compare_published(result: PriceResult, year: str) -> pd.DataFrame:
    """Model lines beside a published build-up.

    Columns: ``line_item``, ``published``, ``model`` (unrounded), ``model_rounded`` (2 dp, half
    away from zero, as published), ``difference`` (rounded model - published) and
    ``relative_difference`` (of the unrounded model).
    """
    pub = published_buildup(year)
    values = result.lines.set_index("line")["cost_per_unit"]
    out = []
    for row in pub.itertuples():
        parts = PUBLISHED_LINES[row.line_item]
        model = float(values[list(parts)].sum()) if parts else result.total
        rounded = round_half_up(model)
        out.append(
            {
                "line_item": row.line_item,
                "published": float(row.value),
                "model": model,
                "model_rounded": rounded,
                "difference": round_half_up(rounded - float(row.value)),
                "relative_difference": model / float(row.value) - 1.0,
                "source_url": row.source_url,
            }
        )
    return pd.DataFrame(out)
