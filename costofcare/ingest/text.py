"""Small text helpers shared by the reader, the layout learner and the outputs."""

from __future__ import annotations

import re

_WS = re.compile(r"\s+")


def norm_label(text: object) -> str:
    """A label compared loosely: case, spacing and a trailing colon or asterisk ignored."""
    s = _WS.sub(" ", str(text)).strip().casefold()
    return s.rstrip(":*").strip()
