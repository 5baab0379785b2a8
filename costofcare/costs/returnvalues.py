"""One return's tidy values, indexed once: single fields by name, table rows by number.

The values table from ingest has one row per value read (``return_id``, ``table``, ``row``,
``field``, ``value``, ``text``, ``sheet``, ``cell`` ...). :func:`split_returns` walks it once
and gives one :class:`ReturnValues` per return, so a cost model asks for a field by name
instead of filtering the whole table each time.

Rules (the same ones a filter would give):

* returns come in the order they first appear; rows without a ``return_id`` belong to none;
* a blank ``table`` or ``text`` reads as ``""``;
* when a field appears twice (in the single fields, or in one table row), the first wins;
* table rows are in ascending row number; rows without a row number belong to none;
* :attr:`ReturnValues.staff_totals` sums each field over every ``staff_roles`` row, as
  ``groupby("field")["value"].sum(min_count=1)`` does (compensated sum, NaN when the field
  has no number).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..errors import UserError

__all__ = ["Value", "ReturnValues", "split_returns"]

STAFF_TABLE = "staff_roles"


class Value(NamedTuple):
    """One value read from a return."""

    #: the number read (NaN for text)
    value: Any
    #: the text read ("" when blank)
    text: str
    #: where it was read: ``Sheet!C5``, or the field name when no cell is known
    ref: str


@dataclass
class ReturnValues:
    """The values of one return, by field (single fields) and by table row."""

    return_id: Any
    provider: Any
    service: Any
    template_version: Any
    file: Any
    singles: dict[str, Value] = field(default_factory=dict)
    tables: dict[str, dict[Any, dict[str, Value]]] = field(default_factory=dict)
    staff_totals: dict[str, float] = field(default_factory=dict)

    def single(self, name: str) -> Value | None:
        """The single field ``name``, or None when the return does not give it."""
        return self.singles.get(name)

    def number(self, name: str) -> float:
        """The single field ``name`` as a number (NaN when not given)."""
        found = self.singles.get(name)
        return float("nan") if found is None else float(found.value)

    def date(self, name: str) -> dt.date:
        """The single field ``name`` as a date (its first ten characters, ISO).

        Raises
        ------
        UserError
            The field is missing or not a date: a period must be stated to annualise costs.
        """
        found = self.singles.get(name)
        text = "" if found is None else str(found.text).strip()
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            raise UserError(
                f"return {self.return_id}: {name} is missing or not a date ({text!r}); the "
                "period must be stated to put costs on an annual basis"
            ) from None

    def rows(self, table: str) -> list[dict[str, Value]]:
        """The rows of ``table`` in row order, each ``{field: Value}``."""
        return list(self.tables.get(table, {}).values())


def _refs(values: pd.DataFrame, fields: list) -> list[str]:
    """``Sheet!Cell`` for each row with a cell, else the field name."""
    cells = values["cell"].tolist() if "cell" in values else [None] * len(values)
    sheets = values["sheet"].tolist() if "sheet" in values else [None] * len(values)
    return [
        f"{sheet}!{cell}" if cell else str(name)
        for sheet, cell, name in zip(sheets, cells, fields, strict=True)
    ]


def _first_of_each(values: pd.DataFrame, codes: np.ndarray) -> list[ReturnValues]:
    """An empty :class:`ReturnValues` per return, described by the return's first row."""
    found, first_rows = np.unique(codes, return_index=True)
    rows = values.iloc[first_rows[found >= 0]]

    def column(name: str, default: Any) -> list:
        return rows[name].tolist() if name in rows else [default] * len(rows)

    return [
        ReturnValues(*meta)
        for meta in zip(
            rows["return_id"].tolist(),
            rows["provider"].tolist(),
            rows["service"].tolist(),
            column("template_version", ""),
            column("file", ""),
            strict=True,
        )
    ]


def _staff_totals(values: pd.DataFrame, codes: np.ndarray, tables: list[str]) -> pd.Series:
    staff = np.asarray(tables, dtype=object) == STAFF_TABLE
    frame = pd.DataFrame({"code": codes[staff], "field": values["field"].to_numpy()[staff]})
    frame["value"] = values["value"].to_numpy()[staff]
    return frame.groupby(["code", "field"], sort=False)["value"].sum(min_count=1)


def split_returns(values: pd.DataFrame) -> list[ReturnValues]:
    """The values table as one :class:`ReturnValues` per return, in one pass.

    Parameters
    ----------
    values : pandas.DataFrame
        Tidy values from ingest: at least ``return_id``, ``provider``, ``service``,
        ``table``, ``row``, ``field``, ``value``, ``text``; ``sheet`` and ``cell`` give each
        value's reference, ``template_version`` and ``file`` are kept when present.

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.DataFrame({
    ...     "return_id": ["r1", "r1"], "provider": "P", "service": "home_care",
    ...     "table": ["", "staff_roles"], "row": [0, 1], "field": ["beds", "annual_gross_pay"],
    ...     "value": [10.0, 500.0], "text": "", "sheet": "Costs", "cell": ["C4", "D9"]})
    >>> one = split_returns(values)[0]
    >>> one.number("beds"), one.rows("staff_roles")[0]["annual_gross_pay"].ref
    (10.0, 'Costs!D9')
    """
    if values.empty:
        return []
    codes, _ = pd.factorize(values["return_id"], sort=False)
    returns = _first_of_each(values, codes)
    tables = values["table"].fillna("").astype(str).tolist()
    texts = values["text"].fillna("").astype(str).tolist()
    fields = values["field"].tolist()
    numbers, row_numbers = values["value"].tolist(), values["row"].tolist()
    refs = _refs(values, fields)
    for code, table, row, name, number, text, ref in zip(
        codes.tolist(), tables, row_numbers, fields, numbers, texts, refs, strict=True
    ):
        if code < 0:
            continue
        one = returns[code]
        if table == "":
            one.singles.setdefault(name, Value(number, text, ref))
        elif not pd.isna(row):
            one.tables.setdefault(table, {}).setdefault(row, {}).setdefault(
                name, Value(number, text, ref)
            )
    for one in returns:
        one.tables = {t: dict(sorted(rows.items())) for t, rows in one.tables.items()}
    for (code, name), total in _staff_totals(values, codes, tables).items():
        if code >= 0:
            returns[code].staff_totals[name] = float(total)
    return returns
