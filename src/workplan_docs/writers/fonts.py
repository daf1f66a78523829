"""Fonts for the PDF writer: find a face for each role, register it, check coverage.

Every role is set in one kind of typeface (``style.ROLE_KIND``: 小标宋, 仿宋, 黑体, 楷体,
宋体).  The search for a role goes: an explicit ``[pdf.font_files]`` entry of the style; the
role's families (its own list, the profile's family, the office's usual families of its
kind), looked up in a table of well-known Windows and macOS files and in fontconfig; then
the free faces of the same kind (思源宋体 = Noto Serif CJK SC Bold for titles, FandolFang,
WenQuanYi Zen Hei / Noto Sans CJK, LXGW WenKai / AR PL UKai, Noto Serif CJK SC / AR PL
UMing); and only then a free face of another kind, which the build reports as a warning.

A role's face may lack characters the document prints (FandolFang and the _GB2312 faces hold
GB2312 only: no traditional characters).  Each such character is printed in the first face
of the role's fallback chain that has it: the other faces of the role's kind, then broad CJK
faces (``FontChoice.fallbacks``); ``missing_characters`` names what no face has.

reportlab embeds TrueType (glyf) faces only.  CFF faces (.otf, Noto CJK, Fandol) are
converted per build to a TrueType copy of the characters the document uses (``cff``),
cached on disk (``font_cache``).  Fonts are parsed and registered once per process.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError

from .. import layout
from ..errors import Problem, WorkplanError
from ..style import KIND_NAMES, ROLE_KIND, ROLES, Style
from . import cff, font_cache

# Well-known family names → candidate files (name as shipped, face index in a collection).
_FAMILY_FILES: dict[str, tuple[tuple[str, int], ...]] = {
    "仿宋_GB2312": (("仿宋_GB2312.ttf", 0), ("FS_GB2312.ttf", 0), ("SIMFANG_GB2312.TTF", 0)),
    "仿宋": (("SIMFANG.TTF", 0),),
    "FangSong": (("SIMFANG.TTF", 0),),
    "SimFang": (("SIMFANG.TTF", 0),),
    "方正仿宋_GBK": (("FZFSK.TTF", 0), ("方正仿宋_GBK.ttf", 0)),
    "方正仿宋简体": (("FZFSJW.TTF", 0), ("方正仿宋简体.ttf", 0)),
    "华文仿宋": (("STFANGSO.TTF", 0), ("Fangsong.ttf", 0)),
    "STFangsong": (("STFANGSO.TTF", 0), ("Fangsong.ttf", 0)),
    "楷体_GB2312": (("楷体_GB2312.ttf", 0), ("KT_GB2312.ttf", 0), ("SIMKAI_GB2312.TTF", 0)),
    "楷体": (("SIMKAI.TTF", 0),),
    "KaiTi": (("SIMKAI.TTF", 0),),
    "方正楷体_GBK": (("FZKTK.TTF", 0), ("方正楷体_GBK.ttf", 0)),
    "方正楷体简体": (("FZKTJW.TTF", 0), ("方正楷体简体.ttf", 0)),
    "华文楷体": (("STKAITI.TTF", 0), ("Kaiti.ttc", 0)),
    "STKaiti": (("STKAITI.TTF", 0), ("Kaiti.ttc", 0)),
    "黑体": (("SIMHEI.TTF", 0),),
    "SimHei": (("SIMHEI.TTF", 0),),
    "方正黑体_GBK": (("FZHTK.TTF", 0), ("方正黑体_GBK.ttf", 0)),
    "方正黑体简体": (("FZHTJW.TTF", 0), ("方正黑体简体.ttf", 0)),
    "宋体": (("simsun.ttc", 0), ("SIMSUN.TTF", 0), ("Songti.ttc", 0)),
    "SimSun": (("simsun.ttc", 0), ("SIMSUN.TTF", 0)),
    "方正书宋_GBK": (("FZSSK.TTF", 0),),
    "华文宋体": (("STSONG.TTF", 0),),
    "STSong": (("STSONG.TTF", 0),),
    "华文中宋": (("STZHONGS.TTF", 0),),
    "STZhongsong": (("STZHONGS.TTF", 0),),
    "方正小标宋简体": (("FZXBSJW.TTF", 0), ("方正小标宋简体.ttf", 0), ("FZXBSJW--GB1-0.ttf", 0)),
    "方正小标宋_GBK": (("FZXBSK.TTF", 0), ("方正小标宋_GBK.ttf", 0)),
    "FZXiaoBiaoSong-B05S": (("FZXBSJW.TTF", 0),),
}


class _Free(NamedTuple):
    """A free face: its family as shown, fontconfig family and style, and the files it ships as."""

    family: str
    style: str
    files: tuple[tuple[str, int], ...]


_NOTO_SERIF_BOLD = _Free("Noto Serif CJK SC", "Bold", (
    ("NotoSerifCJK-Bold.ttc", 2), ("NotoSerifCJKsc-Bold.otf", 0), ("NotoSerifSC-Bold.otf", 0),
    ("SourceHanSerifSC-Bold.otf", 0)))
_NOTO_SERIF_BLACK = _Free("Noto Serif CJK SC", "Black", (
    ("NotoSerifCJK-Black.ttc", 2), ("NotoSerifCJKsc-Black.otf", 0), ("SourceHanSerifSC-Heavy.otf", 0)))
_NOTO_SERIF = _Free("Noto Serif CJK SC", "Regular", (
    ("NotoSerifCJK-Regular.ttc", 2), ("NotoSerifCJKsc-Regular.otf", 0), ("NotoSerifSC-Regular.otf", 0),
    ("SourceHanSerifSC-Regular.otf", 0)))
_NOTO_SANS = _Free("Noto Sans CJK SC", "Regular", (
    ("NotoSansCJK-Regular.ttc", 2), ("NotoSansCJKsc-Regular.otf", 0), ("NotoSansSC-Regular.otf", 0)))
_WQY_ZEN_HEI = _Free("WenQuanYi Zen Hei", "Regular", (("wqy-zenhei.ttc", 0),))
_FREE: dict[str, tuple[_Free, ...]] = {
    "title": (_NOTO_SERIF_BOLD, _NOTO_SERIF_BLACK, _Free("FandolSong", "Bold", (("FandolSong-Bold.otf", 0),))),
    "fang": (_Free("FandolFang", "Regular", (("FandolFang-Regular.otf", 0),)),),
    "hei": (_WQY_ZEN_HEI, _NOTO_SANS,
            _Free("FandolHei", "Regular", (("FandolHei-Regular.otf", 0),))),
    "kai": (_Free("LXGW WenKai", "Regular", (("LXGWWenKai-Regular.ttf", 0),)),
            _Free("AR PL UKai CN", "Book", (("ukai.ttc", 0),)),
            _Free("FandolKai", "Regular", (("FandolKai-Regular.otf", 0),))),
    "song": (_NOTO_SERIF, _Free("FandolSong", "Regular", (("FandolSong-Regular.otf", 0),)),
             _Free("AR PL UMing CN", "Light", (("uming.ttc", 0),))),
}
# When no face of a kind exists: the kinds to borrow from, closest look first.
_BORROW = {"title": ("song", "hei", "kai"), "song": ("title", "kai", "hei"), "fang": ("kai", "song", "hei"),
           "kai": ("fang", "song", "hei"), "hei": ("song", "kai")}
# Faces covering far more than GB2312 (traditional and rare characters), last in every fallback chain:
# sans first for 黑体 roles, serif first for the others.
_BROAD = {"hei": (_NOTO_SANS, _WQY_ZEN_HEI, _NOTO_SERIF), "other": (_NOTO_SERIF, _NOTO_SANS, _WQY_ZEN_HEI)}
_NOT_DRAWN = frozenset(map(ord, "\t\n\r"))  # the PDF writer turns these into space and line ends
_PACKAGES = "fonts-noto-cjk fonts-wqy-zenhei fonts-lxgw-wenkai"
_FANDOL_HINT = "texlive-lang-chinese 包中的 FandolFang-Regular.otf "
_WINDOWS_FILE = {"title": "FZXBSJW.TTF", "song": "simsun.ttc", "kai": "SIMKAI.TTF", "fang": "SIMFANG.TTF",
                 "hei": "SIMHEI.TTF"}
_ROLE_NAMES = {
    "label": "附件标识", "title": "标题", "subtitle": "副标题", "heading": "小标题", "body": "正文",
    "note": "注释", "table": "表格正文", "table_header": "表头", "page_number": "页码",
}
_BOLD_FAMILIES = ("黑体", "SimHei")  # bold CJK text is set in a hei face: CJK fonts have no bold
FONT_DIRS_VARIABLE = "WORKPLAN_DOCS_FONT_DIRS"
_ASCII = frozenset(range(32, 127))


@dataclass(frozen=True)
class FontChoice:
    """The font a role resolved to: family (as matched), file, face index, reportlab name.

    ``skipped`` lists candidates that were found but cannot be used, with the reason;
    ``borrowed`` is the kind of typeface used instead of the role's own when no face of
    that kind exists (a 楷体 face for 仿宋 text), else None.  ``cff``: outlines converted to
    TrueType for embedding.  ``fallbacks``: the registered names of the faces that print the
    characters this face lacks, in the order to try them (empty when it has them all).
    """

    family: str
    path: Path
    index: int
    name: str
    skipped: tuple[str, ...] = ()
    borrowed: str | None = None
    cff: bool = False
    fallbacks: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _search_dirs() -> tuple[Path, ...]:
    """Font directories of this platform that exist, looked up once per process like the
    files in them (checking every field of a 10,000-item plan asks 60,000 times).  Folders
    in $WORKPLAN_DOCS_FONT_DIRS come first (a project's own fonts, e.g. FandolFang)."""
    home = Path.home()
    extra = [Path(p) for p in os.environ.get(FONT_DIRS_VARIABLE, "").split(os.pathsep) if p]
    if sys.platform == "win32":
        windows = Path(os.environ.get("WINDIR", "C:/Windows"))
        local = os.environ.get("LOCALAPPDATA")
        dirs = [windows / "Fonts"] + ([Path(local) / "Microsoft/Windows/Fonts"] if local else [])
    elif sys.platform == "darwin":
        dirs = [Path("/System/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"),
                Path("/Library/Fonts"), home / "Library/Fonts"]
    else:
        dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts",
                home / ".local/share/fonts"]
    return tuple(d for d in extra + dirs if d.is_dir())


