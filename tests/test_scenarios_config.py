"""Scenario configs and the ``costofcare scenarios`` verb: strict keys, clear messages."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from costofcare.cli import main
from costofcare.errors import ConfigError
from costofcare.scenarios import load_config
from costofcare.scenarios.config import config_from_dict

EXAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "examples" / "scenarios.toml"
TARGET = {"start": "2026-04-01", "end": "2027-03-31"}


def test_typo_in_a_key_names_it_and_the_close_match():
    with pytest.raises(ConfigError) as err:
        config_from_dict({"target": TARGET, "defaults": {"wage": {"diferential": "pence"}}})
    assert "unknown key 'diferential' in [defaults.wage]; did you mean 'differential'?" in str(
        err.value
    )


def test_unknown_top_level_table():
    with pytest.raises(ConfigError, match="unknown key 'scenarios' in \\[top level\\]; did you"):
        config_from_dict({"target": TARGET, "scenarios": []})


def test_bad_choice_lists_what_is_allowed():
    with pytest.raises(ConfigError, match="'keep' is not a differential rule; allowed: percent"):
        config_from_dict({"target": TARGET, "defaults": {"wage": {"differential": "keep"}}})


def test_grid_option_typo():
    with pytest.raises(ConfigError, match="unknown grid option 'wage.polcy'; did you mean"):
        config_from_dict({"target": TARGET, "grid": {"wage": {"polcy": ["x"]}}})


def test_month_and_date_formats():
    with pytest.raises(ConfigError, match="indexation.from: 'Sept 2025' is not a month"):
        config_from_dict({"target": TARGET, "defaults": {"indexation": {"from": "Sept 2025"}}})
    with pytest.raises(ConfigError, match="target.start: '1/4/2026' is not a date"):
        config_from_dict({"target": {"start": "1/4/2026", "end": "2027-03-31"}})


def test_monte_carlo_distribution_checked():
    with pytest.raises(ConfigError, match="monte_carlo.inputs.index.CPI: a normal distribution"):
        config_from_dict(
            {
                "target": TARGET,
                "monte_carlo": {"inputs": {"index": {"CPI": {"dist": "normal", "mean": 0.03}}}},
            }
        )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.toml"
    example_dir = EXAMPLE.parent / "scenarios"
    path.write_text(textwrap.dedent(text).replace("DIR", example_dir.as_posix()), encoding="utf-8")
    return path


def test_cli_unknown_index_fails_before_work(tmp_path, capsys):
    path = write(
        tmp_path,
        """
        [inputs]
        unit_costs = "DIR/unit_costs.csv"
        workforce = "DIR/workforce.csv"
        [target]
        start = 2026-04-01
        end = 2027-03-31
        [defaults]
        indexation = { index = "CPII", from = "2025-03", to = "2026-03" }
        """,
    )
    out = tmp_path / "out"
    assert main(["scenarios", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "unknown index 'CPII'; allowed: CPI, CPIH, RPI" in err
    assert not out.exists()


def test_cli_month_outside_data(tmp_path, capsys):
    path = write(
        tmp_path,
        """
        [inputs]
        unit_costs = "DIR/unit_costs.csv"
        workforce = "DIR/workforce.csv"
        [target]
        start = 2026-04-01
        end = 2027-03-31
        [defaults]
        indexation = { index = "CPI", from = "2029-03", to = "2030-03" }
        """,
    )
    assert main(["scenarios", str(path), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "CPI has no level for 2029-03, 2030-03; it covers" in err
    assert "add a forecast path under [series]" in err


def test_cli_runs_the_example(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["scenarios", str(EXAMPLE), "-o", str(out), "--runs", "500"]) == 0
    results = pd.read_csv(out / "scenarios.csv")
    config = load_config(EXAMPLE)
    assert len(results) == len(config.scenarios) * 3  # three provider-service units
    assert set(results["scenario"]) == {s.name for s in config.scenarios}
    for name in ("by_line.csv", "budget.csv", "monte_carlo_summary.csv", "summary.md"):
        assert (out / name).exists(), name
    mc = pd.read_csv(out / "monte_carlo_summary.csv")
    assert (mc["required_rate_p10"] <= mc["required_rate_p50"]).all()
    assert (mc["required_rate_p50"] <= mc["required_rate_p90"]).all()
    assert "Monte Carlo" in capsys.readouterr().out


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["scenarios", "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "costofcare scenarios workbooks/examples/scenarios.toml -o out/scenarios" in text
