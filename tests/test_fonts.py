"""Font discovery for the PDF writer: every role gets an embeddable TrueType face."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.fonts import tt2ps
from reportlab.pdfbase import pdfmetrics

from workplan_docs.errors import WorkplanError
from workplan_docs.style import ROLES, Style, default_style, load_style
from workplan_docs.writers import fonts


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


def test_every_role_resolves_to_a_registered_truetype_face() -> None:
    choices = fonts.resolve_fonts(default_style())
    assert set(choices) == set(ROLES)
    for choice in choices.values():
        assert choice.path.is_file()
        assert choice.path.read_bytes()[:4] != b"OTTO"  # not CFF
        assert pdfmetrics.getFont(choice.name).face.charToGlyph  # registered with reportlab
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
    assert "fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei" in body
    assert "SIMFANG.TTF" in body and "[pdf.font_files]" in body


def test_windows_file_in_any_case_is_found_and_cff_is_skipped_with_a_reason(no_fonts: Path) -> None:
    (no_fonts / "simfang.ttf").write_bytes(b"OTTO" + bytes(64))  # a CFF font under a TrueType name
    with pytest.raises(WorkplanError) as caught:
        fonts.resolve_fonts(default_style())
    body = next(line for line in str(caught.value).splitlines() if "（body）" in line)
    assert "已跳过 simfang.ttf：CFF" in body


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
