"""The council's own tables: current rates and commissioned volumes.

:func:`read_council_rates` is the one place a run reads them, each checked by its declaration
(:data:`costofcare.tables.CURRENT_RATES`, :data:`costofcare.tables.VOLUMES`): it gives the
rates table the recommendation takes (``provider, service, current_rate`` and the file's other
columns, with ``volume_per_week`` and ``volume_unit`` from the volumes file when one is given)
and the issues found, each naming its file and line. :func:`market_volumes` cuts it to the
provider services in the market, in the :data:`costofcare.tables.VOLUMES` shape the scenarios
and the benchmark take.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import ConfigError
from ..tables import VOLUMES, raise_errors, read_table

__all__ = ["market_volumes", "read_council_rates"]


def read_council_rates(
    current_rates: Path, volumes: Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the current rates file and, when given, the volumes file beside it.

    Returns
    -------
    rates : the current rates with ``volume_per_week`` and ``volume_unit``.
    issues : warnings found in either file (old spellings), in the issue table's shape.

    Raises
    ------
    ConfigError
        Listing every error in either file (a missing column, a rate that is not a number,
        a negative volume, two rows for one provider and service, ...), or no
        ``volume_per_week`` in either file.
    """
    rates, rate_issues = read_table("current_rates", current_rates)
    found = [rate_issues]
    if volumes is not None:
        table, volume_issues = read_table("volumes", volumes, require=("volume_per_week",))
        found.append(volume_issues)
        rates = rates.drop(columns=["volume_per_week", "volume_unit"]).merge(
            table[["provider", "service", "volume_per_week", "volume_unit"]],
            on=["provider", "service"],
            how="left",
        )
    issues = pd.concat(found, ignore_index=True)
    raise_errors(issues, ConfigError, warn=lambda message: None)
    if rates["volume_per_week"].isna().all():
        raise ConfigError(f"{current_rates}: no volume_per_week column and no run.volumes file")
    return rates, issues


def market_volumes(rates: pd.DataFrame, unit_costs: pd.DataFrame) -> pd.DataFrame:
    """:data:`costofcare.tables.VOLUMES` for the provider services with unit costs in the
    market (``volume_unit`` as the checks filled it: the file's, else the service's unit)."""
    in_market = unit_costs[["provider", "service"]].drop_duplicates()
    return rates[list(VOLUMES.names)].merge(in_market, on=["provider", "service"])
