"""Outputs that cannot hurt, complete or absent.

A run built from hostile provider names writes no CSV cell a spreadsheet would run; a run
that fails while writing leaves neither its output folder nor its temporary folder; an
existing output folder is refused unless replaced whole, and then nothing of it survives.
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

from costofcare.cli import main
from costofcare.csvout import defuse_frame, defuse_text, write_csv
from costofcare.errors import EXIT_USER_ERROR
from costofcare.examples import generate_market, write_market
from costofcare.pipeline import run, write_run
from costofcare.pipeline.write import OutputFolderError

HOSTILE = {
    "home_care": '=HYPERLINK("http://evil.example","click")',
    "care_home": "+cmd|' /C calc'!A0",
    "supported_living": "@SUM(1+1)*cmd|' /C calc'!A0",
}
"""One hostile provider name per service type, each starting as a spreadsheet formula."""

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _rename(market, old: str, new: str) -> None:
    """Rename a provider everywhere the example market names it (return and council rows)."""
    for r in market.returns:
        if r.provider == old:
            r.provider = new
            r.values["provider_name"] = new
    for frame in (market.current_rates, market.volumes, market.truth):
        frame.loc[frame["provider"] == old, "provider"] = new


@pytest.fixture(scope="module")
def hostile_market(tmp_path_factory) -> Path:
    """A small example market in which one clean template return per service type carries
    a hostile provider name, with the council's rate and volume rows renamed to match."""
    market = generate_market(seed=7, n_home_care=8, n_care_homes=6, n_supported_living=4)
    spoiled = {e.provider for e in market.entries}
    for service, name in HOSTILE.items():
        clean = next(
            r
            for r in market.returns
            if r.service == service and r.form == "template" and r.provider not in spoiled
        )
        _rename(market, clean.provider, name)
    folder = tmp_path_factory.mktemp("hostile-market")
    write_market(market, folder)
    return folder


@pytest.fixture(scope="module")
def hostile_run(hostile_market, tmp_path_factory):
    """``costofcare run`` on the hostile market: (exit code, output folder)."""
    out = tmp_path_factory.mktemp("hostile-run") / "out"
    args = ["run", str(hostile_market / "run.toml"), "-o", str(out), "--workers", "1"]
    code = main([*args, "--no-progress"])
    return code, out


