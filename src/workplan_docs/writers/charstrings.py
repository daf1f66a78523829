"""CFF (Type 2) charstrings drawn straight into TrueType ``glyf`` glyph data.

Converting a CFF face (``cff.to_truetype``) spent nine tenths of its time in three pure-
Python stages of fontTools, token by token and point by point: the charstring interpreter
(``T2CharString.draw``), the pen chain ``Cu2QuPen`` → ``ReverseContourPen`` → ``TTGlyphPen``
and the glyf compiler.  FandolFang, whose glyphs have 170 points each, took 0.33 s for the
seed's 500 characters: the longest job of a build on an empty font cache.  This module does
the same work in one pass over flat lists and gives the same bytes, so a PDF does not change
with the path its fonts took; the tests compare it with fontTools' pipeline glyph by glyph.
The cubic → quadratic step stays fontTools' own (``cu2qu``, compiled).

What this does not read — seac accents, the arithmetic and storage operators, CFF2 blends, a
malformed charstring — raises ``Unsupported``, and the caller draws that glyph with fontTools.
The charstrings come from ``cff_table`` (a CID-keyed face) or from fontTools' glyph set
(``fonttools_program``).
"""

from __future__ import annotations

import re
from array import array
from math import floor
from struct import pack
from sys import byteorder
from collections.abc import Sequence
from typing import Any

from fontTools.cu2qu import curve_to_quadratic

Point = tuple[float, float]
# A contour: its first point, then segments (a line's end point, or a curve's three points).
Contour = tuple[Point, list[tuple[float, ...]]]


class Unsupported(Exception):
    """A charstring this module does not draw (the caller uses fontTools for it)."""


def glyph_data(code: bytes, local_subrs: Sequence[bytes], global_subrs: Sequence[bytes], max_error: float) -> bytes:
    """The glyf table data of the glyph Type 2 charstring ``code`` draws, calling the
    subroutines given: its curves made quadratic within ``max_error`` font units, its
    contours reversed to TrueType's direction, as fontTools' pens and compiler write it
    (nothing for a glyph without outline).  Raises Unsupported."""
    points: list[Point] = []
    on_curve = bytearray()
    ends: list[int] = []
    for start, segments in _contours(code, local_subrs, global_subrs):
        _add_contour(points, on_curve, ends, start, _quadratic(start, segments, max_error))
    if not ends:
        return b""
    return _compiled(points, on_curve, ends)


class _Compiled(Sequence[bytes]):
    """fontTools' subroutines (T2CharStrings) as their bytes."""

    def __init__(self, subrs: Any) -> None:
        self.subrs = subrs

    def __len__(self) -> int:
        return len(self.subrs)

    def __getitem__(self, number: Any) -> Any:
        charstring = self.subrs[number]
        if charstring.bytecode is None:  # fontTools keeps a charstring it ran as a program
            charstring.compile()
        return charstring.bytecode


def fonttools_program(charstring: Any) -> tuple[bytes, Sequence[bytes], Sequence[bytes]]:
    """A fontTools ``T2CharString``'s code and subroutines, as ``glyph_data`` takes them."""
    return (_Compiled([charstring])[0], _Compiled(getattr(charstring.private, "Subrs", None) or []),
            _Compiled(charstring.globalSubrs))


def _bias(count: int) -> int:
    return 107 if count < 1240 else 1131 if count < 33900 else 32768


# Operand bytes: a run of one-byte numbers (32-246), decoded all at once by translating each
# byte b to b - 139 as a signed char; longer numbers (247-254, 28, 255) one by one.
_ONE_BYTE_NUMBERS = re.compile(rb"[\x20-\xf6]*")
_MINUS_139 = bytes((b - 139) & 0xFF for b in range(256))
_HINTS, _MASKS, _MOVES = frozenset((1, 3, 18, 23)), frozenset((19, 20)), frozenset((21, 22, 4))


