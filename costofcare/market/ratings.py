"""Regulator ratings: one scale per regulator, and a service's rating on a stated basis.

* CQC (England): Outstanding, Good, Requires improvement, Inadequate, and Not yet inspected
  (no rating, counted apart). A service's rating is its latest **overall** rating.
* Care Inspectorate (Scotland): grades 1 (unsatisfactory) to 6 (excellent) for each theme
  inspected. A service's grade is stated on one of two bases, which give different
  figures (North Ayrshire's "85% good or better across all inspection themes" is not the
  share of services whose *minimum* grade is good):

  - ``minimum``: each service counts once, at its lowest theme grade of its latest
    inspection;
  - ``all_themes``: every theme grade of each service's latest inspection counts once.

Good or better: CQC Good or Outstanding; Care Inspectorate grade 4 (good) or above.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .inputs import issue_frame, issue_row

#: Bases a service's rating can be stated on.
BASES = ("overall", "minimum", "all_themes")


@dataclass(frozen=True)
class Scale:
    """One regulator's rating scale, worst first.

    Parameters
    ----------
    regulator : the regulator's id (``cqc``, ``care_inspectorate``).
    name : its name as a reader knows it.
    ratings : the ratings worst first; a rating's rank is its place (1 = worst).
    good_from : the lowest rating that is good or better.
    unrated : ratings that mean no rating yet (counted apart, never ranked).
    spellings : other spellings of a rating -> the rating.
    basis : the default basis of a service's rating (see the module notes).
    """

    regulator: str
    name: str
    ratings: tuple[str, ...]
    good_from: str
    unrated: tuple[str, ...] = ()
    spellings: tuple[tuple[str, str], ...] = ()
    basis: str = "overall"

    def read(self, text: str) -> str | None:
        """The rating a cell means, or None when it is not on the scale."""
        key = " ".join(str(text).replace("-", " ").split()).casefold()
        for rating in (*self.ratings, *self.unrated):
            if key == rating.casefold():
                return rating
        return dict(self.spellings).get(key)

    def rank(self, rating: str) -> float:
        """1 for the worst rating up to len(ratings); NaN for an unrated one."""
        return float(self.ratings.index(rating) + 1) if rating in self.ratings else np.nan

    def good_or_better(self, rating: str) -> bool:
        return rating in self.ratings and self.rank(rating) >= self.rank(self.good_from)


_CI_WORDS = ("Unsatisfactory", "Weak", "Adequate", "Good", "Very good", "Excellent")

SCALES: dict[str, Scale] = {
    "cqc": Scale(
        "cqc",
        "Care Quality Commission",
        ("Inadequate", "Requires improvement", "Good", "Outstanding"),
        "Good",
        unrated=("Not yet inspected",),
        spellings=(("not inspected", "Not yet inspected"), ("ri", "Requires improvement")),
    ),
    "care_inspectorate": Scale(
        "care_inspectorate",
        "Care Inspectorate",
        tuple(str(g) for g in range(1, 7)),
        "4",
        spellings=tuple(
            (spelling.casefold(), str(grade))
            for grade, word in enumerate(_CI_WORDS, start=1)
            for spelling in (word, f"{grade} {word}", f"{grade} - {word}", f"{grade}.0")
        ),
        basis="minimum",
    ),
}

#: Spellings of a regulator a council's file may use -> its id.
REGULATOR_SPELLINGS = {
    "cqc": "cqc",
    "care quality commission": "cqc",
    "care inspectorate": "care_inspectorate",
    "care_inspectorate": "care_inspectorate",
    "ci": "care_inspectorate",
}


def grade_word(regulator: str, rating: str) -> str:
    """The rating as a reader reads it: ``4 Good`` for a Care Inspectorate grade."""
    if regulator == "care_inspectorate" and rating.isdigit():
        return f"{rating} {_CI_WORDS[int(rating) - 1]}"
    return rating


def read_ratings(ratings: pd.DataFrame, file: str = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ratings on their regulator's scale; every row off the scale an issue row.

    Parameters
    ----------
    ratings : a clean ``ratings`` table (:data:`costofcare.tables.catalogue.RATINGS`), with
        a ``line`` column (its line in the file) when read from one.
    file : the file the rows came from, named in each issue.

    Returns
    -------
    ratings : the rows on a scale, with ``regulator`` as its id, ``rating`` as the scale
        spells it, ``theme`` (``overall`` for a blank), ``rank`` (1 = worst; NaN unrated) and
        ``good_or_better``.
    issues : one ``unknown_rating`` row per row left out.
    """
    frame = ratings.copy()
    regulator = frame["regulator"].astype(str).str.strip().str.casefold().map(REGULATOR_SPELLINGS)
    rating = [
        SCALES[r].read(text) if isinstance(r, str) else None
        for r, text in zip(regulator, frame["rating"], strict=True)
    ]
    bad = regulator.isna().to_numpy() | np.array([r is None for r in rating], dtype=bool)
    issues = _unknown_rating_issues(frame[bad], regulator[bad], file)
    frame["regulator"], frame["rating"] = regulator, rating
    frame = frame[~bad].copy()
    theme = frame["theme"].fillna("").astype(str).str.strip().str.casefold()
    frame["theme"] = theme.where(theme != "", "overall")
    frame["rank"] = [
        SCALES[g].rank(r) for g, r in zip(frame["regulator"], frame["rating"], strict=True)
    ]
    frame["good_or_better"] = [
        SCALES[g].good_or_better(r)
        for g, r in zip(frame["regulator"], frame["rating"], strict=True)
    ]
    return frame.reset_index(drop=True), issues


