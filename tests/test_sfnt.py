"""The array readers of font tables (``writers/sfnt.py``) give what the libraries give: a
TrueType face parsed into the cache's arrays reads as reportlab reads it, a face's code
points and character map subtables as fontTools decompiles them, on every face installed."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from workplan_docs.writers import font_cache, fonts, sfnt
from workplan_docs.writers.fonts import _MappedFile


def _faces(suffixes: tuple[str, ...]) -> list[tuple[Path, int]]:
    found = []
    for path in sorted(set(fonts._files_in(fonts._search_dirs()).values())):
        if path.suffix.lower() not in suffixes:
            continue
        with path.open("rb") as handle:
            head = handle.read(12)
        count = int.from_bytes(head[8:12], "big") if head[:4] == b"ttcf" else 1
        found += [(path, index) for index in range(count)]
    return found


def _truetype_faces() -> list[tuple[Path, int]]:
    faces = [face for face in _faces((".ttf", ".ttc")) if not fonts.cff.is_cff(*face)]
    if not faces:
        pytest.skip("no TrueType face installed")
    return faces


def _same_face(parsed: TTFont, quick: TTFont) -> None:
    for table in ("charToGlyph", "charWidths"):  # stored sorted by code point, looked up by bisection
        assert getattr(quick.face, table) == getattr(parsed.face, table), table
    mine, theirs = quick.face.glyphToChar, parsed.face.glyphToChar
    assert mine == theirs and list(mine) == list(theirs)  # the order too: the cache stores it
    assert list(quick.face.hmetrics) == parsed.face.hmetrics
    assert list(quick.face.glyphPos) == parsed.face.glyphPos
    assert quick.face.defaultWidth == parsed.face.defaultWidth
    ours = {k: v for k, v in vars(quick).items() if k not in ("face", "state", "encoding")}
    assert ours == {k: v for k, v in vars(parsed).items() if k not in ("face", "state", "encoding")}
    assert font_cache._parsed(quick) == font_cache._parsed(parsed)  # the same cache entry


def test_a_truetype_face_parsed_into_arrays_reads_as_reportlab_reads_it() -> None:
    """Every TrueType face here (CJK collections, format 12 maps; format 4 maps with
    range offsets in some): the character map, widths, metrics, glyph offsets and the
    cache entry of ``_parse`` are those of reportlab's ``TTFont``."""
    formats = set()
    for path, index in _truetype_faces():
        parsed = TTFont("face", _MappedFile(path), subfontIndex=index)
        quick = font_cache._parse("face", _MappedFile(path), index)
        assert "_arrays" in vars(quick.face), f"{path.name}#{index} was read by reportlab's loop"
        _same_face(parsed, quick)
        data = quick.face._ttf_data
        formats.add(int.from_bytes(data[sfnt._cmap_choice(quick.face, data):][:2], "big"))
    assert formats <= {4, 12}


def test_a_map_the_arrays_do_not_read_is_reportlab_s(monkeypatch: pytest.MonkeyPatch) -> None:
    """A character map out of order (reportlab's dicts keep a code point's first place and
    its last glyph) or a table cut short: reportlab reads the face, with the same result."""
    path, index = _truetype_faces()[0]
    parsed = TTFont("face", _MappedFile(path), subfontIndex=index)
    for broken in (lambda data, at: ([2, 1], [3, 4]), lambda data, at: sfnt._numbers(data, len(data), 1, "H")):
        monkeypatch.setattr(sfnt, "_format_12", broken)
        monkeypatch.setattr(sfnt, "_format_4", broken)
        quick = font_cache._parse("face", _MappedFile(path), index)
        assert "_arrays" not in vars(quick.face)
        _same_face(parsed, quick)


def test_code_points_and_subtables_read_as_fonttools_reads_them() -> None:
    """``unicode_coverage`` is fontTools' ``getBestCmap`` and ``subtable_map`` its
    decompile of each format 4 and 12 subtable, on every face here (CFF ones too)."""
    from fontTools.ttLib import TTFont as FontToolsFont

    faces = _faces((".ttf", ".ttc", ".otf"))
    if not faces:
        pytest.skip("no font installed")
    for path, index in faces[::2] if len(faces) > 40 else faces:
        with FontToolsFont(path, fontNumber=index, lazy=True) as font:
            order = font.getGlyphOrder()
            assert sfnt.unicode_coverage(path, index) == sorted(font.getBestCmap()), path.name
            glyph = {name: number for number, name in enumerate(order)}
            for table in font["cmap"].tables:
                if table.format in (4, 12) and table.data is not None:
                    data, groups = table.data, table.nGroups if table.format == 12 else 0
                    mapped = sfnt.subtable_map(table.format, data, groups)
                    assert mapped == {code: glyph[name] for code, name in table.cmap.items()}, path.name
                    # Looked up for some code points only: those of the whole map, and no others.
                    only = sorted({*list(mapped)[::97], 0x41, 0x4E00, 0x10FFFF})
                    assert sfnt.subtable_map(table.format, data, groups, only) == {
                        code: mapped[code] for code in only if code in mapped}, path.name


def test_a_broken_character_map_is_left_to_fonttools() -> None:
    """A format 4 subtable whose offsets point outside it, a subtable cut short: no
    answer, so that fontTools reads (and refuses) it as before."""
    segments = 2
    header = (2 * segments).to_bytes(2, "big") + bytes(6)
    ends, starts = b"\x00\x41\xff\xff", b"\x00\x41\xff\xff"
    deltas, ranges = bytes(4), b"\x01\x00\x00\x00"  # a range offset far past the glyph array
    assert sfnt.subtable_map(4, header + ends + b"\0\0" + starts + deltas + ranges) is None
    assert sfnt.subtable_map(12, bytes(10), 1) is None
    assert sfnt.subtable_map(6, bytes(10)) is None
