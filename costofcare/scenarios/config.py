"""Scenario configuration (TOML or dicts), checked strictly before any work.

Every key is checked against the keys allowed where it stands; a typo fails with the key, its
place and the close matches (``unknown key 'diferential' in [defaults.wage]; did you mean
'differential'?``). Dates, months, index names, numbers and their ranges are checked too, and
index months against the data, before anything is computed. See ``docs/scenarios.md`` for every
key.
"""

from __future__ import annotations

import copy
import itertools
import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from ..configtools import close_matches, config_date, fraction_text, refuse_unknown
from ..errors import ConfigError, UserError
from .indexation import UserSeries
from .montecarlo import Distribution
from .scenario import Indexation, LineIndex, RunSettings, Scenario
from .wages import WagePolicy

TOP_KEYS = (
    "inputs",
    "target",
    "base",
    "oncosts",
    "budget",
    "series",
    "defaults",
    "scenario",
    "grid",
    "monte_carlo",
)
INPUT_KEYS = ("unit_costs", "workforce", "volumes")
TARGET_KEYS = ("start", "end", "parameters_on")
BASE_KEYS = ("parameters_on",)
ONCOST_KEYS = ("employment_allowance", "pension_employer_rate")
BUDGET_KEYS = ("weeks_per_year", "years", "volume_growth_per_year")
SERIES_KEYS = ("levels", "base", "annual_rates", "months")
SCENARIO_KEYS = ("name", "wage", "indexation", "weighted_index", "effective_date")
WAGE_KEYS = (
    "policy",
    "differential",
    "rate_per_hour",
    "pay_increase",
    "adoption_date",
    "base_floor",
)
INDEXATION_KEYS = ("index", "from", "to", "lines")
LINE_INDEX_KEYS = ("index", "from", "to")
MONTE_CARLO_KEYS = ("scenario", "runs", "seed", "percentiles", "inputs")


