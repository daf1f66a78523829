"""Font discovery for the PDF writer: every role gets an embeddable face of its kind."""

from __future__ import annotations

import locale
import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.fonts import tt2ps
from reportlab.pdfbase import pdfmetrics

from workplan_docs.errors import WorkplanError
from workplan_docs.style import ROLES, Style, default_style, load_style
from workplan_docs.cli import main
from workplan_docs.pipeline import build
from workplan_docs.reports.attachment import attachment
from workplan_docs.writers import fonts, render

from .conftest import pdf_fonts


def _style_with_font_files(files: dict[str, str], folder: Path) -> Style:
    profile = folder / "profile.toml"
    lines = [f"{role} = '{path}'" for role, path in files.items()]
    profile.write_text("[pdf.font_files]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return load_style(profile)


@pytest.fixture
def no_fonts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A machine whose only font directory is an empty temporary one, without fontconfig."""
    monkeypatch.setattr(fonts, "_search_dirs", lambda: (tmp_path,))
    monkeypatch.setattr(fonts, "_fontconfig", lambda: {})
    return tmp_path


def test_every_role_resolves_to_a_registered_face_holding_its_characters() -> None:
    text = "总局在质检系统开展检测工作（2010-2015年）"
    choices = fonts.resolve_fonts(default_style(), {role: set(map(ord, text)) for role in ROLES})
    assert set(choices) == set(ROLES)
    for choice in choices.values():
        assert choice.path.is_file()
        face = pdfmetrics.getFont(choice.name).face  # registered with reportlab, TrueType outlines
        assert all(ord(c) in face.charToGlyph for c in text), choice
        assert "STSong" not in choice.name


def test_fonts_are_registered_once_and_bold_maps_to_a_hei_face() -> None:
    first = fonts.resolve_fonts(default_style())
    second = fonts.resolve_fonts(default_style())
    assert {r: c.name for r, c in first.items()} == {r: c.name for r, c in second.items()}
    # table_header asks for 黑体, so its face is the hei face bold text uses
    assert tt2ps(first["table"].name, 1, 0) == first["table_header"].name
    assert tt2ps(first["table"].name, 0, 0) == first["table"].name


def test_missing_characters_reports_glyphs_the_face_lacks() -> None:
    style = default_style()
    assert fonts.missing_characters("总局在质检系统开展检测工作（2010-2015年）", "table", style) == []
    assert fonts.missing_characters("换行\n与 空格\t\u3000", "table", style) == []
    emoji = "\U0001F600"  # no CJK office font has emoji
    assert fonts.missing_characters(f"检测{emoji}工作{emoji}", "table", style) == [emoji]


def test_no_font_names_the_role_the_families_and_the_packages(no_fonts: Path) -> None:
    with pytest.raises(WorkplanError) as caught:
        fonts.resolve_fonts(default_style())
    lines = str(caught.value).splitlines()
    assert len(lines) == len(ROLES)  # one line per role
    body = next(line for line in lines if "（body）" in line)
    assert "正文" in body and "仿宋_GB2312、仿宋、FangSong" in body
    assert "fonts-noto-cjk fonts-wqy-zenhei fonts-lxgw-wenkai" in body
    assert "SIMFANG.TTF" in body and "[pdf.font_files]" in body


def test_windows_file_in_any_case_is_found_and_a_broken_one_is_skipped_with_a_reason(no_fonts: Path) -> None:
    (no_fonts / "simfang.ttf").write_bytes(b"OTTO" + bytes(64))  # a damaged CFF font under a TrueType name
    with pytest.raises(WorkplanError) as caught:
        fonts.resolve_fonts(default_style())
    body = next(line for line in str(caught.value).splitlines() if "（body）" in line)
    assert "已跳过 simfang.ttf：不是可用的 OpenType 字体" in body


def test_font_files_override_picks_a_file_and_a_face(tmp_path: Path) -> None:
    table = fonts.resolve_fonts(default_style())["table"]
    choice = fonts.resolve_fonts(_style_with_font_files({"title": f"{table.path}#{table.index}"}, tmp_path))["title"]
    assert (choice.path, choice.index, choice.name) == (table.path, table.index, table.name)
    with pytest.raises(WorkplanError, match=r"\[pdf.font_files\] title"):
        fonts.resolve_fonts(_style_with_font_files({"title": str(tmp_path / "无此字体.ttf")}, tmp_path))


def test_pdf_section_is_optional_and_checks_its_roles(tmp_path: Path) -> None:
    data = default_style().model_dump(exclude={"pdf"})  # a profile written before [pdf] existed
    assert Style.model_validate(data).pdf.font_files == {}
    profile = tmp_path / "my.toml"
    profile.write_text('[pdf.font_files]\nbold = "x.ttf"\n', encoding="utf-8")
    with pytest.raises(WorkplanError, match="未知的字体角色：bold"):
        load_style(profile)


# --- faces by kind, fallbacks, fontconfig -------------------------------------------------


def _require_free_face(kind: str) -> None:
    """The free face of a kind that the test command installs (FandolFang: scripts/fonts.sh)."""
    free = fonts._FREE[kind][0]
    if fonts._free_candidates(free, fonts._search_dirs()):
        return
    message = f"{free.family} not found: run the tests through scripts/test.sh (it installs the free fonts)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _fonts_by_text(path: Path) -> dict[str, set[str]]:
    """Each text chunk of a PDF → the base font names (subset tag removed) it is shown in."""
    found: dict[str, set[str]] = {}

    def visit(text: str, _cm: object, _tm: object, font: dict | None, _size: float) -> None:
        if text.strip() and font:
            found.setdefault(text.strip(), set()).add(str(font["/BaseFont"]).split("+")[-1])

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return found


def test_seed_pdf_prints_every_role_in_a_face_of_its_kind(seed_plan, tmp_path: Path) -> None:
    for kind in ("title", "fang", "hei", "song"):
        _require_free_face(kind)
    path = tmp_path / "附件.pdf"
    path.write_bytes(render(attachment(seed_plan), default_style(), "pdf"))
    shown = _fonts_by_text(path)
    assert shown["附件"] == {"WenQuanYiZenHei-0"}  # 黑体
    assert shown[seed_plan.title] == {"NotoSerifCJKsc-Bold"}  # 小标宋 → 思源宋体 Bold
    assert shown["序号"] == {"WenQuanYiZenHei-0"}  # header in 黑体, not bolded
    assert shown["— 1 —"] == {"NotoSerifCJKsc-Regular"}  # 页码 宋体
    body = [fonts_used for text, fonts_used in shown.items() if text.startswith("开展检验机构委托")]
    assert body and all(f == {"FandolFang-Regular"} for f in body)  # 仿宋
    rows = pdf_fonts(path)
    assert {row["name"].split("+")[-1] for row in rows} == {
        "WenQuanYiZenHei-0", "NotoSerifCJKsc-Bold", "FandolFang-Regular", "NotoSerifCJKsc-Regular"}
    assert all(row["emb"] == "yes" and "TrueType" in row["line"] for row in rows)
    assert fonts.borrowed_faces(default_style()) == []


@pytest.fixture
def kai_but_no_fangsong(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A machine with the free 楷体, 黑体 and 宋体 faces but no 仿宋 at all."""
    _require_free_face("kai")
    installed = fonts._files_in(fonts._search_dirs())
    for name in ("lxgwwenkai-regular.ttf", "wqy-zenhei.ttc", "notoserifcjk-bold.ttc", "notoserifcjk-regular.ttc"):
        if name in installed:
            (tmp_path / installed[name].name).symlink_to(installed[name])
    monkeypatch.setattr(fonts, "_search_dirs", lambda: (tmp_path,))
    monkeypatch.setattr(fonts, "_fontconfig", lambda: {})
    return tmp_path


def test_a_kind_without_a_face_borrows_one_with_a_warning(kai_but_no_fangsong: Path, capsys) -> None:
    choices = fonts.resolve_fonts(default_style())
    assert {r: c.borrowed for r, c in choices.items() if c.borrowed} == dict.fromkeys(("body", "note", "table"), "kai")
    assert choices["body"].family == "LXGW WenKai" and choices["subtitle"].borrowed is None
    (warning,) = fonts.borrowed_faces(default_style())
    assert str(warning).startswith("PDF 未找到仿宋字体，正文、注释、表格正文改用楷体 LXGW WenKai")
    assert "FandolFang-Regular.otf" in str(warning) and "WORKPLAN_DOCS_FONT_DIRS" in str(warning)
    assert main(["fonts"]) == 0
    lines = capsys.readouterr().out.splitlines()
    body = next(line for line in lines if line.startswith("正文"))
    assert "仿宋_GB2312" in body and "LXGWWenKai-Regular.ttf" in body and "【代用】无仿宋字体，用楷体" in body
    label = next(line for line in lines if line.startswith("附件标识"))
    assert "WenQuanYi Zen Hei" in label and "代用" not in label


def test_the_build_warns_of_a_borrowed_face(kai_but_no_fangsong: Path, seed_plan, tmp_path: Path) -> None:
    warnings: list[str] = []
    build(seed_plan, tmp_path / "out", reports=["attachment"], formats=["pdf"], warn=lambda p: warnings.append(str(p)))
    (warning,) = [w for w in warnings if "未找到仿宋字体" in w]
    # Only the roles the PDF prints: the attachment has table text, no body text or notes.
    assert "PDF 未找到仿宋字体，表格正文改用楷体 LXGW WenKai" in warning


def test_fc_list_output_is_read_as_utf8_whatever_the_locale(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Under zh_CN.GBK, decoding fc-list's UTF-8 with the locale's codec failed every PDF build."""
    tool = tmp_path / "fc-list"
    table = fonts.resolve_fonts(default_style())["table_header"]
    line = "方正小标宋简体,FZXiaoBiaoSong-B05S\tRegular,常规\t".encode() + bytes(table.path) + b"\t0\n"
    odd = b"\xff\xfe family\tRegular\t/fonts/\x80\xa5.ttf\t0\n"  # bytes no codec of the locale accepts
    (tmp_path / "output").write_bytes(line + odd)
    tool.write_text(f"#!/bin/sh\ncat '{tmp_path / 'output'}'\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(locale, "getpreferredencoding", lambda *_: "gbk")
    fonts._fontconfig.cache_clear()
    try:
        found = fonts._fontconfig()
    finally:
        fonts._fontconfig.cache_clear()
    assert found["方正小标宋简体"] == found["fzxiaobiaosong-b05s"] == ((table.path, 0, ("Regular", "常规")),)
    assert len(found) == 3


def test_a_document_embeds_the_same_bytes_however_large_the_converted_copy(monkeypatch, seed_plan, tmp_path) -> None:
    """The CFF copies grow as documents need characters; what a document embeds must not change."""
    from workplan_docs.layout import Document, Paragraph, Section

    _require_free_face("fang")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1262304000")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # an empty cache: the copies start small
    monkeypatch.setattr(fonts, "_FACES", {})
    monkeypatch.setattr(fonts, "_CONVERTED", {})
    small = Document("小", (Section("节", (Paragraph("重点工作", "title"), Paragraph("开展调研工作", "body"))),))
    first = render(small, default_style(), "pdf")
    render(attachment(seed_plan), default_style(), "pdf")  # hundreds of new characters, ASCII digits among them
    assert render(small, default_style(), "pdf") == first
