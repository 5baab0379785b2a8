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


def test_weighted_median_counts_the_cheapest_providers_weight():
    # Issue example: 1,000 hours a week at 10 and 1 hour at 20. The unit is the smallest
    # weight, 1 hour; 10 owns the block (0, 1000], 20 owns (1000, 1001]; total W = 1001.
    # The window is one unit wide and starts at p x (1001 - 1) = 1000p.
    values, weights = [20.0, 10.0], [1.0, 1000.0]
    # median: window [500, 501], inside 10's block
    assert weighted_percentile(values, weights, 0.5) == 10.0
    # p = 0.999: window [999, 1000], still inside 10's block
    assert weighted_percentile(values, weights, 0.999) == 10.0
    # p = 0.9995: window [999.5, 1000.5], half 10 and half 20
    assert weighted_percentile(values, weights, 0.9995) == pytest.approx((10 + 20) / 2)
    assert weighted_percentile(values, weights, [0, 1]).tolist() == [10.0, 20.0]
    # the other way round the dearer provider sets the median
    assert weighted_percentile(values, [1000.0, 1.0], 0.5) == 20.0


def test_weighted_percentile_three_providers_worked_on_paper():
    # £18, £21, £27 an hour with 10, 25 and 15 hours a week (given unsorted).
    # Unit u = 10 hours, so the weights are 1, 2.5 and 1.5 units; total W = 5 units.
    # Blocks: 18 owns (0, 1], 21 owns (1, 3.5], 27 owns (3.5, 5].
    # The percentile at p is the mean over the window [p x (5 - 1), p x 4 + 1].
    values, weights = [21.0, 27.0, 18.0], [25.0, 15.0, 10.0]
    # p = 0.1: window [0.4, 1.4] = 0.6 unit of 18 and 0.4 unit of 21
    assert weighted_percentile(values, weights, 0.1) == pytest.approx(0.6 * 18 + 0.4 * 21)
    # p = 0.25: window [1, 2], all in 21's block
    assert weighted_percentile(values, weights, 0.25) == pytest.approx(21)
    # p = 0.5: window [2, 3], all in 21's block
    assert weighted_percentile(values, weights, 0.5) == pytest.approx(21)
    # p = 0.75: window [3, 4] = 0.5 unit of 21 and 0.5 unit of 27
    assert weighted_percentile(values, weights, 0.75) == pytest.approx(0.5 * 21 + 0.5 * 27)
    # p = 0.9: window [3.6, 4.6], all in 27's block
    assert weighted_percentile(values, weights, 0.9) == pytest.approx(27)
    # weighted mean (18 x 10 + 21 x 25 + 27 x 15) / 50 = (180 + 525 + 405) / 50
    assert weighted_mean(values, weights) == pytest.approx(1110 / 50)
    # unweighted, QUARTILE.INC of 18, 21, 27 would give a lower quartile of 19.5
    assert percentile_inc(values, 0.25) == pytest.approx(18 + 0.5 * (21 - 18))


def test_weighted_percentile_docstring_example_by_hand():
    # 10, 20, 30 with weights 1, 1, 2: blocks (0, 1], (1, 2], (2, 4]; median window
    # [0.5 x 3, 0.5 x 3 + 1] = [1.5, 2.5], half 20 and half 30
    assert weighted_percentile([30, 10, 20], [2, 1, 1], 0.5) == pytest.approx(25)
    # lower quartile: window [0.75, 1.75] = 0.25 of 10 and 0.75 of 20
    assert weighted_percentile([30, 10, 20], [2, 1, 1], 0.25) == pytest.approx(2.5 + 15)


def test_weighted_percentile_leaves_out_zero_weights_and_rejects_bad_weights():
    assert weighted_percentile([10, 20, 99], [1, 1, 0], 0.5) == pytest.approx(15)
    assert weighted_percentile([10, float("nan"), 20], [1, 5, 1], 0.5) == pytest.approx(15)
    assert weighted_percentile([7], [3], 0.9) == 7
    assert math.isnan(weighted_percentile([7, 8], [0, 0], 0.5))
    assert math.isnan(weighted_mean([7, 8], [0, 0]))
    with pytest.raises(ValueError, match="1 negative .*position 1, weight -1.0, value 2.0"):
        weighted_percentile([1, 2], [1, -1], 0.5)
    with pytest.raises(ValueError, match="missing or infinite"):
        weighted_percentile([1, 2], [1, float("nan")], 0.5)
    with pytest.raises(ValueError, match="missing or infinite"):
        weighted_percentile([1, 2], [1, float("inf")], 0.5)
    with pytest.raises(ValueError, match="negative"):
        weighted_mean([1, 2], [1, -1])
    with pytest.raises(ValueError, match="2 values but 1 weights"):
        weighted_percentile([1, 2], [1], 0.5)


def test_no_definition_can_jump_to_the_heavier_of_two_equal_providers():
    # Equal weights must give QUARTILE.INC's 15; a provider ahead by a hair moves the median
    # only a hair (a definition giving 20 here would have to jump).
    assert weighted_percentile([10, 20], [100, 100], 0.5) == 15
    assert weighted_percentile([10, 20], [100, 100.01], 0.5) == pytest.approx(15, abs=1e-3)
    # ahead of the other by the smallest weight (200 - 100 >= 100): the median window
    # [0.5 x (3 - 1), + 1] = [1, 2] units lies in 20's block (1, 3]
    assert weighted_percentile([10, 20], [100, 200], 0.5) == 20


