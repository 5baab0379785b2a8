"""The workforce table from the returns' staffing tables: the one builder.

One row per row of a return's ``staff_roles`` table, in the canonical columns
:data:`costofcare.tables.WORKFORCE`:

* ``role``: the row's job title or hours band (``role_description``) where given, else the
  role picked from the list (``role``);
* ``rate_per_hour``: basic pay plus average enhancements, £ per paid hour
  (``basic_rate_per_hour + enhancements_per_hour``; no enhancements counts as £0);
* ``hours_per_week``: paid hours a week per worker (the row's ``paid_hours_per_week`` /
  ``headcount``);
* ``headcount``: people employed in the row.

A row that cannot be repriced (no headcount, no paid hours or no basic rate, or any of them
zero) is not in the table: it comes back as a ``staffing_row_not_used`` issue row naming the
file, sheet, first cell and staffing table row, so every row is either used or reported.
Its costs still count in the reported unit costs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ingest.batch import issues_frame
from ..ingest.issues import Issue
from ..tables import WORKFORCE

__all__ = ["workforce_from_values"]

_COLUMNS = list(WORKFORCE.names)
_KEY = ["return_id", "row"]
_NUMBERS = ("basic_rate_per_hour", "enhancements_per_hour", "paid_hours_per_week", "headcount")
_NEEDED = {
    "headcount": "no headcount",
    "paid_hours_per_week": "no paid hours",
    "basic_rate_per_hour": "no basic rate",
}


def _rows(staff: pd.DataFrame) -> pd.DataFrame:
    """One row per staffing table row: where it is, its numbers and its role texts."""
    first = staff.groupby(_KEY, sort=False)
    where = first[["provider", "service", "file", "sheet", "cell"]].first()
    numbers = staff.pivot_table(index=_KEY, columns="field", values="value", aggfunc="first")
    texts = staff[staff["field"].isin(["role", "role_description"])]
    texts = texts.pivot_table(index=_KEY, columns="field", values="text", aggfunc="first")
    table = where.join(numbers.reindex(columns=list(_NUMBERS))).join(
        texts.reindex(columns=["role", "role_description"])
    )
    order = ["provider", "service", "return_id", "row"]
    return table.reset_index().sort_values(order, kind="stable", ignore_index=True)


def _missing(table: pd.DataFrame) -> pd.Series:
    """For each row, what it lacks to be repriced ("" when it has everything)."""
    reasons = pd.Series("", index=table.index)
    for field, reason in _NEEDED.items():
        bad = ~(table[field] > 0)
        reasons = reasons.mask(bad, reasons + np.where(reasons == "", "", ", ") + reason)
    return reasons


def _issues(table: pd.DataFrame, reasons: pd.Series) -> pd.DataFrame:
    issues = [
        Issue(
            "staffing_row_not_used",
            f"staffing table row {int(row.row)} ({row.label or 'no role'}): {reason}; "
            "left out of the workforce the scenarios reprice",
            file=str(row.file),
            sheet=str(row.sheet),
            cell=str(row.cell),
            field=", ".join(f for f, r in _NEEDED.items() if r in reason),
            return_id=str(row.return_id),
            provider=str(row.provider),
        )
        for row, reason in zip(
            table[reasons != ""].itertuples(), reasons[reasons != ""], strict=True
        )
    ]
    return issues_frame(issues)


def workforce_from_values(values: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The workforce table of the ``staff_roles`` rows in a tidy values table.

    Parameters
    ----------
    values : pandas.DataFrame
        Tidy values from ingest (``return_id, provider, service, table, row, field, value,
        text, file, sheet, cell``).

    Returns
    -------
    workforce : pandas.DataFrame
        :data:`costofcare.tables.WORKFORCE`, one row per staffing table row that can be repriced,
        by provider, service, return and row.
    issues : pandas.DataFrame
        :data:`~costofcare.ingest.issues.ISSUE_COLUMNS`, one ``staffing_row_not_used`` row
        for every other staffing table row.

    Examples
    --------
    10 workers paid 250 hours a week in all at £12.21 + £0.40 an hour give
    ``rate_per_hour`` 12.61 and ``hours_per_week`` 25.
    """
    staff = values[values["table"].fillna("") == "staff_roles"].copy()
    if staff.empty:
        return pd.DataFrame(columns=_COLUMNS), issues_frame([])
    for column in ("file", "sheet", "cell"):
        if column not in staff:
            staff[column] = ""
    staff["text"] = staff["text"].fillna("").astype(str).str.strip()
    table = _rows(staff)
    described = table["role_description"].fillna("")
    table["label"] = described.where(described != "", table["role"].fillna(""))
    reasons = _missing(table)
    kept = table[reasons == ""]
    workforce = pd.DataFrame(
        {
            "provider": kept["provider"],
            "service": kept["service"],
            "return_id": kept["return_id"],
            "role": kept["label"],
            "rate_per_hour": kept["basic_rate_per_hour"]
            + kept["enhancements_per_hour"].fillna(0.0),
            "hours_per_week": kept["paid_hours_per_week"] / kept["headcount"],
            "headcount": kept["headcount"],
        }
    ).reset_index(drop=True)
    return workforce, _issues(table, reasons)
