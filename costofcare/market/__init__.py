"""The market beside the fee decision: provider quality and risk, market shape and contracts.

Tables in, tables out, rules as data and problems as issue rows, like the other steps. Its
inputs are the council's register of services (:data:`costofcare.tables.catalogue.REGISTER`),
regulator ratings, local monitoring indicators, spend, demand and contract data, set in the
``[market]`` table of a run config.

Market shape (docs/market-shape.md)::

    spend_by(spend, "sds_option"); concentration(spend); spend_snapshot(spend)
    capacity_gap(commissioned_capacity(register), project_demand(demand, 0.02, 2029))
    movement_by_year(events); tier_membership(events, on="2024-01-25")
    contract_calendar(contracts, on="2015-10-29", lead_time_months=24)
    contract_value(ContractPolicy(...), params, deflator={"rate": 0.03})
    funding_gap(profile, funding)
    run_shape(config["market"], base) -> ShapeResult; write_shape(result, folder)
"""

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
from .funding import funding_gap, simple_profile
from .movement import movement_by_year, tier_membership, tiers_and_zones
from .scotland import nchc_rates
from .shape_run import SHAPE_KEYS, ShapeResult, run_shape, write_shape
from .shape_sheet import market_shape_sheet
from .spend import concentration, herfindahl_index, spend_by, spend_snapshot

__all__ = [
    "SHAPE_KEYS",
    "WAGE_FLOORS",
    "ContractPolicy",
    "ShapeResult",
    "activity_change",
    "capacity_gap",
    "commissioned_capacity",
    "concentration",
    "contract_calendar",
    "contract_value",
    "contract_values",
    "cost_unmet_need",
    "demand_from_capacity",
    "funding_gap",
    "herfindahl_index",
    "market_shape_sheet",
    "months_between",
    "movement_by_year",
    "nchc_rates",
    "occupancy_from_values",
    "project_demand",
    "run_shape",
    "simple_profile",
    "spend_by",
    "spend_snapshot",
    "tier_membership",
    "tiers_and_zones",
    "write_shape",
]