def check_keys(table: Mapping, allowed, where: str) -> None:
    """Raise :class:`ConfigError` for the first key of ``table`` not in ``allowed``."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"[{where}] must be a table of keys, got {table!r}")
    refuse_unknown(table, allowed, lambda key: f"unknown key {key!r} in [{where}]")


_date = config_date


def _month(value, where: str) -> str:
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value)
    try:
        year, month = text.split("-")
        if len(year) != 4 or not 1 <= int(month) <= 12:
            raise ValueError
        return f"{int(year):04d}-{int(month):02d}"
    except ValueError:
        raise ConfigError(f"{where}: {value!r} is not a month; write it as YYYY-MM") from None


def _number(value, where: str, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}: {value!r} is not a number")
    if low is not None and value < low:
        raise ConfigError(f"{where}: {value} is below the lowest allowed, {low:g}")
    if high is not None and value > high:
        raise ConfigError(f"{where}: {value} is above the highest allowed, {high:g}")
    return float(value)


def _fraction(value, where: str, low: float | None = None, high: float | None = None) -> float:
    """A fraction: a number (0.1) or a percentage written as text ("10%")."""
    return _number(fraction_text(value), where, low, high)


def _whole_number(value, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{where}: a whole number from {low} to {high}, got {value!r}")
    return value


def _text(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: expected text, got {value!r}")
    return value


def _given(table: Mapping, where: str, readers: Mapping) -> dict:
    """``{keyword: value}`` for each key of ``table`` that ``readers`` names.

    ``readers`` maps a config key to ``(keyword, read)``; ``read(value, place)`` checks the
    value and raises :class:`ConfigError` naming ``place`` (``where.key``).
    """
    return {
        keyword: read(table[key], f"{where}.{key}")
        for key, (keyword, read) in readers.items()
        if key in table
    }


def _optional(table: Mapping, key: str, where: str, read, *bounds):
    """``read(table[key], where, *bounds)`` when ``key`` is given, else ``None``."""
    return read(table[key], where, *bounds) if key in table else None


def _base_floor(value, where: str) -> str | float:
    return value if isinstance(value, str) else _number(value, where, 0)


_WAGE_READERS = {
    "policy": ("policy", _text),
    "differential": ("differential", _text),
    "rate_per_hour": ("rate_per_hour", partial(_number, low=0)),
    "pay_increase": ("pay_increase", partial(_fraction, low=-0.99, high=10)),
    "adoption_date": ("adoption_date", _date),
    "base_floor": ("base_floor", _base_floor),
}
_INDEXATION_READERS = {
    "index": ("index", _text),
    "from": ("start", _month),
    "to": ("end", _month),
}


def wage_from_dict(table: Mapping, where: str) -> WagePolicy:
    """A :class:`WagePolicy` from a config table."""
    check_keys(table, WAGE_KEYS, where)
    kw = _given(table, where, _WAGE_READERS)
    try:
        return WagePolicy(**kw)
    except ConfigError as exc:
        raise ConfigError(f"[{where}] {exc}") from None


def _line_index(spec, here: str) -> LineIndex:
    if isinstance(spec, str):
        spec = {"index": spec}
    check_keys(spec, LINE_INDEX_KEYS, here)
    if "index" not in spec:
        raise ConfigError(f"[{here}]: 'index' is required")
    return LineIndex(
        _text(spec["index"], f"{here}.index"),
        _month(spec["from"], f"{here}.from") if "from" in spec else None,
        _month(spec["to"], f"{here}.to") if "to" in spec else None,
    )


def indexation_from_dict(table: Mapping, where: str) -> Indexation:
    """An :class:`Indexation` from a config table."""
    check_keys(table, INDEXATION_KEYS, where)
    kw = _given(table, where, _INDEXATION_READERS)
    lines = tuple(
        (str(line), _line_index(spec, f"{where}.lines.{line}"))
        for line, spec in dict(table.get("lines", {})).items()
    )
    return Indexation(lines=lines, **kw)


def scenario_from_dict(table: Mapping, where: str = "scenario") -> Scenario:
    """A :class:`Scenario` from a config table (keys: name, wage, indexation, ...)."""
    check_keys(table, SCENARIO_KEYS, where)
    if "name" not in table:
        raise ConfigError(f"[{where}]: 'name' is required")
    return Scenario(
        name=_text(table["name"], f"{where}.name"),
        wage=wage_from_dict(table.get("wage", {}), f"{where}.wage"),
        indexation=indexation_from_dict(table.get("indexation", {}), f"{where}.indexation"),
        weighted_index=_optional(table, "weighted_index", f"{where}.weighted_index", _text),
        effective_date=_optional(table, "effective_date", f"{where}.effective_date", _date),
    )


def scenario_to_dict(scenario: Scenario) -> dict:
    """The config table of a scenario (inverse of :func:`scenario_from_dict`)."""
    w = scenario.wage
    wage = {"policy": w.policy, "differential": w.differential, "pay_increase": w.pay_increase}
    if w.rate_per_hour is not None:
        wage["rate_per_hour"] = w.rate_per_hour
    if w.adoption_date is not None:
        wage["adoption_date"] = w.adoption_date
    if w.base_floor is not None:
        wage["base_floor"] = w.base_floor
    ix = scenario.indexation
    indexation = {"index": ix.index}
    if ix.start:
        indexation["from"] = ix.start
    if ix.end:
        indexation["to"] = ix.end
    if ix.lines:
        indexation["lines"] = {
            k: {kk: vv for kk, vv in (("index", v.index), ("from", v.start), ("to", v.end)) if vv}
            for k, v in ix.lines
        }
    out = {"name": scenario.name, "wage": wage, "indexation": indexation}
    if scenario.weighted_index:
        out["weighted_index"] = scenario.weighted_index
    if scenario.effective_date:
        out["effective_date"] = scenario.effective_date
    return out


def _merge(base: Mapping, over: Mapping) -> dict:
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _flatten_grid(table: Mapping, prefix: str = "") -> dict[str, list]:
    out: dict[str, list] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten_grid(value, f"{path}."))
        else:
            out[path] = value
    return out


GRID_PATHS = (
    "wage.policy",
    "wage.differential",
    "wage.rate_per_hour",
    "wage.pay_increase",
    "wage.adoption_date",
    "wage.base_floor",
    "indexation.index",
    "indexation.from",
    "indexation.to",
    "weighted_index",
    "effective_date",
)


def expand_grid(
    base: Scenario | Mapping, options: Mapping, prefix: str | None = None
) -> list[Scenario]:
    """Every combination of ``options`` applied to ``base``.

    ``options`` maps a dotted path (``"wage.differential"``; nested tables work too) to a list
    of values. Each scenario is named ``prefix | path=value, ...`` (``prefix`` defaults to the
    base's name).

    Examples
    --------
    >>> grid = expand_grid(Scenario("g"), {"wage.differential": ["percent", "compress"],
    ...                                    "indexation.index": ["CPI", "CPIH"]})
    >>> grid[1].name
    'g | wage.differential=percent, indexation.index=CPIH'
    """
    base_dict = scenario_to_dict(base) if isinstance(base, Scenario) else dict(base)
    flat = _flatten_grid(options)
    flat.pop("name", None)
    prefix = prefix or base_dict.get("name") or "grid"
    for path, values in flat.items():
        if path not in GRID_PATHS:
            raise ConfigError(
                f"unknown grid option {path!r}{close_matches(path, GRID_PATHS)}; "
                f"allowed: {', '.join(GRID_PATHS)}"
            )
        if not isinstance(values, list) or not values:
            raise ConfigError(f"grid.{path}: give a non-empty list of options, got {values!r}")
    scenarios = []
    paths = list(flat)
    for combo in itertools.product(*(flat[p] for p in paths)):
        table = copy.deepcopy(base_dict)
        for path, value in zip(paths, combo, strict=True):
            *parents, leaf = path.split(".")
            node = table
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
        label = ", ".join(f"{p}={_label(v)}" for p, v in zip(paths, combo, strict=True))
        table["name"] = f"{prefix} | {label}" if label else prefix
        scenarios.append(scenario_from_dict(table, f"grid ({label})"))
    return scenarios


def _label(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def percentiles_from_config(values, where: str = "monte_carlo.percentiles") -> tuple[float, ...]:
    """Percentiles from a config list, as fractions from 0 to 1 (0.5 is the median).

    A list on the old 0-100 scale (any value above 1, every value 100 or less, none a
    fraction strictly between 0 and 1) is still read, divided by 100, with a deprecation
    message naming the key and the new spelling (a :class:`FutureWarning`, the category Python
    shows to the users of a tool, so it reaches the command line). A list mixing the two
    scales (such as ``[0.5, 90]``) is refused: it cannot be read either way with confidence.

    >>> percentiles_from_config([0.1, 0.5, 0.9])
    (0.1, 0.5, 0.9)
    """
    if not isinstance(values, list) or not values:
        raise ConfigError(f"{where}: a list of fractions such as [0.1, 0.5, 0.9]")
    numbers = [_fraction(p, where, 0) for p in values]
    if all(p <= 1 for p in numbers):
        return tuple(numbers)
    fractions = [p for p in numbers if 0 < p < 1]
    if fractions or any(p > 100 for p in numbers):
        raise ConfigError(
            f"{where}: {values} mixes scales or leaves 0 to 1; percentiles are fractions "
            f"from 0 to 1, such as [0.1, 0.5, 0.9] (0.5 is the median)"
        )
    converted = tuple(p / 100 for p in numbers)
    warnings.warn(
        f"{where}: {values} is on the old 0-100 scale; write "
        f"[{', '.join(f'{p:g}' for p in converted)}] (fractions, 0.5 is the median)",
        FutureWarning,
        stacklevel=4,
    )
    return converted


@dataclass
class MonteCarloConfig:
    """The ``[monte_carlo]`` table: which scenario, how many runs, which inputs."""

    scenario: Scenario
    runs: int
    seed: int | None
    percentiles: tuple[float, ...]  # fractions from 0 to 1
    inputs: dict[str, Distribution]


@dataclass
class Config:
    """A checked scenario configuration.

    Attributes
    ----------
    settings : RunSettings
    scenarios : list of Scenario
        Listed ``[[scenario]]`` tables then grid combinations (defaults merged in).
    series : dict of UserSeries
    inputs : dict of Path
        Input table paths, resolved against the config file's folder.
    monte_carlo : MonteCarloConfig or None
    """

    settings: RunSettings
    scenarios: list[Scenario]
    series: dict[str, UserSeries] = field(default_factory=dict)
    inputs: dict[str, Path] = field(default_factory=dict)
    monte_carlo: MonteCarloConfig | None = None


def load_config(path: str | Path) -> Config:
    """Read and check a scenario TOML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: config file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the config as UTF-8"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        return config_from_dict(data, base_dir=path.parent)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def config_from_dict(data: Mapping, base_dir: Path | None = None) -> Config:
    """A :class:`Config` from a parsed TOML document (or an equivalent dict)."""
    check_keys(data, TOP_KEYS, "top level")
    inputs = _inputs_from_dict(data.get("inputs", {}), base_dir)
    settings = _settings_from_dict(data)
    series = _all_series(data.get("series", {}))
    scenarios = _scenarios_from_dict(data)
    mc = monte_carlo_from_dict(data["monte_carlo"], scenarios) if "monte_carlo" in data else None
    return Config(
        settings=settings, scenarios=scenarios, series=series, inputs=inputs, monte_carlo=mc
    )


def _inputs_from_dict(table: Mapping, base_dir: Path | None) -> dict[str, Path]:
    """The ``[inputs]`` paths, resolved against ``base_dir`` (the config file's folder)."""
    check_keys(table, INPUT_KEYS, "inputs")
    inputs = {}
    for key, value in table.items():
        p = Path(_text(value, f"inputs.{key}"))
        inputs[key] = p if p.is_absolute() or base_dir is None else base_dir / p
    return inputs


def _settings_from_dict(data: Mapping) -> RunSettings:
    """The :class:`RunSettings` of the ``[target]``, ``[base]``, ``[oncosts]`` and
    ``[budget]`` tables of a config document."""
    target = data.get("target")
    if not isinstance(target, Mapping):
        raise ConfigError("[target] is required, with start and end dates (YYYY-MM-DD)")
    check_keys(target, TARGET_KEYS, "target")
    for key in ("start", "end"):
        if key not in target:
            raise ConfigError(f"[target]: '{key}' is required (a date, YYYY-MM-DD)")
    base = data.get("base", {})
    check_keys(base, BASE_KEYS, "base")
    oncosts = data.get("oncosts", {})
    check_keys(oncosts, ONCOST_KEYS, "oncosts")
    budget = data.get("budget", {})
    check_keys(budget, BUDGET_KEYS, "budget")
    allowance = oncosts.get("employment_allowance", True)
    if not isinstance(allowance, bool):
        raise ConfigError(f"oncosts.employment_allowance: use true or false, got {allowance!r}")
    years = _whole_number(budget.get("years", 1), "budget.years", 1, 50)
    return RunSettings(
        target_start=_date(target["start"], "target.start"),
        target_end=_date(target["end"], "target.end"),
        parameters_on=_optional(target, "parameters_on", "target.parameters_on", _date),
        base_parameters_on=_optional(base, "parameters_on", "base.parameters_on", _date),
        employment_allowance=allowance,
        pension_employer_rate=_optional(
            oncosts, "pension_employer_rate", "oncosts.pension_employer_rate", _fraction, 0, 1
        ),
        weeks_per_year=_optional(budget, "weeks_per_year", "budget.weeks_per_year", _number, 1, 53),
        years=years,
        volume_growth_per_year=_fraction(
            budget.get("volume_growth_per_year", 0.0), "budget.volume_growth_per_year", -0.99, 10
        ),
    )


def _all_series(table: Mapping) -> dict[str, UserSeries]:
    """The ``[series]`` table: each named series checked."""
    if not isinstance(table, Mapping):
        raise ConfigError("[series] must be a table of named series")
    return {str(name): _series_from_dict(str(name), spec) for name, spec in table.items()}


def _series_from_dict(name: str, spec: Mapping) -> UserSeries:
    where = f"series.{name}"
    check_keys(spec, SERIES_KEYS, where)
    levels = spec.get("levels", {})
    if not isinstance(levels, Mapping):
        raise ConfigError(f"{where}.levels: a table of month = level")
    rates = spec.get("annual_rates", [])
    if not isinstance(rates, list):
        raise ConfigError(f"{where}.annual_rates: a list of fractions, e.g. [0.025, 0.02]")
    months = _whole_number(spec.get("months", 36), f"{where}.months", 1, 600)
    return UserSeries(
        name=name,
        levels={
            _month(m, f"{where}.levels"): _number(v, f"{where}.levels.{m}", 0)
            for m, v in levels.items()
        },
        base=_optional(spec, "base", f"{where}.base", _text),
        annual_rates=tuple(_fraction(r, f"{where}.annual_rates", -0.99, 10) for r in rates),
        months=months,
    )


def _scenarios_from_dict(data: Mapping) -> list[Scenario]:
    """Listed ``[[scenario]]`` tables then grid combinations, ``[defaults]`` merged in."""
    defaults = data.get("defaults", {})
    check_keys(defaults, tuple(k for k in SCENARIO_KEYS if k != "name"), "defaults")
    scenarios: list[Scenario] = []
    listed = data.get("scenario", [])
    if isinstance(listed, Mapping):
        raise ConfigError("scenarios are written [[scenario]] (double brackets), one per scenario")
    for i, table in enumerate(listed, start=1):
        if not isinstance(table, Mapping):
            raise ConfigError(f"scenario {i}: must be a table")
        where = f"scenario {i}" + (f" ({table['name']})" if "name" in table else "")
        check_keys(table, SCENARIO_KEYS, where)
        scenarios.append(scenario_from_dict(_merge(defaults, table), where))
    if "grid" in data:
        grid = dict(data["grid"])
        prefix = grid.pop("name", None)
        scenarios.extend(expand_grid({"name": "grid", **defaults}, grid, prefix or "grid"))
    if not scenarios:
        scenarios.append(scenario_from_dict({"name": "default", **defaults}, "defaults"))
    names = [s.name for s in scenarios]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"scenario names must be unique; repeated: {', '.join(dupes)}")
    return scenarios


