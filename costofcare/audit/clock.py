"""The time written into outputs, fixed so the same inputs give the same bytes.

Outputs carry a time in three places: ``summary.json``'s ``written``, the document
properties of every workbook (``created``) and the date on the recommendation workbook's
Summary sheet. All three come from :func:`written_time`, which is, in order:

1. the time set by :func:`written_at` around a block of writing (a run sets it once, so all
   its files carry one time; ``costofcare verify`` sets the time the manifest recorded);
2. ``SOURCE_DATE_EPOCH`` (seconds since 1970-01-01 UTC), the reproducible-builds
   convention, when set in the environment;
3. now (UTC, to the second).

:func:`resolve_written_time` gives the time a run uses: ``SOURCE_DATE_EPOCH`` when set, else
the config's ``run.written`` (a TOML date or date-time), else now.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..errors import UserError

__all__ = ["resolve_written_time", "written_at", "written_time"]

ENVIRONMENT = "SOURCE_DATE_EPOCH"

_FIXED: ContextVar[dt.datetime | None] = ContextVar("costofcare_written_time", default=None)


def _utc(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC to the second (a time without an offset is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).replace(microsecond=0)


def _from_environment() -> dt.datetime | None:
    text = os.environ.get(ENVIRONMENT, "").strip()
    if not text:
        return None
    try:
        seconds = int(text)
    except ValueError:
        raise UserError(
            f"{ENVIRONMENT}={text!r}: give whole seconds since 1970-01-01 UTC, e.g. 1767225600"
        ) from None
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def as_written_time(value: object, what: str = "run.written") -> dt.datetime:
    """A configured time as a UTC date-time: a TOML date (midnight UTC) or date-time, or the
    same written as ISO 8601 text.

    Raises
    ------
    UserError
        Anything else, naming ``what``.
    """
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise UserError(
                f"{what} must be a date or date-time such as 2026-04-01T09:00:00Z, got {value!r}"
            ) from None
    if isinstance(value, dt.datetime):
        return _utc(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    raise UserError(
        f"{what} must be a date or date-time such as 2026-04-01T09:00:00Z, got {value!r}"
    )


def resolve_written_time(configured: dt.datetime | None = None) -> dt.datetime:
    """The time a run writes: ``SOURCE_DATE_EPOCH``, else ``configured``, else now (UTC)."""
    return _from_environment() or (_utc(configured) if configured else None) or _now()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def written_time() -> dt.datetime:
    """The time to write into an output now (see the module notes for the order)."""
    return _FIXED.get() or _from_environment() or _now()


@contextmanager
def written_at(when: dt.datetime) -> Iterator[dt.datetime]:
    """Every output written inside the block carries ``when`` (UTC, to the second)."""
    token = _FIXED.set(_utc(when))
    try:
        yield _FIXED.get()
    finally:
        _FIXED.reset(token)
