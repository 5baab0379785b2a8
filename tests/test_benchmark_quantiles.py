"""Quantiles against Excel's published examples, hand arithmetic and LibreOffice itself."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costofcare.benchmark.quantiles import (
    percentile_inc,
    percentrank_inc,
    quartile_inc,
    weighted_mean,
    weighted_percentile,
)

# Microsoft's QUARTILE.INC help example: data 1, 2, 4, 7, 8, 9, 10, 12 -> first quartile 3.5.
EXCEL_QUARTILE_DATA = [1, 2, 4, 7, 8, 9, 10, 12]
# Microsoft's PERCENTRANK.INC help example.
EXCEL_PERCENTRANK_DATA = [13, 12, 11, 8, 4, 3, 2, 1, 1, 1]


def test_quartile_inc_matches_excel_help_example():
    assert quartile_inc(EXCEL_QUARTILE_DATA, 1) == pytest.approx(3.5)


def test_quartiles_worked_by_hand():
    # n = 8: QUARTILE.INC(k) sits at 1-based position h = (8 - 1) * k/4 + 1.
    data = EXCEL_QUARTILE_DATA
    assert quartile_inc(data, 0) == 1
    # h = 2.75: 2 + 0.75 * (4 - 2)
    assert quartile_inc(data, 1) == pytest.approx(2 + 0.75 * (4 - 2))
    # h = 4.5: 7 + 0.5 * (8 - 7)
    assert quartile_inc(data, 2) == pytest.approx(7.5)
    # h = 6.25: 9 + 0.25 * (10 - 9)
    assert quartile_inc(data, 3) == pytest.approx(9.25)
    assert quartile_inc(data, 4) == 12


def test_percentile_inc_excel_help_example_and_blanks_ignored():
    # Microsoft's PERCENTILE.INC help example: PERCENTILE.INC({1,3,2,4}, 0.3) = 1.9
    assert percentile_inc([1, 3, 2, 4], 0.3) == pytest.approx(1.9)
    assert percentile_inc([1, 3, float("nan"), 2, 4], 0.3) == pytest.approx(1.9)
    assert math.isnan(percentile_inc([], 0.5))
    with pytest.raises(ValueError, match="between 0 and 1"):
        percentile_inc([1, 2], 1.5)


def test_percentrank_inc_matches_excel_help_example():
    # Microsoft: PERCENTRANK.INC(A2:A11, 2) = 0.333, 4 -> 0.555, 8 -> 0.666, 5 -> 0.583
    data = EXCEL_PERCENTRANK_DATA
    assert percentrank_inc(data, 2, significance=3) == 0.333
    assert percentrank_inc(data, 4, significance=3) == 0.555
    assert percentrank_inc(data, 8, significance=3) == 0.666
    assert percentrank_inc(data, 5, significance=3) == 0.583
    # full precision: 3 values below 2 among 10 -> 3 / 9; 4 has 5 below it (5 / 9), and 5
    # lies 1/4 of the way from 4 to 8
    assert percentrank_inc(data, 2) == pytest.approx(3 / 9)
    assert percentrank_inc(data, 5) == pytest.approx((5 + 1 / 4) / 9)
    assert math.isnan(percentrank_inc(data, 20))  # Excel: #N/A outside the data
    assert math.isnan(percentrank_inc([5], 5))


def test_weighted_percentile_hand_worked():
    # values 10, 20, 30; weights 1, 1, 2; cumulative 1, 2, 4; block mid-points 0.5, 1.5, 3
    # positions (mid - 0.5) / (3 - 0.5) = 0, 0.4, 1
    values, weights = [30, 10, 20], [2, 1, 1]  # unsorted on purpose
    assert weighted_percentile(values, weights, 0.5) == pytest.approx(20 + (0.5 - 0.4) / 0.6 * 10)
    assert weighted_percentile(values, weights, 0.25) == pytest.approx(10 + 0.25 / 0.4 * 10)
    assert weighted_percentile(values, weights, 0.75) == pytest.approx(20 + 0.35 / 0.6 * 10)
    assert weighted_percentile(values, weights, [0, 1]).tolist() == [10, 30]
    # weighted mean (10 + 20 + 2 * 30) / 4
    assert weighted_mean(values, weights) == pytest.approx(90 / 4)


def test_weighted_percentile_leaves_out_zero_weights_and_rejects_negative():
    assert weighted_percentile([10, 20, 99], [1, 1, 0], 0.5) == pytest.approx(15)
    assert weighted_percentile([7], [3], 0.9) == 7
    with pytest.raises(ValueError, match="negative"):
        weighted_percentile([1, 2], [1, -1], 0.5)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=30),
    st.floats(0.1, 500),
    st.floats(0, 1),
)
def test_equal_weights_give_quartile_inc(values, weight, p):
    expected = percentile_inc(values, p)
    got = weighted_percentile(values, [weight] * len(values), p)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


@pytest.mark.libreoffice
def test_quartiles_and_ranks_match_a_spreadsheet(tmp_path):
    """Write QUARTILE.INC, PERCENTILE.INC and PERCENTRANK.INC formulas; let LibreOffice compute."""
    xlsxwriter = pytest.importorskip("xlsxwriter")
    openpyxl = pytest.importorskip("openpyxl")
    from tests.support.libreoffice import convert, soffice_path

    if soffice_path() is None:
        pytest.skip("LibreOffice is not installed")
    data = [23.1, 19.8, 27.45, 19.8, 31.0, 22.6, 25.25, 18.9, 40.0]
    probes = [0.1, 0.25, 0.5, 0.75, 0.9]
    ranks_of = [19.8, 22.6, 24.0, 40.0]
    source = tmp_path / "quartiles.xlsx"
    book = xlsxwriter.Workbook(str(source), {"use_future_functions": True})
    sheet = book.add_worksheet("q")
    for i, value in enumerate(data):
        sheet.write_number(i, 0, value)
    rng = f"A1:A{len(data)}"
    for i, p in enumerate(probes):
        sheet.write_formula(i, 1, f"=PERCENTILE.INC({rng},{p})", None, 0)
    for k in range(5):
        sheet.write_formula(k, 2, f"=QUARTILE.INC({rng},{k})", None, 0)
    for i, x in enumerate(ranks_of):
        sheet.write_formula(i, 3, f"=PERCENTRANK.INC({rng},{x},15)", None, 0)
    book.close()
    (out,) = convert([source], "xlsx", tmp_path / "out")
    ws = openpyxl.load_workbook(out, data_only=True)["q"]
    for i, p in enumerate(probes):
        assert percentile_inc(data, p) == pytest.approx(ws.cell(i + 1, 2).value, abs=1e-9)
    for k in range(5):
        assert quartile_inc(data, k) == pytest.approx(ws.cell(k + 1, 3).value, abs=1e-9)
    for i, x in enumerate(ranks_of):
        assert percentrank_inc(data, x) == pytest.approx(ws.cell(i + 1, 4).value, abs=1e-9)
    assert np.isfinite(ws.cell(1, 2).value)
