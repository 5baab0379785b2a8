"""The market step in ``costofcare run`` on the example market: outputs, faults, workbooks.

Uses the shared example run (tests/conftest.py): read only.
"""

from __future__ import annotations

import json
import shutil

import openpyxl
import pandas as pd
import pytest

from costofcare.examples.quality import QUALITY_FAULTS
from tests.support.libreoffice import convert, soffice_path


@pytest.fixture(scope="module")
def out(example_cli_run):
    return example_cli_run["out"]


def test_run_writes_the_market_tables_and_summary(example_cli_run, out):
    result = example_cli_run["result"]
    assert result.market_result is not None
    for name in ("register", "rag", "rag_indicators", "rating_distribution", "bands", "shares",
                 "sustainability", "at_risk", "rag_by_gap", "issues"):  # fmt: skip
        assert (out / "market" / f"{name}.csv").is_file(), name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    quality = summary["market"]["quality"]
    rag = pd.read_csv(out / "market" / "rag.csv")
    assert quality["rag"] == {r: int((rag["rag"] == r).sum()) for r in ("red", "amber", "green")}
    assert quality["services"] == len(rag)
    assert set(quality["sustainability"]["options"]) >= {"recommended"}
    # one override, kept beside the rules' result with its reason
    overridden = rag[rag["override_reason"].notna()]
    assert len(overridden) == 1 and overridden["rag"].iloc[0] == "amber"


def test_every_deliberate_fault_is_reported_by_file_and_line(example_cli_run, out):
    issues = pd.read_csv(out / "market" / "issues.csv", keep_default_na=False)
    for file, what, code in QUALITY_FAULTS:
        hits = issues[(issues["code"] == code) & issues["file"].str.endswith(file)]
        assert len(hits) >= 1, (file, what, code)
        assert (hits["cell"] != "").all()
    # and in the run's issues (the Data quality sheet)
    codes = set(example_cli_run["result"].issues["code"])
    assert {code for _, _, code in QUALITY_FAULTS} <= codes


def test_return_indicators_keep_their_cells(out):
    indicators = pd.read_csv(out / "market" / "indicators.csv", keep_default_na=False)
    vacancy = indicators[indicators["indicator"] == "vacancy_rate"]
    assert len(vacancy) > 50
    assert vacancy["file"].str.endswith(".xlsx").all()
    assert (vacancy["sheet"] == "Staffing").all() and (vacancy["cell"] != "").all()


def test_sustainability_sheet_values_match_the_tables(out):
    table = pd.read_csv(out / "market" / "sustainability.csv")
    at_risk = pd.read_csv(out / "market" / "at_risk.csv")
    ws = openpyxl.load_workbook(out / "recommendation.xlsx", data_only=True)[
        "Market sustainability"
    ]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Option" and r[1] == "Service")
    detail = rows[header + 1 : header + 1 + len(table)]
    assert [r[6] for r in detail] == pytest.approx(table["gap_share"].tolist())
    assert [r[8] for r in detail] == table["at_risk"].astype(int).tolist()
    summary = {r[0]: r for r in rows[7:header] if r[0]}
    for row in at_risk[at_risk["service"] == "all"].itertuples():
        got = summary[row.option]
        assert (got[1], got[2], got[3]) == (row.providers, row.below_threshold, row.at_risk)
        assert got[4] == pytest.approx(row.spend_per_week)
        assert got[6] == pytest.approx(row.share_of_spend_at_risk)
    # spend a week = rate x units, row by row
    spend = table["rate_per_unit"] * table["volume_per_week"].fillna(0)
    assert [r[10] for r in detail] == pytest.approx(spend.tolist())


def test_providers_sheet_has_rag_and_gap(out):
    table = pd.read_csv(out / "market" / "sustainability.csv", keep_default_na=False)
    recommended = table[table["option"] == "recommended"].set_index("provider")
    ws = openpyxl.load_workbook(out / "recommendation.xlsx", data_only=True)["Providers"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][9:11] == ("RAG", "Rate minus cost, share of cost")
    checked = 0
    for row in rows[1:]:
        if row[1] in recommended.index and row[9] is not None:
            assert row[9] == recommended.loc[row[1], "rag"]
            assert row[10] == pytest.approx(recommended.loc[row[1], "gap_share"])
            checked += 1
    assert checked > 40


def _detail_rows(ws) -> tuple[int, list]:
    """The row number (1-based) of the detail table's header and its rows of cells."""
    rows = list(ws.iter_rows())
    header = next(
        i for i, r in enumerate(rows) if r[0].value == "Option" and r[1].value == "Service"
    )
    return header + 1, rows[header + 1 :]


