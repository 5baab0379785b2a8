"""Property-based tests of the value parser and the checks, and a bounded mutation fuzz of
real example returns: whatever a cell or a file holds, the result is values with their
provenance or a clear rejection, never a crash, a hang or a silent change.

Seeds are fixed (``derandomize``) and example counts small, so the suite stays quick and
gives the same cases on every run; the heavier fuzz is marked slow.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costofcare.ingest.coerce import Coerced, coerce, is_blank, raw_text
from costofcare.ingest.issues import ISSUE_CODES, REJECTION_CODES
from costofcare.ingest.reader import ReadCell, ReturnResult, read_return
from costofcare.ingest.validate import check_return
from costofcare.templates.spec import get_spec

QUICK = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
ROOT = Path(__file__).resolve().parents[1]
RETURNS = ROOT / "workbooks" / "examples" / "returns"
KINDS = ("money", "number", "integer", "percent", "text", "date", "choice", "bool")
CODES = {"", "assumed", "not_applicable", "unreadable_value", "formula_error"}
CHOICES = ("Residential", "Nursing", "Dual registered")

cells = st.one_of(
    st.text(max_size=40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(),
    st.from_regex(r"\s*[-(£+]?\s*[0-9]{1,3}(,[0-9]{3})*(\.[0-9]+)?\s*[%kKmp)]?\s*", fullmatch=True),
)


# ------------------------------------------------------------------ the value parser


@QUICK
@given(cell=cells, kind=st.sampled_from(KINDS))
def test_any_cell_is_read_or_refused_with_a_reason(cell, kind):
    if is_blank(cell):
        return
    got = coerce(cell, kind, choices=CHOICES)
    assert isinstance(got, Coerced)
    assert got.code in CODES
    assert bool(got.code) == bool(got.message)
    assert got.raw == raw_text(cell)
    if got.code in ("unreadable_value", "formula_error", "not_applicable"):
        assert math.isnan(got.value) and got.text == ""
    elif kind in ("money", "number", "integer", "percent", "bool"):
        assert math.isfinite(got.value)  # a figure read is a real number
    if kind == "integer" and got.ok:
        assert float(got.value).is_integer()
    if kind == "choice" and got.ok:
        assert got.text in CHOICES


@QUICK
@given(pence=st.integers(min_value=-(10**12), max_value=10**12))
def test_money_as_people_write_it_reads_back_exactly(pence):
    amount = pence / 100
    sign = "-" if pence < 0 else ""
    for text in (f"{sign}£{abs(amount):,.2f}", f" {amount:.2f} ", f"{sign}GBP {abs(amount):,.2f}"):
        got = coerce(text, "money")
        assert got.code == "", text
        assert got.value == pytest.approx(amount, abs=1e-9), text
    bracketed = coerce(f"(£{abs(amount):,.2f})", "money")
    assert bracketed.code == "assumed"
    assert bracketed.value == pytest.approx(-abs(amount), abs=1e-9)


@QUICK
@given(hundredths=st.integers(min_value=-100_000, max_value=100_000))
def test_a_percentage_with_its_sign_is_a_fraction(hundredths):
    percent = hundredths / 100
    got = coerce(f"{percent:.2f}%", "percent")
    assert got.code == ""
    assert got.value == pytest.approx(percent / 100, abs=1e-12)
    assert coerce(f"{percent:.2f}%", "money").code == "unreadable_value"  # % in a money field


@QUICK
@given(n=st.integers(min_value=-(10**9), max_value=10**9), frac=st.integers(1, 99))
def test_whole_numbers_only_in_an_integer_field(n, frac):
    assert coerce(str(n), "integer") == Coerced(float(n), "", str(n))
    assert coerce(f"{n}.{frac:02d}", "integer").code == "unreadable_value"


@QUICK
@given(day=st.dates(min_value=dt.date(1971, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_dates_as_typed_read_to_the_same_day(day):
    assert coerce(day.isoformat(), "date").text == day.isoformat()
    assert coerce(dt.datetime.combine(day, dt.time(0)), "date").text == day.isoformat()
    uk = coerce(day.strftime("%d/%m/%Y"), "date")
    assert uk.text == day.isoformat()
    # ambiguous day/month (both 12 or under, and different) is read day first with a warning
    ambiguous = day.day <= 12 and day.month <= 12 and day.day != day.month
    assert uk.code == ("assumed" if ambiguous else "")
    serial = (day - dt.date(1899, 12, 30)).days
    assert coerce(float(serial), "date").text == day.isoformat()


@QUICK
@given(choice=st.sampled_from(CHOICES), case=st.sampled_from([str.upper, str.lower, str.title]))
def test_a_choice_in_any_case_or_spacing_is_the_template_spelling(choice, case):
    typed = "  " + case(choice).replace(" ", "   ") + " "
    got = coerce(typed, "choice", choices=CHOICES)
    assert (got.text, got.code, got.raw) == (choice, "", typed)


# ------------------------------------------------------------------ the checks

NUMERIC_FIELDS = [
    f
    for f in get_spec("home_care").fields()
    if f.numeric and (f.min is not None or f.max is not None)
]


@QUICK
@given(
    f=st.sampled_from(NUMERIC_FIELDS),
    value=st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
)
def test_bounds_give_an_error_outside_and_a_warning_only_when_unusual(f, value):
    result = ReturnResult(file="x.xlsx")
    read = ReadCell(f, Coerced(value, "", raw_text(value)), "Sheet", 4, 1)
    check_return(result, get_spec("home_care"), {f.id: read}, {}, None)
    codes = [i.code for i in result.issues if i.field == f.id]
    hard = (f.min is not None and value < f.min) or (f.max is not None and value > f.max)
    unusual = (f.warn_min is not None and value < f.warn_min) or (
        f.warn_max is not None and value > f.warn_max
    )
    if hard:
        assert codes == ["out_of_bounds"]
        assert result.issues[0].cell == "B5" and result.issues[0].sheet == "Sheet"
    elif unusual:
        assert codes == ["implausible"]
    else:
        assert codes == []


# ------------------------------------------------------------------ mutation fuzz of returns


def _example(name: str) -> Path:
    return next(RETURNS.glob(f"{name}_*.xlsx"))


def _mutate_member(source: bytes, rng: random.Random, flips: int) -> bytes:
    """``source`` with ``flips`` random bytes of one random inflated member changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin:
        names = zin.namelist()
        target = rng.choice(names)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in names:
                data = bytearray(zin.read(name))
                if name == target and data:
                    for _ in range(flips):
                        data[rng.randrange(len(data))] = rng.randrange(256)
                zout.writestr(name, bytes(data))
    return out.getvalue()


