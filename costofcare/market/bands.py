"""Score bands: half-open intervals, checked for gaps and overlaps, with a stated direction.

A band holds the values ``from <= value < below``; either end may be left open. Written in
any order, the bands must tile the line with no gap and no overlap, so a value on an edge
lands in exactly one band (Dumfries & Galloway's "74%-61%" is ``from = 0.61, below =
0.75``: 0.745 is in it and 0.75 is in the band above). ``direction`` says which end is
better: ``higher_is_better`` (a contract monitoring score) or ``lower_is_better`` (a risk
score); the bands are listed best first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ..configtools import refuse_unknown_key
from ..errors import ConfigError
from ..money import round_half_up

DIRECTIONS = ("higher_is_better", "lower_is_better")
_BAND_KEYS = {"label", "from", "below", "rag"}
_SET_KEYS = {"name", "indicator", "direction", "band", "description"}


@dataclass(frozen=True)
class Band:
    """One band: ``lower <= value < upper`` (``-inf``/``inf`` for an open end)."""

    label: str
    lower: float
    upper: float
    rag: str = ""

    def holds(self, value: float) -> bool:
        return self.lower <= value < self.upper

    def describe(self) -> str:
        if math.isinf(self.lower):
            return f"below {self.upper:g}"
        if math.isinf(self.upper):
            return f"{self.lower:g} and above"
        return f"{self.lower:g} to below {self.upper:g}"


@dataclass(frozen=True)
class BandSet:
    """Named bands over one indicator, best first.

    Parameters
    ----------
    name : how outputs and the RAG rules name the set.
    indicator : the indicator whose values are banded ('' for the RAG score).
    direction : ``higher_is_better`` or ``lower_is_better``.
    bands : the bands; checked to tile the line (see the module notes).
    """

    name: str
    indicator: str
    direction: str
    bands: tuple[Band, ...]

    def band_of(self, value: float) -> Band | None:
        """The one band holding ``value`` (None outside them all, or for NaN)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        for band in self.bands:
            if band.holds(value):
                return band
        return None

    def counts(self, values: pd.Series) -> pd.DataFrame:
        """Services in each band, best first: ``band, range, rag, count, share, percent``.

        ``share`` is of the values banded; ``percent`` is it as a whole percentage, rounded
        half up (as a report prints it). Values outside every band are a last row,
        ``outside the bands``.
        """
        values = pd.to_numeric(values, errors="coerce").dropna()
        found = [self.band_of(float(v)) for v in values]
        total = len(values)
        rows = []
        for band in self.bands:
            n = sum(1 for b in found if b is band)
            rows.append((band.label, band.describe(), band.rag, n))
        outside = sum(1 for b in found if b is None)
        if outside:
            rows.append(("outside the bands", "", "", outside))
        frame = pd.DataFrame(rows, columns=["band", "range", "rag", "count"])
        frame["share"] = frame["count"] / total if total else float("nan")
        frame["percent"] = [round_half_up(100 * s, 0) if total else None for s in frame["share"]]
        frame.insert(0, "band_set", self.name)
        frame.insert(1, "direction", self.direction)
        return frame


def parse_band_set(table: Mapping, where: str) -> BandSet:
    """A :class:`BandSet` from its config table; ConfigError naming ``where`` and the key."""
    refuse_unknown_key(table, _SET_KEYS, where)
    name = str(table.get("name", "")).strip()
    if not name:
        raise ConfigError(f"{where}: 'name' is required")
    direction = table.get("direction")
    if direction not in DIRECTIONS:
        raise ConfigError(f"{where}.direction: say 'higher_is_better' or 'lower_is_better' "
                          f"(got {direction!r})")  # fmt: skip
    raw = table.get("band")
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise ConfigError(f"{where}: give the bands as [[...band]] tables")
    bands = [_band(b, f"{where}.band[{i}]") for i, b in enumerate(raw)]
    bands = _checked(sorted(bands, key=lambda b: b.lower), where)
    if direction == "higher_is_better":
        bands = bands[::-1]
    return BandSet(name, str(table.get("indicator", "")), direction, tuple(bands))


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}: a number is needed (got {value!r})")
    return float(value)


def _band(table, where: str) -> Band:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: a band is a table (label, from, below, rag)")
    refuse_unknown_key(table, _BAND_KEYS, where)
    if "from" not in table and "below" not in table:
        raise ConfigError(f"{where}: give 'from', 'below' or both")
    lower = _number(table["from"], f"{where}.from") if "from" in table else -math.inf
    upper = _number(table["below"], f"{where}.below") if "below" in table else math.inf
    if not lower < upper:
        raise ConfigError(f"{where}: 'from' ({lower:g}) must be below 'below' ({upper:g})")
    rag = str(table.get("rag", ""))
    if rag and rag not in ("red", "amber", "green"):
        raise ConfigError(f"{where}.rag: red, amber or green (got {rag!r})")
    label = str(table.get("label", "")).strip()
    if not label:
        raise ConfigError(f"{where}: 'label' is required")
    return Band(label, lower, upper, rag)


def _checked(bands: list[Band], where: str) -> list[Band]:
    """Bands sorted by their lower end; a gap or an overlap is a ConfigError naming both."""
    for low, high in zip(bands, bands[1:], strict=False):
        if low.upper < high.lower:
            raise ConfigError(
                f"{where}: a gap between band '{low.label}' (below {low.upper:g}) and band "
                f"'{high.label}' (from {high.lower:g}): values in between land in no band"
            )
        if low.upper > high.lower:
            raise ConfigError(
                f"{where}: bands '{low.label}' and '{high.label}' overlap ({high.lower:g} to "
                f"{min(low.upper, high.upper):g} is in both)"
            )
    return bands
