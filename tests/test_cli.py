"""The command line as a user meets it: help, mistakes, percentages, progress and counts."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from costofcare.cli import EPILOG, main, progress_wanted
from costofcare.configtools import fraction_text
from costofcare.errors import ConfigError
from costofcare.pipeline.steps import returns_left_out
from costofcare.recommend.config import parse_service
from costofcare.scenarios.config import config_from_dict

ROOT = Path(__file__).resolve().parents[1]
TARGET = {"start": "2026-04-01", "end": "2027-03-31"}


def test_every_path_in_the_top_level_help_exists():
    paths = re.findall(r"workbooks/\S+", EPILOG)
    assert paths, "the examples name the bundled files"
    for path in paths:
        assert (ROOT / path).exists(), path


def test_a_misspelt_verb_gets_a_suggestion(capsys):
    assert main(["ingset", "returns/"]) == 2
    err = capsys.readouterr().err
    assert "'ingset' is not a command; did you mean 'ingest'?" in err


def test_a_word_nothing_like_a_verb_lists_the_verbs(capsys):
    assert main(["--debug", "frobnicate"]) == 2
    err = capsys.readouterr().err
    assert "'frobnicate' is not a command; the commands are: params, template" in err


@pytest.mark.parametrize(
    "argv",
    [["--debug", "params", "--on", "2025-13-01"], ["params", "--on", "2025-13-01", "--debug"]],
)
def test_debug_before_or_after_the_verb_shows_the_traceback(argv):
    from costofcare.errors import UserError

    with pytest.raises(UserError, match="is not a date"):
        main(argv)


def test_without_debug_a_mistake_is_one_line(capsys):
    assert main(["params", "--on", "2025-13-01"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is not a date" in err[0]


def test_help_shows_a_single_percent_sign(capsys):
    with pytest.raises(SystemExit):
        main(["ingest", "--help"])
    out = capsys.readouterr().out
    assert '"12.5%"' in out and "%%" not in out


def test_progress_bar_only_on_a_terminal(monkeypatch):
    import argparse
    import sys

    class Stream:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

    monkeypatch.setattr(sys, "stderr", Stream(False))
    assert not progress_wanted(argparse.Namespace(no_progress=False))
    monkeypatch.setattr(sys, "stderr", Stream(True))
    assert progress_wanted(argparse.Namespace(no_progress=False))
    assert not progress_wanted(argparse.Namespace(no_progress=True))


def test_a_return_left_out_for_two_reasons_is_counted_once():
    left_out = pd.DataFrame(
        {
            "return_id": ["a", "b", "a"],
            "code": ["left_out_with_errors", "left_out_with_errors", "unit_cost_not_computed"],
        }
    )
    assert returns_left_out(left_out) == 2


# ------------------------------------------------------------------- "10%" for a fraction


@pytest.mark.parametrize(
    ("text", "fraction"),
    [("10%", 10 / 100), ("12.5 %", 12.5 / 100), ("-2%", -2 / 100), (".5%", 0.5 / 100)],
)
def test_percent_text_is_a_fraction(text, fraction):
    assert fraction_text(text) == pytest.approx(fraction)


def test_other_text_is_left_for_the_caller():
    assert fraction_text("CPI:2025-09") == "CPI:2025-09"
    assert fraction_text("10 percent") == "10 percent"


def test_scenario_config_takes_percentages_where_it_takes_fractions():
    config = config_from_dict(
        {
            "target": TARGET,
            "budget": {"volume_growth_per_year": "2%"},
            "oncosts": {"pension_employer_rate": "3%"},
            "scenario": [
                {"name": "rise", "wage": {"policy": "pay_increase", "pay_increase": "4.5%"}}
            ],
        }
    )
    assert config.settings.volume_growth_per_year == pytest.approx(0.02)
    assert config.settings.pension_employer_rate == pytest.approx(0.03)
    assert config.scenarios[0].wage.pay_increase == pytest.approx(0.045)


def test_a_percentage_out_of_range_is_still_refused():
    with pytest.raises(ConfigError, match="oncosts.pension_employer_rate: 1.5 is above"):
        config_from_dict({"target": TARGET, "oncosts": {"pension_employer_rate": "150%"}})


RECOMMEND = {
    "method": "percentile",
    "effective_date": "2026-04-06",
    "base_date": "2024-04-06",
    "price_change": "CPI:2025-09",
}


def test_recommend_config_takes_percentages_where_it_takes_fractions():
    config = parse_service(
        "home_care", {**RECOMMEND, "percentile": "50%", "wage_change": "4%", "uplift_max": "15%"}
    )
    assert config.method.percentile == pytest.approx(0.5)
    assert config.wage_change == pytest.approx(0.04)
    assert config.uplift_max == pytest.approx(0.15)
    assert config.price_change == "CPI:2025-09"


def test_a_misspelt_recommend_key_gets_a_suggestion():
    with pytest.raises(ConfigError, match="uplfit_max; did you mean 'uplift_max'"):
        parse_service("home_care", {**RECOMMEND, "uplfit_max": 0.1})


def test_run_config_takes_a_percentage_for_standard_occupancy(tmp_path):
    from costofcare.pipeline.config import _settings

    occupancy, _, _ = _settings(tmp_path / "run.toml", {"standard_occupancy": "95%"})
    assert occupancy == pytest.approx(0.95)
    with pytest.raises(ConfigError, match="standard_occupancy must be above 0 and at most 1"):
        _settings(tmp_path / "run.toml", {"standard_occupancy": "105%"})
