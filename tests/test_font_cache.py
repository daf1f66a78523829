"""The font cache saves time only: a cached face measures and embeds like a parsed one, an entry
is data (never code) and is used only for the font file it was made from."""

from __future__ import annotations

import os
import pickle
from array import array
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from workplan_docs.style import default_style
from workplan_docs.writers import font_cache, fonts
from workplan_docs.writers.fonts import _MappedFile, resolve_fonts

from .conftest import SAMPLE_PLAN


@pytest.fixture()
def table_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    choice = resolve_fonts(default_style())["table_header"]  # a TrueType face (WenQuanYi Zen Hei)
    assert not choice.cff
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
    assert font_cache.code_points(cached.face) == frozenset(parsed.face.charToGlyph)  # before the map is built
    assert "charToGlyph" not in vars(cached.face)
    for table in ("charToGlyph", "charWidths", "glyphToChar"):
        assert getattr(cached.face, table) == getattr(parsed.face, table), table
    assert list(cached.face.hmetrics) == parsed.face.hmetrics
    assert list(cached.face.glyphPos) == parsed.face.glyphPos
    seed_characters = dict.fromkeys(SAMPLE_PLAN.read_text(encoding="utf-8"))  # a composite glyph among them
    codes = [ord(c) for c in seed_characters if ord(c) in parsed.face.charToGlyph]
    for start in range(0, len(codes), 250):
        assert cached.face.makeSubset(codes[start:start + 250]) == parsed.face.makeSubset(codes[start:start + 250])
    # A subset made again in the process is the one made before (the PDFs of a build share them).
    assert cached.face.makeSubset(codes[:250]) is cached.face.makeSubset(list(codes[:250]))


def test_broken_cache_entry_falls_back_to_parsing(table_font: tuple[Path, int]) -> None:
    path, index = table_font
    font_cache.open_font("first", path, index, _MappedFile(path))
    entry = font_cache._entry(path, index)
    entry.write_bytes(b"not a cache entry")
    font = font_cache.open_font("again", path, index, _MappedFile(path))
    assert font.stringWidth("检验", 10) > 0


def test_storing_an_entry_removes_entries_of_other_versions(table_font: tuple[Path, int], tmp_path: Path) -> None:
    path, index = table_font
    root = tmp_path / "cache" / "workplan-docs" / "fonts"
    (root / "1-reportlab-4.0.0").mkdir(parents=True)
    (root / "1-reportlab-4.0.0" / "old.pickle").write_bytes(b"old")  # format 1 and 2 were pickles
    (root / "stray.pickle").write_bytes(b"format 1 kept entries here")
    font_cache.open_font("fresh", path, index, _MappedFile(path))
    assert [p.name for p in root.iterdir()] == [font_cache._cache_dir().name]
    assert font_cache._entry(path, index).exists()


