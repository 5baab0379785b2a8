"""Every rejection reason: files that cannot be read as a template are reported, not read.

All fixtures are made here: zips written with zipfile, a real template from the writer,
and compound-file (OLE) headers built byte by byte.
"""

import io
import random
import zipfile
from pathlib import Path

import pytest

from costofcare.ingest.archive import ArchiveLimits, check_archive
from costofcare.ingest.batch import ingest_files
from costofcare.ingest.issues import Rejected
from costofcare.ingest.reader import read_return
from costofcare.templates.writer import write_template

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("blank") / "home_care.xlsx"
    return write_template("home_care", path).read_bytes()


def _rewrite(data: bytes, change: dict[str, bytes | None], extra: dict[str, bytes] = None) -> bytes:
    """A copy of a zip with some members replaced (None removes) or added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    dst.writestr(info.filename, change[info.filename])
            else:
                dst.writestr(info.filename, src.read(info.filename))
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def _reason(tmp_path: Path, name: str, data: bytes, limits: ArchiveLimits | None = None):
    path = tmp_path / name
    path.write_bytes(data)
    result = read_return(path, limits=limits) if limits else read_return(path)
    assert result.status == "rejected"
    assert result.values == []
    assert len(result.issues) == 1 and result.issues[0].severity == "error"
    return result.reason_code, result.reason


def test_the_blank_template_passes_the_archive_check(tmp_path, blank):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(blank)
    assert check_archive(path).format == "xlsx"


def test_empty_file(tmp_path):
    assert _reason(tmp_path, "empty.xlsx", b"") == ("empty_file", "the file is empty (0 bytes)")


def test_not_a_workbook(tmp_path):
    code, reason = _reason(tmp_path, "notes.xlsx", b"Dear council, please find attached...")
    assert code == "not_a_workbook"
    assert "not an Excel (.xlsx/.xlsm) or OpenDocument (.ods) workbook" in reason


def test_a_zip_that_is_not_a_workbook(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    code, reason = _reason(tmp_path, "archive.xlsx", out.getvalue())
    assert code == "not_a_workbook"
    assert "is a zip archive but not" in reason


def test_password_protected_workbook(tmp_path):
    # Excel saves an encrypted workbook as a compound file with an EncryptedPackage stream;
    # directory entry names are UTF-16LE. A header and that name are enough to recognise it.
    data = OLE_MAGIC + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(50)
    data += "EncryptedPackage".encode("utf-16-le") + bytes(200)
    code, reason = _reason(tmp_path, "locked.xlsx", data)
    assert code == "password_protected"
    assert "password-protected (encrypted)" in reason


def test_old_xls_workbook(tmp_path):
    data = OLE_MAGIC + bytes(504) + "Workbook".encode("utf-16-le") + bytes(200)
    code, reason = _reason(tmp_path, "old.xls", data)
    assert code == "legacy_xls"
    assert "Excel 97-2003 workbook (.xls)" in reason


def test_encrypted_zip_member(tmp_path, blank):
    data = bytearray(blank)
    # Set the "encrypted" flag bit of the first entry in the central directory.
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x01
    code, reason = _reason(tmp_path, "zipcrypto.xlsx", bytes(data))
    assert code == "password_protected"


def test_encrypted_ods(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", b"\x00garbage")
        z.writestr(
            "META-INF/manifest.xml",
            "<manifest:manifest "
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
            "</manifest:file-entry></manifest:manifest>",
        )
    code, reason = _reason(tmp_path, "locked.ods", out.getvalue())
    assert code == "password_protected"


def test_truncated_file_is_corrupt(tmp_path, blank):
    code, reason = _reason(tmp_path, "cut.xlsx", blank[: len(blank) // 2])
    assert code == "corrupt_archive"
    assert "damaged" in reason


def test_zip_bomb_member_is_stopped_by_its_inflated_size(tmp_path, blank):
    bomb = b"0" * 5_000_000  # deflates to a few kB
    data = _rewrite(blank, {}, {"xl/media/padding.bin": bomb})
    limits = ArchiveLimits(max_member_bytes=1_000_000)
    code, reason = _reason(tmp_path, "bomb.xlsx", data, limits)
    assert code == "unsafe_archive"
    assert "'xl/media/padding.bin' would inflate to 5,000,000 bytes" in reason


def test_a_member_that_lies_about_its_size_is_caught_by_inflating_it(tmp_path, blank):
    data = bytearray(_rewrite(blank, {}, {"xl/media/padding.bin": b"0" * 200_000}))
    # Rewrite the declared uncompressed size (central directory) to 100 bytes.
    name = b"xl/media/padding.bin"
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        if data[pos + 46 : pos + 46 + len(name)] == name:
            break
        pos += 4
    data[pos + 24 : pos + 28] = (100).to_bytes(4, "little")
    code, reason = _reason(tmp_path, "liar.xlsx", bytes(data))
    assert code in ("unsafe_archive", "corrupt_archive")
    assert "padding.bin" in reason


def test_too_many_parts(tmp_path, blank):
    data = _rewrite(blank, {}, {f"xl/media/p{i}.bin": b"x" for i in range(50)})
    code, reason = _reason(tmp_path, "many.xlsx", data, ArchiveLimits(max_members=40))
    assert code == "unsafe_archive"
    assert "over the 40-part limit" in reason


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/passwd", "xl\\..\\x.xml", "C:/x.xml"])
def test_unsafe_member_names(tmp_path, blank, name):
    data = _rewrite(blank, {}, {name: b"x"})
    code, reason = _reason(tmp_path, "names.xlsx", data)
    assert code == "unsafe_archive"
    assert "unsafe name" in reason


def test_file_over_the_size_limit_is_not_opened(tmp_path, blank):
    code, reason = _reason(tmp_path, "big.xlsx", blank, ArchiveLimits(max_file_bytes=1000))
    assert code == "too_large"
    assert "over the 1,000-byte limit" in reason


def test_xml_entity_declarations_are_refused(tmp_path, blank):
    with zipfile.ZipFile(io.BytesIO(blank)) as z:
        workbook = z.read("xl/workbook.xml").decode()
    head, rest = workbook.split("?>", 1)
    evil = (
        head + '?><!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + rest
    )
    data = _rewrite(blank, {"xl/workbook.xml": evil.encode()})
    code, reason = _reason(tmp_path, "billion.xlsx", data)
    assert code == "unsafe_xml"
    assert "declares a DTD" in reason


def test_external_entity_is_refused(tmp_path, blank):
    with zipfile.ZipFile(io.BytesIO(blank)) as z:
        table = next(n for n in z.namelist() if n.startswith("xl/tables/"))
        text = z.read(table).decode()
    head, rest = text.split("?>", 1)
    evil = head + '?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + rest
    code, _ = _reason(tmp_path, "xxe.xlsx", _rewrite(blank, {table: evil.encode()}))
    assert code == "unsafe_xml"


def test_xlsb_is_rejected_with_a_way_forward(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x00")
    code, reason = _reason(tmp_path, "binary.xlsb", out.getvalue())
    assert code == "not_a_workbook"
    assert "save it as .xlsx" in reason


def test_wrong_template(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "Our own cost summary"
    wb.active["B2"] = 1234
    wb.save(tmp_path / "own.xlsx")
    result = read_return(tmp_path / "own.xlsx")
    assert result.reason_code == "wrong_template"
    assert "is not a cost of care return" in result.reason


def test_the_batch_carries_on_past_rejected_files(tmp_path, blank):
    (tmp_path / "a_empty.xlsx").write_bytes(b"")
    (tmp_path / "b_ok.xlsx").write_bytes(blank)
    (tmp_path / "c_junk.ods").write_bytes(b"junk")
    (tmp_path / "~$b_ok.xlsx").write_bytes(b"lock file")  # Office lock files are skipped
    result = ingest_files([tmp_path], workers=1)
    statuses = dict(
        zip(
            result.returns["file"].map(lambda f: Path(f).name),
            result.returns["status"],
            strict=False,
        )
    )
    assert statuses == {"a_empty.xlsx": "rejected", "b_ok.xlsx": "errors", "c_junk.ods": "rejected"}
    rejected = result.issues[result.issues["code"].isin(["empty_file", "not_a_workbook"])]
    assert set(rejected["message"].str.split(":").str[0]) == {"Return rejected"}


def test_documents_sent_instead_of_a_return_are_rejected_not_passed_over(tmp_path, blank, capsys):
    """A folder as councils receive it: a return, an old .xls, a scanned PDF, the
    council's own notes, an Office lock file and a hidden file."""
    from costofcare.cli import main
    from costofcare.ingest.batch import find_returns

    (tmp_path / "acme.xlsx").write_bytes(blank)
    (tmp_path / "brook.xls").write_bytes(
        OLE_MAGIC + bytes(504) + "Workbook".encode("utf-16-le") + bytes(200)
    )
    (tmp_path / "cedar scan.pdf").write_bytes(b"%PDF-1.7 scanned pages")
    (tmp_path / "chase list.txt").write_text("who still owes us a return")
    (tmp_path / "~$acme.xlsx").write_bytes(b"lock file")
    (tmp_path / ".acme.xlsx").write_bytes(b"hidden copy")
    skipped: list[Path] = []
    found = find_returns([tmp_path], skipped=skipped)
    assert [f.name for f in found] == ["acme.xlsx", "brook.xls", "cedar scan.pdf"]
    assert [f.name for f in skipped] == ["chase list.txt"]
    result = ingest_files(found, workers=1)
    names = result.returns["file"].map(lambda f: Path(f).name)
    reasons = dict(zip(names, result.returns["reason_code"], strict=True))
    assert reasons == {
        "acme.xlsx": "",
        "brook.xls": "legacy_xls",
        "cedar scan.pdf": "not_a_workbook",
    }
    code = main(["ingest", str(tmp_path), "-o", str(tmp_path / "out"), "--no-progress"])
    out = capsys.readouterr().out
    assert code == 3
    assert "3 file(s): 1 read, 2 rejected" in out
    assert "passed over 1 file(s) that are not returns: chase list.txt" in out