def _unknown_rating_issues(rows: pd.DataFrame, regulator: pd.Series, file: str) -> pd.DataFrame:
    records = []
    for (_, row), reg in zip(rows.iterrows(), regulator, strict=True):
        if not isinstance(reg, str):
            field, raw = "regulator", row["regulator"]
            what = f"regulator '{raw}' is not one known (CQC, Care Inspectorate)"
        else:
            scale = SCALES[reg]
            field, raw = "rating", row["rating"]
            shown = ", ".join((*scale.ratings, *scale.unrated))
            what = f"rating '{raw}' is not on the {scale.name} scale ({shown})"
        what += f" (registration number '{row['registration_number']}'); the row was not used"
        records.append(issue_row("unknown_rating", file, row.get("line", ""), field, what, raw))
    return issue_frame(records)


def latest_inspection(ratings: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Each service's ratings of its latest date (on or before ``as_of`` when given), per
    regulator: every theme rated that day."""
    frame = ratings
    if as_of is not None:
        frame = frame[frame["date"] <= pd.Timestamp(as_of)]
    latest = frame.groupby(["registration_number", "regulator"])["date"].transform("max")
    return frame[frame["date"] == latest]


def service_ratings(
    ratings: pd.DataFrame, basis: dict[str, str] | None = None, as_of=None
) -> pd.DataFrame:
    """One rating per service and regulator on the stated basis (the module notes).

    Parameters
    ----------
    ratings : ratings as :func:`read_ratings` returns them.
    basis : regulator id -> ``overall`` or ``minimum`` (default: each scale's ``basis``).
        ``all_themes`` has no single rating per service; see :func:`theme_grades`.
    as_of : only ratings dated on or before this day count.

    Returns
    -------
    DataFrame
        ``registration_number, regulator, rating, rank, good_or_better, date, basis`` (and
        ``file, line`` where the ratings have them).
    """
    basis = basis or {}
    out = []
    latest = latest_inspection(ratings, as_of)
    for regulator, rows in latest.groupby("regulator", sort=True):
        how = basis.get(regulator, SCALES[regulator].basis)
        if how == "overall":
            picked = rows[rows["theme"] == "overall"]
        elif how == "minimum":
            ranked = rows[rows["rank"].notna()].sort_values(["registration_number", "rank"])
            unrated = rows[
                rows["rank"].isna()
                & ~rows["registration_number"].isin(ranked["registration_number"])
            ]
            picked = pd.concat([ranked.drop_duplicates("registration_number"), unrated])
        else:
            raise ValueError(f"basis {how!r} gives no single rating per service")
        picked = picked.drop_duplicates("registration_number").assign(basis=how)
        out.append(picked)
    columns = ["registration_number", "regulator", "rating", "rank", "good_or_better", "date",
               "basis"]  # fmt: skip
    if not out:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(out, ignore_index=True)
    return frame[columns + [c for c in ("file", "line") if c in frame]]


def theme_grades(ratings: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Every theme rating of each service's latest inspection (the ``all_themes`` basis);
    an overall rating given beside theme ratings is left out (it is not a theme)."""
    latest = latest_inspection(ratings, as_of)
    themed = latest.groupby(["registration_number", "regulator"])["theme"].transform(
        lambda t: (t != "overall").any()
    )
    keep = ~(themed & (latest["theme"] == "overall"))
    return latest[keep].assign(basis="all_themes").reset_index(drop=True)
