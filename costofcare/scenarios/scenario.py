"""Scenario objects and the deterministic run over providers x scenarios.

A :class:`Scenario` is a plain, printable description of one set of choices (wage policy,
indices for non-staffing lines, the weighted-index comparison, the budget's effective date).
:class:`RunSettings` holds what every scenario in a run shares (target period, on-cost options,
budget horizon). :func:`run_scenarios` returns one tidy row per scenario x provider x service.

Example
-------
>>> from costofcare.scenarios import Scenario, WagePolicy, Indexation
>>> s = Scenario("RLW, keep pence", WagePolicy("real_living_wage_uk", "pence"),
...              Indexation("CPI", "2025-09", "2026-09"))
>>> print(s)
RLW, keep pence: wage real living wage uk, differentials: pence; non-staffing CPI 2025-09 to 2026-09
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..parameters import StatutoryFigures
from .budget import budget_weeks, multi_year_impact
from .indexation import build_series, index_ratio
from .model import FIGURE_NAMES, Inputs, ScenarioArrays, base_workforce_costs, evaluate
from .wages import DIFFERENTIALS, WagePolicy

#: Cells (providers x scenarios x roles) one block of work may hold; bounds memory.
DEFAULT_MAX_CELLS = 2**18


@dataclass(frozen=True)
class LineIndex:
    """The index and months one non-staffing cost line moves by."""

    index: str
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class Indexation:
    """Indices for non-staffing lines: a default, with per-line exceptions.

    ``start`` and ``end`` are months (``"YYYY-MM"``; ``from``/``to`` in a config); a line moves
    by ``level(end) / level(start)`` of its index. ``lines`` maps a cost line label to a
    :class:`LineIndex` (months left out are the default's).
    """

    index: str = "CPI"
    start: str | None = None
    end: str | None = None
    lines: tuple[tuple[str, LineIndex], ...] = ()

    def for_line(self, cost_line: str) -> tuple[str, str | None, str | None]:
        own = dict(self.lines).get(cost_line)
        if own is None:
            return self.index, self.start, self.end
        return own.index, own.start or self.start, own.end or self.end

    def __str__(self) -> str:
        text = f"{self.index} {self.start} to {self.end}"
        if self.lines:
            text += " (" + "; ".join(f"{k}: {v.index}" for k, v in self.lines) + ")"
        return text


@dataclass(frozen=True)
class Scenario:
    """One set of choices to price.

    Parameters
    ----------
    name
        Label in the results.
    wage
        Pay policy for care staff, with its differential rule.
    indexation
        Indices for non-staffing lines.
    weighted_index
        Index the weighted-index method uses for its non-staffing share (default: the
        indexation's default index, over the same months).
    effective_date
        Date the new rates take effect, for the part-year budget (default: target start).
    """

    name: str
    wage: WagePolicy = field(default_factory=WagePolicy)
    indexation: Indexation = field(default_factory=Indexation)
    weighted_index: str | None = None
    effective_date: date | None = None

    def __str__(self) -> str:
        text = f"{self.name}: wage {self.wage}; non-staffing {self.indexation}"
        if self.weighted_index:
            text += f"; weighted index {self.weighted_index}"
        if self.effective_date:
            text += f"; effective {self.effective_date.isoformat()}"
        return text

    def describe(self) -> dict:
        """Flat description for result columns."""
        return {
            "wage_policy": self.wage.policy,
            "differential": self.wage.differential,
            "index": self.indexation.index,
            "index_from": self.indexation.start,
            "index_to": self.indexation.end,
            "weighted_index": self.weighted_index or self.indexation.index,
        }


@dataclass(frozen=True)
class RunSettings:
    """What every scenario in a run shares.

    Parameters
    ----------
    target_start, target_end
        The period being priced (e.g. 2026-04-01 to 2027-03-31).
    parameters_on
        Date the target period's figures (wage floors, NI, pension) are taken on; default the
        middle of the target period, so April changes of either kind (1 April wage floors, 6
        April tax figures) are both in force.
    base_parameters_on
        Date base-period figures are taken on; default the middle of each provider's return
        period.
    employment_allowance
        Take the Employment Allowance off each provider's employer NI bill.
    pension_employer_rate
        Employer pension rate on qualifying earnings, if not the statutory minimum.
    weeks_per_year, years, volume_growth_per_year
        Budget conventions (see :mod:`costofcare.scenarios.budget`).
    """

    target_start: date
    target_end: date
    parameters_on: date | None = None
    base_parameters_on: date | None = None
    employment_allowance: bool = True
    pension_employer_rate: float | None = None
    weeks_per_year: float | None = None
    years: int = 1
    volume_growth_per_year: float = 0.0

    def __post_init__(self) -> None:
        if self.target_end < self.target_start:
            raise ConfigError("target.end is before target.start")
        if self.years < 1:
            raise ConfigError(f"budget.years must be 1 or more, got {self.years}")
        if self.weeks_per_year is not None and self.weeks_per_year <= 0:
            raise ConfigError(f"budget.weeks_per_year must be above 0, got {self.weeks_per_year}")

    @property
    def target_on(self) -> date:
        if self.parameters_on is not None:
            return self.parameters_on
        return self.target_start + (self.target_end - self.target_start) / 2


def _month_text(value) -> str:
    return str(pd.Period(str(value), freq="M"))


class Context:
    """Everything scenarios are evaluated against: packed inputs, parameters, indices.

    Built once per run; :meth:`arrays` turns scenarios into :class:`ScenarioArrays`.
    """

    def __init__(self, inputs: Inputs, settings: RunSettings, params, user_series=None):
        self.inputs = inputs
        self.settings = settings
        self.params = params
        self.series = build_series(params, user_series)
        if settings.base_parameters_on is not None:
            dates = [settings.base_parameters_on] * len(inputs.providers)
        else:
            dates = [d.date() for d in inputs.provider_dates()]
        self.base_dates = dates
        self._memo: dict = {}
        base = [self._figures(d) for d in dates]
        self.base_figures = {k: np.array([b[k] for b in base]) for k in FIGURE_NAMES}
        self.base = base_workforce_costs(
            inputs, self.base_figures, apply_employment_allowance=settings.employment_allowance
        )
        self.target_figures = self._figures(settings.target_on)

    def _figures(self, on: date) -> dict:
        key = ("figures", on)
        if key not in self._memo:
            rate = self.settings.pension_employer_rate
            overrides = {} if rate is None else {"pension_employer_rate": rate}
            self._memo[key] = StatutoryFigures.in_force(self.params, on, **overrides).as_dict()
        return self._memo[key]

    def default_months(self) -> tuple[str, str]:
        """Months used when a scenario states none: the 12 months to the month before the
        target period starts (target 2026-04-01: 2025-03 to 2026-03)."""
        end = pd.Period(self.settings.target_start, freq="M") - 1
        return str(end - 12), str(end)

    def ratio(self, index: str, start, end, where: str) -> float:
        """Index ratio ``level(end) / level(start)``, checked (months default as
        :meth:`default_months`)."""
        if start is None or end is None:
            default_start, default_end = self.default_months()
            start = start or default_start
            end = end or default_end
        if index not in self.series:
            raise ConfigError(
                f"{where}.index: unknown index {index!r}; allowed: "
                + ", ".join(sorted(self.series))
            )
        key = ("ratio", index, _month_text(start), _month_text(end))
        if key not in self._memo:
            self._memo[key] = index_ratio(self.series[index], index, start, end, where)
        return self._memo[key]

    def floors(self, wage: WagePolicy) -> tuple[float, np.ndarray]:
        """Target floor and (P,) base floors of a wage policy."""
        key = ("floor", wage)
        if key not in self._memo:
            new = wage.floor_per_hour(self.params, self.settings.target_on)
            base = np.array([self._base_floor(wage, d) for d in self.base_dates])
            self._memo[key] = (new, base)
        return self._memo[key]

    def _base_floor(self, wage: WagePolicy, on: date) -> float:
        key = ("base_floor", wage.policy, wage.base_floor, on)
        if key not in self._memo:
            self._memo[key] = wage.base_floor_per_hour(self.params, on)
        return self._memo[key]

    def arrays(self, scenarios: Sequence[Scenario]) -> ScenarioArrays:
        """Settings of ``scenarios`` as arrays."""
        lines = self.inputs.non_staffing_lines
        n = len(scenarios)
        floor = np.empty(n)
        base_floor = np.empty((len(self.inputs.providers), n))
        ratio = np.empty((n, len(lines)))
        change = np.empty(n)
        part = np.empty(n)
        full = np.empty(n)
        for s, sc in enumerate(scenarios):
            where = f"scenario {sc.name!r}"
            floor[s], base_floor[:, s] = self.floors(sc.wage)
            for j, line in enumerate(lines):
                index, start, end = sc.indexation.for_line(line)
                ratio[s, j] = self.ratio(index, start, end, f"{where}: indexation ({line})")
            wi = sc.weighted_index or sc.indexation.index
            change[s] = (
                self.ratio(wi, sc.indexation.start, sc.indexation.end, f"{where}: weighted_index")
                - 1.0
            )
            full[s], part[s] = budget_weeks(
                self.settings.target_start,
                self.settings.target_end,
                sc.effective_date,
                self.settings.weeks_per_year,
            )
        figures = {k: np.full(n, self.target_figures[k], dtype=float) for k in FIGURE_NAMES}
        return ScenarioArrays(
            floor=floor,
            base_floor=base_floor,
            differential=np.array(
                [DIFFERENTIALS.index(sc.wage.differential) for sc in scenarios], dtype=np.int64
            ),
            pay_increase=np.array([sc.wage.pay_increase for sc in scenarios], dtype=float),
            is_pay_increase=np.array([sc.wage.policy == "pay_increase" for sc in scenarios]),
            figures=figures,
            line_ratio=ratio,
            index_change=change,
            part_year_weeks=part,
            full_year_weeks=full,
        )

    def evaluate(self, arrays: ScenarioArrays, providers: slice, minimal: bool = False) -> dict:
        """:func:`~costofcare.scenarios.model.evaluate` for a block of providers."""
        block = ScenarioArrays(**{**arrays.__dict__, "base_floor": arrays.base_floor[providers]})
        return evaluate(
            self.inputs,
            self.base,
            block,
            providers,
            apply_employment_allowance=self.settings.employment_allowance,
            minimal=minimal,
        )


def work_blocks(role_count: np.ndarray, runs: int, max_cells: int):
    """Provider slices, each with the draw slices to evaluate it in, so that one block holds
    at most about ``max_cells`` providers x draws x roles."""
    widths = np.maximum(np.asarray(role_count, dtype=np.int64), 1)
    n = len(widths)
    i = 0
    while i < n:
        if widths[i] * runs > max_cells:
            step = max(1, max_cells // int(widths[i]))
            yield slice(i, i + 1), [slice(j, min(j + step, runs)) for j in range(0, runs, step)]
            i += 1
            continue
        j = i + 1
        # providers are ordered by role count: the block's width is its last provider's
        while j < n and widths[j] * runs * (j + 1 - i) <= max_cells:
            j += 1
        yield slice(i, j), [slice(0, runs)]
        i = j


RESULT_COLUMNS = (
    "base_rate",
    "required_rate",
    "uplift",
    "staffing",
    "non_staffing",
    "returns",
    "pay_factor",
    "employment_factor",
    "weighted_index_rate",
    "weighted_index_uplift",
    "difference_vs_weighted_index",
)


def run_scenarios(
    scenarios: Sequence[Scenario],
    unit_costs: pd.DataFrame | Inputs,
    workforce: pd.DataFrame | None = None,
    volumes: pd.DataFrame | None = None,
    *,
    settings: RunSettings,
    params=None,
    user_series: Mapping | None = None,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> pd.DataFrame:
    """Price every scenario for every provider and service.

    Parameters
    ----------
    scenarios
        The scenarios (names must be unique).
    unit_costs, workforce, volumes
        Input tables (see :mod:`costofcare.scenarios.model` for columns), or already packed
        :class:`Inputs` as ``unit_costs``.
    settings
        Shared settings (target period, on-cost and budget options).
    params
        Parameters (default: the shipped ones).
    user_series
        Extra indices by name (:class:`~costofcare.scenarios.indexation.UserSeries`).

    Returns
    -------
    DataFrame
        One row per scenario x provider x service, keyed by ``scenario, provider, service``;
        the scenario's choices, floors, rates (``base_rate``, ``required_rate``,
        ``weighted_index_rate``), parts and budget impact (when volumes are given).
    """
    ctx = make_context(unit_costs, workforce, volumes, settings, params, user_series)
    return run_context(ctx, scenarios, max_cells=max_cells)


def make_context(unit_costs, workforce, volumes, settings, params=None, user_series=None):
    """A :class:`Context` from tables (or packed :class:`Inputs`)."""
    if params is None:
        from ..parameters import load

        params = load()
    inputs = (
        unit_costs
        if isinstance(unit_costs, Inputs)
        else Inputs.from_tables(unit_costs, workforce, volumes)
    )
    return Context(inputs, settings, params, user_series)


def run_context(
    ctx: Context, scenarios: Sequence[Scenario], max_cells: int = DEFAULT_MAX_CELLS
) -> pd.DataFrame:
    """:func:`run_scenarios` on a built context."""
    names = [s.name for s in scenarios]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"scenario names must be unique; repeated: {', '.join(dupes)}")
    if not scenarios:
        raise ConfigError("no scenarios to run")
    arrays = ctx.arrays(scenarios)
    inputs = ctx.inputs
    frames = []
    all_names = np.array(names, dtype=object)
    for block, scenario_blocks in work_blocks(inputs.role_count, len(scenarios), max_cells):
        for cols in scenario_blocks:
            frames.append(_result_frame(ctx, arrays.take(cols), all_names[cols], block))
    result = pd.concat(frames, ignore_index=True)
    described = pd.DataFrame([{"scenario": s.name, **s.describe()} for s in scenarios])
    result = result.merge(described, on="scenario", how="left", sort=False)
    order = ["scenario", *described.columns[1:]]
    result = result[order + [c for c in result.columns if c not in order]]
    position = {n: i for i, n in enumerate(names)}
    result = result.sort_values(
        ["scenario", "provider", "service"],
        key=lambda c: c.map(position) if c.name == "scenario" else c,
    )
    return result.reset_index(drop=True)


def explain_by_line(ctx: Context, scenarios: Sequence[Scenario]) -> pd.DataFrame:
    """Bottom-up and weighted-index results side by side, per cost line, with the reason.

    One row per scenario x provider x service x cost line: ``base``, ``bottom_up``,
    ``weighted_index``, ``difference`` (bottom-up minus weighted index) and ``explanation``.
    Summed over lines, ``bottom_up`` and ``weighted_index`` give the ``required_rate`` and
    ``weighted_index_rate`` of :func:`run_scenarios`.
    """
    inputs = ctx.inputs
    arrays = ctx.arrays(scenarios)
    out = ctx.evaluate(arrays, slice(None))
    keys = out["keys"]
    row_of_key = np.empty(len(inputs.keys), dtype=np.int64)
    row_of_key[keys] = np.arange(len(keys))
    lines = inputs.lines
    row = row_of_key[lines["key"].to_numpy()]
    view = _LineView(
        ctx=ctx,
        arrays=arrays,
        out=out,
        row=row,
        wage_change=arrays.wage_change[inputs.key_provider[keys]],
        before={k: np.asarray(v) for k, v in ctx.base_figures.items()},
        component=lines["component"].to_numpy(),
        explicit=inputs.explicit_oncosts[keys][row],
        provider=inputs.key_provider[lines["key"].to_numpy()],
        line_column={name: j for j, name in enumerate(inputs.non_staffing_lines)},
    )
    frames = [view.scenario_frame(s, sc) for s, sc in enumerate(scenarios)]
    return pd.concat(frames, ignore_index=True)


@dataclass
class _LineView:
    """What :func:`explain_by_line` needs to explain each base line under each scenario.

    ``row`` is each line's row in ``out`` (the evaluated keys); ``wage_change`` is (K, S);
    ``before`` holds the base-period statutory figures per provider; ``component``,
    ``explicit`` and ``provider`` are per line; ``line_column`` is each non-staffing line's
    column in ``arrays.line_ratio``.
    """

    ctx: Context
    arrays: ScenarioArrays
    out: dict
    row: np.ndarray
    wage_change: np.ndarray
    before: dict
    component: np.ndarray
    explicit: np.ndarray
    provider: np.ndarray
    line_column: dict

    def scenario_frame(self, s: int, sc: Scenario) -> pd.DataFrame:
        """Every line of scenario ``s``: base, bottom-up, weighted index and the reason."""
        lines = self.ctx.inputs.lines
        bottom_factor = np.ones(len(lines))
        weighted_factor = np.ones(len(lines))
        text = np.empty(len(lines), dtype=object)
        factor = self._factors(s)
        category = lines["category"].to_numpy()
        for i in range(len(lines)):
            if category[i] == "staffing":
                explain = self._staffing
            elif category[i] == "non_staffing":
                explain = self._non_staffing
            else:
                explain = self._return
            bottom_factor[i], weighted_factor[i], text[i] = explain(i, s, sc, factor)
        base = lines["cost_per_unit"].to_numpy()
        frame = lines[["provider", "service", "cost_line", "category", "component"]].copy()
        frame.insert(0, "scenario", sc.name)
        frame["base"] = base
        frame["bottom_up"] = base * bottom_factor
        frame["weighted_index"] = base * weighted_factor
        frame["difference"] = frame["bottom_up"] - frame["weighted_index"]
        frame["explanation"] = text
        return frame

    def _factors(self, s: int) -> dict[str, np.ndarray]:
        """Each evaluated key's new over base pay, NI, pension and return in scenario ``s``."""
        inputs, out, keys = self.ctx.inputs, self.out, self.out["keys"]
        with np.errstate(divide="ignore", invalid="ignore"):
            return {
                "pay": out["pay"][:, s] / inputs.pay[keys],
                "employer_ni": out["employer_ni"][:, s] / inputs.ni[keys],
                "employer_pension": out["employer_pension"][:, s] / inputs.pension[keys],
                "return": out["returns"][:, s] / inputs.returns[keys],
            }

    def _staffing(self, i: int, s: int, sc: Scenario, factor: dict) -> tuple:
        r = self.row[i]
        component = self.component[i]
        bottom = np.nan_to_num(factor[component][r], nan=1.0)
        w = self.wage_change[r, s]
        if component == "pay":
            what = "pay bill" if self.explicit[i] else "pay + NI + pension bill"
            return bottom, 1.0 + w, f"{what} {bottom - 1:+.2%} ({sc.wage}) vs pay change {w:+.2%}"
        rule = self._oncost_rule(component, self.provider[i], s)
        label = component.replace("_", " ").replace("ni", "NI")
        return (
            bottom,
            1.0 + w,
            f"{label} recomputed per worker {bottom - 1:+.2%} ({rule}) vs pay change {w:+.2%}",
        )

    def _oncost_rule(self, component: str, p: int, s: int) -> str:
        """The NI or pension rule before and after, for provider ``p`` in scenario ``s``."""
        before, after = self.before, self.arrays.figures
        if component == "employer_ni":
            return (
                f"rate {before['employer_ni_rate'][p]:.2%} -> "
                f"{after['employer_ni_rate'][s]:.2%}, threshold "
                f"£{before['employer_ni_threshold_annual'][p]:,.0f} -> "
                f"£{after['employer_ni_threshold_annual'][s]:,.0f}"
            )
        return (
            f"rate {before['pension_employer_rate'][p]:.2%} -> "
            f"{after['pension_employer_rate'][s]:.2%} on qualifying earnings"
        )

    def _non_staffing(self, i: int, s: int, sc: Scenario, factor: dict) -> tuple:
        line = self.ctx.inputs.lines["cost_line"].iat[i]
        bottom = self.arrays.line_ratio[s, self.line_column[line]]
        c = self.arrays.index_change[s]
        index, start, end = sc.indexation.for_line(line)
        if start is None or end is None:
            d_start, d_end = self.ctx.default_months()
            start, end = start or d_start, end or d_end
        wi_name = sc.weighted_index or sc.indexation.index
        return bottom, 1.0 + c, f"{index} {start} to {end} {bottom - 1:+.2%} vs {wi_name} {c:+.2%}"

    def _return(self, i: int, s: int, sc: Scenario, factor: dict) -> tuple:
        r = self.row[i]
        bottom = np.nan_to_num(factor["return"][r], nan=1.0)
        uplift = self.out["weighted_index_uplift"][r, s]
        return (
            bottom,
            1.0 + uplift,
            f"return keeps its share of costs {bottom - 1:+.2%} vs weighted uplift {uplift:+.2%}",
        )


def _result_frame(ctx: Context, arrays: ScenarioArrays, names: np.ndarray, block: slice):
    """Tidy rows for one block of providers x scenarios."""
    inputs, settings = ctx.inputs, ctx.settings
    out = ctx.evaluate(arrays, block)
    keys = out["keys"]
    k, s = len(keys), len(names)
    frame = pd.DataFrame(
        {
            "scenario": np.tile(names, k),
            "provider": np.repeat(inputs.keys["provider"].to_numpy()[keys], s),
            "service": np.repeat(inputs.keys["service"].to_numpy()[keys], s),
            "unit": np.repeat(inputs.keys["unit"].to_numpy()[keys], s),
        }
    )
    required = out["required_rate"]
    frame["floor_base_per_hour"] = arrays.base_floor[inputs.key_provider[keys]].ravel()
    frame["floor_per_hour"] = np.tile(arrays.floor, k)
    frame["base_rate"] = out["base_rate"].ravel()
    frame["required_rate"] = required.ravel()
    frame["uplift"] = (required / out["base_rate"] - 1.0).ravel()
    for name in ("staffing", "pay", "employer_ni", "employer_pension", "non_staffing"):
        frame[name] = out[name].ravel()
    frame["returns"] = out["returns"].ravel()
    for name in ("pay_factor", "employment_factor", "ni_factor", "pension_factor"):
        frame[name] = out[name].ravel()
    frame["staffing_share"] = out["staffing_share"].ravel()
    frame["weighted_index_uplift"] = out["weighted_index_uplift"].ravel()
    frame["weighted_index_rate"] = out["weighted_index_rate"].ravel()
    frame["difference_vs_weighted_index"] = (required - out["weighted_index_rate"]).ravel()
    volume = inputs.volume_per_week[keys, None]
    current = inputs.current_rate[keys, None]
    frame["volume_per_week"] = np.repeat(volume[:, 0], s)
    frame["volume_unit"] = np.repeat(inputs.volume_unit[keys], s)
    frame["current_rate"] = np.repeat(current[:, 0], s)
    full, part = arrays.full_year_weeks[None, :], arrays.part_year_weeks[None, :]
    frame["budget_full_year"] = (volume * full * (required - current)).ravel()
    frame["budget_part_year"] = (volume * part * (required - current)).ravel()
    if settings.years > 1:
        frame[f"budget_{settings.years}_years"] = multi_year_impact(
            volume, required, current, full, part, settings.years,
            settings.volume_growth_per_year,
        ).ravel()  # fmt: skip
    return frame