def _contours(code: bytes, local_subrs: Sequence[bytes], global_subrs: Sequence[bytes]) -> list[Contour]:
    """The charstring's contours, run as fontTools' ``T2OutlineExtractor`` runs it: hints
    skipped, a width argument dropped, a path closed at each moveto and at the end."""
    local_bias, global_bias = _bias(len(local_subrs)), _bias(len(global_subrs))
    contours: list[Contour] = []
    segments: list[tuple[float, ...]] | None = None  # the open contour's, None before a moveto
    x: float = 0
    y: float = 0
    stack: list[float] = []
    hints = mask_bytes = 0
    width_read = False
    returns: list[tuple[bytes, int]] = []
    i, end = 0, len(code)
    while True:
        run_end = _ONE_BYTE_NUMBERS.match(code, i).end()
        if run_end > i:
            stack += memoryview(code[i:run_end].translate(_MINUS_139)).cast("b").tolist()
            i = run_end
        if i >= end:
            if not returns:
                return contours
            code, i = returns.pop()
            end = len(code)
            continue
        b0 = code[i]
        i += 1
        if b0 >= 247:
            if b0 <= 250:
                stack.append((b0 - 247) * 256 + code[i] + 108)
                i += 1
            elif b0 <= 254:
                stack.append(-(b0 - 251) * 256 - code[i] - 108)
                i += 1
            else:
                stack.append(int.from_bytes(code[i:i + 4], "big", signed=True) / 65536)
                i += 4
            continue
        if b0 == 28:
            stack.append(int.from_bytes(code[i:i + 2], "big", signed=True))
            i += 2
            continue
        if b0 == 10 or b0 == 29:  # callsubr, callgsubr
            subrs, bias = (local_subrs, local_bias) if b0 == 10 else (global_subrs, global_bias)
            number = stack.pop() + bias if stack else -1
            if not (isinstance(number, int) and 0 <= number < len(subrs)) or len(returns) > 10:
                raise Unsupported("subroutine")
            returns.append((code, i))
            code, i = subrs[number], 0
            end = len(code)
            continue
        if b0 == 11:  # return
            if not returns:
                raise Unsupported("return outside a subroutine")
            code, i = returns.pop()
            end = len(code)
            continue
        if b0 in _HINTS or (b0 in _MASKS and not mask_bytes) or b0 in _MOVES or b0 == 14:
            # The stack-clearing operators that may carry the width first (an odd extra argument).
            if not width_read:
                width_read = True
                if (b0 == 22 or b0 == 4) ^ (len(stack) % 2):
                    if not stack:
                        raise Unsupported("width")
                    del stack[0]
            if b0 in _MOVES or b0 == 14:
                segments = None  # the path so far is closed
                if b0 == 14:  # endchar
                    if stack:
                        raise Unsupported("seac accent")
                    continue
                if len(stack) != (2 if b0 == 21 else 1):
                    raise Unsupported("moveto")
                dx, dy = stack if b0 == 21 else (stack[0], 0) if b0 == 22 else (0, stack[0])
                x += dx
                y += dy
                segments = []
                contours.append(((x, y), segments))
            else:
                hints += len(stack) // 2
                if b0 in _MASKS:
                    mask_bytes = (hints + 7) // 8
            stack = []
            if b0 in _MASKS:
                i += mask_bytes
            continue
        if b0 in _MASKS:  # a later hintmask: its mask only
            i += mask_bytes
            continue
        if segments is None:  # a line or curve without a moveto starts at the current point
            segments = []
            contours.append(((x, y), segments))
        if b0 == 12 and i < end:
            b0 = 32 + code[i]  # escape: flex operators as 66-69
            i += 1
        x, y = _draw(b0, stack, segments, x, y)
        stack = []


