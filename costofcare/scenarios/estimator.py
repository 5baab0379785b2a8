"""The scenario model as an estimator: fitted once on a market, then run on scenarios.

:class:`ScenarioModel` has the shape of :class:`costofcare.benchmark.MarketBenchmark`:
``__init__`` only stores settings, :meth:`ScenarioModel.fit` checks and packs the unit-cost,
workforce and volumes tables and works out the base period's statutory on-costs (into
trailing-underscore attributes), and :meth:`~ScenarioModel.run`,
:meth:`~ScenarioModel.explain` and :meth:`~ScenarioModel.monte_carlo` price scenarios
against what was fitted. It adds no rule of its own: each method is one call of the plain
functions :func:`~costofcare.scenarios.make_context`,
:func:`~costofcare.scenarios.scenario.run_context`,
:func:`~costofcare.scenarios.explain_by_line` and
:func:`~costofcare.scenarios.run_monte_carlo`, which stay public for scripts.

Example
-------
>>> from datetime import date
>>> from costofcare.scenarios import RunSettings, ScenarioModel
>>> model = ScenarioModel(RunSettings(date(2026, 4, 1), date(2027, 3, 31)))
>>> model
ScenarioModel(target 2026-04-01 to 2027-03-31, not fitted)
>>> model.fit(unit_costs, workforce, volumes)                   # doctest: +SKIP
>>> model.run(config.scenarios)                                 # doctest: +SKIP
>>> model.monte_carlo(scenario, {"index.CPI": Distribution.from_dict(
...     {"dist": "normal", "mean": 0.03, "sd": 0.01}, "CPI")}, runs=1000, seed=1,
...     percentiles=(0.1, 0.5, 0.9))                            # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ..errors import UserError
from .montecarlo import Distribution, MonteCarloResult, run_monte_carlo
from .scenario import (
    DEFAULT_MAX_CELLS,
    Context,
    RunSettings,
    Scenario,
    explain_by_line,
    make_context,
    run_context,
)


class ScenarioModel:
    """Unit costs rolled forward to the target period under scenarios, learned by ``fit``.

    Parameters
    ----------
    settings
        What every scenario shares: target period, on-cost and budget options
        (:class:`~costofcare.scenarios.RunSettings`).
    params
        Dated parameters (default: the shipped ones, loaded at ``fit``).
    user_series
        Extra indices by name (:class:`~costofcare.scenarios.UserSeries`).
    max_cells
        Memory bound of one block of providers x scenarios (or draws) x roles.

    Attributes
    ----------
    context_ : Context
        The packed inputs, base-period on-costs and target figures every run reuses.
    inputs_ : Inputs
        The checked and packed tables.
    providers_ : DataFrame
        One row per provider and service fitted: ``provider, service, unit, base_rate``
        (£ per unit, the sum of the provider's cost lines), ``volume_per_week`` and
        ``current_rate`` (NaN where the volumes table gives none).
    """

    def __init__(
        self,
        settings: RunSettings,
        params=None,
        user_series: Mapping | None = None,
        max_cells: int = DEFAULT_MAX_CELLS,
    ) -> None:
        self.settings = settings
        self.params = params
        self.user_series = user_series
        self.max_cells = max_cells

    @classmethod
    def from_config(cls, config, params=None, max_cells: int = DEFAULT_MAX_CELLS) -> ScenarioModel:
        """A model with the settings and user indices of a scenario
        :class:`~costofcare.scenarios.Config`."""
        return cls(config.settings, params, config.series, max_cells)

    def fit(
        self,
        unit_costs: pd.DataFrame,
        workforce: pd.DataFrame,
        volumes: pd.DataFrame | None = None,
    ) -> ScenarioModel:
        """Check and pack the tables and price the base period; returns ``self``.

        Parameters
        ----------
        unit_costs, workforce, volumes
            Input tables (see :mod:`costofcare.scenarios.model` for their columns); without
            volumes the budget columns are left out.

        Raises
        ------
        UserError
            A table that cannot be used, naming the table, row and column.
        """
        self.context_: Context = make_context(
            unit_costs, workforce, volumes, self.settings, self.params, self.user_series
        )
        self.inputs_ = self.context_.inputs
        keys = self.inputs_.keys
        self.providers_ = keys[["provider", "service", "unit"]].assign(
            base_rate=self.inputs_.base_rate,
            volume_per_week=self.inputs_.volume_per_week,
            current_rate=self.inputs_.current_rate,
        )
        return self

    def _fitted(self) -> Context:
        if not hasattr(self, "context_"):
            raise UserError(
                "this ScenarioModel is not fitted yet; call "
                "model.fit(unit_costs, workforce, volumes) first"
            )
        return self.context_

    def run(self, scenarios: Scenario | Sequence[Scenario]) -> pd.DataFrame:
        """Price every scenario for every fitted provider and service.

        Returns
        -------
        DataFrame
            One row per scenario x provider x service, as
            :func:`~costofcare.scenarios.run_scenarios` returns it.
        """
        return run_context(self._fitted(), _as_list(scenarios), max_cells=self.max_cells)

    def explain(self, scenarios: Scenario | Sequence[Scenario]) -> pd.DataFrame:
        """Bottom-up and weighted-index results by cost line, with the reason
        (:func:`~costofcare.scenarios.explain_by_line`)."""
        return explain_by_line(self._fitted(), _as_list(scenarios))

    def monte_carlo(
        self,
        scenario: Scenario,
        inputs: Mapping[str, Distribution],
        runs: int = 1000,
        seed: int | None = None,
        percentiles: Sequence[float] = (0.1, 0.5, 0.9),
    ) -> MonteCarloResult:
        """Simulate ``scenario`` with ``inputs`` drawn ``runs`` times
        (:func:`~costofcare.scenarios.run_monte_carlo`).

        ``percentiles`` are fractions from 0 to 1 (0.5 is the median).
        """
        return run_monte_carlo(
            self._fitted(), scenario, inputs, runs, seed, percentiles, max_cells=self.max_cells
        )

    def __repr__(self) -> str:
        period = f"target {self.settings.target_start} to {self.settings.target_end}"
        if not hasattr(self, "context_"):
            return f"ScenarioModel({period}, not fitted)"
        return f"ScenarioModel({period}, {len(self.providers_)} provider-services)"


def _as_list(scenarios: Scenario | Sequence[Scenario]) -> list[Scenario]:
    return [scenarios] if isinstance(scenarios, Scenario) else list(scenarios)