_positive = st.floats(0.01, 1000, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=12),
    st.floats(0.001, 1e6),
    st.floats(0, 1),
)
def test_equal_weights_give_quartile_inc_exactly(values, weight, p):
    got = weighted_percentile(values, [weight] * len(values), p)
    assert got == percentile_inc(values, p) == np.percentile(values, p * 100, method="linear")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 1000), st.integers(1, 6)), min_size=1, max_size=8),
    st.floats(0, 1),
)
def test_whole_multiples_of_the_smallest_weight_repeat_the_value(pairs, p):
    # weights 2, 1, 3 mean the list with the values repeated 2, 1 and 3 times (Hyndman-Fan
    # type 7 on frequency weights); the smallest weight is the unit, whatever it measures
    values = [v for v, _ in pairs]
    counts = np.array([c for _, c in pairs])
    counts = counts - counts.min() + 1  # the smallest weight is one unit
    expected = np.percentile(np.repeat(values, counts), p * 100, method="linear")
    unit = 7.5  # hours, beds, tenths of an hour: any unit of measure
    assert weighted_percentile(values, counts * unit, p) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 1000), _positive), min_size=2, max_size=8),
    st.data(),
    st.floats(0.01, 2000),
    st.floats(0, 1),
)
def test_more_weight_moves_every_percentile_toward_the_value(pairs, data, extra, p):
    values = [v for v, _ in pairs]
    weights = np.array([w for _, w in pairs])
    k = data.draw(st.integers(0, len(values) - 1))
    before = weighted_percentile(values, weights, p)
    heavier = weights.copy()
    heavier[k] += extra
    after = weighted_percentile(values, heavier, p)
    target = values[k]
    tolerance = 1e-9 * (1 + abs(target))
    # on the same side of the value, and no further from it
    assert abs(after - target) <= abs(before - target) + tolerance
    assert (after - target) * (before - target) >= -tolerance * (1 + abs(before - target))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1000), _positive), min_size=2, max_size=8), st.data())
def test_a_provider_with_most_of_the_weight_sets_the_median(pairs, data):
    values = [v for v, _ in pairs]
    weights = np.array([w for _, w in pairs])
    k = data.draw(st.integers(0, len(values) - 1))
    others = weights.sum() - weights[k]
    unit = np.delete(weights, k).min()
    # give provider k more than half the weight, sometimes by a wide margin
    weights[k] = others + data.draw(st.sampled_from([0.001, 0.5, 1.0, 1.5, 10.0])) * unit
    median = weighted_percentile(values, weights, 0.5)
    target = values[k]
    margin = weights[k] - others
    if margin > 1.000001 * weights.min():
        assert median == target
    elif margin >= weights.min():  # the window just touches the block's edge: rounding only
        assert median == pytest.approx(target, abs=1e-9 * (1 + abs(target)))
    else:
        # more than half of the median's window lies in its block: at least half-way from
        # the neighbouring value to its own
        reach = max(abs(v - target) for i, v in enumerate(values) if i != k)
        assert abs(median - target) <= reach / 2 + 1e-9 * (1 + reach)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 1000), _positive), min_size=1, max_size=8),
    st.floats(0, 1000),
    st.floats(0.01, 1000),
    st.floats(0, 1),
)
def test_zero_weights_are_left_out_and_the_unit_of_measure_does_not_matter(pairs, stray, scale, p):
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    base = weighted_percentile(values, weights, p)
    assert weighted_percentile([*values, stray], [*weights, 0.0], p) == base
    scaled = weighted_percentile(values, [w * scale for w in weights], p)
    assert scaled == pytest.approx(base, rel=1e-9, abs=1e-9)


def test_weighted_percentile_is_vectorised_over_fractions():
    values, weights = [18.0, 21.0, 27.0], [10.0, 25.0, 15.0]
    fractions = [0.1, 0.25, 0.5, 0.75, 0.9]
    together = weighted_percentile(values, weights, fractions)
    assert together.tolist() == [weighted_percentile(values, weights, f) for f in fractions]


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
    # weights that are whole multiples of the smallest: the list with each value repeated
    counts = [2, 1, 3, 1, 1, 2, 1, 4, 1]
    repeated = [v for v, c in zip(data, counts, strict=True) for _ in range(c)]
    for i, value in enumerate(repeated):
        sheet.write_number(i, 4, value)
    for i, p in enumerate(probes):
        sheet.write_formula(i, 5, f"=PERCENTILE.INC(E1:E{len(repeated)},{p})", None, 0)
    book.close()
    (out,) = convert([source], "xlsx", tmp_path / "out")
    ws = openpyxl.load_workbook(out, data_only=True)["q"]
    for i, p in enumerate(probes):
        assert percentile_inc(data, p) == pytest.approx(ws.cell(i + 1, 2).value, abs=1e-9)
    for k in range(5):
        assert quartile_inc(data, k) == pytest.approx(ws.cell(k + 1, 3).value, abs=1e-9)
    for i, x in enumerate(ranks_of):
        assert percentrank_inc(data, x) == pytest.approx(ws.cell(i + 1, 4).value, abs=1e-9)
    hours = [c * 12.5 for c in counts]  # 12.5 hours a week is the unit
    for i, p in enumerate(probes):
        spreadsheet = ws.cell(i + 1, 2).value
        assert weighted_percentile(data, [37.5] * len(data), p) == pytest.approx(spreadsheet)
        repeated_value = ws.cell(i + 1, 6).value
        assert weighted_percentile(data, hours, p) == pytest.approx(repeated_value, abs=1e-9)
    assert np.isfinite(ws.cell(1, 2).value)
