"""The spend snapshot: what the council spent, with whom, on what, and how concentrated.

From a :data:`~costofcare.tables.catalogue.SPEND` table (one line of spend each): spend by
any column (service type, provider, client group, self-directed support option, contract
status), the number of providers, and how concentrated the market is: the share of the
largest providers and the Herfindahl-Hirschman index.

North Ayrshire's 2022-23 snapshot (spend of £62.8m with 248 providers; 43% on adult
services; 40% under self-directed support option 2; 95% under contract) is the worked test:
shares here are shares of spend.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["SPEND_DIMENSIONS", "concentration", "herfindahl_index", "spend_by", "spend_snapshot"]

#: The columns a snapshot breaks spend down by, with the label a reader sees.
SPEND_DIMENSIONS = {
    "service_type": "Service type",
    "client_group": "Client group",
    "sds_option": "Self-directed support option",
    "contract_status": "Contract status",
    "contract_type": "Contract type",
    "provider": "Provider",
}

_BLANK_LABEL = "(not given)"


def spend_by(spend: pd.DataFrame, by: str) -> pd.DataFrame:
    """Spend grouped by one column, largest first.

    Parameters
    ----------
    spend : a checked spend table (``amount`` in GBP).
    by : the column to group by; a blank value is its own group, ``(not given)``.

    Returns
    -------
    DataFrame with ``dimension`` (the column), ``value``, ``amount`` (GBP), ``share`` of the
    total spend (fraction 0-1), ``providers`` (distinct providers paid) and ``lines``.

    Examples
    --------
    >>> frame = pd.DataFrame({"provider": ["A", "B", "B"], "sds_option": ["2", "3", ""],
    ...                       "amount": [40.0, 50.0, 10.0]})
    >>> spend_by(frame, "sds_option")[["value", "share"]].values.tolist()
    [['3', 0.5], ['2', 0.4], ['(not given)', 0.1]]
    """
    values = spend[by].fillna("").astype(str).str.strip().replace("", _BLANK_LABEL)
    frame = pd.DataFrame(
        {"value": values, "amount": spend["amount"], "provider": spend["provider"]}
    )
    grouped = frame.groupby("value", sort=False).agg(
        amount=("amount", "sum"), providers=("provider", "nunique"), lines=("amount", "size")
    )
    total = float(spend["amount"].sum())
    grouped["share"] = grouped["amount"] / total if total > 0 else float("nan")
    grouped = grouped.reset_index().sort_values(["amount", "value"], ascending=[False, True])
    grouped.insert(0, "dimension", by)
    return grouped.loc[
        :, ["dimension", "value", "amount", "share", "providers", "lines"]
    ].reset_index(drop=True)


def herfindahl_index(amounts: Sequence[float] | pd.Series) -> float:
    """The Herfindahl-Hirschman index of a market on the 0-10,000 scale.

    The sum of squared market shares in percent: 10,000 for one provider, 10,000 / n for
    n equal providers. Competition authorities read under 1,000 as unconcentrated and over
    2,000 as highly concentrated.

    >>> herfindahl_index([50.0, 30.0, 20.0])  # 50² + 30² + 20²
    3800.0
    """
    series = pd.Series(amounts, dtype=float)
    total = float(series.sum())
    if total <= 0:
        return float("nan")
    return float(((series / total * 100.0) ** 2).sum())


def concentration(spend: pd.DataFrame, top: Sequence[int] = (1, 5, 10)) -> pd.DataFrame:
    """How concentrated spend is among providers, overall and in each service type.

    Returns
    -------
    DataFrame with one row per scope (``All services`` then each service type): ``providers``,
    ``amount`` (GBP), ``top_<n>_share`` (share of the scope's spend with its ``n`` largest
    providers, fraction 0-1) and ``herfindahl_index`` (0-10,000).
    """
    rows = []
    scopes = [("All services", spend)]
    if "service_type" in spend:
        scopes += list(spend.groupby("service_type", sort=True))
    for scope, part in scopes:
        by_provider = part.groupby("provider")["amount"].sum().sort_values(ascending=False)
        total = float(by_provider.sum())
        row: dict[str, object] = {
            "scope": scope,
            "providers": int(len(by_provider)),
            "amount": total,
        }
        for n in top:
            row[f"top_{n}_share"] = float(by_provider.head(n).sum() / total) if total else None
        row["herfindahl_index"] = herfindahl_index(by_provider)
        rows.append(row)
    return pd.DataFrame(rows)


def spend_snapshot(spend: pd.DataFrame) -> dict[str, float]:
    """Headline figures: total spend (GBP), providers, and the shares councils quote.

    ``under_contract_share`` is the share of spend whose ``contract_status`` is
    ``under_contract``; ``sds_option_<n>_share`` the share under each self-directed support
    option (fractions 0-1 of all spend).
    """
    total = float(spend["amount"].sum())
    out: dict[str, float] = {"spend": total, "providers": int(spend["provider"].nunique())}
    if total <= 0:
        return out
    status = spend.get("contract_status", pd.Series("", index=spend.index)).fillna("")
    out["under_contract_share"] = float(
        spend.loc[status == "under_contract", "amount"].sum() / total
    )
    option = spend.get("sds_option", pd.Series("", index=spend.index)).fillna("").astype(str)
    for n in ("1", "2", "3", "4"):
        out[f"sds_option_{n}_share"] = float(spend.loc[option == n, "amount"].sum() / total)
    out["herfindahl_index"] = herfindahl_index(spend.groupby("provider")["amount"].sum())
    return out
