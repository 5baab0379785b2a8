"""The benchmark package: its errors, and importing it without matplotlib.

Its exported names are pinned with every other package's in ``tests/test_public_api.py``.
"""

import costofcare.benchmark as benchmark


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
