"""The recommendation settings of a run, one table per service type.

In the run's TOML config::

    [recommend.home_care]
    method = "weighted_index"          # a registered method: percentile | weighted_index |
                                       # bottom_up | budget_uniform | budget_floor_first
    effective_date = 2026-04-06
    base_date = 2025-04-06             # the period the returns describe (for parameter changes)
    wage_change = "national_living_wage_hourly"   # or a fraction, e.g. 0.041
    price_change = "CPI:2025-09"       # 12-month rate of an index at a month, or a fraction
    staffing_share = 0.72              # the method's own key (weighted_index)
    uplift_min = 0.0                   # no rate falls
    uplift_max = 0.10
    wage_floor = "national_living_wage_hourly"    # parameter name of the legal wage floor
    paid_hours_per_unit = 1.25         # worked hours per contact hour (travel included)
    paid_hours_per_week = 37.5         # for the NI threshold and pension in the floor cost
    min_providers = 3                  # refuse when fewer providers' cost returns stand behind
                                       # the rate (optional; see costofcare.recommend.sample)

    [recommend.home_care.roll_forward]  # how returned costs are rolled forward (all optional)
    wage_policy = "national_living_wage"
    differential = "percent"
    index = "CPI"

The keys every method shares are checked here; each method's own keys are checked by its class
(:mod:`costofcare.recommend.method`). :func:`parse_config` names the key at fault;
:func:`resolve` turns parameter references into numbers using the dated parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from ..configtools import close_matches, config_date, fraction_text
from ..errors import ConfigError, UserError
from ..scenarios.budget import budget_weeks
from . import budget as _budget  # noqa: F401  (registers the budget methods)
from . import methods as _methods  # noqa: F401  (registers the cost methods)
from .guardrails import Guardrails, WageFloor
from .method import METHODS, Figure, Method, method_class
from .rollforward import RollForward

__all__ = [
    "KNOWN_KEYS",
    "SERVICES",
    "UNIT_LABELS",
    "Figure",
    "Resolved",
    "ServiceConfig",
    "parse_config",
    "parse_service",
    "resolve",
]

SERVICES = ("home_care", "care_home", "supported_living")

#: Worked hours one unit needs at the very least, used when the config gives none.
#: Care homes have no safe default (care hours per resident week vary widely): required.
DEFAULT_PAID_HOURS_PER_UNIT = {"home_care": 1.0, "supported_living": 1.0}

UNIT_LABELS = {
    "home_care": "contact hour",
    "care_home": "resident week",
    "supported_living": "support hour",
}


@dataclass(frozen=True)
class ServiceConfig:
    """Recommendation settings for one service type (see the module docstring).

    ``method`` is the method object, holding its own settings (``config.method.name`` is the
    config string). ``weeks_per_year`` overrides the weeks in the year from the effective
    date (days / 7 by default).
    """

    service: str
    method: Method
    effective_date: date
    base_date: date | None = None
    wage_change: float | str | None = None
    price_change: float | str | None = None
    uplift_min: float | None = None
    uplift_max: float | None = None
    wage_floor: str | None = "national_living_wage_hourly"
    wage_floor_rate: float | None = None
    paid_hours_per_unit: float | None = None
    paid_hours_per_week: float = 37.5
    weeks_per_year: float | None = None
    min_providers: int | None = None
    roll_forward: RollForward = field(default_factory=RollForward)
    care_category: str | None = None
    pooled_categories: tuple[str, ...] = ()
    # one care home market (set by costofcare.recommend.markets, not config keys): its rates
    # for enhanced needs apart, the category's other rates with them split off, or why not
    enhanced: bool = False
    enhanced_split: bool = False
    enhanced_fallback: str = ""

    @property
    def where(self) -> str:
        return f"recommend.{self.service}"

    @property
    def key(self) -> str:
        """The recommendation's key: the service, or ``care_home.<category>`` for one care
        home market, ``care_home.<category>.enhanced`` for its enhanced-needs rates priced
        apart (:mod:`costofcare.recommend.markets`; not a config key)."""
        from .markets import market_key

        return market_key(self.service, self.care_category, enhanced=self.enhanced)

    @property
    def weeks(self) -> float:
        """Weeks in the year from the effective date: its days / 7, unless overridden."""
        start = self.effective_date
        end = (pd.Timestamp(start) + pd.DateOffset(years=1)).date() - timedelta(days=1)
        return budget_weeks(start, end, weeks_per_year=self.weeks_per_year)[0]

    def guardrails(self, floor_rate: float | None) -> Guardrails:
        return Guardrails(
            floor_rate=floor_rate,
            uplift_min=self.uplift_min,
            uplift_max=self.uplift_max,
            effective_date=self.effective_date,
        )

    def as_rows(self) -> list[tuple[str, str]]:
        """(key, value) for every setting, for the workbook's assumptions sheet."""
        rows = [(f"{self.where}.method", self.method.name)]
        rows += [(f"{self.where}.{k}", v) for k, v in self.method.settings()]
        rows += [(f"{self.where}.{k}", getattr(self, k)) for k in _COMMON_KEYS if k != "method"]
        return [(key, "" if value is None else str(value)) for key, value in rows]


