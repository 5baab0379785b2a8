"""Writing untrusted text safely: cell text and file names.

Provider returns are hostile input. Anything that came from a provider (its name, a cost line
label, an issue's raw value) is written with :func:`clean_text` through ``write_string``, so a
value such as ``=HYPERLINK(...)`` or ``@SUM(...)`` is stored as text, never as a formula, and
characters XML cannot hold do not corrupt the file.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

#: Excel's limit on the characters in one cell.
EXCEL_CELL_MAX_CHARS = 32_767

# XML 1.0 forbids these code points; a workbook holding them will not open.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
_WINDOWS_RESERVED = {
    "CON", "PRN", "AUX", "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}  # fmt: skip


def clean_text(value: object) -> str:
    """Text fit for a cell: XML-illegal characters removed, cut to Excel's cell limit.

    Examples
    --------
    >>> clean_text("=1+1")
    '=1+1'
    >>> clean_text("Acme\\x00 Care")
    'Acme Care'
    """
    text = "" if value is None else str(value)
    text = _XML_ILLEGAL.sub("", text)
    return text[:EXCEL_CELL_MAX_CHARS]


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would read ``text`` typed into a cell as a formula."""
    return text.startswith(_FORMULA_LEAD)


def safe_filename(name: object, *, prefix: str = "", suffix: str = ".xlsx") -> str:
    """A portable, unique file name for ``name``, whatever it contains.

    Letters are reduced to ASCII, anything but letters, digits, ``.``, ``_`` and ``-`` becomes
    ``_``, the result is cut to 60 characters, and a short hash of the original name is added
    so two providers whose names differ only in punctuation never share a file. Windows
    device names (``CON``, ``NUL`` ...) and leading dots cannot occur.

    Examples
    --------
    >>> safe_filename("../../etc/passwd", prefix="outcome-")
    'outcome-etc_passwd-3754d6cb.xlsx'
    """
    original = "" if name is None else str(name)
    ascii_text = unicodedata.normalize("NFKD", original).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_text)
    slug = re.sub(r"_+", "_", slug).strip("._-")[:60].rstrip("._-") or "provider"
    if slug.split(".")[0].upper() in _WINDOWS_RESERVED:
        slug = f"_{slug}"
    digest = hashlib.sha256(original.encode("utf-8")).hexdigest()[:8]
    return f"{prefix}{slug}-{digest}{suffix}"
