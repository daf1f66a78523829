"""Style profiles: page, fonts and sizes for a writer, loaded from ``templates/*.toml``.

Layout facts that the standard leaves to practice live in the profile, not in code.
A user's profile is merged key by key over the default GB/T 9704 profile.
"""

from __future__ import annotations

import math
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import Problem, WorkplanError

CHINESE_SIZES: dict[str, float] = {
    "初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18,
    "三号": 16, "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9,
    "六号": 7.5, "小六": 6.5,
}
PAPER_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
ROLES = ("label", "title", "subtitle", "heading", "body", "note", "table", "table_header", "page_number")
# The roles on the body text's character grid (GB/T 9704: 22 lines × 28 characters of 三号).
GRID_ROLES = ("label", "subtitle", "heading", "body")


def points(size: str | float) -> float:
    """A font size in points from a Chinese size name ("小四") or a number."""
    if isinstance(size, (int, float)):
        return float(size)
    if size in CHINESE_SIZES:
        return CHINESE_SIZES[size]
    try:
        return float(size.removesuffix("pt"))
    except ValueError:
        raise ValueError(f"无法识别的字号“{size}”，可用：{'、'.join(CHINESE_SIZES)} 或磅值") from None


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Margins(_Section):
    top: float
    bottom: float
    left: float
    right: float


class Page(_Section):
    paper: Literal["A4", "A3"]
    portrait: Margins
    landscape: Margins

    def size(self, orientation: str) -> tuple[float, float]:
        """(width, height) in millimetres."""
        width, height = PAPER_MM[self.paper]
        return (height, width) if orientation == "landscape" else (width, height)

    def margins(self, orientation: str) -> Margins:
        return self.landscape if orientation == "landscape" else self.portrait

    def text_width(self, orientation: str) -> float:
        margins = self.margins(orientation)
        return self.size(orientation)[0] - margins.left - margins.right


# Typeface kinds: every role is set in one of them (GB/T 9704: 标题 小标宋, 正文 仿宋, 黑体, 楷体, 页码 宋体).
ROLE_KIND: dict[str, str] = {
    "label": "hei", "title": "title", "subtitle": "kai", "heading": "hei", "body": "fang", "note": "fang",
    "table": "fang", "table_header": "hei", "page_number": "song",
}
KIND_NAMES = {"title": "小标宋", "fang": "仿宋", "hei": "黑体", "kai": "楷体", "song": "宋体"}

# The family names written into DOCX/XLSX, by profile and kind (``[fonts] profile``).
FONT_PROFILES: dict[str, dict[str, str]] = {
    "gb2312": {"title": "方正小标宋简体", "hei": "黑体", "kai": "楷体_GB2312", "fang": "仿宋_GB2312", "song": "宋体"},
    "windows": {"title": "宋体", "hei": "黑体", "kai": "楷体", "fang": "仿宋", "song": "宋体"},
    "founder-gbk": {"title": "方正小标宋_GBK", "hei": "方正黑体_GBK", "kai": "方正楷体_GBK", "fang": "方正仿宋_GBK",
                    "song": "宋体"},
    "open": {"title": "Noto Serif CJK SC", "hei": "WenQuanYi Zen Hei", "kai": "LXGW WenKai", "fang": "FandolFang",
             "song": "Noto Serif CJK SC"},
}
# Profiles whose title family is a regular weight of a face family with a bold member:
# the title is set bold there so that it is as heavy as 小标宋.
_BOLD_TITLE_PROFILES = frozenset({"open"})

# The office's own families of each kind, searched by the PDF writer after the profile's.
OFFICE_FAMILIES: dict[str, tuple[str, ...]] = {
    "title": ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong"),
    "fang": ("仿宋_GB2312", "仿宋", "FangSong", "SimFang", "方正仿宋_GBK", "方正仿宋简体", "华文仿宋", "STFangsong"),
    "hei": ("黑体", "SimHei", "方正黑体_GBK", "方正黑体简体"),
    "kai": ("楷体_GB2312", "楷体", "KaiTi", "方正楷体_GBK", "方正楷体简体", "华文楷体", "STKaiti"),
    "song": ("宋体", "SimSun", "方正书宋_GBK", "华文宋体", "STSong"),
}


def _no_families() -> list[str]:
    """A role's own families: none (a Python function, not ``list``: pydantic reads a
    factory's signature, and a builtin's is parsed from its text)."""
    return []


def _no_files() -> dict[str, str]:
    """No font files named (a Python function, as ``_no_families``)."""
    return {}


class Fonts(_Section):
    """Font families by role.  ``profile`` names the family of each kind; a role given a
    list of its own writes the first name into DOCX/XLSX, and the PDF writer searches the
    whole list before the profile's family and the office's families of the role's kind."""

    profile: Literal["gb2312", "windows", "founder-gbk", "open"] = "gb2312"
    label: list[str] = Field(default_factory=_no_families)
    title: list[str] = Field(default_factory=_no_families)
    subtitle: list[str] = Field(default_factory=_no_families)
    heading: list[str] = Field(default_factory=_no_families)
    body: list[str] = Field(default_factory=_no_families)
    note: list[str] = Field(default_factory=_no_families)
    table: list[str] = Field(default_factory=_no_families)
    table_header: list[str] = Field(default_factory=_no_families)
    page_number: list[str] = Field(default_factory=_no_families)
    latin: str = "Times New Roman"

    def family(self, role: str) -> str:
        """The family written into DOCX/XLSX for a role."""
        own = getattr(self, role)
        return own[0] if own else FONT_PROFILES[self.profile][ROLE_KIND[role]]

    def families(self, role: str) -> tuple[str, ...]:
        """The families the PDF writer looks for, in order, for a role."""
        kind = ROLE_KIND[role]
        names = (*getattr(self, role), FONT_PROFILES[self.profile][kind], *OFFICE_FAMILIES[kind])
        return tuple(dict.fromkeys(names))

    def bold(self, role: str) -> bool:
        """Whether a role's text is set bold: only a title whose profile family needs it
        (黑体 and 小标宋 are heavy faces, never bolded)."""
        return role == "title" and not self.title and self.profile in _BOLD_TITLE_PROFILES

    def families_used(self) -> tuple[str, ...]:
        """Every family a DOCX/XLSX of this profile names, the Latin family last."""
        return (*dict.fromkeys(self.family(role) for role in ROLES), self.latin)