def _risky(cell: str) -> bool:
    """A cell a spreadsheet would take for a formula (the rule of docs/ingest.md)."""
    return cell.startswith(_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(cell)


def test_no_csv_of_a_hostile_run_holds_a_cell_a_spreadsheet_would_run(hostile_run):
    code, out = hostile_run
    assert code in (0, 3)
    files = sorted(out.rglob("*.csv"))
    names = {str(p.relative_to(out)) for p in files}
    expected = {
        "ingest/values.csv",
        "ingest/issues.csv",
        "ingest/returns.csv",
        "council/rates.csv",
        "council/issues.csv",
        "costs/unit_costs.csv",
        "costs/market_unit_costs.csv",
        "costs/left_out.csv",
        "costs/workforce.csv",
        "scenarios/scenarios.csv",
        "scenarios/by_line.csv",
        "benchmark/positions.csv",
        "benchmark/outliers.csv",
        "benchmark/market_statistics.csv",
    }
    assert expected <= names
    defused = {f"'{name}" for name in HOSTILE.values()}
    seen: dict[str, set[str]] = {}
    for path in files:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        cells = [cell for row in rows for cell in row]
        bad = [cell for cell in cells if _risky(cell)]
        assert bad == [], f"{path.relative_to(out)}: {bad[:3]}"
        seen[str(path.relative_to(out))] = defused & set(cells)
    # the hostile names did reach the tables (defused), so the scan above means something
    for name in (
        "ingest/values.csv",
        "ingest/returns.csv",
        "council/rates.csv",
        "costs/unit_costs.csv",
        "costs/market_unit_costs.csv",
        "costs/workforce.csv",
        "benchmark/positions.csv",
    ):
        assert seen[name] == defused, name


def test_hostile_names_stay_as_typed_outside_the_csv_files(hostile_run):
    _, out = hostile_run
    parquet = pd.read_parquet(out / "ingest" / "values.parquet")
    names = set(parquet.loc[parquet["field"] == "provider_name", "text"])
    assert set(HOSTILE.values()) <= names
    unit_costs = pd.read_csv(out / "costs" / "unit_costs.csv")
    # numbers are numbers: a negative figure is written as -3.5, not '-3.5
    assert pd.api.types.is_numeric_dtype(unit_costs["cost_per_unit"])


def test_the_rule_cell_by_cell():
    cells = ["=1+1", "+44 1234", "-x", "@SUM(A1)", "\tx", "\r=1", "-12.5", "+3", "1e3", "ok", ""]
    assert [defuse_text(c) for c in cells] == [
        "'=1+1",
        "'+44 1234",
        "'-x",
        "'@SUM(A1)",
        "'\tx",
        "'\r=1",
        "-12.5",
        "+3",
        "1e3",
        "ok",
        "",
    ]


def test_numbers_and_dates_are_not_text_and_column_names_are_defused(tmp_path):
    frame = pd.DataFrame(
        {
            "=name": ["=A1", "fine"],
            "change": [-3.5, 2.0],
            "count": [-1, 2],
            "mixed": [-0.25, "-free"],
            "when": pd.to_datetime(["2026-04-01", "2026-04-06"]),
        }
    )
    path = write_csv(frame, tmp_path / "deep" / "t.csv")
    assert path.read_text(encoding="utf-8").splitlines() == [
        "'=name,change,count,mixed,when",
        "'=A1,-3.5,-1,-0.25,2026-04-01",
        "fine,2.0,2,'-free,2026-04-06",
    ]
    clean = pd.DataFrame({"a": ["x"], "b": [-1.0]})
    assert defuse_frame(clean) is clean  # nothing to defuse: no copy


# ------------------------------------------------------------------ complete or absent


def test_a_run_that_fails_while_writing_leaves_nothing(hostile_market, tmp_path, monkeypatch):
    from costofcare.pipeline import write as write_module

    result = run(hostile_market / "run.toml", workers=1)
    out = tmp_path / "out"

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(write_module, "_write_tables", broken)
    with pytest.raises(OSError, match="disk full"):
        write_run(result, out)
    assert list(tmp_path.iterdir()) == []  # no output folder, no temporary folder

    monkeypatch.undo()
    write_run(result, out)
    earlier = sorted(p.relative_to(out) for p in out.rglob("*"))
    monkeypatch.setattr(write_module, "_add_council_files", broken)  # the very last step
    with pytest.raises(OSError, match="disk full"):
        write_run(result, out, replace=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # the earlier run kept
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == earlier


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_an_existing_folder_is_refused_and_replaced_whole_only_when_asked(
    hostile_market, hostile_run, tmp_path, capsys
):
    _, first = hostile_run
    out = tmp_path / "out"
    inputs = _digests(hostile_market)
    args = ["run", str(hostile_market / "run.toml"), "-o", str(out), "--workers", "1"]
    assert main([*args, "--no-progress"]) in (0, 3)
    capsys.readouterr()
    stale = [out / "providers" / "outcome-old-provider.xlsx", out / "scenarios" / "old.csv"]
    for path in stale:
        path.write_text("from an earlier run", encoding="utf-8")
    written = _digests(out)

    assert main([*args, "--no-progress"]) == EXIT_USER_ERROR
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [
        f"costofcare run: error: output folder {out} already exists and is not empty: "
        "choose a new folder or replace it whole with --replace"
    ]
    assert _digests(out) == written  # refused before any work: nothing touched

    assert main([*args, "--no-progress", "--replace"]) in (0, 3)
    assert not any(path.exists() for path in stale)
    providers = sorted(p.name for p in (out / "providers").iterdir())
    assert providers == sorted(p.name for p in (first / "providers").iterdir())
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary folder left
    assert _digests(hostile_market) == inputs  # inputs never modified


def test_an_empty_folder_is_used_and_a_folder_holding_inputs_never(hostile_market, tmp_path):
    result = run(hostile_market / "run.toml", workers=1)
    empty = tmp_path / "empty"
    empty.mkdir()
    paths = write_run(result, empty)
    assert paths["summary"] == empty / "summary.json" and paths["summary"].is_file()
    with pytest.raises(OutputFolderError, match="holds the input"):
        write_run(result, hostile_market, replace=True)
    with pytest.raises(OutputFolderError, match="inside the returns folder"):
        write_run(result, hostile_market / "returns" / "out", replace=True)
    assert not (hostile_market / "returns" / "out").exists()
