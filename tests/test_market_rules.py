"""RAG rules and score bands as data: closed operators, edges, missing, stale, overrides."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from costofcare.errors import ConfigError
from costofcare.market import assess, parse_band_set, parse_rag

REGISTER = pd.DataFrame(
    {
        "registration_number": ["A", "B", "C", "D"],
        "provider": ["Ash Care", "Birch Care", "Cedar Care", "Damson Care"],
        "service": ["home_care", "care_home", "care_home", "home_care"],
        "service_type": ["Home care", "Care home", "Care home", "Home care"],
    }
)
RULES = {
    "combine": "worst",
    "missing": "amber",
    "stale": "amber",
    "max_rating_age_days": 365,
    "rule": [
        {
            "indicator": "cqc_rating",
            "red": {"in": ["Inadequate"]},
            "amber": {"in": ["Requires improvement"]},
            "green": {"in": ["Good", "Outstanding"]},
        },
        {
            "indicator": "safeguarding_decisions",
            "red": {"at_least": 3},
            "amber": {"at_least": 1, "at_most": 2},
            "green": {"at_most": 0},
        },
        {
            "indicator": "food_hygiene_rating",
            "red": {"at_most": 2},
            "green": {"at_least": 3},
            "missing": "ignore",
        },
    ],
}


def _indicators(rows):
    frame = pd.DataFrame(rows, columns=["registration_number", "indicator", "value", "date"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


INDICATORS = _indicators(
    [
        ("A", "cqc_rating", "Good", "2025-06-01"),
        ("A", "safeguarding_decisions", "0", "2026-03-01"),
        ("B", "cqc_rating", "Good", "2025-01-01"),  # 454 days before 2026-03-31: stale
        ("B", "safeguarding_decisions", "3", "2026-03-01"),  # on the red edge
        ("B", "food_hygiene_rating", "2", "2026-01-10"),
        ("C", "cqc_rating", "requires  IMPROVEMENT", "2025-09-01"),  # case and spaces
        ("C", "safeguarding_decisions", "2", "2025-01-01"),  # an older value ...
        ("C", "safeguarding_decisions", "0", "2026-02-01"),  # ... and the latest
        ("C", "food_hygiene_rating", "5", "2026-01-10"),
        ("D", "cqc_rating", "Outstanding", "2025-11-01"),
        ("D", "safeguarding_decisions", "a few", "2026-02-01"),  # not a number
    ]
)


def test_worst_result_with_every_reason():
    rules = parse_rag(RULES, "[market.rag]", {})
    rag, details, issues = assess(REGISTER, INDICATORS, rules, dt.date(2026, 3, 31))
    got = rag.set_index("registration_number")
    # A: Good, 0 decisions, no food rating (ignored) -> green
    assert got.loc["A", "rag"] == "green"
    assert got.loc["A", "reasons"] == "every indicator green"
    # B: Good but stale (amber), 3 decisions (red: at least 3), food 2 (red) -> red
    assert got.loc["B", "rag"] == "red"
    assert "dated 2025-01-01 is 454 days old, over 365: amber" in got.loc["B", "reasons"]
    assert "safeguarding_decisions '3' is red (at least 3)" in got.loc["B", "reasons"]
    assert "food_hygiene_rating '2' is red (at most 2)" in got.loc["B", "reasons"]
    # C: requires improvement (amber), latest decisions 0 (green), food 5 (green) -> amber
    assert got.loc["C", "rag"] == "amber"
    assert got.loc["C", "reasons"].startswith("cqc_rating 'requires  IMPROVEMENT' is amber")
    # D: outstanding, but "a few" decisions cannot be compared: missing -> amber
    assert got.loc["D", "rag"] == "amber"
    assert issues["code"].tolist().count("unreadable_indicator") == 1
    assert issues["code"].tolist().count("stale_rating") == 1
    c_safeguarding = details[
        (details["registration_number"] == "C") & (details["indicator"] == "safeguarding_decisions")
    ].iloc[0]
    assert (c_safeguarding["value"], c_safeguarding["result"]) == ("0", "green")


def test_override_sets_the_result_and_keeps_the_rules_result():
    raw = dict(RULES)
    raw["override"] = [
        {
            "registration_number": "B",
            "rag": "amber",
            "reason": "Action plan met",
            "date": dt.date(2026, 3, 20),
        }  # fmt: skip
    ]
    rules = parse_rag(raw, "[market.rag]", {})
    rag, _, _ = assess(REGISTER, INDICATORS, rules, dt.date(2026, 3, 31))
    b = rag.set_index("registration_number").loc["B"]
    assert (b["rag_by_rules"], b["rag"]) == ("red", "amber")
    assert b["override_reason"] == "Action plan met"
    assert b["override_date"] == pd.Timestamp("2026-03-20")


@pytest.mark.parametrize(
    "override, words",
    [
        ({"registration_number": "B", "rag": "amber", "date": dt.date(2026, 1, 1)},
         "'reason' is required"),
        ({"registration_number": "B", "rag": "amber", "reason": "x", "date": "soon"},
         "override[0].date: a date"),
        ({"registration_number": "B", "rag": "purple", "reason": "x",
          "date": dt.date(2026, 1, 1)}, "override[0].rag: one of red, amber, green"),
    ],
)  # fmt: skip
def test_an_override_needs_a_reason_a_date_and_a_result(override, words):
    with pytest.raises(ConfigError, match=words.replace("[", r"\[").replace("]", r"\]")):
        parse_rag({**RULES, "override": [override]}, "[market.rag]", {})


def test_missing_means_what_the_config_says():
    rules = parse_rag({**RULES, "missing": "red"}, "[market.rag]", {})
    register = REGISTER.iloc[:1]
    rag, _, _ = assess(register, INDICATORS.iloc[:0], rules, None)
    # cqc_rating and safeguarding missing -> red; food_hygiene_rating missing -> ignored
    assert rag["rag"].tolist() == ["red"]
    assert rag["reasons"][0] == "cqc_rating missing: red; safeguarding_decisions missing: red"


def test_score_combination_bands_the_sum_of_points():
    bands = parse_band_set(
        {
            "name": "risk",
            "direction": "lower_is_better",
            "band": [
                {"label": "low", "below": 2, "rag": "green"},
                {"label": "medium", "from": 2, "below": 5, "rag": "amber"},
                {"label": "high", "from": 5, "rag": "red"},
            ],
        },
        "[market].bands[0]",
    )
    raw = {**RULES, "combine": "score", "points": {"green": 0, "amber": 2, "red": 5},
           "score_bands": "risk"}  # fmt: skip
    rules = parse_rag(raw, "[market.rag]", {"risk": bands})
    rag, _, _ = assess(REGISTER, INDICATORS, rules, dt.date(2026, 3, 31))
    got = rag.set_index("registration_number")
    assert got.loc["A", "score"] == 0 and got.loc["A", "rag"] == "green"
    # B: stale amber 2 + red 5 + red 5 = 12 -> high
    assert got.loc["B", "score"] == 2 + 5 + 5 and got.loc["B", "rag"] == "red"
    # C: amber 2 + green 0 + green 0 = 2 -> medium (2 is the edge: in "from 2")
    assert got.loc["C", "score"] == 2 and got.loc["C", "rag"] == "amber"
    assert [b.label for b in bands.bands] == ["low", "medium", "high"]  # best first


@pytest.mark.parametrize(
    "condition, words",
    [
        ({"expr": "value > 3"}, "unknown operator 'expr'; the operators are in, at_least, "
                                "at_most"),
        ({"at_least": "3"}, "at_least: a number is needed"),
        ({"in": "Good"}, "in: a list of values is needed"),
        ({}, "a condition is a table"),
    ],
)  # fmt: skip
def test_only_the_closed_operators_are_read(condition, words):
    raw = {"rule": [{"indicator": "x", "red": condition}]}
    with pytest.raises(ConfigError) as caught:
        parse_rag(raw, "[market.rag]", {})
    assert words in str(caught.value)
    assert "[market.rag].rule[0].red" in str(caught.value)


def test_text_that_looks_like_code_is_only_ever_compared():
    rules = parse_rag(
        {
            "rule": [
                {
                    "indicator": "x",
                    "red": {"in": ["__import__('os').system('echo')"]},
                    "green": {"in": ["no"]},
                }
            ]
        },  # fmt: skip
        "[market.rag]",
        {},
    )
    rows = _indicators([("A", "x", "__import__('os').system('echo')", "2026-01-01")])
    rag, _, _ = assess(REGISTER.iloc[:1], rows, rules, None)
    assert rag["rag"].tolist() == ["red"]  # equal text, nothing run


def test_two_rules_for_one_indicator_are_refused():
    raw = {"rule": [{"indicator": "x", "red": {"in": ["y"]}}] * 2}
    with pytest.raises(ConfigError, match="indicator 'x' has two rules"):
        parse_rag(raw, "[market.rag]", {})


# ---------------------------------------------------------------------------- bands
def _bands(*band, direction="higher_is_better"):
    return {"name": "s", "indicator": "score", "direction": direction, "band": list(band)}


def test_a_gap_between_bands_is_refused_naming_both():
    raw = _bands({"label": "low", "below": 0.6}, {"label": "high", "from": 0.61})
    with pytest.raises(ConfigError) as caught:
        parse_band_set(raw, "[market].bands[0]")
    assert str(caught.value) == (
        "[market].bands[0]: a gap between band 'low' (below 0.6) and band 'high' (from 0.61): "
        "values in between land in no band"
    )


def test_overlapping_bands_are_refused():
    raw = _bands({"label": "low", "below": 0.7}, {"label": "high", "from": 0.6})
    with pytest.raises(ConfigError, match="bands 'low' and 'high' overlap \\(0.6 to 0.7"):
        parse_band_set(raw, "[market].bands[0]")


def test_direction_must_be_stated():
    raw = _bands({"label": "all", "from": 0}, direction="up")
    with pytest.raises(ConfigError, match="direction: say 'higher_is_better' or"):
        parse_band_set(raw, "[market].bands[0]")


def test_a_value_on_an_edge_lands_in_one_band_and_outside_values_are_counted_apart():
    bands = parse_band_set(
        _bands(
            {"label": "low", "from": 0, "below": 0.5}, {"label": "high", "from": 0.5, "below": 1.0}
        ),  # fmt: skip
        "[market].bands[0]",
    )
    assert bands.band_of(0.5).label == "high"
    assert bands.band_of(0.4999).label == "low"
    assert bands.band_of(1.0) is None and bands.band_of(math.nan) is None
    counts = bands.counts(pd.Series([0.0, 0.5, 0.5, 1.2]))
    assert counts["band"].tolist() == ["high", "low", "outside the bands"]
    assert counts["count"].tolist() == [2, 1, 1]
    assert counts["share"].tolist() == [2 / 4, 1 / 4, 1 / 4]
