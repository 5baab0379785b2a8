"""The quality and risk keys of the ``[market]`` config table, checked once.

Every key is documented in docs/market.md. Paths are relative to the config file. A
problem is a :class:`~costofcare.errors.ConfigError` naming the key (exit code 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..configtools import refuse_unknown_key
from ..errors import ConfigError
from .bands import BandSet, parse_band_set
from .rag import RESULTS, RagRules, parse_rag
from .ratings import SCALES

#: The ``[market]`` keys this part reads.
QUALITY_KEYS = frozenset(
    {"register", "ratings", "indicators", "published", "as_of", "returns_indicators",
     "rating_basis", "distribution_tolerance", "shares", "bands", "rag", "sustainability"}
)  # fmt: skip
_SUSTAINABILITY_KEYS = {"threshold", "at_risk"}
_BASES = {"cqc": ("overall",), "care_inspectorate": ("minimum", "all_themes")}


@dataclass(frozen=True)
class QualityConfig:
    """The quality, risk and sustainability settings (docs/market.md, one key each)."""

    register: Path
    ratings: Path | None = None
    indicators: Path | None = None
    published: Path | None = None
    as_of: dt.date | None = None
    returns_indicators: bool = True
    rating_basis: Mapping[str, str] = field(default_factory=dict)
    distribution_tolerance: float = 0.05
    shares: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    bands: Mapping[str, BandSet] = field(default_factory=dict)
    rag: RagRules | None = None
    threshold: float = 0.0
    at_risk: tuple[str, ...] = ("red",)


def _path(raw: Mapping, key: str, folder: Path, required: bool = False) -> Path | None:
    if key not in raw:
        if required:
            raise ConfigError(f"[market].{key} is required: the file of the council's "
                              "register of services")  # fmt: skip
        return None
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"[market].{key}: a file path is needed (got {value!r})")
    path = Path(value)
    return path if path.is_absolute() else folder / path


def _basis(raw) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError("[market].rating_basis: a table, e.g. {care_inspectorate = 'minimum'}")
    for regulator, basis in raw.items():
        if regulator not in SCALES:
            raise ConfigError(f"[market].rating_basis.{regulator}: not a regulator "
                              f"({', '.join(SCALES)})")  # fmt: skip
        if basis not in _BASES[regulator]:
            raise ConfigError(f"[market].rating_basis.{regulator}: one of "
                              f"{', '.join(_BASES[regulator])} (got {basis!r})")  # fmt: skip
    return dict(raw)


def _shares(raw) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError("[market].shares: a table of indicator = [values counted]")
    out = {}
    for indicator, values in raw.items():
        if not isinstance(values, Sequence) or isinstance(values, str) or not values:
            raise ConfigError(f"[market].shares.{indicator}: a list of the values counted, "
                              "e.g. ['yes']")  # fmt: skip
        out[indicator] = tuple(str(v) for v in values)
    return out


def _bands(raw) -> dict[str, BandSet]:
    if raw is None:
        return {}
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise ConfigError("[market].bands: give each band set as a [[market.bands]] table")
    sets = [parse_band_set(b, f"[market].bands[{i}]") for i, b in enumerate(raw)]
    names = [s.name for s in sets]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f"[market].bands: two band sets are named {name!r}")
    return {s.name: s for s in sets}


def _sustainability(raw) -> tuple[float, tuple[str, ...]]:
    if raw is None:
        return 0.0, ("red",)
    if not isinstance(raw, Mapping):
        raise ConfigError("[market].sustainability: a table (threshold, at_risk)")
    refuse_unknown_key(raw, _SUSTAINABILITY_KEYS, "[market].sustainability")
    threshold = raw.get("threshold", 0.0)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not (0 <= threshold < 1)
    ):
        raise ConfigError("[market].sustainability.threshold: a fraction from 0 to below 1 "
                          f"(0.05 is 5% below cost); got {threshold!r}")  # fmt: skip
    at_risk = raw.get("at_risk", ["red"])
    if (
        not isinstance(at_risk, Sequence)
        or isinstance(at_risk, str)
        or not set(at_risk) <= set(RESULTS)
    ):
        raise ConfigError("[market].sustainability.at_risk: a list of red, amber, green "
                          f"(got {at_risk!r})")  # fmt: skip
    return float(threshold), tuple(at_risk)


def parse_quality(raw: Mapping, folder: Path) -> QualityConfig:
    """:class:`QualityConfig` from the ``[market]`` table (other parts' keys are left to
    them); ``folder`` is the config file's folder, which paths are relative to."""
    as_of = raw.get("as_of")
    if as_of is not None and (not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime)):
        raise ConfigError(f"[market].as_of: a date written YYYY-MM-DD (got {as_of!r})")
    tolerance = raw.get("distribution_tolerance", 0.05)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0:
        raise ConfigError("[market].distribution_tolerance: percentage points, 0 or more "
                          f"(got {tolerance!r})")  # fmt: skip
    returns_indicators = raw.get("returns_indicators", True)
    if not isinstance(returns_indicators, bool):
        raise ConfigError("[market].returns_indicators: true or false")
    bands = _bands(raw.get("bands"))
    rag = raw.get("rag")
    if rag is not None and not isinstance(rag, Mapping):
        raise ConfigError("[market].rag: a table (combine, missing, [[market.rag.rule]] ...)")
    threshold, at_risk = _sustainability(raw.get("sustainability"))
    return QualityConfig(
        register=_path(raw, "register", folder, required=True),
        ratings=_path(raw, "ratings", folder),
        indicators=_path(raw, "indicators", folder),
        published=_path(raw, "published", folder),
        as_of=as_of,
        returns_indicators=returns_indicators,
        rating_basis=_basis(raw.get("rating_basis")),
        distribution_tolerance=float(tolerance),
        shares=_shares(raw.get("shares")),
        bands=bands,
        rag=parse_rag(rag, "[market.rag]", bands) if rag is not None else None,
        threshold=threshold,
        at_risk=at_risk,
    )
