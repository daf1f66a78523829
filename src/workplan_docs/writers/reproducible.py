"""Byte-identical output for identical input: fixed dates in zip members and metadata.

Dates come from ``SOURCE_DATE_EPOCH`` when it is set (the reproducible-builds
convention), else from a constant, never from the clock.
"""

from __future__ import annotations

import os
import struct
from datetime import datetime, timezone

_DEFAULT_EPOCH = 946_684_800  # 2000-01-01T00:00:00Z
_END_SIZE = 22  # end-of-central-directory record without a comment
_ENTRY_SIZE = 46  # fixed part of a central directory entry
_PRIVATE_FILE = 0o600 << 16  # rw------- in the external attribute's high word, as zipfile writes it


def build_date() -> datetime:
    """The date written into documents: SOURCE_DATE_EPOCH, or 2000-01-01 UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else _DEFAULT_EPOCH
    return datetime.fromtimestamp(max(seconds, 315_532_800), tz=timezone.utc)


def normalise_zip(data: bytes) -> bytes:
    """An OOXML package with every member dated ``build_date()`` and private (0600), order kept.

    Only the date and permission fields of each member's headers are rewritten: the
    compressed data is copied as it is, so a package is compressed once, by the library
    that wrote it (decompressing and compressing again was a fifth of a DOCX's time).
    The packages written here are plain zip files (no zip64, no archive comment).
    """
    stamp = build_date()
    dos_time = stamp.hour << 11 | stamp.minute << 5 | stamp.second // 2
    dos_date = (stamp.year - 1980) << 9 | stamp.month << 5 | stamp.day
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