def _provenance_or_rejection(result, original) -> None:
    """The outcome is values with provenance or a clear rejection; nothing changes silently."""
    if result.status == "rejected":
        assert result.reason_code in REJECTION_CODES and result.reason
        assert result.values == []
        return
    assert result.status == "read"
    for v in result.values:
        assert v[10] and v[11] and v[12], v  # file, sheet and cell of every value
    for issue in result.issues:
        assert issue.code in ISSUE_CODES
    # every figure that differs from the unmutated return is explained by an issue on its
    # field, or is a field the mutation made blank or unreadable (reported), or comes from
    # text the flip changed (kept with its raw text, which is provenance enough)
    before = {(v[4], v[5], v[6]): v for v in original.values}
    flagged = {i.field for i in result.issues} | {""}
    for v in result.values:
        old = before.get((v[4], v[5], v[6]))
        if old is None or v[6] in flagged or v[13] != old[13]:
            continue
        same = (v[7] == old[7]) or (math.isnan(v[7]) and math.isnan(old[7]))
        assert same and v[8] == old[8], (v, old)


FUZZ_CASES = [("HC01", seed) for seed in range(12)] + [("CH01", seed) for seed in range(12)]


@pytest.mark.parametrize(("name", "seed"), FUZZ_CASES[:6])
def test_byte_flips_inside_the_archive_end_in_values_or_a_rejection(tmp_path, name, seed):
    source = _example(name).read_bytes()
    original = read_return(_example(name))
    path = tmp_path / "flipped.xlsx"
    path.write_bytes(_mutate_member(source, random.Random(seed), flips=1 + seed % 4))
    _provenance_or_rejection(read_return(path), original)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "seed"), FUZZ_CASES[6:])
def test_more_byte_flips_inside_the_archive(tmp_path, name, seed):
    source = _example(name).read_bytes()
    original = read_return(_example(name))
    path = tmp_path / "flipped.xlsx"
    path.write_bytes(_mutate_member(source, random.Random(seed), flips=1 + seed % 8))
    _provenance_or_rejection(read_return(path), original)


ODD_VALUES = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(["=1+1", "N/A", "#DIV/0!", "-", "£-0.00", "1e308", "(12)", "\u00a0"]),
)


@settings(max_examples=8, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    values=st.dictionaries(
        st.sampled_from(
            [
                "contact_hours_per_week",
                "provider_name",
                "period_start",
                "care_worker_headcount",
                "audit_compliance_annual",
            ]
        ),
        ODD_VALUES,
        min_size=1,
        max_size=3,
    )
)
def test_odd_cell_values_are_read_with_provenance(tmp_path_factory, values):
    import openpyxl

    from costofcare.ingest.locate import parse_a1

    source = _example("HC01")
    original = read_return(source)
    wb = openpyxl.load_workbook(source)
    where = {}
    for field_id, value in values.items():
        ((sheet, ref),) = wb.defined_names[field_id].destinations
        c = wb[sheet][ref.replace("$", "")]
        c.value = value
        if isinstance(value, str):
            c.data_type = "s"
        where[field_id] = (sheet, ref.replace("$", ""))
    path = tmp_path_factory.mktemp("odd") / "odd.xlsx"
    wb.save(path)
    got = read_return(path)
    assert got.status == "read"
    for field_id, (sheet, ref) in where.items():
        rows = [v for v in got.values if v[6] == field_id and v[4] == ""]
        issues = [i for i in got.issues if i.field == field_id]
        parse_a1(ref)
        if rows:
            (row,) = rows
            assert (row[11], row[12]) == (sheet, ref)  # provenance: the cell typed in
        else:
            assert is_blank(values[field_id]) or issues
    _provenance_or_rejection(got, original)
