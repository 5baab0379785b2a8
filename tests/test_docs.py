"""The documentation covers every config key and driver, and every CLI verb explains itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from costofcare import pipeline
from costofcare.cli import build_parser
from costofcare.costs import drivers
from costofcare.recommend import config as recommend_config
from costofcare.scenarios import config as scenario_config

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _missing(keys, page: str) -> list[str]:
    """Keys the page never names: as `key`, as key = ... in a TOML example, or as a table [key]."""
    text = (DOCS / page).read_text(encoding="utf-8")
    return sorted(
        k for k in keys if not re.search(rf"(?<![A-Za-z0-9_]){re.escape(k)}(?![A-Za-z0-9_])", text)
    )


def test_run_config_keys_are_documented():
    assert not _missing(pipeline.RUN_KEYS, "pipeline.md")


def test_scenario_config_keys_are_documented():
    keys = set()
    for name in dir(scenario_config):
        if name.endswith("_KEYS"):
            keys |= set(getattr(scenario_config, name))
    assert keys
    assert not _missing(keys, "scenarios.md")


def test_recommend_config_keys_are_documented():
    assert not _missing(recommend_config.KNOWN_KEYS, "recommend.md")


def test_price_drivers_are_documented():
    keys = set()
    for name in ("_COMMON_KEYS", "_HOURLY_KEYS", "_CARE_HOME_KEYS"):
        keys |= set(getattr(drivers, name))
    assert keys
    assert not _missing(keys, "costs.md")


def _verbs():
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


@pytest.mark.parametrize("verb", sorted(_verbs()))
def test_every_verb_has_help_with_examples(verb):
    sub = _verbs()[verb]
    text = sub.format_help()
    assert "example" in text.lower(), verb
    assert sub.description, verb


def test_methods_page_covers_each_calculation():
    text = (DOCS / "methods.md").read_text(encoding="utf-8")
    for heading in (
        "Reported unit cost",
        "Standard occupancy",
        "Employer National Insurance",
        "Employer pension",
        "Holiday pay",
        "Statutory Sick Pay",
        "Wage policies and differentials",
        "Indexation",
        "Weighted index",
        "Budget impact",
        "Quartiles",
        "Outliers",
        "Nearest neighbours",
        "Wage floor guardrail",
        "Fit to a budget",
    ):
        assert f"## {heading}" in text, heading
