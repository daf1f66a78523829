"""The CFF table of a CID-keyed face (Noto CJK, Source Han, Fandol) read for a conversion:
each glyph's name as fontTools names it, and its charstring with the subroutines it may call.

fontTools' cffLib reads the 65,536 charstring offsets of a Noto CJK face one read at a time
and names every glyph before the first is drawn (25-30 ms a face), for a conversion that
draws a few hundred.  This reads the table's dictionaries and offsets as arrays, and only
the charstrings asked for.  A name-keyed font, a predefined charset, CFF2 or anything
unusual gives None, and fontTools reads the table as before.
"""

from __future__ import annotations

import struct
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from sys import byteorder
from typing import Any

_CHARSET, _CHARSTRINGS, _PRIVATE, _SUBRS = 15, 17, 18, 19
# Two-byte DICT operators (12 x) are keyed 1200 + x.
_CHARSTRING_TYPE, _ROS, _FD_ARRAY, _FD_SELECT = 1206, 1230, 1236, 1237


class Index:
    """The items of a CFF INDEX at ``start`` of ``data`` (bytes or an mmap), by number."""

    def __init__(self, data: Any, start: int) -> None:
        self.data = data
        count = int.from_bytes(data[start:start + 2], "big")
        if count == 0:
            self.offsets: Sequence[int] = ()
            self.end = start + 2
            return
        size = data[start + 2]
        raw = data[start + 3:start + 3 + (count + 1) * size]
        if not 1 <= size <= 4 or len(raw) != (count + 1) * size:
            raise ValueError("INDEX")
        self.offsets = _offsets(raw, size)
        self.base = start + 2 + (count + 1) * size  # offsets count from 1
        self.end = self.base + self.offsets[-1]
        if self.offsets[0] != 1 or self.end > len(data):
            raise ValueError("INDEX")

    def __len__(self) -> int:
        return max(len(self.offsets) - 1, 0)

    def __getitem__(self, item: int) -> bytes:
        if not 0 <= item < len(self):
            raise IndexError(item)
        return bytes(self.data[self.base + self.offsets[item]:self.base + self.offsets[item + 1]])