class Sizes(_Section):
    label: float
    title: float
    subtitle: float
    heading: float
    body: float
    note: float
    table: float
    table_header: float
    page_number: float

    @field_validator("*", mode="before")
    @classmethod
    def _points(cls, value: str | float) -> float:
        return points(value)


class ParagraphSettings(_Section):
    line_pitch: float
    characters_per_line: int = Field(ge=0)
    title_space_before: int
    title_space_after: int


class TableSettings(_Section):
    border: float
    header_fill: str
    cell_padding: float
    cell_padding_vertical: float = 0.8
    line_spacing: float

    @property
    def padding_points(self) -> tuple[float, float]:
        """A cell's padding left and right, and top and bottom, in points rounded to the
        twentieth of a point a DOCX holds: the PDF measures rows with the very figures
        Word and LibreOffice get (0.8 mm is 2.268 pt, a DOCX 2.25 pt: 0.035 pt a row, a
        row's difference over a long page)."""
        def twips(millimetres: float) -> float:
            return round(millimetres * 72 / 25.4 * 20) / 20

        return twips(self.cell_padding), twips(self.cell_padding_vertical)


class PageNumbers(_Section):
    style: Literal["gbt9704", "gbt9704-landscape", "center", "none"]
    format: str
    distance: float

    def text(self, number: int) -> str:
        return self.format.format(n=number)


class Metadata(_Section):
    author: str


class Pdf(_Section):
    """PDF-only settings.  ``font_files`` maps a role to a TrueType file ("path", or
    "path.ttc#1" for a face of a collection) when the font search does not find the face
    the office uses (e.g. 方正小标宋简体 under an unusual file name)."""

    font_files: dict[str, str] = Field(default_factory=_no_files)

    @field_validator("font_files")
    @classmethod
    def _known_roles(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(ROLES))
        if unknown:
            raise ValueError(f"未知的字体角色：{'、'.join(unknown)}，可用：{'、'.join(ROLES)}")
        return value


class NoticeSettings(_Section):
    """The notice's 版头 and 版记 (GB/T 9704 §7.2, §7.4); lengths in millimetres."""

    header_top: float = 35.0  # top of the 发文机关标志 below the top of the type area
    header_size: float = 36.0  # points: 小初, common for the 标志
    red_rule: float = 0.7  # the red rule under the 版头
    rule_gap: float = 4.0  # from the 发文字号 down to the red rule
    imprint_size: float = 14.0  # points: 四号, 抄送 and 印发 lines
    imprint_thick: float = 0.35  # first and last rule of the 版记
    imprint_thin: float = 0.25  # the rules between

    @field_validator("header_size", "imprint_size", mode="before")
    @classmethod
    def _points(cls, value: str | float) -> float:
        return points(value)


class Style(_Section):
    """A complete style profile."""

    page: Page
    fonts: Fonts
    sizes: Sizes
    paragraph: ParagraphSettings
    table: TableSettings
    page_numbers: PageNumbers
    metadata: Metadata
    pdf: Pdf = Pdf()  # optional: profiles written before it still load
    notice: NoticeSettings = NoticeSettings()

    def character_spacing(self, role: str) -> float:
        """Points added after every character of ``role``'s text (negative: set tighter).

        The grid roles get the spacing that puts ``characters_per_line`` characters of the
        body size on a line of the portrait type area, rounded down to the twentieth of a
        point a DOCX can hold (156 mm, 28 × 三号: 15.75 pt a character, −0.25 pt); other
        roles, and every role when ``characters_per_line`` is 0, none.
        """
        count = self.paragraph.characters_per_line
        if not count or role not in GRID_ROLES:
            return 0.0
        pitch = self.page.text_width("portrait") * 72 / 25.4 / count
        return math.floor((pitch - self.sizes.body) * 20) / 20


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def templates_dir() -> Path:
    """``templates/``: packaged inside the wheel, beside ``src/`` in a source checkout."""
    packaged = Path(str(resources.files("workplan_docs"))) / "templates"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "templates"


def _default_data() -> dict[str, Any]:
    return tomllib.loads((templates_dir() / "gbt9704.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def default_style() -> Style:
    return Style.model_validate(_default_data())


def load_style(path: str | Path | None = None) -> Style:
    """The default profile, with a user's profile merged over it when given."""
    if path is None:
        return default_style()
    source = str(path)
    try:
        override = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkplanError(Problem("样式文件不存在", source)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise WorkplanError(Problem(f"样式文件格式错误：{error}", source)) from None
    try:
        return Style.model_validate(_merge(_default_data(), override))
    except ValidationError as error:
        problems = [
            Problem(str(e["msg"]).removeprefix("Value error, "), source, None, ".".join(map(str, e["loc"])))
            for e in error.errors()
        ]
        raise WorkplanError(problems) from None
