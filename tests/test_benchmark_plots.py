"""Plots draw what they say: one dot per provider, our rates across, ours highlighted."""

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.colors import to_hex  # noqa: E402

from costofcare.benchmark.comparators import rank_position  # noqa: E402
from costofcare.benchmark.market import MarketBenchmark  # noqa: E402
from costofcare.benchmark.plots import OUR_COLOUR, plot_comparators, plot_market  # noqa: E402
from tests.test_benchmark_market import unit_costs, volumes  # noqa: E402


def test_market_strip_and_box():
    import matplotlib.pyplot as plt

    costs = MarketBenchmark().fit(unit_costs(), volumes()).costs_
    ax = plot_market(costs, {"current": 19.0, "proposed": 20.5}, service="home_care")
    points = sum(len(c.get_offsets()) for c in ax.collections)
    assert points == 5
    levels = sorted(line.get_ydata()[0] for line in ax.get_lines())
    assert levels == [19.0, 20.5]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "outlier" in labels and "proposed rate 20.50" in labels
    box = plot_market(costs, None, service="home_care", level="line", kind="box")
    assert [t.get_text() for t in box.get_xticklabels()][0] == "Care worker pay"
    plt.close("all")


def test_comparators_ranked_with_ours_highlighted():
    import matplotlib.pyplot as plt
    import pandas as pd

    table = pd.DataFrame(
        {"authority": ["W", "X", "Y"], "region": ["N"] * 3, "rate_rolled": [600.0, 700.0, 800.0]}
    )
    ranked, _ = rank_position(table, 650.0, authority="Us")
    ax = plot_comparators(ranked)
    bars = ax.patches
    assert len(bars) == 4
    widths = [b.get_width() for b in bars]
    assert widths == sorted(widths)  # ranked
    ours = [b for b in bars if to_hex(b.get_facecolor()) == OUR_COLOUR]
    assert [b.get_width() for b in ours] == [650.0]
    plt.close("all")
