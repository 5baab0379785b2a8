"""Text laid out for people, kept light: row heights that fit wrapped text, paths cut to
file names.

Neither Excel nor LibreOffice grows a row for wrapped text when the row's height is set, and
neither does for merged cells, so a sheet that wraps text sets each such row's height from
the text it holds (:func:`fit_row`); a circulated workbook shows no folder of the machine it
was made on (:func:`without_folders`). Used by the report step
(:mod:`costofcare.report.layout` re-exports these) and by the ingest's validation workbook,
which imports this module alone so a command that only ingests does not load the report
step.
"""

from __future__ import annotations

import math
import re

#: Points a line of 11 point text needs.
LINE_HEIGHT = 15.0


def text_lines(text: str, width: float) -> int:
    """Lines ``text`` takes wrapped in a column ``width`` characters wide (at least one)."""
    text = str(text)
    # words wrap whole: a narrow column's line holds fewer characters than its width
    per_line = max(1, int(width * (0.85 if width < 20 else 1.05)))
    if len(text) <= per_line and "\n" not in text:  # most cells: one short line, no counting
        return 1
    return max(1, sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n")))


def fit_row(ws, row: int, cells: list[tuple[str, float]], *, minimum: int = 1) -> float:
    """Set ``row``'s height to show every (text, column width) of ``cells`` wrapped."""
    lines = max([minimum, *(text_lines(text, width) for text, width in cells)])
    height = LINE_HEIGHT * lines
    ws.set_row(row, height)
    return height


#: An absolute path inside text (not a web address): its folders, then the file's name.
_POSIX_PATH = re.compile(r"(?<![\w:/.])/(?:[^\s/'\"]+/)+([^\s/'\"]+)")
_WINDOWS_PATH = re.compile(r"\b[A-Za-z]:\\(?:[^\s\\'\"]+\\)+([^\s\\'\"]+)")


def without_folders(text: str) -> str:
    """``text`` with every absolute path in it cut to the file's name.

    Examples
    --------
    >>> without_folders("/home/me/run/current_rates.csv line 26: no return")
    'current_rates.csv line 26: no return'
    >>> without_folders("see https://example.org/a/b.html")
    'see https://example.org/a/b.html'
    """
    if "/" not in text and ":\\" not in text:  # no path can be in it: skip both patterns
        return text
    return _WINDOWS_PATH.sub(r"\1", _POSIX_PATH.sub(r"\1", text))