class _Payload:
    """A pickle that runs code when loaded: it creates ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_planted_pickle_is_never_loaded(table_font: tuple[Path, int], tmp_path: Path) -> None:
    path, index = table_font
    entry = font_cache._entry(path, index)
    entry.parent.mkdir(parents=True, exist_ok=True)  # the fixture may have stored the face already
    marker = tmp_path / "code-ran"
    entry.write_bytes(pickle.dumps(_Payload(marker)))
    font = font_cache.open_font("planted", path, index, _MappedFile(path))
    assert not marker.exists()
    assert font.stringWidth("检验", 10) > 0
    assert entry.read_bytes().startswith(font_cache._MAGIC)  # rebuilt as data
    assert b"pickle" not in entry.read_bytes()[:200]


def test_a_valid_entry_of_another_face_is_rebuilt(table_font: tuple[Path, int]) -> None:
    path, index = table_font
    other = resolve_fonts(default_style())["subtitle"]  # LXGW WenKai or AR PL UKai: another face
    assert (other.path, other.index) != (path, index) and not other.cff
    font_cache.open_font("other", other.path, other.index, _MappedFile(other.path))
    entry = font_cache._entry(path, index)
    entry.write_bytes(font_cache._entry(other.path, other.index).read_bytes())  # a valid entry, wrong face
    loaded = font_cache.open_font("mine", path, index, _MappedFile(path))
    parsed = TTFont("parsed-mine", _MappedFile(path), subfontIndex=index)
    assert loaded.face.charToGlyph == parsed.face.charToGlyph
    assert loaded.stringWidth("检验工作", 12) == parsed.stringWidth("检验工作", 12)
    again = font_cache.open_font("mine-again", path, index, _MappedFile(path))  # the rebuilt entry is used
    assert isinstance(again.face, font_cache._CachedFace) and again.face.charToGlyph == parsed.face.charToGlyph


def test_an_entry_is_used_only_while_its_font_file_is_unchanged(table_font: tuple[Path, int], tmp_path: Path) -> None:
    path, index = table_font
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    font_cache.open_font("copy", copy, index, _MappedFile(copy))
    stored = font_cache._entry(copy, index)
    os.utime(copy, ns=(copy.stat().st_atime_ns, copy.stat().st_mtime_ns + 10**9))  # the file changes
    assert font_cache._entry(copy, index) != stored
    old = stored.read_bytes()
    font_cache._entry(copy, index).write_bytes(old)  # even under the new key, the old entry is refused
    assert font_cache._read(font_cache._entry(copy, index), "parsed", font_cache._source(copy, index)) is None


# --- CFF faces converted to TrueType -------------------------------------------------------


@pytest.fixture()
def cff_face(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    choice = resolve_fonts(default_style())["title"]  # 思源宋体 (Noto Serif CJK SC Bold), installed by test.sh
    if not choice.cff:
        pytest.skip("no CFF title face installed")
    return choice.path, choice.index


def test_a_converted_face_is_cached_and_grows_with_new_characters(cff_face, monkeypatch: pytest.MonkeyPatch) -> None:
    path, index = cff_face
    first = font_cache.converted(path, index, map(ord, "重点工作安排"))
    assert set(map(ord, "重点工作安排")) <= first.chars and len(first.coverage) > 20_000
    font = font_cache.truetype_font("converted", first, path, index)
    assert font.face.charToGlyph.keys() >= set(map(ord, "重点工作安排"))
    assert not isinstance(font.face, font_cache._CachedFace)  # parsed once, its tables stored
    stored = font_cache.truetype_font("stored", first, path, index)
    assert isinstance(stored.face, font_cache._CachedFace) and stored.face.charToGlyph == font.face.charToGlyph
    assert stored.stringWidth("重点工作安排", 16) == font.stringWidth("重点工作安排", 16)
    assert b"glyf" in first.truetype[:400] and b"CFF " not in first.truetype[:400]

    def no_conversion(*_args):
        raise AssertionError("converted again")

    with monkeypatch.context() as patch:
        patch.setattr(font_cache.cff, "to_truetype", no_conversion)
        again = font_cache.converted(path, index, map(ord, "工作"))  # from the cache, no fontTools
    assert again.truetype == first.truetype
    grown = font_cache.converted(path, index, map(ord, "总局"))
    assert grown.chars >= first.chars | set(map(ord, "总局"))
    # The tables stored were those of the smaller copy: the grown one is parsed anew.
    assert not isinstance(font_cache.truetype_font("grown", grown, path, index).face, font_cache._CachedFace)


def test_a_converted_entry_of_another_face_is_rebuilt(cff_face, tmp_path: Path) -> None:
    path, index = cff_face
    copy = tmp_path / path.name  # the same face under another path: another identity
    copy.symlink_to(path)
    font_cache.converted(path, index, map(ord, "重点"))
    entry = font_cache._entry(copy.resolve(), index, "converted")
    planted = font_cache._entry(path, index, "converted")
    assert entry == planted  # a symlink resolves to the same file: one entry
    other = font_cache._entry(path, index + 1, "converted")
    other.write_bytes(planted.read_bytes())  # a valid entry, wrong face index
    face = font_cache.converted(path, index + 1, map(ord, "工作"))
    assert set(map(ord, "工作")) <= face.chars and not set(map(ord, "重点")) & face.chars


def test_code_points_answer_as_a_frozenset_would() -> None:
    codes = [32, 65, 0x4E00, 0x4E01, 0x9FA5, 0x20000]
    points, plain = font_cache.CodePoints(array("L", codes)), frozenset(codes)
    asked = {0, 31, 32, 0x4E01, 0x4E02, 0x20000, 0x30000}
    assert asked & points == asked & plain == points & asked and asked - points == asked - plain
    assert [c in points for c in range(0, 0x30001, 7)] == [c in plain for c in range(0, 0x30001, 7)]
    assert len(points) == 6 and points == plain and list(points) == codes


def test_a_map_by_code_answers_as_a_dict_would() -> None:
    plain = {0x20: 3, 0x41: 36, 0xA0: 3, 0x4E00: 9000, 0x20000: 42000}
    codes, glyphs = font_cache._by_code(array("L", [0x20, 0x41, 0x4E00, 0x20000, 0xA0]), array("L", [3, 36, 9000, 42000, 3]))
    mapped = font_cache.ByCode(codes, glyphs)
    assert list(codes) == sorted(plain) and mapped == plain and len(mapped) == 5
    assert [c in mapped for c in range(0, 0x20002)] == [c in plain for c in range(0, 0x20002)]
    assert [mapped.get(c, -1) for c in (0, 0x20, 0xA0, 0x4E00, 0x4E01, 0x20000)] == [-1, 3, 3, 9000, -1, 42000]
    with pytest.raises(KeyError):
        mapped[0x4E01]


def test_a_pdf_is_rendered_without_the_width_dicts_of_cached_faces(
    table_font: tuple[Path, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The header's face (WenQuanYi Zen Hei: 42,000 characters) measures, draws and embeds
    its characters by bisecting its arrays: its ``charWidths`` dict is not made, and its
    ``charToGlyph`` is the arrays' map."""
    from workplan_docs.pipeline import build

    made: list[tuple[font_cache._CachedFace, str]] = []
    made_from_arrays = font_cache._CachedFace.__getattr__

    def recorded(face: font_cache._CachedFace, name: str) -> Any:
        made.append((face, name))
        return made_from_arrays(face, name)

    monkeypatch.setattr(font_cache._CachedFace, "__getattr__", recorded)
    build(SAMPLE_PLAN, tmp_path / "out", reports=["attachment"], formats=["pdf"])
    header = fonts.pdfmetrics.getFont(resolve_fonts(default_style())["table_header"].name).face
    assert isinstance(header, font_cache._CachedFace) and isinstance(header.charToGlyph, font_cache.ByCode)
    assert (header, "charWidths") not in made


def test_only_the_faces_of_roles_that_print_are_looked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """A face's coverage (for a TrueType face, its whole character map built) is asked for
    only for roles that print something: most documents have no 楷体 subtitle."""
    asked: list[tuple[Path, int]] = []
    coverage = fonts._face_coverage

    def recorded(path: Path, index: int) -> Any:
        asked.append((path, index))
        return coverage(path, index)

    monkeypatch.setattr(fonts, "_face_coverage", recorded)
    choices = resolve_fonts(default_style(), {"table": set(map(ord, "重点工作"))})
    assert asked == [(choices["table"].path, choices["table"].index)]
