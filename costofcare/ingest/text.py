"""Small text helpers shared by the reader, the layout learner and the outputs."""

from __future__ import annotations

import re

_WS = re.compile(r"\s+")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", re.IGNORECASE)
_FORMULA_TRIGGERS = ("=", "@", "+", "-", "\t", "\r")


def norm_label(text: object) -> str:
    """A label compared loosely: case, spacing and a trailing colon or asterisk ignored."""
    s = _WS.sub(" ", str(text)).strip().casefold()
    return s.rstrip(":*").strip()


def defuse_csv_text(text: str) -> str:
    """Text safe to open in a spreadsheet from CSV: a leading ``'`` stops ``=cmd()``,
    ``@SUM()``, ``+``/``-`` expressions and control characters being taken as a formula.
    Plain numbers such as ``-12.5`` are left alone."""
    if not text or not text.startswith(_FORMULA_TRIGGERS):
        return text
    if text[0] in "+-" and _NUMBER.fullmatch(text):
        return text
    return "'" + text
