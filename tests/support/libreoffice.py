"""Drive headless LibreOffice from tests: open, (re)calculate and save workbooks.

Each call uses its own throw-away user profile so parallel test workers never share one, and
the profile tells Calc to recalculate every formula when it loads a file (xlsx and ods), so a
conversion is a full recalculation by a real spreadsheet application.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice_path() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(files, to: str, outdir, *, recalc: bool = True, timeout: float = 600) -> list[Path]:
    """Open each file in LibreOffice and save it as ``to`` (e.g. "xlsx", "ods", "csv") in outdir.

    All files go through one LibreOffice process (start-up is the slow part). Returns the
    paths written, in the order of ``files``. Raises RuntimeError when LibreOffice fails.
    """
    exe = soffice_path()
    if exe is None:
        raise RuntimeError(
            "LibreOffice (soffice) is not installed; run scripts/install-system-deps"
        )
    files = [Path(f) for f in files]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        if recalc:
            (user / "registrymodifications.xcu").write_text(RECALC_PROFILE)
        filter_name = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "ods": "ods", "csv": "csv"}.get(
            to, to
        )
        cmd = [
            exe,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            filter_name,
            "--outdir",
            str(outdir),
            *map(str, files),
        ]
        env = dict(os.environ, HOME=profile)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    suffix = "." + to.split(":")[0]
    written = [outdir / (f.stem + suffix) for f in files]
    missing = [p for p in written if not p.exists()]
    if proc.returncode != 0 or missing:
        raise RuntimeError(
            f"LibreOffice conversion failed (exit {proc.returncode}); missing {missing}\n"
            f"stdout: {proc.stdout}\nstderr: {proc.stderr}"
        )
    return written
