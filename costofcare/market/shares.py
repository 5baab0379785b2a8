"""Shares of services with a value: "46% of services have up to date reviews".

A report's percentage of services is a whole count of them: 46% of 28 services is 13
(13 / 28 = 46.4%). :func:`value_shares` counts, per indicator, the services whose latest
value is one of the values counted, out of the services with a value, and prints the share
as a report would (a whole percentage, rounded half up). :func:`whole_counts` goes the other
way: the whole counts out of ``n`` a published percentage can stand for.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..money import round_half_up

_COLUMNS = ["indicator", "counted_values", "services", "count", "share", "percent",
            "no_value"]  # fmt: skip


def latest_values(indicators: pd.DataFrame) -> pd.DataFrame:
    """Each service's latest value of each indicator (undated rows count as oldest)."""
    frame = indicators.sort_values("date", kind="stable", na_position="first")
    latest = frame.drop_duplicates(["registration_number", "indicator"], keep="last")
    return latest.reset_index(drop=True)


def value_shares(
    indicators: pd.DataFrame, register: pd.DataFrame, shares: Mapping[str, tuple[str, ...]]
) -> pd.DataFrame:
    """Per indicator: services whose latest value is one counted, of those with a value.

    Returns ``indicator, counted_values, services, count, share, percent, no_value``:
    ``services`` have a value, ``count`` of them a counted one (words compared ignoring
    case), ``percent`` is the share as a whole percentage rounded half up, ``no_value`` the
    register's services with none.
    """
    latest = latest_values(indicators)
    latest = latest[latest["registration_number"].isin(set(register["registration_number"]))]
    rows = []
    for indicator, counted in shares.items():
        values = latest.loc[latest["indicator"] == indicator, "value"].fillna("").astype(str)
        values = values.str.strip()
        values = values[values != ""]
        wanted = {c.strip().casefold() for c in counted}
        count = int(values.str.casefold().isin(wanted).sum())
        n = len(values)
        share = count / n if n else float("nan")
        rows.append(
            {
                "indicator": indicator,
                "counted_values": ", ".join(counted),
                "services": n,
                "count": count,
                "share": share,
                "percent": round_half_up(100 * share, 0) if n else None,
                "no_value": len(register) - n,
            }
        )
    return pd.DataFrame(rows, columns=_COLUMNS)


def whole_counts(percent: float, n: int, digits: int = 0) -> list[int]:
    """The whole counts out of ``n`` that print as ``percent`` (rounded half up to
    ``digits`` decimals).

    >>> whole_counts(46, 28)
    [13]
    >>> whole_counts(79, 28)
    [22]
    """
    return [k for k in range(n + 1) if round_half_up(100 * k / n, digits) == percent]
