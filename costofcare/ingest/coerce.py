"""Read a cell's value as its field's kind, the way people actually type it.

One function, :func:`coerce`, turns whatever a spreadsheet cell held (a number, a date, a
boolean, or text such as ``"£1,234.50"``, ``"12.5%"``, ``"N/A"``, ``"nil"``, ``"-"``) into a
:class:`Coerced` value: a float for numeric kinds, text for text kinds, or nothing, with at
most one note saying what was assumed (a warning) or why it could not be read (an error).

The rules, by field kind (the docs page lists them with examples):

``money``, ``number``, ``integer``
    Numbers, or text holding one: stray spaces, ``£``/``GBP``, thousands commas
    (``1,234.50``) are dropped silently. Read with a warning saying what was assumed: a
    decimal comma (``12,5`` -> 12.5), spaces between digit groups (``1 234``), a dash
    (``-`` -> 0), ``none`` (-> 0), accounting negatives (``(120)`` -> -120), ``k``/``m``
    suffixes (``12k`` -> 12000) and, for money, pence (``45p`` -> 0.45). ``nil``/``zero``
    mean 0. ``N/A`` means no figure (a ``not_applicable`` warning). ``integer`` needs a whole
    number.
``percent``
    Stored as a fraction. ``12.5%`` -> 0.125; a number from -1 to 1 is taken as a fraction
    already (Excel stores 15% as 0.15); from 2 up it is taken as a whole percentage
    (``15`` -> 0.15) with a warning; between 1 and 2 it stays a fraction (``1.05`` -> 105%,
    which the bounds then check) with a warning.
``date``
    Date cells, ISO text (``2025-04-01``), UK day-first text (``01/04/2025``; a warning when
    day and month could be swapped), month names (``1 April 2025``; ``April 2025`` -> the
    1st, with a warning) and spreadsheet serial numbers (1970-2100).
``choice``
    One of the field's choices, ignoring case and spacing.
``bool``
    ``yes``/``no``, ``y``/``n``, ``true``/``false``, ``1``/``0`` -> 1.0 / 0.0.
``text``
    As typed, without leading or trailing spaces.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import NamedTuple

NUMERIC_KINDS = frozenset({"money", "number", "integer", "percent"})
KINDS = frozenset({"money", "number", "integer", "percent", "text", "date", "choice", "bool"})

NAN = math.nan

PERCENT_WHOLE_FROM = 2.0
"""A bare number this size or more in a percent field is read as a whole percentage (15 ->
15%); between 1 and this it is read as a fraction (1.05 -> 105%, as Excel stores a typed
105%), with a warning either way, so an occupancy over 100% is not hidden as 1.05%."""

_NA_WORDS = frozenset({"n/a", "na", "n.a.", "n.a", "not applicable", "n / a", "#n/a"})
_ZERO_WORDS = frozenset({"nil", "zero", "0.00", "nil."})
_DASHES = frozenset({"-", "--", "\u2013", "\u2014", "\u2012", "\u2212"})
_SPREADSHEET_ERRORS = frozenset(
    {"#div/0!", "#ref!", "#value!", "#name?", "#num!", "#null!", "#n/a", "#spill!", "#calc!"}
)
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?")
_THOUSANDS_COMMA = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d{1,2}")
_THOUSANDS_SPACE = re.compile(r"[+-]?\d{1,3}( \d{3})+(\.\d*)?")
_MULTIPLIERS = {"k": 1_000.0, "m": 1_000_000.0, "bn": 1_000_000_000.0}
_TRUE_WORDS = frozenset({"yes", "y", "true", "1", "1.0"})
_FALSE_WORDS = frozenset({"no", "n", "false", "0", "0.0"})
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?")
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_NAMED_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%d %B %y", "%d %b %y")
_MONTH_YEAR_FORMATS = ("%B %Y", "%b %Y")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_EPOCH_1904 = dt.date(1904, 1, 1)
_SERIAL_MIN = (dt.date(1970, 1, 1) - _EXCEL_EPOCH).days
_SERIAL_MAX = (dt.date(2100, 12, 31) - _EXCEL_EPOCH).days


class Coerced(NamedTuple):
    """A cell read as its field's kind.

    A named tuple rather than a frozen dataclass: as immutable, equal field by field as
    before, and three times quicker to make (one is made for every cell of every return).

    Attributes
    ----------
    value : the number (fractions for percent, 1.0/0.0 for bool); NaN when none or text.
    text : the text for text, choice and date (ISO ``YYYY-MM-DD``) kinds; "" otherwise.
    raw : the cell as found, as text.
    code : "" when read plainly, else an issue code: ``assumed``, ``not_applicable``,
        ``unreadable_value`` or ``formula_error``.
    message : what was assumed, or why the value could not be read.
    """

    value: float
    text: str
    raw: str
    code: str = ""
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when a value (number or text) was obtained."""
        return not math.isnan(self.value) or self.text != ""


