"""The price calculator: one bottom-up unit price from a drivers file, line by line.

The same functions serve the modelled route: :func:`price` resolves the drivers
(:func:`costofcare.costs.drivers.resolve`) and builds the lines with
:func:`costofcare.costs.modelled.modelled_unit_cost`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .drivers import resolve
from .modelled import modelled_unit_cost
from .shares import staffing_share

__all__ = ["PriceResult", "price", "summarise"]


def summarise(lines: pd.DataFrame) -> pd.DataFrame:
    """Totals per provider and route: total, staffing, non-staffing, return, staffing share.

    ``staffing_share`` is staffing lines / total *cost* (excluding the return), as
    :func:`costofcare.costs.shares.staffing_share` defines it for each row (0 where there is
    no cost): the share a weighted-index uplift applies the wage change to.
    ``staffing_share_of_price`` is staffing over the total including the return.
    """
    keys = ["provider", "service", "route", "period_start", "period_end", "unit"]
    if "return_id" in lines:
        keys.insert(1, "return_id")
    wide = (
        lines.pivot_table(
            index=keys, columns="category", values="cost_per_unit", aggfunc="sum", fill_value=0.0
        )
        .reindex(columns=["staffing", "non_staffing", "return"], fill_value=0.0)
        .reset_index()
    )
    wide.columns.name = None
    wide["cost_excluding_return"] = wide["staffing"] + wide["non_staffing"]
    wide["total"] = wide["cost_excluding_return"] + wide["return"]
    wide["staffing_share"] = [
        staffing_share(staff, cost)
        for staff, cost in zip(wide["staffing"], wide["cost_excluding_return"], strict=True)
    ]
    wide["staffing_share"] = wide["staffing_share"].fillna(0.0)
    total = wide["total"].where(wide["total"] != 0)
    wide["staffing_share_of_price"] = (wide["staffing"] / total).fillna(0.0)
    return wide


@dataclass
class PriceResult:
    """A priced drivers file: its lines, totals and the defaults it used."""

    service: str
    lines: pd.DataFrame
    totals: dict[str, Any]
    defaults_used: pd.DataFrame
    drivers: dict[str, Any]

    @property
    def total(self) -> float:
        """Price per unit, £ (unrounded)."""
        return float(self.totals["total"])


def price(raw: Mapping[str, Any], service: str, params: Any, *, where: str = "") -> PriceResult:
    """Price one set of drivers for a service.

    Parameters
    ----------
    raw : mapping
        Drivers as read from a drivers file.
    service : str
        ``"home_care"``, ``"care_home"`` or ``"supported_living"``.
    params : Parameters or mapping
        Loaded parameters or a mapping of figures for the period.

    Examples
    --------
    >>> from costofcare.parameters import load
    >>> result = price({"period_start": "2025-04-01"}, "home_care", load())
    >>> result.total > 0
    True
    """
    resolved = resolve(raw, service, params, where=where)
    frame = pd.DataFrame([resolved.values])
    lines = modelled_unit_cost(frame, service)
    totals = summarise(lines).iloc[0].to_dict()
    return PriceResult(service, lines, totals, resolved.defaults_frame(), resolved.values)