@lru_cache(maxsize=8)
def _files_in(dirs: tuple[Path, ...]) -> dict[str, Path]:
    """Font files under ``dirs`` by lower-case file name (Windows files copied elsewhere
    often change case); the first directory wins."""
    found: dict[str, Path] = {}
    for root in dirs:
        for folder, _subdirs, names in os.walk(root):
            for name in sorted(names):
                found.setdefault(name.lower(), Path(folder) / name)
    return found


def _parse_fc_list(output: bytes) -> dict[str, tuple[tuple[Path, int, tuple[str, ...]], ...]]:
    """fc-list output → family (case-folded) → (file, face, styles).

    fontconfig writes UTF-8 whatever the locale (under zh_CN.GBK too), so the bytes are
    decoded as UTF-8 here, never with the locale's codec; file names are the file
    system's bytes (``os.fsdecode``).
    """
    found: dict[str, list[tuple[Path, int, tuple[str, ...]]]] = {}
    for line in sorted(output.split(b"\n")):
        parts = line.split(b"\t")
        if len(parts) != 4 or not parts[3].isdigit():
            continue
        families, styles = (p.decode("utf-8", "replace").split(",") for p in parts[:2])
        entry = (Path(os.fsdecode(parts[2])), int(parts[3]), tuple(s.strip() for s in styles))
        for family in families:
            found.setdefault(family.strip().casefold(), []).append(entry)
    return {family: tuple(files) for family, files in found.items()}


