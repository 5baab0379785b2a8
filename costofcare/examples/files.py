"""Files of the example market that are not a filled template, and stable bytes for all.

Returns in the real template are filled with :class:`costofcare.ingest.fill.ReturnFiller`
(by defined name and table rows, as a provider types). This module adds the other shapes a
council receives:

* :func:`write_pasted`: the template's labels and values pasted as values into a blank
  workbook (no defined names, no tables, no ``_template`` sheet);
* :func:`corrupt_bytes`: a workbook cut short in transfer;
* :func:`wrong_type_bytes`: a document that is not a spreadsheet (a PDF);

and :func:`normalise_zip`, which stamps every part of a workbook with a fixed date so a
regenerated example has the same bytes (and so the same ``return_id``).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.cell.cell import ERROR_CODES

from ..templates.spec import Table, TemplateSpec

FIXED_TIMESTAMP = (2025, 1, 1, 0, 0, 0)
"""Date and time stamped on every part of a written zip (keeps bytes stable)."""

_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_CREATED = re.compile(rb"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)")


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return value is pd.NA or value is pd.NaT


def _set(cell, value: object) -> None:
    """Put a value in a cell: numbers as numbers, dates as dates, text always as text
    (except a spreadsheet error code such as ``#DIV/0!``, stored as the error it is)."""
    if _blank(value):
        cell.value = None
        return
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int | float):
        cell.value = float(value) if isinstance(value, float) else int(value)
    elif isinstance(value, dt.datetime):
        cell.value = value
    elif isinstance(value, dt.date):
        cell.value = dt.datetime.combine(value, dt.time())
    else:
        text = str(value)
        cell.value = text
        if text.upper() in ERROR_CODES:
            cell.data_type = "e"
        else:
            cell.data_type = "s"  # never a formula, whatever the text starts with


def write_pasted(
    path: str | Path,
    spec: TemplateSpec,
    values: Mapping[str, object],
    tables: Mapping[str, pd.DataFrame] | None = None,
) -> Path:
    """A return pasted as values into a blank workbook, one sheet per template sheet.

    Labels go in column A and values in column B (as the template lays them out); a table is
    a row of its column labels followed by its rows, then three blank rows. There are no
    defined names, no Excel tables and no ``_template`` sheet: a reader can only find the
    figures by their labels.
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    tables = tables or {}
    for sheet in spec.sheets:
        ws = wb.create_sheet(sheet.name)
        ws.cell(1, 1, sheet.name)
        r = 3
        for section in sheet.sections:
            ws.cell(r, 1, section.title)
            r += 1
            for item in section.items:
                if isinstance(item, Table):
                    r = _paste_table(ws, r, item, tables.get(item.id))
                else:
                    ws.cell(r, 1, item.label + (" *" if item.required else ""))
                    _set(ws.cell(r, 2), values.get(item.id))
                    r += 1
            r += 1
    return save_deterministic(wb, path)


def _paste_table(ws, r: int, table: Table, rows: pd.DataFrame | None) -> int:
    """Paste a table at row ``r``: its column labels, its rows, then three blank rows.
    Returns the next free row."""
    for c, col in enumerate(table.columns, start=1):
        ws.cell(r, c, col.label)
    r += 1
    if rows is not None:
        for record in rows.to_dict("records"):
            for c, col in enumerate(table.columns, start=1):
                _set(ws.cell(r, c), record.get(col.id))
            r += 1
    return r + 3


def save_deterministic(wb, path: str | Path) -> Path:
    """Save an openpyxl workbook with fixed zip timestamps and document dates."""
    buffer = io.BytesIO()
    wb.save(buffer)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(normalise_zip(buffer.getvalue()))
    return path


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with every part stamped :data:`FIXED_TIMESTAMP` and the document's
    created/modified dates fixed, keeping part order and content."""
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*FIXED_TIMESTAMP).encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
                content = _CREATED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, content)
    return out.getvalue()


def corrupt_bytes(data: bytes, keep: float = 0.6) -> bytes:
    """A workbook cut short (as by a failed upload): the first ``keep`` share of its bytes."""
    return data[: max(1, int(len(data) * keep))]


def wrong_type_bytes(provider: str) -> bytes:
    """A small, valid one-page PDF saying the figures are attached (they are not): the
    kind of file sent instead of the workbook."""
    text = f"Cost of care return - {provider}. Please see our figures attached."
    text = text.replace("\\", "").replace("(", "[").replace(")", "]")
    stream = f"BT /F1 11 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)
