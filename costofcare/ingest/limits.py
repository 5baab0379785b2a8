"""The limits on untrusted input as configuration: an ``[ingest]`` table of a run config,
or ``--limit NAME=VALUE`` options of ``costofcare ingest``.

Every key is a field of :class:`~costofcare.ingest.archive.ArchiveLimits`, a positive whole
number; a key left out keeps its default (docs/ingest.md, "Limits on untrusted input").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from ..configtools import close_matches
from ..errors import ConfigError, UserError
from .archive import DEFAULT_LIMITS, ArchiveLimits

LIMIT_KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ArchiveLimits))
"""The settings of the ``[ingest]`` table (and of ``--limit``)."""


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace("_", "").replace(",", "")
        if text.isdigit():
            return int(text)
    return None


def limits_from(
    settings: Mapping[str, object] | None, where: str, *, base: ArchiveLimits = DEFAULT_LIMITS
) -> ArchiveLimits:
    """:class:`ArchiveLimits` with ``settings`` in place of the defaults.

    Parameters
    ----------
    settings : limit name -> positive whole number (None: the defaults).
    where : what to name in a message, e.g. ``"run.toml: ingest"``.
    base : the limits the settings change.

    Raises
    ------
    ConfigError
        An unknown key (with the close matches), or a value that is not a positive whole
        number.
    """
    if not settings:
        return base
    changes: dict[str, int] = {}
    for key, value in settings.items():
        if key not in LIMIT_KEYS:
            hint = close_matches(key, LIMIT_KEYS)
            raise ConfigError(f"{where}.{key} is not a limit{hint}")
        number = _whole(value)
        if number is None or number < 1:
            raise ConfigError(f"{where}.{key} must be a positive whole number (got {value!r})")
        changes[key] = number
    return dataclasses.replace(base, **changes)


def limits_from_options(
    options: Iterable[str], *, base: ArchiveLimits = DEFAULT_LIMITS
) -> ArchiveLimits:
    """:func:`limits_from` for ``NAME=VALUE`` command line options (``--limit``)."""
    settings: dict[str, str] = {}
    for option in options:
        name, sep, value = option.partition("=")
        if not sep:
            raise UserError(f"--limit {option!r}: write NAME=VALUE, e.g. max_text_length=500")
        settings[name.strip()] = value
    return limits_from(settings, "--limit", base=base)
