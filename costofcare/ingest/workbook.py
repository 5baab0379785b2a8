"""The validation workbook: what a commissioning officer works from after an ingest.

Sheets:

``Returns``
    one row per file: its status (clean, warnings to confirm, errors to correct, rejected),
    provider, service, template version, period, counts and the reason a file was rejected;
``To chase``
    per provider, every point to raise with them, the ones that must be fixed first, with
    the sheet and cell, the field, what is wrong, the value given, and a blank ``Done``
    column to tick off;
``Key``
    what each issue code means.

Provider text is written as text (``strings_to_formulas`` off, every string through
``write_string``), so nothing a provider typed can become a formula.
"""

from __future__ import annotations

from collections import Counter, namedtuple
from pathlib import Path
from typing import TYPE_CHECKING

from ..textfit import LINE_HEIGHT, fit_row, text_lines, without_folders
from ..xlsx import safe_workbook
from .issues import ISSUE_CODES, REJECTION_CODES

if TYPE_CHECKING:
    import pandas as pd

#: Service types as people write them.
SERVICE_TITLES = {
    "home_care": "Home care",
    "care_home": "Care home",
    "supported_living": "Supported living",
}

STATUS_LABELS = {
    "rejected": "Rejected: could not be read",
    "errors": "Errors: needs correcting",
    "warnings": "Warnings: please confirm",
    "clean": "Clean",
}
STATUS_ORDER = {"rejected": 0, "errors": 1, "warnings": 2, "clean": 3}
PRIORITY = {"rejected": "1 Resend", "error": "2 Must fix", "warning": "3 Please confirm"}
STATUS_FILL = {
    "rejected": "#F4B6B6",
    "errors": "#F8CBAD",
    "warnings": "#FFE699",
    "clean": "#C6EFCE",
}

RETURNS_SHOWN = (
    "status",
    "provider",
    "service",
    "service_name",
    "registration_number",
    "period_start",
    "period_end",
    "template_version",
    "file",
    "values_read",
    "errors",
    "warnings",
    "reason",
    "located_by",
    "return_id",
)
"""Columns of the returns table the workbook shows or uses."""
ISSUES_SHOWN = (
    "code",
    "severity",
    "provider",
    "file",
    "sheet",
    "cell",
    "field",
    "message",
    "raw_value",
)
"""Columns of the issues table the workbook shows or uses."""


def field_labels() -> dict[tuple[str, str], str]:
    """(service, field or table id) -> label, from the latest spec of every service."""
    from ..templates.spec import SERVICES, get_spec

    out: dict[tuple[str, str], str] = {}
    for service in SERVICES:
        spec = get_spec(service)
        for f in spec.fields():
            out[(service, f.id)] = f.label
        for t in spec.tables():
            out[(service, t.id)] = t.label
            for c in t.columns:
                out.setdefault((service, c.id), f"{t.label}: {c.label}")
    return out


def _short(path) -> str:
    """The file's name without its folders ("" for no file)."""
    return Path(path).name if path else ""


def _plain(text):
    """Text with any absolute path in it cut to the file's name (no folder of this machine
    in a workbook that is sent round)."""
    return without_folders(text) if isinstance(text, str) else text


def _once(function, values) -> dict:
    """``function`` of each distinct value in ``values``: a batch repeats the same files,
    providers and messages many times over, so each is worked out once."""
    return {v: function(v) for v in set(values)}


