"""Layout for people: headers in words, row heights that fit wrapped text, file names only.

Neither Excel nor LibreOffice grows a row for wrapped text when the row's height is set, and
neither does for merged cells, so a sheet that wraps text sets each such row's height from
the text it holds (:func:`fit_row`). Columns of a table written from a data frame get
readable headers (:func:`readable_header`) and, for a file path, only the file's name
(:func:`file_names_only`): a circulated workbook shows no folder of the machine it was
made on.
"""

from __future__ import annotations

import math
from pathlib import PureWindowsPath

import pandas as pd

from ..textfit import LINE_HEIGHT, fit_row, text_lines, without_folders

__all__ = [
    "LINE_HEIGHT",
    "file_name",
    "file_names_only",
    "fit_row",
    "readable_header",
    "text_lines",
    "without_folders",
]

#: Words kept as written in a header (abbreviations).
_KEEP = {"id": "ID", "ni": "NI", "fnc": "FNC", "cpi": "CPI", "nlw": "NLW", "rlw": "RLW"}


def readable_header(name: str) -> str:
    """``"budget_full_year"`` -> ``"Budget full year"``; abbreviations kept in capitals.

    Examples
    --------
    >>> readable_header("return_id")
    'Return ID'
    >>> readable_header("required_rate_p90")
    'Required rate P90'
    """
    words = str(name).replace("_", " ").split()
    out = []
    for i, word in enumerate(words):
        low = word.lower()
        if low in _KEEP:
            out.append(_KEEP[low])
        elif len(low) <= 3 and low[:1] == "p" and low[1:].isdigit():
            out.append(low.upper())
        else:
            out.append(word.capitalize() if i == 0 else word)
    return " ".join(out)


def file_name(value) -> str:
    """The last part of a path, whatever the machine that wrote it (``/`` or ``\\``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    return PureWindowsPath(text).name if ("/" in text or "\\" in text) else text


def file_names_only(frame: pd.DataFrame, columns=("file", "path", "source_file")) -> pd.DataFrame:
    """A copy of ``frame`` with each path column reduced to file names and every absolute
    path inside other text (a message naming a file) cut to the file's name."""
    out = frame.copy()
    for column in out.columns:
        if column in columns:
            out[column] = out[column].map(file_name)
        elif out[column].dtype == object:
            out[column] = out[column].map(lambda v: without_folders(v) if isinstance(v, str) else v)
    return out