@lru_cache(maxsize=1)
def _fontconfig() -> dict[str, tuple[tuple[Path, int, tuple[str, ...]], ...]]:
    """Family name (case-folded) → (file, face, styles) from one ``fc-list`` call, or {}
    without fontconfig."""
    tool = shutil.which("fc-list")
    if not tool:
        return {}
    try:
        output = subprocess.run(
            [tool, "--format", "%{family}\t%{style}\t%{file}\t%{index}\n"], capture_output=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    return _parse_fc_list(output)


_REPORTLAB_CMAP = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap with characters beyond the BMP as UTF-16 surrogate pairs.

    reportlab writes their code point as five hex digits, which PDF readers reject: CJK
    Extension B characters (rare characters of names) printed right but were copied and
    searched as other characters.  Found by benchmarks/fuzz_campaign.py.
    """
    return re.sub(
        r"(?m)^(<[0-9A-F]+> )<([0-9A-F]{5,6})>$",
        lambda m: f"{m[1]}<{chr(int(m[2], 16)).encode('utf-16-be').hex().upper()}>",
        _REPORTLAB_CMAP(fontname, subset),
    )


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # looked up by name when a font subset is written

_LOADED: dict[tuple[Path, int], str] = {}  # TrueType (file, face) → registered reportlab name
_CONVERTED: dict[tuple[Path, int], tuple[str, font_cache.ConvertedFace]] = {}  # CFF: registered copy
_FACES: dict[tuple[Path, int], font_cache.ConvertedFace] = {}  # CFF: the largest conversion made or read


class _MappedFile:
    """A font file as reportlab reads it (``name`` and ``read()``), mapped rather than read.

    reportlab keeps the whole file in memory and slices it; a CJK collection is about
    20 MB, of which a document touches the tables and the glyphs it uses.  Mapped, the
    rest is never loaded: three faces cost 15 MB of a build's memory instead of 55 MB.
    """

    def __init__(self, path: Path) -> None:
        self.name = str(path)

    def read(self) -> mmap.mmap:
        with open(self.name, "rb") as handle:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def _load(path: Path, index: int) -> str:
    """Register one TrueType face with reportlab once per process and return its name.

    Raises ValueError with a Chinese reason when the face cannot be embedded.
    """
    key = (path, index)
    if key in _LOADED:
        return _LOADED[key]
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:6]
    name = f"{path.stem}-{index}-{digest}"
    try:
        font = font_cache.open_font(name, path, index, _MappedFile(path))
    except TTFError as error:
        raise ValueError(str(error)) from None
    except (OSError, IndexError, ValueError) as error:
        raise ValueError(f"不是可用的 TrueType 字体（{error}）") from None
    pdfmetrics.registerFont(font)
    _LOADED[key] = name
    return name


def _converted(path: Path, index: int, chars: Iterable[int]) -> font_cache.ConvertedFace:
    """A CFF face converted for (at least) ``chars``: from memory, the disk cache, or fontTools."""
    key = (path, index)
    wanted = set(chars)
    known = _FACES.get(key)
    if known is not None and known.holds(wanted):
        return known
    try:
        _FACES[key] = face = font_cache.converted(path, index, wanted)  # the cache adds what it held
        return face
    except OSError as error:
        raise ValueError(f"无法读取（{error.strerror}）") from None
    except Exception as error:  # noqa: BLE001 - fontTools raises many kinds on a damaged font
        raise ValueError(f"不是可用的 OpenType 字体（{error}）") from None


def _convert_together(wanted: dict[tuple[Path, int], set[int]], workers: int,
                      meanwhile: Callable[[Callable[[], bool]], object] | None = None) -> None:
    """Convert the CFF faces of ``wanted`` that lack characters side by side, one process
    each, at most ``workers``: a build on an empty cache converts three faces (title, 仿宋,
    page numbers), 0.2-0.7 s of pure-Python fontTools each, while the other cores idle.

    The copies land in the disk cache and in ``_FACES``, where ``_load_cff`` finds them; a
    face that fails here is converted again there, which reports its error.  This process,
    idle while they work, runs ``meanwhile`` (the build imports its writers and renders
    what needs no PDF face then), handing it a function that tells whether they still do.
    """
    todo = {key: codes | _ASCII for key, codes in wanted.items() if not _holds(key, codes | _ASCII)}
    if min(len(todo), workers) < 2:
        return
    from concurrent.futures import ProcessPoolExecutor  # only a build converting two faces pays for it

    cff.import_converter()
    with ProcessPoolExecutor(min(len(todo), workers)) as pool:
        # The face with the most characters first: it takes longest.
        order = sorted(todo, key=lambda key: -len(todo[key]))
        futures = {key: pool.submit(font_cache.converted, *key, todo[key]) for key in order}
        if meanwhile is not None:
            meanwhile(lambda: not all(future.done() for future in futures.values()))
    for key, future in futures.items():
        if future.exception() is None:
            _FACES[key] = future.result()


def _holds(key: tuple[Path, int], wanted: set[int]) -> bool:
    """Whether the conversion in memory or in the cache holds ``wanted`` (a face that
    cannot be read does not: converting it reports why)."""
    try:
        face = _FACES.get(key) or font_cache.stored(*key)
    except OSError:
        return False
    return face is not None and face.holds(wanted)


def _load_cff(path: Path, index: int, chars: Iterable[int]) -> str:
    """Register a TrueType copy of a CFF face holding ``chars`` and return its name.

    A face keeps one registered copy per process while it covers what is asked; a
    document with new characters gets a larger copy under a new name.
    """
    key = (path, index)
    wanted = set(chars)
    current = _CONVERTED.get(key)
    if current is not None and not (wanted & current[1].coverage) - current[1].chars:
        return current[0]
    # Printable ASCII always: reportlab embeds every ASCII glyph of a face in a document's first
    # subset, so a copy without them would embed different bytes as the cache grows.
    face = _converted(path, index, wanted | _ASCII)
    digest = hashlib.sha1(f"{path}|{index}|{sorted(face.chars)}".encode()).hexdigest()[:8]
    name = f"{path.stem}-{index}-{digest}"
    if name in getattr(pdfmetrics, "_fonts", {}):  # this very copy (same characters), registered before
        _CONVERTED[key] = (name, face)
        return name
    try:
        font = font_cache.truetype_font(name, face, path, index)
    except (TTFError, ValueError, IndexError) as error:
        raise ValueError(f"转换后的字体不可用（{error}）") from None
    # reportlab hands out the first font registered under a PostScript name for any later
    # one of the same name: the larger copy must replace the smaller one there.
    getattr(pdfmetrics, "_dynFaceNames", {}).pop(font.face.name, None)
    pdfmetrics.registerFont(font)
    if pdfmetrics.getFont(name) is not font:
        raise ValueError("reportlab 未能注册转换后的字体")
    _CONVERTED[key] = (name, face)
    return name


def _check(path: Path, index: int) -> bool:
    """Whether the face can be used (ValueError with the reason when not); True for CFF."""
    try:
        if not cff.is_cff(path, index):
            _load(path, index)
            return False
    except OSError as error:
        raise ValueError(f"无法读取（{error.strerror}）") from None
    _converted(path, index, ())
    return True


def _parse_override(value: str) -> tuple[Path, int]:
    """``path`` or ``path#face`` from ``[pdf.font_files]``."""
    path, _, face = value.rpartition("#") if "#" in value else (value, "", "0")
    if not face.isdigit():
        raise ValueError(f"字体文件“{value}”的字形序号应为数字，如 simsun.ttc#1")
    return Path(path).expanduser(), int(face)


def _candidates(family: str, dirs: tuple[Path, ...]) -> list[tuple[Path, int]]:
    files = _files_in(dirs)
    found = [(files[name.lower()], face) for name, face in _FAMILY_FILES.get(family, ()) if name.lower() in files]
    return found + [(f, i) for f, i, _ in _fontconfig().get(family.casefold(), ()) if (f, i) not in found]


def _free_candidates(free: _Free, dirs: tuple[Path, ...]) -> list[tuple[Path, int]]:
    """A free face by fontconfig family and style (which knows the face index in a
    collection), then by the file names it ships as."""
    found = [(f, i) for f, i, styles in _fontconfig().get(free.family.casefold(), ()) if free.style in styles]
    files = _files_in(dirs)
    return found + [(files[n.lower()], i) for n, i in free.files if n.lower() in files and (files[n.lower()], i) not in found]


@lru_cache(maxsize=64)
def _locate(role: str, families: tuple[str, ...], override: str | None, dirs: tuple[Path, ...]) -> FontChoice:
    """The first usable face for a role, or a WorkplanError naming what was tried.

    The name of a CFF face is left empty: it is registered per document (``_load_cff``).
    """
    if override:
        try:
            path, face = _parse_override(override)
            is_cff = _check(path, face)
            return FontChoice(path.name, path, face, "" if is_cff else _load(path, face), cff=is_cff)
        except ValueError as error:
            raise WorkplanError(Problem(f"[pdf.font_files] {role} 指定的字体“{override}”不可用：{error}")) from None
    kind = ROLE_KIND[role]
    skipped: list[str] = []
    searched = [(family, None, _candidates(family, dirs)) for family in families]
    for other in (kind, *_BORROW[kind]):
        searched += [(free.family, None if other == kind else other, _free_candidates(free, dirs)) for free in _FREE[other]]
    for family, borrowed, candidates in searched:
        for path, face in candidates:
            try:
                is_cff = _check(path, face)
            except ValueError as error:
                skipped.append(f"{path.name}：{error}")
                continue
            name = "" if is_cff else _load(path, face)
            return FontChoice(family, path, face, name, tuple(skipped), borrowed, is_cff)
    tried = "、".join(dict.fromkeys(families + tuple(f.family for f in _FREE[kind])))
    detail = f"（已跳过 {'；'.join(skipped)}）" if skipped else ""
    raise WorkplanError(Problem(
        f"PDF 找不到“{_ROLE_NAMES.get(role, role)}”（{role}）可用的字体：已尝试 {tried}{detail}；"
        f"请安装 {_PACKAGES}（Debian/Ubuntu），或把 Windows 字体 {_WINDOWS_FILE[kind]} 放入字体目录，"
        f"或在样式的 [pdf.font_files] 中指定字体文件"
    ))


def _role_choice(role: str, style: Style) -> FontChoice:
    return _locate(role, style.fonts.families(role), style.pdf.font_files.get(role), _search_dirs())


@lru_cache(maxsize=None)
def _face_coverage(path: Path, index: int) -> AbstractSet[int]:
    """The code points a face has (empty when it cannot be used); a TrueType face is
    registered on the way, a CFF face's coverage comes from the cache."""
    try:
        if _check(path, index):
            return _converted(path, index, ()).coverage
        return _ttf_coverage(_load(path, index))
    except ValueError:
        return frozenset()


@lru_cache(maxsize=64)
def _fallback_chain(role: str, families: tuple[str, ...], dirs: tuple[Path, ...]) -> tuple[tuple[Path, int], ...]:
    """The faces to try, in order, for a character the role's face lacks: those of the
    role's families, the free faces of its kind, then the broad CJK faces.  The role's own
    face may be among them; lacking the character, it prints none."""
    kind = ROLE_KIND[role]
    found = [face for family in families for face in _candidates(family, dirs)]
    for free in (*_FREE[kind], *_BROAD["hei" if kind == "hei" else "other"]):
        found += _free_candidates(free, dirs)
    return tuple(dict.fromkeys(found))


def _fallback_faces(role: str, style: Style, codes: set[int]) -> dict[tuple[Path, int], set[int]]:
    """The faces printing ``codes`` (characters the role's face lacks), each with the ones
    it prints: a character goes to the first face of the fallback chain that has it; one
    that no face has is left out.  Faces are opened only while characters are left."""
    left, faces = set(codes), {}
    for key in _fallback_chain(role, style.fonts.families(role), _search_dirs()):
        if not left:
            break
        found = left & _face_coverage(*key)
        if found:
            faces[key] = found
            left -= found
    return faces


def role_characters(document: layout.Document, style: Style) -> dict[str, set[int]]:
    """The code points each role prints in ``document`` (bold cells print in the header face)."""
    chars: dict[str, set[int]] = {role: set() for role in ROLES}
    for section in document.sections:
        for block in (*section.blocks, *section.foot):
            if isinstance(block, layout.Paragraph):
                chars[block.role].update(map(ord, block.text))
                for span in block.right:
                    chars[span.role or block.role].update(map(ord, span.text))
            elif isinstance(block, layout.Table):
                for row in block.header_rows:
                    for cell in row:
                        chars["table_header"].update(map(ord, cell.text))
                for row in block.rows:
                    for cell in row:
                        chars["table_header" if cell.bold else "table"].update(map(ord, cell.text))
    chars["page_number"].update(map(ord, style.page_numbers.format.replace("{n}", "0123456789")))
    return chars


def resolve_fonts(style: Style, chars: dict[str, set[int]] | None = None, workers: int = 1,
                  meanwhile: Callable[[Callable[[], bool]], object] | None = None) -> dict[str, FontChoice]:
    """Role → the font the PDF uses for it, each registered with reportlab, its bold mapped
    to the header's hei face (``reportlab.lib.fonts.tt2ps(name, 1, 0)``).

    ``chars`` (from ``role_characters``) are the characters each role prints: a CFF face is
    registered as a TrueType copy of the characters of every role set in it, and the faces
    that print the characters a role's face lacks become its ``fallbacks``.  Up to
    ``workers`` processes convert the CFF faces that need it, while this one runs
    ``meanwhile`` (not run when no faces are converted side by side) with a function
    telling whether they still convert.

    Raises WorkplanError with one line per role that has no usable font.
    """
    choices: dict[str, FontChoice] = {}
    problems: list[Problem] = []
    for role in ROLES:
        try:
            choices[role] = _role_choice(role, style)
        except WorkplanError as error:
            problems.extend(error.problems)
    if problems:
        raise WorkplanError(problems)
    wanted: dict[tuple[Path, int], set[int]] = {}  # face → the characters it prints
    chains: dict[str, list[tuple[Path, int]]] = {}
    for role, choice in choices.items():
        codes = set((chars or {}).get(role, ()))
        # A role printing nothing (the 楷体 subtitle of most documents) leaves its face's map unbuilt.
        lacking = codes - _face_coverage(choice.path, choice.index) - _NOT_DRAWN if codes else set()
        fallbacks = _fallback_faces(role, style, lacking) if lacking else {}
        chains[role] = list(fallbacks)
        for key, printed in [((choice.path, choice.index), codes), *fallbacks.items()]:
            wanted.setdefault(key, set()).update(printed)
    _convert_together({key: codes for key, codes in wanted.items() if key not in _LOADED}, workers, meanwhile)
    try:
        # TrueType faces were registered when found (``_LOADED``); CFF ones are registered now.
        names = {key: _LOADED.get(key) or _load_cff(*key, codes) for key, codes in wanted.items()}
    except ValueError as error:
        raise WorkplanError(Problem(f"PDF 字体转换失败：{error}")) from None
    choices = {role: replace(c, name=names[(c.path, c.index)], fallbacks=tuple(names[key] for key in chains[role]))
               for role, c in choices.items()}
    bold = choices["table_header"].name
    for choice in choices.values():
        pdfmetrics.registerFontFamily(choice.name, normal=choice.name, bold=bold, italic=choice.name, boldItalic=bold)
    return choices


def borrowed_faces(style: Style, roles: Iterable[str] = ROLES) -> list[Problem]:
    """A warning for each kind of typeface printed in a face of another kind (仿宋 → 楷体),
    naming the roles, the face used and how to get the right one; ``roles``: those printed."""
    by_kind: dict[str, list[tuple[str, FontChoice]]] = {}
    printed = set(roles)
    for role in (r for r in ROLES if r in printed):
        choice = _role_choice(role, style)
        if choice.borrowed:
            by_kind.setdefault(ROLE_KIND[role], []).append((role, choice))
    problems = []
    for kind, roles in by_kind.items():
        choice = roles[0][1]
        names = "、".join(_ROLE_NAMES[r] for r, _ in roles)
        where = f"放入字体目录或环境变量 {FONT_DIRS_VARIABLE} 指定的文件夹"
        hint = (f"请把 {_WINDOWS_FILE[kind]} 或 {_FANDOL_HINT}{where}" if kind == "fang"
                else f"请安装 {_PACKAGES}（Debian/Ubuntu），或把 {_WINDOWS_FILE[kind]} {where}")
        problems.append(Problem(
            f"PDF 未找到{KIND_NAMES[kind]}字体，{names}改用{KIND_NAMES[choice.borrowed]} {choice.family}"
            f"（{choice.path}）；{hint}"
        ))
    return problems


@lru_cache(maxsize=None)
def _ttf_coverage(name: str) -> AbstractSet[int]:
    return font_cache.code_points(pdfmetrics.getFont(name).face)


def missing_characters(text: str, role: str, style: Style) -> list[str]:
    """Characters of ``text`` that neither the role's PDF font nor any face of its fallback
    chain has, each once, in order of first use.

    White space is never missing.  Cheap enough to call for every field of every item: the
    chain is looked at only for characters the role's face lacks.
    """
    choice = _role_choice(role, style)
    covered = _face_coverage(choice.path, choice.index)
    lacking = [c for c in dict.fromkeys(text) if ord(c) not in covered and not c.isspace()]
    if lacking:
        printed = set().union(*_fallback_faces(role, style, set(map(ord, lacking))).values())
        lacking = [c for c in lacking if ord(c) not in printed]
    return lacking
