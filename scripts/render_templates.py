"""Render the provider template as it prints, for docs/templates.md.

Writes the home care template (blank, as a council sends it) and a filled example of it,
opens both in headless LibreOffice (which recalculates every formula on load) to make PDFs,
and turns the pages into PNG images under ``docs/images/templates/``:

- ``home-care-<n>.png``: every page of the blank template (cover, input sheets, Check);
- ``home-care-filled-check.png``: the Check sheet of the filled example, with its live
  totals, cost per contact hour and blank counts.

Usage::

    python scripts/render_templates.py            # needs LibreOffice (soffice) and pdftoppm

Without LibreOffice or pdftoppm it says what to install and exits with code 2.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images" / "templates"
DPI = 60

MISSING = """\
render_templates: {tool} is not installed.
  LibreOffice: https://www.libreoffice.org/download/ (Windows, macOS), or
               'sudo apt-get install libreoffice-calc-nogui' (Debian/Ubuntu);
  pdftoppm:    part of poppler ('sudo apt-get install poppler-utils', 'brew install poppler').
The workbooks themselves need neither: they open in Excel, LibreOffice or Google Sheets."""


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    print(MISSING.format(tool=" or ".join(names)), file=sys.stderr)
    raise SystemExit(2)


def _pdf(soffice: str, files: list[Path], outdir: Path) -> list[Path]:
    """Each workbook printed to PDF by LibreOffice (its own profile, so runs never collide)."""
    with tempfile.TemporaryDirectory(prefix="render-lo-") as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            env=dict(os.environ, HOME=profile),
            timeout=600,
        )
    return [outdir / f"{f.stem}.pdf" for f in files]


def _png(pdftoppm: str, pdf: Path, stem: str, pages: tuple[int, int] | None = None) -> None:
    args = [pdftoppm, "-png", "-r", str(DPI)]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[1]), "-singlefile"]
    subprocess.run([*args, str(pdf), str(OUT / stem)], check=True)


def _filled_example(spec, path: Path) -> Path:
    """The first clean home care return of the example market, in today's template, with
    one required entry (the contact's name) left blank so the panel shows it."""
    from costofcare.examples.market import generate_market
    from costofcare.examples.write import write_return
    from costofcare.ingest.fill import ReturnFiller

    market = generate_market(n_home_care=5, n_care_homes=0, n_supported_living=0, faults=False)
    first = next(r for r in market.returns if r.service == spec.service)
    first.values["contact_name"] = None
    return write_return(first, path, ReturnFiller(spec))


def main() -> int:
    from costofcare.templates import GenerationSettings, get_spec, write_template

    soffice = _tool("soffice", "libreoffice")
    pdftoppm = _tool("pdftoppm")
    settings = GenerationSettings(
        council="Anytown Council",
        deadline=dt.date(2026, 6, 30),
        contact_email="costofcare@anytown.example",
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2026, 3, 31),
    )
    spec = get_spec("home_care")
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("home-care*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="render-") as tmp:
        folder = Path(tmp)
        blank = write_template(spec, folder / "home-care.xlsx", settings)
        filled = _filled_example(spec, folder / "home-care-filled.xlsx")
        blank_pdf, filled_pdf = _pdf(soffice, [blank, filled], folder)
        _png(pdftoppm, blank_pdf, "home-care")
        pages = int(
            subprocess.run(["pdfinfo", str(filled_pdf)], capture_output=True, text=True)
            .stdout.split("Pages:")[1]
            .split()[0]
        )
        _png(pdftoppm, filled_pdf, "home-care-filled-check", (pages, pages))
    for path in sorted(OUT.glob("home-care*.png")):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
