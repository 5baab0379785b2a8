"""Acceptance: figures published by three councils, worked by hand from their reports.

* Dumfries & Galloway IJB, Finance, Performance and Quality Committee, 8 October 2024,
  "Contract Monitoring: Care and Support at Home" (council-reports/001): 28 services
  monitored; risk score bands 100% -> 0, 99%-75% -> 22, 74%-61% -> 5, 60% and below -> 1
  ("the higher the risk score the lower the risk"); "the majority of CASH services (79%)
  are showing no significant risks"; compliance and intelligence percentages of services.
* North Ayrshire IJB, 16 November 2023, "Contract and Commissioning Update"
  (council-reports/000), section 3.2: Care Inspectorate minimum grade by care service and
  sub type (70 services), and "85% of services are graded good, very good or excellent ...
  across all inspection themes".
* Rotherham Health Select Commission, 25 January 2024, Appendix 2 (council-reports/004),
  section 1.3: CQC ratings under the previous contract (2018) and the Home Care and Support
  DPS (Q2 2023).
"""

from __future__ import annotations

import pandas as pd
import pytest

from costofcare.market import (
    check_published,
    distribution_over_time,
    good_or_better,
    parse_band_set,
    rating_distribution,
    read_ratings,
    value_shares,
    whole_counts,
)
from costofcare.money import round_half_up

# ------------------------------------------------------------------ Dumfries & Galloway
DG_SERVICES = 28
# Risk score bands as the report prints them, as half-open intervals of a fraction.
DG_BANDS = {
    "name": "contract monitoring",
    "indicator": "risk_score",
    "direction": "higher_is_better",
    "band": [
        {"label": "100%", "from": 1.0},
        {"label": "99% - 75%", "from": 0.75, "below": 1.0},
        {"label": "74% - 61%", "from": 0.61, "below": 0.75},
        {"label": "60% and below", "below": 0.61},
    ],
}
# 28 scores placed in the published bands: 22 from 75% up to (not) 100%, 5 from 61% to
# below 75%, 1 below 61%. Edges included: 0.75 is in 99%-75%, 0.61 in 74%-61%, 0.745 (which
# a report rounds to "74%" or "75%") in 74%-61%.
DG_SCORES = [0.75, 0.99, 0.999] + [0.8 + 0.01 * i for i in range(19)] + [
    0.61, 0.745, 0.70, 0.65, 0.72
] + [0.55]  # fmt: skip


def test_dumfries_galloway_band_counts_and_no_significant_risk_share():
    bands = parse_band_set(DG_BANDS, "[market].bands[0]")
    assert len(DG_SCORES) == DG_SERVICES
    counts = bands.counts(pd.Series(DG_SCORES))
    assert counts["band"].tolist() == ["100%", "99% - 75%", "74% - 61%", "60% and below"]
    assert counts["count"].tolist() == [0, 22, 5, 1]  # the report's table, total 28
    no_risk = counts.loc[counts["band"] == "99% - 75%"].iloc[0]
    assert no_risk["share"] == pytest.approx(22 / 28)  # 0.7857...
    assert no_risk["percent"] == 79  # "the majority of CASH services (79%)"


# Percentages of the 28 services the report prints, and the whole count each stands for
# (worked by hand: 13 / 28 = 46.43% -> 46%; 12 / 28 = 42.86% and 14 / 28 = 50% do not).
DG_PERCENTAGES = {
    # compliance
    "six_monthly_reviews_up_to_date": (46, 13),  # 13 / 28 = 46.4%
    "mandatory_training_up_to_date": (93, 26),  # 26 / 28 = 92.9%
    "asp_training_up_to_date": (57, 16),  # 16 / 28 = 57.1%
    "feedback_gathered": (89, 25),  # 25 / 28 = 89.3%
    "supervisions_up_to_date": (75, 21),  # 21 / 28 = 75.0%
    # intelligence
    "management_changes": (32, 9),  # 9 / 28 = 32.1%
    "minor_staffing_challenges": (75, 21),
    "significant_staffing_challenges": (7, 2),  # 2 / 28 = 7.1%
    "organisational_structure_changes": (50, 14),
    "sustainability_concerns": (29, 8),  # 8 / 28 = 28.6%
    "overseas_recruitment": (36, 10),  # 10 / 28 = 35.7%
    # the issues table of 3.17
    "no_digital_care_planning": (43, 12),  # 12 / 28 = 42.9%
}
# Not counts of the 28 services, so left out: "79% of personal outcomes ... were met" (a
# share of outcomes) and "18% of staff leaving services" (a share of leavers).


@pytest.mark.parametrize("indicator", sorted(DG_PERCENTAGES))
def test_dumfries_galloway_percentages_are_whole_counts_of_28(indicator):
    percent, count = DG_PERCENTAGES[indicator]
    assert whole_counts(percent, DG_SERVICES) == [count]
    assert round_half_up(100 * count / DG_SERVICES, 0) == percent


