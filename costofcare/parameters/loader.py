"""Read and check the dated parameter files (shipped ones and a user's overrides).

Every problem names the file, the row and the column, so a mistake in a data file is found in
seconds. Checks: required columns, numbers that parse, ISO dates, ``effective_to`` not before
``effective_from``, no two rows for one parameter starting on the same day, no overlapping
periods, and every parameter described in the catalogue.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import pandas as pd

from ..errors import ParameterError

DATA_PACKAGE = "costofcare.parameters.data"
VALUE_COLUMNS = [
    "name",
    "value",
    "unit",
    "effective_from",
    "effective_to",
    "jurisdiction",
    "flags",
    "status",
    "implement_by",
    "source_title",
    "source_url",
    "note",
]
REQUIRED_VALUE_COLUMNS = ("name", "value", "effective_from")
#: How settled a figure is (the ``status`` column). Every value has exactly one.
STATUSES = {
    "confirmed": "set in law or published as final by the body that sets it",
    "announced": "announced by the government, not yet set in law",
    "forecast": "an official forecast (e.g. OBR), not an outturn",
    "assumption": "assumed: carried forward, from recollection, or supplied by the user",
    "override": "replaced for one run by its config ([parameters.overrides])",
}
#: Statuses that make a figure worth listing beside a result.
NON_CONFIRMED = ("announced", "forecast", "assumption", "override")
#: Notes on the evidence behind a value (the ``flags`` column, ``;``-separated, any number).
KNOWN_FLAGS = {
    "unconfirmed",  # a detail (usually the start date) not seen in a source
    "derived",  # computed from other published figures
    "secondary",  # quoted by a third party, not the official publication
    "conflict",  # sources disagree; the note says how
    "projection",  # older files: a value assumed for a future period (status assumption)
    "forecast",  # an official forecast (e.g. OBR), not an outturn (status forecast)
    "superseded",  # a forecast vintage replaced by a later one
    "override",  # supplied by the user for this run
}


def status_from_flags(flags: str) -> str:
    """The status implied by older flags when a file has no ``status`` column.

    ``forecast`` gives ``forecast``; ``projection`` or ``override`` gives ``assumption``;
    anything else ``confirmed``. Shipped data states the status on every row.
    """
    parts = set(flags.split(";"))
    if "forecast" in parts:
        return "forecast"
    if parts & {"projection", "override"}:
        return "assumption"
    return "confirmed"


def _read_text(name: str) -> tuple[str, str]:
    ref = resources.files(DATA_PACKAGE).joinpath(name)
    return ref.read_text(encoding="utf-8"), f"costofcare/parameters/data/{name}"


def read_catalogue() -> dict:
    text, label = _read_text("catalogue.toml")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{label}: {exc}") from None


def _parse_date(text: str, where: str, column: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ParameterError(
            f"{where}, column {column}: {text!r} is not a date (write YYYY-MM-DD)"
        ) from None


def _parse_number(text: str, where: str, column: str) -> float:
    try:
        return float(str(text).strip())
    except ValueError:
        raise ParameterError(f"{where}, column {column}: {text!r} is not a number") from None


def _parse_status(row: dict, flags: str, where: str, default_status: str | None) -> str:
    status = (row.get("status") or "").strip().lower()
    if not status:
        if default_status is None:
            raise ParameterError(
                f"{where}, column status: empty; write one of {', '.join(STATUSES)}"
            )
        return default_status or status_from_flags(flags)
    if status not in STATUSES:
        raise ParameterError(
            f"{where}, column status: {status!r} is not a status; "
            f"write one of {', '.join(STATUSES)}"
        )
    return status


def parse_value_rows(
    rows: list[dict],
    label: str,
    *,
    default_flags: str = "",
    default_status: str | None = "",
) -> pd.DataFrame:
    """Check rows of a parameter values table and return them as a typed DataFrame.

    ``default_status`` fills a blank ``status``: None makes a blank an error (the shipped
    data), ``""`` reads it from the flags (:func:`status_from_flags`), a status name sets it.
    """
    if rows:
        missing = [c for c in REQUIRED_VALUE_COLUMNS if c not in rows[0]]
        if missing:
            raise ParameterError(
                f"{label}: missing column(s) {', '.join(missing)}; "
                f"the columns are {', '.join(VALUE_COLUMNS)}"
            )
    records = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        where = f"{label}, row {number}"
        name = (row.get("name") or "").strip()
        if not name:
            raise ParameterError(f"{where}, column name: empty parameter name")
        start = _parse_date(row.get("effective_from", ""), where, "effective_from")
        if start is None:
            raise ParameterError(f"{where}, column effective_from: a start date is required")
        end = _parse_date(row.get("effective_to", ""), where, "effective_to")
        if end is not None and end < start:
            raise ParameterError(
                f"{where}: effective_to {end} is before effective_from {start} for {name}"
            )
        flags = (row.get("flags") or default_flags or "").strip()
        unknown = {f for f in flags.split(";") if f} - KNOWN_FLAGS
        if unknown:
            raise ParameterError(
                f"{where}, column flags: unknown flag(s) {', '.join(sorted(unknown))}; "
                f"known flags: {', '.join(sorted(KNOWN_FLAGS))}"
            )
        records.append(
            {
                "name": name,
                "value": _parse_number(row.get("value", ""), where, "value"),
                "unit": (row.get("unit") or "").strip(),
                "effective_from": start,
                "effective_to": end,
                "jurisdiction": (row.get("jurisdiction") or "").strip(),
                "flags": flags,
                "status": _parse_status(row, flags, where, default_status),
                "implement_by": _parse_date(row.get("implement_by", ""), where, "implement_by"),
                "source_title": (row.get("source_title") or "").strip(),
                "source_url": (row.get("source_url") or "").strip(),
                "note": (row.get("note") or "").strip(),
                "origin": f"{label}, row {number}",
            }
        )
    frame = pd.DataFrame.from_records(records, columns=[*VALUE_COLUMNS, "origin"])
    check_periods(frame, label)
    return frame


def check_periods(frame: pd.DataFrame, label: str) -> None:
    """No duplicate start dates and no overlapping periods within one parameter."""
    for name, group in frame.groupby("name", sort=False):
        group = group.sort_values("effective_from")
        starts = list(group["effective_from"])
        ends = list(group["effective_to"])
        origins = list(group["origin"])
        for k in range(1, len(starts)):
            if starts[k] == starts[k - 1]:
                raise ParameterError(
                    f"{label}: duplicate values for {name} starting {starts[k]} "
                    f"({origins[k - 1]} and {origins[k]})"
                )
            if ends[k - 1] is not None and ends[k - 1] >= starts[k]:
                raise ParameterError(
                    f"{label}: periods overlap for {name}: {origins[k - 1]} runs to "
                    f"{ends[k - 1]} but {origins[k]} starts {starts[k]}"
                )


def read_shipped_values() -> pd.DataFrame:
    text, label = _read_text("parameters.csv")
    frame = parse_value_rows(list(csv.DictReader(io.StringIO(text))), label, default_status=None)
    catalogue = read_catalogue()
    undocumented = sorted(set(frame["name"]) - set(catalogue) - {"indices"})
    if undocumented:
        raise ParameterError(f"{label}: not described in catalogue.toml: {undocumented}")
    return frame


def read_overrides(source: str | Path | Mapping) -> pd.DataFrame:
    """User-supplied values that take precedence over the shipped data within a run.

    ``source`` is a CSV file with the columns of the shipped ``parameters.csv`` (``name``,
    ``value`` and ``effective_from`` required; ``status``, ``source_title`` and ``note``
    recommended), or a dict in one of three forms::

        {"national_living_wage_hourly": {"2027-04-01": 13.10}}     # dated values
        {"council_care_worker_rate_hourly": 13.50}                  # one value for all dates
        {"ssp_weekly": {"2027-04-06": {"value": 127.90, "status": "assumption",
                                       "source": "council: 2026-27 rate + 3.8%"}}}

    A dated override with no ``effective_to`` runs until the next override of the same name
    (or indefinitely). Override rows are flagged ``override``; their status is the one given,
    else ``assumption`` (a user's figure is an assumption until they say it is confirmed).
    """
    if isinstance(source, Mapping):
        return parse_value_rows(
            _override_dict_rows(source),
            "overrides",
            default_flags="override",
            default_status="assumption",
        )
    path = Path(source)
    if not path.exists():
        raise ParameterError(f"overrides file {path} does not exist")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if not (row.get("source_title") or "").strip():
            row["source_title"] = f"user override ({path.name})"
        if "override" not in (row.get("flags") or ""):
            row["flags"] = ";".join(f for f in [(row.get("flags") or "").strip(), "override"] if f)
    return parse_value_rows(rows, str(path), default_status="assumption")


def _override_dict_rows(source: Mapping) -> list[dict]:
    rows = []
    for name, spec in source.items():
        if not isinstance(spec, Mapping):
            rows.append({"name": name, "value": spec, "effective_from": "1900-01-01"})
            continue
        for start, entry in spec.items():
            row = {"name": name, "effective_from": str(start)}
            if isinstance(entry, Mapping):
                unknown = set(entry) - {"value", "status", "source", "source_url", "note"}
                if unknown:
                    raise ParameterError(
                        f"overrides, {name} from {start}: unknown key(s) "
                        f"{', '.join(sorted(unknown))}; use value, status, source, "
                        "source_url, note"
                    )
                row.update(
                    value=entry.get("value", ""),
                    status=entry.get("status", ""),
                    source_title=entry.get("source", ""),
                    source_url=entry.get("source_url", ""),
                    note=entry.get("note", ""),
                )
            else:
                row["value"] = entry
            rows.append(row)
    for row in rows:
        if not (row.get("source_title") or "").strip():
            row["source_title"] = "user override (dict)"
    return rows


def read_index_table(name: str) -> pd.DataFrame:
    text, _label = _read_text(name)
    return pd.read_csv(io.StringIO(text), dtype={"period": str}, keep_default_na=False)