_NUMBER_KEYS = {
    "uplift_min",
    "uplift_max",
    "wage_floor_rate",
    "paid_hours_per_unit",
    "paid_hours_per_week",
    "weeks_per_year",
}
_COUNT_KEYS = {"min_providers"}
_TEXT_KEYS = {"method", "wage_floor"}
_DATE_KEYS = {"effective_date", "base_date"}
_CHANGE_KEYS = {"wage_change", "price_change"}
#: number keys that are fractions, so "10%" is read as 0.1 (as in the change keys)
_FRACTION_KEYS = {"uplift_min", "uplift_max"}
_COMMON_KEYS = (
    "method",
    *sorted(
        _DATE_KEYS | _CHANGE_KEYS | _NUMBER_KEYS | _COUNT_KEYS | {"wage_floor", "roll_forward"}
    ),
)
#: Every key a ``[recommend.<service>]`` table may hold: the common ones and each method's own.
KNOWN_KEYS = set(_COMMON_KEYS) | {k for cls in METHODS.values() for k in cls.keys()}


def _common_value(key: str, value, name: str):
    if key in _COUNT_KEYS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{name} must be a whole number of at least 1, got {value!r}")
        return value
    if key in _FRACTION_KEYS or key in _CHANGE_KEYS:
        value = fraction_text(value)  # "10%" is 0.1
    if key in _NUMBER_KEYS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{name}: expected a number, got {value!r}")
        return float(value)
    if key in _TEXT_KEYS:
        if not isinstance(value, str):
            raise ConfigError(f"{name}: expected text, got {value!r}")
        return value
    if key in _DATE_KEYS:
        return config_date(value, name)
    if key == "roll_forward":
        return RollForward.parse(value, name)
    # a change: a fraction or a reference resolved later
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(
            f"{name}: expected a fraction (0.041) or a reference such as "
            f"'national_living_wage_hourly' or 'CPI:2025-09', got {value!r}"
        )
    return value if isinstance(value, str) else float(value)


def parse_service(service: str, mapping: Mapping) -> ServiceConfig:
    """Check one ``[recommend.<service>]`` table and return its settings.

    Raises
    ------
    ConfigError
        naming the key at fault, for unknown keys, wrong types, impossible values or settings
        a method needs but lacks.
    """
    where = f"recommend.{service}"
    if service not in SERVICES:
        raise ConfigError(f"{where}: unknown service type; use one of {', '.join(SERVICES)}")
    if "method" not in mapping:
        raise ConfigError(f"{where}.method is required; use one of {', '.join(METHODS)}")
    cls = method_class(mapping["method"], where)
    known = set(_COMMON_KEYS) | set(cls.keys())
    unknown = sorted(set(mapping) - known)
    if unknown:
        others = sorted(set(unknown) & KNOWN_KEYS)
        hint = f" ({', '.join(others)}: not a setting of method {cls.name})" if others else ""
        hint = hint or close_matches(unknown[0], sorted(known))
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}{hint}; "
            f"known keys: {', '.join(sorted(known))}"
        )
    values = {
        key: _common_value(key, value, f"{where}.{key}")
        for key, value in mapping.items()
        if key in _COMMON_KEYS and key != "method"
    }
    method = cls.parse({k: v for k, v in mapping.items() if k in cls.keys()}, where)
    if "effective_date" not in values:
        raise ConfigError(f"{where}.effective_date is required (the date the new rates apply)")
    if values.get("wage_floor", "x").lower() == "none":
        values["wage_floor"] = None
    config = ServiceConfig(service=service, method=method, **values)
    _check(config)
    method.check(config)
    return config


def _check(c: ServiceConfig) -> None:
    where = c.where
    if (c.weeks_per_year is not None and c.weeks_per_year <= 0) or c.paid_hours_per_week <= 0:
        raise ConfigError(f"{where}: weeks_per_year and paid_hours_per_week must be positive")
    if c.paid_hours_per_unit is not None and c.paid_hours_per_unit <= 0:
        raise ConfigError(f"{where}.paid_hours_per_unit must be positive")
    if c.base_date is not None and c.effective_date < c.base_date:
        raise ConfigError(
            f"{where}.effective_date ({c.effective_date}) is before base_date ({c.base_date}): "
            "the new rates must apply after the period the returns describe"
        )
    if (
        c.wage_floor is not None
        and c.wage_floor_rate is None
        and c.paid_hours_per_unit is None
        and c.service not in DEFAULT_PAID_HOURS_PER_UNIT
    ):
        raise ConfigError(
            f"{where}.paid_hours_per_unit is required for the wage floor guardrail: the care "
            "staff hours worked per resident week (or set wage_floor_rate directly)"
        )
    Guardrails(uplift_min=c.uplift_min, uplift_max=c.uplift_max)  # checks min <= max


