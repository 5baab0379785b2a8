"""Complete or absent, never stale, for the standalone commands: ``costofcare scenarios``,
``benchmark`` and ``ingest -o`` write through the same output folder as ``run``
(:mod:`costofcare.outfolder`): a non-empty folder is refused unless ``--replace`` replaces it
whole, a command that fails while writing leaves nothing, and inputs are never modified
(hashed before and after).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from costofcare.cli import main
from costofcare.errors import EXIT_USER_ERROR
from costofcare.examples import generate_market, write_market
from costofcare.outfolder import OutputFolderError, check_output_folder, output_folder
from tests.test_benchmark_market import unit_costs, volumes

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "workbooks" / "examples" / "scenarios.toml"


def _digests(*paths: Path) -> dict[str, str]:
    files = [f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*")))]
    return {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.is_file()}


def _refused_then_replaced(args: list[str], out: Path, capsys, command: str) -> None:
    """``args`` written into ``out``; a stale file added; the same command refused (nothing
    touched), then replaced whole with --replace (the stale file gone, no temporary
    folder left beside ``out``)."""
    assert main(args) in (0, 3)
    stale = out / "from-an-earlier-run.csv"
    stale.write_text("old", encoding="utf-8")
    before = _digests(out)
    capsys.readouterr()
    assert main(args) == EXIT_USER_ERROR
    assert capsys.readouterr().err.strip() == (
        f"costofcare {command}: error: output folder {out} already exists and is not empty: "
        "choose a new folder or replace it whole with --replace"
    )
    assert _digests(out) == before
    assert main([*args, "--replace"]) in (0, 3)
    assert not stale.exists()
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")] == []


def _fails_midway(monkeypatch, module, name: str) -> None:
    """``module.name`` (a writer) works once, then fails as a full disk would."""
    real = getattr(module, name)
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)


def test_scenarios(tmp_path, capsys, monkeypatch):
    from costofcare.scenarios import commands

    inputs = [SCENARIOS, SCENARIOS.parent / "scenarios"]
    before = _digests(*inputs)
    out = tmp_path / "out"
    args = ["scenarios", str(SCENARIOS), "-o", str(out), "--runs", "50"]
    _refused_then_replaced(args, out, capsys, "scenarios")
    assert {"scenarios.csv", "by_line.csv", "budget.csv", "summary.json"} <= {
        p.name for p in out.iterdir()
    }
    _fails_midway(monkeypatch, commands, "write_csv")
    with pytest.raises(OSError, match="disk full"):
        main(["scenarios", str(SCENARIOS), "-o", str(tmp_path / "failed"), "--runs", "50"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing half-written
    assert _digests(*inputs) == before


def test_benchmark(tmp_path, capsys, monkeypatch):
    from costofcare.benchmark import commands

    folder = tmp_path / "inputs"
    folder.mkdir()
    unit_costs().to_csv(folder / "unit_costs.csv", index=False)
    volumes().to_csv(folder / "volumes.csv", index=False)
    before = _digests(folder)
    out = tmp_path / "out"
    args = [
        "benchmark",
        "--unit-costs", str(folder / "unit_costs.csv"),
        "--volumes", str(folder / "volumes.csv"),
        "--rate", "home_care=19",
        "-o", str(out),
    ]  # fmt: skip
    _refused_then_replaced(args, out, capsys, "benchmark")
    assert (out / "market_statistics.csv").is_file() and (out / "rate_coverage.csv").is_file()
    _fails_midway(monkeypatch, commands, "write_csv")
    with pytest.raises(OSError, match="disk full"):
        main([*args[:-1], str(tmp_path / "failed")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inputs", "out"]
    assert main([*args[:-1], str(folder)]) == EXIT_USER_ERROR  # the folder of its inputs
    assert "holds the input" in capsys.readouterr().err
    assert _digests(folder) == before


def test_ingest(tmp_path, capsys, monkeypatch):
    from costofcare.ingest import outputs

    market = generate_market(seed=3, n_home_care=2, n_care_homes=1, n_supported_living=1)
    write_market(market, tmp_path / "market")
    returns = tmp_path / "market" / "returns"
    before = _digests(returns)
    out = tmp_path / "out"
    args = ["ingest", str(returns), "-o", str(out), "--workers", "1", "--no-progress"]
    _refused_then_replaced(args, out, capsys, "ingest")
    shown = capsys.readouterr().out
    assert f"{out / 'validation.xlsx'}" in shown  # where each file went, not the staging
    assert {"values.csv", "issues.csv", "returns.csv", "validation.xlsx"} <= {
        p.name for p in out.iterdir()
    }
    monkeypatch.setattr(outputs, "_finish", _raise_disk_full)  # after the values are written
    with pytest.raises(OSError, match="disk full"):
        main([*args[:3], str(tmp_path / "failed"), *args[4:]])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["market", "out"]
    assert main([*args[:3], str(returns), *args[4:]]) == EXIT_USER_ERROR
    assert "holds the input" in capsys.readouterr().err
    assert _digests(returns) == before


def _raise_disk_full(*args, **kwargs):
    raise OSError("disk full")


def test_the_output_folder_rules(tmp_path):
    inputs = tmp_path / "inputs"
    (inputs / "sub").mkdir(parents=True)
    (inputs / "a.csv").write_text("a\n", encoding="utf-8")
    with pytest.raises(OutputFolderError, match="is inside the returns folder"):
        check_output_folder(inputs / "sub" / "out", inputs=[inputs])
    with pytest.raises(OutputFolderError, match="is inside the input folder"):
        check_output_folder(inputs / "sub" / "out", inputs=[inputs / "a.csv", inputs / "sub"])
    with pytest.raises(OutputFolderError, match="is a file"):
        check_output_folder(inputs / "a.csv")
    out = tmp_path / "out"
    with output_folder(out) as staging:
        (staging / "x.txt").write_text("1", encoding="utf-8")
        assert not out.exists()  # nothing there until the block ends
    assert (out / "x.txt").read_text(encoding="utf-8") == "1"
    with pytest.raises(KeyboardInterrupt), output_folder(out, replace=True) as staging:
        (staging / "y.txt").write_text("2", encoding="utf-8")
        raise KeyboardInterrupt
    assert sorted(p.name for p in out.iterdir()) == ["x.txt"]  # the earlier output kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inputs", "out"]
    shutil.rmtree(out)
