"""The audit trail: manifest.json, byte-identical reruns, ``costofcare verify`` and the trace
from a unit cost line back to the return cells it came from.

Every case is built here on a small seeded example market written to a temporary folder,
so inputs can be changed without touching the committed examples.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from costofcare.audit import verify
from costofcare.cli import main
from costofcare.examples import generate_market, write_market
from costofcare.pipeline import run, write_run

EPOCH = 1767225600  # 2026-01-01T00:00:00Z
WRITTEN = "2026-01-01T00:00:00+00:00"


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def market(tmp_path_factory) -> Path:
    """A small example market: run.toml, returns/, the council's files."""
    folder = tmp_path_factory.mktemp("audit-market")
    generated = generate_market(seed=7, n_home_care=8, n_care_homes=6, n_supported_living=4)
    write_market(generated, folder)
    return folder


@pytest.fixture(scope="module")
def two_runs(market, tmp_path_factory):
    """``costofcare run`` twice on the same inputs into two folders, SOURCE_DATE_EPOCH set;
    the digests of the inputs before and after."""
    root = tmp_path_factory.mktemp("audit-runs")
    before = _digests(market)
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    try:
        for name in ("a", "b"):
            args = ["run", str(market / "run.toml"), "-o", str(root / name), "--workers", "1"]
            assert main([*args, "--no-progress"]) in (0, 3)
    finally:
        mp.undo()
    return root / "a", root / "b", before, _digests(market)


def test_two_runs_give_identical_bytes_and_inputs_are_untouched(two_runs):
    a, b, before, after = two_runs
    assert _digests(a) == _digests(b)
    assert {"recommendation.xlsx", "summary.json", "manifest.json"} <= set(_digests(a))
    assert after == before  # no input modified
    assert json.loads((a / "summary.json").read_text(encoding="utf-8"))["written"] == WRITTEN
    with zipfile.ZipFile(a / "recommendation.xlsx") as book:
        core = book.read("docProps/core.xml").decode()
        assert "2026-01-01T00:00:00Z" in core
        assert {i.date_time[:3] for i in book.infolist()} == {(1980, 1, 31)}


def test_the_manifest_lists_every_input_and_output_with_its_hash(two_runs, market):
    a, *_ = two_runs
    manifest = json.loads((a / "manifest.json").read_text(encoding="ascii"))
    outputs = {e["path"]: e["sha256"] for e in manifest["outputs"]}
    written = _digests(a)
    del written["manifest.json"]  # the manifest does not list itself
    assert outputs == written
    inputs = {Path(e["path"]): e for e in manifest["inputs"]}
    config = inputs[(market / "run.toml").resolve()]
    assert config["role"] == "config"
    assert manifest["config"]["text"] == (market / "run.toml").read_text(encoding="utf-8")
    for name in ("current_rates.csv", "volumes.csv", "comparators.csv"):
        entry = inputs[(market / name).resolve()]
        assert entry["sha256"] == hashlib.sha256((market / name).read_bytes()).hexdigest()
    returns = [e for e in manifest["inputs"] if e["role"] == "return"]
    assert {Path(e["path"]).name for e in returns} == {
        p.name for p in (market / "returns").glob("*.xlsx")
    }
    fernhill = next(
        e for e in returns if e["path"].endswith("HC01_fernhill-home-care-anytown-ltd.xlsx")
    )
    assert (fernhill["template_kind"], fernhill["template_version"]) == ("home_care", "2026.1")
    assert any(
        e["role"] == "package data" and e["path"].endswith("parameters.csv")
        for e in manifest["inputs"]
    )
    used = {p["name"]: p for p in manifest["parameters"]["used"]}
    nlw = used["national_living_wage_hourly"]
    assert {"value", "status", "source_title", "source_url"} <= set(nlw)
    assert nlw["status"] in ("confirmed", "announced", "forecast", "assumption", "override")
    assert manifest["written"] == WRITTEN


def test_verify_passes_then_names_an_edited_output_and_its_figure(two_runs, tmp_path, capsys):
    a, *_ = two_runs
    assert main(["verify", str(a), "--workers", "1"]) == 0
    assert "the same outputs" in capsys.readouterr().out

    edited = tmp_path / "edited"
    shutil.copytree(a, edited)
    path = edited / "costs" / "market_unit_costs.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("cost_per_unit")
    original = rows[1][column]
    rows[1][column] = "1.5"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    verdict = verify(edited, workers=1)
    assert verdict.code == 1
    assert "output changed since the run: costs/market_unit_costs.csv" in verdict.lines
    assert "differs from the recomputed run: costs/market_unit_costs.csv" in verdict.lines
    figure = f"cost_per_unit '1.5' in the output, '{original}' recomputed"
    assert any(line.startswith("  line 2 (") and figure in line for line in verdict.lines)


