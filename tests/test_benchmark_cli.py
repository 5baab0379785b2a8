"""The ``costofcare benchmark`` verb end to end, with tables made by the test."""

import pandas as pd
import pytest

from costofcare.cli import main
from tests.test_benchmark_market import unit_costs, volumes


@pytest.fixture()
def inputs(tmp_path):
    costs = unit_costs()
    costs.loc[costs["provider"] == "A", "provider"] = '=HYPERLINK("http://x")'
    vols = volumes()
    vols.loc[vols["provider"] == "A", "provider"] = '=HYPERLINK("http://x")'
    costs.to_csv(tmp_path / "unit_costs.csv", index=False)
    vols.to_csv(tmp_path / "volumes.csv", index=False)
    pd.DataFrame(
        {
            "authority": ["Rotherham", "Sheffield", "Wigan", "Barnsley", "Doncaster"],
            "population_65_plus": [50, 100, 60, 45, 58],
            "imd_score": [30, 28, 25, 31, 29],
        }
    ).to_csv(tmp_path / "characteristics.csv", index=False)
    return tmp_path


def test_market_tables_and_coverage(inputs, capsys):
    out = inputs / "out"
    code = main(
        [
            "benchmark",
            "--unit-costs", str(inputs / "unit_costs.csv"),
            "--volumes", str(inputs / "volumes.csv"),
            "--rate", "home_care=19",
            "--proposed-rate", "home_care=20.5",
            "-o", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    # 19.00 covers 16, 17.5 and 19; 20.50 adds 20.5 (hours 100 + 300 + 200 + 400 of 1050)
    assert "current rate 19.00 covers 3 of 5 providers (60%), 57% of volume" in printed
    assert "proposed rate 20.50 covers 4 of 5 providers (80%), 95% of volume" in printed
    stats = pd.read_csv(out / "market_statistics.csv")
    total = stats[(stats["cost_line"] == "Total") & (stats["weighting"] == "unweighted")]
    assert total["median"].tolist() == [19.0, 18.25]  # with and without the outlier
    assert (out / "outliers.csv").exists() and (out / "rate_coverage.csv").exists()
    positions = pd.read_csv(out / "provider_positions.csv")
    # provider text that a spreadsheet would run as a formula is written as plain text
    assert '\'=HYPERLINK("http://x")' in set(positions["provider"])


def test_comparators_with_neighbours(inputs, capsys):
    out = inputs / "out"
    code = main(
        [
            "benchmark",
            "--our-rate", "care_home_residential_65=760",
            "--authority", "Doncaster",
            "--region", "Yorkshire and the Humber",
            "--to", "2025-26",
            "--characteristics", str(inputs / "characteristics.csv"),
            "--neighbours", "2",
            "-o", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "nearest neighbours of Doncaster:" in printed
    summary = pd.read_csv(out / "comparator_summary.csv")
    assert summary["group"].tolist() == ["all comparators", "nearest neighbours"]
    # shipped provider-fee rates for 65+ residential (latest per authority)
    assert summary.loc[0, "comparators"] == 6
    assert set(pd.read_csv(out / "comparators.csv")["roll_status"]) >= {"rolled"}


def test_user_mistakes_get_one_clear_line(inputs, capsys):
    code = main(["benchmark", "--our-rate", "home_care", "-o", str(inputs / "o")])
    assert code == 2
    assert "--our-rate 'home_care': write NAME=NUMBER" in capsys.readouterr().err
    code = main(["benchmark", "--unit-costs", str(inputs / "missing.csv"), "-o", str(inputs / "o")])
    assert code == 2
    assert "unit costs file" in capsys.readouterr().err
    code = main(
        ["benchmark", "--our-rate", "home_care=20", "--to", "2040-41", "-o", str(inputs / "o")]
    )
    assert code == 2
    assert "no index level for 2040-04" in capsys.readouterr().err


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        main(["benchmark", "--help"])
    text = capsys.readouterr().out
    assert "examples:" in text and "QUARTILE.INC" in text