def _offsets(raw: bytes, size: int) -> array:
    """Big-endian unsigned numbers of ``size`` bytes (1-4), as one array."""
    if size == 3:  # widened to four bytes by slice assignment, not number by number
        wide = bytearray(len(raw) // 3 * 4)
        wide[1::4], wide[2::4], wide[3::4] = raw[0::3], raw[1::3], raw[2::3]
        raw, size = bytes(wide), 4
    numbers = array({1: "B", 2: "H", 4: "I"}[size])
    numbers.frombytes(raw)
    if size > 1 and byteorder != "big":
        numbers.byteswap()
    return numbers


def _dict(data: bytes) -> dict[int, list[float]]:
    """A CFF DICT: operator (12 x as 1200 + x) → its operands (a real number as 0.0: the
    ones read here are integers)."""
    entries: dict[int, list[float]] = {}
    operands: list[float] = []
    i = 0
    while i < len(data):
        b0 = data[i]
        i += 1
        if b0 <= 21:
            if b0 == 12:
                b0 = 1200 + data[i]
                i += 1
            entries[b0], operands = operands, []
        elif 32 <= b0 <= 246:
            operands.append(b0 - 139)
        elif 247 <= b0 <= 250:
            operands.append((b0 - 247) * 256 + data[i] + 108)
            i += 1
        elif 251 <= b0 <= 254:
            operands.append(-(b0 - 251) * 256 - data[i] - 108)
            i += 1
        elif b0 == 28 or b0 == 29:
            width = 2 if b0 == 28 else 4
            operands.append(int.from_bytes(data[i:i + width], "big", signed=True))
            i += width
        elif b0 == 30:  # a real number: nibbles up to an 0xF
            while data[i] & 0x0F != 0x0F and data[i] >> 4 != 0x0F:
                i += 1
            i += 1
            operands.append(0.0)
        else:
            raise ValueError("DICT")
    return entries


class CidFont:
    """A CID-keyed CFF font: glyph names and charstrings by glyph number."""

    def __init__(self, charstrings: Index, cids: Sequence[int], fd_starts: Sequence[int], fds: Sequence[int],
                 local_subrs: list[Index], global_subrs: Index) -> None:
        self.charstrings, self.cids = charstrings, cids
        self.fd_starts, self.fds = fd_starts, fds  # FDSelect as ranges: first glyph → font dict
        self.local_subrs, self.global_subrs = local_subrs, global_subrs

    def __len__(self) -> int:
        return len(self.charstrings)

    def name(self, glyph: int) -> str:
        """The name fontTools gives the glyph (its charset's CID)."""
        return ".notdef" if glyph == 0 else f"cid{self.cids[glyph]:05d}"

    def program(self, glyph: int) -> tuple[bytes, Index, Index]:
        """The glyph's charstring, its font dict's local subroutines and the global ones."""
        fd = self.fds[bisect_right(self.fd_starts, glyph) - 1]
        return self.charstrings[glyph], self.local_subrs[fd], self.global_subrs


def read(data: Any, start: int, length: int) -> CidFont | None:
    """The CID-keyed CFF table at ``start`` of ``data`` (bytes or an mmap of the font file),
    or None when it is anything else or does not read as expected."""
    try:
        return _read(data, start, start + length)
    except (ValueError, IndexError, KeyError, TypeError, struct.error):
        return None


def _read(data: Any, start: int, end: int) -> CidFont | None:
    if end > len(data) or data[start] != 1:
        return None
    names = Index(data, start + data[start + 2])
    tops = Index(data, names.end)
    strings = Index(data, tops.end)
    global_subrs = Index(data, strings.end)
    if len(tops) != 1:
        return None
    top = _dict(tops[0])
    if _ROS not in top or top.get(_CHARSTRING_TYPE, [2]) != [2]:
        return None
    charstrings = Index(data, start + int(top[_CHARSTRINGS][0]))
    count = len(charstrings)
    cids = _charset(data, start, int(top.get(_CHARSET, [0])[0]), count)
    fd_starts, fds = _fd_select(data, start + int(top[_FD_SELECT][0]), count)
    fonts = Index(data, start + int(top[_FD_ARRAY][0]))
    local_subrs = []
    for number in range(len(fonts)):
        size, offset = (int(value) for value in _dict(fonts[number])[_PRIVATE])
        private = _dict(bytes(data[start + offset:start + offset + size]))
        local_subrs.append(Index(data, start + offset + int(private[_SUBRS][0])) if _SUBRS in private
                           else Index(b"\0\0", 0))
    if cids is None or any(fd >= len(fonts) for fd in fds) or max(charstrings.end, global_subrs.end) > end:
        return None
    return CidFont(charstrings, cids, fd_starts, fds, local_subrs, global_subrs)


def _charset(data: Any, start: int, offset: int, count: int) -> Sequence[int] | None:
    """Glyph number → CID (glyph 0: CID 0); None for a predefined charset, or one naming
    a CID twice (fontTools would rename the second)."""
    if offset <= 2:
        return None
    at = start + offset
    fmt = data[at]
    if fmt == 0:
        cids = array("L", [0]) + array("L", _offsets(bytes(data[at + 1:at + 1 + 2 * (count - 1)]), 2))
    elif fmt in (1, 2):
        cids = array("L", [0])
        step = 3 if fmt == 1 else 4
        at += 1
        while len(cids) < count:
            first = int.from_bytes(data[at:at + 2], "big")
            left = data[at + 2] if fmt == 1 else int.from_bytes(data[at + 2:at + 4], "big")
            cids.extend(range(first, first + left + 1))
            at += step
    else:
        return None
    if len(cids) != count or len(set(cids)) != count:
        return None
    return cids


def _fd_select(data: Any, at: int, count: int) -> tuple[Sequence[int], Sequence[int]]:
    """FDSelect as the first glyph of each run and the font dict of the run."""
    fmt = data[at]
    if fmt == 0:
        fds = bytes(data[at + 1:at + 1 + count])
        if len(fds) != count:
            raise ValueError("FDSelect")
        return range(count), fds
    if fmt != 3:
        raise ValueError("FDSelect")
    ranges = int.from_bytes(data[at + 1:at + 3], "big")
    starts = [int.from_bytes(data[at + 3 + 3 * n:at + 5 + 3 * n], "big") for n in range(ranges + 1)]
    fds = [data[at + 5 + 3 * n] for n in range(ranges)]
    if not ranges or starts[0] != 0 or starts[-1] != count or any(a >= b for a, b in zip(starts, starts[1:])):
        raise ValueError("FDSelect")
    return starts[:-1], fds
