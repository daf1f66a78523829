"""Font names as Word, WPS and Excel see them: substitutes, the theme, GB2312-only faces.

A DOCX names its fonts; the reader's machine supplies them.  So that a document opens
without a "missing font" warning and prints in the intended kind of face anyway:
- ``fontTable.xml`` lists every family used, with the Chinese character set (86) and an
  ``altName`` Word substitutes when the family is missing (仿宋_GB2312 → 仿宋);
- the theme's fonts are the profile's (no Calibri, Cambria or 等线 left for WPS to miss);
- 仿宋_GB2312, 楷体_GB2312 and 方正…简体 hold only the 6,763 characters of GB2312: names with
  rarer characters (镕, 堃, 喆, 珺 …) would print as blanks or in a random face, so such
  characters are set in the GBK face of the same kind and reported at build time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ..style import ROLES, Style

# The family Word and WPS use when a family is missing (fontTable altName), and the
# GBK face of the same kind for a GB2312-only face.
ALT_NAMES = {
    "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体", "方正小标宋_GBK": "宋体",
    "方正仿宋_GBK": "仿宋", "方正楷体_GBK": "楷体", "方正黑体_GBK": "黑体", "方正仿宋简体": "仿宋",
    "方正楷体简体": "楷体", "方正黑体简体": "黑体", "华文中宋": "宋体", "华文仿宋": "仿宋", "华文楷体": "楷体",
    "仿宋": "FangSong", "楷体": "KaiTi", "黑体": "SimHei", "宋体": "SimSun",
    "FandolFang": "仿宋", "LXGW WenKai": "楷体", "WenQuanYi Zen Hei": "黑体", "Noto Serif CJK SC": "宋体",
    "Noto Sans CJK SC": "黑体",
}
GBK_FACES = {
    "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "方正小标宋_GBK", "方正仿宋简体": "方正仿宋_GBK",
    "方正楷体简体": "方正楷体_GBK", "方正黑体简体": "方正黑体_GBK",
}
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"


def outside_gb2312(text: str) -> list[str]:
    """The Chinese characters of ``text`` that GB2312 lacks, each once, in order.

    Only ideographs count: GB2312 faces also map punctuation such as "—" and "·" that
    the standard's own table encodes under other code points.
    """
    if _in_gb2312(text):  # the common case, checked at the codec's speed
        return []
    found = dict.fromkeys(c for c in _ideographs().findall(text) if not _in_gb2312(c))
    return list(found)


@lru_cache(maxsize=None)
def _ideographs() -> re.Pattern[str]:
    """Chinese characters, compiled when a text outside GB2312 first needs them: most plans
    have none, and Python compiles this class a character at a time (3 ms)."""
    return re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def _in_gb2312(text: str) -> bool:
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def gbk_face(family: str) -> str | None:
    """The face to set characters outside GB2312 in, when ``family`` is GB2312-only."""
    return GBK_FACES.get(family)


def split_gb2312(text: str, family: str) -> Iterator[tuple[str, str | None]]:
    """``text`` in runs: (part, None) in ``family``, (part, gbk family) for the characters
    a GB2312-only ``family`` lacks."""
    gbk = gbk_face(family)
    if gbk is None or not outside_gb2312(text):
        yield text, None
        return
    start = 0
    for match in _ideographs().finditer(text):
        if _in_gb2312(match.group()):
            continue
        if match.start() > start:
            yield text[start:match.start()], None
        yield match.group(), gbk
        start = match.end()
    if start < len(text):
        yield text[start:], None


def families(style: Style) -> list[str]:
    """Every family a DOCX/XLSX of ``style`` may name: roles, their GBK faces, Latin."""
    names = [style.fonts.family(role) for role in ROLES]
    names += [gbk for name in names if (gbk := gbk_face(name))]
    return list(dict.fromkeys([*names, style.fonts.latin]))


def _is_latin(family: str) -> bool:
    return family.isascii() and family not in ALT_NAMES


def font_table(style: Style) -> bytes:
    """``word/fontTable.xml`` listing the families of ``style``: Chinese ones with charset
    86 (GB2312/GBK) and the substitute Word and WPS use when the family is missing."""
    from lxml import etree  # here: an XLSX build does without lxml

    root = etree.Element(f"{{{_W_NS}}}fonts", nsmap={"w": _W_NS})
    for family in families(style):
        font = etree.SubElement(root, f"{{{_W_NS}}}font", {f"{{{_W_NS}}}name": family})
        if family in ALT_NAMES:
            etree.SubElement(font, f"{{{_W_NS}}}altName", {f"{{{_W_NS}}}val": ALT_NAMES[family]})
        latin = _is_latin(family)
        etree.SubElement(font, f"{{{_W_NS}}}charset", {f"{{{_W_NS}}}val": "00" if latin else "86"})
        etree.SubElement(font, f"{{{_W_NS}}}family", {f"{{{_W_NS}}}val": "roman" if latin else "modern"})
        etree.SubElement(font, f"{{{_W_NS}}}pitch", {f"{{{_W_NS}}}val": "variable" if latin else "fixed"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def theme_fonts(style: Style) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """A theme's major and minor fonts for ``style``, as (element, attributes) pairs per
    collection: Latin text in the Latin family, Chinese in the title (major) and body
    (minor) families, no script list but Hans."""
    latin = style.fonts.latin
    return {
        tag: [("latin", {"typeface": latin}), ("ea", {"typeface": east_asian}), ("cs", {"typeface": latin}),
              ("font", {"script": "Hans", "typeface": east_asian})]
        for tag, east_asian in (("majorFont", style.fonts.family("title")), ("minorFont", style.fonts.family("body")))
    }


def theme_name(style: Style) -> str:
    """The name of the theme's font scheme."""
    return f"公文（{style.fonts.profile}）"


def theme(blob: bytes, style: Style) -> bytes:
    """The theme part ``blob`` with its major and minor fonts set to the profile (``theme_fonts``)."""
    from lxml import etree  # here: an XLSX build does without lxml

    root = etree.fromstring(blob)
    for tag, fonts in theme_fonts(style).items():
        for scheme in root.iter(f"{{{_A_NS}}}{tag}"):
            for child in list(scheme):
                scheme.remove(child)
            for name, attributes in fonts:
                etree.SubElement(scheme, f"{{{_A_NS}}}{name}", attributes)
    for scheme in root.iter(f"{{{_A_NS}}}fontScheme"):
        scheme.set("name", theme_name(style))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
