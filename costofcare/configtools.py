"""Small helpers shared by every config reader (run, scenarios, recommend)."""

from __future__ import annotations

import difflib
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
