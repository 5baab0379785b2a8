"""The market shape step on the example files: config, issues, outputs and the sheet."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from costofcare.errors import ConfigError
from costofcare.examples import generate_market
from costofcare.examples.shape import SHAPE_FAULTS, shape_tables
from costofcare.market import SHAPE_KEYS, market_shape_sheet, run_shape, write_shape
from costofcare.money import WEEKS_PER_YEAR
from costofcare.report.live import LiveBook
from costofcare.report.workbook import write_recommendation_workbook
from tests.support.libreoffice import convert, soffice_path

EXAMPLES = Path(__file__).resolve().parents[1] / "workbooks" / "examples"


@pytest.fixture(scope="module")
def config() -> dict:
    cfg = tomllib.loads((EXAMPLES / "run.toml").read_text(encoding="utf-8"))["market"]
    return {**cfg, "nchc": True}


@pytest.fixture(scope="module")
def result(config):
    return run_shape(config, EXAMPLES)


def test_committed_market_files_match_the_generator():
    for name, table in shape_tables(generate_market()).items():
        if name == "register":  # one register for the market step: register.csv (below)
            continue
        written = pd.read_csv(EXAMPLES / "market" / f"{name}.csv", dtype=str,
                              keep_default_na=False)  # fmt: skip
        expected = table.astype(object).where(table.notna(), "").astype(str)
        assert written.shape == expected.shape, name
        for column in written:
            as_read = pd.to_numeric(written[column], errors="coerce")
            as_made = pd.to_numeric(expected[column], errors="coerce")
            if as_made.notna().all() and len(as_made):
                assert as_read.tolist() == pytest.approx(as_made.tolist()), (name, column)
            else:
                assert written[column].tolist() == expected[column].tolist(), (name, column)


def test_every_deliberate_fault_is_reported_with_file_and_line(result):
    issues = result.issues
    for file, what, code in SHAPE_FAULTS:
        hits = issues[issues["file"].str.endswith(file) & (issues["code"] == code)]
        assert len(hits), (file, what, code)
    lined = issues[issues["code"] != "old_spelling"]
    assert (lined["cell"] != "").all()  # every row problem names its line


def test_example_run_builds_every_part(result):
    expected = {"spend_by", "concentration", "capacity", "tiers", "capacity_gap",
                "unmet_cost", "movement", "calendar", "contract_values", "profile",
                "funding_gap", "nchc_rates"}  # fmt: skip
    assert expected <= set(result.tables)
    calendar = result.tables["calendar"].set_index("contract_id")
    # read on 2026-04-01 with an 18-month lead time: the framework ending 31 March 2027
    # (11 months left) and the block ending 30 September 2026 (5 months) are flagged
    assert calendar.loc["HC-FW-2022", "months_left"] == 11
    assert calendar.loc["CH-BLOCK-14", "months_left"] == 5
    assert set(result.summary["contracts_flagged"]) == {"HC-FW-2022", "CH-BLOCK-14"}
    assert calendar.loc["HC-SPOT-RURAL", "status"] == "ended"
    # the DPS has its own 30-month lead time: 47 months left is outside it
    assert calendar.loc["SL-DPS-2024", "status"] == "outside_lead_time"


def test_example_unmet_need_waiting_is_costed_at_the_current_rate(result):
    cost = result.tables["unmet_cost"]
    whole = cost[(cost["locality"] == "") & (cost["year"] == 2025)]
    assert whole["unmet"].tolist() == [410.0]  # the council's waiting count
    assert whole["cost_annual"].iloc[0] == pytest.approx(410 * 29.65 * 365 / 7)


def test_example_movement_counts_losses(result):
    lost = result.summary["capacity_lost"]
    assert lost["2023 beds"] == 38  # Old Mill House closed, September 2023
    assert lost["2023 hours_per_week"] == 420 + 260  # an exit and a hand-back in 2023-24


def test_write_shape_writes_each_table_issues_and_summary(result, tmp_path):
    paths = write_shape(result, tmp_path / "shape")
    for name in result.tables:
        assert (tmp_path / "shape" / f"{name}.csv").is_file(), name
    issues = pd.read_csv(paths["issues"], dtype=str, keep_default_na=False)
    assert len(issues) == len(result.issues)
    summary = json.loads(paths["summary"].read_text())
    assert summary["contracts_flagged"] == result.summary["contracts_flagged"]


def test_an_unknown_file_or_missing_lead_time_is_one_line(config, tmp_path):
    with pytest.raises(ConfigError, match=r"\[market\] spend: file .*nothing.csv does not exist"):
        run_shape({"spend": "nothing.csv"}, tmp_path)
    cfg = {"contracts": config["contracts"], "as_of": "2026-04-01"}
    with pytest.raises(ConfigError, match=r"\[market\] lead_time_months is required"):
        run_shape(cfg, EXAMPLES)
    with pytest.raises(ConfigError, match=r"demand_growth_per_year and demand_to_year go together"):
        run_shape({"demand": config["demand"], "demand_growth_per_year": 0.02}, EXAMPLES)


def test_every_shape_key_is_documented():
    text = (Path(__file__).resolve().parents[1] / "docs" / "market-shape.md").read_text()
    for key in SHAPE_KEYS:
        assert f"`{key}`" in text, key


def test_a_decision_pack_profile_wins_over_the_config(config):
    profile = pd.DataFrame(
        {
            "option": ["pack"] * 2,
            "service": ["home_care", "care_home"],
            "year": [2026] * 2,
            "spend": [1_000.0, 2_000.0],
        }  # fmt: skip
    )
    shaped = run_shape({"funding": config["funding"], "profile": config["profile"]}, EXAMPLES,
                       profile=profile)  # fmt: skip
    gap = shaped.tables["funding_gap"].set_index(["year", "service"])
    assert gap.loc[(2026, "home_care"), "gap"] == 33_000_000 - 1_000
    assert gap.loc[(2026, ""), "gap"] == 44_000_000 - 2_000


# ------------------------------------------------------------------------------ sheet
@pytest.fixture(scope="module")
def sheet_book(result, tmp_path_factory):
    path = tmp_path_factory.mktemp("shape") / "market.xlsx"
    book = LiveBook(path)
    market_shape_sheet(result)(book.add_sheet("Market shape"))
    book.close()
    return book


def test_sheet_formulas_are_written_with_their_values(sheet_book, result):
    values = openpyxl.load_workbook(sheet_book.path, data_only=True)["Market shape"]
    assert len(sheet_book.formulas) > 50
    for record in sheet_book.formulas:
        written = values[record.cell].value
        if isinstance(record.value, float):
            assert written == pytest.approx(record.value), record
        else:
            assert (written or "") == record.value, record
    # an unmet cost cell: unmet × rate × weeks, live
    costs = [f for f in sheet_book.formulas if f.formula.count("*") == 2]
    assert costs and all(f.formula.startswith("=") for f in costs)
    first = result.tables["unmet_cost"].iloc[0]
    assert costs[0].value == pytest.approx(first["unmet"] * first["rate"] * WEEKS_PER_YEAR)


def test_sheet_sits_in_the_recommendation_workbook(result, tmp_path):
    book = write_recommendation_workbook(
        tmp_path / "rec.xlsx", {}, extra_sheets=[("Market shape", market_shape_sheet(result))]
    )
    names = openpyxl.load_workbook(book.path).sheetnames
    assert "Market shape" in names and names.index("Market shape") < names.index("Assumptions")


@pytest.mark.slow
def test_libreoffice_recalculates_the_sheet_to_the_same_values(sheet_book, tmp_path):
    if soffice_path() is None:
        pytest.skip("LibreOffice is not installed")
    [again] = convert([sheet_book.path], "xlsx", tmp_path / "lo", recalc=True)
    values = openpyxl.load_workbook(again, data_only=True)["Market shape"]
    for record in sheet_book.formulas:
        got = values[record.cell].value
        if isinstance(record.value, float):
            assert got == pytest.approx(record.value, rel=1e-9, abs=1e-6), record
        else:
            assert (got or "") == record.value, record


def test_a_growth_rate_alone_grows_todays_capacity(config):
    cfg = {"register": config["register"], "demand_from_year": 2026,
           "demand_growth_per_year": 0.05, "demand_to_year": 2028}  # fmt: skip
    shaped = run_shape(cfg, EXAMPLES)
    gap = shaped.tables["capacity_gap"]
    home = gap[(gap["service_type"] == "Home care") & (gap["locality"] == "North")]
    capacity = home["capacity"].iloc[0]
    assert home["demand"].tolist() == pytest.approx([capacity, capacity * 1.05, capacity * 1.05**2])
    assert home["shortfall"].tolist() == pytest.approx(
        [0.0, capacity * 0.05, capacity * (1.05**2 - 1)]
    )
    with pytest.raises(ConfigError, match=r"demand_from_year needs the register"):
        run_shape({"demand_from_year": 2026}, EXAMPLES)


def test_the_one_register_carries_what_market_shape_reads():
    """register.csv (quality's register, faults and all) has the shape register's tier, zone
    and, where it gives no capacity, the shape register's capacity with its unit."""
    shape = shape_tables(generate_market())["register"].set_index("registration_number")
    committed = pd.read_csv(EXAMPLES / "register.csv", dtype=str, keep_default_na=False)
    assert not (EXAMPLES / "market" / "register.csv").exists()
    both = committed[committed["registration_number"].isin(shape.index)]
    assert len(both) == len(shape)
    for row in both.itertuples(index=False):
        theirs = shape.loc[row.registration_number]
        assert row.tier == ("" if pd.isna(theirs["tier"]) else str(theirs["tier"]))
        assert row.capacity_unit != "" or row.capacity == ""


def test_the_example_register_and_demand_name_service_types_alike(result):
    """Capacity is matched to demand by service type and locality: in the example every
    demand row finds capacity (a register calling its homes 'Care home' and the demand
    'Care home for older people' would leave every care home at 0 beds)."""
    gap = result.tables["capacity_gap"]
    assert (gap["capacity"] > 0).all(), gap[gap["capacity"] <= 0][["service_type", "locality"]]


def test_option_rates_go_to_the_service_types_they_price():
    """An hourly rate prices hours a week, a weekly rate beds; a service type mixing costed
    services, or counted in a unit its rate does not price, takes no rate."""
    from costofcare.market.shape_run import rates_by_service_type

    register = pd.DataFrame(
        {
            "service": ["home_care", "home_care", "care_home", "supported_living", "care_home", ""],
            "service_type": ["Care at home", "Care at home", "Older people homes", "Mixed",
                             "Mixed", "Day care"],
            "capacity_unit": ["hours_per_week", "hours_per_week", "beds", "hours_per_week",
                              "beds", "places"],
        }
    )  # fmt: skip
    rates = pd.DataFrame(
        {
            "option": ["A", "A", "A"],
            "service": ["home_care", "care_home", "supported_living"],
            "rate": [30.0, 1000.0, 28.0],
        }
    )
    out = rates_by_service_type(rates, register).sort_values("service_type")
    assert out.to_dict("records") == [
        {"option": "A", "service_type": "Care at home", "unit": "hours_per_week", "rate": 30.0},
        {"option": "A", "service_type": "Older people homes", "unit": "beds", "rate": 1000.0},
    ]
    # 2.5 beds unmet at £1,000 a week cost 2.5 x 1000 x 365/7 a year
    from costofcare.market import cost_unmet_need

    gap = pd.DataFrame(
        {"service_type": ["Older people homes"], "locality": ["North"], "year": [2026],
         "unit": ["beds"], "unmet": [2.5]}
    )  # fmt: skip
    cost = cost_unmet_need(gap, out)
    assert cost["cost_annual"].iloc[0] == pytest.approx(2.5 * 1000 * 365 / 7)
