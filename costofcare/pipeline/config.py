"""The run config: one TOML file describing a run, read and checked before any work.

Every problem names the key at fault (``run.min_count must be ...``), with a suggestion when
a key looks like a misspelling. Paths are resolved against the config file's folder.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..configtools import close_matches, fraction_text, refuse_unknown
from ..errors import ConfigError, UserError

__all__ = [
    "NIGHTS",
    "ON_UNMATCHED",
    "RUN_KEYS",
    "RunConfig",
    "example_config",
    "load_run_config",
    "parameter_overrides",
]

RUN_KEYS = {
    "council",
    "returns",
    "current_rates",
    "volumes",
    "comparators",
    "standard_occupancy",
    "supported_living_nights",
    "min_count",
    "comparators_to",
    "comparator_index",
    "on_unmatched",
    "written",
}
ON_UNMATCHED = ("stop", "continue")
"""``run.on_unmatched``: what a run does when a row of the council's files matches no return
(or a return, or a volume, no rate): ``stop`` (default) with a message listing the rows, or
``continue`` with each listed as an issue (``costofcare.pipeline.council``)."""
TOP_KEYS = {"run", "scenarios", "recommend", "market", "parameters", "ingest"}
PARAMETER_KEYS = {"overrides"}
"""Keys of the ``[parameters]`` table: ``overrides``, a parameter's value replaced for the run
(:func:`parameter_overrides`)."""
#: Keys an override of ``[parameters.overrides]`` may give for one date.
OVERRIDE_ENTRY_KEYS = ("value", "source", "source_url", "note")
NIGHTS = {"spread": "reported", "apart": "reported_nights_apart"}
"""``run.supported_living_nights``: the supported living unit cost route the market uses.
``spread``: every cost over daytime support hours; ``apart``: waking nights counted as
hours and sleep-ins priced per night (see ``costofcare.costs.reported``)."""


@dataclass
class RunConfig:
    """A run's settings, with paths resolved against the config file's folder."""

    council: str
    returns: Path
    current_rates: Path
    volumes: Path | None
    comparators: Path | None
    standard_occupancy: float | None
    min_count: int
    supported_living_nights: str
    comparators_to: str | None
    comparator_index: str
    scenarios: dict | None
    recommend: dict
    source: Path
    on_unmatched: str = "stop"
    market: dict | None = None
    """The ``[market]`` table as written (quality and risk, market shape); its paths are
    resolved against :attr:`source`'s folder by :mod:`costofcare.market`."""
    written: datetime | None = None
    """``run.written``: the time written into the outputs (UTC), so that a rerun gives the
    same bytes; ``SOURCE_DATE_EPOCH`` comes first, now when neither is given
    (:mod:`costofcare.audit.clock`)."""
    parameter_overrides: dict | None = None
    """``[parameters.overrides]``: parameter name -> {effective date: value or table}, checked
    (:func:`parameter_overrides` turns it into override rows for the run)."""
    ingest: object = None
    """Limits on untrusted input from the ``[ingest]`` table (an
    :class:`~costofcare.ingest.archive.ArchiveLimits`); None: the defaults."""

    @property
    def rows(self) -> list[tuple[str, str]]:
        """(setting, value) pairs for the assumptions sheet."""
        rows = [
            ("run.council", self.council),
            ("run.returns", str(self.returns.name)),
            ("run.current_rates", str(self.current_rates.name)),
            ("run.volumes", str(self.volumes.name) if self.volumes else "(from current rates)"),
            ("run.comparators", str(self.comparators.name) if self.comparators else "(none)"),
            (
                "run.standard_occupancy",
                "" if self.standard_occupancy is None else f"{self.standard_occupancy:g}",
            ),
            ("run.supported_living_nights", self.supported_living_nights),
            ("run.min_count", str(self.min_count)),
            ("run.on_unmatched", self.on_unmatched),
        ]
        for service, table in self.recommend.items():
            for key, value in table.items():
                rows.append((f"recommend.{service}.{key}", str(value)))
        return rows


