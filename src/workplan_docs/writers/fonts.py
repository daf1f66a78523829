"""TrueType fonts for the PDF writer: find a file for each role, register it, check coverage.

reportlab embeds TrueType (glyf) faces, also one face of a .ttc collection, but not CFF
outlines (.otf, Noto/Source Han CJK), and its built-in STSong-Light is never embedded, so
every role needs a real TrueType file.  The search goes: an explicit ``[pdf.font_files]``
entry of the style; the role's family names, looked up in a table of well-known Windows and
macOS files and in fontconfig where it is installed; then the free Debian face of the role's
style class (song, kai, fangsong, hei).  Fonts are parsed and registered once per process.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError

from ..errors import Problem, WorkplanError
from ..style import ROLES, Style
from .font_cache import open_font

# Well-known family names → candidate files (name as shipped, face index in a collection).
_FAMILY_FILES: dict[str, tuple[tuple[str, int], ...]] = {
    "仿宋_GB2312": (("仿宋_GB2312.ttf", 0), ("FS_GB2312.ttf", 0)),
    "仿宋": (("SIMFANG.TTF", 0),),
    "FangSong": (("SIMFANG.TTF", 0),),
    "华文仿宋": (("STFANGSO.TTF", 0),),
    "STFangsong": (("STFANGSO.TTF", 0),),
    "楷体_GB2312": (("楷体_GB2312.ttf", 0), ("KT_GB2312.ttf", 0)),
    "楷体": (("SIMKAI.TTF", 0),),
    "KaiTi": (("SIMKAI.TTF", 0),),
    "华文楷体": (("STKAITI.TTF", 0),),
    "STKaiti": (("STKAITI.TTF", 0),),
    "黑体": (("SIMHEI.TTF", 0),),
    "SimHei": (("SIMHEI.TTF", 0),),
    "华文黑体": (("STHeiti Light.ttc", 0), ("STXIHEI.TTF", 0)),
    "STHeiti": (("STHeiti Light.ttc", 0), ("STXIHEI.TTF", 0)),
    "微软雅黑": (("msyh.ttc", 0), ("msyh.ttf", 0)),
    "Microsoft YaHei": (("msyh.ttc", 0), ("msyh.ttf", 0)),
    "宋体": (("simsun.ttc", 0), ("SIMSUN.TTF", 0)),
    "SimSun": (("simsun.ttc", 0), ("SIMSUN.TTF", 0)),
    "新宋体": (("simsun.ttc", 1),),
    "NSimSun": (("simsun.ttc", 1),),
    "华文中宋": (("STZHONGS.TTF", 0),),
    "STZhongsong": (("STZHONGS.TTF", 0),),
    "华文宋体": (("STSONG.TTF", 0),),
    "方正小标宋简体": (("FZXBSJW.TTF", 0), ("方正小标宋简体.ttf", 0)),
    "方正小标宋_GBK": (("FZXBSK.TTF", 0),),
    "FZXiaoBiaoSong-B05S": (("FZXBSJW.TTF", 0),),
}

# Style class of a family, to pick the free fallback closest in look.
_FAMILY_CLASS: dict[str, str] = {
    **dict.fromkeys(("仿宋_GB2312", "仿宋", "FangSong", "华文仿宋", "STFangsong"), "fangsong"),
    **dict.fromkeys(("楷体_GB2312", "楷体", "KaiTi", "华文楷体", "STKaiti"), "kai"),
    **dict.fromkeys(("黑体", "SimHei", "华文黑体", "STHeiti", "微软雅黑", "Microsoft YaHei"), "hei"),
    **dict.fromkeys(
        ("宋体", "SimSun", "新宋体", "NSimSun", "华文中宋", "STZhongsong", "华文宋体", "方正小标宋简体",
         "方正小标宋_GBK", "FZXiaoBiaoSong-B05S"),
        "song",
    ),
}
_ROLE_CLASS = {
    "label": "hei", "heading": "hei", "table_header": "hei", "title": "song", "page_number": "song",
    "subtitle": "kai", "body": "fangsong", "note": "fangsong", "table": "fangsong",
}

# Free TrueType faces (Debian packages); fangsong is closest to kai among them.
_UMING = ("AR PL UMing CN", "uming.ttc", 0)
_UKAI = ("AR PL UKai CN", "ukai.ttc", 0)
_ZENHEI = ("WenQuanYi Zen Hei", "wqy-zenhei.ttc", 0)
_FALLBACKS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "song": (_UMING, _UKAI, _ZENHEI),
    "kai": (_UKAI, _UMING, _ZENHEI),
    "fangsong": (_UKAI, _UMING, _ZENHEI),
    "hei": (_ZENHEI, _UMING, _UKAI),
}
_PACKAGES = "fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei"
_WINDOWS_FILE = {"song": "simsun.ttc", "kai": "SIMKAI.TTF", "fangsong": "SIMFANG.TTF", "hei": "SIMHEI.TTF"}
_ROLE_NAMES = {
    "label": "附件标识", "title": "标题", "subtitle": "副标题", "heading": "小标题", "body": "正文",
    "note": "注释", "table": "表格正文", "table_header": "表头", "page_number": "页码",
}
_BOLD_FAMILIES = ("黑体", "SimHei")  # bold CJK text is set in a hei face: CJK fonts have no bold


@dataclass(frozen=True)
class FontChoice:
    """The font a role resolved to: family (as matched), file, face index and reportlab name.

    ``skipped`` lists candidates that were found but cannot be embedded, with the reason.
    """

    family: str
    path: Path
    index: int
    name: str
    skipped: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _search_dirs() -> tuple[Path, ...]:
    """Font directories of this platform that exist, looked up once per process like the
    files in them (checking every field of a 10,000-item plan asks 60,000 times)."""
    home = Path.home()
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
    return tuple(d for d in dirs if d.is_dir())


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


@lru_cache(maxsize=1)
def _fontconfig() -> dict[str, tuple[tuple[Path, int], ...]]:
    """Family name (case-folded) → (file, face) from one ``fc-list`` call, or {} without fontconfig."""
    tool = shutil.which("fc-list")
    if not tool:
        return {}
    try:
        output = subprocess.run(
            [tool, "--format", "%{family}\t%{file}\t%{index}\n"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, list[tuple[Path, int]]] = {}
    for line in sorted(output.splitlines()):
        parts = line.split("\t")
        if len(parts) != 3 or not parts[2].isdigit():
            continue
        for family in parts[0].split(","):
            found.setdefault(family.strip().casefold(), []).append((Path(parts[1]), int(parts[2])))
    return {family: tuple(files) for family, files in found.items()}


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

_LOADED: dict[tuple[Path, int], str] = {}  # (file, face) → registered reportlab name


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
    """Register one face with reportlab once per process and return its name.

    Raises ValueError with a Chinese reason when the face cannot be embedded.
    """
    key = (path, index)
    if key in _LOADED:
        return _LOADED[key]
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as error:
        raise ValueError(f"无法读取（{error.strerror}）") from None
    if magic == b"OTTO":
        raise ValueError("CFF（PostScript）轮廓，reportlab 无法嵌入")
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:6]
    name = f"{path.stem}-{index}-{digest}"
    try:
        font = open_font(name, path, index, _MappedFile(path))
    except TTFError as error:
        reason = "CFF（PostScript）轮廓，reportlab 无法嵌入" if "postscript" in str(error).lower() else str(error)
        raise ValueError(reason) from None
    except (OSError, IndexError, ValueError) as error:
        raise ValueError(f"不是可用的 TrueType 字体（{error}）") from None
    pdfmetrics.registerFont(font)
    _LOADED[key] = name
    return name


def _parse_override(value: str) -> tuple[Path, int]:
    """``path`` or ``path#face`` from ``[pdf.font_files]``."""
    path, _, face = value.rpartition("#") if "#" in value else (value, "", "0")
    if not face.isdigit():
        raise ValueError(f"字体文件“{value}”的字形序号应为数字，如 simsun.ttc#1")
    return Path(path).expanduser(), int(face)


