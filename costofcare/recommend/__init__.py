"""Recommendation step: uplift methods, guardrails and budget fit.

Pure functions over DataFrames; the workbooks that show the result are in
:mod:`costofcare.report`.
"""

from .budget import BudgetFit, fit_budget
from .config import ServiceConfig, parse_config, parse_service, resolve
from .engine import ServiceRecommendation, recommend_all, recommend_service
from .excel import percentile_inc, round_half_up
from .guardrails import Guardrails, WageFloor, apply_guardrails
from .methods import METHODS, percentile_target, rolled_cost, weighted_index_uplift

__all__ = [
    "METHODS",
    "BudgetFit",
    "Guardrails",
    "ServiceConfig",
    "ServiceRecommendation",
    "WageFloor",
    "apply_guardrails",
    "fit_budget",
    "parse_config",
    "parse_service",
    "percentile_inc",
    "percentile_target",
    "recommend_all",
    "recommend_service",
    "resolve",
    "rolled_cost",
    "round_half_up",
    "weighted_index_uplift",
]
