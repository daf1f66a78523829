"""Dates and package details that make output repeatable: the build date, zip member
times, and the extended properties (app.xml) of DOCX and XLSX packages.

The date written into a document (its properties, its zip members) is the moment of
the build, as a user expects to see it in Word's or WPS's file information.  When
``SOURCE_DATE_EPOCH`` is set (the reproducible-builds convention) it is that moment
instead, so two builds of the same plan give the same bytes.  A value that is not a
plain number of seconds between 1970 and the end of 2107 (the last year a zip member
can carry) is refused with a message naming the variable, never guessed at or
silently ignored.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterable, Set
from datetime import datetime, timezone
from functools import lru_cache

from ..errors import WorkplanError
from ..lazy_re import LazyPattern

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
LAST_EPOCH = 4_354_819_199  # 2107-12-31T23:59:59Z: the last second a zip member's DOS date can hold
_ZIP_FIRST = datetime(1980, 1, 1, tzinfo=timezone.utc)  # the first date a zip member can hold
_DIGITS = LazyPattern(r"[0-9]{1,20}")  # ASCII only: "²".isdigit() is true, int("²") fails
_END_SIZE = 22  # end-of-central-directory record without a comment
_ENTRY_SIZE = 46  # fixed part of a central directory entry
_PRIVATE_FILE = 0o600 << 16  # rw------- in the external attribute's high word, as zipfile writes it
APPLICATION = "workplan-docs"
# Extended properties naming this tool.  Page, word and line counts are left out: they
# depend on the fonts of the machine that opens the file, and Word recounts them anyway.
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    f"<Application>{APPLICATION}</Application><DocSecurity>0</DocSecurity></Properties>"
).encode("utf-8")


def build_date() -> datetime:
    """The date written into documents (UTC, whole seconds): ``SOURCE_DATE_EPOCH`` when
    it is set and not empty, else now.  Raises ``WorkplanError`` for an invalid value."""
    value = os.environ.get(SOURCE_DATE_EPOCH, "").strip()
    if not value:
        return datetime.now(timezone.utc).replace(microsecond=0)
    if not _DIGITS.fullmatch(value) or int(value) > LAST_EPOCH:
        shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in value[:20]) + "…" * (len(value) > 20)
        raise WorkplanError(
            f"环境变量 {SOURCE_DATE_EPOCH} 的值“{shown}”无效：应为 0 至 {LAST_EPOCH} 之间的整数"
            "（自 1970-01-01 UTC 起的秒数，最晚到 2107 年底），或不设置该变量以使用当前时间"
        )
    return datetime.fromtimestamp(int(value), tz=timezone.utc)


def _dos_date_time(stamp: datetime | None) -> tuple[int, int]:
    """A zip member's (time, date) fields for ``stamp`` (default ``build_date()``), no
    earlier than 1980-01-01, the first date a zip can hold."""
    stamp = max(stamp or build_date(), _ZIP_FIRST)
    return stamp.hour << 11 | stamp.minute << 5 | stamp.second // 2, (stamp.year - 1980) << 9 | stamp.month << 5 | stamp.day


# The records of a plain zip file, as ``zipfile`` writes them (no zip64, no extra fields).
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_ENTRY = struct.Struct("<4s4B4HL2L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")
_DEFLATE, _DEFLATE_VERSION, _UNIX = 8, 20, 3


def zip_package(
    members: Iterable[tuple[str, bytes]], stamp: datetime | None = None, level: int = -1, shared: Set[str] = frozenset()
) -> bytes:
    """An OOXML package of ``members`` (name, content), each deflated at ``level`` and
    dated ``stamp`` as ``normalise_zip`` dates them: the bytes ``zipfile`` and
    ``normalise_zip`` together make on Linux, written at once.

    ``shared`` names members that are the same in many packages of a build: each is
    deflated once a process.  The 340 KB styles part of every DOCX of a build is the
    same, and deflating it again for each of a seed build's 31 documents was a twentieth
    of the build's work.
    """
    dos_time, dos_date = _dos_date_time(stamp)
    out, directory, count = bytearray(), bytearray(), 0
    for name, content in members:
        encoded = name.encode("ascii")  # OOXML part names are ASCII
        crc, packed = _deflated(content, level) if name in shared else _deflate(content, level)
        fields = (_DEFLATE, dos_time, dos_date, crc, len(packed), len(content), len(encoded))
        directory += _CENTRAL_ENTRY.pack(b"PK\x01\x02", _DEFLATE_VERSION, _UNIX, _DEFLATE_VERSION, 0, 0, *fields,
                                         0, 0, 0, 0, _PRIVATE_FILE, len(out)) + encoded
        out += _LOCAL_HEADER.pack(b"PK\x03\x04", _DEFLATE_VERSION, 0, 0, *fields, 0) + encoded + packed
        count += 1
    end = _END_RECORD.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), len(out), 0)
    return bytes(out + directory + end)


def _deflate(content: bytes, level: int) -> tuple[int, bytes]:
    """CRC-32 and raw deflate stream of ``content``, as ``zipfile`` compresses a member."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return zlib.crc32(content), compressor.compress(content) + compressor.flush()


@lru_cache(maxsize=16)  # bytes keep their hash: a look-up costs a comparison of the content
def _deflated(content: bytes, level: int) -> tuple[int, bytes]:
    return _deflate(content, level)


def normalise_zip(data: bytes, stamp: datetime | None = None) -> bytes:
    """An OOXML package with every member dated ``stamp`` (default ``build_date()``;
    1980-01-01 when earlier, the first date a zip can hold) and private (0600), order kept.

    Only the date and permission fields of each member's headers are rewritten: the
    compressed data is copied as it is, so a package is compressed once, by the library
    that wrote it (decompressing and compressing again was a fifth of a DOCX's time).
    The packages written here are plain zip files (no zip64, no archive comment).
    """
    dos_time, dos_date = _dos_date_time(stamp)
    out = bytearray(data)
    end = len(out) - _END_SIZE
    if out[end:end + 4] != b"PK\x05\x06":
        raise ValueError("not a plain zip package: no end-of-directory record at the end")
    count, _size, entry = struct.unpack_from("<HII", out, end + 10)
    for _ in range(count):
        if out[entry:entry + 4] != b"PK\x01\x02":
            raise ValueError("damaged zip central directory")
        struct.pack_into("<HH", out, entry + 12, dos_time, dos_date)
        struct.pack_into("<I", out, entry + 38, _PRIVATE_FILE)
        name, extra, comment = struct.unpack_from("<HHH", out, entry + 28)
        (local,) = struct.unpack_from("<I", out, entry + 42)
        if out[local:local + 4] != b"PK\x03\x04":
            raise ValueError("damaged zip member header")
        struct.pack_into("<HH", out, local + 10, dos_time, dos_date)
        entry += _ENTRY_SIZE + name + extra + comment
    return bytes(out)