def test_rejected_exception_needs_a_known_code():
    with pytest.raises(ValueError, match="unknown rejection code"):
        Rejected("made_up", "x")


def test_the_locator_refuses_xml_features_even_without_the_archive_check(blank):
    """Defence in depth: the parser that maps names and tables refuses DTDs and entities
    itself, even when handed parts that never went through the archive check."""
    from dataclasses import replace

    from costofcare.ingest.archive import check_bytes
    from costofcare.ingest.locate import map_workbook

    checked = check_bytes(blank, Path("blank.xlsx"))
    assert set(checked.parts) >= {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"}
    assert any(p.startswith("xl/tables/") for p in checked.parts)
    mapped = map_workbook(checked)
    assert {"staff_roles", "other_costs"} <= set(mapped.tables)
    assert mapped.names["contact_hours_per_week"][0] == "Volumes"
    workbook = checked.parts["xl/workbook.xml"].decode()
    head, rest = workbook.split("?>", 1) if "?>" in workbook else ("", workbook)
    prolog = head + "?>" if head else ""
    cases = {
        "unsafe_xml": prolog + '<!DOCTYPE w [<!ENTITY a "x">]>' + rest,
        "corrupt_archive": rest.replace("<sheets>", "<sheets>&undefined;", 1),
    }
    for code, text in cases.items():
        evil = replace(checked, parts={**checked.parts, "xl/workbook.xml": text.encode()})
        with pytest.raises(Rejected) as info:
            map_workbook(evil)
        assert info.value.code == code
        assert "xl/workbook.xml" in info.value.reason


def _one_member(content: bytes, method: int = zipfile.ZIP_DEFLATED):
    """The bytes of a zip holding ``content`` and that member's entry (changeable)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        z.writestr("xl/media/m.bin", content)
    data = out.getvalue()
    return data, zipfile.ZipFile(io.BytesIO(data)).infolist()[0]


def _sized(inflate, data, info, cap, whole):
    """What inflating gives: (size, bytes), or the rejection's code and reason."""
    try:
        return inflate(data, info, cap, whole)
    except Rejected as rej:
        return rej.code, rej.reason


CONTENTS = {
    "empty": b"",
    "short": b"<x/>" * 5,
    "zeros": b"0" * 300_000,
    "noise": random.Random(0).randbytes(70_000),
}


@pytest.mark.parametrize("whole", [False, True])
@pytest.mark.parametrize("cap", [50, 1 << 27])
@pytest.mark.parametrize("declared", [None, -1, +1, "zero"])
@pytest.mark.parametrize("cut", [0, 1, 40])
@pytest.mark.parametrize("kind", sorted(CONTENTS))
def test_inflating_at_once_gives_what_inflating_in_steps_gives(kind, cut, declared, cap, whole):
    """A member declaring a small size is inflated in one call; whatever it holds (its size
    told truly or not, its stream cut short, its size over the cap), the answer is the
    one the step-by-step inflating gives."""
    from costofcare.ingest.archive import _inflate_in_steps, _inflated_size, _stored_bytes

    data, info = _one_member(CONTENTS[kind])
    info.compress_size = max(info.compress_size - cut, 0)
    if declared == "zero":
        info.file_size = 0
    elif declared is not None:
        info.file_size = max(info.file_size + declared, 0)

    def steps(data, info, cap, whole):
        return _inflate_in_steps(_stored_bytes(data, info), info, cap, whole=whole)

    def at_once(data, info, cap, whole):
        return _inflated_size(data, info, cap, whole=whole)

    assert _sized(at_once, data, info, cap, whole) == _sized(steps, data, info, cap, whole)


def test_a_bomb_declaring_a_small_size_in_a_part_nothing_reads_is_stopped(tmp_path, blank):
    """Every part is inflated under the cap, read later or not: the relationships that
    say which parts a reader opens come from the file, so no part is safe to pass over."""
    data = bytearray(_rewrite(blank, {}, {"docProps/custom.xml": b"0" * 5_000_000}))
    name = b"docProps/custom.xml"
    pos = data.find(b"PK\x01\x02")
    while data[pos + 46 : pos + 46 + len(name)] != name:
        pos = data.find(b"PK\x01\x02", pos + 4)
    data[pos + 24 : pos + 28] = (100).to_bytes(4, "little")
    code, reason = _reason(
        tmp_path, "bomb.xlsx", bytes(data), ArchiveLimits(max_member_bytes=1_000_000)
    )
    assert code == "unsafe_archive"
    assert reason == "part 'docProps/custom.xml' inflates to more than 1,000,000 bytes"


@pytest.mark.parametrize(
    "part",
    [
        b'<c r="A1" t="n"><v>1</v></c>',
        b'<c r="A1" t="e"><v>#N/A</v></c>',
        b"<c r='A1' t='e'><v>#N/A</v></c>",
        b"<c r='A1' t='n'/><c r=\"B1\" t=\"e\"/>",
        b'<t>the provider\'s note</t><c r="A1" t="s"/>',
        b"<t>it's</t><c r='A1' t='e'/>",
        b"t='e\"",
        b"",
    ],
)
def test_an_error_cell_is_found_in_either_quoting(part):
    from costofcare.ingest.archive import ERROR_CELL_MARKERS, _has_error_cell

    assert _has_error_cell(part) == any(marker in part for marker in ERROR_CELL_MARKERS)


def test_parts_inflated_before_are_remembered_within_bounds():
    """A part whose stored bytes were inflated before is not inflated again; only clean
    streams are remembered, each small, and only so many of them."""
    import zlib

    from costofcare.ingest import archive

    def deflated(content: bytes) -> bytes:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        return packer.compress(content) + packer.flush()

    archive._INFLATED.clear()
    raw = deflated(b"<styleSheet/>" * 10)
    first = archive._inflate_at_once(raw, 131, 1 << 20)
    assert first == b"<styleSheet/>" * 10
    assert archive._inflate_at_once(raw, 131, 1 << 20) is first
    assert archive._inflate_at_once(raw[:-1], 131, 1 << 20) is None  # cut short: not kept
    assert archive._inflate_at_once(raw, 131, 100) is None  # over the cap: not kept
    assert len(archive._INFLATED) == 1
    big = archive._inflate_at_once(deflated(b"x" * archive.INFLATED_PART_BYTES), 1 << 20, 1 << 27)
    assert len(big) == archive.INFLATED_PART_BYTES and len(archive._INFLATED) == 1
    for i in range(archive.INFLATED_KEPT + 10):
        archive._inflate_at_once(deflated(b"%d" % i), 10, 1 << 20)
    assert len(archive._INFLATED) == archive.INFLATED_KEPT


def test_a_part_seen_before_that_now_lies_about_its_size_is_still_refused(blank):
    """The same stored bytes declaring another size are inflated again and caught."""
    from costofcare.ingest.archive import check_bytes

    data = _rewrite(blank, {}, {"xl/media/padding.bin": b"0" * 20_000})
    check_bytes(data, Path("honest.xlsx"))
    liar = bytearray(data)
    name = b"xl/media/padding.bin"
    pos = liar.find(b"PK\x01\x02")
    while liar[pos + 46 : pos + 46 + len(name)] != name:
        pos = liar.find(b"PK\x01\x02", pos + 4)
    liar[pos + 24 : pos + 28] = (19_999).to_bytes(4, "little")
    with pytest.raises(Rejected) as err:
        check_bytes(bytes(liar), Path("liar.xlsx"))
    assert err.value.code == "unsafe_archive"
    assert err.value.reason == (
        "part 'xl/media/padding.bin' inflates to 20,000 bytes but declares 19,999"
    )
