"""Check an Office Open XML package (DOCX, XLSX) before any library parses it.

A document a user imports may be anything: an old binary .doc renamed, a file
Word encrypted with a password (an OLE compound file, not a zip), a damaged
download, or a hostile archive.  Every such case ends here in one line the user
can act on, before python-docx or openpyxl read a byte:

- the file and every archive member are size-limited (``ZipInfo.file_size`` is the
  bound ``zipfile`` enforces while inflating, and a member that lies about it fails
  its CRC check);
- no XML part may declare a DTD: Office never writes one, and refusing ``<!DOCTYPE``
  rules out entity expansion whatever parser a library picks (python-docx parses
  with ``resolve_entities=False``; openpyxl reads worksheets with the standard
  library's expat unless defusedxml is installed);
- the XML parts a library loads whole hold at most ``MAX_ELEMENTS`` elements together:
  a parsed element costs about 130 bytes, so 10 MB of ``<w:p/>`` would take 230 MB.
  Elements are counted on the raw bytes (start tags), streamed in chunks, before any
  parser runs.  Parts the caller reads in streaming mode (worksheets) are exempt: the
  reader bounds them as it goes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal, TypeVar

from ..errors import PlanError, Problem

Kind = Literal["docx", "xlsx"]
T = TypeVar("T")

MEGABYTE = 1024 * 1024
MAX_FILE_BYTES = 100 * MEGABYTE
MAX_MEMBER_BYTES = 100 * MEGABYTE
MAX_TOTAL_BYTES = 300 * MEGABYTE
MAX_MEMBERS = 2000
MAX_ELEMENTS = 500_000
_CHUNK = 1024 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DOCTYPE = tuple("<!DOCTYPE".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be"))
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_NAMES = {"docx": ("DOCX", "Word", "doc"), "xlsx": ("XLSX", "Excel", "xls")}
# The main part of each kind, and of the other kind: a renamed file is told apart from a damaged one.
_MAIN_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def check_package(path: Path, kind: Kind, streamed: tuple[str, ...] = ()) -> None:
    """Refuse anything that is not a plain, reasonably sized OOXML package of ``kind``.

    ``streamed``: name prefixes of the parts the caller reads in streaming mode, which
    need no element bound here.
    """
    source = str(path)
    fmt, app, old = _NAMES[kind]
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise PlanError(Problem(f"文件过大（{size / MEGABYTE:.1f} MB，上限 {MAX_FILE_BYTES // MEGABYTE} MB）", source))
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == _OLE_MAGIC:
        raise PlanError(Problem(
            f"文件已加密，或是旧版 {app} 格式（.{old}）：请在 {app} 中取消密码，另存为 .{kind} 后再导入", source))
    if not zipfile.is_zipfile(path):
        raise PlanError(Problem(f"不是 {fmt} 文件（可能是旧版 .{old}、改了扩展名的其他文件，或文件已损坏）", source))
    try:
        with zipfile.ZipFile(path) as archive:
            _check_members(archive, kind, source, streamed)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as error:
        raise PlanError(Problem(f"{fmt} 文件已损坏，无法解压（{error}）", source)) from None


def _check_members(archive: zipfile.ZipFile, kind: Kind, source: str, streamed: tuple[str, ...]) -> None:
    fmt, app, _ = _NAMES[kind]
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise PlanError(Problem(f"压缩包内文件过多（{len(members)} 个，上限 {MAX_MEMBERS} 个），不像 {fmt} 文件", source))
    names = {m.filename for m in members}
    other = "xlsx" if kind == "docx" else "docx"
    if _MAIN_PARTS[kind] not in names and _MAIN_PARTS[other] in names:
        raise PlanError(Problem(f"这是 {_NAMES[other][1]} 文件，请把扩展名改为 .{other} 后再导入", source))
    if "[Content_Types].xml" not in names:
        raise PlanError(Problem(f"不是 {fmt} 文件：压缩包中缺少 [Content_Types].xml", source))
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise PlanError(Problem(f"文件内容已加密（{member.filename}），无法读取：请在 {app} 中取消密码后另存", source))
        if member.file_size > MAX_MEMBER_BYTES:
            raise PlanError(Problem(
                f"压缩包内的“{member.filename}”解压后过大（{member.file_size / MEGABYTE:.0f} MB，"
                f"上限 {MAX_MEMBER_BYTES // MEGABYTE} MB），拒绝读取", source))
        total += member.file_size
        if total > MAX_TOTAL_BYTES:
            raise PlanError(Problem(f"压缩包解压后总大小超过 {MAX_TOTAL_BYTES // MEGABYTE} MB，拒绝读取", source))
    elements = 0
    for member in members:
        if not member.filename.lower().endswith(_XML_SUFFIXES):
            continue
        count = _scan_xml(archive, member, source)
        if not member.filename.startswith(streamed):
            elements += count
        if elements > MAX_ELEMENTS:
            raise PlanError(Problem(
                f"文档的 XML 内容过多（读到“{member.filename}”时已超过 {MAX_ELEMENTS} 个元素），不像工作安排文档，拒绝读取",
                source))


def _chunks(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator[bytes]:
    with archive.open(member) as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _scan_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo, source: str) -> int:
    """Refuse a DTD in one XML part, and count its elements (start tags), a chunk at a time."""
    count = 0
    tail = b""
    for chunk in _chunks(archive, member):
        data = tail + chunk
        if any(marker in data for marker in _DOCTYPE):
            raise PlanError(Problem(
                f"“{member.filename}”含有 DTD 声明（<!DOCTYPE>），Office 文档不会有这种内容，为安全起见拒绝读取", source))
        head = data[: len(data) - len(_DOCTYPE[1]) + 1] if len(data) >= len(_DOCTYPE[1]) else b""
        count += head.count(b"<") - head.count(b"</")
        tail = data[len(head):]
    return count + tail.count(b"<") - tail.count(b"</")


def open_with(opener: Callable[[], T], kind: Kind, source: str) -> T:
    """Run a library's open call; whatever it raises on a damaged package becomes one line.

    Only the library call is wrapped: the package passed ``check_package``, so an
    exception here means content the library cannot make sense of, which the user can
    only fix by re-saving the file.
    """
    fmt, app, _ = _NAMES[kind]
    try:
        return opener()
    except Exception as error:  # noqa: BLE001 - any parser failure is a damaged file to the user
        detail = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        raise PlanError(Problem(f"{fmt} 文件已损坏或内容无法识别（{detail}）：请用 {app} 打开后另存再试", source)) from None
