"""The one way this package writes a CSV file: text that a spreadsheet would run is defused.

Every CSV the package writes (ingest's tidy values, issues and returns; a run's council,
costs, scenarios and benchmark tables; the ``scenarios`` and ``benchmark`` commands; the
example market; CSV printed by ``params`` and ``price``) can hold text that came from
someone else: provider names, cost line labels, raw cell values. Opened in Excel,
LibreOffice or Google Sheets, a cell starting ``=``, ``+``, ``-`` or ``@`` is read as a
formula (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``) and a leading tab or carriage return
can hide one. The rule, applied to every text cell and every column name:

* a text cell whose first character is ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return gets a leading ``'`` (``=1+1`` is written ``'=1+1``), so the spreadsheet shows it
  as text;
* except a plain number written as text (``-12.5``, ``+3``, ``1e3``: optional sign, digits,
  optional decimal point and exponent), which stays as it is;
* numeric columns (floats, integers, booleans) are numbers, never text, and are written
  as they are (``-3.5`` stays ``-3.5``); missing values are empty fields.

Parquet files and workbooks keep text exactly as typed (workbooks are opened by
:func:`costofcare.xlsx.safe_workbook`, which stores text as text). Reading a defused CSV
back gives the text with its leading ``'``.

:func:`write_csv` writes a pandas frame; :func:`arrow_csv_bytes` is the fast path for Arrow
tables (ingest's value rows, written in the workers) and applies the same rule.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

__all__ = [
    "FORMULA_START",
    "arrow_csv_bytes",
    "defuse_arrow",
    "defuse_column",
    "defuse_frame",
    "defuse_text",
    "write_csv",
]

#: First characters that make a spreadsheet read a CSV cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_TRIGGER = r"^[=@+\-\t\r]"
_PLAIN_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER = re.compile(_PLAIN_NUMBER)


def defuse_text(text: str) -> str:
    """``text`` safe to open in a spreadsheet from CSV (the rule in the module notes).

    >>> [defuse_text(t) for t in ("=1+1", "-12.5", "-x", "@SUM(A1)", "ok")]
    ["'=1+1", '-12.5', "'-x", "'@SUM(A1)", 'ok']
    """
    if not text or not text.startswith(FORMULA_START):
        return text
    if _NUMBER.fullmatch(text):
        return text
    return "'" + text


def defuse_column(column: pd.Series) -> pd.Series:
    """:func:`defuse_text` over a text column, vectorised; the column itself when nothing
    needs defusing. Non-text values in an object column (numbers, dates) are left as they are."""
    text = column.astype("string")
    risky = text.str.contains(_TRIGGER, regex=True, na=False) & ~text.str.fullmatch(
        _PLAIN_NUMBER, na=False
    )
    if not risky.any():
        return column
    risky &= column.map(lambda v: isinstance(v, str)).astype(bool).to_numpy()
    if not risky.any():
        return column
    out = column.astype(object)
    out[risky] = "'" + text[risky]
    return out


def defuse_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and column name defused; the frame itself (not a copy)
    when nothing needs defusing."""
    changed: dict[object, pd.Series] = {}
    for i in range(frame.shape[1]):
        column = frame.iloc[:, i]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            continue
        safe = defuse_column(column)
        if safe is not column:
            changed[i] = safe
    names = [defuse_text(n) if isinstance(n, str) else n for n in frame.columns]
    if not changed and names == list(frame.columns):
        return frame
    out = frame.copy()
    for i, safe in changed.items():
        out.isetitem(i, safe)
    out.columns = names
    return out


def write_csv(
    frame: pd.DataFrame, target: str | Path | IO[str], *, append: bool = False
) -> str | Path | IO[str]:
    """Write ``frame`` as CSV to a path (parent folders created) or an open text stream,
    defused (:func:`defuse_frame`), without the index, ``\\n`` line endings, fields quoted
    only where needed. ``append`` adds rows (no header) to an existing file."""
    if isinstance(target, str | Path):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    defuse_frame(frame).to_csv(
        target,
        mode="a" if append else "w",
        header=not append,
        index=False,
        quoting=csv.QUOTE_MINIMAL,
        lineterminator="\n",
    )
    return target


def defuse_arrow(table: pa.Table) -> pa.Table:
    """The CSV form of an Arrow table: formula-like text defused, NaN written as empty."""
    out = []
    for field, col in zip(table.schema, table.columns, strict=True):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            starts = pc.match_substring_regex(col, _TRIGGER)
            if pc.any(starts).as_py():  # most columns have no text starting like a formula
                risky = pc.and_(
                    starts,
                    pc.invert(pc.match_substring_regex(col, "^" + _PLAIN_NUMBER + "$")),
                )
                col = pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col)
        elif pa.types.is_floating(field.type):
            col = pc.if_else(pc.is_nan(col), pa.scalar(None, field.type), col)
        out.append(col)
    names = [defuse_text(name) for name in table.schema.names]
    return pa.Table.from_arrays(out, names=names)


_WITH_HEADER = pa_csv.WriteOptions(quoting_style="needed")
_ROWS_ONLY = pa_csv.WriteOptions(quoting_style="needed", include_header=False)


def arrow_csv_bytes(table: pa.Table, *, header: bool = True) -> bytes:
    """An Arrow table as defused CSV bytes (:func:`defuse_arrow`); ``header=False`` gives the
    rows only, to append to a file already started."""
    sink = pa.BufferOutputStream()
    options = _WITH_HEADER if header else _ROWS_ONLY
    pa_csv.write_csv(defuse_arrow(table), sink, write_options=options)
    return sink.getvalue().to_pybytes()