def _records(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[tuple]:
    """The rows of ``frame`` as named tuples of ``columns``, built from whole columns (much
    quicker than iterating the frame's rows)."""
    record = namedtuple("Record", columns)
    return list(map(record._make, zip(*(frame[c].tolist() for c in columns), strict=True)))


def write_validation_workbook(
    returns: pd.DataFrame, issues: pd.DataFrame, path: str | Path
) -> Path:
    """Write the validation workbook for one ingest run.

    Parameters
    ----------
    returns : the per-file summary (:data:`~costofcare.ingest.batch.RETURN_COLUMNS`).
    issues : every issue (:data:`~costofcare.ingest.issues.ISSUE_COLUMNS`).
    path : the .xlsx to write.

    Returns
    -------
    Path
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    returns = _records(returns, RETURNS_SHOWN)
    issues = _records(issues, ISSUES_SHOWN)
    wb = safe_workbook(path)
    try:
        bold = wb.add_format({"bold": True})
        title = wb.add_format({"bold": True, "font_size": 14})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        fills = {
            k: wb.add_format({"bg_color": v, "valign": "top", "text_wrap": True})
            for k, v in STATUS_FILL.items()
        }
        _returns_sheet(wb, returns, title, bold, fills)
        _chase_sheet(wb, returns, issues, field_labels(), title, wrap)
        _key_sheet(wb, title, wrap)
    finally:
        wb.close()
    return path


def _text_table(
    ws,
    first_row: int,
    headers: list[str],
    rows: list[list],
    widths: list[float],
    name: str,
    fmt=None,
    row_formats=None,
    wrapped: tuple[int, ...] = (),
) -> None:
    """Write rows (str / int / float) under headers as an Excel table; text stays text.
    Rows are as tall as the text of the ``wrapped`` columns needs."""
    last_row = first_row + max(len(rows), 1)
    ws.add_table(
        first_row,
        0,
        last_row,
        len(headers) - 1,
        {"name": name, "columns": [{"header": h} for h in headers], "style": "Table Style Light 9"},
    )
    for i, row in enumerate(rows):
        r = first_row + 1 + i
        cell_fmt = row_formats[i] if row_formats else fmt
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(r, c, value, cell_fmt)
            elif value is None or (isinstance(value, float) and value != value):
                ws.write_blank(r, c, None, cell_fmt)
            else:
                ws.write_number(r, c, value, cell_fmt)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    ws.freeze_panes(first_row + 1, 0)
    _fit_rows(ws, first_row, headers, rows, widths, wrapped)
    _print_setup(ws, first_row)


def _fit_rows(ws, first_row: int, headers, rows, widths, wrapped) -> None:
    """Header and row heights that show every line of the wrapped columns (neither Excel nor
    LibreOffice grows a row for wrapped text written by a program)."""
    fit_row(ws, first_row, [(h, w) for h, w in zip(headers, widths, strict=False)])
    if not wrapped:
        return
    lines = [1] * len(rows)
    for c in wrapped:
        texts = [row[c] for row in rows]
        counted = {t: text_lines(t, widths[c]) for t in set(texts) if isinstance(t, str)}
        lines = [max(n, counted.get(t, 1)) for n, t in zip(lines, texts, strict=True)]
    for r, n in enumerate(lines, start=first_row + 1):
        if n > 1:  # a row of one line keeps the default height, which is one line's
            ws.set_row(r, LINE_HEIGHT * n)


def _print_setup(ws, header_row: int) -> None:
    """A4 landscape, one page wide, the header row on every page, sheet name and pages."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_header("&L&A")
    ws.set_footer("&RPage &P of &N")


def _sort_text(value) -> tuple:
    """Sort key of a text cell: text in order, missing values last."""
    return (0, value) if isinstance(value, str) else (1, "")


def _returns_sheet(wb, returns: list[tuple], title, bold, fills) -> None:
    ws = wb.add_worksheet("Returns")
    ws.write_string(0, 0, "Returns received and their status", title)
    counts = Counter(rec.status for rec in returns)
    line = f"{len(returns)} file(s): " + "; ".join(
        f"{counts[k]} {STATUS_LABELS[k].split(':')[0].lower()}" for k in STATUS_ORDER
    )
    ws.write_string(1, 0, line, bold)
    ordered = sorted(
        returns,
        key=lambda rec: (
            STATUS_ORDER[rec.status],
            _sort_text(rec.provider),
            _sort_text(rec.file),
        ),
    )
    headers = [
        "Status",
        "Provider",
        "Service type",
        "Service name",
        "Registration number",
        "Period start",
        "Period end",
        "Template version",
        "File",
        "Values read",
        "Errors",
        "Warnings",
        "Reason rejected",
        "Found by",
        "Return ID",
    ]
    rows, formats = [], []
    for rec in ordered:
        rows.append(
            [
                STATUS_LABELS[rec.status],
                rec.provider,
                SERVICE_TITLES.get(rec.service, rec.service),
                rec.service_name,
                rec.registration_number,
                rec.period_start,
                rec.period_end,
                rec.template_version,
                _short(rec.file),
                int(rec.values_read),
                int(rec.errors),
                int(rec.warnings),
                _plain(rec.reason),
                rec.located_by,
                rec.return_id,
            ]
        )
        formats.append(fills[rec.status])
    widths = [26, 30, 16, 26, 18, 12, 12, 10, 34, 8, 8, 9, 60, 14, 14]
    _text_table(ws, 3, headers, rows, widths, "returns", row_formats=formats, wrapped=(1, 3, 8, 12))


def _chase_sheet(wb, returns: list[tuple], issues: list[tuple], labels, title, wrap) -> None:
    ws = wb.add_worksheet("To chase")
    ws.write_string(
        0,
        0,
        "What to chase, provider by provider (resend first, then must fix, then confirm)",
        title,
    )
    provider_of = {rec.file: rec.provider for rec in returns}
    service_of = {rec.file: rec.service for rec in returns}
    short = _once(_short, (rec.file for rec in issues))
    plain = _once(_plain, (rec.message for rec in issues))
    rows = []
    for rec in issues:
        rejected = rec.code in REJECTION_CODES
        priority = PRIORITY["rejected"] if rejected else PRIORITY[rec.severity]
        provider = rec.provider or provider_of.get(rec.file, "") or f"(unnamed: {short[rec.file]})"
        service = service_of.get(rec.file, "")
        where = f"{rec.sheet}!{rec.cell}" if rec.sheet and rec.cell else rec.sheet
        label = labels.get((service, rec.field), rec.field) if rec.field else ""
        rows.append(
            [
                provider,
                priority,
                short[rec.file],
                where,
                label,
                plain[rec.message],
                rec.raw_value,
                "",
            ]
        )
    rows.sort(key=lambda r: (r[0].casefold(), r[1], r[2]))
    headers = [
        "Provider",
        "Priority",
        "File",
        "Where",
        "Field",
        "What to ask",
        "Value given",
        "Done",
    ]
    widths = [30, 16, 30, 16, 30, 80, 20, 8]
    _text_table(ws, 2, headers, rows, widths, "to_chase", fmt=wrap, wrapped=(0, 2, 4, 5, 6))


def _key_sheet(wb, title, wrap) -> None:
    ws = wb.add_worksheet("Key")
    ws.write_string(0, 0, "What each issue code means", title)
    rows = [
        [code, severity, "yes" if code in REJECTION_CODES else "", meaning]
        for code, (severity, meaning) in ISSUE_CODES.items()
    ]
    _text_table(
        ws,
        2,
        ["Code", "Severity", "Rejects the return", "Meaning"],
        rows,
        [24, 10, 10, 100],
        "issue_key",
        fmt=wrap,
        wrapped=(3,),
    )
