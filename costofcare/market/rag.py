"""RAG (red, amber, green) per registered service, from rules written as data.

The rules come from the ``[market.rag]`` config table (docs/market.md); nothing in them is
ever evaluated as code. Each rule names an indicator and, for red, amber and green, a
condition built from a closed set of operators:

* ``in``: the value is one of a list (words compared ignoring case; numbers as numbers);
* ``at_least``: the value is a number >= the bound;
* ``at_most``: the value is a number <= the bound.

A condition with two operators needs both (``{at_least = 1, at_most = 2}``). Red is tried
first, then amber, then green. The latest value of each indicator is used; one older than
the rule's ``max_age_days`` (or ``max_rating_age_days`` for a regulator's rating) gives the
``stale`` result; a missing one the ``missing`` result (or is ignored). The results combine
by ``worst`` (any red is red, else any amber is amber) or by ``score`` (points per result,
summed, and the sum banded by a :class:`~costofcare.market.bands.BandSet`). Manual
overrides set a service's result with a reason and a date; the rules' result is kept beside.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..configtools import refuse_unknown_key
from ..errors import ConfigError
from .bands import BandSet

RESULTS = ("red", "amber", "green")
OPERATORS = ("in", "at_least", "at_most")
MISSING = ("red", "amber", "green", "ignore")
#: How bad a result is, for combining by the worst.
SEVERITY = {"red": 3, "amber": 2, "green": 1}
_RULE_KEYS = {"indicator", "red", "amber", "green", "missing", "max_age_days", "description"}
_RAG_KEYS = {"combine", "missing", "stale", "max_rating_age_days", "points", "score_bands",
             "rule", "override"}  # fmt: skip
_OVERRIDE_KEYS = {"registration_number", "rag", "reason", "date"}
#: Points per result when results combine by score (``[market.rag] points`` overrides).
DEFAULT_POINTS = {"green": 0.0, "amber": 1.0, "red": 3.0}


@dataclass(frozen=True)
class Condition:
    """A closed-operator test: ``in`` a list, ``at_least`` and/or ``at_most`` a number."""

    within: tuple[str, ...] | None = None
    at_least: float | None = None
    at_most: float | None = None

    @property
    def numeric(self) -> bool:
        return self.at_least is not None or self.at_most is not None

    def matches(self, text: str, number: float | None) -> bool:
        if self.within is not None:
            key = _key(text, number)
            if key not in self.within:
                return False
        if self.numeric and number is None:
            return False
        if self.at_least is not None and number < self.at_least:
            return False
        return not (self.at_most is not None and number > self.at_most)

    def describe(self) -> str:
        parts = []
        if self.within is not None:
            parts.append("in [" + ", ".join(self.within) + "]")
        if self.at_least is not None:
            parts.append(f"at least {self.at_least:g}")
        if self.at_most is not None:
            parts.append(f"at most {self.at_most:g}")
        return " and ".join(parts)


@dataclass(frozen=True)
class Rule:
    """One indicator's conditions for red, amber and green (None: that result not given)."""

    indicator: str
    conditions: tuple[tuple[str, Condition], ...]
    missing: str
    max_age_days: float | None = None

    @property
    def numeric(self) -> bool:
        return any(c.numeric for _, c in self.conditions)


@dataclass(frozen=True)
class Override:
    registration_number: str
    rag: str
    reason: str
    date: dt.date


@dataclass(frozen=True)
class RagRules:
    """Every RAG setting of the config (the module notes say what each means)."""

    rules: tuple[Rule, ...]
    combine: str = "worst"
    stale: str = "amber"
    max_rating_age_days: float | None = None
    points: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_POINTS))
    score_bands: BandSet | None = None
    overrides: tuple[Override, ...] = ()


