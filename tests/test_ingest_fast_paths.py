"""The reader's short cuts give what the full rules give.

A finite number that :func:`costofcare.ingest.reader._plainly_read` lets through is read
as itself with no note, exactly as :func:`costofcare.ingest.coerce.coerce` reads it; a
choice is matched as before, the first listed of any that fold alike.
"""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from costofcare.ingest.coerce import Coerced, coerce, raw_text
from costofcare.ingest.reader import _plainly_read

KINDS = ("money", "number", "integer", "percent", "text", "date", "choice", "bool")


@given(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(KINDS))
def test_a_number_let_through_is_what_the_rules_read(x, kind):
    if not _plainly_read(kind, x):
        return
    choices = ("a",) if kind == "choice" else ()
    assert coerce(x, kind, choices=choices) == Coerced(x, "", raw_text(x))


def test_which_numbers_are_let_through():
    assert _plainly_read("money", 1e300)
    assert _plainly_read("number", -3.5)
    assert _plainly_read("integer", 12.0)
    assert not _plainly_read("integer", 12.5)  # not a whole number: an issue
    assert _plainly_read("percent", 0.035)
    assert _plainly_read("percent", -1.0)
    assert not _plainly_read("percent", 1.5)  # read as a fraction above 1: a note
    assert not _plainly_read("percent", 3.5)  # read as 3.5%: a note
    assert not _plainly_read("date", 45000.0)
    assert not _plainly_read("text", 1.0)
    assert math.isclose(coerce(3.5, "percent").value, 0.035)


def test_a_choice_is_the_first_listed_of_those_that_fold_alike():
    choices = ("Yes", "YES ", "No")
    assert coerce("  yes ", "choice", choices=choices).text == "Yes"
    assert coerce("no", "choice", choices=choices).text == "No"
    assert coerce("maybe", "choice", choices=choices).code == "unreadable_value"
    assert coerce("n/a", "choice", choices=list(choices)).code == "not_applicable"


def test_ingest_with_its_validation_workbook_does_not_load_the_report_step(tmp_path):
    # The report step (and what it imports, such as scipy) is a second of start-up for a
    # command that only ingests; the validation workbook needs only costofcare.textfit.
    import subprocess
    import sys
    from pathlib import Path

    returns = Path(__file__).resolve().parents[1] / "workbooks" / "examples" / "returns"
    code = (
        "import sys\n"
        "from costofcare.cli import main\n"
        f"main(['ingest', {str(returns)!r}, '-o', {str(tmp_path / 'out')!r}, "
        "'--workers', '1', '--no-progress'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('costofcare.report')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "validation.xlsx").stat().st_size > 0
    assert done.stdout.strip().splitlines()[-1] == "[]"
