"""The council's own tables: current rates and commissioned volumes.

:func:`read_council_rates` is the one place a run reads them; it gives the rates table the
recommendation takes (``provider, service, current_rate`` and the file's other columns, with
``volume_per_week`` and ``volume_unit`` from the volumes file when one is given).
:func:`market_volumes` cuts it to the provider services in the market, in the canonical
volumes shape the scenarios and the benchmark take.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..costs.lines import UNITS
from ..errors import ConfigError

__all__ = ["VOLUME_COLUMNS", "market_volumes", "read_council_rates"]

VOLUME_COLUMNS = ("provider", "service", "volume_per_week", "volume_unit", "current_rate")
"""Volumes in the market: commissioned units a week with the current rate (£ per unit)."""


def read_council_rates(current_rates: Path, volumes: Path | None = None) -> pd.DataFrame:
    """Read the current rates file and, when given, the volumes file beside it.

    Raises
    ------
    ConfigError
        A file without its columns (``provider, service, current_rate``;
        ``provider, service, volume_per_week``), no ``volume_per_week`` in either file, or a
        negative volume.
    """
    rates = pd.read_csv(current_rates)
    missing = {"provider", "service", "current_rate"} - set(rates.columns)
    if missing:
        raise ConfigError(f"{current_rates}: missing column(s) {', '.join(sorted(missing))}")
    if volumes is not None:
        table = pd.read_csv(volumes)
        need = {"provider", "service", "volume_per_week"}
        if need - set(table.columns):
            raise ConfigError(f"{volumes}: needs columns {', '.join(sorted(need))}")
        keep = [c for c in ("provider", "service", "volume_per_week", "volume_unit") if c in table]
        rates = rates.drop(
            columns=[c for c in ("volume_per_week", "volume_unit") if c in rates]
        ).merge(table[keep], on=["provider", "service"], how="left")
    if "volume_per_week" not in rates:
        raise ConfigError(f"{current_rates}: no volume_per_week column and no run.volumes file")
    negative = rates[rates["volume_per_week"] < 0]
    if len(negative):
        raise ConfigError(
            "volumes: negative volume_per_week for "
            + ", ".join(negative["provider"].astype(str)[:3])
        )
    return rates


def market_volumes(rates: pd.DataFrame, unit_costs: pd.DataFrame) -> pd.DataFrame:
    """:data:`VOLUME_COLUMNS` for the provider services with unit costs in the market.

    ``volume_unit`` is the volumes file's where given, else the unit of the service's costs
    (``contact_hour``, ``resident_week``, ``support_hour``).
    """
    table = rates.copy()
    default = table["service"].map(UNITS)
    given = table["volume_unit"] if "volume_unit" in table else pd.Series(pd.NA, index=table.index)
    table["volume_unit"] = given.where(given.notna() & (given.astype(str) != ""), default)
    in_market = unit_costs[["provider", "service"]].drop_duplicates()
    return table[list(VOLUME_COLUMNS)].merge(in_market, on=["provider", "service"])
