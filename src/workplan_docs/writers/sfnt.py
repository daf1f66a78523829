"""Reading the big tables of an OpenType file (cmap, hmtx, loca) with arrays, not one value at a time.

On an empty font cache a build reads every face it looks at: reportlab's parser reads a CJK
face's 30,000-45,000 character map entries, metrics and glyph offsets with one ``struct``
call each (0.07-0.14 s per face), and fontTools decompiles a CFF face's whole character map
(0.05 s per Noto CJK face) when only its code points are wanted.  The functions here give
the same values from arrays; where a table has a layout they do not read, or looks damaged,
they give None and the caller uses the library, which then reports what is wrong.
"""

from __future__ import annotations

import operator
import struct
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import islice
from pathlib import Path
from typing import Any

_SWAP = sys.byteorder != "big"
_U32 = "I" if array("I").itemsize == 4 else "L"  # "L" is 8 bytes on 64-bit Linux


def _numbers(data: Any, start: int, count: int, code: str) -> array:
    """``count`` big-endian numbers of type ``code`` (H, h: 16 bits, L: 32 bits) at ``start``;
    ValueError past the end."""
    values = array(_U32 if code == "L" else code)
    end = start + count * values.itemsize
    if start < 0 or end > len(data):
        raise ValueError("table outside the file")
    values.frombytes(data[start:end])
    if _SWAP:
        values.byteswap()
    return values


def char_tables(face: Any) -> dict[str, array] | None:
    """The character map, widths, metrics and glyph offsets of a reportlab face on which
    ``extractInfo(0)`` has run, as the arrays ``font_cache`` stores (``_PARSED_ARRAYS``):
    the values, and the order, of reportlab's ``charToGlyph``, ``glyphToChar``,
    ``charWidths``, ``hmetrics`` and ``glyphPos``.  Sets ``defaultWidth``.  None for a
    layout this does not read (a cmap of another format, code points out of order, a
    damaged table): reportlab's own reading then runs, and reports what is wrong."""
    try:
        return _char_tables(face)
    except (ValueError, KeyError, IndexError, OverflowError, struct.error):
        return None


def _cmap_choice(face: Any, data: Any) -> int | None:
    """The offset of the cmap subtable reportlab chooses (the last suitable one), or None."""
    cmap = face.get_table_pos("cmap")[0]
    version, count = struct.unpack_from(">HH", data, cmap)
    if count == 0 and version != 0:
        count = version
    chosen, kind = None, 0
    for n in range(count):
        platform, encoding, offset = struct.unpack_from(">HHL", data, cmap + 4 + 8 * n)
        if platform == 3:
            kind, chosen = 1, offset
        elif platform == 1 and encoding == 0 and kind != 1:
            kind, chosen = 2, offset
        elif platform == 1 and encoding == 1:
            kind, chosen = 1, offset
        elif platform == 0 and encoding != 5:
            kind, chosen = 1, offset
    return None if chosen is None else cmap + chosen


