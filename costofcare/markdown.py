"""Markdown for the generated reference pages (``docs/tables.md``, ``docs/fields.md``).

One writer of table cells and rows, and of the page itself, so every generated page escapes
and lays out the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def cell(text: object) -> str:
    """Text fit for one table cell: ``|`` escaped, line breaks as spaces.

    >>> cell("a|b\\nc")
    'a\\\\|b c'
    """
    return str(text).replace("|", "\\|").replace("\n", " ")


def row(cells: Iterable[str]) -> str:
    """One table row from cells already written as markdown.

    >>> row(["`id`", "money"])
    '| `id` | money |'
    """
    return "| " + " | ".join(cells) + " |"


def page(parts: Iterable[str]) -> str:
    """A page from its parts (lines or whole sections), ending in one line break."""
    return "\n".join(parts).rstrip() + "\n"


def write_page(path: str | Path, text: str) -> Path:
    """Write a generated page (folders created); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
