"""The CFF → TrueType conversion as it was before the speed-up (commit b02cb85), for
``test_fast_paths``: the subsetter subset the CFF table too (looking for accents and
removing hints in every charstring), then each glyph of the subset CFF was drawn.  A
conversion must still give these very bytes.
"""

from __future__ import annotations

import io
from pathlib import Path

from workplan_docs.writers.cff import _MAX_ERROR, _with_char_range


def to_truetype_before(path: Path, index: int, chars: list[int]) -> bytes:
    """A TrueType font holding the glyphs of ``chars`` (those the face has) of face ``index``.

    Layout tables go (reportlab does not shape); names, metrics and the embedding
    permission stay.  maxp becomes version 1.0 and post 2.0, as a glyf font needs.
    """
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["VORG", "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "DSIG", "vhea", "vmtx"]
    # Every table a PDF embeds stays the source face's, whatever characters are converted:
    # the same document then embeds the same bytes however large the cached copy has grown.
    options.prune_unicode_ranges = False
    options.prune_codepage_ranges = False
    font = TTFont(path, fontNumber=index, recalcBBoxes=False, recalcTimestamp=False)
    for tag in options.drop_tables:  # before the subsetter reads them: a CJK face's GSUB/GPOS cost 0.2 s
        if tag in font:
            del font[tag]
    first, last = font["OS/2"].usFirstCharIndex, font["OS/2"].usLastCharIndex
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    subsetter.subset(font)

    glyph_set = font.getGlyphSet()
    order = font.getGlyphOrder()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, _MAX_ERROR, reverse_direction=True))
        glyph = glyf.glyphs[name] = pen.glyph()
        glyph.recalcBounds(glyf)
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
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
    return _with_char_range(output.getvalue(), first, last)
