"""OpenType/CFF faces (.otf, Noto/Source Han CJK, Fandol) as TrueType fonts reportlab can embed.

reportlab embeds only ``glyf`` outlines.  Most free Chinese faces of the right style are
CFF: 思源宋体 (Noto Serif CJK) for titles, FandolFang for 仿宋.  This module subsets such a
face to the characters a build needs and redraws each glyph's cubic curves as quadratic
ones (``Cu2QuPen`` into ``TTGlyphPen``), giving a small TrueType font that prints the same
shapes.  fontTools is imported here only, and only when characters are converted: a
build whose characters are all in the cache never loads it (see ``font_cache``).
"""

from __future__ import annotations

import io
import mmap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import cff_table, sfnt

_MAX_ERROR = 1.0  # font units: the largest distance between a cubic curve and its quadratic copy
# Tables a TrueType copy leaves out: layout (reportlab does not shape), vertical metrics, signature.
_DROPPED = ("VORG", "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "DSIG", "vhea", "vmtx")


def is_cff(path: Path, index: int) -> bool:
    """Whether face ``index`` of ``path`` has CFF outlines (an .otf, or a .ttc of them)."""
    with path.open("rb") as handle:
        head = handle.read(16 + 4 * (index + 1))
        if head[:4] == b"OTTO":
            return True
        if head[:4] != b"ttcf" or len(head) < 16 + 4 * (index + 1):
            return False
        offset = int.from_bytes(head[12 + 4 * index:16 + 4 * index], "big")
        handle.seek(offset)
        return handle.read(4) == b"OTTO"


def coverage(path: Path, index: int) -> list[int]:
    """Every code point face ``index`` of ``path`` maps to a glyph, in order.

    The character map is read with arrays (``sfnt``: 3 ms instead of fontTools' 50 ms for a
    Noto CJK face, and no fontTools import); a map it does not read is fontTools', whose
    glyphs get placeholder names: their own come from the CFF table, whose reading was
    half of the 0.1 s this took for a CJK face of 65,000 glyphs.
    """
    codes = sfnt.unicode_coverage(path, index)
    if codes is not None:
        return codes
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        font.setGlyphOrder([f"g{glyph}" for glyph in range(font["maxp"].numGlyphs)])
        return sorted(font.getBestCmap())


def import_converter() -> None:
    """Import the parts of fontTools a conversion uses (0.1 s): once, before processes
    that convert side by side are forked, rather than once in each."""
    import fontTools.pens.cu2quPen
    import fontTools.pens.ttGlyphPen
    import fontTools.subset  # noqa: F401


def to_truetype(path: Path, index: int, chars: list[int]) -> bytes:
    """A TrueType font holding the glyphs of ``chars`` (those the face has) of face ``index``.

    Layout tables go (reportlab does not shape); names, metrics and the embedding
    permission stay.  maxp becomes version 1.0 and post 2.0, as a glyf font needs.
    """
    from fontTools.ttLib import TTFont

    # lazy: tables are read from the file as they are needed, not the whole file (a Noto CJK
    # collection is 26 MB: 20 ms) into memory first.
    with TTFont(path, fontNumber=index, recalcBBoxes=False, recalcTimestamp=False, lazy=True) as font, \
            _Outlines(path, index, font) as outlines:
        _subset(font, chars, outlines)
        return _with_char_range(*_converted_subset(font, outlines))


class _Outlines:
    """The glyphs of a CFF face, to be drawn as glyf data by ``charstrings``.

    A CID-keyed face (the CJK ones) is read by ``cff_table`` from the mapped file, so that
    neither the subsetter nor anything else has fontTools read its CFF table (25-30 ms of
    a Noto CJK face's conversion); another face's charstrings come from fontTools' glyph
    set.  A glyph ``charstrings`` does not read is drawn by fontTools' pens.
    """

    def __init__(self, path: Path, index: int, font: Any) -> None:
        self.path, self.index = path, index
        entry = font.reader.tables.get("CFF ")
        with path.open("rb") as handle:
            self._mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self.cid = cff_table.read(self._mapped, entry.offset, entry.length) if entry is not None else None
        if self.cid is not None and len(self.cid) != font["maxp"].numGlyphs:
            self.cid = None  # fontTools would not read it as it reads others
        self._names = font.getGlyphNameMany if self.cid is None else None
        self._number: dict[str, int] = {}
        self._glyph_set: Any = None  # fontTools', read only when needed

    def __enter__(self) -> _Outlines:
        return self

    def __exit__(self, *exc: object) -> None:
        self._mapped.close()

    def names(self, glyphs: list[int]) -> list[str]:
        """The glyph names fontTools gives these glyph numbers."""
        if self._names is not None:
            return self._names(glyphs)
        return [self.cid.name(glyph) for glyph in glyphs]

    def keep(self, font: Any, glyphs: set[int] | None) -> None:
        """Before the CFF table leaves ``font``: give it its glyph order, of ``glyphs`` only
        when the tables are cut to them (``_only``: then nothing reads another glyph), or
        take fontTools' glyph set of a face ``cff_table`` does not read."""
        if self.cid is None:
            self._glyph_set = font.getGlyphSet()  # the charstrings, and the widths as they are now
            return
        numbers = sorted(glyphs) if glyphs is not None else range(len(self.cid))
        names = self.names(list(numbers))
        font.setGlyphOrder(names)
        self._number = dict(zip(names, numbers))

    def glyph(self, name: str) -> Any:
        """A fontTools glyf glyph of the glyph named ``name``."""
        from fontTools.ttLib.tables._g_l_y_f import Glyph

        from . import charstrings

        try:
            if self.cid is not None:
                program = self.cid.program(self._number[name])
            else:
                program = charstrings.fonttools_program(self._glyph_set.charStrings[name])
            return Glyph(charstrings.glyph_data(*program, _MAX_ERROR))  # compiled: saved as it is
        except charstrings.Unsupported:
            return _quadratic(self._fonttools_glyph_set()[name])

    def _fonttools_glyph_set(self) -> Any:
        if self._glyph_set is None:
            from fontTools.ttLib import TTFont

            self._glyph_set = TTFont(self.path, fontNumber=self.index, lazy=True).getGlyphSet()
        return self._glyph_set


def _converted_subset(font: Any, outlines: _Outlines) -> tuple[bytes, int, int]:
    """The subset ``font`` saved with ``outlines``' glyphs as TrueType, and the source
    face's first and last character index."""
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        glyph = glyf.glyphs[name] = outlines.glyph(name)
        if not hasattr(glyph, "data"):  # drawn by fontTools
            glyph.recalcBounds(glyf)
    first, last = font["OS/2"].usFirstCharIndex, font["OS/2"].usLastCharIndex
    font["loca"] = newTable("loca")
    font.sfntVersion = "\x00\x01\x00\x00"

    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth",
                  "maxCompositePoints", "maxCompositeContours"):
        setattr(maxp, field, 0)
    # Bounds that hold for any glyph (a per-subset maximum would change with the subset).
    maxp.maxPoints = maxp.maxContours = 0xFFFF
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order

    output = io.BytesIO()
    font.save(output)
    return output.getvalue(), first, last


