"""Market movement: who came and went each year, what capacity went with them, and the
tiers and zones of a dynamic purchasing system (DPS) or framework.

From dated :data:`~costofcare.tables.catalogue.MARKET_EVENTS` (entry, exit, closure,
hand_back): :func:`movement_by_year` counts each kind by financial year with the capacity
gained or lost; :func:`tier_membership` counts the providers in each tier and zone on a
date (entries in, exits and closures out); :func:`tiers_and_zones` does the same from the
register's ``tier`` and ``zone`` columns as they stand.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["LOSSES", "financial_year", "movement_by_year", "tier_membership", "tiers_and_zones"]

#: Events that take capacity out of the market (an entry adds it).
LOSSES = ("exit", "closure", "hand_back")
#: Events that end a provider's place in a tier (a hand-back gives back care, not the place).
_LEAVES = ("exit", "closure")


def financial_year(dates: pd.Series) -> pd.Series:
    """The financial year (April to March) of each date, by its first calendar year.

    >>> financial_year(pd.Series(pd.to_datetime(["2024-03-31", "2024-04-01"]))).tolist()
    [2023, 2024]
    """
    dates = pd.to_datetime(dates)
    return (dates.dt.year - (dates.dt.month < 4).astype(int)).astype(int)


def movement_by_year(events: pd.DataFrame) -> pd.DataFrame:
    """Entries, exits, closures and hand-backs by financial year, with the capacity moved.

    Returns
    -------
    DataFrame, one row per financial year, event and capacity unit: ``year``, ``event``,
    ``capacity_unit`` (blank where no capacity was given), ``events``, ``providers``,
    ``capacity`` (added for an entry, lost otherwise), ``unplanned`` (events marked so) and
    ``capacity_change`` (+ for an entry, − for a loss).
    """
    frame = events.copy()
    frame["year"] = financial_year(frame["date"])
    frame["capacity_unit"] = frame["capacity_unit"].fillna("").astype(str)
    frame["is_unplanned"] = frame["planned"].fillna("").eq("unplanned")
    grouped = frame.groupby(["year", "event", "capacity_unit"], sort=True).agg(
        events=("event", "size"),
        providers=("provider", "nunique"),
        capacity=("capacity", "sum"),
        unplanned=("is_unplanned", "sum"),
    )
    out = grouped.reset_index()
    out["unplanned"] = out["unplanned"].astype(int)
    sign = out["event"].map(lambda e: -1.0 if e in LOSSES else 1.0)
    out["capacity_change"] = out["capacity"] * sign
    return out


def tier_membership(events: pd.DataFrame, on: object) -> pd.DataFrame:
    """Providers in each tier and zone of a DPS or framework on a date, from its events.

    A provider counts from its ``entry`` to its ``exit`` or ``closure`` in the same tier
    (events after ``on`` are ignored). Events with no tier are not about a DPS and are left
    out.

    Returns
    -------
    DataFrame: ``tier``, ``zone`` (blank: borough-wide), ``providers``.
    """
    day = pd.Timestamp(on)
    frame = events[(events["tier"].fillna("") != "") & (pd.to_datetime(events["date"]) <= day)]
    frame = frame.assign(zone=frame["zone"].fillna(""))
    frame = frame.sort_values("date", kind="stable")
    members: dict[tuple[str, str, str], bool] = {}
    for row in frame.itertuples(index=False):
        key = (row.tier, row.zone, row.provider)
        if row.event == "entry":
            members[key] = True
        elif row.event in _LEAVES:
            members.pop(key, None)
    rows = pd.DataFrame(list(members), columns=["tier", "zone", "provider"])
    out = rows.groupby(["tier", "zone"], sort=True)["provider"].nunique()
    return out.rename("providers").reset_index()


def tiers_and_zones(register: pd.DataFrame) -> pd.DataFrame:
    """Providers and services in each tier and zone of the register, as it stands.

    Returns
    -------
    DataFrame: ``tier``, ``zone``, ``providers``, ``services`` (services with no tier left
    out).
    """
    frame = register[register["tier"].fillna("") != ""]
    frame = frame.assign(zone=frame["zone"].fillna(""))
    grouped = frame.groupby(["tier", "zone"], sort=True).agg(
        providers=("provider", "nunique"), services=("provider", "size")
    )
    return grouped.reset_index()