def parse_number(text) -> float | None:
    """A value as a number: ``82%`` is 0.82, ``1,200`` is 1200; None when not a number."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    s = str(text).strip().replace(",", "")
    percent = s.endswith("%")
    try:
        value = float(s.rstrip("%").strip())
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return value / 100 if percent else value


def _key(text, number: float | None) -> str:
    """How ``in`` compares: a number by its value (``1.0`` is ``1``), a word by its letters."""
    if number is not None:
        return f"{number:g}"
    return " ".join(str(text).split()).casefold()


# ------------------------------------------------------------------------------ config
def _condition(raw, where: str) -> Condition:
    if not isinstance(raw, Mapping) or not raw:
        raise ConfigError(f"{where}: a condition is a table, e.g. {{in = [...]}}, "
                          "{at_least = 3} or {at_most = 0.5}")  # fmt: skip
    unknown = set(raw) - set(OPERATORS)
    if unknown:
        raise ConfigError(f"{where}: unknown operator {sorted(unknown)[0]!r}; the operators "
                          f"are {', '.join(OPERATORS)}")  # fmt: skip
    within = None
    if "in" in raw:
        values = raw["in"]
        if not isinstance(values, Sequence) or isinstance(values, str) or not values:
            raise ConfigError(f"{where}.in: a list of values is needed")
        within = tuple(_key(v, parse_number(v) if not isinstance(v, bool) else None)
                       for v in values)  # fmt: skip
    bounds = {}
    for op in ("at_least", "at_most"):
        if op in raw:
            v = raw[op]
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ConfigError(f"{where}.{op}: a number is needed (got {v!r})")
            bounds[op] = float(v)
    return Condition(within, bounds.get("at_least"), bounds.get("at_most"))


def _choice(raw, allowed, where: str) -> str:
    if raw not in allowed:
        raise ConfigError(f"{where}: one of {', '.join(allowed)} (got {raw!r})")
    return raw


def _age(raw, where: str) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
        raise ConfigError(f"{where}: a number of days above 0 (got {raw!r})")
    return float(raw)


def _rule(raw, where: str, missing: str) -> Rule:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: a rule is a table (indicator, red, amber, green)")
    refuse_unknown_key(raw, _RULE_KEYS, where)
    indicator = str(raw.get("indicator", "")).strip()
    if not indicator:
        raise ConfigError(f"{where}: 'indicator' is required")
    conditions = tuple((r, _condition(raw[r], f"{where}.{r}")) for r in RESULTS if r in raw)
    if not conditions:
        raise ConfigError(f"{where}: give at least one of red, amber, green")
    return Rule(
        indicator,
        conditions,
        _choice(raw.get("missing", missing), MISSING, f"{where}.missing"),
        _age(raw.get("max_age_days"), f"{where}.max_age_days"),
    )


def _override(raw, where: str) -> Override:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: an override is a table (registration_number, rag, "
                          "reason, date)")  # fmt: skip
    unknown = set(raw) - _OVERRIDE_KEYS
    missing = [k for k in ("registration_number", "rag", "reason", "date") if k not in raw]
    if unknown or missing:
        bad = f"unknown key {sorted(unknown)[0]!r}" if unknown else f"'{missing[0]}' is required"
        raise ConfigError(f"{where}: {bad}; an override needs registration_number, rag, "
                          "reason and date")  # fmt: skip
    reason = str(raw["reason"]).strip()
    if not reason:
        raise ConfigError(f"{where}.reason: say why the result is set by hand")
    when = raw["date"]
    if not isinstance(when, dt.date) or isinstance(when, dt.datetime):
        raise ConfigError(f"{where}.date: a date written YYYY-MM-DD (got {when!r})")
    rag = _choice(raw["rag"], RESULTS, f"{where}.rag")
    return Override(str(raw["registration_number"]).strip(), rag, reason, when)


def parse_rag(raw: Mapping, where: str, bands: Mapping[str, BandSet]) -> RagRules:
    """:class:`RagRules` from the ``[market.rag]`` table; ConfigError naming the key."""
    unknown = set(raw) - _RAG_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}; known: "
                          f"{', '.join(sorted(_RAG_KEYS))}")  # fmt: skip
    combine = _choice(raw.get("combine", "worst"), ("worst", "score"), f"{where}.combine")
    missing = _choice(raw.get("missing", "amber"), MISSING, f"{where}.missing")
    rules = raw.get("rule", [])
    if not isinstance(rules, Sequence) or isinstance(rules, str) or not rules:
        raise ConfigError(f"{where}: give the rules as [[{where}.rule]] tables")
    parsed = tuple(_rule(r, f"{where}.rule[{i}]", missing) for i, r in enumerate(rules))
    seen = [r.indicator for r in parsed]
    for name in seen:
        if seen.count(name) > 1:
            raise ConfigError(f"{where}.rule: indicator {name!r} has two rules")
    overrides = tuple(
        _override(o, f"{where}.override[{i}]") for i, o in enumerate(raw.get("override", []))
    )
    points = dict(DEFAULT_POINTS)
    score_bands = None
    if combine == "score":
        given = raw.get("points", {})
        if not isinstance(given, Mapping) or set(given) - set(RESULTS):
            raise ConfigError(f"{where}.points: a table of red, amber and green points")
        for result, value in given.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"{where}.points.{result}: a number (got {value!r})")
            points[result] = float(value)
        name = raw.get("score_bands")
        if name not in bands:
            known = ", ".join(bands) or "none are configured"
            raise ConfigError(f"{where}.score_bands: name one of the [[market.bands]] sets "
                              f"({known}); got {name!r}")  # fmt: skip
        score_bands = bands[name]
        if any(not b.rag for b in score_bands.bands):
            raise ConfigError(f"{where}.score_bands: every band of '{name}' needs a rag")
    return RagRules(
        parsed,
        combine,
        _choice(raw.get("stale", "amber"), MISSING, f"{where}.stale"),
        _age(raw.get("max_rating_age_days"), f"{where}.max_rating_age_days"),
        points,
        score_bands,
        overrides,
    )
