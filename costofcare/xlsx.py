"""The one way this package opens an xlsx workbook for writing.

Every workbook written (blank templates, the validation workbook, the recommendation and
provider workbooks) holds text that came from someone else: provider names, cost line
labels, raw values from returns. :func:`safe_workbook` opens it so that such text is always
stored as text: never turned into a formula, a number or a link (``strings_to_formulas``,
``strings_to_numbers``, ``strings_to_urls`` off), with Excel's newer functions written so
they calculate (``use_future_functions``). Cell text itself is cleaned by
:func:`costofcare.report.clean_text`.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

#: Options of every workbook the package writes.
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "use_future_functions": True,
    "nan_inf_to_errors": False,
}


def safe_workbook(path: str | Path) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook at ``path`` with :data:`WORKBOOK_OPTIONS`; close it when done."""
    return xlsxwriter.Workbook(str(path), dict(WORKBOOK_OPTIONS))
