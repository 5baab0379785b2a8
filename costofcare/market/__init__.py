"""The market beside the fee decision: provider quality and risk, market shape and contracts.

Tables in, tables out, rules as data and problems as issue rows, like the other steps. Its
inputs are the council's register of services (:data:`costofcare.tables.catalogue.REGISTER`),
regulator ratings, local monitoring indicators, spend, demand and contract data, set in the
``[market]`` table of a run config: quality and risk (docs/market.md), market shape
(docs/market-shape.md).

Market shape (docs/market-shape.md)::

    spend_by(spend, "sds_option"); concentration(spend); spend_snapshot(spend)
    capacity_gap(commissioned_capacity(register), project_demand(demand, 0.02, 2029))
    movement_by_year(events); tier_membership(events, on="2024-01-25")
    contract_calendar(contracts, on="2015-10-29", lead_time_months=24)
    contract_value(ContractPolicy(...), params, deflator={"rate": 0.03})
    funding_gap(profile, funding)
    run_shape(config["market"], base) -> ShapeResult; write_shape(result, folder)

>>> from costofcare.market import whole_counts
>>> whole_counts(79, 28)          # Dumfries & Galloway: 79% of 28 services is 22
[22]
"""

from .assess import assess
from .bands import Band, BandSet, parse_band_set
from .capacity import (
    activity_change,
    capacity_gap,
    commissioned_capacity,
    cost_unmet_need,
    demand_from_capacity,
    occupancy_from_values,
    project_demand,
)
from .contract_value import WAGE_FLOORS, ContractPolicy, contract_value, contract_values
from .contracts import contract_calendar, months_between
from .distribution import (
    check_published,
    distribution_over_time,
    good_or_better,
    rating_distribution,
)
from .funding import funding_gap, simple_profile
from .movement import movement_by_year, tier_membership, tiers_and_zones
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
from .scotland import nchc_rates
from .shape_run import SHAPE_KEYS, ShapeResult, run_shape, write_shape
from .shape_sheet import market_shape_sheet
from .shares import value_shares, whole_counts
from .spend import concentration, herfindahl_index, spend_by, spend_snapshot
from .sustainability import at_risk_summary, sustainability

__all__ = [
    "SCALES",
    "SHAPE_KEYS",
    "WAGE_FLOORS",
    "Band",
    "BandSet",
    "Condition",
    "ContractPolicy",
    "MarketContext",
    "MarketPart",
    "MarketResult",
    "PartResult",
    "RagRules",
    "Rule",
    "ShapeResult",
    "activity_change",
    "assess",
    "at_risk_summary",
    "capacity_gap",
    "check_market",
    "check_published",
    "commissioned_capacity",
    "concentration",
    "contract_calendar",
    "contract_value",
    "contract_values",
    "cost_unmet_need",
    "demand_from_capacity",
    "distribution_over_time",
    "funding_gap",
    "good_or_better",
    "herfindahl_index",
    "market_shape_sheet",
    "months_between",
    "movement_by_year",
    "nchc_rates",
    "occupancy_from_values",
    "parse_band_set",
    "parse_rag",
    "project_demand",
    "rating_distribution",
    "read_ratings",
    "run_market",
    "run_shape",
    "service_ratings",
    "simple_profile",
    "spend_by",
    "spend_snapshot",
    "sustainability",
    "theme_grades",
    "tier_membership",
    "tiers_and_zones",
    "value_shares",
    "whole_counts",
    "write_market",
    "write_shape",
]