def test_verify_names_a_changed_or_added_input_and_cannot_verify_without_one(
    market, tmp_path, capsys
):
    copy = tmp_path / "market"
    shutil.copytree(market, copy)
    result = run(copy / "run.toml", workers=1)
    out = tmp_path / "out"
    write_run(result, out)
    assert verify(out, recompute=False).code == 0

    rates = copy / "current_rates.csv"
    rates.write_text(rates.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert main(["verify", str(out), "--hashes-only"]) == 1
    assert f"input changed: {rates.resolve()} (current_rates)" in capsys.readouterr().out

    shutil.copy(next((copy / "returns").glob("HC01*.xlsx")), copy / "returns" / "HC99_new.xlsx")
    verdict = verify(out, recompute=False)
    assert any(
        line.startswith("input added: ") and "HC99_new.xlsx" in line for line in verdict.lines
    )

    (copy / "volumes.csv").unlink()
    verdict = verify(out, recompute=False)
    assert verdict.code == 2
    assert verdict.lines[0].startswith("cannot verify: input missing: volumes ")


def test_verify_cannot_verify_a_folder_without_a_good_manifest(tmp_path):
    assert verify(tmp_path).code == 2
    (tmp_path / "manifest.json").write_text('{"manifest_version": 1}', encoding="utf-8")
    verdict = verify(tmp_path)
    assert verdict.code == 2 and "is not a valid manifest" in verdict.lines[0]
    bad = {
        "manifest_version": 1,
        "written": WRITTEN,
        "config": {"path": "x"},
        "returns_folder": "r",
        "inputs": [],
        "outputs": [{"path": "../outside.csv", "sha256": "0" * 64}],
    }
    (tmp_path / "manifest.json").write_text(json.dumps(bad), encoding="utf-8")
    verdict = verify(tmp_path)
    assert verdict.code == 2 and "outside the output folder" in verdict.lines[0]


def test_the_written_time_comes_from_the_config_unless_source_date_epoch_is_set(
    market, tmp_path, monkeypatch
):
    copy = tmp_path / "market"
    shutil.copytree(market, copy)
    config = copy / "run.toml"
    text = config.read_text(encoding="utf-8").replace(
        "[run]\n", "[run]\nwritten = 2026-03-02T09:30:00Z\n", 1
    )
    config.write_text(text, encoding="utf-8")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = run(config, workers=1)
    write_run(result, tmp_path / "configured")
    summary = json.loads((tmp_path / "configured" / "summary.json").read_text(encoding="utf-8"))
    assert summary["written"] == "2026-03-02T09:30:00+00:00"
    with zipfile.ZipFile(tmp_path / "configured" / "ingest" / "validation.xlsx") as book:
        assert "2026-03-02T09:30:00Z" in book.read("docProps/core.xml").decode()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    write_run(result, tmp_path / "epoch")
    summary = json.loads((tmp_path / "epoch" / "summary.json").read_text(encoding="utf-8"))
    assert summary["written"] == WRITTEN


def test_a_bad_written_time_is_one_line_naming_the_key(market, tmp_path, capsys):
    shutil.copytree(market, tmp_path / "market")
    copy = tmp_path / "market" / "run.toml"
    text = copy.read_text(encoding="utf-8").replace(
        "[run]\n", '[run]\nwritten = "last tuesday"\n', 1
    )
    copy.write_text(text, encoding="utf-8")
    assert main(["run", str(copy), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"costofcare run: error: {copy}: run.written must be a date")


def test_a_unit_cost_followed_by_hand_to_its_return_cells(two_runs, market, capsys):
    """Fernhill's mileage per contact hour: the trace names Costs!B5 (mileage a year) over
    Volumes!B7 (contact hours a week) x the weeks of its period; read those cells from the
    return with openpyxl and work the figure out again."""
    a, *_ = two_runs
    with open(a / "costs" / "trace.csv", encoding="utf-8", newline="") as handle:
        trace = [
            r
            for r in csv.DictReader(handle)
            if r["provider"] == "Fernhill Home Care (Anytown) Ltd" and r["line"] == "mileage"
        ]
    cells = [(r["part"], r["sheet"], r["cell"], r["field"]) for r in trace]
    assert cells == [
        ("cost", "Costs", "B5", "mileage_paid_annual"),
        ("units", "Volumes", "B7", "contact_hours_per_week"),
    ]
    file = Path(trace[0]["file"])
    assert file == market.resolve() / "returns" / "HC01_fernhill-home-care-anytown-ltd.xlsx"
    book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    mileage_annual = book["Costs"]["B5"].value
    hours_per_week = book["Volumes"]["B7"].value
    book.close()
    weeks = 365 / 7  # its period: 2024-04-01 to 2025-03-31, 365 days
    with open(a / "costs" / "market_unit_costs.csv", encoding="utf-8", newline="") as handle:
        used = next(
            r
            for r in csv.DictReader(handle)
            if r["provider"] == "Fernhill Home Care (Anytown) Ltd" and r["line"] == "mileage"
        )
    assert (used["period_start"], used["period_end"]) == ("2024-04-01", "2025-03-31")
    assert float(used["cost_per_unit"]) == pytest.approx(
        mileage_annual / (hours_per_week * weeks), rel=1e-12
    )
    assert float(trace[0]["value"]) == mileage_annual

    assert (
        main(
            ["trace", str(a), "--provider", "Fernhill Home Care (Anytown) Ltd", "--line", "mileage"]
        )
        == 0
    )
    shown = capsys.readouterr().out
    assert "home_care mileage:" in shown and "Costs!B5" in shown and "Volumes!B7" in shown
    assert main(["trace", str(a), "--provider", "Nobody Ltd"]) == 2


def test_trace_reads_every_sheet_name_and_leaves_no_line_out():
    """Cells on a sheet whose name has a space or contains another sheet's name are found;
    a line naming no cell (modelled) keeps one row with no cell."""
    import pandas as pd

    from costofcare.audit import trace_table

    values = pd.DataFrame(
        {
            "return_id": ["r1"] * 3,
            "file": ["a.xlsx"] * 3,
            "sheet": ["Costs", "My Costs", "Volumes"],
            "cell": ["B5", "C7", "B7"],
            "field": ["rent_annual", "extra_annual", "contact_hours_per_week"],
            "row": [0, 2, 0],
            "value": [5200.0, 520.0, 100.0],
            "raw": ["5,200", "520", "100"],
        }
    )
    unit_costs = pd.DataFrame(
        {
            "provider": ["P", "P"],
            "service": ["home_care"] * 2,
            "return_id": ["r1", "r1"],
            "route": ["reported", "modelled"],
            "line": ["rent", "travel"],
            "cost_line": ["Rent", "Travel"],
            "cost_per_unit": [(5200 + 520) / (100 * 52), 1.0],
            "unit": ["contact_hour"] * 2,
            "source": ["Costs!B5; My Costs!C7 / units (Volumes!B7; 52.000 weeks)", "drivers"],
        }
    )
    trace = trace_table(unit_costs, values)
    rows = [tuple(r) for r in trace[["line", "part", "sheet", "cell", "field"]].to_numpy()]
    assert rows[:3] == [
        ("rent", "cost", "Costs", "B5", "rent_annual"),
        ("rent", "cost", "My Costs", "C7", "extra_annual"),
        ("rent", "units", "Volumes", "B7", "contact_hours_per_week"),
    ]
    assert rows[3][:2] == ("travel", "") and pd.isna(trace["cell"].iloc[3])


def test_a_file_name_of_any_bytes_is_stored_exactly_in_the_manifest(tmp_path):
    """The manifest is ASCII JSON: a name that is not UTF-8 comes back as the same bytes."""
    from costofcare.audit.manifest import file_entry

    odd = Path(os.fsdecode(bytes(tmp_path) + b"/odd\xff name.xlsx"))
    odd.write_bytes(b"PK")
    text = json.dumps(file_entry(odd, role="return"), ensure_ascii=True)
    assert text.isascii()
    back = Path(json.loads(text)["path"])
    assert os.fsencode(back) == bytes(tmp_path) + b"/odd\xff name.xlsx" and back.is_file()
    assert json.loads(text)["sha256"] == hashlib.sha256(b"PK").hexdigest()