class CellError(str):
    """A spreadsheet error cached in a cell (``#DIV/0!``, ``#REF!``), as opposed to text
    typed to look like one. Always read as a ``formula_error``, whatever the field's kind."""

    __slots__ = ()


def _squeeze(text: str) -> str:
    """``text`` with each run of spaces (any Unicode whitespace: tabs, line breaks,
    non-breaking and thin spaces) made one space, and none at either end."""
    return " ".join(text.split())


def raw_text(cell: object) -> str:
    """The cell as text, as a person would read it (``15`` not ``15.0``; ISO dates)."""
    kind = type(cell)
    if kind is str:  # text and numbers, almost every cell, are told first
        return cell
    if kind is float:
        return float_text(cell)
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return float_text(cell)
    if isinstance(cell, dt.datetime):
        if cell.time() == dt.time(0):
            return cell.date().isoformat()
        return cell.isoformat(sep=" ")
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    if isinstance(cell, dt.timedelta):
        return str(cell)
    return str(cell)


def float_text(cell: float) -> str:
    """A float as :func:`raw_text` shows it: whole numbers without ``.0`` (up to 10^15).
    The reader calls it directly for the numbers it reads without :func:`coerce`."""
    if cell.is_integer() and abs(cell) < 1e15:
        return str(int(cell))
    return repr(cell)


def is_blank(cell: object) -> bool:
    """True for an empty cell or one holding only spaces."""
    if cell is None:
        return True
    if isinstance(cell, str):
        return not cell or cell.isspace()  # the same spaces as _squeeze: Unicode whitespace
    return False


def coerce(
    cell: object,
    kind: str,
    *,
    choices: tuple[str, ...] = (),
    date1904: bool = False,
) -> Coerced:
    """Read one non-blank cell as ``kind``.

    Parameters
    ----------
    cell : the cached value the spreadsheet holds (int, float, bool, str, date, datetime).
    kind : the field kind: money, number, integer, percent, text, date, choice or bool.
    choices : the allowed values of a choice field.
    date1904 : the workbook counts date serials from 1904 (old Mac Excel).

    Returns
    -------
    Coerced

    Examples
    --------
    >>> coerce(" £1,234.50 ", "money").value
    1234.5
    >>> c = coerce(15, "percent"); (c.value, c.code)
    (0.15, 'assumed')
    """
    if kind not in KINDS:
        raise ValueError(f"unknown field kind {kind!r}")
    raw = raw_text(cell)
    if isinstance(cell, CellError):
        return Coerced(NAN, "", raw, "formula_error", f"the cell holds the error {raw}")
    if isinstance(cell, str):
        squeezed = _squeeze(cell)
        if kind == "text":
            return Coerced(NAN, squeezed, raw)
        if squeezed.lower() in _SPREADSHEET_ERRORS:
            return Coerced(NAN, "", raw, "formula_error", f"the cell holds the error {squeezed}")
        if kind == "choice":
            return _coerce_choice(squeezed, raw, choices)
    if kind in NUMERIC_KINDS:
        return _coerce_numeric(cell, kind, raw)
    if kind == "date":
        return _coerce_date(cell, raw, date1904)
    if kind == "bool":
        return _coerce_bool(cell, raw)
    if kind == "choice":
        return _coerce_choice(_squeeze(raw), raw, choices)
    return Coerced(NAN, raw, raw)  # text kind, a cell that is not text


def _unreadable(raw: str, what: str) -> Coerced:
    return Coerced(NAN, "", raw, "unreadable_value", f"{raw!r} is not {what}")