def _char_tables(face: Any) -> dict[str, array] | None:
    data = face._ttf_data
    head = face.get_table_pos("head")[0]
    index_to_loc, glyph_format = struct.unpack_from(">HH", data, head + 50)
    hhea = face.get_table_pos("hhea")[0]
    metric_format, long_metrics = struct.unpack_from(">HH", data, hhea + 32)
    if glyph_format != 0 or metric_format != 0 or long_metrics == 0 or "loca" not in face.table:
        return None
    if index_to_loc not in (0, 1):
        return None
    glyphs = face.numGlyphs
    subtable = _cmap_choice(face, data)
    if subtable is None:
        return None
    fmt = struct.unpack_from(">H", data, subtable)[0]
    if fmt == 4:
        chars, mapped = _format_4(data, subtable)
    elif fmt == 12:
        chars, mapped = _format_12(data, subtable)
    else:
        return None
    if not all(map(operator.lt, chars, islice(chars, 1, None))):
        return None  # a code point twice, or out of order: reportlab's dicts keep the first place, the last glyph

    scale = face._pdfScale
    hmtx = face.get_table_pos("hmtx")[0]
    pairs = _numbers(data, hmtx, 2 * long_metrics, "H")
    rest = _numbers(data, hmtx + 4 * long_metrics, max(0, glyphs - long_metrics), "H")
    loca = face.get_table_pos("loca")[0]
    if index_to_loc == 0:
        positions = array("L", [offset << 1 for offset in _numbers(data, loca, glyphs + 1, "H")])
    else:
        positions = array("L", _numbers(data, loca, glyphs + 1, "L"))
    advances = pairs[0::2]
    last = scale(advances[-1])  # reportlab's loop leaves it scaled for the glyphs after the long metrics
    widths = [scale(advance) for advance in advances] + [last] * len(rest)

    # glyphToChar: glyphs in the order the map first names them, each with its code points in order.
    if len(set(mapped)) == len(mapped):
        pair_glyphs, pair_chars = mapped, chars
    else:
        by_glyph: dict[int, list[int]] = {}
        for char, glyph in zip(chars, mapped):
            if glyph in by_glyph:
                by_glyph[glyph].append(char)
            else:
                by_glyph[glyph] = [char]
        pair_glyphs = [glyph for glyph, codes in by_glyph.items() for _ in codes]
        pair_chars = [char for codes in by_glyph.values() for char in codes]
    # charWidths: by glyph, then in map order (a stable sort), the glyphs the metrics reach.
    limit = max(long_metrics, glyphs)
    order = [k for k in sorted(range(len(chars)), key=mapped.__getitem__) if mapped[k] < limit]
    width_chars = [chars[k] for k in order]
    char_widths = [widths[mapped[k]] for k in order]

    chars, mapped = list(chars), list(mapped)
    for present, absent in ((0x20, 0xA0), (0xA0, 0x20)):  # reportlab: a no-break space prints as a space
        at = bisect_left(chars, present, hi=len(chars))
        if at < len(chars) and chars[at] == present:
            glyph, width = mapped[at], char_widths[width_chars.index(present)]
            _put(chars, mapped, absent, glyph)
            _put(width_chars, char_widths, absent, width)
            break
    face.defaultWidth = scale(advances[0])
    face._pos = loca + (glyphs + 1) * (2 if index_to_loc == 0 else 4)  # where reportlab's reading ends
    return {
        "pair_glyphs": array("L", pair_glyphs), "pair_chars": array("L", pair_chars),
        "chars": array("L", chars), "glyphs": array("L", mapped),
        "width_chars": array("L", width_chars), "widths": array("d", char_widths),
        "advances": array("d", list(advances) + [last] * len(rest)),
        "bearings": array("H", pairs[1::2]) + array("H", rest), "glyphPos": positions,
    }


def _put(keys: list[Any], values: list[Any], key: Any, value: Any) -> None:
    """``mapping[key] = value`` on a mapping kept as two lists in its order."""
    if key in keys:
        values[keys.index(key)] = value
    else:
        keys.append(key)
        values.append(value)


def _format_4(data: Any, at: int) -> tuple[list[int], list[int]]:
    """Code points and glyphs of a format 4 subtable as reportlab reads it: every segment,
    the last (0xFFFF) too, an offset past the subtable's end as glyph 0."""
    length = struct.unpack_from(">H", data, at + 2)[0]
    limit = at + length
    segments = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = _numbers(data, at + 14, segments, "H")
    starts = _numbers(data, at + 16 + 2 * segments, segments, "H")
    deltas = _numbers(data, at + 16 + 4 * segments, segments, "h")
    ranges_at = at + 16 + 6 * segments
    ranges = _numbers(data, ranges_at, segments, "H")
    indexes: array | None = None
    chars: list[int] = []
    glyphs: list[int] = []
    for n in range(segments):
        start, delta = starts[n], deltas[n]
        codes = range(start, ends[n] + 1)
        chars += codes
        if ranges[n] == 0:
            glyphs += [(char + delta) & 0xFFFF for char in codes]
            continue
        if ranges[n] % 2 or (limit - ranges_at) % 2:
            raise ValueError("odd offset")  # reportlab reads across two entries: leave it to reportlab
        if indexes is None:  # the glyph indexes, from the range offsets up to the subtable's end
            indexes = _numbers(data, ranges_at, max(0, (limit - ranges_at) // 2), "H")
        first = n + ranges[n] // 2 - start  # the entry reportlab reads for ``char`` is first + char
        if codes and first + start < 0:
            raise ValueError("offset before the table")
        for char in codes:
            glyph = indexes[first + char] if first + char < len(indexes) else 0  # past the end: glyph 0
            glyphs.append((glyph + delta) & 0xFFFF if glyph else 0)
    return chars, glyphs


def _format_12(data: Any, at: int) -> tuple[list[int], list[int]]:
    groups = _numbers(data, at + 16, 3 * struct.unpack_from(">L", data, at + 12)[0], "L")
    chars: list[int] = []
    glyphs: list[int] = []
    for n in range(0, len(groups), 3):
        start, end, first = groups[n], groups[n + 1], groups[n + 2]
        chars += range(start, end + 1)
        glyphs += range(first, first + end + 1 - start)
    return chars, glyphs


# --- the code points of a face, as fontTools' getBestCmap gives them ---------------------------

_BEST = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))  # fontTools' getBestCmap order