def _candidates(family: str, dirs: tuple[Path, ...]) -> list[tuple[Path, int]]:
    files = _files_in(dirs)
    found = [(files[name.lower()], face) for name, face in _FAMILY_FILES.get(family, ()) if name.lower() in files]
    return found + [c for c in _fontconfig().get(family.casefold(), ()) if c not in found]


def _style_class(role: str, families: tuple[str, ...]) -> str:
    return next((_FAMILY_CLASS[f] for f in families if f in _FAMILY_CLASS), _ROLE_CLASS.get(role, "song"))


@lru_cache(maxsize=64)
def _resolve(role: str, families: tuple[str, ...], override: str | None, dirs: tuple[Path, ...]) -> FontChoice:
    """The first embeddable face for a role, or a WorkplanError naming what was tried."""
    if override:
        try:
            path, face = _parse_override(override)
            return FontChoice(path.name, path, face, _load(path, face))
        except ValueError as error:
            raise WorkplanError(Problem(f"[pdf.font_files] {role} 指定的字体“{override}”不可用：{error}")) from None
    skipped: list[str] = []
    cls = _style_class(role, families)
    files = _files_in(dirs)
    searched = [(family, _candidates(family, dirs)) for family in families]
    fallbacks = [(family, [(files[name], face)] if name in files else []) for family, name, face in _FALLBACKS[cls]]
    for family, candidates in searched + fallbacks:
        for path, face in candidates:
            try:
                return FontChoice(family, path, face, _load(path, face), tuple(skipped))
            except ValueError as error:
                skipped.append(f"{path.name}：{error}")
    tried = "、".join(families + tuple(f for f, _, _ in _FALLBACKS[cls]))
    detail = f"（已跳过 {'；'.join(skipped)}）" if skipped else ""
    raise WorkplanError(Problem(
        f"PDF 找不到“{_ROLE_NAMES.get(role, role)}”（{role}）可用的 TrueType 字体：已尝试 {tried}{detail}；"
        f"请安装 {_PACKAGES}（Debian/Ubuntu），或把 Windows 字体 {_WINDOWS_FILE[cls]} 放入字体目录，"
        f"或在样式的 [pdf.font_files] 中指定字体文件"
    ))