def parse_config(mapping: Mapping) -> dict[str, ServiceConfig]:
    """Parse the ``[recommend]`` table: one sub-table per service type."""
    if not isinstance(mapping, Mapping) or not mapping:
        raise ConfigError("recommend: give at least one [recommend.<service>] table")
    out = {}
    for service, table in mapping.items():
        if not isinstance(table, Mapping):
            raise ConfigError(f"recommend.{service}: expected a table of settings")
        out[service] = parse_service(service, table)
    return out


@dataclass(frozen=True)
class Resolved:
    """Numbers a service's method uses, each with its source."""

    wage_change: Figure | None = None
    price_change: Figure | None = None
    wage_floor: WageFloor | None = None
    floor_rate: Figure | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    fnc_per_week: Figure | None = None


def resolve_change(
    value: float | str | None, key: str, config: ServiceConfig, params
) -> Figure | None:
    """Turn a change setting into a fraction with its source.

    A number is used as given. ``"NAME"`` is the change in parameter NAME from ``base_date``
    to ``effective_date``. ``"INDEX:YYYY-MM"`` is the index's 12-month rate at that month.
    """
    name = f"{config.where}.{key}"
    if value is None:
        return None
    if not isinstance(value, str):
        return Figure(float(value), f"{name} in the config")
    if params is None:
        raise ConfigError(f"{name}: {value!r} needs the dated parameters to resolve")
    try:
        if ":" in value:
            from .rollforward import index_month

            index, month = (part.strip() for part in value.split(":", 1))
            rate = float(params.rate_12m(index, month))
            status = index_month(params, index, month).status
            flag = " (a forecast month, not published)" if status != "confirmed" else ""
            return Figure(rate, f"{index} 12-month rate at {month}{flag}")
        if config.base_date is None:
            raise ConfigError(
                f"{name}: {value!r} is a change in a parameter, so base_date is needed "
                "(the date the providers' costs describe)"
            )
        before = params.value(value, on=config.base_date)
        after = params.value(value, on=config.effective_date)
    except UserError:
        raise
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"{name}: cannot resolve {value!r}: {exc}") from None
    return Figure(
        after / before - 1.0,
        f"change in {value} from {before:g} ({config.base_date}) "
        f"to {after:g} ({config.effective_date})",
    )


def resolve(config: ServiceConfig, params=None) -> Resolved:
    """Resolve parameter references and the wage floor for one service.

    ``params`` is a loaded parameter set (``costofcare.parameters.load()``); it is needed
    only when a setting refers to a parameter or the wage floor is on.
    """
    wage = resolve_change(config.wage_change, "wage_change", config, params)
    price = resolve_change(config.price_change, "price_change", config, params)
    floor = None
    floor_rate = None
    if config.wage_floor_rate is not None:
        floor_rate = Figure(config.wage_floor_rate, f"{config.where}.wage_floor_rate in the config")
    elif config.wage_floor is not None:
        if params is None:
            raise ConfigError(f"{config.where}.wage_floor needs the dated parameters")
        hours_per_unit = config.paid_hours_per_unit or DEFAULT_PAID_HOURS_PER_UNIT[config.service]
        floor = WageFloor.from_parameters(
            params,
            config.effective_date,
            wage_parameter=config.wage_floor,
            paid_hours_per_week=config.paid_hours_per_week,
            paid_hours_per_unit=hours_per_unit,
            weeks_per_year=config.weeks,
        )
        floor_rate = Figure(
            floor.cost_per_unit(),
            f"{config.wage_floor} with statutory on-costs on {config.effective_date}",
        )
    return Resolved(
        wage_change=wage,
        price_change=price,
        wage_floor=floor,
        floor_rate=floor_rate,
        fnc_per_week=resolve_fnc(config, params),
    )


def resolve_fnc(config: ServiceConfig, params) -> Figure | None:
    """The NHS-funded nursing care standard rate in force on the effective date, for a
    nursing or dual care home market (None for every other market)."""
    from ..costs.nursingcare import FNC_PARAMETER
    from ..parameters.store import ParameterError
    from .markets import FNC_CATEGORIES

    if config.care_category not in FNC_CATEGORIES:
        return None
    if params is None:
        raise ConfigError(
            f"{config.where}: the {config.care_category} care home market needs the dated "
            f"parameters for {FNC_PARAMETER}"
        )
    try:
        fnc = params.get(FNC_PARAMETER, config.effective_date)
    except ParameterError as exc:
        raise ConfigError(f"{config.where}.effective_date: {exc}") from None
    return Figure(
        fnc.value,
        f"{FNC_PARAMETER} from {fnc.effective_from} ({fnc.source_title})",
    )
