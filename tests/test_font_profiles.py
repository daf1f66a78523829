"""Font names in DOCX and XLSX by profile, read back from the package XML: role fonts in every
rFonts slot, the theme and the font table of the profile only, GB2312-only faces helped out."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from workplan_docs.pipeline import build
from workplan_docs.readers import load
from workplan_docs.reports.attachment import attachment
from workplan_docs.style import ROLES, load_style
from workplan_docs.writers import render

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
# role → family written, by profile (kinds: title 小标宋, hei 黑体, kai 楷体, fang 仿宋, song 宋体)
EXPECTED = {
    "gb2312": ("方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312", "宋体"),
    "windows": ("宋体", "黑体", "楷体", "仿宋", "宋体"),
    "founder-gbk": ("方正小标宋_GBK", "方正黑体_GBK", "方正楷体_GBK", "方正仿宋_GBK", "宋体"),
    "open": ("Noto Serif CJK SC", "WenQuanYi Zen Hei", "LXGW WenKai", "FandolFang", "Noto Serif CJK SC"),
}
KIND_ROLES = {
    0: ("title",), 1: ("label", "heading", "table_header"), 2: ("subtitle",), 3: ("body", "note", "table"),
    4: ("page_number",),
}
RARE_PLAN = """\
title: 重点工作安排
items:
- seq: 1
  task: 开展检验机构调研
  measures: 由王镕同志牵头，堃、喆、珺三位同志配合
  lead: [监督司]
  schedule: 4月
- seq: 2
  task: 加大实验室能力验证工作
  lead: [认监委]
  schedule: 全年
