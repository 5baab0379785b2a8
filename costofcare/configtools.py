"""Small helpers shared by every config reader (run, scenarios, recommend)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime

from .errors import ConfigError


def close_matches(word: str, allowed) -> str:
    """``"; did you mean 'x'?"`` for a near miss, else ``""``."""
    found = difflib.get_close_matches(word, list(allowed), n=2, cutoff=0.6)
    if not found:
        return ""
    return "; did you mean " + " or ".join(repr(f) for f in found) + "?"


def refuse_unknown(keys: Iterable, allowed, describe: Callable[[str], str], listed=None) -> None:
    """Raise :class:`ConfigError` for the first of ``keys`` not in ``allowed``.

    The message is ``describe(key)``, then the close matches and the allowed keys (``listed``
    when given, else ``allowed``, in their order).
    """
    for key in keys:
        if key not in allowed:
            raise ConfigError(
                f"{describe(key)}{close_matches(key, allowed)}; "
                f"allowed: {', '.join(allowed if listed is None else listed)}"
            )


def refuse_unknown_key(table: Iterable, known, where: str) -> None:
    """Raise :class:`ConfigError` ``"<where>: unknown key 'x'; known: a, b"`` when ``table``
    has a key not in ``known``, naming the first unknown key in sorted order."""
    unknown = set(table) - set(known)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {sorted(unknown)[0]!r}; known: {', '.join(sorted(known))}"
        )


def config_date(value, where: str) -> date:
    """A date from a TOML date, a datetime or ``"YYYY-MM-DD"``.

    Anything else is a ConfigError naming ``where``.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where}: {value!r} is not a date; write it as YYYY-MM-DD") from None


_PERCENT = re.compile(r"\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*%\s*")


def fraction_text(value):
    """``"10%"`` read as the fraction ``0.1``; anything else comes back unchanged.

    Where a config key or command-line option takes a fraction (0.1 for 10%), a percentage
    written as text is accepted too; the caller still checks the number's range.

    >>> fraction_text("12.5%"), fraction_text(" -2 % "), fraction_text(0.04), fraction_text("CPI")
    (0.125, -0.02, 0.04, 'CPI')
    """
    if isinstance(value, str) and (match := _PERCENT.fullmatch(value)):
        return float(match.group(1)) / 100
    return value
