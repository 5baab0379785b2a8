"""Render what people read: workbooks through LibreOffice to PDF, the decision page through
headless Chromium to PDF, and PDF pages to text or PNG (poppler's pdftotext and pdftoppm).

Used by tests/test_report_render.py and scripts/render_report_images.py (the pictures in
docs/images).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support.libreoffice import convert, soffice_path

#: What a spreadsheet shows for a formula that failed (Excel's and LibreOffice's).
ERROR_VALUES = re.compile(r"#VALUE!|#REF!|#NAME\?|#DIV/0!|#N/A|#NUM!|#NULL!|Err:\d{3}")


def chromium_path() -> str | None:
    """The Chromium executable, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def tools_missing() -> str | None:
    """Why the pages cannot be rendered here (None when everything is installed)."""
    for name, found in (
        ("LibreOffice (soffice)", soffice_path()),
        ("Chromium", chromium_path()),
        ("pdftotext", shutil.which("pdftotext")),
        ("pdftoppm", shutil.which("pdftoppm")),
    ):
        if found is None:
            return f"{name} is not installed; run scripts/install-system-deps"
    return None


def workbooks_to_pdf(files, outdir: Path) -> list[Path]:
    """Each workbook as LibreOffice prints it (every formula recalculated first)."""
    return convert(files, "pdf", outdir, recalc=True)


def page_to_pdf(html: Path, pdf: Path, timeout: float = 120) -> list[str]:
    """Print ``html`` to ``pdf`` with headless Chromium (no browser header or footer);
    returns the console messages the page logged (none for a page without errors)."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        proc = subprocess.run(
            [
                chromium_path() or "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                f"--user-data-dir={profile}",
                "--enable-logging=stderr",
                "--v=0",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                Path(html).resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    if not pdf.exists():
        raise RuntimeError(f"Chromium printed nothing (exit {proc.returncode}): {proc.stderr}")
    return [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of ``pdf``."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def pdf_to_png(pdf: Path, stem: Path, first: int, last: int, dpi: int = 60) -> list[Path]:
    """Pages ``first`` to ``last`` of ``pdf`` as PNG images ``<stem>-<n>.png``."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(first), "-l", str(last), str(pdf),
         str(stem)],
        check=True,
    )  # fmt: skip
    return sorted(stem.parent.glob(f"{stem.name}-*.png"))