def _subset(font: Any, chars: list[int], outlines: _Outlines) -> None:
    """Subset ``font`` to ``chars``, without its CFF table.

    The CFF table leaves the font before the subsetter sees it: subsetting the charstrings
    ran each through fontTools' interpreter twice (looking for seac accents, removing
    hints), twice the cost of drawing it, for a table dropped afterwards.  Drawing reads
    the same charstrings, so the outlines are those the subset CFF held.  (A seac accent
    never converted: ``TTGlyphPen`` without a glyph set makes no composite glyph.)
    """
    from fontTools import subset

    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += _DROPPED
    # Every table a PDF embeds stays the source face's, whatever characters are converted:
    # the same document then embeds the same bytes however large the cached copy has grown.
    options.prune_unicode_ranges = False
    options.prune_codepage_ranges = False
    for tag in _DROPPED:  # before the subsetter reads them: a CJK face's GSUB/GPOS cost 0.2 s
        if tag in font:
            del font[tag]
    outlines.keep(font, _only(font, chars, outlines.names))
    del font["CFF "]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    subsetter.subset(font)


def _quadratic(outline: Any) -> Any:
    """A glyf glyph of a CFF glyph: its cubic curves drawn as quadratic ones, within
    ``_MAX_ERROR``, in TrueType's contour direction."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    pen = TTGlyphPen(None)
    outline.draw(Cu2QuPen(pen, _MAX_ERROR, reverse_direction=True))
    return pen.glyph()


def _with_char_range(data: bytes, first: int, last: int) -> bytes:
    """The font with OS/2's first and last character index put back to the source face's
    (fontTools sets them from the subset's cmap when it writes the table)."""
    tables = int.from_bytes(data[4:6], "big")
    for entry in range(12, 12 + 16 * tables, 16):
        if data[entry:entry + 4] == b"OS/2":
            offset = int.from_bytes(data[entry + 8:entry + 12], "big")
            patched = bytearray(data)
            patched[offset + 64:offset + 68] = first.to_bytes(2, "big") + last.to_bytes(2, "big")
            return bytes(patched)
    return data


# Tables whose glyphs the subsetter keeps are those of the character map (and .notdef) only.
_PLAIN = frozenset({"OS/2", "cmap", "head", "hhea", "hmtx", "maxp", "name", "post", "CFF ", "GlyphOrder"})


def _only(font: Any, chars: list[int], names: Callable[[list[int]], list[str]]) -> set[int] | None:
    """Give the subsetter ``font``'s character map and horizontal metrics already cut down
    to what it keeps, read with arrays (``sfnt.subtable_map``), instead of the whole tables
    fontTools would decompile for it: a Noto CJK face's format 4 and 12 subtables (75,000
    entries) and 65,535 metrics, then filtered entry by entry (0.1-0.15 s per conversion).

    The subtables keep every code point the subsetter may ask for: ``chars`` and their
    bidi mirrors (its ``bidi_closure``); the metrics, every glyph those map to and
    .notdef.  Whatever this does not read (another subtable format, a variation selector
    among the characters, a table that adds glyphs) is left to fontTools as before.
    Returns the glyph numbers the tables keep when both are cut (``names`` names glyphs).
    """
    from fontTools.unicodedata import mirrored

    import struct

    asked = set(chars)
    asked |= {mirror for mirror in map(mirrored, asked) if mirror is not None}
    try:
        if "cmap" not in font.reader or "hmtx" not in font.reader:
            return None
        cmap, glyphs = _cut_cmap(font, asked, names)
        if cmap is None:
            return None
        font["cmap"] = cmap
        if glyphs is not None and set(font.keys()) <= _PLAIN:
            metrics = _cut_metrics(font, glyphs, names)
            if metrics is not None:
                font["hmtx"] = metrics
                return glyphs
    except (KeyError, IndexError, ValueError, struct.error):
        pass  # a table that does not read so: the subsetter reads what is left as it always did
    return None


def _cut_cmap(font: Any, asked: set[int], names: Callable[[list[int]], list[str]]) -> tuple[Any, set[int] | None]:
    """The cmap table as fontTools decompiles it, its Unicode format 4 and 12 subtables
    holding only the code points of ``asked``; and the glyphs they map to (None when
    another subtable may map more).  (None, None) when the table is unusual."""
    import struct

    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    data = font.reader["cmap"]
    wanted = sorted(asked)
    if len(data) < 4:
        return None, None
    version, count = struct.unpack_from(">HH", data)
    table = newTable("cmap")
    table.tableVersion, table.tables = version, []
    seen: dict[int, Any] = {}
    cut: set[int] = set()  # offsets of the subtables cut down here
    glyphs: set[int] | None = {0}
    for n in range(count):
        if 4 + 8 * n + 8 > len(data):
            return None, None
        platform, encoding, offset = struct.unpack_from(">HHL", data, 4 + 8 * n)
        if offset + 8 > len(data):
            return None, None
        fmt, length = struct.unpack_from(">HH", data, offset)
        if fmt in (8, 10, 12, 13):
            length = struct.unpack_from(">L", data, offset + 4)[0]
        elif fmt in (14, 15):
            length = struct.unpack_from(">L", data, offset + 2)[0]
        subtable = CmapSubtable.newSubtable(fmt)
        subtable.platformID, subtable.platEncID = platform, encoding
        if not length or length < struct.calcsize(subtable.headerFormat) or offset + length > len(data):
            return None, None
        subtable.decompileHeader(data[offset:offset + length], font)
        if offset in seen:  # as fontTools: a subtable the directory names twice is decompiled once
            if offset not in cut:
                return None, None
            subtable.data, subtable.cmap = None, seen[offset].cmap
        else:
            seen[offset] = subtable
            if fmt in (4, 12) and subtable.isUnicode():
                mapped = sfnt.subtable_map(fmt, subtable.data, subtable.nGroups if fmt == 12 else 0, wanted)
                if mapped is None:
                    return None, None
                kept = [(code, glyph) for code, glyph in mapped.items() if code in asked]
                subtable.cmap = dict(zip((code for code, _ in kept),
                                         names([glyph for _, glyph in kept])))
                subtable.data = None
                cut.add(offset)
                if glyphs is not None:
                    glyphs.update(glyph for _, glyph in kept)
            elif subtable.isUnicode() and not (fmt == 14 and not _selects(subtable, asked)):
                glyphs = None  # a subtable this does not read may map other glyphs
        table.tables.append(subtable)
    return table, glyphs


def _selects(subtable: Any, asked: set[int]) -> bool:
    """Whether a format 14 subtable (variation sequences) has a selector among ``asked``."""
    data, count = subtable.data, subtable.numVarSelectorRecords
    if data is None or len(data) < 11 * count:
        return True
    return any(int.from_bytes(data[11 * n:11 * n + 3], "big") in asked for n in range(count))


def _cut_metrics(font: Any, glyphs: set[int], names: Callable[[list[int]], list[str]]) -> Any:
    """The hmtx table as fontTools decompiles it, holding ``glyphs`` only; None when the
    table is not as fontTools reads it without complaint."""
    import struct

    from fontTools.ttLib import newTable

    data = font.reader["hmtx"]
    count = font["maxp"].numGlyphs
    long_metrics = min(int(font["hhea"].numberOfHMetrics), count)
    if long_metrics == 0 or len(data) != 4 * long_metrics + 2 * (count - long_metrics):
        return None
    last = struct.unpack_from(">H", data, 4 * (long_metrics - 1))[0]
    metrics = {}
    numbers = sorted(glyphs)
    if numbers[-1] >= count:
        return None
    for glyph, name in zip(numbers, names(numbers)):
        if glyph < long_metrics:
            metrics[name] = struct.unpack_from(">Hh", data, 4 * glyph)
        else:
            metrics[name] = (last, struct.unpack_from(">h", data, 4 * long_metrics + 2 * (glyph - long_metrics))[0])
    table = newTable("hmtx")
    table.metrics = metrics
    return table