def unicode_coverage(path: Path, index: int) -> list[int] | None:
    """Every code point face ``index`` of ``path`` maps to a glyph, in order: the keys of
    fontTools' ``getBestCmap()`` (the first subtable of its preferred platform and
    encoding; a format 4 subtable without its last segment, a glyph 0 maps nothing).
    None for a subtable of another format, or anything unusual: fontTools then reads it."""
    try:
        with path.open("rb") as handle:
            cmap = _read_table(handle, index, b"cmap")
        if cmap is None:
            return None
        return _best_coverage(cmap)
    except (ValueError, IndexError, OverflowError, struct.error):
        return None


def _read_table(handle: Any, index: int, tag: bytes) -> bytes | None:
    head = handle.read(12)
    start = 0
    if head[:4] == b"ttcf":
        count = struct.unpack_from(">L", head, 8)[0]
        if index >= count:
            return None
        handle.seek(12 + 4 * index)
        start = struct.unpack(">L", handle.read(4))[0]
        handle.seek(start)
        head = handle.read(12)
    elif index != 0:
        return None
    tables = struct.unpack_from(">H", head, 4)[0]
    handle.seek(start + 12)
    records = handle.read(16 * tables)
    for n in range(tables):
        name, _, offset, length = struct.unpack_from(">4sLLL", records, 16 * n)
        if name == tag:
            handle.seek(offset)
            data = handle.read(length)
            return data if len(data) == length else None
    return None


def _best_coverage(cmap: bytes) -> list[int] | None:
    count = struct.unpack_from(">H", cmap, 2)[0]
    entries = [struct.unpack_from(">HHL", cmap, 4 + 8 * n) for n in range(count)]
    if any(offset + 8 > len(cmap) for _, _, offset in entries):
        return None  # fontTools refuses the table
    for wanted in _BEST:
        for platform, encoding, offset in entries:
            if (platform, encoding) != wanted:
                continue
            fmt = struct.unpack_from(">H", cmap, offset)[0]
            if fmt == 4:
                length = struct.unpack_from(">H", cmap, offset + 2)[0]
                if length == 0 or offset + length > len(cmap):
                    return None
                return _coverage_4(cmap[offset:offset + length])
            if fmt == 12:
                length, _, groups = struct.unpack_from(">LLL", cmap, offset + 4)
                if length != 16 + 12 * groups or offset + length > len(cmap):
                    return None
                return _coverage_12(cmap[offset:offset + length], groups)
            return None
    return None


