"""The market's input tables: read with the project's checks, issues by file and line.

The register, ratings and indicators are declared tables
(:mod:`costofcare.tables.catalogue`), read by :func:`costofcare.tables.read_table` so every
problem is an issue row naming the file and line. Ratings and indicators for a
registration number the register does not hold are reported (``not_in_register``), not
dropped in silence. Indicators the returns already carry (staff turnover, vacancy rate,
agency share of hours, zero-hours share, occupancy) are taken from ingest's values with the
file, sheet and cell they came from.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..ingest.issues import ISSUE_CODES, ISSUE_COLUMNS
from ..tables import read_table
from ..tables.catalogue import INDICATORS

#: Indicators read from a return's single fields: field -> indicator name.
RETURN_FIELDS = {
    "staff_turnover_rate": "staff_turnover_rate",
    "vacancy_rate": "vacancy_rate",
    "share_zero_hours_contracts": "zero_hours_share",
    "average_occupancy": "occupancy",
}
#: The indicator worked out from the staffing table: agency hours / (paid + agency hours).
AGENCY_SHARE = "agency_share_of_hours"


def issue_row(
    code: str, file: str, line, field: str, what: str, raw="", *, sheet: str = ""
) -> dict[str, str]:
    """One issue row (``ISSUES`` columns) for a line of a file (or a cell of a workbook's
    ``sheet``); severity follows the code."""
    line = "" if line is None or (isinstance(line, float) and np.isnan(line)) else str(line)
    if file and line:
        where = f"{file}, sheet {sheet}, cell {line}" if sheet else f"{file} line {line}"
    else:
        where = file or "the market inputs"
    row = dict.fromkeys(ISSUE_COLUMNS, "")
    row.update(
        severity=ISSUE_CODES[code][0],
        code=code,
        file=str(file),
        sheet=sheet,
        cell=line,
        field=field,
        message=f"{where}: {what}",
        raw_value=str(raw),
    )
    return row


def issue_frame(records: list[dict]) -> pd.DataFrame:
    """Issue rows as a table with the ``ISSUES`` columns (empty when there are none)."""
    return pd.DataFrame(records, columns=list(ISSUE_COLUMNS)).astype(str)


def read_input(table: str, path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A declared table read from a file, each clean row with its ``line``; and its issues."""
    return read_table(table, path, line_column="line")


def in_register(
    frame: pd.DataFrame, register: pd.DataFrame, file: str, what: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows whose registration number the register holds; an issue for each other."""
    known = set(register["registration_number"].astype(str))
    inside = frame["registration_number"].astype(str).isin(known)
    records = [
        issue_row(
            "not_in_register",
            file,
            row.get("line", ""),
            "registration_number",
            f"{what} for registration number '{row['registration_number']}', which is not "
            "in the register; the row was not used",
            row["registration_number"],
        )
        for _, row in frame[~inside].iterrows()
    ]
    return frame[inside].reset_index(drop=True), issue_frame(records)


def _registration(values: pd.DataFrame) -> pd.Series:
    """return_id -> the registration number typed on the return."""
    reg = values[(values["field"] == "registration_number") & (values["table"].fillna("") == "")]
    reg = reg.assign(text=reg["text"].fillna("").astype(str).str.strip())
    return reg[reg["text"] != ""].drop_duplicates("return_id").set_index("return_id")["text"]


def indicators_from_returns(values: pd.DataFrame, returns_used=None) -> pd.DataFrame:
    """The indicators the returns carry, in the ``indicators`` shape, with their cells.

    Parameters
    ----------
    values : ingest's tidy values (:data:`costofcare.tables.catalogue.VALUES`).
    returns_used : return ids to take (default: every return with a registration number).

    Returns
    -------
    DataFrame
        ``registration_number, indicator, value, date, source, file, sheet, cell``: one row
        per return and indicator; ``value`` as text (fractions: ``0.3`` is 30%); the agency
        share lists every staffing row's cells it sums.
    """
    columns = list(INDICATORS.names)
    if values is None or values.empty:
        return pd.DataFrame(columns=columns)
    reg = _registration(values)
    frame = values[values["return_id"].isin(reg.index)]
    if returns_used is not None:
        frame = frame[frame["return_id"].isin(set(returns_used))]
    single = frame[frame["field"].isin(list(RETURN_FIELDS)) & frame["value"].notna()]
    rows = pd.DataFrame(
        {
            "registration_number": single["return_id"].map(reg),
            "indicator": single["field"].map(RETURN_FIELDS),
            "value": single["value"].map(lambda v: repr(float(v))),
            "file": single["file"],
            "sheet": single["sheet"],
            "cell": single["cell"],
        }
    )
    out = pd.concat([rows, _agency_share(frame, reg)], ignore_index=True)
    out["date"] = pd.NaT
    out["source"] = "provider return"
    return out[columns].reset_index(drop=True)


def _agency_share(frame: pd.DataFrame, reg: pd.Series) -> pd.DataFrame:
    """Agency hours a week / (paid hours a week + agency hours a week), per return."""
    staff = frame[frame["field"].isin(["agency_hours_per_week", "paid_hours_per_week"])]
    staff = staff[staff["value"].notna()]
    records = []
    for return_id, rows in staff.groupby("return_id", sort=True):
        agency = rows.loc[rows["field"] == "agency_hours_per_week", "value"].sum()
        paid = rows.loc[rows["field"] == "paid_hours_per_week", "value"].sum()
        if paid + agency <= 0:
            continue
        records.append(
            {
                "registration_number": reg[return_id],
                "indicator": AGENCY_SHARE,
                "value": repr(float(agency / (paid + agency))),
                "file": rows["file"].iloc[0],
                "sheet": rows["sheet"].iloc[0],
                "cell": "; ".join(rows["cell"].astype(str)),
            }
        )
    return pd.DataFrame(records, columns=["registration_number", "indicator", "value", "file",
                                          "sheet", "cell"])  # fmt: skip
