"""Byte-identical output for identical input: fixed dates in zip members and metadata.

Dates come from ``SOURCE_DATE_EPOCH`` when it is set (the reproducible-builds
convention), else from a constant, never from the clock.
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from datetime import datetime, timezone

_DEFAULT_EPOCH = 946_684_800  # 2000-01-01T00:00:00Z


def build_date() -> datetime:
    """The date written into documents: SOURCE_DATE_EPOCH, or 2000-01-01 UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else _DEFAULT_EPOCH
    return datetime.fromtimestamp(max(seconds, 315_532_800), tz=timezone.utc)


def normalise_zip(data: bytes) -> bytes:
    """Rewrite an OOXML package with every member dated ``build_date()``, order kept.

    Members are copied in chunks: a 10,000-row sheet is tens of megabytes of XML.
    """
    stamp = build_date().timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.file_size = member.file_size
            with source.open(member) as reader, target.open(info, "w") as writer:
                shutil.copyfileobj(reader, writer, 1 << 20)
    return target_buffer.getvalue()
