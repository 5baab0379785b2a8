"""The example run's outputs as people see them: printed by LibreOffice and Chromium.

The recommendation workbook, a provider's outcome workbook and the validation workbook go
through LibreOffice (every formula recalculated) to PDF; the decision page through headless
Chromium. Checked: page counts in sensible bounds, no error value a failed formula shows, no
console message from the page, the decision summary first and reconciled to the Summary,
and no folder of this machine in any workbook.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import EXAMPLES
from tests.support.render import (
    ERROR_VALUES,
    page_to_pdf,
    pdf_pages,
    tools_missing,
    workbooks_to_pdf,
)
from tests.support.shared import once_per_run

#: An absolute path to a file (not part of a web address): /a/b/c.xlsx or C:\a\b.xlsx.
MACHINE_PATH = re.compile(
    r"(?<![\w:/.])/(?:[\w.-]+/)+[\w.-]+\.(?:xlsx|xls|ods|csv|toml)|[A-Za-z]:\\[^\s]+"
)


def _workbooks(out: Path) -> dict[str, Path]:
    provider = sorted((out / "providers").glob("outcome-*.xlsx"))[0]
    return {
        "recommendation": out / "recommendation.xlsx",
        "provider": provider,
        "validation": out / "ingest" / "validation.xlsx",
    }


def _render(out: Path):
    def build(folder: Path) -> dict:
        books = _workbooks(out)
        pdfs = workbooks_to_pdf(list(books.values()), folder)
        pages = {name: pdf_pages(pdf) for name, pdf in zip(books, pdfs, strict=True)}
        page_pdf = folder / "decision.pdf"
        console = page_to_pdf(out / "decision.html", page_pdf)
        pages["decision"] = pdf_pages(page_pdf)
        return {"pages": pages, "console": console}

    return build


@pytest.fixture(scope="module")
def rendered(example_cli_run, tmp_path_factory):
    why = tools_missing()
    if why:
        pytest.skip(why)
    return once_per_run(tmp_path_factory, "report-render", _render(example_cli_run["out"]))


pytestmark = [pytest.mark.slow, pytest.mark.libreoffice, pytest.mark.xdist_group("libreoffice")]


@pytest.mark.parametrize(
    "name, fewest, most",
    [("recommendation", 10, 80), ("provider", 1, 6), ("validation", 2, 10), ("decision", 2, 8)],
)
def test_printed_page_counts_are_sensible(rendered, name, fewest, most):
    assert fewest <= len(rendered["pages"][name]) <= most


def test_no_error_values_printed(rendered):
    for name, pages in rendered["pages"].items():
        for number, text in enumerate(pages, start=1):
            for line in text.splitlines():
                if ERROR_VALUES.search(line):
                    # a provider's own cell quoted back to it (the example's faulty return
                    # holds #DIV/0!) is the only place an error value may be printed
                    assert "formula_error" in line or "the cell holds the error" in line, (
                        f"{name} page {number}: {line.strip()}"
                    )


def test_decision_page_logs_nothing_and_prints_the_options(rendered):
    assert rendered["console"] == []
    text = "\n".join(rendered["pages"]["decision"])
    words = (
        "Recommended",
        "Real Living Wage from April",
        "Comparator councils",
        "Monte Carlo range",
        "Main risks",
        "median of local costs, rolled forward",
    )
    assert all(w in text for w in words)


def test_decision_summary_is_the_first_sheet_and_reconciles(example_cli_run):
    out = example_cli_run["out"]
    data = json.loads((out / "summary.json").read_text())
    wb = openpyxl.load_workbook(out / "recommendation.xlsx", data_only=True)
    assert wb.sheetnames[:2] == ["Decision summary", "Summary"]
    sheet = wb["Decision summary"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    markets = len(data["services"])  # home care, 3 care home categories, supported living
    assert markets == 5
    total = next(r for r in rows if r[0] == "Recommended" and r[1] == markets)  # all of them
    assert total[4] == pytest.approx(data["total"]["budget_impact_annual"], abs=0.01)
    # each service's recommended row is a link to its sheet, so it is the Summary's figure
    formulas = openpyxl.load_workbook(out / "recommendation.xlsx")["Decision summary"]
    links = [r[5].value for r in formulas.iter_rows() if r[0].value == "Recommended"][1:]
    assert len(links) == markets and all(str(v).startswith("='") for v in links)
    service_rows = [r for r in rows if r[0] == "Recommended" and r[1] != markets]
    assert [r[5] for r in service_rows] == pytest.approx(
        [s["budget_impact_annual"] for s in data["services"].values()], abs=0.01
    )


def _texts(path: Path):
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                yield name, z.read(name).decode("utf-8", "replace")


def test_no_machine_path_in_any_workbook(example_cli_run):
    out = example_cli_run["out"]
    books = [*_workbooks(out).values(), *(out / "providers").glob("*.xlsx")]
    for book in books:
        for part, text in _texts(book):
            for folder in (str(EXAMPLES), str(out), str(Path.home())):
                assert folder not in text, f"{book.name} {part} holds {folder}"
            found = MACHINE_PATH.search(text)
            assert found is None, f"{book.name} {part}: {found.group(0)}"
