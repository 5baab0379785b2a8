"""Pin the public API of costofcare.benchmark, so accidental exports show up in review."""

import costofcare.benchmark as benchmark

PUBLIC = {
    "BASIS_KINDS",
    "ComparatorError",
    "MarketBenchmark",
    "MarketDataError",
    "NearestNeighbours",
    "NeighboursError",
    "flag_outliers",
    "market_statistics",
    "percentile_inc",
    "percentile_positions",
    "percentrank_inc",
    "period_months",
    "provider_costs",
    "quartile_inc",
    "rank_position",
    "rate_coverage",
    "read_comparators",
    "roll_forward",
    "select_comparators",
    "shipped_comparators",
    "validate_comparators",
    "weighted_mean",
    "weighted_percentile",
}


def test_public_names():
    assert set(benchmark.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(benchmark, name) is not None


def test_errors_are_user_errors():
    from costofcare.errors import UserError

    for name in ("ComparatorError", "MarketDataError", "NeighboursError"):
        assert issubclass(getattr(benchmark, name), UserError)


def test_library_imports_without_matplotlib_loaded():
    import subprocess
    import sys

    code = "import sys, costofcare.benchmark; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