def _bold_name(regular: FontChoice, dirs: tuple[Path, ...]) -> str:
    """The hei face standing in for bold, or the regular face when no hei font exists."""
    try:
        return _resolve("table_header", _BOLD_FAMILIES, None, dirs).name
    except WorkplanError:
        return regular.name


def resolve_fonts(style: Style) -> dict[str, FontChoice]:
    """Role → the font the PDF uses for it, each registered with reportlab, its bold mapped
    to a hei face (``reportlab.lib.fonts.tt2ps(name, 1, 0)``).

    Raises WorkplanError with one line per role that has no usable font.
    """
    dirs = _search_dirs()
    choices: dict[str, FontChoice] = {}
    problems: list[Problem] = []
    for role in ROLES:
        try:
            choices[role] = _resolve(role, tuple(getattr(style.fonts, role)), style.pdf.font_files.get(role), dirs)
        except WorkplanError as error:
            problems.extend(error.problems)
    if problems:
        raise WorkplanError(problems)
    for choice in choices.values():
        bold = _bold_name(choice, dirs)
        pdfmetrics.registerFontFamily(choice.name, normal=choice.name, bold=bold, italic=choice.name, boldItalic=bold)
    return choices


@lru_cache(maxsize=None)
def _coverage(name: str) -> frozenset[int]:
    """Code points a registered face has glyphs for."""
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


def missing_characters(text: str, role: str, style: Style) -> list[str]:
    """Characters of ``text`` that the role's PDF font lacks, each once, in order of first use.

    White space is never missing.  Cheap enough to call for every field of every item.
    """
    font = _resolve(role, tuple(getattr(style.fonts, role)), style.pdf.font_files.get(role), _search_dirs())
    covered = _coverage(font.name)
    return [c for c in dict.fromkeys(text) if ord(c) not in covered and not c.isspace()]
