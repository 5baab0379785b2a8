"""Parsing an untrusted XML part of a workbook, once for every reader of the ingest.

expat reads the part directly (much quicker than building a tree) with a document type
declaration, entity declarations, external entity references and parameter entities all
refused, so no entity expansion ("billion laughs") or outside fetch can happen. A refused
feature rejects the file as ``unsafe_xml``; XML that is not well formed as
``corrupt_archive``.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.parsers import expat

from .issues import Rejected

__all__ = ["parse_untrusted"]


class _Refused(Exception):
    """A refused XML feature met while parsing."""


def _refuse(*_args) -> None:
    raise _Refused


def parse_untrusted(
    data: bytes,
    part: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    chars: Callable[[str], None] | None = None,
) -> None:
    """Parse ``data`` (the archive member ``part``) calling ``start`` for each element
    (names as ``namespace}local``), and ``end``/``chars`` when given.

    Raises
    ------
    Rejected
        ``unsafe_xml`` for a DTD or entity declaration, ``corrupt_archive`` for XML that is
        not well formed; an exception a handler raises passes through unchanged.
    """
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if chars is not None:
        parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except _Refused:
        raise Rejected(
            "unsafe_xml", f"part {part!r} uses refused XML features (a DTD or entities)"
        ) from None
    except expat.ExpatError as exc:
        raise Rejected("corrupt_archive", f"part {part!r} is not well-formed XML ({exc})") from None
