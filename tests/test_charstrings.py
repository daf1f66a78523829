"""The charstring → glyf path (``writers.charstrings``) gives, glyph by glyph, the bytes
fontTools' own path gives (``T2CharString.draw`` → ``Cu2QuPen`` → ``ReverseContourPen`` →
``TTGlyphPen`` → glyf compiler), or declines the glyph: on the installed CFF faces and on
charstrings made to use every operator it reads, in every form."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

import pytest
from fontTools.misc.psCharStrings import T2CharString
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workplan_docs.writers import cff, charstrings

from .test_fast_paths import _cff_faces


def _reference(charstring: T2CharString) -> bytes:
    """The glyph as fontTools draws and compiles it."""
    pen = TTGlyphPen(None)
    charstring.draw(Cu2QuPen(pen, cff._MAX_ERROR, reverse_direction=True))
    glyph = pen.glyph()
    table = newTable("glyf")
    glyph.recalcBounds(table)
    return glyph.compile(table, recalcBBoxes=False)


def _ours(charstring: T2CharString) -> bytes | str:
    try:
        return charstrings.glyph_data(*charstrings.fonttools_program(charstring), cff._MAX_ERROR)
    except charstrings.Unsupported:
        return "declined"


def test_every_sampled_glyph_of_the_installed_faces_is_fonttools_glyph() -> None:
    """400 glyphs of each CFF face (Noto CJK, FandolFang), chosen at random, and .notdef."""
    faces = _cff_faces()
    if not faces:
        pytest.skip("no CFF face installed (scripts/test.sh installs them)")
    chooser = random.Random(9704)
    for path, index in faces:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            order = font.getGlyphOrder()
            glyphs = font.getGlyphSet().charStrings
            for name in [order[0], *chooser.sample(order, 400)]:
                ours = _ours(glyphs[name])
                assert ours != "declined", (path.name, name)
                assert ours == _reference(glyphs[name]), (path.name, name)


# Charstrings made up to reach every operator form: programs of random arguments.
_NUMBER = st.one_of(st.integers(-107, 107), st.integers(-1131, 1131), st.integers(-20000, 20000),
                    st.integers(-4000, 4000).map(lambda n: n / 4))
_FORMS: dict[str, tuple[int, ...]] = {  # operator → the argument counts it takes
    "rlineto": (2, 4, 6), "hlineto": (1, 2, 3, 4), "vlineto": (1, 2, 3, 5),
    "rrcurveto": (6, 12), "rcurveline": (2, 8, 14), "rlinecurve": (6, 8, 10),
    "vvcurveto": (4, 5, 8, 9), "hhcurveto": (4, 5, 8, 9),
    "vhcurveto": (4, 5, 8, 9, 12, 13), "hvcurveto": (4, 5, 8, 9, 12, 13),
    "flex": (13,), "hflex": (7,), "hflex1": (9,), "flex1": (11,),
    "rmoveto": (2,), "hmoveto": (1,), "vmoveto": (1,),
}


@st.composite
def _programs(draw: st.DrawFn) -> tuple[list[Any], list[Any]]:
    """A charstring program (stems, a hint mask, a width, path operators, subroutine calls)
    and the program of the one local subroutine it may call."""
    program: list[Any] = []
    stems = draw(st.integers(0, 3))
    if draw(st.booleans()):
        program.append(draw(_NUMBER))  # the width, on the first stack-clearing operator
    if stems:
        program += [draw(_NUMBER) for _ in range(2 * stems)] + ["hstemhm", "hintmask", b"\xa0"]
    elif draw(st.booleans()):
        program += [draw(_NUMBER), draw(_NUMBER), "rmoveto"]
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.integers(0, 9)) == 0:
            program += [0 - 107, "callsubr"]
            continue
        operator = draw(st.sampled_from(sorted(_FORMS)))
        count = draw(st.sampled_from(_FORMS[operator]))
        program += [draw(_NUMBER) for _ in range(count)] + [operator]
        if stems and draw(st.integers(0, 5)) == 0:
            program += ["hintmask", b"\x40"]
    program.append("endchar")
    subroutine = [draw(_NUMBER), draw(_NUMBER), "rlineto", *[draw(_NUMBER) for _ in range(6)], "rrcurveto", "return"]
    return program, subroutine


def _charstring(program: list[Any], subroutine: list[Any]) -> T2CharString:
    private = SimpleNamespace(nominalWidthX=0, defaultWidthX=0, Subrs=[T2CharString(program=subroutine)])
    return T2CharString(program=program, private=private, globalSubrs=[])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_programs())
def test_made_up_charstrings_are_drawn_as_fonttools_draws_them(made: tuple[list[Any], list[Any]]) -> None:
    """Each operator in each of its forms: the same bytes as fontTools, or declined where
    fontTools fails too (a coordinate past what a glyph holds)."""
    try:
        expected: bytes | str = _reference(_charstring(*made))
    except Exception:  # noqa: BLE001 - any failure of fontTools: ours must fail as well
        expected = "fails"
    try:
        ours = _ours(_charstring(*made))
    except Exception:  # noqa: BLE001
        ours = "fails"
    assert ours == expected or (expected == "fails" and ours == "declined")


@pytest.mark.parametrize("program", [
    [10, 20, 30, 40, "endchar"],  # a seac accent: endchar with four arguments
    [1, 2, "rmoveto", 3, 4, "and", "endchar"],  # an arithmetic operator
    [5, "callsubr", "endchar"],  # a subroutine that does not exist
    [1, 2, 3, "rlineto", "endchar"],  # an odd number of line arguments
])
def test_what_it_does_not_read_it_declines(program: list[Any]) -> None:
    """The caller then draws the glyph with fontTools, which reports what is wrong."""
    assert _ours(_charstring(program, ["return"])) == "declined"


def test_a_glyph_without_outline_is_empty_as_fonttools_writes_it() -> None:
    for program in ([500, "endchar"], [1, 2, "rmoveto", 3, 4, "rmoveto", "endchar"]):
        assert _ours(_charstring(program, ["return"])) == _reference(_charstring(program, ["return"])) == b""
