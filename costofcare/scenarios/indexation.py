"""Price indices for rolling non-staffing costs forward between two months.

An index is a monthly series of levels. Shipped indices (``CPI``, ``CPIH``, ``RPI``) come from
the parameters; a config can add its own, either as monthly levels or as a *forecast path*: a
shipped (or user) series extended past its last published month at stated annual rates. A cost
line moves by ``level(to) / level(from)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ConfigError, ParameterError

SHIPPED_INDICES: tuple[str, ...] = ("CPI", "CPIH", "RPI")


@dataclass(frozen=True)
class UserSeries:
    """An index defined in a scenario config.

    Give ``levels`` (month ``"YYYY-MM"`` -> level), or ``base`` (another index name) with
    ``annual_rates``: one rate per 12-month block after the base's last month (compounded
    monthly, ``(1 + r) ** (1/12)`` a month), the last rate repeated as far as ``months``.
    ``levels`` may also be given with ``base``; they then override the base month by month.
    """

    name: str
    levels: Mapping[str, float] = field(default_factory=dict)
    base: str | None = None
    annual_rates: tuple[float, ...] = ()
    months: int = 36

    def __post_init__(self) -> None:
        where = f"series.{self.name}"
        if not self.levels and self.base is None:
            raise ConfigError(f"{where}: give 'levels' (month = level) or 'base' + 'annual_rates'")
        if self.base is not None and not self.annual_rates and not self.levels:
            raise ConfigError(f"{where}.annual_rates: needed with 'base' (e.g. [0.025, 0.02])")
        for month, level in self.levels.items():
            _month(month, f"{where}.levels")
            if not np.isfinite(level) or level <= 0:
                raise ConfigError(f"{where}.levels.{month}: a level must be above 0, got {level}")
        for rate in self.annual_rates:
            if rate <= -1:
                raise ConfigError(f"{where}.annual_rates: each rate must be above -1, got {rate}")


def _month(value, where: str) -> pd.Period:
    try:
        return pd.Period(str(value), freq="M")
    except (ValueError, TypeError):
        raise ConfigError(f"{where}: {value!r} is not a month; write it as 'YYYY-MM'") from None


def build_series(params, user: Mapping[str, UserSeries] | None = None) -> dict[str, pd.Series]:
    """Every index available to a run: shipped ones plus the config's, by name."""
    user = dict(user or {})
    out: dict[str, pd.Series] = {}

    def resolve(name: str, trail: tuple[str, ...] = ()) -> pd.Series:
        if name in out:
            return out[name]
        if name in trail:
            raise ConfigError(f"series.{name}: defined in terms of itself ({' -> '.join(trail)})")
        if name in user:
            spec = user[name]
            if spec.base is not None:
                if spec.base not in user and spec.base not in SHIPPED_INDICES:
                    raise ConfigError(
                        f"series.{name}.base: unknown index {spec.base!r}; allowed: "
                        + ", ".join(sorted(set(SHIPPED_INDICES) | set(user) - {name}))
                    )
                series = extend(resolve(spec.base, (*trail, name)), spec.annual_rates, spec.months)
            else:
                series = pd.Series(dtype=float)
            if spec.levels:
                own = pd.Series(
                    {_month(m, f"series.{name}.levels"): float(v) for m, v in spec.levels.items()}
                )
                series = own.combine_first(series) if len(series) else own
            series = series.sort_index()
        elif name in SHIPPED_INDICES:
            series = params.index_series(name).dropna().astype(float)
            series.index = pd.PeriodIndex(series.index, freq="M")
        else:
            raise ConfigError(
                f"unknown index {name!r}; allowed: "
                + ", ".join(sorted(set(SHIPPED_INDICES) | set(user)))
            )
        out[name] = series
        return series

    for name in (*SHIPPED_INDICES, *user):
        try:
            resolve(name)
        except ParameterError:
            if name in user:
                raise
    return out


def extend(series: pd.Series, annual_rates, months: int) -> pd.Series:
    """``series`` continued past its last month at ``annual_rates`` (one per 12 months)."""
    if not len(series):
        raise ConfigError("cannot extend an empty index series")
    last = series.index.max()
    rates = np.asarray(tuple(annual_rates), dtype=float)
    step = np.arange(months)
    block = np.minimum(step // 12, len(rates) - 1)
    monthly = (1.0 + rates[block]) ** (1.0 / 12.0)
    levels = float(series.loc[last]) * np.cumprod(monthly)
    future = pd.Series(levels, index=pd.period_range(last + 1, periods=months, freq="M"))
    return pd.concat([series, future])


def index_ratio(series: pd.Series, name: str, start, end, where: str = "indexation") -> float:
    """``level(end) / level(start)`` for months ``start`` and ``end`` of index ``name``.

    Raises :class:`ConfigError` naming the key and the months the series covers when either
    month is outside the data.
    """
    start_m = _month(start, f"{where}.from")
    end_m = _month(end, f"{where}.to")
    missing = [m for m in (start_m, end_m) if m not in series.index]
    if missing:
        first, last = series.index.min(), series.index.max()
        raise ConfigError(
            f"{where}: {name} has no level for {', '.join(str(m) for m in missing)}; "
            f"it covers {first} to {last} (add a forecast path under [series] to go further)"
        )
    return float(series.loc[end_m]) / float(series.loc[start_m])
