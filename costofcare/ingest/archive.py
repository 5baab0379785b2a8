"""Check a provider's file before anything parses it.

A return arrives from outside and is treated as hostile from its first byte. This module
looks at the container only: what kind of file it is (zip-based workbook, OLE compound file,
something else), and for zip files every member's name, compression method, encryption flag
and size *once inflated* — measured by inflating the member under a cap, never by trusting
the sizes the archive declares. Only when all of that passes does any XML parser or cell
reader see the bytes.

Everything here reads; nothing writes into the provider's file.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .issues import Rejected
from .sheets import read_area, scan_sheet, trim_sheet

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature .. extra field length, 30 bytes


@dataclass(frozen=True)
class ArchiveLimits:
    """Limits on untrusted input, applied to every file (docs/ingest.md, "Limits on
    untrusted input", lists them with their defaults).

    The defaults leave room for a return with a few extra sheets of the provider's own
    workings while stopping zip bombs, oversized uploads and sheets that would make the
    cell reader build a grid of millions of cells.

    Attributes
    ----------
    max_file_bytes : a larger file is rejected unopened (``too_large``).
    max_members : parts of the zip container.
    max_member_bytes : one part, once inflated.
    max_total_bytes : all parts together, once inflated.
    max_name_length : characters of a part's name.
    max_sheet_cells : cells in one worksheet (``oversized_sheet`` beyond it).
    margin_rows : rows read beyond the last row of the largest template sheet.
    margin_columns : columns read beyond the last column of the largest template sheet;
        cells beyond either margin are not read (``cells_outside_template``).
    max_rows_below_table : rows typed below the end of a table that are still read
        (``rows_not_read`` for the rest).
    max_text_length : characters kept of one cell's text (``text_truncated``).
    max_issues_per_return : issues listed for one return (``issues_not_listed`` for the
        rest, counted by severity).
    """

    max_file_bytes: int = 64 * 1024 * 1024
    max_members: int = 2_000
    max_member_bytes: int = 128 * 1024 * 1024
    max_total_bytes: int = 512 * 1024 * 1024
    max_name_length: int = 512
    max_sheet_cells: int = 250_000
    margin_rows: int = 1_000
    margin_columns: int = 26
    max_rows_below_table: int = 200
    max_text_length: int = 2_000
    max_issues_per_return: int = 500


DEFAULT_LIMITS = ArchiveLimits()


@dataclass(frozen=True)
class CheckedArchive:
    """A file that passed the container checks.

    Attributes
    ----------
    path : the file as given.
    data : its bytes (read once; parsers work from this copy, never from the file again).
    return_id : first 12 hex digits of the SHA-256 of ``data`` (stable per file content).
    format : "xlsx" (also xlsm) or "ods".
    members : member names in archive order.
    parts : the inflated bytes of the small parts that say where the inputs are
        (:data:`KEPT_PARTS`), kept from the size check so they are not inflated twice, and
        of any worksheet holding an error cell (:data:`ERROR_CELL_MARKERS`) or trimmed.
    limits : the limits the file was checked with (the ods sheets are bounded as they are
        mapped, :func:`costofcare.ingest.locate.map_workbook`).
    trimmed : worksheet part -> the :class:`~costofcare.ingest.sheets.SheetExtent` of a
        sheet whose cells outside the area read were taken out (see
        :mod:`costofcare.ingest.sheets`); empty for almost every file.
    """

    path: Path
    data: bytes
    return_id: str
    format: str
    members: tuple[str, ...]
    parts: dict[str, bytes] = field(default_factory=dict)
    trimmed: dict = field(default_factory=dict)
    limits: ArchiveLimits = DEFAULT_LIMITS

    def cell_data(self) -> bytes:
        """The bytes the cell reader opens: the file itself, or, when a sheet was trimmed,
        a copy of the container with the trimmed sheets in place of the originals."""
        if not self.trimmed:
            return self.data
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(self.data)) as zin,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
        ):
            for name in self.members:
                zout.writestr(name, self.parts[name] if name in self.trimmed else zin.read(name))
        return out.getvalue()

    def read_member(self, name: str) -> bytes | None:
        """The inflated bytes of one member (sizes already checked), or None if absent."""
        kept = self.parts.get(name)
        if kept is not None:
            return kept
        if name not in self.members:
            return None
        with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
            return zf.read(name)


KEPT_PARTS = re.compile(
    r"xl/(?:workbook\.xml|_rels/workbook\.xml\.rels|worksheets/_rels/[^/]+\.rels|tables/[^/]+\.xml)"
)
"""Parts of an xlsx kept inflated by the check: the workbook, its relationships and tables."""

WORKSHEET_PARTS = re.compile(r"xl/worksheets/[^/]+\.xml")
"""Worksheet parts of an xlsx, which are kept too when they hold a cell of error type."""

ERROR_CELL_MARKERS = (b't="e"', b"t='e'")
"""How a worksheet marks a cell whose cached value is an error (``#DIV/0!``, ``#REF!``).
The cell reader reads such cells as blank, so these worksheets are kept for the locator,
which lists their error cells (:attr:`costofcare.ingest.locate.WorkbookMap.error_cells`)."""


_DOUBLE_QUOTED_ERROR = re.compile(re.escape(ERROR_CELL_MARKERS[0]))


def _has_error_cell(part: bytes) -> bool:
    """True when a worksheet part holds a cell of error type (any of
    :data:`ERROR_CELL_MARKERS`).

    This runs on every worksheet of every file, so each form is looked for the quick way:
    the double-quoted one by a regular expression (whose search skips to the marker's first
    byte, while ``bytes.find`` steps on its last, a quote found all over a worksheet), the
    single-quoted one only in a part holding a single quote at all (one ``memchr``)."""
    return _DOUBLE_QUOTED_ERROR.search(part) is not None or (
        b"'" in part and ERROR_CELL_MARKERS[1] in part
    )


def return_id_for(data: bytes) -> str:
    """Stable identifier of a return: the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(data).hexdigest()[:12]


def check_archive(path: str | Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> CheckedArchive:
    """Read ``path`` and check its container; raise :class:`Rejected` with the reason if unsafe.

    Parameters
    ----------
    path : the provider's file.
    limits : size and count ceilings.

    Returns
    -------
    CheckedArchive
        The bytes and what was learned about them.

    Raises
    ------
    Rejected
        With ``code`` one of ``too_large``, ``empty_file``, ``password_protected``,
        ``legacy_xls``, ``not_a_workbook``, ``corrupt_archive``, ``unsafe_archive``.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise Rejected(
            "too_large",
            f"the file is {size:,} bytes, over the {limits.max_file_bytes:,}-byte limit",
        )
    data = path.read_bytes()
    return check_bytes(data, path, limits)


def check_bytes(data: bytes, path: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> CheckedArchive:
    """As :func:`check_archive`, for bytes already in memory (``path`` is for messages)."""
    if not data:
        raise Rejected("empty_file", "the file is empty (0 bytes)")
    if len(data) > limits.max_file_bytes:
        raise Rejected(
            "too_large",
            f"the file is {len(data):,} bytes, over the {limits.max_file_bytes:,}-byte limit",
        )
    if data.startswith(OLE_MAGIC):
        _reject_ole(data)
    if not data.startswith(ZIP_MAGICS):
        raise Rejected(
            "not_a_workbook",
            "the file is not an Excel (.xlsx/.xlsm) or OpenDocument (.ods) workbook",
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise Rejected(
            "corrupt_archive", f"the workbook is damaged and cannot be opened ({exc})"
        ) from None
    with zf:
        infos = zf.infolist()
        _check_members(infos, limits)
        fmt = _container_format(zf, infos)
        trimmed: dict = {}
        parts = _check_inflated_sizes(
            data, infos, limits, KEPT_PARTS if fmt == "xlsx" else None, trimmed
        )
        if fmt == "ods":
            _reject_encrypted_ods(zf)
    return CheckedArchive(
        path=path,
        data=data,
        return_id=return_id_for(data),
        format=fmt,
        members=tuple(i.filename for i in infos),
        parts=parts,
        trimmed=trimmed,
        limits=limits,
    )


def _reject_ole(data: bytes) -> None:
    # Excel saves a password-protected workbook as an OLE compound file holding an
    # "EncryptedPackage" stream; directory entry names are UTF-16LE.
    if (
        "EncryptedPackage".encode("utf-16-le") in data
        or "EncryptionInfo".encode("utf-16-le") in data
    ):
        raise Rejected(
            "password_protected",
            "the workbook is password-protected (encrypted); ask the provider to remove "
            "the password to open and send it again",
        )
    raise Rejected(
        "legacy_xls",
        "the file is an old-style Excel 97-2003 workbook (.xls); ask the provider to save "
        "it as .xlsx using the template",
    )


def _check_members(infos: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    if len(infos) > limits.max_members:
        raise Rejected(
            "unsafe_archive",
            f"the workbook has {len(infos):,} parts, over the {limits.max_members:,}-part limit",
        )
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if (
            not name
            or len(name) > limits.max_name_length
            or name.startswith(("/", "\\"))
            or "\\" in name
            or "\x00" in name
            or ":" in name.split("/", 1)[0]
            or ".." in name.split("/")
        ):
            raise Rejected(
                "unsafe_archive", f"the workbook has a part with an unsafe name {name!r}"
            )
        key = name.lower()
        if key in seen:
            raise Rejected("unsafe_archive", f"the workbook has two parts named {name!r}")
        seen.add(key)
        if info.flag_bits & 0x1:
            raise Rejected(
                "password_protected",
                f"part {name!r} of the workbook is encrypted; ask the provider to remove the "
                "password and send it again",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Rejected(
                "unsafe_archive",
                f"part {name!r} uses an unsupported compression method ({info.compress_type})",
            )
        if info.file_size > limits.max_member_bytes:
            raise Rejected(
                "unsafe_archive",
                f"part {name!r} would inflate to {info.file_size:,} bytes, over the "
                f"{limits.max_member_bytes:,}-byte limit",
            )


def _container_format(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str:
    names = {i.filename for i in infos}
    if "mimetype" in names:
        mimetype = zf.read("mimetype")[:200].strip()
        if mimetype == ODS_MIMETYPE and "content.xml" in names:
            return "ods"
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            raise Rejected(
                "not_a_workbook",
                f"the file is an OpenDocument {mimetype.decode('ascii', 'replace')} file, "
                "not a spreadsheet",
            )
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise Rejected(
            "not_a_workbook",
            "the file is an Excel binary workbook (.xlsb); ask the provider to save it as .xlsx",
        )
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise Rejected(
            "not_a_workbook", "the file is a Word or PowerPoint document, not a workbook"
        )
    raise Rejected(
        "not_a_workbook",
        "the file is a zip archive but not an Excel (.xlsx/.xlsm) or OpenDocument (.ods) workbook",
    )


def _check_inflated_sizes(
    data: bytes,
    infos: list[zipfile.ZipInfo],
    limits: ArchiveLimits,
    keep: re.Pattern | None = None,
    trimmed: dict | None = None,
) -> dict[str, bytes]:
    """Inflate every member under a cap; its real size must equal the declared size.

    Every member, whether or not anything here reads it: the parts the cell reader and the
    locator open are named by the file's own relationship parts (a worksheet may be any
    member), and rebuilding a trimmed file reads them all, so none is safe to pass over.

    Returns the inflated bytes of the members whose names ``keep`` matches in full and,
    when ``keep`` is given (an xlsx), of the worksheets that hold an error cell or whose
    cells outside the area read were taken out (recorded in ``trimmed``).
    """
    area = read_area(limits.margin_rows, limits.margin_columns)
    total = 0
    kept: dict[str, bytes] = {}
    for info in infos:
        wanted = keep is not None and keep.fullmatch(info.filename) is not None
        sheet = keep is not None and WORKSHEET_PARTS.fullmatch(info.filename) is not None
        actual, head = _inflated_size(data, info, limits.max_member_bytes, whole=wanted or sheet)
        if sheet:
            head, cut = _bound_sheet(head, info.filename, area, limits)
            if cut is not None and trimmed is not None:
                trimmed[info.filename] = cut
            wanted = wanted or cut is not None
            wanted = wanted or _has_error_cell(head)
        if info.filename.lower().endswith((".xml", ".rels", ".vml")) and _declares_dtd(head):
            raise Rejected(
                "unsafe_xml",
                f"part {info.filename!r} declares a DTD (document type); entity declarations "
                "are refused",
            )
        if actual != info.file_size:
            raise Rejected(
                "unsafe_archive",
                f"part {info.filename!r} inflates to {actual:,} bytes but declares "
                f"{info.file_size:,}",
            )
        total += actual
        if total > limits.max_total_bytes:
            raise Rejected(
                "unsafe_archive",
                f"the workbook inflates to more than {limits.max_total_bytes:,} bytes in total",
            )
        if wanted:
            kept[info.filename] = head
    return kept


def _bound_sheet(data: bytes, part: str, area: tuple[int, int], limits: ArchiveLimits):
    """``(bytes, extent)``: the sheet as it is and None, or trimmed to ``area`` and its
    :class:`~costofcare.ingest.sheets.SheetExtent` (see :mod:`costofcare.ingest.sheets`)."""
    extent = scan_sheet(data, area, limits.max_sheet_cells, part)
    if not extent.outside:
        return data, None
    if not extent.quick:
        raise Rejected(
            "oversized_sheet",
            f"part {part!r} has cells far outside the template (up to row {extent.far_row + 1:,}, "
            f"column {extent.far_col + 1:,}) written in a form that cannot be trimmed safely",
        )
    return trim_sheet(data, area, part), extent


def _inflated_size(
    data: bytes, info: zipfile.ZipInfo, cap: int, *, whole: bool = False
) -> tuple[int, bytes]:
    """The real inflated size of a member and its first bytes (for the prolog check), or
    all of its bytes with ``whole``."""
    raw = _stored_bytes(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        return len(raw), raw if whole else raw[:_HEAD_BYTES]
    if info.file_size < _STEP_BYTES:
        out = _inflate_at_once(raw, info.file_size + 1, cap)
        if out is not None:
            return len(out), out if whole else out[:_HEAD_BYTES]
    return _inflate_in_steps(raw, info, cap, whole=whole)


def _stored_bytes(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """The bytes of a member as stored, found from its local header."""
    offset = info.header_offset
    header = data[offset : offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise Rejected("corrupt_archive", f"part {info.filename!r} of the workbook is damaged")
    fields = _LOCAL_HEADER.unpack(header)
    name_length, extra_length = fields[-2], fields[-1]
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    raw = data[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise Rejected("corrupt_archive", f"part {info.filename!r} of the workbook is truncated")
    return raw


def _inflate_at_once(raw: bytes, limit: int, cap: int) -> bytes | None:
    """A deflated member's bytes in one call, at most ``limit`` of them (its declared size
    plus one, so a member inflating to more than it declares stops there); None unless the
    stream ended cleanly within ``cap``, leaving :func:`_inflate_in_steps` to measure it
    and word the rejection.

    A member whose stored bytes (compared in full), limit and cap equal those of one
    inflated earlier in this process gives that member's bytes again (:data:`_INFLATED`):
    inflating is a function of those alone, so the size measured is the real one still.
    """
    key = (raw, limit, cap)
    out = _INFLATED.pop(key, None)
    if out is None:
        out = _inflate_stream(raw, limit, cap)
        if out is None or len(raw) + len(out) > INFLATED_PART_BYTES:
            return out
        if len(_INFLATED) >= INFLATED_KEPT:
            _INFLATED.pop(next(iter(_INFLATED)))
    _INFLATED[key] = out  # the most recently used last
    return out


def _inflate_stream(raw: bytes, limit: int, cap: int) -> bytes | None:
    """:func:`_inflate_at_once` without the members inflated earlier."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, limit)
    except zlib.error:
        return None
    return out if inflater.eof and len(out) <= cap else None


_INFLATED: dict[tuple[bytes, int, int], bytes] = {}
"""Members inflated at once, by stored bytes, limit and cap (returns made from one template
share most of their parts: the workbook, styles, theme, relationships, unchanged sheets);
the :data:`INFLATED_KEPT` used last, each holding at most :data:`INFLATED_PART_BYTES`
stored and inflated bytes together (8 MB in all)."""
INFLATED_KEPT = 128
INFLATED_PART_BYTES = 64 * 1024


def _inflate_in_steps(
    raw: bytes, info: zipfile.ZipInfo, cap: int, *, whole: bool
) -> tuple[int, bytes]:
    """A deflated member inflated :data:`_STEP_BYTES` at a time, stopped past ``cap``:
    its size, and its bytes with ``whole`` (else the first :data:`_HEAD_BYTES`)."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    head = b""
    pieces: list[bytes] = []
    pending = raw
    try:
        while True:
            out = inflater.decompress(pending, _STEP_BYTES)
            if whole:
                pieces.append(out)
            elif len(head) < _HEAD_BYTES:
                head += out[: _HEAD_BYTES - len(head)]
            size += len(out)
            if size > cap:
                raise Rejected(
                    "unsafe_archive",
                    f"part {info.filename!r} inflates to more than {cap:,} bytes",
                )
            pending = inflater.unconsumed_tail
            if inflater.eof or (not pending and not out):
                break
    except zlib.error as exc:
        raise Rejected(
            "corrupt_archive", f"part {info.filename!r} of the workbook is damaged ({exc})"
        ) from None
    if not inflater.eof:
        raise Rejected("corrupt_archive", f"part {info.filename!r} of the workbook is truncated")
    return size, b"".join(pieces) if whole else head


_STEP_BYTES = 1 << 20
"""Inflated bytes produced by one call: members declaring fewer (every part of a usual
return) are inflated in a single call, the rest in steps of this size, so memory held for
a member that is not kept stays within one step whatever it declares."""
_HEAD_BYTES = 1 << 16
_PROLOG_SKIP = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)


def _declares_dtd(head: bytes) -> bool:
    """True when an XML part's prolog has a ``<!DOCTYPE`` (or the prolog will not end).

    Entities can only be declared in a document type declaration, which must come before
    the root element; refusing any DTD refuses entity expansion of every kind (the XML
    parsers used later also refuse them). A prolog longer than the inspected head is
    treated as a DTD.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    elif head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    pos = 0
    while True:
        m = _PROLOG_SKIP.match(head, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    rest = head[pos:].lstrip()
    if rest.startswith(b"<!"):
        return True
    if not rest and len(head) >= _HEAD_BYTES:
        return True
    return False


def _reject_encrypted_ods(zf: zipfile.ZipFile) -> None:
    try:
        manifest = zf.read("META-INF/manifest.xml")
    except KeyError:
        return
    if b"encryption-data" in manifest:
        raise Rejected(
            "password_protected",
            "the spreadsheet is password-protected (encrypted); ask the provider to remove "
            "the password and send it again",
        )
