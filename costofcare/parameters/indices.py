"""Price indices (CPI, CPIH, RPI): monthly levels, 12-month rates, ratios and forecast paths.

Levels are ONS monthly index levels. Where ONS levels were not to hand, a level is derived from
a published level and the published 12-month rate (flagged ``derived``). A ratio between two
periods divides average levels; a 12-month rate is the published rate where there is one (ONS
computes it from unrounded indices), otherwise computed from levels.

Beyond the latest outturn an index can be extended by a path of 12-month rates: a user's own
(for instance an OBR forecast the council has chosen) or a shipped OBR forecast vintage.
Calendar-year forecast rates are applied to each month of the year (an approximation, stated in
the flags of every level it produces).
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..errors import ParameterError
from .dates import DateLike, months_in_period
from .loader import read_index_table


@dataclass(frozen=True)
class IndexSet:
    """Monthly levels per index with per-month provenance, plus published 12-month rates."""

    levels: dict[str, pd.Series]  # index -> float Series on a monthly PeriodIndex
    provenance: dict[str, pd.DataFrame]  # index -> flags/source_title/source_url per month
    published_rates: dict[str, pd.Series]  # index -> published 12-month rate (fraction)
    forecasts: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def names(self) -> list[str]:
        return sorted(self.levels)

    @classmethod
    @lru_cache(maxsize=1)
    def shipped(cls) -> IndexSet:
        lv = read_index_table("index_levels.csv")
        rt = read_index_table("index_rates.csv")
        fc = read_index_table("index_forecasts.csv")
        levels, provenance, rates = {}, {}, {}
        for name, group in lv.groupby("index"):
            idx = pd.PeriodIndex(group["period"], freq="M")
            levels[name] = pd.Series(
                group["value"].astype(float).to_numpy(), index=idx, name=name
            ).sort_index()
            provenance[name] = group.set_index(idx)[
                ["flags", "source_title", "source_url", "note"]
            ].sort_index()
        for name, group in rt.groupby("index"):
            idx = pd.PeriodIndex(group["period"], freq="M")
            rates[name] = pd.Series(
                group["rate"].astype(float).to_numpy(), index=idx, name=name
            ).sort_index()
        return cls(levels, provenance, rates, fc)

    # -- look-ups ------------------------------------------------------------------------
    def _check_name(self, index: str) -> str:
        if index in self.levels:
            return index
        upper = index.upper()
        if upper in self.levels:
            return upper
        close = difflib.get_close_matches(upper, self.levels, n=3, cutoff=0.4)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise ParameterError(
            f"unknown price index {index!r}.{hint} Known indices: {', '.join(self.names)}; "
            "a user-supplied series can be added with with_index_path()."
        )

    def series(self, index: str) -> pd.Series:
        return self.levels[self._check_name(index)].copy()

    def coverage(self, index: str) -> tuple[pd.Period, pd.Period]:
        s = self.levels[self._check_name(index)]
        return s.index.min(), s.index.max()

    def level(self, index: str, period: str | DateLike) -> float:
        name = self._check_name(index)
        months = months_in_period(period)
        s = self.levels[name]
        missing = [m for m in months if m not in s.index]
        if missing:
            first, last = self.coverage(name)
            raise ParameterError(
                f"{name} has no index level for {', '.join(str(m) for m in missing[:3])}"
                f"{' ...' if len(missing) > 3 else ''}: the data covers {first} to {last}. "
                "Extend it with a forecast path (Parameters.with_index_path or with_forecast)."
            )
        return float(s.loc[months].mean())

    def ratio(self, index: str, start: str | DateLike, end: str | DateLike) -> float:
        """level(end) / level(start); periods may be months, dates, years or financial years."""
        return self.level(index, end) / self.level(index, start)

    def rate_12m(self, index: str, period: str | DateLike) -> float:
        name = self._check_name(index)
        months = months_in_period(period)
        if len(months) != 1:
            raise ParameterError(
                f"a 12-month rate is for one month; {period!r} covers {len(months)} months "
                "(use index_ratio for the change between two periods)"
            )
        month = months[0]
        published = self.published_rates.get(name)
        flags = (
            self.provenance[name]["flags"].get(month, "")
            if month in self.provenance[name].index
            else ""
        )
        if published is not None and month in published.index and "forecast" not in str(flags):
            return float(published.loc[month])
        return self.level(name, month) / self.level(name, month - 12) - 1.0

    # -- extending -----------------------------------------------------------------------
    def with_path(
        self, index: str, rates: Mapping | str | Path, *, label: str = "user path"
    ) -> IndexSet:
        """Extend (or override from its first month) an index with 12-month rates (fractions)."""
        name = self._check_name(index)
        rate_for = _read_rates(rates, label)
        months = sorted(rate_for)
        s = self.levels[name].copy()
        prov = self.provenance[name].copy()
        first_month = min(months)
        last_month = max(months)
        s = s[s.index < first_month]
        prov = prov[prov.index < first_month]
        month = first_month
        new_levels, new_prov = {}, {}
        while month <= last_month:
            rate = rate_for.get(month)
            if rate is None:
                raise ParameterError(f"{label}: no rate for {month} (the path must be unbroken)")
            base = new_levels.get(month - 12, s.get(month - 12))
            if base is None:
                raise ParameterError(
                    f"{label}: {name} has no level for {month - 12} to apply the {month} rate to"
                )
            new_levels[month] = base * (1.0 + rate)
            new_prov[month] = {
                "flags": "forecast",
                "source_title": label,
                "source_url": "",
                "note": f"12-month rate {rate:.4%} applied to {month - 12}",
            }
            month += 1
        s = pd.concat([s, pd.Series(new_levels, name=name)]).sort_index()
        prov = pd.concat([prov, pd.DataFrame.from_dict(new_prov, orient="index")]).sort_index()
        levels = dict(self.levels, **{name: s})
        provenance = dict(self.provenance, **{name: prov})
        return IndexSet(levels, provenance, self.published_rates, self.forecasts)

    def forecast_vintages(self, index: str) -> list[str]:
        name = self._check_name(index)
        return sorted(set(self.forecasts.loc[self.forecasts["index"] == name, "vintage"]))

    def with_forecast(self, index: str, vintage: str | None = None) -> IndexSet:
        """Extend an index past its latest outturn with a shipped OBR calendar-year forecast."""
        name = self._check_name(index)
        vintages = self.forecast_vintages(name)
        if not vintages:
            raise ParameterError(f"no shipped forecast for {name}")
        if vintage is None:
            current = self.forecasts[
                (self.forecasts["index"] == name)
                & ~self.forecasts["flags"].str.contains("superseded")
            ]
            vintage = sorted(set(current["vintage"]))[-1]
        if vintage not in vintages:
            raise ParameterError(
                f"unknown forecast vintage {vintage!r} for {name}; shipped: {', '.join(vintages)}"
            )
        rows = self.forecasts[
            (self.forecasts["index"] == name)
            & (self.forecasts["vintage"] == vintage)
            & (self.forecasts["basis"] == "calendar_year_average")
        ]
        last = self.levels[name].index.max()
        years = {int(p): float(r) for p, r in zip(rows["period"], rows["rate"], strict=True)}
        path = {}
        month = last + 1
        while month.year in years:
            path[str(month)] = years[month.year]
            month += 1
        if not path:
            return self
        return self.with_path(
            name, path, label=f"{vintage} ({name} calendar-year forecast applied to each month)"
        )


def _read_rates(rates: Mapping | str | Path, label: str) -> dict[pd.Period, float]:
    if not isinstance(rates, Mapping):
        path = Path(rates)
        if not path.exists():
            raise ParameterError(f"index path file {path} does not exist")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        if rows and not {"period", "rate"} <= set(rows[0]):
            raise ParameterError(
                f"{path}: needs columns period and rate (a fraction, 0.021 for 2.1%)"
            )
        rates = {r["period"]: r["rate"] for r in rows}
        label = f"{label} ({path.name})"
    out: dict[pd.Period, float] = {}
    for key, value in rates.items():
        try:
            rate = float(value)
        except (TypeError, ValueError):
            raise ParameterError(f"{label}: rate for {key!r} is not a number: {value!r}") from None
        if abs(rate) > 1:
            raise ParameterError(
                f"{label}: rate for {key!r} is {rate}; rates are fractions (0.021 for 2.1%)"
            )
        for month in months_in_period(str(key)):
            out.setdefault(month, rate) if len(str(key)) == 4 else out.__setitem__(month, rate)
    return out
