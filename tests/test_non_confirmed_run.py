"""A run lists the dated figures it used that are not confirmed (issue 14, item 6).

The expected figures are worked out here from ``parameters.csv`` read with the ``csv``
module, on dates worked out by hand, not with the package's own look-up.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from costofcare.parameters import load
from costofcare.pipeline import commands
from costofcare.pipeline.steps import non_confirmed_used, nursing_care
from costofcare.recommend.config import parse_config
from costofcare.recommend.engine import recommend_all
from costofcare.report.summary import summary
from costofcare.report.workbook import write_recommendation_workbook

ROOT = Path(__file__).resolve().parents[1]
PARAMETERS_CSV = ROOT / "costofcare" / "parameters" / "data" / "parameters.csv"

#: The dated parameters behind the on-cost figures (NI, Employment Allowance, pension, SSP,
#: holiday), as docs/parameters.md lists them; the SSP earnings limit and replacement cap
#: exist only in some periods.
STATUTORY = (
    "employer_ni_rate",
    "employer_ni_secondary_threshold_annual",
    "employment_allowance_annual",
    "pension_employer_min_rate",
    "pension_qualifying_earnings_lower_annual",
    "pension_qualifying_earnings_upper_annual",
    "pension_earnings_trigger_annual",
    "ssp_weekly",
    "ssp_waiting_days",
    "statutory_holiday_weeks",
)
SOMETIMES = ("ssp_lower_earnings_limit_weekly", "ssp_earnings_replacement_cap_rate")
NLW, RLW = "national_living_wage_hourly", "real_living_wage_uk_hourly"

# Dates of the example run (workbooks/examples/run.toml), by hand:
EFFECTIVE = date(2026, 4, 6)  # every [recommend.<service>].effective_date
# middle of the roll-forward's target year, 6 Apr 2026 to 5 Apr 2027: 364 days / 2 = 182
# days after 6 April
ROLL_TARGET = date(2026, 10, 5)
# middle of the scenarios' target, 1 Apr 2026 to 31 Mar 2027: 1 April + 182 days
SCENARIO_TARGET = date(2026, 9, 30)
SCENARIO_BASE = date(2024, 4, 6)  # [scenarios.base].parameters_on
# middle of the returns' period, 1 Apr 2024 to 31 Mar 2025: 1 April + 182 days
RETURN_MIDDLE = date(2024, 9, 30)
RLW_ADOPTION = date(2026, 4, 1)  # the Real Living Wage scenario's adoption_date


def _csv_rows() -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    with PARAMETERS_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            rows.setdefault(row["name"], []).append(row)
    for series in rows.values():
        series.sort(key=lambda r: r["effective_from"])
    return rows


def _in_force(rows: dict[str, list[dict]], name: str, day: date) -> dict | None:
    """The CSV row of ``name`` in force on ``day``: started by then, and not ended (a blank
    end runs to the day before the next row's start)."""
    series = rows.get(name, [])
    for i, row in enumerate(series):
        start = date.fromisoformat(row["effective_from"])
        if row["effective_to"]:
            end = date.fromisoformat(row["effective_to"])
        elif i + 1 < len(series):
            end = date.fromisoformat(series[i + 1]["effective_from"])
            end = date.fromordinal(end.toordinal() - 1)
        else:
            end = date.max
        if start <= day <= end:
            return row
    return None


def _expected(looked_up: list[tuple[str, date]]) -> list[tuple[str, str, str]]:
    """(name, effective_from, status) of the CSV rows in force that are not confirmed."""
    rows = _csv_rows()
    found = set()
    for name, day in looked_up:
        row = _in_force(rows, name, day)
        if row is None:
            assert name in SOMETIMES, f"{name} has no row on {day}"
            continue
        if row["status"] != "confirmed":
            found.add((name, row["effective_from"], row["status"]))
    return sorted(found)


def _example_lookups() -> list[tuple[str, date]]:
    dates = (EFFECTIVE, ROLL_TARGET, SCENARIO_TARGET, SCENARIO_BASE, RETURN_MIDDLE)
    looked = [(name, day) for name in STATUTORY + SOMETIMES for day in dates]
    looked += [(NLW, day) for day in dates] + [(RLW, RLW_ADOPTION)]
    return looked


def test_example_json_lists_the_non_confirmed_figures(example_cli_run):
    data = json.loads((example_cli_run["out"] / "summary.json").read_text(encoding="utf-8"))
    got = [(r["name"], r["effective_from"], r["status"]) for r in data["non_confirmed"]]
    # every figure the example (2026-27) uses is confirmed in parameters.csv
    assert got == _expected(_example_lookups()) == []
    assert example_cli_run["result"].summary["non_confirmed"] == data["non_confirmed"]
    assert example_cli_run["result"].non_confirmed.empty


def test_example_cli_and_summary_sheet_say_every_figure_is_confirmed(example_cli_run, capsys):
    result, out = example_cli_run["result"], example_cli_run["out"]
    commands._report(result, {}, out)
    printed = capsys.readouterr().out
    assert commands.CONFIRMED_LINE in printed
    assert printed.index("Recommended rates") < printed.index(commands.CONFIRMED_LINE)
    sheet = openpyxl.load_workbook(out / "recommendation.xlsx")["Summary"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert commands.CONFIRMED_LINE in texts


def test_data_quality_sheet_title_names_every_source_of_issues(example_cli_run):
    sheet = openpyxl.load_workbook(example_cli_run["out"] / "recommendation.xlsx")["Data quality"]
    assert sheet["A1"].value == (
        "Data quality: issues found in the returns, the council's files and the run"
    )


# ------------------------------------------------------------------ the 2027-28 fee round
EFFECTIVE_2027 = date(2027, 4, 6)
# middle of 6 Apr 2027 to 5 Apr 2028 (365 days, 2028 a leap year): 6 April + 182 days
ROLL_TARGET_2027 = date(2027, 10, 5)
NLW_2027 = 13.20  # a council's own assumption for April 2027, supplied as an override
# NHS-funded nursing care from April 2027 is not announced: the nursing and dual care home
# markets need it beside their rates, so the council supplies its own assumption too
FNC, FNC_2027 = "nhs_funded_nursing_care_weekly", 280.00


@pytest.fixture(scope="module")
def round_2027(example_cli_run):
    """The example's recommendation moved to 6 April 2027, the NLW assumed as an override."""
    result = example_cli_run["result"]
    tables = copy.deepcopy(result.config.recommend)
    for table in tables.values():
        table["effective_date"] = EFFECTIVE_2027
    params = load(overrides={NLW: {"2027-04-01": NLW_2027}, FNC: {"2027-04-01": FNC_2027}})
    recs = recommend_all(
        parse_config(tables),
        result.rates,
        result.unit_costs,
        params=params,
        workforce=result.workforce,
        nursing_care=nursing_care(result.unit_costs, result.values, params),
    )
    return result, recs, non_confirmed_used(recs, result.unit_costs, None, params)


def _expected_2027() -> list[tuple[str, str, str]]:
    dates = (EFFECTIVE_2027, ROLL_TARGET_2027, RETURN_MIDDLE)
    looked = [(name, day) for name in STATUTORY + SOMETIMES for day in dates]
    # the NLW base for the wage change and the roll-forward's base floor
    looked += [(NLW, date(2024, 4, 6)), (NLW, RETURN_MIDDLE)]
    # the overrides: assumptions from 1 April 2027
    return sorted(
        [*_expected(looked), (NLW, "2027-04-01", "assumption"), (FNC, "2027-04-01", "assumption")]
    )


def test_2027_28_lists_the_announced_and_assumed_figures(round_2027):
    _, _, table = round_2027
    got = sorted(
        zip(table["name"], table["effective_from"].astype(str), table["status"], strict=True)
    )
    assert got == _expected_2027()
    # as docs/parameters.md states: the secondary threshold announced, the pension band and
    # trigger and the SSP rate assumed, and the council's own NLW figure
    assert {name for name, _, _ in got} == {
        "employer_ni_secondary_threshold_annual",
        "pension_earnings_trigger_annual",
        "pension_qualifying_earnings_lower_annual",
        "pension_qualifying_earnings_upper_annual",
        "ssp_weekly",
        NLW,
        FNC,
    }
    values = dict(zip(table["name"], table["value"], strict=True))
    assert values["employer_ni_secondary_threshold_annual"] == 5000
    assert values["ssp_weekly"] == 123.25
    assert values[NLW] == NLW_2027


def test_2027_28_json_cli_and_summary_sheet_list_them(round_2027, tmp_path, capsys):
    result, recs, table = round_2027
    listed = summary(recs, non_confirmed=table)["non_confirmed"]
    assert [(r["name"], r["effective_from"], r["status"]) for r in listed] == _expected_2027()
    threshold = next(r for r in listed if r["name"] == "employer_ni_secondary_threshold_annual")
    assert threshold["effective_to"] == "2031-04-05"
    assert threshold["unit"] == "GBP/year"
    assert next(r for r in listed if r["name"] == NLW)["effective_to"] == ""

    moved = dataclasses.replace(result, summary={**result.summary, "non_confirmed": listed})
    commands._report(moved, {}, tmp_path)
    printed = capsys.readouterr().out
    block = printed[printed.index("Figures not yet confirmed") :]
    assert "employer_ni_secondary_threshold_annual = 5000 GBP/year, announced, " in block
    assert "2027-04-06 to 2031-04-05" in block
    assert f"{NLW} = 13.2, assumption, 2027-04-01 to open" in block
    assert printed.index("Recommended rates") < printed.index("Figures not yet confirmed")

    path = tmp_path / "recommendation.xlsx"
    write_recommendation_workbook(path, recs, non_confirmed=table)
    sheet = openpyxl.load_workbook(path)["Summary"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    head = next(i for i, row in enumerate(rows) if row[0] == "Status")
    figures = {row[1]: row for row in rows[head + 1 :] if row[0] in ("announced", "assumption")}
    assert set(figures) == {name for name, _, _ in _expected_2027()}
    status, _, value, unit, start, end = figures["ssp_weekly"][:6]
    assert (status, value, unit) == ("assumption", 123.25, "GBP/week")
    assert (start.date(), end.date()) == (date(2027, 4, 6), date(2028, 4, 5))
    assert figures[NLW][5] == "open"
    below = rows[rows.index(figures["ssp_weekly"]) + 1]
    assert below[1].startswith("Source: costofcare assumption: the 2026-27 rate carried forward")
