"""Recommendation step: uplift methods, guardrails and budget fit.

Each method is a small class with one interface (:class:`Method`), registered under the
``method`` string of the config (:data:`METHODS`). Pure functions and small objects over
DataFrames; the workbooks that show the result are in :mod:`costofcare.report`.
"""

from .budget import BudgetFit, BudgetFloorFirst, BudgetUniform, fit_budget
from .config import ServiceConfig, parse_config, parse_service, resolve
from .engine import ServiceRecommendation, recommend_all, recommend_service
from .guardrails import Guardrails, apply_guardrails
from .method import (
    METHODS,
    Figure,
    Method,
    MethodInputs,
    OutcomeNote,
    Proposal,
    RecommendationInputError,
    Row,
    register,
)
from .methods import BottomUp, Percentile, WeightedIndex, rolled_cost, weighted_index_uplift
from .rollforward import RolledCosts, RollForward, roll_costs

__all__ = [
    "METHODS",
    "BottomUp",
    "BudgetFit",
    "BudgetFloorFirst",
    "BudgetUniform",
    "Figure",
    "Guardrails",
    "Method",
    "MethodInputs",
    "OutcomeNote",
    "Percentile",
    "Proposal",
    "RecommendationInputError",
    "RollForward",
    "RolledCosts",
    "Row",
    "ServiceConfig",
    "ServiceRecommendation",
    "WeightedIndex",
    "apply_guardrails",
    "fit_budget",
    "parse_config",
    "parse_service",
    "recommend_all",
    "recommend_service",
    "register",
    "resolve",
    "roll_costs",
    "rolled_cost",
    "weighted_index_uplift",
]