def _draw(operator: int, args: list[float], segments: list[tuple[float, ...]], x: float, y: float) -> tuple[float, float]:
    """Append the lines and curves of a path operator (flex as 66-69) to ``segments``;
    return the current point after them."""
    if operator == 5:  # rlineto
        return _lines(segments, x, y, args)
    if operator == 6 or operator == 7:  # hlineto, vlineto: alternately horizontal and vertical
        deltas = [0] * (2 * len(args))
        start = 0 if operator == 6 else 1
        deltas[start::4] = args[0::2]
        deltas[3 - start::4] = args[1::2]
        return _lines(segments, x, y, deltas)
    if operator == 8:  # rrcurveto
        return _curves(segments, x, y, args)
    if operator == 24:  # rcurveline
        if len(args) < 2:
            raise Unsupported("rcurveline")
        x, y = _curves(segments, x, y, args[:-2])
        return _lines(segments, x, y, args[-2:])
    if operator == 25:  # rlinecurve
        if len(args) < 6:
            raise Unsupported("rlinecurve")
        x, y = _lines(segments, x, y, args[:-6])
        return _curves(segments, x, y, args[-6:])
    if operator == 26 or operator == 27:  # vvcurveto, hhcurveto
        first = args.pop(0) if len(args) % 2 else 0
        if len(args) % 4:
            raise Unsupported("vvcurveto/hhcurveto")
        deltas: list[float] = []
        for k in range(0, len(args), 4):
            a, b, c, d = args[k:k + 4]
            deltas += (first, a, b, c, 0, d) if operator == 26 else (a, first, b, c, d, 0)
            first = 0
        return _curves(segments, x, y, deltas)
    if operator == 30 or operator == 31:  # vhcurveto, hvcurveto
        return _curves(segments, x, y, _alternating(args, vertical=operator == 30))
    if operator in (66, 67, 68, 69):
        return _curves(segments, x, y, _flex(operator - 32, args))
    raise Unsupported(f"operator {operator}")


def _lines(segments: list[tuple[float, ...]], x: float, y: float, deltas: list[float]) -> tuple[float, float]:
    if len(deltas) % 2:
        raise Unsupported("line arguments")
    for k in range(0, len(deltas), 2):
        x += deltas[k]
        y += deltas[k + 1]
        segments.append((x, y))
    return x, y


def _curves(segments: list[tuple[float, ...]], x: float, y: float, deltas: list[float]) -> tuple[float, float]:
    if len(deltas) % 6:
        raise Unsupported("curve arguments")
    for k in range(0, len(deltas), 6):
        x1 = x + deltas[k]
        y1 = y + deltas[k + 1]
        x2 = x1 + deltas[k + 2]
        y2 = y1 + deltas[k + 3]
        x = x2 + deltas[k + 4]
        y = y2 + deltas[k + 5]
        segments.append((x1, y1, x2, y2, x, y))
    return x, y


def _alternating(args: list[float], vertical: bool) -> list[float]:
    """vhcurveto / hvcurveto as rrcurveto deltas: curves starting alternately vertical and
    horizontal, the last taking a fifth argument when one is left (fontTools' vcurveto /
    hcurveto)."""
    deltas: list[float] = []
    while args:
        if len(args) < 4:
            raise Unsupported("vhcurveto/hvcurveto")
        a, b, c, d = args[:4]
        args = args[4:]
        last = args.pop() if len(args) == 1 else 0
        deltas += (0, a, b, c, d, last) if vertical else (a, 0, b, c, last, d)
        vertical = not vertical
    return deltas


def _flex(operator: int, args: list[float]) -> list[float]:
    """The flex operators (escape 34-37) as rrcurveto deltas of two curves."""
    if operator == 35 and len(args) == 13:  # flex
        return args[:12]
    if operator == 34 and len(args) == 7:  # hflex
        dx1, dx2, dy2, dx3, dx4, dx5, dx6 = args
        return [dx1, 0, dx2, dy2, dx3, 0, dx4, 0, dx5, -dy2, dx6, 0]
    if operator == 36 and len(args) == 9:  # hflex1
        dx1, dy1, dx2, dy2, dx3, dx4, dx5, dy5, dx6 = args
        return [dx1, dy1, dx2, dy2, dx3, 0, dx4, 0, dx5, dy5, dx6, -(dy1 + dy2 + 0 + 0 + dy5)]
    if operator == 37 and len(args) == 11:  # flex1
        dx1, dy1, dx2, dy2, dx3, dy3, dx4, dy4, dx5, dy5, d6 = args
        dx = dx1 + dx2 + dx3 + dx4 + dx5
        dy = dy1 + dy2 + dy3 + dy4 + dy5
        dx6, dy6 = (d6, -dy) if abs(dx) > abs(dy) else (-dx, d6)
        return [dx1, dy1, dx2, dy2, dx3, dy3, dx4, dy4, dx5, dy5, dx6, dy6]
    raise Unsupported(f"operator 12 {operator}")