def _coerce_numeric(cell: object, kind: str, raw: str) -> Coerced:
    what = {
        "money": "an amount of money",
        "number": "a number",
        "integer": "a whole number",
        "percent": "a percentage",
    }[kind]
    note = ""
    if isinstance(cell, bool):
        return _unreadable(raw, what)
    if isinstance(cell, int | float):
        number = float(cell)
        explicit_percent = False
    elif isinstance(cell, str):
        parsed = _parse_number_text(cell, kind)
        if isinstance(parsed, Coerced):
            return Coerced(parsed.value, "", raw, parsed.code, parsed.message)
        if parsed is None:
            return _unreadable(raw, what)
        number, explicit_percent, note = parsed
    else:  # dates, times in a numeric field
        return _unreadable(raw, what)
    if not math.isfinite(number):
        return _unreadable(raw, what)
    if kind == "percent":
        if explicit_percent:
            number = number / 100.0
        elif abs(number) >= PERCENT_WHOLE_FROM:
            shown = raw_text(number)
            number = number / 100.0
            note = _join(note, f"{shown} read as {shown}% ({raw_text(number)} as a fraction)")
        elif abs(number) > 1.0:
            shown = raw_text(number)
            note = _join(
                note,
                f"{shown} read as {number * 100:.6g}% (a fraction, as Excel stores percentages); "
                f"if {shown}% was meant, type it with the % sign",
            )
    elif explicit_percent:
        return _unreadable(raw, what + " (it has a % sign)")
    if kind == "integer" and not float(number).is_integer():
        return Coerced(NAN, "", raw, "unreadable_value", f"{raw!r} is not a whole number")
    return Coerced(number, "", raw, "assumed" if note else "", note)


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


def _parse_number_text(text: str, kind: str) -> tuple[float, bool, str] | Coerced | None:
    """(number, had % sign, assumption note), a special Coerced, or None if unreadable."""
    s = _squeeze(text)
    low = s.lower()
    if low in _NA_WORDS:
        return Coerced(NAN, "", "", "not_applicable", f"{s!r} read as not applicable: no figure")
    if low in _ZERO_WORDS:
        return 0.0, False, ""
    if low == "none":
        return 0.0, False, "'none' read as 0"
    if s in _DASHES:
        return 0.0, False, f"{s!r} read as 0 (a dash is taken as nil)"
    notes: list[str] = []
    negative = False
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1].strip()
        negative = True
        notes.append(f"{text.strip()!r} read as a negative amount (brackets)")
    if s.startswith(("-", "\u2212")) and len(s) > 1:
        s = s[1:].strip()
        negative = not negative
    elif s.startswith("+"):
        s = s[1:].strip()
    low = s.lower()
    for prefix in ("£", "gbp"):
        if low.startswith(prefix):
            s = s[len(prefix) :].strip()
            low = s.lower()
            break
    if low.endswith("gbp"):
        s = s[:-3].strip()
        low = s.lower()
    if s.startswith(("-", "\u2212")) and len(s) > 1 and not negative:  # "£-12"
        s = s[1:].strip()
        negative = True
        low = s.lower()
    percent = False
    if s.endswith("%"):
        percent = True
        s = s[:-1].strip()
        low = s.lower()
    scale = 1.0
    if kind == "money" and low.endswith("p") and not low.endswith(("gbp",)):
        body = s[:-1].strip()
        if _PLAIN_NUMBER.fullmatch(body):
            scale = 0.01
            s = body
            notes.append(f"{text.strip()!r} read as pence: £{float(body) / 100:g}")
    else:
        for suffix, multiplier in _MULTIPLIERS.items():
            if low.endswith(suffix) and _PLAIN_NUMBER.fullmatch(s[: -len(suffix)].strip() or "x"):
                s = s[: -len(suffix)].strip()
                scale = multiplier
                notes.append(f"{text.strip()!r} read as {float(s) * multiplier:,.10g}")
                break
    if _PLAIN_NUMBER.fullmatch(s):
        number = float(s)
    elif _THOUSANDS_COMMA.fullmatch(s):
        number = float(s.replace(",", ""))
    elif _DECIMAL_COMMA.fullmatch(s):
        number = float(s.replace(",", "."))
        notes.append(
            f"{text.strip()!r} read as {s.replace(',', '.')} (comma taken as a decimal point)"
        )
    elif _THOUSANDS_SPACE.fullmatch(s):
        number = float(s.replace(" ", ""))
        notes.append(
            f"{text.strip()!r} read as {s.replace(' ', '')} (spaces taken as thousands separators)"
        )
    else:
        return None
    number *= scale
    if negative:
        number = -number
    return number, percent, "; ".join(notes)


def _coerce_bool(cell: object, raw: str) -> Coerced:
    if isinstance(cell, bool):
        return Coerced(1.0 if cell else 0.0, "", raw)
    word = _squeeze(raw).lower()
    if word in _TRUE_WORDS:
        return Coerced(1.0, "", raw)
    if word in _FALSE_WORDS:
        return Coerced(0.0, "", raw)
    if word in _NA_WORDS:
        return Coerced(NAN, "", raw, "not_applicable", f"{raw!r} read as not applicable: no answer")
    return _unreadable(raw, "yes or no")


