"""Long tables written for people: chosen columns, headers in words with units, numbers
formatted (money, per cent), widths set, wrapped text in rows tall enough, headers repeated
on every printed page, file names without their folders.

Used for the Scenarios, Benchmarks and Data quality sheets of the recommendation workbook;
every column of each table stays in the run's CSV files.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .layout import file_names_only, fit_row, readable_header
from .live import LiveSheet
from .service import SERVICE_TITLES

#: (column, header, style, width) of the Scenarios sheet's long table.
SCENARIO_COLUMNS = (
    ("scenario", "Scenario", "wrap", 26),
    ("service", "Service", None, 14),
    ("provider", "Provider", "wrap", 30),
    ("unit", "Unit", None, 13),
    ("floor_per_hour", "Wage floor in the target year (£ an hour)", "money", 11),
    ("base_rate", "Cost in the returns' period (£ per unit)", "money", 12),
    ("required_rate", "Cost under the scenario (£ per unit)", "money", 12),
    ("uplift", "Change in cost", "percent1", 9),
    ("staffing_share", "Staffing share of cost", "percent1", 9),
    ("current_rate", "Current rate (£ per unit)", "money", 11),
    ("volume_per_week", "Units a week", "number", 10),
    ("budget_full_year", "Paying this provider its own cost: change a year (£)", "money0", 14),
)
#: (column, header, style, width) of the Data quality sheet.
ISSUE_COLUMNS = (
    ("severity", "Severity", None, 9),
    ("provider", "Provider", "wrap", 26),
    ("file", "File", "wrap", 28),
    ("sheet", "Sheet", "wrap", 12),
    ("cell", "Cell", None, 7),
    ("field", "Field", "wrap", 22),
    ("message", "What is wrong", "wrap", 60),
    ("raw_value", "Value given", "wrap", 16),
    ("code", "Code", "wrap", 18),
)
#: Columns whose values are codes with underscores, shown as words ("resident week").
IN_WORDS = ("unit", "category", "care_category", "volume_unit", "wage_policy", "severity")
_MONEY_WORDS = ("rate", "cost", "mean", "median", "quartile", "min", "max", "budget", "p10")


def readable_table(
    sheet: LiveSheet,
    top: int,
    df: pd.DataFrame,
    columns: Sequence[tuple[str, str, str | None, float]],
    *,
    freeze: bool = True,
    autofilter: bool = True,
) -> int:
    """Write ``df``'s ``columns`` (those present) from row ``top``: header, rows, a filter
    and frozen header (unless turned off), the header repeated on printed pages. Service
    types read as titles; paths as file names. Returns the row after the table."""
    present = [c for c in columns if c[0] in df.columns]
    frame = file_names_only(df)
    for j, (_key, header, _style, width) in enumerate(present):
        sheet.text(top, j, header, "header")
        sheet.ws.set_column(j, j, width)
    fit_row(sheet.ws, top, [(c[1], c[3]) for c in present], minimum=2)
    r = top
    for record in frame[[c[0] for c in present]].itertuples(index=False, name=None):
        r += 1
        wrapped = []
        for j, ((key, _h, style, width), value) in enumerate(zip(present, record, strict=True)):
            if key == "service":
                value = SERVICE_TITLES.get(str(value), value)
            elif key in IN_WORDS and isinstance(value, str):
                value = value.replace("_", " ")
            if style == "wrap" or style is None:
                text = (
                    "" if value is None or (isinstance(value, float) and pd.isna(value)) else value
                )
                sheet.text(r, j, text, "wrap")
                wrapped.append((str(text), width))
            else:
                sheet.value(r, j, value, style)
        fit_row(sheet.ws, r, wrapped)
    if autofilter:
        sheet.ws.autofilter(top, 0, max(r, top + 1), len(present) - 1)
    if freeze:
        sheet.ws.freeze_panes(top + 1, 0)
    sheet.print_setup(repeat_rows=(top, top))
    return r + 1


def generic_columns(df: pd.DataFrame) -> list[tuple[str, str, str | None, float]]:
    """Columns for a table with no spec: readable headers, money for columns whose name says
    so (rates, costs, quartiles), per cent for shares and uplifts, text wrapped."""
    out = []
    for name in df.columns:
        header = readable_header(name)
        if pd.api.types.is_numeric_dtype(df[name]) and not pd.api.types.is_bool_dtype(df[name]):
            low = str(name).lower()
            if any(w in low for w in ("share", "uplift", "percent")):
                style = "percent1"
            elif low in ("count",) or low.endswith("_count"):
                style = "integer"
            elif any(w in low for w in _MONEY_WORDS) or low.startswith(("p", "lower", "upper")):
                style = "money"
            else:
                style = "number"
            out.append((name, header, style, max(10, min(14, len(header) + 2))))
        else:
            out.append((name, header, "wrap", max(10, min(30, len(header) + 4))))
    return out