def _quadratic(start: Point, segments: list[tuple[float, ...]], max_error: float) -> list[tuple[Point, ...]]:
    """Each segment as the points a pen receives after ``Cu2QuPen``: a line's end point, or
    a curve's off-curve points and end point (the end as cu2qu returns it, a float)."""
    converted: list[tuple[Point, ...]] = []
    current: Point = start
    for segment in segments:
        if len(segment) == 2:
            current = (segment[0], segment[1])
            converted.append((current,))
        else:
            x1, y1, x2, y2, x3, y3 = segment
            spline = curve_to_quadratic((current, (x1, y1), (x2, y2), (x3, y3)), max_error, True)
            current = spline[-1]
            converted.append(tuple(spline[1:]))
    return converted


def _add_contour(points: list[Point], on_curve: bytearray, ends: list[int], start: Point,
                 segments: list[tuple[Point, ...]]) -> None:
    """Add a contour reversed as ``ReverseContourPen`` reverses it (the first point kept,
    the closing line implied) and closed as ``TTGlyphPen`` closes it (a one-point contour
    dropped, a last point equal to the first removed).  ``segments`` is consumed."""
    first = len(points)
    points.append(start)
    on_curve.append(1)
    if segments:
        last = segments[-1]
        if start != last[-1]:  # an implied closing line, drawn explicitly once reversed
            points.append(last[-1])
            on_curve.append(1)
            segments[-1] = last[:-1] + (start,)
        second = segments[0] if len(segments) > 1 else last
        if len(second) == 1 and (start,) != second:  # a line after the start: implied once reversed
            del segments[0]
            if segments:
                segments[-1] = last[:-1] + second
        for k in range(len(segments) - 1, -1, -1):
            current = segments[k]
            points.extend(current[-2::-1])
            on_curve.extend(bytes(len(current) - 1))
            points.append(segments[k - 1][-1])
            on_curve.append(1)
    end = len(points) - 1
    if end == first:
        points.pop()
        on_curve.pop()
        return
    if points[first] == points[end]:
        points.pop()
        on_curve.pop()
        end -= 1
    ends.append(end)


def _compiled(points: list[Point], on_curve: bytearray, ends: list[int]) -> bytes:
    """A simple glyph as fontTools' glyf compiler writes it: coordinates rounded half up
    (``otRound``), deltas packed greedily, repeated flags run-length coded."""
    xs = [floor(x + 0.5) for x, _ in points]
    ys = [floor(y + 0.5) for _, y in points]
    flags = bytearray()
    x_data = bytearray()
    y_data = bytearray()
    last_flag = -1
    repeat = 0
    previous_x = previous_y = 0
    for on, x, y in zip(on_curve, xs, ys):
        dx, dy = x - previous_x, y - previous_y
        previous_x, previous_y = x, y
        flag = on
        if dx == 0:
            flag |= 0x10
        elif -255 <= dx <= 255:
            if dx > 0:
                flag |= 0x12
                x_data.append(dx)
            else:
                flag |= 0x02
                x_data.append(-dx)
        else:
            x_data += pack(">h", dx)
        if dy == 0:
            flag |= 0x20
        elif -255 <= dy <= 255:
            if dy > 0:
                flag |= 0x24
                y_data.append(dy)
            else:
                flag |= 0x04
                y_data.append(-dy)
        else:
            y_data += pack(">h", dy)
        if flag == last_flag and repeat != 255:
            repeat += 1
            if repeat == 1:
                flags.append(flag)
            else:
                flags[-2] = flag | 0x08
                flags[-1] = repeat
        else:
            repeat = 0
            flags.append(flag)
        last_flag = flag
    end_points = array("H", ends)
    if byteorder != "big":
        end_points.byteswap()
    header = pack(">hhhhh", len(ends), min(xs), min(ys), max(xs), max(ys))
    return b"".join((header, end_points.tobytes(), b"\0\0", flags, x_data, y_data))
