"""Dated parameters: the value in force on a date, whole series, and user overrides.

Each parameter is a list of values with the date each took effect (the legal effective date:
tax-year figures on 6 April, wage floors on 1 April, the Real Living Wage on the day it was
announced) and its source. A value is in force from its ``effective_from`` to its
``effective_to`` (inclusive) or, when that is blank, until the next value starts. Asking for a
date the data does not cover is an error that says what is covered.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..errors import ParameterError
from .dates import DateLike, to_date
from .indices import IndexSet
from .loader import (
    NON_CONFIRMED,
    STATUSES,
    VALUE_COLUMNS,
    read_catalogue,
    read_overrides,
    read_shipped_values,
)

_ONE_DAY = dt.timedelta(days=1)

#: Columns of :func:`non_confirmed`: a value's columns (``VALUE_COLUMNS``, declared once in the
#: loader) less its jurisdiction and implementation date.
NON_CONFIRMED_COLUMNS = [c for c in VALUE_COLUMNS if c not in ("jurisdiction", "implement_by")]
#: Columns of :meth:`Parameters.in_force`: the same, with the catalogue description.
IN_FORCE_COLUMNS = [*NON_CONFIRMED_COLUMNS[:7], "description", *NON_CONFIRMED_COLUMNS[7:]]


def _check_statuses(statuses: Iterable[str] | None) -> set[str] | None:
    if statuses is None:
        return None
    wanted = {s.strip().lower() for s in ([statuses] if isinstance(statuses, str) else statuses)}
    unknown = wanted - set(STATUSES)
    if unknown:
        raise ParameterError(
            f"unknown status(es) {', '.join(sorted(unknown))}; "
            f"the statuses are {', '.join(STATUSES)}"
        )
    return wanted


def non_confirmed(figures: Iterable[ParameterValue] | pd.DataFrame) -> pd.DataFrame:
    """The figures among ``figures`` that are not confirmed, one row per dated value.

    ``figures`` is what a calculation looked up: :class:`ParameterValue` objects (from
    :meth:`Parameters.get`, :meth:`Parameters.figures` or
    :meth:`StatutoryFigures.values_in_force`) or a table with a ``status`` column (from
    :meth:`Parameters.in_force`). A row is kept when its status is ``announced``,
    ``forecast`` or ``assumption``; a value looked up twice is listed once. The result has
    the columns name, value, unit, effective_from, effective_to, flags, status,
    source_title, source_url and note (the order of ``parameters.csv``), so a run can print
    it, write it or put it in a sheet.

    Examples
    --------
    >>> p = load()
    >>> used = p.figures(["employer_ni_rate", "employer_ni_secondary_threshold_annual"],
    ...                  on="2027-04-06")
    >>> non_confirmed(used)[["name", "value", "status"]].to_dict("records")
    [{'name': 'employer_ni_secondary_threshold_annual', 'value': 5000.0, 'status': 'announced'}]
    """
    if isinstance(figures, pd.DataFrame):
        records = figures.to_dict("records")
    else:
        records = [{c: getattr(f, c) for c in NON_CONFIRMED_COLUMNS} for f in figures]
    kept: dict[tuple, dict] = {}
    for r in records:
        if r.get("status") in NON_CONFIRMED:
            kept.setdefault((r["name"], r["effective_from"]), r)
    rows = [{c: r.get(c, "") for c in NON_CONFIRMED_COLUMNS} for r in kept.values()]
    rows.sort(key=lambda r: (r["name"], r["effective_from"]))
    return pd.DataFrame(rows, columns=NON_CONFIRMED_COLUMNS)


@dataclass(frozen=True)
class ParameterValue:
    """One dated value of a parameter, with where it came from."""

    name: str
    value: float
    unit: str
    effective_from: dt.date
    effective_to: dt.date | None  # last day in force; None = open-ended
    flags: str
    source_title: str
    source_url: str
    note: str = ""
    jurisdiction: str = ""
    implement_by: dt.date | None = None
    status: str = "confirmed"  # confirmed, announced, forecast or assumption

    @property
    def confirmed(self) -> bool:
        """Whether the figure is set in law or published as final (status ``confirmed``)."""
        return self.status == "confirmed"

    def __str__(self) -> str:
        end = self.effective_to.isoformat() if self.effective_to else "open"
        flags = f" [{self.flags}]" if self.flags else ""
        return (
            f"{self.name} = {self.value:g} {self.unit} "
            f"({self.effective_from.isoformat()} to {end}) {self.status}{flags}; "
            f"source: {self.source_title}"
        )


def _resolve_ends(rows: list[dict]) -> list[dict]:
    """Sort rows by start and fill a blank end with the day before the next start."""
    rows = sorted(rows, key=lambda r: r["effective_from"])
    for current, following in zip(rows, rows[1:], strict=False):
        if current["effective_to"] is None:
            current["effective_to"] = following["effective_from"] - _ONE_DAY
    return rows


def _subtract(row: dict, start: dt.date, end: dt.date | None) -> list[dict]:
    """The parts of ``row``'s period outside [start, end] (end None = open)."""
    r_start, r_end = row["effective_from"], row["effective_to"]
    pieces = []
    if r_start < start:
        left = dict(row)
        left["effective_to"] = start - _ONE_DAY if r_end is None or r_end >= start else r_end
        pieces.append(left)
    if end is not None and (r_end is None or r_end > end):
        right = dict(row)
        right["effective_from"] = max(r_start, end + _ONE_DAY)
        pieces.append(right)
    return pieces