def example_config() -> Path:
    """The bundled example run config: ``workbooks/examples/run.toml`` in a source checkout;
    in an installation without it, the same seeded market generated once into the user's
    cache (:func:`costofcare.examples.inputs.default_folder`)."""
    from ..examples.inputs import default_folder

    return default_folder() / "run.toml"


def _read_toml(path: Path) -> dict:
    if not path.exists():
        raise UserError(f"run config {path} does not exist")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the config as UTF-8"
        ) from None


def _check_keys(path: Path, data: dict) -> Mapping:
    """The ``[run]`` table, once every table and key is known."""
    refuse_unknown(data, TOP_KEYS, lambda key: f"{path}: unknown table [{key}]", sorted(TOP_KEYS))
    run = data.get("run")
    if not isinstance(run, Mapping):
        raise ConfigError(f"{path}: a [run] table is required (returns, current_rates, ...)")
    refuse_unknown(
        run, RUN_KEYS, lambda key: f"{path}: run.{key} is not a setting", sorted(RUN_KEYS)
    )
    return run


def _file(path: Path, run: Mapping, key: str, required: bool) -> Path | None:
    """``run.<key>`` as a path relative to the config's folder, checked to exist."""
    if key not in run:
        if required:
            raise ConfigError(f"{path}: run.{key} is required")
        return None
    p = Path(str(run[key]))
    p = p if p.is_absolute() else path.parent / p
    if not p.exists():
        raise ConfigError(f"{path}: run.{key}: {p} does not exist")
    return p


def _settings(path: Path, run: Mapping) -> tuple[float | None, int, str]:
    """``run.standard_occupancy``, ``run.min_count`` and ``run.supported_living_nights``."""
    occupancy = fraction_text(run.get("standard_occupancy"))  # "95%" is 0.95
    if occupancy is not None and not (isinstance(occupancy, int | float) and 0 < occupancy <= 1):
        raise ConfigError(
            f"{path}: run.standard_occupancy must be above 0 and at most 1, got {occupancy!r}"
        )
    min_count = run.get("min_count", 5)
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ConfigError(
            f"{path}: run.min_count must be a whole number of at least 1, got {min_count!r}"
        )
    nights = run.get("supported_living_nights", "spread")
    if nights not in NIGHTS:
        raise ConfigError(
            f"{path}: run.supported_living_nights must be one of {', '.join(sorted(NIGHTS))}, "
            f"got {nights!r}{close_matches(str(nights), NIGHTS)}"
        )
    return occupancy, min_count, nights


def _on_unmatched(path: Path, run: Mapping) -> str:
    value = run.get("on_unmatched", "stop")
    if value not in ON_UNMATCHED:
        raise ConfigError(
            f"{path}: run.on_unmatched must be one of {', '.join(ON_UNMATCHED)}, "
            f"got {value!r}{close_matches(str(value), ON_UNMATCHED)}"
        )
    return value


def load_run_config(path: str | Path) -> RunConfig:
    """Read and check a run config; every problem names the key at fault.

    Raises
    ------
    UserError
        The file does not exist.
    ConfigError
        Not TOML, an unknown table or key, a missing or missing-file path, a value out of
        range, ``[scenarios.inputs]`` (a run builds its inputs from the returns) or no
        ``[recommend.<service>]`` table.
    """
    path = Path(path)
    data = _read_toml(path)
    run = _check_keys(path, data)
    occupancy, min_count, nights = _settings(path, run)
    scenarios = data.get("scenarios")
    if scenarios is not None and "inputs" in scenarios:
        raise ConfigError(
            f"{path}: scenarios.inputs is not used in a run: the unit cost, workforce and volume "
            "tables come from the returns"
        )
    returns = _file(path, run, "returns", True)
    current_rates = _file(path, run, "current_rates", True)
    volumes = _file(path, run, "volumes", False)
    comparators = _file(path, run, "comparators", False)
    recommend = data.get("recommend")
    if not isinstance(recommend, Mapping) or not recommend:
        raise ConfigError(f"{path}: give at least one [recommend.<service>] table")
    return RunConfig(
        council=str(run.get("council", "")),
        returns=returns,
        current_rates=current_rates,
        volumes=volumes,
        comparators=comparators,
        standard_occupancy=occupancy,
        min_count=min_count,
        supported_living_nights=nights,
        comparators_to=str(run["comparators_to"]) if "comparators_to" in run else None,
        comparator_index=str(run.get("comparator_index", "CPI")),
        scenarios=dict(scenarios) if scenarios else None,
        recommend=dict(recommend),
        source=path,
        on_unmatched=_on_unmatched(path, run),
        market=dict(data["market"]) if isinstance(data.get("market"), Mapping) else None,
        written=_written(path, run),
        parameter_overrides=_parameter_overrides(path, data.get("parameters")),
        ingest=_ingest_limits(path, data.get("ingest")),
    )