def monte_carlo_from_dict(table: Mapping, scenarios: list[Scenario]) -> MonteCarloConfig:
    """The checked ``[monte_carlo]`` table; its scenario is chosen by name from ``scenarios``."""
    check_keys(table, MONTE_CARLO_KEYS, "monte_carlo")
    names = [s.name for s in scenarios]
    chosen = table.get("scenario", scenarios[0].name)
    match = [s for s in scenarios if s.name == chosen]
    if not match:
        raise ConfigError(
            f"monte_carlo.scenario: no scenario named {chosen!r}"
            f"{close_matches(str(chosen), names)}; scenarios: {', '.join(names)}"
        )
    runs = _whole_number(table.get("runs", 1000), "monte_carlo.runs", 1, 10_000_000)
    seed = table.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ConfigError(f"monte_carlo.seed: a whole number 0 or more, got {seed!r}")
    mc_inputs = table.get("inputs", {})
    if not isinstance(mc_inputs, Mapping):
        raise ConfigError("[monte_carlo.inputs] must be a table of input = distribution")
    flat = {}
    for key, value in mc_inputs.items():
        # TOML reads index.CPI = {...} as a nested table
        if key == "index" and isinstance(value, Mapping) and "dist" not in value:
            flat.update({f"index.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    return MonteCarloConfig(
        scenario=match[0],
        runs=runs,
        seed=seed,
        percentiles=percentiles_from_config(table.get("percentiles", [0.1, 0.5, 0.9])),
        inputs={k: Distribution.from_dict(v, f"monte_carlo.inputs.{k}") for k, v in flat.items()},
    )


def check_against_data(config: Config, ctx) -> None:
    """Checks that need the parameters and inputs: index names, months, wage floors.

    Builds every scenario's settings once (cheap) so a bad month or an unknown index fails
    before the run.
    """
    ctx.arrays(config.scenarios)
    if config.monte_carlo is not None:
        from .montecarlo import check_input_names

        check_input_names(config.monte_carlo.inputs, config.monte_carlo.scenario, ctx)