@functools.lru_cache(maxsize=256)
def _choice_keys(choices: tuple[str, ...]) -> dict[str, str]:
    """Each choice by its spaces squeezed and case folded, the first of any that fold alike
    (a field's choices are the same tuple for every return, so this is worked out once)."""
    keys: dict[str, str] = {}
    for choice in choices:
        keys.setdefault(_squeeze(choice).casefold(), choice)
    return keys


def _coerce_choice(squeezed: str, raw: str, choices: tuple[str, ...]) -> Coerced:
    """``squeezed`` is ``raw`` with its spaces squeezed and stripped."""
    wanted = squeezed.casefold()
    choice = _choice_keys(tuple(choices)).get(wanted)
    if choice is not None:
        return Coerced(NAN, choice, raw)
    if wanted in _NA_WORDS:
        return Coerced(NAN, "", raw, "not_applicable", f"{raw!r} read as not applicable: no answer")
    listed = ", ".join(repr(c) for c in choices)
    return Coerced(NAN, "", raw, "unreadable_value", f"{raw!r} is not one of {listed}")


def _coerce_date(cell: object, raw: str, date1904: bool) -> Coerced:
    if isinstance(cell, dt.datetime):
        return Coerced(NAN, cell.date().isoformat(), raw)
    if isinstance(cell, dt.date):
        return Coerced(NAN, cell.isoformat(), raw)
    if isinstance(cell, bool):
        return _unreadable(raw, "a date")
    if isinstance(cell, int | float):
        return _date_from_serial(float(cell), raw, date1904)
    if not isinstance(cell, str):
        return _unreadable(raw, "a date")
    s = _squeeze(cell)
    if s.lower() in _NA_WORDS:
        return Coerced(NAN, "", raw, "not_applicable", f"{s!r} read as not applicable: no date")
    m = _ISO_DATE.fullmatch(s)
    if m:
        return _checked_date(int(m[1]), int(m[2]), int(m[3]), raw, "")
    m = _NUMERIC_DATE.fullmatch(s)
    if m:
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        note = ""
        if len(m[3]) == 2:
            year += 2000
            note = f"two-digit year read as {year}"
        if first > 12 >= second or (first <= 12 and second <= 12 and first == second):
            day, month = first, second
        elif second > 12 >= first:
            day, month = second, first
            note = _join(note, f"{s!r} read month first (there is no month {second})")
        else:
            day, month = first, second
            if first <= 12 and second <= 12:
                when = _format_date(year, month, day)
                note = _join(note, f"{s!r} read day first (UK style) as {when}")
        return _checked_date(year, month, day, raw, note)
    cleaned = s.replace(",", " ").replace(".", " ")
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned, flags=re.IGNORECASE)
    cleaned = _squeeze(cleaned)
    for fmt in _NAMED_DATE_FORMATS:
        try:
            return Coerced(NAN, dt.datetime.strptime(cleaned, fmt).date().isoformat(), raw)
        except ValueError:
            pass
    for fmt in _MONTH_YEAR_FORMATS:
        try:
            d = dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        return Coerced(
            NAN, d.isoformat(), raw, "assumed", f"{s!r} read as the 1st: {d.isoformat()}"
        )
    if _PLAIN_NUMBER.fullmatch(s):
        return _date_from_serial(float(s), raw, date1904)
    return _unreadable(raw, "a date (use DD/MM/YYYY)")


def _format_date(year: int, month: int, day: int) -> str:
    try:
        return dt.date(year, month, day).strftime("%-d %B %Y")
    except ValueError:
        return f"{day}/{month}/{year}"


def _checked_date(year: int, month: int, day: int, raw: str, note: str) -> Coerced:
    try:
        d = dt.date(year, month, day)
    except ValueError:
        return _unreadable(raw, "a real date")
    return Coerced(NAN, d.isoformat(), raw, "assumed" if note else "", note)


def _date_from_serial(serial: float, raw: str, date1904: bool) -> Coerced:
    if not math.isfinite(serial):  # "1e400" or a cell cached as inf: no day to count to
        return _unreadable(raw, "a date")
    if serial.is_integer() and 1900 <= serial <= 2100:
        return Coerced(
            NAN,
            "",
            raw,
            "unreadable_value",
            f"{raw!r} looks like a year, not a date; give the full date",
        )
    epoch = _EXCEL_EPOCH_1904 if date1904 else _EXCEL_EPOCH
    offset = (epoch - _EXCEL_EPOCH).days
    days = int(math.floor(serial)) + offset
    if not (_SERIAL_MIN <= days <= _SERIAL_MAX):
        return _unreadable(raw, "a date")
    return Coerced(NAN, (_EXCEL_EPOCH + dt.timedelta(days=days)).isoformat(), raw)
