"""The parsed-font cache saves time only: a cached face measures and embeds like a parsed one."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from workplan_docs.style import default_style
from workplan_docs.writers import font_cache
from workplan_docs.writers.fonts import _MappedFile, resolve_fonts

from .conftest import SAMPLE_PLAN


@pytest.fixture()
def table_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    choice = resolve_fonts(default_style())["table"]
    return choice.path, choice.index


def test_cached_face_equals_parsed_face(table_font: tuple[Path, int], tmp_path: Path) -> None:
    path, index = table_font
    parsed = TTFont("parsed", _MappedFile(path), subfontIndex=index)
    font_cache.open_font("stored", path, index, _MappedFile(path))
    assert font_cache._entry(path, index).exists()
    cached = font_cache.open_font("cached", path, index, _MappedFile(path))
    assert isinstance(cached.face, font_cache._CachedFace)
    text = "开展检验机构委托检验工作调研（2010）"
    assert cached.stringWidth(text, 12) == parsed.stringWidth(text, 12)
    for table in ("charToGlyph", "charWidths", "glyphToChar"):
        assert getattr(cached.face, table) == getattr(parsed.face, table), table
    assert list(cached.face.hmetrics) == parsed.face.hmetrics
    assert list(cached.face.glyphPos) == parsed.face.glyphPos
    seed_characters = dict.fromkeys(SAMPLE_PLAN.read_text(encoding="utf-8"))  # a composite glyph among them
    codes = [ord(c) for c in seed_characters if ord(c) in parsed.face.charToGlyph]
    for start in range(0, len(codes), 250):
        assert cached.face.makeSubset(codes[start:start + 250]) == parsed.face.makeSubset(codes[start:start + 250])


def test_broken_cache_entry_falls_back_to_parsing(table_font: tuple[Path, int]) -> None:
    path, index = table_font
    font_cache.open_font("first", path, index, _MappedFile(path))
    entry = font_cache._entry(path, index)
    entry.write_bytes(b"not a pickle")
    font = font_cache.open_font("again", path, index, _MappedFile(path))
    assert font.stringWidth("检验", 10) > 0


def test_storing_an_entry_removes_entries_of_other_versions(table_font: tuple[Path, int], tmp_path: Path) -> None:
    path, index = table_font
    root = tmp_path / "cache" / "workplan-docs" / "fonts"
    (root / "1-reportlab-4.0.0").mkdir(parents=True)
    (root / "1-reportlab-4.0.0" / "old.pickle").write_bytes(b"old")
    (root / "stray.pickle").write_bytes(b"format 1 kept entries here")
    font_cache.open_font("fresh", path, index, _MappedFile(path))
    assert [p.name for p in root.iterdir()] == [font_cache._cache_dir().name]
    assert font_cache._entry(path, index).exists()
