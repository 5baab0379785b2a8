"""Scenarios: roll unit costs forward to the period being priced, under policy choices.

:class:`ScenarioModel` is the notebook entry point: fitted once on unit costs, workforce and
volumes, then run on scenarios, explained by line, or simulated (Monte Carlo)::

    model = ScenarioModel.from_config(config).fit(unit_costs, workforce, volumes)
    results = model.run(config.scenarios)


Wage policies with differentials (:mod:`.wages`), statutory on-costs recomputed per worker
(:mod:`.oncosts`), index roll-forward (:mod:`.indexation`), the weighted-index comparison and
the vectorised engine (:mod:`.model`), scenario objects and runs (:mod:`.scenario`), grids and
TOML configs (:mod:`.config`), Monte Carlo (:mod:`.montecarlo`) and budget impact
(:mod:`.budget`).
"""

from .budget import budget_impact, budget_weeks, multi_year_impact
from .config import (
    Config,
    MonteCarloConfig,
    config_from_dict,
    expand_grid,
    load_config,
    scenario_from_dict,
    scenario_to_dict,
)
from .estimator import ScenarioModel
from .indexation import UserSeries, index_ratio
from .model import Inputs
from .montecarlo import Distribution, MonteCarloResult, run_monte_carlo
from .oncosts import workforce_costs
from .scenario import (
    Context,
    Indexation,
    LineIndex,
    RunSettings,
    Scenario,
    explain_by_line,
    make_context,
    run_scenarios,
)
from .wages import DIFFERENTIALS, WAGE_POLICIES, WagePolicy, apply_differential

__all__ = [
    "DIFFERENTIALS",
    "WAGE_POLICIES",
    "Config",
    "Context",
    "Distribution",
    "Indexation",
    "Inputs",
    "LineIndex",
    "MonteCarloConfig",
    "MonteCarloResult",
    "RunSettings",
    "Scenario",
    "ScenarioModel",
    "UserSeries",
    "WagePolicy",
    "apply_differential",
    "budget_impact",
    "budget_weeks",
    "config_from_dict",
    "expand_grid",
    "explain_by_line",
    "index_ratio",
    "load_config",
    "make_context",
    "multi_year_impact",
    "run_monte_carlo",
    "run_scenarios",
    "scenario_from_dict",
    "scenario_to_dict",
    "workforce_costs",
]