class Parameters:
    """Dated official figures, looked up by date, with a run's overrides on top.

    Build with :func:`load`. Values are plain floats in the unit given (rates are fractions:
    0.15 means 15%).

    Examples
    --------
    >>> p = load()
    >>> p.value("national_living_wage_hourly", on="2025-04-01")
    12.21
    >>> p.value("employer_ni_rate", on="2025-04-05"), p.value("employer_ni_rate", on="2025-04-06")
    (0.138, 0.15)
    """

    def __init__(
        self,
        values: pd.DataFrame,
        catalogue: Mapping,
        indices: IndexSet,
        overrides: pd.DataFrame | None = None,
    ):
        self._catalogue = dict(catalogue)
        self.indices = indices
        shipped: dict[str, list[dict]] = {}
        for row in values.to_dict("records"):
            shipped.setdefault(row["name"], []).append(row)
        table = {name: _resolve_ends(rows) for name, rows in shipped.items()}
        self.overrides = overrides if overrides is not None else values.iloc[0:0]
        if overrides is not None and len(overrides):
            by_name: dict[str, list[dict]] = {}
            for row in overrides.to_dict("records"):
                by_name.setdefault(row["name"], []).append(row)
            for name, rows in by_name.items():
                rows = _resolve_ends(rows)
                kept = table.get(name, [])
                for o in rows:
                    kept = [
                        piece
                        for r in kept
                        for piece in _subtract(r, o["effective_from"], o["effective_to"])
                    ]
                table[name] = sorted(kept + rows, key=lambda r: r["effective_from"])
        self._table = table
        self._starts = {name: [r["effective_from"] for r in rows] for name, rows in table.items()}

    # -- names ---------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        """Every parameter name, sorted."""
        return sorted(self._table)

    def describe(self, name: str) -> str:
        """The catalogue description of a parameter ('' for a user-defined one)."""
        self._rows(name)
        return self._catalogue.get(name, {}).get("description", "")

    def _rows(self, name: str) -> list[dict]:
        try:
            return self._table[name]
        except KeyError:
            close = difflib.get_close_matches(name, self._table, n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise ParameterError(
                f"unknown parameter {name!r}.{hint} "
                f"Known parameters: {', '.join(self.names)}. "
                "A council's own figure can be added as an override."
            ) from None

    def coverage(self, name: str) -> tuple[dt.date, dt.date | None]:
        """First and last day the data covers for a parameter (None = open-ended)."""
        rows = self._rows(name)
        return rows[0]["effective_from"], rows[-1]["effective_to"]

    # -- look-ups ------------------------------------------------------------------------
    def get(self, name: str, on: DateLike) -> ParameterValue:
        """The value in force on a date, with its period and source."""
        rows = self._rows(name)
        day = to_date(on, what=f"date for {name}")
        k = bisect.bisect_right(self._starts[name], day) - 1
        if k >= 0:
            row = rows[k]
            if row["effective_to"] is None or day <= row["effective_to"]:
                return ParameterValue(
                    name=name,
                    value=float(row["value"]),
                    unit=row["unit"],
                    effective_from=row["effective_from"],
                    effective_to=row["effective_to"],
                    flags=row["flags"],
                    source_title=row["source_title"],
                    source_url=row["source_url"],
                    note=row["note"],
                    jurisdiction=row["jurisdiction"],
                    implement_by=row["implement_by"],
                    status=row["status"],
                )
        first, last = self.coverage(name)
        end = last.isoformat() if last else "open-ended"
        gaps = self._gaps(rows)
        gap_text = f" (with gaps: {', '.join(gaps)})" if gaps else ""
        raise ParameterError(
            f"{name} has no value on {day.isoformat()}: the data covers "
            f"{first.isoformat()} to {end}{gap_text}. Supply a value for that date as an override "
            f"(e.g. overrides={{'{name}': {{'{day.isoformat()}': VALUE}}}})."
        )

    @staticmethod
    def _gaps(rows: list[dict]) -> list[str]:
        gaps = []
        for a, b in zip(rows, rows[1:], strict=False):
            if a["effective_to"] is not None and a["effective_to"] + _ONE_DAY < b["effective_from"]:
                gaps.append(
                    f"{(a['effective_to'] + _ONE_DAY).isoformat()} to "
                    f"{(b['effective_from'] - _ONE_DAY).isoformat()}"
                )
        return gaps

    def value(self, name: str, on: DateLike) -> float:
        """The value of ``name`` in force on ``on`` (a float, in the parameter's unit)."""
        return self.get(name, on).value

    def has(self, name: str, on: DateLike) -> bool:
        """Whether ``name`` exists and has a value on ``on``."""
        try:
            self.get(name, on)
        except ParameterError:
            return False
        return True

    def statutory(self, on: DateLike, **overrides: float):
        """The statutory on-cost figures in force on ``on`` as one object.

        See :class:`costofcare.parameters.StatutoryFigures`; ``overrides`` replace figures by
        field name.
        """
        from .statutory import StatutoryFigures

        return StatutoryFigures.in_force(self, on, **overrides)

    def values_on(self, on: DateLike, names: list[str] | None = None) -> dict[str, float]:
        """A snapshot ``{name: value}`` of every parameter (or ``names``) in force on a date.

        Parameters with no value on that date are left out when ``names`` is None; when names
        are given, each must have a value.
        """
        if names is not None:
            return {name: self.value(name, on) for name in names}
        return {name: self.value(name, on) for name in self.names if self.has(name, on)}

    def series(self, name: str) -> pd.Series:
        """The whole history of a parameter, indexed by the date each value took effect."""
        rows = self._rows(name)
        index = pd.DatetimeIndex(
            [pd.Timestamp(r["effective_from"]) for r in rows], name="effective_from"
        )
        return pd.Series([float(r["value"]) for r in rows], index=index, name=name)

    def history(self, name: str) -> pd.DataFrame:
        """The whole history of a parameter as a table with periods, flags and sources."""
        rows = self._rows(name)
        cols = NON_CONFIRMED_COLUMNS[1:]
        return pd.DataFrame([{c: r[c] for c in cols} for r in rows], columns=cols)

    def figures(self, names: Iterable[str], on: DateLike) -> list[ParameterValue]:
        """The values of ``names`` in force on ``on``, each with its status and source.

        Pass the result to :func:`non_confirmed` to list the figures a calculation used that
        are not yet confirmed.
        """
        return [self.get(name, on) for name in names]

    def in_force(self, on: DateLike, statuses: Iterable[str] | None = None) -> pd.DataFrame:
        """Every parameter in force on a date: value, unit, period, status, flags and source.

        ``statuses`` keeps only rows with those statuses (e.g. ``NON_CONFIRMED``). A date
        no parameter covers gives an empty table with the same columns.
        """
        day = to_date(on)
        wanted = _check_statuses(statuses)
        records = []
        for name in self.names:
            if not self.has(name, day):
                continue
            v = self.get(name, day)
            if wanted is not None and v.status not in wanted:
                continue
            records.append(
                {
                    "name": name,
                    "value": v.value,
                    "unit": v.unit,
                    "effective_from": v.effective_from,
                    "effective_to": v.effective_to,
                    "status": v.status,
                    "flags": v.flags,
                    "description": self._catalogue.get(name, {}).get("description", ""),
                    "source_title": v.source_title,
                    "source_url": v.source_url,
                    "note": v.note,
                }
            )
        return pd.DataFrame.from_records(records, columns=IN_FORCE_COLUMNS)

    def missing(self, names: Iterable[str], on: DateLike) -> list[str]:
        """Which of ``names`` have no value on ``on`` (unknown names count as missing)."""
        return [name for name in names if name not in self._table or not self.has(name, on)]

    # -- price indices (delegated) -------------------------------------------------------
    def index_level(self, index: str, period: str | DateLike) -> float:
        """Index level for a month, or the average over a year / financial year."""
        return self.indices.level(index, period)

    def index_ratio(self, index: str, start: str | DateLike, end: str | DateLike) -> float:
        """Ratio of an index between two periods: level(end) / level(start)."""
        return self.indices.ratio(index, start, end)

    def rate_12m(self, index: str, period: str | DateLike) -> float:
        """12-month rate of change (fraction) for a month: published where ONS published it."""
        return self.indices.rate_12m(index, period)

    def index_series(self, index: str) -> pd.Series:
        """Monthly index levels (PeriodIndex), actuals plus any forecast path added."""
        return self.indices.series(index)

    # -- building variants ---------------------------------------------------------------
    def with_overrides(self, source: str | Path | Mapping) -> Parameters:
        """A copy with user values on top of these (they win where both cover a date)."""
        extra = read_overrides(source)
        combined = extra if not len(self.overrides) else pd.concat([self.overrides, extra])
        return Parameters(_shipped_values(), self._catalogue, self.indices, combined)

    def with_index_path(
        self, index: str, rates: Mapping | str | Path, label: str = "user path"
    ) -> Parameters:
        """A copy whose index is extended (or overridden) by a path of 12-month rates.

        ``rates`` maps a month (``"2026-09"``) or a calendar year (``"2027"``, applied to each
        month of that year) to a 12-month rate as a fraction, or names a CSV with columns
        ``period`` and ``rate``. A new index name (e.g. ``"COUNCIL_PAY"``) needs ``"base"``
        levels: pass ``{"levels": {...}, ...}`` via :meth:`IndexSet.with_path`.
        """
        copy = Parameters.__new__(Parameters)
        copy.__dict__.update(self.__dict__)
        copy.indices = self.indices.with_path(index, rates, label=label)
        return copy

    def with_forecast(self, index: str, vintage: str | None = None) -> Parameters:
        """A copy whose index runs beyond the latest outturn on a shipped OBR forecast."""
        copy = Parameters.__new__(Parameters)
        copy.__dict__.update(self.__dict__)
        copy.indices = self.indices.with_forecast(index, vintage)
        return copy

    def __repr__(self) -> str:
        return (
            f"<Parameters: {len(self._table)} parameters, indices {', '.join(self.indices.names)}"
            f"{', with overrides' if len(self.overrides) else ''}>"
        )


@lru_cache(maxsize=1)
def _shipped_values() -> pd.DataFrame:
    return read_shipped_values()


@lru_cache(maxsize=1)
def _shipped() -> Parameters:
    return Parameters(_shipped_values(), read_catalogue(), IndexSet.shipped())


def load(overrides: str | Path | Mapping | None = None) -> Parameters:
    """The shipped dated parameters, with optional overrides from a CSV file or a dict.

    The shipped data is read once per process and shared; overrides build a new object and
    never change the package's files.
    """
    base = _shipped()
    return base if overrides is None else base.with_overrides(overrides)
