"""Which returns feed the market: the one rule, used by the pipeline and the notebooks alike.

A return is used when ingest read it ``clean`` or with ``warnings``. Where a provider sent
more than one usable return for a service, the one with more values read is used, then the
one with the later file name (a resubmission is usually named after the first). Every
readable return left out comes back as a registered issue row
(:data:`~costofcare.ingest.issues.ISSUE_COLUMNS`) naming its file and the reason; rejected
returns are already issues of their own and are not repeated.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..ingest.batch import STATUS_REJECTED, issues_frame
from ..ingest.issues import Issue

__all__ = ["USED_STATUSES", "choose_returns"]

USED_STATUSES = ("clean", "warnings")
"""Ingest statuses of the returns that feed the market."""


def choose_returns(returns: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The returns that feed the market, and an issue row for each readable return left out.

    Parameters
    ----------
    returns : pandas.DataFrame
        One row per file as ingest lists them (``return_id, file, status, provider,
        service, values_read, errors``, ...).

    Returns
    -------
    used : pandas.DataFrame
        The rows of ``returns`` used, in their original order.
    left_out : pandas.DataFrame
        :data:`~costofcare.ingest.issues.ISSUE_COLUMNS` rows: ``left_out_with_errors`` for a
        return with errors, ``left_out_second_return`` for a provider's other return.
    """
    readable = returns[returns["status"] != STATUS_REJECTED]
    usable = readable[readable["status"].isin(USED_STATUSES)]
    ranked = usable.sort_values(
        ["provider", "service", "values_read", "file"],
        ascending=[True, True, False, False],
        kind="stable",
    )
    second = ranked.duplicated(["provider", "service"], keep="first")
    chosen = ranked[~second].set_index(["provider", "service"])["file"]
    issues = [
        Issue(
            "left_out_with_errors",
            f"left out of the market: the return has {int(row.errors)} error(s); "
            "correct them and run again",
            file=str(row.file),
            return_id=str(row.return_id),
            provider=str(row.provider),
        )
        for row in readable[~readable["status"].isin(USED_STATUSES)].itertuples()
    ]
    for row in ranked[second].itertuples():
        used_file = Path(str(chosen[(row.provider, row.service)])).name
        issues.append(
            Issue(
                "left_out_second_return",
                f"left out of the market: {row.provider} also sent {used_file} for "
                f"{row.service}, which was used (more values read, then the later file name)",
                file=str(row.file),
                return_id=str(row.return_id),
                provider=str(row.provider),
            )
        )
    used = usable.drop(index=ranked.index[second.to_numpy()])
    return used, issues_frame(issues)