def test_dumfries_galloway_shares_from_a_yes_no_indicator_per_service():
    register = pd.DataFrame({"registration_number": [f"CS{i:04d}" for i in range(28)]})
    rows = []
    for indicator, (_, count) in DG_PERCENTAGES.items():
        for i, reg in enumerate(register["registration_number"]):
            rows.append((reg, indicator, "Yes" if i < count else "no", pd.NaT))
    indicators = pd.DataFrame(rows, columns=["registration_number", "indicator", "value", "date"])
    shares = value_shares(indicators, register, {k: ("yes",) for k in DG_PERCENTAGES})
    got = shares.set_index("indicator")
    for indicator, (percent, count) in DG_PERCENTAGES.items():
        assert got.loc[indicator, "services"] == 28
        assert got.loc[indicator, "count"] == count
        assert got.loc[indicator, "percent"] == percent, indicator


# ----------------------------------------------------------------------- North Ayrshire
# Section 3.2, minimum grade by care service and sub type: grade -> services.
NA_MINIMUM = {
    "Adoption Service": {5: 1},
    "Adult Placement Service": {5: 2},
    "Care Home: Older People": {2: 1, 3: 5, 4: 8, 5: 2},
    "Care Home: Children": {3: 2, 4: 3, 5: 4, 6: 3},
    "Care Home: Alcohol & Drug Misuse": {4: 1},
    "Care Home: LD": {3: 1, 4: 2},
    "Care Home: MH": {3: 1},
    "Care Home: Respite": {4: 2},
    "Fostering": {4: 1},
    "Support Service: Care at Home": {3: 2, 4: 12, 5: 9},
    "Support Service: Other": {4: 7, 6: 1},
}
NA_TOTALS = {2: 1, 3: 11, 4: 36, 5: 18, 6: 4}  # the table's Totals row: 70 services


@pytest.fixture(scope="module")
def north_ayrshire():
    """Each service graded on two themes: its minimum (the table's grade) and, on a second
    theme, one grade higher (6 stays 6). The report does not give the other themes' grades;
    this second theme is the test's, to show the two bases give different shares."""
    register, rows = [], []
    for service_type, grades in NA_MINIMUM.items():
        for grade, n in grades.items():
            for _ in range(n):
                reg = f"CS{len(register):010d}"
                register.append((reg, f"Provider {len(register)}", service_type))
                rows.append((reg, "Care Inspectorate", "wellbeing", str(grade), "2023-06-01"))
                higher = f"{min(grade + 1, 6)} "  # typed with a trailing space
                rows.append((reg, "Care Inspectorate", "leadership", higher, "2023-06-01"))
    register = pd.DataFrame(register, columns=["registration_number", "provider", "service_type"])
    ratings = pd.DataFrame(
        rows, columns=["registration_number", "regulator", "theme", "rating", "date"]
    ).assign(date=lambda f: pd.to_datetime(f["date"]))
    clean, issues = read_ratings(ratings)
    assert issues.empty
    return register, clean


def test_north_ayrshire_grade_counts_by_service_type(north_ayrshire):
    register, ratings = north_ayrshire
    dist = rating_distribution(ratings, register, {"care_inspectorate": "minimum"})
    assert set(dist["basis"]) == {"minimum"}
    by_type = dist[dist["service_type"] != "All"]
    for service_type, grades in NA_MINIMUM.items():
        rows = by_type[by_type["service_type"] == service_type]
        got = {int(r.split()[0]): c for r, c in zip(rows["rating"], rows["count"], strict=True)}
        assert got == grades, service_type
    everyone = dist[dist["service_type"] == "All"]
    assert dict(zip(everyone["rank"].astype(int), everyone["count"], strict=True)) == NA_TOTALS
    assert everyone["count"].sum() == 70
    assert everyone["rating"].tolist() == ["2 Weak", "3 Adequate", "4 Good", "5 Very good",
                                           "6 Excellent"]  # fmt: skip


def test_north_ayrshire_good_or_better_on_each_basis(north_ayrshire):
    register, ratings = north_ayrshire
    minimum = good_or_better(ratings, register, {"care_inspectorate": "minimum"}).iloc[0]
    # minimum grade 4, 5 or 6: (36 + 18 + 4) of 70 services
    assert (minimum["basis"], minimum["counted"]) == ("minimum", "services")
    assert (minimum["good_or_better"], minimum["rated"]) == (36 + 18 + 4, 70)
    assert minimum["share"] == pytest.approx(58 / 70)  # 82.9%: not the report's 85%, which
    assert minimum["percent"] == 82.9  # is stated "across all inspection themes"
    themes = good_or_better(ratings, register, {"care_inspectorate": "all_themes"}).iloc[0]
    # every theme grade counts: the 58 good-or-better services give 2 each; the 11 with a
    # minimum of 3 give 1 (their second theme is 4); the one with 2 gives none (3)
    assert (themes["basis"], themes["counted"]) == ("all_themes", "theme grades")
    assert (themes["good_or_better"], themes["rated"]) == (2 * 58 + 11, 140)
    assert themes["share"] == pytest.approx(127 / 140)


