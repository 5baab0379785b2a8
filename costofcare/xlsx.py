"""The one way this package opens an xlsx workbook for writing.

Every workbook written (blank templates, the validation workbook, the recommendation and
provider workbooks) holds text that came from someone else: provider names, cost line
labels, raw values from returns. :func:`safe_workbook` opens it so that such text is always
stored as text: never turned into a formula, a number or a link (``strings_to_formulas``,
``strings_to_numbers``, ``strings_to_urls`` off), with Excel's newer functions written so
they calculate (``use_future_functions``). Cell text itself is cleaned by
:func:`costofcare.report.clean_text`.

Its document ``created`` time is :func:`costofcare.audit.clock.written_time` (a run's fixed
time, or ``SOURCE_DATE_EPOCH``), and xlsxwriter dates every part of the zip 1980-01-01, so
the same content gives the same bytes.
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
    """An xlsxwriter workbook at ``path`` with :data:`WORKBOOK_OPTIONS` and its ``created``
    property set to :func:`~costofcare.audit.clock.written_time`; close it when done."""
    from .audit.clock import written_time

    workbook = xlsxwriter.Workbook(str(path), dict(WORKBOOK_OPTIONS))
    workbook.set_properties({"created": written_time().replace(tzinfo=None)})
    return workbook