def _service_cell(wb, sheet: str, provider: str, heading: str) -> str:
    """Where a provider's figure sits on a service sheet, found by its row and heading."""
    ws = wb[sheet]
    header = next(r for r in ws.iter_rows() if r[0].value == "Provider")
    col = next(c.column_letter for c in header if c.value == heading)
    row = next(r[0].row for r in ws.iter_rows(min_row=header[0].row + 1) if r[0].value == provider)
    return f"'{sheet}'!${col}${row}"


#: A nursing home (priced on the "Care homes (nursing)" sheet) and a home care provider (which
#: has scenario rows too), picked by hand from the example market.
_NURSING, _HOME_CARE = "Dovecote Lodge Group Ltd", "Ashdown Homecare Group Ltd"


def test_sustainability_rates_and_costs_link_to_each_providers_service_sheet(out):
    wb = openpyxl.load_workbook(out / "recommendation.xlsx")
    _, detail = _detail_rows(wb["Market sustainability"])
    rows = {(r[0].value, r[2].value): r for r in detail if r[0].value}
    nursing = rows[("recommended", _NURSING)]
    assert nursing[1].value == "Care homes (nursing)"
    want = _service_cell(wb, "Care homes (nursing)", _NURSING, "Cost rolled forward")
    assert nursing[4].value == "=" + want
    assert nursing[5].value == "=" + _service_cell(
        wb, "Care homes (nursing)", _NURSING, "Proposed rate"
    )
    home_rate = "=" + _service_cell(wb, "Home care", _HOME_CARE, "Proposed rate")
    scenario_rows = [r for (o, p), r in rows.items() if p == _HOME_CARE and o != "recommended"]
    assert len(scenario_rows) == 4
    for row in [rows[("recommended", _HOME_CARE)], *scenario_rows]:
        assert row[5].value == home_rate
    for row in scenario_rows:  # a scenario's cost is its required rate: a value
        assert isinstance(row[4].value, float)
    # every recommended row links to its own market's sheet, on its own provider's row
    linked = 0
    for (option, provider), row in rows.items():
        if option != "recommended":
            continue
        for cell in (row[4], row[5]):
            sheet, ref = cell.value[1:].split("!")
            target = wb[sheet.strip("'")][ref.replace("$", "")]
            assert wb[sheet.strip("'")].cell(target.row, 1).value == provider
            assert sheet.strip("'") == row[1].value
            linked += 1
    # home care, care homes (residential, nursing, dual), supported living
    assert linked == 2 * (28 + 12 + 6 + 4 + 10)


@pytest.mark.libreoffice
def test_a_rate_changed_on_a_service_sheet_flows_to_the_sustainability_sheet(out, tmp_path):
    if soffice_path() is None:
        pytest.skip("LibreOffice is not installed")
    table = pd.read_csv(out / "market" / "sustainability.csv")
    book = tmp_path / "rate.xlsx"
    shutil.copy(out / "recommendation.xlsx", book)
    wb = openpyxl.load_workbook(book)
    ref = _service_cell(wb, "Care homes (nursing)", _NURSING, "Proposed rate").split("!")[1]
    wb["Care homes (nursing)"][ref.replace("$", "")] = 1250.0  # was 1,168.05
    wb.save(book)
    (recalculated,) = convert([book], "xlsx", tmp_path / "lo", recalc=True)
    ws = openpyxl.load_workbook(recalculated, data_only=True)["Market sustainability"]
    _, detail = _detail_rows(ws)
    got = pd.DataFrame([[c.value for c in r[:7]] for r in detail[: len(table)]])
    changed = (table["provider"] == _NURSING).to_numpy()
    assert changed.sum() == 1
    # every other cost and rate recalculates to the value written
    assert got[4].tolist() == pytest.approx(table["cost_per_unit"].tolist())
    assert got[5][~changed].tolist() == pytest.approx(table["rate_per_unit"][~changed].tolist())
    assert got[6][~changed].tolist() == pytest.approx(table["gap_share"][~changed].tolist())
    cost = table.loc[changed, "cost_per_unit"].item()
    assert got[5][changed].item() == 1250.0
    assert got[6][changed].item() == pytest.approx((1250.0 - cost) / cost)


#: Words that would show RAG, safeguarding, deaths or concerns data in a workbook.
_CONFIDENTIAL = ("safeguard", "death", "concern", "embargo", "pamms", "default notice",
                 "rag", "market sustainability", "at risk", "administration")  # fmt: skip