# ---------------------------------------------------------------------------- Rotherham
ROTHERHAM_PUBLISHED = [
    ("Previous contract arrangements", "2018", "Outstanding", 7.95),
    ("Previous contract arrangements", "2018", "Good", 38.50),
    ("Previous contract arrangements", "2018", "Requires Improvement", 30.80),
    ("Previous contract arrangements", "2018", "Inadequate", 7.95),
    ("Previous contract arrangements", "2018", "Not inspected", 15.40),
    ("Home Care and Support DPS", "Q2 2023", "Outstanding", 6.7),
    ("Home Care and Support DPS", "Q2 2023", "Good", 80.0),
    ("Home Care and Support DPS", "Q2 2023", "Requires Improvement", 13.3),
    ("Home Care and Support DPS", "Q2 2023", "Inadequate", 0.0),
    ("Home Care and Support DPS", "Q2 2023", "Not inspected", 0.0),
]


def test_rotherham_2018_column_does_not_sum_to_100_and_is_kept_as_published():
    published = pd.DataFrame(ROTHERHAM_PUBLISHED, columns=["source", "period", "category",
                                                           "percent"])  # fmt: skip
    published["line"] = range(2, 2 + len(published))
    sums, issues = check_published(published, "rotherham.csv")
    by_period = sums.set_index("period")
    # 7.95 + 38.50 + 30.80 + 7.95 + 15.40 = 100.60; 6.7 + 80 + 13.3 + 0 + 0 = 100
    assert by_period.loc["2018", "percent_total"] == pytest.approx(100.60)
    assert not by_period.loc["2018", "sums_to_100"]
    assert by_period.loc["Q2 2023", "percent_total"] == pytest.approx(100.0)
    assert by_period.loc["Q2 2023", "sums_to_100"]
    assert issues["code"].tolist() == ["distribution_not_100"]
    assert issues["severity"].tolist() == ["warning"]
    assert "100.60%" in issues["message"][0] and "not rescaled" in issues["message"][0]
    assert issues["message"][0].startswith("rotherham.csv line 2:")
    # the figures are not touched: still 7.95% and 38.50%
    assert published["percent"].tolist()[:2] == [7.95, 38.50]
    # 38.50% and 30.80% are 5 and 4 of 13 services (38.46%, 30.77%), but 7.95% is a whole
    # count of no 13 (1 / 13 = 7.69%): with 7.69 the column would add up to 100
    assert whole_counts(38.5, 13, 1) == [5] and whole_counts(30.8, 13, 1) == [4]
    assert whole_counts(7.95, 13, 2) == []
    assert whole_counts(7.69, 13, 2) == [1]


def test_rotherham_dps_2023_distribution_from_ratings():
    # 15 services on the DPS in Q2 2023: 1 Outstanding, 12 Good, 2 Requires improvement
    ratings_2023 = ["Outstanding"] + ["Good"] * 12 + ["Requires improvement"] * 2
    register = pd.DataFrame(
        {
            "registration_number": [f"1-{i:09d}" for i in range(15)],
            "service_type": "Home care",
        }
    )
    ratings = pd.DataFrame(
        {
            "registration_number": register["registration_number"],
            "regulator": "CQC",
            "theme": "",
            "rating": ratings_2023,
            "date": pd.Timestamp("2023-05-10"),
        }
    )
    # two of them had an older rating in 2021: only the latest on 31 Dec 2023 counts
    older = ratings.iloc[:2].assign(rating="Inadequate", date=pd.Timestamp("2021-03-01"))
    clean, _ = read_ratings(pd.concat([ratings, older], ignore_index=True))
    by_year = distribution_over_time(clean, register, {})
    y2023 = by_year[by_year["period"] == "2023"].set_index("rating")
    assert y2023.loc["Outstanding", "percent"] == 6.7  # 1 / 15 = 6.67%
    assert y2023.loc["Good", "percent"] == 80.0  # 12 / 15
    assert y2023.loc["Requires improvement", "percent"] == 13.3  # 2 / 15 = 13.33%
    assert "Inadequate" not in y2023.index
    assert y2023["share"].sum() == pytest.approx(1.0)
    y2021 = by_year[by_year["period"] == "2021"]
    assert y2021["rating"].tolist() == ["Inadequate"] and y2021["count"].tolist() == [2]