"""


def _style(tmp_path: Path, profile: str):
    path = tmp_path / f"{profile}.toml"
    path.write_text(f'[fonts]\nprofile = "{profile}"\n', encoding="utf-8")
    return load_style(path)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


@pytest.mark.parametrize("profile", sorted(EXPECTED))
def test_docx_names_the_profile_families_everywhere(profile: str, seed_plan, tmp_path: Path) -> None:
    style = _style(tmp_path, profile)
    expected = {role: EXPECTED[profile][kind] for kind, roles in KIND_ROLES.items() for role in roles}
    assert {role: style.fonts.family(role) for role in ROLES} == expected
    parts = _parts(render(attachment(seed_plan), style, "docx"))
    everything = b"".join(parts.values()).decode("utf-8", "replace")
    for foreign in ("Calibri", "Cambria", "等线", "ＭＳ", "Courier", "minorEastAsia", "majorHAnsi"):
        assert foreign not in everything, foreign

    styles = etree.fromstring(parts["word/styles.xml"])
    by_name = {s.find(f"{W}name").get(f"{W}val"): s for s in styles.iter(f"{W}style")}
    for role, name in (("label", "附件标识"), ("title", "公文标题"), ("body", "公文正文"), ("table", "表格文字"),
                       ("table_header", "表格标题行"), ("page_number", "页码")):
        rfonts = by_name[name].find(f"{W}rPr/{W}rFonts")
        latin = expected[role] if role == "page_number" else "Times New Roman"
        slots = {a: rfonts.get(f"{W}{a}") for a in ("ascii", "hAnsi", "eastAsia", "cs", "hint")}
        assert slots == {"ascii": latin, "hAnsi": latin, "eastAsia": expected[role], "cs": latin, "hint": "eastAsia"}
        bold = by_name[name].find(f"{W}rPr/{W}b") is not None
        assert bold == (role == "title" and profile == "open")  # 黑体 and 小标宋 are never bolded

    theme = etree.fromstring(parts["word/theme/theme1.xml"])
    major, minor = theme.find(f".//{A}majorFont"), theme.find(f".//{A}minorFont")
    assert major.find(f"{A}ea").get("typeface") == expected["title"]
    assert minor.find(f"{A}ea").get("typeface") == expected["body"]
    assert {f.get("typeface") for f in theme.iter(f"{A}latin")} == {"Times New Roman"}

    table = etree.fromstring(parts["word/fontTable.xml"])
    listed = {f.get(f"{W}name"): f for f in table.iter(f"{W}font")}
    # fonts of the styles, the body and the footers (numbering.xml keeps the template's Symbol bullets, unused)
    named = b"".join(v for k, v in parts.items() if k.startswith(("word/styles", "word/document", "word/footer")))
    used = set(re.findall(r'w:(?:ascii|hAnsi|eastAsia|cs)="([^"]+)"', " ".join(re.findall(r"<w:rFonts[^>]*>", named.decode()))))
    assert used <= set(listed), used - set(listed)
    for name, font in listed.items():
        charset = font.find(f"{W}charset").get(f"{W}val")
        assert charset == ("00" if name == "Times New Roman" else "86"), name
        if name != "Times New Roman":
            assert font.find(f"{W}altName") is not None, name
    if profile == "gb2312":
        assert listed["仿宋_GB2312"].find(f"{W}altName").get(f"{W}val") == "仿宋"
        assert listed["楷体_GB2312"].find(f"{W}altName").get(f"{W}val") == "楷体"


@pytest.mark.parametrize("profile", ["gb2312", "windows"])
def test_xlsx_names_the_profile_families(profile: str, seed_plan, tmp_path: Path) -> None:
    style = _style(tmp_path, profile)
    sheet = load_workbook(BytesIO(render(attachment(seed_plan), style, "xlsx"))).active
    title_font, body_font = EXPECTED[profile][0], EXPECTED[profile][3]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
    assert any(c.value == seed_plan.title and c.font.name == title_font for c in cells)
    assert any(c.value == "序号" and (c.font.name, c.font.b) == ("黑体", False) for c in cells)
    assert any(str(c.value).startswith("规范检验机构") and c.font.name == body_font for c in cells)


@pytest.mark.parametrize("profile", sorted(EXPECTED))
def test_xlsx_theme_and_default_font_are_the_profile(profile: str, seed_plan, tmp_path: Path) -> None:
    style = _style(tmp_path, profile)
    data = render(attachment(seed_plan), style, "xlsx")
    parts = _parts(data)
    everything = b"".join(parts.values()).decode("utf-8", "replace")
    for foreign in ("Calibri", "Cambria", "等线", "ＭＳ", "Courier"):
        assert foreign not in everything, foreign
    theme = etree.fromstring(parts["xl/theme/theme1.xml"])
    major, minor = theme.find(f".//{A}majorFont"), theme.find(f".//{A}minorFont")
    assert major.find(f"{A}ea").get("typeface") == EXPECTED[profile][0]
    assert minor.find(f"{A}ea").get("typeface") == EXPECTED[profile][3]
    assert {f.get("typeface") for f in theme.iter(f"{A}latin")} == {"Times New Roman"}
    # The default font (style "Normal", of every empty cell): the body face at 11 pt, so that
    # Excel's column unit (the width of "0") stays 7 px.
    empty = load_workbook(BytesIO(data)).active["B2"]
    assert (empty.value, empty.style, empty.font.name, empty.font.sz) == (None, "Normal", EXPECTED[profile][3], 11)


@pytest.fixture(scope="module")
def rare_build(tmp_path_factory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("rare")
    plan = folder / "计划.yaml"
    plan.write_text(RARE_PLAN, encoding="utf-8")
    warnings: list[str] = []
    build(load(plan), folder / "out", reports=["attachment"], formats=["docx", "xlsx"],
          warn=lambda problem: warnings.append(str(problem)))
    return folder / "out", warnings


def test_characters_outside_gb2312_are_reported_by_item_and_field(rare_build) -> None:
    _out, warnings = rare_build
    assert warnings == ["序号 1: measures: “镕堃喆珺”不在 GB2312 字符集内，仿宋_GB2312没有这些字，DOCX/XLSX 中改用仿宋显示"]


def test_characters_outside_gb2312_print_in_the_gbk_face(rare_build) -> None:
    out, _warnings = rare_build
    document = etree.fromstring(_parts((out / "附件.docx").read_bytes())["word/document.xml"])
    runs = {}
    for run in document.iter(f"{W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        rfonts = run.find(f"{W}rPr/{W}rFonts")
        runs.setdefault(text, rfonts.get(f"{W}eastAsia") if rfonts is not None else None)
    for char in "镕堃喆珺":
        assert runs[char] == "仿宋"
    assert runs["由王"] is None and runs["同志牵头，"] is None  # the rest stays in the style's 仿宋_GB2312
    cell = "".join(t.text for t in document.iter(f"{W}t") if t.text)
    assert "由王镕同志牵头，堃、喆、珺三位同志配合" in cell  # nothing lost or reordered
    sheet = load_workbook(out / "附件.xlsx").active
    fonts = {c.value: c.font.name for row in sheet.iter_rows() for c in row if c.value}
    assert fonts["由王镕同志牵头，堃、喆、珺三位同志配合"] == "仿宋"
    assert fonts["开展检验机构调研"] == "仿宋_GB2312"


def test_a_gbk_profile_reports_nothing(tmp_path: Path) -> None:
    plan = tmp_path / "计划.yaml"
    plan.write_text(RARE_PLAN, encoding="utf-8")
    warnings: list[str] = []
    build(load(plan), tmp_path / "out", reports=["attachment"], formats=["docx"], style=_style(tmp_path, "windows"),
          warn=lambda problem: warnings.append(str(problem)))
    assert warnings == []
