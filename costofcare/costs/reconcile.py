"""Reconcile modelled and reported unit costs per provider, and name the lines behind a gap.

Lines are matched on their Fair Cost of Care ``cost_line`` label; lines that only one route
has are kept (the other side is 0). The models split some lines more finely than the returns
(home care pay, for example, is split into direct care, travel time, holiday and so on in
the model but is one "Care worker costs" line in a return; employer NI and pension are
separate lines in both), so gaps are also shown per ``category``.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["reconcile"]


def reconcile(
    modelled: pd.DataFrame,
    reported: pd.DataFrame,
    *,
    threshold: float = 0.10,
    top: int = 3,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compare the two routes per provider.

    Parameters
    ----------
    modelled, reported : pandas.DataFrame
        Unit cost tables (:data:`costofcare.costs.modelled.TIDY_COLUMNS`) for the same
        service and providers (matched on ``provider``).
    threshold : float, default 0.10
        A provider is flagged when ``|reported total - modelled total|`` exceeds this share
        of the modelled total.
    top : int, default 3
        How many lines to name as explaining a flagged gap (largest absolute line gaps).

    Returns
    -------
    (by_line, by_provider) : tuple of pandas.DataFrame
        ``by_line``: provider, cost_line, category, modelled, reported, gap (reported -
        modelled, £ per unit). ``by_provider``: totals, gap, relative_gap, the gap by
        category, ``flagged`` and ``explained_by`` (the lines with the largest gaps).
    """
    keys = ["provider", "cost_line", "category"]
    m = modelled.groupby(keys, as_index=False)["cost_per_unit"].sum()
    r = reported.groupby(keys, as_index=False)["cost_per_unit"].sum()
    by_line = m.merge(r, on=keys, how="outer", suffixes=("_modelled", "_reported")).fillna(
        {"cost_per_unit_modelled": 0.0, "cost_per_unit_reported": 0.0}
    )
    by_line = by_line.rename(
        columns={"cost_per_unit_modelled": "modelled", "cost_per_unit_reported": "reported"}
    )
    by_line["gap"] = by_line["reported"] - by_line["modelled"]

    rows = []
    for provider, lines in by_line.groupby("provider", sort=False):
        modelled_total = float(lines["modelled"].sum())
        reported_total = float(lines["reported"].sum())
        gap = reported_total - modelled_total
        relative = gap / modelled_total if modelled_total else float("nan")
        cat = lines.groupby("category")["gap"].sum()
        biggest = lines.reindex(lines["gap"].abs().sort_values(ascending=False).index).head(top)
        flagged = bool(modelled_total and abs(relative) > threshold)
        rows.append(
            {
                "provider": provider,
                "modelled_total": modelled_total,
                "reported_total": reported_total,
                "gap": gap,
                "relative_gap": relative,
                "gap_staffing": float(cat.get("staffing", 0.0)),
                "gap_non_staffing": float(cat.get("non_staffing", 0.0)),
                "gap_return": float(cat.get("return", 0.0)),
                "flagged": flagged,
                "explained_by": "; ".join(
                    f"{row.cost_line} {row.gap:+.2f}" for row in biggest.itertuples()
                )
                if flagged
                else "",
            }
        )
    return by_line.reset_index(drop=True), pd.DataFrame(rows)
