"""Monte Carlo: distributions for uncertain inputs, run over providers x draws.

Each run draws every uncertain input once (a *draw* is one scenario), all draws up front from
one seeded generator in a fixed order, so a seed gives the same numbers whatever the chunk size
or machine. The model is then evaluated in blocks of providers x draws, each block holding at
most ``max_cells`` providers x draws x roles, so memory is bounded by the block, not by the
number of draws: only each block's required rates (keys x draws) are kept long enough to take
their percentiles, and the budget is summed per draw as blocks finish.

Uncertain inputs (keys of ``inputs``):

``floor_per_hour``
    The target wage floor, £/hour (e.g. an NLW not yet announced).
``pay_increase``
    The pay rise of a ``pay_increase`` wage policy (fraction).
``index.NAME``
    The change (fraction, 0.03 for 3%) of index ``NAME`` over the scenario's months; every
    line using ``NAME``, and the weighted-index method if it uses ``NAME``, moves by it.
``employer_ni_rate``, ``employer_ni_threshold_annual``, ``employment_allowance_annual``,
``pension_employer_rate``
    Statutory figures for the target period.

Percentiles are fractions from 0 to 1 (0.5 is the median), as everywhere in the package; the
output columns are labelled on the familiar 0-100 scale (``required_rate_p10`` for 0.1):

>>> percentile_label(0.1), percentile_label(0.5), percentile_label(0.025)
('p10', 'p50', 'p2.5')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ConfigError
from .scenario import DEFAULT_MAX_CELLS, Context, Scenario, work_blocks

DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "normal": ("mean", "sd"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "fixed": ("value",),
}
#: Optional bounds any distribution may take (draws are clipped to them).
CLIP_KEYS = ("min", "max")
FIGURE_INPUTS = (
    "employer_ni_rate",
    "employer_ni_threshold_annual",
    "employment_allowance_annual",
    "pension_employer_rate",
)


@dataclass(frozen=True)
class Distribution:
    """A distribution to draw one input from.

    ``normal(mean, sd)``, ``uniform(low, high)``, ``triangular(low, mode, high)`` or
    ``fixed(value)``; optional ``min``/``max`` clip the draws.
    """

    dist: str
    args: tuple[tuple[str, float], ...]
    min: float | None = None
    max: float | None = None

    @classmethod
    def from_dict(cls, spec: Mapping, where: str) -> Distribution:
        from .config import check_keys

        if not isinstance(spec, Mapping) or "dist" not in spec:
            raise ConfigError(
                f'{where}: give a table such as {{ dist = "normal", mean = 0.03, sd = 0.01 }}; '
                f"dist is one of {', '.join(DISTRIBUTIONS)}"
            )
        kind = spec["dist"]
        if kind not in DISTRIBUTIONS:
            raise ConfigError(
                f"{where}.dist: {kind!r} is not a distribution; allowed: "
                + ", ".join(DISTRIBUTIONS)
            )
        needed = DISTRIBUTIONS[kind]
        check_keys(spec, ("dist", *needed, *CLIP_KEYS), where)
        missing = [k for k in needed if k not in spec]
        if missing:
            raise ConfigError(f"{where}: a {kind} distribution needs {', '.join(needed)}")
        args = []
        for k in needed:
            try:
                args.append((k, float(spec[k])))
            except (TypeError, ValueError):
                raise ConfigError(f"{where}.{k}: {spec[k]!r} is not a number") from None
        values = dict(args)
        if kind == "normal" and values["sd"] < 0:
            raise ConfigError(f"{where}.sd: must be 0 or more")
        if kind == "uniform" and values["high"] < values["low"]:
            raise ConfigError(f"{where}: high is below low")
        if kind == "triangular" and not values["low"] <= values["mode"] <= values["high"]:
            raise ConfigError(f"{where}: need low <= mode <= high")
        return cls(kind, tuple(args), spec.get("min"), spec.get("max"))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        a = dict(self.args)
        if self.dist == "normal":
            out = rng.normal(a["mean"], a["sd"], n)
        elif self.dist == "uniform":
            out = rng.uniform(a["low"], a["high"], n)
        elif self.dist == "triangular":
            if a["low"] == a["high"]:
                out = np.full(n, a["low"])
            else:
                out = rng.triangular(a["low"], a["mode"], a["high"], n)
        else:
            out = np.full(n, a["value"])
        if self.min is not None or self.max is not None:
            out = np.clip(out, self.min, self.max)
        return out

    def __str__(self) -> str:
        return f"{self.dist}(" + ", ".join(f"{k}={v:g}" for k, v in self.args) + ")"


@dataclass
class MonteCarloResult:
    """Results of :func:`run_monte_carlo`.

    Attributes
    ----------
    summary : DataFrame
        One row per provider x service: base and deterministic required rate, mean and
        percentiles (``required_rate_p10`` ...) of the required rate, uplift and budget.
    budget : DataFrame
        One row per draw: total ``budget_full_year`` and ``budget_part_year`` over all
        providers with volumes.
    budget_summary : DataFrame
        Percentiles of the totals.
    draws : DataFrame
        The drawn inputs, one row per draw.
    """

    summary: pd.DataFrame
    budget: pd.DataFrame
    budget_summary: pd.DataFrame
    draws: pd.DataFrame
    settings: dict = field(default_factory=dict)


def percentile_label(fraction: float) -> str:
    """Column label of a percentile given as a fraction: ``0.1`` -> ``"p10"``."""
    return f"p{round(fraction * 100, 6):g}"


def check_percentiles(percentiles: Sequence[float], where: str = "percentiles") -> np.ndarray:
    """The percentiles as a float array, each a fraction from 0 to 1.

    Raises
    ------
    ConfigError
        An empty list, or a value outside 0 to 1 (an old 0-100 value such as 90 is named).
    """
    pct = np.asarray(list(percentiles), dtype=float)
    if pct.size == 0:
        raise ConfigError(f"{where}: give at least one percentile, such as [0.1, 0.5, 0.9]")
    for p in pct:
        if not 0 <= p <= 1:
            raise ConfigError(
                f"{where}: {p:g} is outside 0 to 1; percentiles are fractions "
                f"(0.5 is the median, 0.9 the 90th percentile)"
            )
    return pct


def draw_inputs(
    inputs: Mapping[str, Distribution], runs: int, seed: int | None
) -> dict[str, np.ndarray]:
    """Draw every input ``runs`` times; names are drawn in sorted order, so a seed fixes all."""
    rng = np.random.default_rng(seed)
    return {name: inputs[name].sample(rng, runs) for name in sorted(inputs)}


def check_input_names(names, scenario: Scenario, ctx: Context) -> None:
    """Raise :class:`ConfigError` for inputs the scenario cannot take."""
    allowed = ["floor_per_hour", "pay_increase", *FIGURE_INPUTS] + [
        f"index.{n}" for n in sorted(ctx.series)
    ]
    for name in names:
        where = f"monte_carlo.inputs.{name}"
        if name.startswith("index."):
            if name[6:] not in ctx.series:
                raise ConfigError(
                    f"{where}: unknown index {name[6:]!r}; allowed: "
                    + ", ".join(sorted(ctx.series))
                )
        elif name not in allowed:
            from .config import close_matches

            raise ConfigError(
                f"{where}: not an uncertain input{close_matches(name, allowed)}; allowed: "
                + ", ".join(allowed)
            )
        if name == "pay_increase" and scenario.wage.policy != "pay_increase":
            raise ConfigError(f"{where}: only for wage.policy = 'pay_increase'")
        if name == "floor_per_hour" and scenario.wage.policy == "pay_increase":
            raise ConfigError(f"{where}: not used by wage.policy = 'pay_increase'")


def scenario_draws(ctx: Context, scenario: Scenario, draws: Mapping[str, np.ndarray]):
    """:class:`ScenarioArrays` for ``runs`` draws around ``scenario``."""
    runs = len(next(iter(draws.values())))
    one = ctx.arrays([scenario])
    idx = np.zeros(runs, dtype=np.int64)
    arrays = one.take(idx)
    if "floor_per_hour" in draws:
        arrays.floor = np.asarray(draws["floor_per_hour"], dtype=float)
    if "pay_increase" in draws:
        arrays.pay_increase = np.asarray(draws["pay_increase"], dtype=float)
    for name in FIGURE_INPUTS:
        if name in draws:
            arrays.figures[name] = np.asarray(draws[name], dtype=float)
    lines = ctx.inputs.non_staffing_lines
    line_ratio = arrays.line_ratio.copy()
    weighted = scenario.weighted_index or scenario.indexation.index
    for name, values in draws.items():
        if not name.startswith("index."):
            continue
        index = name[6:]
        for j, line in enumerate(lines):
            if scenario.indexation.for_line(line)[0] == index:
                line_ratio[:, j] = 1.0 + values
        if weighted == index:
            arrays.index_change = np.asarray(values, dtype=float)
    arrays.line_ratio = line_ratio
    return arrays


def run_monte_carlo(
    ctx: Context,
    scenario: Scenario,
    inputs: Mapping[str, Distribution],
    runs: int,
    seed: int | None,
    percentiles: Sequence[float] = (0.1, 0.5, 0.9),
    max_cells: int = DEFAULT_MAX_CELLS,
) -> MonteCarloResult:
    """Simulate ``scenario`` ``runs`` times with ``inputs`` drawn from their distributions.

    Parameters
    ----------
    ctx, scenario
        The built context and the scenario the draws vary around.
    inputs
        Uncertain inputs by name (see the module notes) and their distributions.
    runs, seed
        Number of draws and the seed of the one generator they come from.
    percentiles
        Fractions from 0 to 1 (0.5 is the median); columns are labelled ``p10``, ``p50`` ...
    max_cells
        Memory bound of one block of providers x draws x roles.

    Percentiles use numpy's ``linear`` method (Excel ``PERCENTILE.INC``).
    """
    if runs < 1:
        raise ConfigError(f"monte_carlo.runs must be 1 or more, got {runs}")
    pct = check_percentiles(percentiles, "monte_carlo.percentiles")
    check_input_names(inputs, scenario, ctx)
    draws = draw_inputs(inputs, runs, seed) if inputs else {}
    if draws:
        arrays = scenario_draws(ctx, scenario, draws)
    else:
        arrays = ctx.arrays([scenario]).take(np.zeros(runs, dtype=np.int64))
    deterministic = ctx.evaluate(ctx.arrays([scenario]), slice(None))
    required_rate = np.full(len(ctx.inputs.keys), np.nan)
    required_rate[deterministic["keys"]] = deterministic["required_rate"][:, 0]
    labels = [percentile_label(p) for p in pct]
    sim = _simulate(ctx, arrays, runs, pct, max_cells)
    summary = _summary_frame(ctx, scenario.name, required_rate, sim, labels)
    budget = pd.DataFrame(
        {
            "run": np.arange(1, runs + 1),
            "budget_full_year": sim["total_full"],
            "budget_part_year": sim["total_part"],
        }
    )
    rows = []
    for column in ("budget_full_year", "budget_part_year"):
        values = budget[column].to_numpy()
        row = {"measure": column, "mean": values.mean()}
        row.update(dict(zip(labels, np.quantile(values, pct), strict=True)))
        rows.append(row)
    draws_frame = pd.DataFrame({"run": np.arange(1, runs + 1), **draws})
    return MonteCarloResult(
        summary=summary,
        budget=budget,
        budget_summary=pd.DataFrame(rows),
        draws=draws_frame,
        settings={
            "scenario": scenario.name,
            "runs": runs,
            "seed": seed,
            "inputs": {k: str(v) for k, v in inputs.items()},
            "percentiles": [float(p) for p in pct],
        },
    )


def _simulate(ctx: Context, arrays, runs: int, pct: np.ndarray, max_cells: int) -> dict:
    """Required rates drawn block by block: their mean and percentiles per provider and
    service, and the budget totals per draw (only one block of rates is held at a time)."""
    data = ctx.inputs
    n_keys = len(data.keys)
    out = {
        "rate_q": np.full((n_keys, len(pct)), np.nan),
        "uplift_q": np.full((n_keys, len(pct)), np.nan),
        "budget_q": np.full((n_keys, len(pct)), np.nan),
        "rate_mean": np.full(n_keys, np.nan),
        "total_full": np.zeros(runs),
        "total_part": np.zeros(runs),
    }
    for providers, run_blocks in work_blocks(data.role_count, runs, max_cells):
        keys = np.flatnonzero(np.isin(data.key_provider, np.arange(len(data.providers))[providers]))
        required = np.empty((len(keys), runs))
        for runs_block in run_blocks:
            block = ctx.evaluate(arrays.take(runs_block), providers, minimal=True)
            required[:, runs_block] = block["required_rate"]
        volume = data.volume_per_week[keys]
        current = data.current_rate[keys]
        has_volume = np.isfinite(volume)
        if has_volume.any():
            # sum over providers of volume x (required - current), per draw
            spend = (
                volume[has_volume] @ required[has_volume] - volume[has_volume] @ current[has_volume]
            )
            out["total_full"] += spend * arrays.full_year_weeks
            out["total_part"] += spend * arrays.part_year_weeks
        out["rate_mean"][keys] = required.mean(axis=1)
        # uplift and budget are increasing in the rate (fixed weeks, volumes 0 or more),
        # so their percentiles are the rate's percentiles carried through
        q = np.quantile(required, pct, axis=1).T
        out["rate_q"][keys] = q
        out["uplift_q"][keys] = q / data.base_rate[keys, None] - 1.0
        out["budget_q"][keys] = volume[:, None] * arrays.full_year_weeks[0] * (q - current[:, None])
    return out


def _summary_frame(
    ctx: Context, name: str, required_rate: np.ndarray, sim: dict, labels: list[str]
) -> pd.DataFrame:
    """One row per provider and service: deterministic rate, mean and percentiles."""
    data = ctx.inputs
    summary = data.keys[["provider", "service", "unit"]].copy()
    summary.insert(0, "scenario", name)
    summary["base_rate"] = data.base_rate
    summary["required_rate"] = required_rate
    summary["required_rate_mean"] = sim["rate_mean"]
    for j, label in enumerate(labels):
        summary[f"required_rate_{label}"] = sim["rate_q"][:, j]
    for j, label in enumerate(labels):
        summary[f"uplift_{label}"] = sim["uplift_q"][:, j]
    summary["volume_per_week"] = data.volume_per_week
    summary["current_rate"] = data.current_rate
    for j, label in enumerate(labels):
        summary[f"budget_full_year_{label}"] = sim["budget_q"][:, j]
    return summary
