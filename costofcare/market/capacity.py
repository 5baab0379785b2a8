"""Capacity against demand: what is commissioned, how full it is, and what is not met.

* :func:`commissioned_capacity`: beds, hours a week, people or places by service type and
  locality, from the register of services.
* :func:`occupancy_from_values`: care home occupancy from the providers' returns (registered
  beds × average occupancy, weighted by beds).
* :func:`project_demand`: the council's demand series carried forward by a growth rate.
* :func:`capacity_gap`: demand against capacity: the shortfall, and the unmet need (what
  the council counts as waiting, or the shortfall where it gives none).
* :func:`cost_unmet_need`: the unmet need a year, costed at each option's rate.
* :func:`activity_change`: activity before and after (people and hours a week), the change
  and the growth a year it implies (Rotherham's home care is the worked test).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..money import WEEKS_PER_YEAR

__all__ = [
    "activity_change",
    "council_totals",
    "capacity_gap",
    "commissioned_capacity",
    "cost_unmet_need",
    "demand_from_capacity",
    "occupancy_from_values",
    "project_demand",
]

_KEY = ["service_type", "locality", "unit"]


def _label(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).str.strip()


def commissioned_capacity(register: pd.DataFrame) -> pd.DataFrame:
    """Capacity by service type, locality and unit, from a checked register.

    Services with no capacity or no ``capacity_unit`` are left out of the sums and counted
    in ``services_without_capacity`` of their group (blank service types and localities
    are groups of their own).

    Returns
    -------
    DataFrame: ``service_type``, ``locality``, ``unit``, ``capacity`` (in ``unit``),
    ``services``, ``providers``.
    """
    frame = pd.DataFrame(
        {
            "service_type": _label(register["service_type"]),
            "locality": _label(register["locality"]),
            "unit": _label(register["capacity_unit"]),
            "capacity": pd.to_numeric(register["capacity"], errors="coerce"),
            "provider": register["provider"],
        }
    )
    counted = frame[(frame["unit"] != "") & frame["capacity"].notna()]
    grouped = counted.groupby(_KEY, sort=True).agg(
        capacity=("capacity", "sum"),
        services=("capacity", "size"),
        providers=("provider", "nunique"),
    )
    return grouped.reset_index()


def occupancy_from_values(values: pd.DataFrame) -> pd.DataFrame:
    """Care home occupancy from the returns: one row per return with both figures.

    ``occupied_beds = registered_beds × average_occupancy``; a market's occupancy is
    ``Σ occupied_beds / Σ registered_beds`` (beds-weighted, so a large home counts more)
    over the ``usable`` rows: a return whose occupancy is outside 0-100% or whose beds are
    not positive (ingest reports it as an issue) stays in the table with ``usable`` false.

    Parameters
    ----------
    values : the tidy values table of ingest (``field`` ``registered_beds`` and
        ``average_occupancy``, the latter a fraction 0-1).

    Returns
    -------
    DataFrame: ``return_id``, ``provider``, ``registered_beds``, ``average_occupancy``,
    ``occupied_beds``, ``usable``.
    """
    wanted = values[values["field"].isin(["registered_beds", "average_occupancy"])]
    wide = wanted.pivot_table(
        index=["return_id", "provider"], columns="field", values="value", aggfunc="first"
    )
    for column in ("registered_beds", "average_occupancy"):
        if column not in wide:
            wide[column] = np.nan
    wide = wide.dropna(subset=["registered_beds", "average_occupancy"]).reset_index()
    wide["occupied_beds"] = wide["registered_beds"] * wide["average_occupancy"]
    wide["usable"] = (wide["registered_beds"] > 0) & wide["average_occupancy"].between(0.0, 1.0)
    columns = ["return_id", "provider", "registered_beds", "average_occupancy", "occupied_beds",
               "usable"]  # fmt: skip
    return wide.loc[:, columns].sort_values("provider").reset_index(drop=True)


def demand_from_capacity(capacity: pd.DataFrame, year: int) -> pd.DataFrame:
    """A demand table that starts at today's commissioned capacity in ``year``.

    For a council that gives a growth rate but no demand series: what is commissioned now
    is taken as met demand, and :func:`project_demand` grows it.
    """
    out = capacity.loc[:, ["service_type", "locality", "unit", "capacity"]].copy()
    out = out.rename(columns={"capacity": "demand"})
    out["year"] = int(year)
    out["waiting"] = np.nan
    return out.loc[:, ["service_type", "locality", "year", "unit", "demand", "waiting"]]


def project_demand(
    demand: pd.DataFrame, growth_per_year: float | None, to_year: int | None
) -> pd.DataFrame:
    """The demand series, carried forward from each series' last year by a growth rate.

    Each (service type, locality, unit) series is extended year by year to ``to_year``:
    ``demand(y + 1) = demand(y) × (1 + growth_per_year)``. Projected rows have ``projected``
    true and no ``waiting`` (what waits is not projected; the shortfall stands for it).
    Nothing is added when ``growth_per_year`` or ``to_year`` is None.
    """
    out = demand.loc[:, [*_KEY[:2], "year", "unit", "demand", "waiting"]].copy()
    out["locality"] = _label(out["locality"])
    out["year"] = out["year"].astype(int)
    out["projected"] = False
    if growth_per_year is None or to_year is None or not len(out):
        return out
    added = []
    for _, series in out.groupby(_KEY, sort=True):
        last = series.sort_values("year").iloc[-1]
        for year in range(int(last["year"]) + 1, int(to_year) + 1):
            steps = year - int(last["year"])
            added.append(
                {
                    "service_type": last["service_type"],
                    "locality": last["locality"],
                    "year": year,
                    "unit": last["unit"],
                    "demand": float(last["demand"]) * (1.0 + growth_per_year) ** steps,
                    "waiting": np.nan,
                    "projected": True,
                }
            )
    if added:
        out = pd.concat([out, pd.DataFrame(added)], ignore_index=True)
    return out.sort_values([*_KEY, "year"]).reset_index(drop=True)


def capacity_gap(capacity: pd.DataFrame, demand: pd.DataFrame) -> pd.DataFrame:
    """Demand against commissioned capacity, per service type, locality, unit and year.

    A demand row with a blank locality is compared with the capacity of every locality of
    its service type added up. ``shortfall = max(demand − capacity, 0)``; ``unmet`` is the
    council's ``waiting`` where it gives one, else the shortfall; ``surplus`` is the
    capacity over demand. A demand with no capacity registered has capacity 0.

    Returns
    -------
    DataFrame: ``service_type``, ``locality``, ``year``, ``unit``, ``capacity``, ``demand``,
    ``shortfall``, ``surplus``, ``waiting``, ``unmet``, ``projected``.
    """
    whole = capacity.groupby(["service_type", "unit"], as_index=False)["capacity"].sum()
    whole["locality"] = ""
    local = capacity.loc[capacity["locality"] != "", [*_KEY, "capacity"]]
    both = pd.concat([local, whole.loc[:, [*_KEY, "capacity"]]], ignore_index=True)
    both = both.groupby(_KEY, as_index=False)["capacity"].sum()
    frame = demand.copy()
    if "projected" not in frame:
        frame["projected"] = False
    frame["locality"] = _label(frame["locality"])
    frame = frame.merge(both, on=_KEY, how="left")
    frame["capacity"] = frame["capacity"].fillna(0.0)
    gap = frame["demand"] - frame["capacity"]
    frame["shortfall"] = gap.clip(lower=0.0)
    frame["surplus"] = (-gap).clip(lower=0.0)
    frame["unmet"] = frame["waiting"].where(frame["waiting"].notna(), frame["shortfall"])
    columns = ["service_type", "locality", "year", "unit", "capacity", "demand", "shortfall",
               "surplus", "waiting", "unmet", "projected"]  # fmt: skip
    return frame.loc[:, columns].sort_values([*_KEY, "year"]).reset_index(drop=True)


def cost_unmet_need(gap: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """The unmet need of each year costed at each option's rate, a year.

    ``cost_annual = unmet × rate × 365/7`` where the rate is per unit-week: per hour for
    ``hours_per_week`` (hours a week × £ an hour = £ a week), per week for ``beds``,
    ``places`` and ``people``.

    Parameters
    ----------
    gap : :func:`capacity_gap`'s table.
    rates : ``option``, ``service_type``, ``unit``, ``rate`` (GBP per hour for hours, per
        week otherwise). A gap row with no rate for an option is not costed for it.

    Returns
    -------
    DataFrame: the gap's key columns, ``unmet``, ``option``, ``rate``, ``cost_annual`` (GBP).
    """
    key = ["service_type", "locality", "year", "unit", "unmet"]
    costed = gap.loc[:, key].merge(rates, on=["service_type", "unit"], how="inner")
    costed["cost_annual"] = costed["unmet"] * costed["rate"] * WEEKS_PER_YEAR
    columns = [*key, "option", "rate", "cost_annual"]
    return costed.loc[:, columns].sort_values(["option", *key[:4]]).reset_index(drop=True)


def activity_change(
    before: Mapping[str, float], after: Mapping[str, float], years: float
) -> dict[str, float]:
    """Activity before and after: the change in people and hours, and growth a year.

    Parameters
    ----------
    before, after : ``people`` and ``hours_per_week``.
    years : years between the two counts.

    Returns
    -------
    dict: ``people_before``/``after``/``change``, ``hours_before``/``after``/``change``,
    ``hours_change_share`` (fraction), ``hours_per_person_before``/``after`` and
    ``hours_growth_per_year`` (compound: ``(after / before) ** (1 / years) − 1``).
    """
    if years <= 0:
        raise ValueError(f"years between the counts must be positive, got {years}")
    people = (float(before["people"]), float(after["people"]))
    hours = (float(before["hours_per_week"]), float(after["hours_per_week"]))
    return {
        "people_before": people[0],
        "people_after": people[1],
        "people_change": people[1] - people[0],
        "hours_before": hours[0],
        "hours_after": hours[1],
        "hours_change": hours[1] - hours[0],
        "hours_change_share": hours[1] / hours[0] - 1.0,
        "hours_per_person_before": hours[0] / people[0],
        "hours_per_person_after": hours[1] / people[1],
        "hours_growth_per_year": (hours[1] / hours[0]) ** (1.0 / years) - 1.0,
    }


def council_totals(table: pd.DataFrame) -> pd.DataFrame:
    """The rows that add up to the whole council, without counting a need twice.

    For each service type and unit, the whole-council rows (blank locality) where there
    are any, else the locality rows: a council that gives both has already added its
    localities up (or counts what waits only for the whole council).
    """
    whole = table["locality"] == ""
    has_whole = whole.groupby([table["service_type"], table["unit"]]).transform("any")
    return table[whole | ~has_whole]
