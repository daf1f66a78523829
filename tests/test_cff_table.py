"""``cff_table`` reads a CID-keyed CFF table as fontTools' cffLib reads it (glyph names,
charstrings, subroutines), and leaves any other CFF font to fontTools: a conversion of
either kind gives the bytes it gave before."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from workplan_docs.writers import cff, cff_table

from .reference.cff_before import to_truetype_before
from .test_fast_paths import _accented_face, _cff_faces


def _read(path: Path, index: int) -> tuple[TTFont, cff_table.CidFont | None]:
    font = TTFont(path, fontNumber=index, lazy=True)
    entry = font.reader.tables["CFF "]
    return font, cff_table.read(path.read_bytes(), entry.offset, entry.length)


def test_a_cid_keyed_face_reads_as_fonttools_reads_it() -> None:
    """Every glyph name, and 300 glyphs' charstrings with some of their subroutines."""
    faces = _cff_faces()
    if not faces:
        pytest.skip("no CFF face installed (scripts/test.sh installs them)")
    chooser = random.Random(9704)
    for path, index in faces:
        font, ours = _read(path, index)
        with font:
            assert ours is not None, path.name
            order = font.getGlyphOrder()
            assert [ours.name(glyph) for glyph in range(len(ours))] == order, path.name
            charstrings = font.getGlyphSet().charStrings
            for glyph in chooser.sample(range(len(order)), 300):
                code, local, common = ours.program(glyph)
                theirs = charstrings[order[glyph]]
                assert code == theirs.bytecode, (path.name, glyph)
                subrs = getattr(theirs.private, "Subrs", [])
                assert (len(local), len(common)) == (len(subrs), len(theirs.globalSubrs))
                for number in chooser.sample(range(len(subrs)), min(3, len(subrs))):
                    assert local[number] == subrs[number].bytecode
                for number in chooser.sample(range(len(common)), min(3, len(common))):
                    assert common[number] == theirs.globalSubrs[number].bytecode


def test_a_name_keyed_font_is_left_to_fonttools_and_converts_as_before(tmp_path: Path) -> None:
    """(As Latin .otf files are: glyph names from the String INDEX.)"""
    path = _accented_face(tmp_path)
    assert _read(path, 0)[1] is None
    for chars in ([0x41], [0x41, 0x60, 0x20]):
        assert cff.to_truetype(path, 0, chars) == to_truetype_before(path, 0, chars)


@pytest.mark.parametrize("damage", [b"\x02", b"\x01\x00\x04\x04\xff\xff"])
def test_a_table_that_does_not_read_as_expected_is_left_to_fonttools(damage: bytes) -> None:
    """CFF2's major version, an INDEX running past the table: None, never an exception."""
    assert cff_table.read(damage + bytes(64), 0, len(damage) + 64) is None