def test_no_provider_workbook_shows_rag_safeguarding_deaths_or_concerns(out):
    rag = pd.read_csv(out / "market" / "rag.csv", keep_default_na=False)
    reasons = set(rag["reasons"])
    books = sorted((out / "providers").glob("*.xlsx"))
    assert len(books) > 50
    for path in books:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            assert "sustainability" not in ws.title.lower(), path.name
            for row in ws.iter_rows(values_only=True):
                for value in row:
                    if not isinstance(value, str):
                        continue
                    text = value.strip().casefold()
                    words = text.replace(",", " ").replace(".", " ").split()
                    assert text not in ("red", "amber", "green"), (path.name, value)
                    assert value not in reasons, (path.name, value)
                    for word in _CONFIDENTIAL:
                        hit = word in words if " " not in word and len(word) <= 4 else word in text
                        assert not hit, (path.name, ws.title, value)


@pytest.mark.libreoffice
def test_threshold_cell_recounts_in_libreoffice(out, tmp_path):
    if soffice_path() is None:
        pytest.skip("LibreOffice is not installed")
    table = pd.read_csv(out / "market" / "sustainability.csv")
    book = tmp_path / "changed.xlsx"
    shutil.copy(out / "recommendation.xlsx", book)
    wb = openpyxl.load_workbook(book)
    ws = wb["Market sustainability"]
    assert ws["A4"].value.startswith("Threshold")
    ws["C4"] = 0.05  # rates more than 5% below cost
    wb.save(book)
    (recalculated,) = convert([book], "xlsx", tmp_path / "lo", recalc=True)
    values = openpyxl.load_workbook(recalculated, data_only=True)["Market sustainability"]
    rows = list(values.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Option" and r[1] == "Service")
    detail = rows[header + 1 : header + 1 + len(table)]
    below = table["gap_share"] < -0.05
    risky = below & table["rag"].isin(["red", "amber"])
    assert [r[7] for r in detail] == below.astype(int).tolist()
    assert [r[8] for r in detail] == risky.astype(int).tolist()
    recommended = next(r for r in rows[7:header] if r[0] == "recommended")
    mask = table["option"] == "recommended"
    assert recommended[3] == int(risky[mask].sum())
    spend = (table["rate_per_unit"] * table["volume_per_week"].fillna(0))[mask]
    assert recommended[6] == pytest.approx(spend[risky[mask]].sum() / spend.sum())


def test_the_run_compares_each_options_spend_with_the_funding_lines(out):
    """In a run, market shape's profile is the decision summary's options: the recommended
    option's first-year spend per service is the Summary's proposed spend, then grows with
    the run's volume growth ([scenarios.budget]); the funding gap is funding less spend."""
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    profile = pd.read_csv(out / "market" / "shape_profile.csv")
    recommended = profile[profile["option"] == "Recommended"].set_index(["service", "year"])
    for service, totals in summary["service_totals"].items():
        assert recommended.loc[(service, 2026), "spend"] == pytest.approx(
            totals["proposed_spend_annual"], abs=0.01
        )
    growth = (
        recommended.loc[("home_care", 2027), "spend"]
        / recommended.loc[("home_care", 2026), "spend"]
    )
    assert growth == pytest.approx(1.02)  # example run.toml: volume_growth_per_year = 0.02
    gap = pd.read_csv(out / "market" / "shape_funding_gap.csv")
    row = gap[(gap["option"] == "Recommended") & (gap["year"] == 2026)]
    home = row[row["service"] == "home_care"].iloc[0]
    assert home["funding"] == 33_000_000  # workbooks/examples/market/funding.csv
    assert home["gap"] == pytest.approx(33_000_000 - totals_home(summary))


def totals_home(summary: dict) -> float:
    return summary["service_totals"]["home_care"]["proposed_spend_annual"]


def test_the_run_costs_the_unmet_need_at_each_options_rate(out):
    """Beside the config's own rates, the unmet need is costed at every option's average
    rate: the recommended home care rate is the Summary's average proposed rate."""
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    cost = pd.read_csv(out / "market" / "shape_unmet_cost.csv")
    assert {"current rates", "Recommended"} <= set(cost["option"])
    home = cost[(cost["option"] == "Recommended") & (cost["service_type"] == "Home care")]
    assert home["rate"].iloc[0] == pytest.approx(
        summary["services"]["home_care"]["average_proposed_rate"], abs=0.005
    )
    row = home.iloc[0]
    assert row["cost_annual"] == pytest.approx(row["unmet"] * row["rate"] * 365 / 7)
