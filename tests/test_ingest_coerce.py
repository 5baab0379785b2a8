"""Values as people type them: each coercion rule, with the words a user reads."""

import datetime as dt
import math

import pytest

from costofcare.ingest.coerce import coerce


@pytest.mark.parametrize(
    "cell, kind, value",
    [
        ("£1,234.50", "money", 1234.50),
        ("  £ 1,234.50  ", "money", 1234.50),
        ("\u00a0£12.00\u00a0", "money", 12.0),
        ("1234", "number", 1234.0),  # number stored as text
        (" 12 ", "integer", 12.0),
        ("GBP 15.5", "money", 15.5),
        ("-£12", "money", -12.0),
        ("nil", "money", 0.0),
        ("Zero", "number", 0.0),
        ("12.5%", "percent", 0.125),
        ("3%", "percent", 0.03),
        (0.15, "percent", 0.15),  # Excel keeps 15% as 0.15
        ("0.85", "percent", 0.85),
        (True, "bool", 1.0),
        ("Yes", "bool", 1.0),
        (" no ", "bool", 0.0),
        (1e3, "number", 1000.0),
    ],
)
def test_plain_readings_need_no_warning(cell, kind, value):
    got = coerce(cell, kind)
    assert got.code == ""
    assert got.value == pytest.approx(value)


@pytest.mark.parametrize(
    "cell, kind, value, words",
    [
        (15, "percent", 15 / 100, "15 read as 15% (0.15 as a fraction)"),
        ("12.5", "percent", 12.5 / 100, "12.5 read as 12.5%"),
        ("-", "money", 0.0, "read as 0 (a dash is taken as nil)"),
        ("\u2013", "number", 0.0, "a dash is taken as nil"),
        ("none", "money", 0.0, "'none' read as 0"),
        ("12,5", "number", 12.5, "comma taken as a decimal point"),
        ("1 234", "number", 1234.0, "spaces taken as thousands separators"),
        ("(120)", "money", -120.0, "read as a negative amount (brackets)"),
        ("45p", "money", 0.45, "read as pence: £0.45"),
        ("12k", "money", 12_000.0, "'12k' read as 12,000"),
    ],
)
def test_ambiguous_input_is_a_warning_saying_what_was_assumed(cell, kind, value, words):
    got = coerce(cell, kind)
    assert got.code == "assumed"
    assert got.value == pytest.approx(value)
    assert words in got.message


@pytest.mark.parametrize("cell", ["N/A", "n/a", "NA", "Not applicable"])
def test_not_applicable_gives_no_figure_and_says_so(cell):
    got = coerce(cell, "money")
    assert got.code == "not_applicable"
    assert math.isnan(got.value)
    assert "read as not applicable: no figure" in got.message


@pytest.mark.parametrize(
    "cell, kind, words",
    [
        ("about 12", "money", "'about 12' is not an amount of money"),
        ("12.5", "integer", "'12.5' is not a whole number"),
        ("12%", "money", "(it has a % sign)"),
        ("lots", "percent", "'lots' is not a percentage"),
        ("maybe", "bool", "'maybe' is not yes or no"),
        ("31/02/2025", "date", "is not a real date"),
        (2025, "date", "'2025' looks like a year, not a date"),
        ("soon", "date", "'soon' is not a date (use DD/MM/YYYY)"),
        ("1e400", "date", "'1e400' is not a date"),  # a serial too large for a float
        (math.inf, "date", "'inf' is not a date"),  # a cell cached as inf
        ("Domiciliary", "choice", "'Domiciliary' is not one of 'Residential', 'Nursing'"),
    ],
)
def test_unreadable_input_is_an_error_naming_the_value(cell, kind, words):
    got = coerce(cell, kind, choices=("Residential", "Nursing"))
    assert got.code == "unreadable_value"
    assert words in got.message
    assert not got.ok


@pytest.mark.parametrize("cell", ["#DIV/0!", "#REF!", "#VALUE!"])
def test_spreadsheet_errors_are_reported_as_such(cell):
    got = coerce(cell, "money")
    assert got.code == "formula_error"
    assert f"the cell holds the error {cell}" in got.message


@pytest.mark.parametrize(
    "cell, iso, code, words",
    [
        (dt.date(2025, 4, 1), "2025-04-01", "", ""),
        (dt.datetime(2025, 4, 1, 0, 0), "2025-04-01", "", ""),
        ("2025-04-01", "2025-04-01", "", ""),
        ("13/04/2025", "2025-04-13", "", ""),  # day > 12: no doubt
        ("01/04/2025", "2025-04-01", "assumed", "read day first (UK style) as 1 April 2025"),
        ("04/13/2025", "2025-04-13", "assumed", "read month first (there is no month 13)"),
        ("1/4/25", "2025-04-01", "assumed", "two-digit year read as 2025"),
        ("1 April 2025", "2025-04-01", "", ""),
        ("1st Apr 2025", "2025-04-01", "", ""),
        ("April 2025", "2025-04-01", "assumed", "read as the 1st"),
        # Excel serial: days since 1899-12-30, so 1 April 2025 is 45748
        (45748, "2025-04-01", "", ""),
        ("45748", "2025-04-01", "", ""),
    ],
)
def test_dates_as_cells_text_or_serials(cell, iso, code, words):
    got = coerce(cell, "date")
    assert got.text == iso
    assert got.code == code
    assert words in got.message


def test_1904_date_system_serials():
    # In the 1904 system day 0 is 1904-01-01: 1 April 2025 is 45748 - 1462.
    assert coerce(45748 - 1462, "date", date1904=True).text == "2025-04-01"


def test_choices_ignore_case_and_spacing_and_return_the_listed_spelling():
    got = coerce("  residential  and NURSING ", "choice", choices=("Residential and nursing",))
    assert (got.text, got.code) == ("Residential and nursing", "")


def test_text_keeps_what_was_typed_without_outer_spaces():
    assert coerce('  =HYPERLINK("x")  ', "text").text == '=HYPERLINK("x")'
    assert coerce(1234.0, "text").text == "1234"


def test_a_number_just_over_1_in_a_percent_field_stays_a_fraction_with_a_warning():
    # Excel stores a typed 105% as 1.05; reading it as 1.05% would hide occupancy over 100%.
    got = coerce(1.05, "percent")
    assert got.value == pytest.approx(1.05)
    assert got.code == "assumed"
    assert "1.05 read as 105% (a fraction" in got.message
