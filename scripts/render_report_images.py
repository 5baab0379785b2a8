"""Picture the example run's outputs for docs/report.md (docs/images/*.png).

Runs the example (``costofcare demo``'s market) into a temporary folder, prints the
recommendation workbook, one provider's outcome workbook and the validation workbook with
LibreOffice and the decision page with headless Chromium, and saves their first pages as PNG
images. Needs LibreOffice, Chromium and poppler (scripts/install-system-deps)::

    .venv/bin/python scripts/render_report_images.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from costofcare.pipeline import example_config, run, write_run  # noqa: E402
from tests.support.render import (  # noqa: E402
    page_to_pdf,
    pdf_to_png,
    tools_missing,
    workbooks_to_pdf,
)

IMAGES = ROOT / "docs" / "images"
#: The provider whose outcome workbook is pictured (the example's first care home).
PROVIDER = "Abbey Manor Care Ltd"
#: (image name, pages) of each printed file.
PAGES = {
    "recommendation": (1, 3),  # the decision summary (2 pages) and the Summary
    "provider": (1, 2),
    "validation": (1, 2),
    "decision": (1, 2),
}
DPI = 70


def main() -> int:
    why = tools_missing()
    if why:
        print(why, file=sys.stderr)
        return 2
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="report-images-") as tmp:
        tmp = Path(tmp)
        out = tmp / "run"
        write_run(run(example_config(), workers=1), out)
        provider = next((out / "providers").glob(f"outcome-{PROVIDER.replace(' ', '_')}-*.xlsx"))
        books = {
            "recommendation": out / "recommendation.xlsx",
            "provider": provider,
            "validation": out / "ingest" / "validation.xlsx",
        }
        pdfs = dict(zip(books, workbooks_to_pdf(list(books.values()), tmp / "pdf"), strict=True))
        pdfs["decision"] = tmp / "pdf" / "decision.pdf"
        console = page_to_pdf(out / "decision.html", pdfs["decision"])
        if console:
            print("the decision page logged:\n" + "\n".join(console), file=sys.stderr)
            return 1
        for old in IMAGES.glob("report-*.png"):
            old.unlink()
        for name, (first, last) in PAGES.items():
            for image in pdf_to_png(pdfs[name], tmp / "png" / name, first, last, DPI):
                number = int(image.stem.rsplit("-", 1)[1])
                target = IMAGES / f"report-{name}-{number}.png"
                shutil.copyfile(image, target)
                print(target.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