# The coverage readers walk a subtable as the map readers below do, into a set: taking the
# keys of a map instead made a Noto CJK face's coverage 12 -> 25 ms (a 45,000-entry dict).
def _coverage_4(table: bytes) -> list[int] | None:
    segments = struct.unpack_from(">H", table, 6)[0] // 2
    if (len(table) - 16) % 2 or 16 + 8 * segments > len(table):
        return None
    ends = _numbers(table, 14, segments, "H")
    starts = _numbers(table, 16 + 2 * segments, segments, "H")
    deltas = _numbers(table, 16 + 4 * segments, segments, "H")
    ranges = _numbers(table, 16 + 6 * segments, segments, "H")
    indexes = _numbers(table, 16 + 8 * segments, (len(table) - 16 - 8 * segments) // 2, "H")
    found: set[int] = set()
    for n in range(segments - 1):  # as fontTools: not the last segment (0xFFFF)
        start, delta, offset = starts[n], deltas[n], ranges[n]
        codes = range(start, ends[n] + 1)
        if offset == 0:
            found.update(code for code in codes if (code + delta) & 0xFFFF)
            continue
        partial = offset // 2 - start + n - segments
        if codes and not (0 <= start + partial and ends[n] + partial < len(indexes)):
            return None  # fontTools raises: let it
        found.update(code for code in codes if indexes[code + partial] and (indexes[code + partial] + delta) & 0xFFFF)
    return sorted(found)


def _coverage_12(table: bytes, count: int) -> list[int]:
    groups = _numbers(table, 16, 3 * count, "L")
    starts, ends = groups[0::3], groups[1::3]
    if _ordered_apart(starts, ends):  # the usual table: its ranges, one after the other (6 -> 4 ms a Noto CJK face)
        codes: list[int] = []
        for start, end, glyph in zip(starts, ends, groups[2::3]):
            codes += range(start + 1 if glyph == 0 else start, end + 1)
        return codes
    found: set[int] = set()
    last_end = 0
    for n in range(0, len(groups), 3):
        start, end, glyph = groups[n], min(groups[n + 1], 0x10FFFF), groups[n + 2]
        if start > end or start < last_end:  # as fontTools (and HarfBuzz): such a group is skipped
            continue
        last_end = end
        found.update(range(start + 1 if glyph == 0 else start, end + 1))
    return sorted(found)


# --- a character map subtable as fontTools decompiles it ----------------------------------------


def subtable_map(fmt: int, data: bytes, groups: int = 0, only: Sequence[int] | None = None) -> dict[int, int] | None:
    """Code point → glyph index of a format 4 or 12 cmap subtable, as fontTools' decompile
    gives them (glyph 0 maps nothing; format 4 without its last segment, a later segment
    overriding an earlier one; format 12 groups clamped and unsorted ones skipped).
    ``data``: the subtable's bytes after its header, as fontTools keeps them before it
    decompiles (``subtable.data``), and for format 12 its number of ``groups``.  ``only``
    (sorted): the code points wanted, looked up range by range rather than the whole map
    built (a Noto CJK subtable maps 45,000: 10 ms).  None for anything else: fontTools
    decompiles it."""
    try:
        if fmt == 4:
            return _map_4(data, only)
        if fmt == 12:
            return _map_12(data, groups, only)
    except (ValueError, IndexError, OverflowError, struct.error):
        return None
    return None


def _codes(start: int, end: int, only: Sequence[int] | None) -> Sequence[int]:
    """The code points from ``start`` to ``end``, or those of them in ``only`` (sorted)."""
    if only is None:
        return range(start, end + 1)
    return only[bisect_left(only, start):bisect_right(only, end)]


def _map_4(data: bytes, only: Sequence[int] | None = None) -> dict[int, int] | None:
    segments = struct.unpack_from(">H", data, 0)[0] // 2
    if len(data) % 2 or 10 + 8 * segments > len(data):
        return None
    ends = _numbers(data, 8, segments, "H")
    starts = _numbers(data, 10 + 2 * segments, segments, "H")
    deltas = _numbers(data, 10 + 4 * segments, segments, "H")
    ranges = _numbers(data, 10 + 6 * segments, segments, "H")
    indexes = _numbers(data, 10 + 8 * segments, (len(data) - 10 - 8 * segments) // 2, "H")
    found: dict[int, int] = {}
    for n in range(segments - 1):  # as fontTools: not the last segment (0xFFFF)
        start, delta, offset = starts[n], deltas[n], ranges[n]
        codes = _codes(start, ends[n], only)
        if offset == 0:
            found.update((code, glyph) for code in codes if (glyph := (code + delta) & 0xFFFF))
            continue
        partial = offset // 2 - start + n - segments
        if start <= ends[n] and not (0 <= start + partial and ends[n] + partial < len(indexes)):
            return None  # fontTools raises: let it
        for code in codes:
            glyph = indexes[code + partial]
            if glyph and (glyph := (glyph + delta) & 0xFFFF):
                found[code] = glyph
    return found


def _map_12(data: bytes, count: int, only: Sequence[int] | None = None) -> dict[int, int]:
    groups = _numbers(data, 0, 3 * count, "L")
    if only is not None:
        looked_up = _looked_up_12(groups, only)
        if looked_up is not None:
            return looked_up
    found: dict[int, int] = {}
    last_end = 0
    for n in range(0, len(groups), 3):
        start, end, glyph = groups[n], min(groups[n + 1], 0x10FFFF), groups[n + 2]
        if start > end or start < last_end:
            continue
        last_end = end
        if glyph == 0:
            start, glyph = start + 1, 1
        if only is None:
            found.update(zip(range(start, end + 1), range(glyph, glyph + end + 1 - start)))
        else:
            found.update((code, glyph + code - start) for code in _codes(start, end, only))
    return found


def _looked_up_12(groups: Sequence[int], only: Sequence[int]) -> dict[int, int] | None:
    """``only``'s code points in the groups of a format 12 subtable, by bisection; None
    unless the groups are ordered, apart and within Unicode, when ``_map_12``'s pass over
    them (which skips and clamps as fontTools does) gives the same."""
    starts, ends, glyphs = groups[0::3], groups[1::3], groups[2::3]
    if not _ordered_apart(starts, ends):
        return None
    found: dict[int, int] = {}
    for code in only:
        k = bisect_right(starts, code) - 1
        if k >= 0 and code <= ends[k] and (glyph := glyphs[k] + code - starts[k]):  # glyph 0 maps nothing
            found[code] = glyph
    return found


def _ordered_apart(starts: Sequence[int], ends: Sequence[int]) -> bool:
    """Whether format 12 groups are in order, apart and within Unicode: none is then
    skipped or clamped, and none overrides another."""
    return (all(map(operator.le, starts, ends)) and all(map(operator.lt, ends[:-1], starts[1:]))
            and (not ends or ends[-1] <= 0x10FFFF))