def _written(path: Path, run: Mapping) -> datetime | None:
    """``run.written`` as a UTC date-time, or None."""
    from ..audit.clock import as_written_time

    if "written" not in run:
        return None
    try:
        return as_written_time(run["written"])
    except UserError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _parameter_overrides(path: Path, table) -> dict | None:
    """``[parameters.overrides]`` checked: each name a table of ``"YYYY-MM-DD" = value`` (or
    ``= { value = ..., source = ..., note = ... }``) giving the date the value applies from."""
    if table is None:
        return None
    if not isinstance(table, Mapping):
        raise ConfigError(f"{path}: [parameters] must be a table (overrides)")
    refuse_unknown(
        table,
        PARAMETER_KEYS,
        lambda key: f"{path}: parameters.{key} is not a setting",
        sorted(PARAMETER_KEYS),
    )
    overrides = table.get("overrides", {})
    if not isinstance(overrides, Mapping):
        raise ConfigError(f"{path}: parameters.overrides must be a table of parameter = dates")
    for name, dates in overrides.items():
        where = f"{path}: parameters.overrides.{name}"
        if not isinstance(dates, Mapping) or not dates:
            raise ConfigError(
                f'{where} must be a table of dates, e.g. {name} = {{ "2027-04-01" = 13.10 }}'
            )
        for start, entry in dates.items():
            if isinstance(entry, Mapping):
                unknown = sorted(set(entry) - set(OVERRIDE_ENTRY_KEYS))
                if unknown:
                    raise ConfigError(
                        f"{where}.{start}: unknown key(s) {', '.join(unknown)}; use "
                        f"{', '.join(OVERRIDE_ENTRY_KEYS)} (the status is always override)"
                    )
                value = entry.get("value")
            else:
                value = entry
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"{where}.{start}: expected a number, got {value!r}")
    return {str(name): dict(dates) for name, dates in overrides.items()} or None


def parameter_overrides(cfg: RunConfig, names: list[str]) -> dict | None:
    """The run config's overrides as :func:`costofcare.parameters.load` takes them: status
    ``override``, source ``run config <file>`` (with the source the config gives). An unknown
    parameter name is refused (``names``: the parameters known)."""
    if not cfg.parameter_overrides:
        return None
    out: dict = {}
    for name, dates in cfg.parameter_overrides.items():
        if name not in names:
            raise ConfigError(
                f"{cfg.source}: parameters.overrides.{name}: no such parameter"
                f"{close_matches(name, names)} (costofcare params lists them)"
            )
        out[name] = {}
        for start, entry in dates.items():
            given = dict(entry) if isinstance(entry, Mapping) else {"value": entry}
            source = f"run config {cfg.source}"
            if given.get("source"):
                source += f": {given['source']}"
            out[name][str(start)] = {**given, "status": "override", "source": source}
    return out


def _ingest_limits(path: Path, table):
    """The ``[ingest]`` table: limits on untrusted input (:mod:`costofcare.ingest.limits`)."""
    from ..ingest.limits import limits_from

    if table is None:
        return None
    if not isinstance(table, Mapping):
        raise ConfigError(f"{path}: ingest must be a table ([ingest])")
    return limits_from(table, f"{path}: ingest")
