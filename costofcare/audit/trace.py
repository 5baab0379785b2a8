"""From a figure to the return cells it came from: ``costs/trace.csv``.

The market's unit costs (``costs/market_unit_costs.csv``, what the benchmark and the
recommendation use) carry in ``source`` the cells each line was read from and the cells its
units came from (``Costs!B5 / units (Volumes!B6; Volumes!B7; 52.143 weeks)``). The trace
table spells that out, one row per unit cost line and cell, joined to the value ingest read
there (``ingest/values.csv``)::

    provider, service, return_id, route, line, cost_line, cost_per_unit, unit, part, file,
    sheet, cell, field, table_row, value, raw

``part`` is ``cost`` for a cell summed into the line's annual cost and ``units`` for a cell
the units were worked out from (the period's weeks are in ``source``). A provider's cost per
unit is the sum of its lines' ``cost_per_unit``; each line is its ``cost`` cells over its
``units``. With pandas::

    trace = pd.read_csv("out/costs/trace.csv")
    trace[(trace.provider == "Riverside Manor Ltd") & (trace.line == "fixtures_fittings")]

or ``costofcare trace OUT --provider "Riverside Manor Ltd" [--line fixtures_fittings]``.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["TRACE_COLUMNS", "trace_table"]

TRACE_COLUMNS = (
    "provider",
    "service",
    "return_id",
    "route",
    "line",
    "cost_line",
    "cost_per_unit",
    "unit",
    "part",
    "file",
    "sheet",
    "cell",
    "field",
    "table_row",
    "value",
    "raw",
)
_UNITS = " / units ("
_CELL = r"\$?[A-Z]{1,3}\$?[0-9]{1,7}"


def _cell_pattern(sheets) -> re.Pattern:
    """``Sheet!A1`` for any of a return's sheets (longest names first, so none hides another)."""
    names = sorted({str(s) for s in sheets if isinstance(s, str) and s}, key=len, reverse=True)
    if not names:
        return re.compile(r"(?!x)x")
    return re.compile(f"({'|'.join(re.escape(n) for n in names)})!({_CELL})")


def _cells(pattern: re.Pattern, text: str) -> list[tuple[str, str]]:
    """(sheet, cell) named in ``text``, in order, each once."""
    seen: dict[tuple[str, str], None] = {}
    for match in pattern.finditer(text):
        seen.setdefault((match.group(1), match.group(2).replace("$", "")), None)
    return list(seen)


def trace_table(unit_costs: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """One row per unit cost line and return cell it was worked out from (module notes).

    Parameters
    ----------
    unit_costs : the market's unit costs (``provider, service, return_id, route, line,
        cost_line, cost_per_unit, source``).
    values : the tidy values ingest read (``return_id, file, sheet, cell, field, row, value,
        raw``).

    Returns
    -------
    pandas.DataFrame
        :data:`TRACE_COLUMNS`. A line whose source names no cell (a modelled line) has one
        row with the cell columns empty.
    """
    read_at = {
        (str(v["return_id"]), v["sheet"], v["cell"]): v
        for v in values.drop_duplicates(["return_id", "sheet", "cell"]).to_dict("records")
    }
    sheets = values.groupby("return_id")["sheet"].unique()
    rows: list[dict] = []
    for line in unit_costs.to_dict("records"):
        return_id = str(line.get("return_id", ""))
        pattern = _cell_pattern(sheets.get(return_id, ()))
        cost_text, _, units_text = str(line.get("source", "")).partition(_UNITS)
        base = {k: line.get(k) for k in TRACE_COLUMNS[:8]}
        found = [("cost", ref) for ref in _cells(pattern, cost_text)] + [
            ("units", ref) for ref in _cells(pattern, units_text)
        ]
        if not found:
            rows.append({**base, "part": "", "table_row": pd.NA})
        for part, (sheet, cell) in found:
            read = read_at.get((return_id, sheet, cell))
            rows.append(
                {
                    **base,
                    "part": part,
                    "file": None if read is None else read["file"],
                    "sheet": sheet,
                    "cell": cell,
                    "field": None if read is None else read["field"],
                    "table_row": None if read is None else read["row"],
                    "value": None if read is None else read["value"],
                    "raw": None if read is None else read["raw"],
                }
            )
    return pd.DataFrame(rows, columns=list(TRACE_COLUMNS))
