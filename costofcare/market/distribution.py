"""Rating distributions: counts and shares by service type and over time, on a stated basis.

Every row says its basis (``overall``: CQC's overall rating; ``minimum``: each service at its
lowest theme grade; ``all_themes``: every theme grade counted once) and its period (``latest``:
each service's latest rating; a year: each service's latest rating on or before 31 December
of that year). Shares are of the rated services (or grades) in the group; services not yet
inspected are a category of their own, as CQC's tables show them.

A distribution a report published is checked, not trusted: :func:`check_published` warns
(``distribution_not_100``) when a period's percentages do not add up to 100%, and keeps the
figures as published; they are never rescaled.
"""

from __future__ import annotations

import pandas as pd

from ..money import round_half_up
from .inputs import issue_frame, issue_row
from .ratings import SCALES, grade_word, service_ratings, theme_grades

_COLUMNS = ["regulator", "basis", "period", "service_type", "rating", "rank", "count", "share",
            "percent"]  # fmt: skip


def _with_type(rated: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    types = register.set_index("registration_number")["service_type"].fillna("")
    kind = rated["registration_number"].map(types).fillna("")
    return rated.assign(service_type=kind.where(kind != "", "(no service type)"))


def _counts(rated: pd.DataFrame, period: str) -> pd.DataFrame:
    """Counts per regulator, basis, service type and rating, with the share of the group."""
    if rated.empty:
        return pd.DataFrame(columns=_COLUMNS)
    keys = ["regulator", "basis", "service_type"]
    counts = rated.groupby([*keys, "rating"], dropna=False).size().rename("count").reset_index()
    counts["share"] = counts["count"] / counts.groupby(keys)["count"].transform("sum")
    counts["percent"] = [round_half_up(100 * s, 1) for s in counts["share"]]
    counts["rank"] = [
        SCALES[g].rank(r) for g, r in zip(counts["regulator"], counts["rating"], strict=True)
    ]
    counts["rating"] = [
        grade_word(g, r) for g, r in zip(counts["regulator"], counts["rating"], strict=True)
    ]
    counts["period"] = period
    return counts.sort_values([*keys, "rank"], na_position="last")[_COLUMNS]


def _rated(ratings, register, basis, as_of) -> pd.DataFrame:
    """Each service's rating(s) on each regulator's stated basis."""
    parts = []
    for regulator, rows in ratings.groupby("regulator"):
        how = basis.get(regulator, SCALES[regulator].basis)
        if how == "all_themes":
            parts.append(theme_grades(rows, as_of))
        else:
            parts.append(service_ratings(rows, {regulator: how}, as_of))
    if not parts:
        return pd.DataFrame(columns=["registration_number", "regulator", "rating", "basis"])
    return _with_type(pd.concat(parts, ignore_index=True), register)


def rating_distribution(
    ratings: pd.DataFrame, register: pd.DataFrame, basis: dict[str, str], as_of=None
) -> pd.DataFrame:
    """Counts and shares of each rating by service type and for all services (``All``).

    Parameters
    ----------
    ratings : ratings as :func:`~costofcare.market.ratings.read_ratings` returns them.
    register : the register (for each service's ``service_type``).
    basis : regulator id -> ``overall``, ``minimum`` or ``all_themes``.
    as_of : only ratings dated on or before this day.

    Returns
    -------
    DataFrame
        ``regulator, basis, period, service_type, rating, rank, count, share, percent``
        (share a fraction of the group; percent rounded half up to one decimal).
    """
    rated = _rated(ratings, register, basis, as_of)
    return pd.concat(
        [_counts(rated, "latest"), _counts(rated.assign(service_type="All"), "latest")],
        ignore_index=True,
    )


def distribution_over_time(
    ratings: pd.DataFrame, register: pd.DataFrame, basis: dict[str, str]
) -> pd.DataFrame:
    """The distribution for all services as at 31 December of each year rated, on the basis."""
    if ratings.empty:
        return pd.DataFrame(columns=_COLUMNS)
    parts = []
    for year in range(ratings["date"].min().year, ratings["date"].max().year + 1):
        rated = _rated(ratings, register, basis, pd.Timestamp(year, 12, 31))
        parts.append(_counts(rated.assign(service_type="All"), str(year)))
    return pd.concat(parts, ignore_index=True)


def good_or_better(
    ratings: pd.DataFrame, register: pd.DataFrame, basis: dict[str, str], as_of=None
) -> pd.DataFrame:
    """The share good or better per regulator on its basis: ``regulator, basis, counted,
    rated, good_or_better, share, percent`` (``counted``: services, or theme grades on the
    all_themes basis; ``rated``: those with a rating, not yet inspected left out)."""
    rated = _rated(ratings, register, basis, as_of)
    rows = []
    for (regulator, how), group in rated.groupby(["regulator", "basis"]):
        ranked = group[group["rank"].notna()]
        good = int(ranked["good_or_better"].sum())
        share = good / len(ranked) if len(ranked) else float("nan")
        rows.append(
            {
                "regulator": regulator,
                "basis": how,
                "counted": "theme grades" if how == "all_themes" else "services",
                "rated": len(ranked),
                "good_or_better": good,
                "share": share,
                "percent": round_half_up(100 * share, 1) if len(ranked) else None,
            }
        )
    return pd.DataFrame(rows, columns=["regulator", "basis", "counted", "rated",
                                       "good_or_better", "share", "percent"])  # fmt: skip


def check_published(
    published: pd.DataFrame, file: str = "", tolerance: float = 0.05
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each published period's percentages summed; a warning where they miss 100%.

    Parameters
    ----------
    published : a clean ``published_distributions`` table (with ``line`` when from a file).
    file : the file, named in each issue.
    tolerance : percentage points a sum may miss 100 by before it is reported.

    Returns
    -------
    sums : ``source, period, categories, percent_total, sums_to_100``.
    issues : one ``distribution_not_100`` warning per period that misses; the figures are
        kept as published, not rescaled.
    """
    rows, records = [], []
    for (source, period), group in published.groupby(["source", "period"], sort=False):
        total = float(group["percent"].sum())
        ok = abs(total - 100.0) <= tolerance
        rows.append((source, period, len(group), round_half_up(total, 4), ok))
        if not ok:
            line = group["line"].iloc[0] if "line" in group else ""
            records.append(
                issue_row(
                    "distribution_not_100",
                    file,
                    line,
                    "percent",
                    f"{source}, {period}: the percentages add up to {total:.2f}%, not 100%; "
                    "they are kept as published, not rescaled",
                    f"{total:.2f}",
                )
            )
    sums = pd.DataFrame(rows, columns=["source", "period", "categories", "percent_total",
                                       "sums_to_100"])  # fmt: skip
    return sums, issue_frame(records)
