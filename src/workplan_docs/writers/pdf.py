"""PDF writer: ``layout.Document`` + ``Style`` → a PDF laid out per GB/T 9704-2012 (reportlab).

Pages are filled by a small page filler of this module on a reportlab ``Canvas``, not
by platypus: importing platypus alone took a fifth of a one-page build, and its frames
and templates did nothing the filler does not.  Text is set by this module too rather
than by reportlab's ``Paragraph``:
reportlab's CJK wrap lets "，；：！？》”" start a line and "（《“" end one, re-measures
every character with ``stringWidth`` on each of the three or four wraps a table cell
gets, and parses markup that plain text does not need (so no escaping can go wrong).
Here each text is broken once per width by the Chinese rules (避头尾: a closing mark
may hang into a paragraph's right margin, as Word and LibreOffice hang it; in a table
cell, where LibreOffice never hangs it, the break moves back), with a width table per
font and the character spacing of the style's character grid.  A character the role's face
lacks (a traditional one in a GB2312 face) is measured and drawn in the first face of the
role's fallback chain that has it (``FontChoice.fallbacks``); only the lines holding such a
character are cut into runs of one face.

Long tables are laid out page by page: every row is measured once, and each page gets a
block of the header rows and the body rows that fit whole, so the work grows linearly
with the rows, the header repeats on every page and a row is only torn when it is taller
than a page (then it is split between lines, 跨页断行).  The page's rows are drawn
directly (fills, texts, rules) rather than through a reportlab ``Table``, whose per-cell
styles and state changes were a fifth of a long table's time.
"""

from __future__ import annotations

import io
import zlib
from bisect import bisect_right
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timezone
from functools import lru_cache
from itertools import accumulate, groupby
from typing import Any, Collection, Iterator, Mapping, NamedTuple, Protocol

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFStreamFilterZCompress
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .. import layout
from ..linebreak import NO_END, NO_START, break_allowed
from ..style import Margins, Style
from .font_cache import widths_by_code
from .fonts import FontChoice, resolve_fonts, role_characters
from .reproducible import build_date

_HANGING = frozenset("，。、；：！？")  # small marks that may hang past the end of a paragraph's line
_FUZZ = 1e-6
_ROOM_MARGIN = 0.01  # points kept free under a page's rows, so rounding never fails the fit test


@lru_cache(maxsize=None)
def _stand_ins(font: str, fallback: tuple[str, ...]) -> dict[str, TTFont]:
    """The face drawing each character that the registered TTF ``font`` lacks: the first
    of the faces named ``fallback`` that has it."""
    own = pdfmetrics.getFont(font).face.charWidths
    faces: dict[str, TTFont] = {}
    for name in reversed(fallback):
        face = pdfmetrics.getFont(name)
        faces.update(dict.fromkeys(map(chr, face.face.charWidths.keys() - own.keys()), face))
    return faces


class _Advances(dict[int, float]):
    """Advance widths in 1/1000 em by code point, filled in as characters are measured:
    one not measured before is looked up in the face's widths (``widths_by_code``: the
    dict of a CJK face's 42,000 widths is never built for the few hundred a document
    prints), and one the face lacks gets the face's default width."""

    def __init__(self, face: Mapping[int, float], default: float, drawn: dict[int, float]):
        super().__init__(drawn)
        self.face, self.default = face, default

    def __missing__(self, code: int) -> float:
        width = self[code] = self.face.get(code, self.default)
        return width


@lru_cache(maxsize=None)
def _widths(font: str, fallback: tuple[str, ...]) -> _Advances:
    """The advance widths of a registered TTF; a character it lacks has the advance of
    the fallback face that draws it, else the face's default width."""
    face = pdfmetrics.getFont(font).face
    drawn = {}
    if fallback:
        drawn = {ord(c): widths_by_code(other.face)[ord(c)] for c, other in _stand_ins(font, fallback).items()}
    return _Advances(widths_by_code(face), face.defaultWidth, drawn)


class _WithFallback:
    """A face whose missing characters are drawn in other faces, used as ``_Text.draw_at``
    uses one face: ``splitString`` cuts a text into chunks of one embedded subset, each
    keyed by (face, subset), and ``getSubsetInternalName`` names that subset's PDF font."""

    def __init__(self, font: TTFont, stand_ins: dict[str, TTFont]):
        self.font, self.stand_ins = font, stand_ins

    def splitString(self, text: str, doc: Any) -> list[tuple[tuple[TTFont, int], str]]:
        if self.stand_ins.keys().isdisjoint(text):  # most lines: all in the face itself
            runs = [(self.font, text)]
        else:
            runs = [(face, "".join(run)) for face, run in groupby(text, lambda c: self.stand_ins.get(c, self.font))]
        return [((face, subset), chunk) for face, run in runs for subset, chunk in face.splitString(run, doc)]

    def getSubsetInternalName(self, key: tuple[TTFont, int], doc: Any) -> str:
        face, subset = key
        return face.getSubsetInternalName(subset, doc)


@lru_cache(maxsize=None)
def _drawing_font(font: str, fallback: tuple[str, ...]) -> TTFont | _WithFallback:
    """The registered TTF ``font``, or with ``fallback`` faces the face that draws each
    character in the first of them that has it."""
    if not fallback:
        return pdfmetrics.getFont(font)
    return _WithFallback(pdfmetrics.getFont(font), _stand_ins(font, fallback))


def _break_line(
    text: str, first: float, rest: float, widths: _Advances, size: float, spacing: float, hanging: bool,
) -> list[tuple[str, float]]:
    """One hard line broken into lines of at most ``first`` then ``rest`` points, each
    with its width in points; ``widths`` are the advances by code point (``_widths``);
    ``spacing`` points follow every character (the character grid).

    A line that would start with a small closing mark takes it along, hanging past the
    line end, when ``hanging`` (a paragraph's line, as Word and LibreOffice hang it into
    the margin); otherwise the break moves back to the nearest allowed place (or stays,
    when a whole line offers none).  The line ends are found by bisecting the running sum
    of the advances, so the per-character work is a lookup and an addition done by the
    interpreter's C loops.
    """
    scale = 0.001 * size
    n = len(text)
    advances = map(widths.__getitem__, map(ord, text))
    if spacing:
        advances = map((spacing / scale).__add__, advances)
    ends = [0.0, *accumulate(advances)]  # ends[k]: advance of text[:k], in 1/1000 em
    lines: list[tuple[str, float]] = []
    start, limit = 0, first
    while True:
        # The first character that does not fit; a line holds at least one character.
        i = max(bisect_right(ends, ends[start] + (limit + _FUZZ) / scale, start + 1) - 1, start + 1)
        if i >= n:
            lines.append((text[start:], (ends[n] - ends[start]) * scale))
            return lines
        hangs = hanging and text[i] in _HANGING and (i + 1 == n or text[i + 1] not in NO_START)
        if hangs and text[i - 1] not in NO_END:
            cut = i + 1
        else:
            cut = next((b for b in range(i, start, -1) if break_allowed(text, b)), i)
        lines.append((text[start:cut], (ends[cut] - ends[start]) * scale))
        start, limit = cut, rest


class _Look(NamedTuple):
    """How a text is set: face, size, line pitch, alignment, first-line indent (points)."""

    font: str
    fallback: tuple[str, ...]  # faces for the characters ``font`` lacks, first that has one draws it
    size: float
    leading: float
    align: str  # left, center, right or justify
    indent: float = 0.0
    spacing: float = 0.0  # points after every character (the character grid; negative: tighter)
    hanging: bool = False  # a small closing mark may hang past the line end (paragraphs, not cells)
    right: float = 0.0  # kept free at the right of every line (points)
    rest: float = 0.0  # indent of the lines after the first (points): a hanging indent
    color: str | None = None  # "RRGGBB"; None: black

    @property
    def baseline(self) -> float:
        """Distance from the top of a line box to its baseline: the font's ascent-to-descent
        box centred in the line, so glyphs sit in the middle of each grid line."""
        face = pdfmetrics.getFont(self.font).face
        box = (face.ascent - face.descent) / 1000 * self.size
        return (self.leading - box) / 2 + face.ascent / 1000 * self.size


class _Line(NamedTuple):  # a 10,000-row table has a few hundred thousand lines
    text: str
    width: float  # points, at the look's size
    indent: float
    last: bool  # the last line of a hard line: never justified


def _lines(text: str, width: float, look: _Look) -> list[_Line]:
    result: list[_Line] = []
    # Fonts have no glyph for a tab or a carriage return: a tab prints as the space it
    # stands for, a CR (alone or before LF) ends the line as Word and Excel show it.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    widths, rest = _widths(look.font, look.fallback), look.rest
    for hard in text.split("\n"):
        broken = _break_line(hard, width - look.right - look.indent, width - look.right - rest, widths, look.size,
                             look.spacing, look.hanging)
        last = len(broken) - 1
        result.extend(
            _Line(line, used, look.indent if k == 0 else rest, k == last) for k, (line, used) in enumerate(broken)
        )
    return result


class _Block(Protocol):
    """What the page filler places: measured at a width, torn to fit a room, drawn at a point."""

    def wrap(self, width: float) -> float:
        """The height at ``width`` (points)."""

    def split(self, width: float, room: float) -> list[_Block]:
        """The part that fits in ``room`` points of height and the rest; [] when nothing fits."""

    def draw_at(self, canvas: Canvas, x: float, y: float) -> None:
        """Draw with the bottom left corner at (``x``, ``y``)."""


class _Space:
    """Vertical space (before and after a title); it does not carry over a page end."""

    def __init__(self, height: float):
        self.height = height

    def wrap(self, width: float) -> float:
        return self.height

    def split(self, width: float, room: float) -> list[_Block]:
        return [_Space(0.0)]

    def draw_at(self, canvas: Canvas, x: float, y: float) -> None:
        pass


class _Text:
    """Plain text in one face, broken by the Chinese line rules once per width."""

    __slots__ = ("text", "look", "_broken", "_for_width", "width", "height")  # a 10,000-row table has 70,000

    def __init__(self, text: str, look: _Look, lines: list[_Line] | None = None, width: float | None = None):
        self.text, self.look = text, look
        self._broken = lines or []
        self._for_width = width
        self.width = self.height = 0.0

    def wrap(self, width: float) -> float:
        if width != self._for_width:
            self._broken = _lines(self.text, width, self.look) if self.text else []
            self._for_width = width
        self.width, self.height = width, len(self._broken) * self.look.leading
        return self.height

    def split(self, width: float, room: float) -> list[_Block]:
        self.wrap(width)
        fit = int((room + _FUZZ) // self.look.leading)
        if fit <= 0:
            return []
        if fit >= len(self._broken):
            return [self]
        return [self._part(self._broken[:fit]), self._part(self._broken[fit:])]

    def _part(self, lines: list[_Line]) -> _Text:
        return _Text("\n".join(line.text for line in lines), self.look, lines, self._for_width)

    def draw_at(self, canvas: Canvas, x: float, y: float) -> None:
        """One text object per text; a line moves by ``T*`` (and ``Td`` when its start
        differs), which keeps the page stream small: big tables are mostly these lines.

        The operators are written here, exactly as reportlab's text object writes them
        for a TrueType face on a bottom-up canvas, because the text object looks the font
        up again and formats its settings anew for every line: that was a third of the
        time of a long table.  ``splitString`` assigns each character its place in the
        embedded subsets, as the text object would (a character the face lacks: in a
        fallback face's subsets, ``_WithFallback``).  The graphics state is left as it
        was (no save and restore needed around it).
        """
        look = self.look
        font, doc = _drawing_font(look.font, look.fallback), canvas._doc
        font_setting = f"{fp_str(look.size)} Tf {fp_str(look.leading)} TL"
        subset_fonts: dict[Any, str] = {}  # subset key (see ``splitString``) → its font setting
        code = ["BT", f"1 0 0 1 {fp_str(x, y + self.height - look.baseline)} Tm"]
        if look.color:
            code.insert(0, f"{fp_str(*colors.HexColor('#' + look.color).rgb())} rg")
        start, spacing, subset_set = 0.0, 0.0, -1
        for line in self._broken:
            used = line.width
            room = self.width - line.indent - look.right
            offset = line.indent + {"center": (room - used) / 2, "right": room - used}.get(look.align, 0.0)
            wanted = look.spacing
            if look.align == "justify" and not line.last and len(line.text) > 1 and 0 < room - used <= look.size:
                # Stretched by at most one character's width; a shorter line stays ragged.
                wanted += (room - used) / (len(line.text) - 1)
            if wanted != spacing:
                code.append(f"{fp_str(wanted)} Tc")
                spacing = wanted
            if offset != start:
                code.append(f"{fp_str(offset - start, 0)} Td")
                start = offset
            shown = []
            for subset, chunk in font.splitString(line.text, doc):
                if subset != subset_set:
                    if subset not in subset_fonts:
                        subset_fonts[subset] = f"{font.getSubsetInternalName(subset, doc)} {font_setting}"
                    shown.append(subset_fonts[subset])
                    subset_set = subset
                shown.append(f"({escapePDF(chunk)}) Tj")
            code.append(f"{' '.join(shown)} T*")
        if spacing:  # the character spacing is part of the graphics state
            code.append("0 Tc")
        code.append("ET")
        if look.color:
            code.append("0 0 0 rg")
        canvas.addLiteral(" ".join(code))


class _LineWithRight(_Text):
    """One line with pieces of text set flush right on it ("… 2010年7月2日印发"), each
    (text, face) in the line's size and character spacing."""

    __slots__ = ("right_spans",)

    def __init__(self, text: str, look: _Look, right_spans: list[tuple[str, str]]):
        super().__init__(text, look)
        self.right_spans = right_spans

    def wrap(self, width: float) -> float:
        """One line high, also when the text on the left is empty (a line of 签发人 names alone)."""
        self.height = max(super().wrap(width), self.look.leading)
        return self.height

    def draw_at(self, canvas: Canvas, x: float, y: float) -> None:
        super().draw_at(canvas, x, y)
        look = self.look
        advances = [pdfmetrics.stringWidth(text, font, look.size) + look.spacing * len(text)
                    for text, font in self.right_spans]
        start = x + self.width - look.right - sum(advances)
        for (text, font), advance in zip(self.right_spans, advances):
            canvas.setFont(font, look.size)
            canvas.drawString(start, y + self.height - look.baseline, text, charSpace=look.spacing)
            start += advance


class _Rule:
    """A horizontal rule across the type area, ``space`` points below what precedes it."""

    def __init__(self, weight: float, color: str, space: float):
        self.weight, self.color, self.space = weight, color, space
        self.width = 0.0

    def wrap(self, width: float) -> float:
        self.width = width
        return self.space + self.weight

    def split(self, width: float, room: float) -> list[_Block]:
        return []

    def draw_at(self, canvas: Canvas, x: float, y: float) -> None:
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#" + self.color))
        canvas.setLineWidth(self.weight)
        canvas.line(x, y + self.weight / 2, x + self.width, y + self.weight / 2)
        canvas.restoreState()


@dataclass(slots=True)
class _Row:
    """A table row: cells (``""`` where a span covers), the span of each position (0 where
    covered), background fills (first column, last column, colour), measured height,
    the positions whose cell continues the one above (``merged``), the height of the
    row without the cells of merged runs (``own``), and whether the row stays on the
    page of the row below (``keep``: a group heading)."""

    cells: list[Any]
    spans: list[int]
    fills: list[tuple[int, int, colors.Color]]
    height: float = 0.0
    merged: list[bool] = field(default_factory=list)
    own: float = 0.0
    keep: bool = False


@dataclass
class _TableSpec:
    col_widths: list[float]
    header: list[_Row]
    rows: list[_Row]
    border: float  # rule width, points
    padding: tuple[float, float, float, float]  # left, right, top, bottom
    frame_height: float
    prefix: list[float] = field(default_factory=lambda: [0.0])  # prefix[i]: height of rows[:i]

    def cell_width(self, column: int, span: int) -> float:
        return sum(self.col_widths[column:column + span]) - self.padding[0] - self.padding[1]

    merges: bool = False  # some body cell continues the one above it

    def measure(self, row: _Row, skip: Collection[int] = ()) -> None:
        """The row's height; cells at positions ``skip`` (in merged runs) are wrapped but
        left out, ``fit_runs`` makes room for them."""
        heights = [cell.wrap(self.cell_width(c, span)) if span else 0.0
                   for c, (cell, span) in enumerate(zip(row.cells, row.spans))]
        inner = max((h for c, h in enumerate(heights) if c not in skip), default=0.0)
        # The rule is counted in, as Word and LibreOffice count a cell's border in its row.
        row.height = row.own = inner + self.padding[2] + self.padding[3] + self.border

    def fit_runs(self, rows: list[_Row]) -> list[_Row]:
        """``rows`` as they stand together on a page: where cells merge down, the last row
        of each run grows until the merged text fits; a run cut at the top of the page
        prints its text again.  Returns new rows when heights change, never alters ``rows``."""
        if not self.merges or not rows:
            return rows
        heights = [row.own for row in rows]
        for c in range(len(self.col_widths)):
            start = 0
            for k in range(1, len(rows) + 1):
                if k < len(rows) and rows[k].merged and rows[k].merged[c]:
                    continue
                if k - start > 1:
                    need = rows[start].cells[c].height + self.padding[2] + self.padding[3] + self.border
                    heights[k - 1] += max(need - sum(heights[start:k]), 0.0)
                start = k
        return [row if row.height == h else replace(row, height=h) for row, h in zip(rows, heights)]

    def table(self, rows: list[_Row]) -> _PageTable:
        """One page of the table: the header rows, then ``rows``."""
        return _PageTable(self, self.header + self.fit_runs(rows))


class _PageTable:
    """Rows of a table that fit on one page, drawn directly: fills, then each text centred
    vertically in its padded cell, then the rules (as reportlab's GRID draws them)."""

    def __init__(self, spec: _TableSpec, rows: list[_Row]):
        self.spec, self.rows = spec, rows
        self.width, self.height = sum(spec.col_widths), sum(row.height for row in rows)

    def wrap(self, width: float) -> float:
        return self.height

    def split(self, width: float, room: float) -> list[_Block]:
        return []  # made to fit its page

    def draw_at(self, canvas: Canvas, x: float, y: float) -> None:
        canvas.saveState()
        canvas.translate(x, y)
        self._draw(canvas)
        canvas.restoreState()

    def _draw(self, canvas: Canvas) -> None:
        left, _right, top, bottom = self.spec.padding
        edges = [0.0, *accumulate(self.spec.col_widths)]
        tops = [self.height, *(self.height - used for used in accumulate(row.height for row in self.rows))]
        canvas.saveState()
        for row, y in zip(self.rows, tops[1:]):
            for first, last, colour in row.fills:
                canvas.setFillColor(colour)
                canvas.rect(edges[first], y, edges[last + 1] - edges[first], row.height, stroke=0, fill=1)
        canvas.restoreState()
        merged = self._merged()
        for index, (row, y) in enumerate(zip(self.rows, tops[1:])):
            for column, (cell, span) in enumerate(zip(row.cells, row.spans)):
                if not span or merged[index][column]:
                    continue  # covered, or printed by the cell it continues
                end = index + 1  # a merged cell is centred in the rows it covers on this page
                while end < len(self.rows) and merged[end][column]:
                    end += 1
                middle = (tops[end] + bottom + tops[index] - top) / 2  # reportlab's MIDDLE
                cell.draw_at(canvas, edges[column] + left, middle - cell.height / 2)
        self._rules(canvas, edges, tops)

    def _merged(self) -> list[list[bool]]:
        """Per row and position: does the cell continue the one above it on this page?  Not
        in the header, nor in the first body row (it prints a cut merged cell again)."""
        first = len(self.spec.header)
        columns = len(self.spec.col_widths)
        return [row.merged if index > first and row.merged else [False] * columns
                for index, row in enumerate(self.rows)]

    def _rules(self, canvas: Canvas, edges: list[float], tops: list[float]) -> None:
        """Every row boundary across the table, and each column edge down every run of
        rows where a cell starts there (spanned cells have no rule inside)."""
        last = len(edges) - 1
        path = canvas.beginPath()
        merged = self._merged()
        for index, y in enumerate(tops):
            below = merged[index] if index < len(self.rows) else []
            if not any(below):
                path.moveTo(0, y)
                path.lineTo(self.width, y)
                continue
            for k in range(last):  # no rule inside a merged cell
                if not below[k]:
                    path.moveTo(edges[k], y)
                    path.lineTo(edges[k + 1], y)
        for k, x in enumerate(edges):
            run: float | None = None
            for row, y in zip(self.rows, tops):
                if k in (0, last) or row.spans[k]:
                    run = y if run is None else run
                elif run is not None:
                    path.moveTo(x, run)
                    path.lineTo(x, y)
                    run = None
            if run is not None:
                path.moveTo(x, run)
                path.lineTo(x, tops[-1])
        canvas.saveState()
        canvas.setLineWidth(self.spec.border)
        canvas.setStrokeColor(colors.black)
        canvas.setLineCap(2)  # square ends close the corners
        canvas.drawPath(path, stroke=1, fill=0)
        canvas.restoreState()


class _TableRun:
    """The rows of a layout table from ``start`` on (after ``lead``, the rest of a row torn
    at the previous page end), cut into one ``_PageTable`` per page, which holds only rows
    that fit there."""

    def __init__(self, spec: _TableSpec, start: int = 0, lead: _Row | None = None):
        self.spec, self.start, self.lead = spec, start, lead

    def _rows(self) -> Iterator[tuple[_Row, int]]:
        """The rows left, each with 1 when it is a body row of the spec (0 for ``lead``)."""
        if self.lead:
            yield self.lead, 0
        rows = self.spec.rows
        for i in range(self.start, len(rows)):
            yield rows[i], 1

    def wrap(self, width: float) -> float:
        spec = self.spec
        header = sum(r.height for r in spec.header)
        if self.lead:
            return header + self.lead.height + spec.prefix[-1] - spec.prefix[self.start]
        # A merged run cut at the top prints its text again and may need more room; the
        # rows after it stand as measured for the whole table.
        end = self.start
        while end < len(spec.rows) and any(spec.rows[end].merged):
            end += 1
        leading = sum(r.height for r in spec.fit_runs(spec.rows[self.start:end]))
        return header + leading + spec.prefix[-1] - spec.prefix[end]

    def lead_height(self, width: float) -> float:
        """The header rows and the first body row (with the row below a group heading):
        what a heading above the table is kept with."""
        rows = [row for row, _ in self._rows()][:2]
        keep = rows[: 2 if rows and rows[0].keep else 1]
        return sum(r.height for r in self.spec.header) + sum(r.height for r in self.spec.fit_runs(keep))

    def split(self, width: float, room: float) -> list[_Block]:
        """This page's Table of the rows that fit whole, and the run of the rest.  A row that
        does not fit moves to the next page; one taller than any page is torn between lines
        where it is the first row of a page, after its group heading if any (Word and
        LibreOffice, too, start it on a new page).  A group heading row never ends a page."""
        spec = self.spec
        header = sum(r.height for r in spec.header)
        room -= header
        taken: list[_Row] = []
        bodies: list[int] = []
        used, lead = 0.0, None
        for row, body in self._rows():
            height = sum(r.height for r in spec.fit_runs([*taken, row])) if spec.merges else used + row.height
            if height > room - _ROOM_MARGIN:
                if all(r.keep for r in taken) and row.height > spec.frame_height - header - _ROOM_MARGIN:
                    head, lead = self._tear(row, room - used)
                    if head is not None:
                        taken.append(head)
                        bodies.append(body)
                break
            taken.append(row)
            bodies.append(body)
            used = height
        while len(taken) > 1 and taken[-1].keep and lead is None and self.start + sum(bodies) < len(spec.rows):
            taken.pop()
            bodies.pop()
        if not taken:
            return []
        position = self.start + sum(bodies)
        rest = [_TableRun(spec, position, lead)] if lead or position < len(spec.rows) else []
        return [spec.table(taken), *rest]

    def _tear(self, row: _Row, room: float) -> tuple[_Row | None, _Row | None]:
        """A row taller than a page, cut between lines so that its first part fills ``room``."""
        spec = self.spec
        inner = room - spec.padding[2] - spec.padding[3] - spec.border - _ROOM_MARGIN
        heads, tails = [], []
        for c, (cell, span) in enumerate(zip(row.cells, row.spans)):
            parts = cell.split(spec.cell_width(c, span), inner) if span else [cell, cell]
            if not parts:
                return None, None
            heads.append(parts[0])
            tails.append(parts[1] if len(parts) > 1 else _Text("", cell.look))
        head = _Row(heads, row.spans, row.fills, merged=row.merged)
        tail = _Row(tails, row.spans, row.fills, merged=row.merged)
        spec.measure(head)
        spec.measure(tail)
        return head, tail

    def draw_at(self, canvas: Canvas, x: float, y: float) -> None:
        self.spec.table([row for row, _body in self._rows()]).draw_at(canvas, x, y)


_ROLE_ALIGN = {"label": "left", "title": "center", "subtitle": "center", "heading": "left", "body": "justify",
               "note": "left"}
_CELL_ALIGN = {"left": "left", "center": "center", "right": "right"}  # as DOCX and XLSX: never stretched


class _Builder:
    """Blocks, type areas and page-number drawing for one document."""

    def __init__(self, document: layout.Document, style: Style):
        self.document, self.style = document, style
        # CFF faces are registered as TrueType copies of the characters this document prints.
        self.fonts: dict[str, FontChoice] = resolve_fonts(style, role_characters(document, style))

    def look(self, role: str, align: str, leading: float | None = None, bold: bool = False) -> _Look:
        face = self.fonts["table_header" if bold else role]  # bold text is set in the header's hei face
        size = getattr(self.style.sizes, role)
        return _Look(face.name, face.fallbacks, size, leading or self.style.paragraph.line_pitch, align,
                     spacing=self.style.character_spacing(role))

    # -- pages -------------------------------------------------------------------------------

    def page_size(self, orientation: str) -> tuple[float, float]:
        width, height = self.style.page.size(orientation)
        return width * mm, height * mm

    def margins(self, orientation: str, number: int) -> Margins:
        """The margins of page ``number``.  With the landscape rule (GB/T 9704 §8) the
        binding edge of a landscape page is its top on odd pages and its bottom on even
        ones (the sheet is turned the other way round), so top and bottom swap there."""
        margins = self.style.page.margins(orientation)
        if orientation == "landscape" and number % 2 == 0 and self.style.page_numbers.style == "gbt9704-landscape":
            return margins.model_copy(update={"top": margins.bottom, "bottom": margins.top})
        return margins

    def type_area(self, orientation: str, number: int = 1) -> tuple[float, float, float, float]:
        """Left, bottom, width and height of the type area (版心) of page ``number``, points."""
        page = self.style.page
        margins = self.margins(orientation, number)
        height = page.size(orientation)[1] - margins.top - margins.bottom
        return margins.left * mm, margins.bottom * mm, page.text_width(orientation) * mm, height * mm

    def page_number(self, canvas: Canvas, orientation: str, number: int) -> None:
        """Draw the page number of the finished page (GB/T 9704 §7.5 and §8)."""
        numbers = self.style.page_numbers
        if numbers.style == "none":
            return
        text = numbers.text(number)
        width, height = self.page_size(orientation)
        margins = self.margins(orientation, number)
        font, size = self.fonts["page_number"].name, self.style.sizes.page_number
        ascent = pdfmetrics.getFont(font).face.ascent / 1000 * size
        odd = number % 2 == 1
        # 宋体's space is half an em; a substitute's narrower one is widened to match.
        spacing = max(0.0, size / 2 - pdfmetrics.stringWidth(" ", font, size))
        used = pdfmetrics.stringWidth(text, font, size) + spacing * text.count(" ")
        canvas.saveState()
        canvas.setFont(font, size)
        if numbers.style == "gbt9704-landscape" and orientation == "landscape":
            # The page turned a quarter turn clockwise: the portrait foot is the left edge and
            # the text runs downwards, glyph tops facing the type area.
            x = (margins.left - numbers.distance) * mm - ascent
            y = margins.bottom * mm + size + used if odd else height - margins.top * mm - size
            canvas.translate(x, y)
            canvas.rotate(-90)
            canvas.drawString(0, 0, text, wordSpace=spacing)
        else:
            y = (margins.bottom - numbers.distance) * mm - ascent
            if numbers.style == "center":
                x = (width - used) / 2
            elif odd:
                x = width - margins.right * mm - size - used
            else:
                x = margins.left * mm + size
            canvas.drawString(x, y, text, wordSpace=spacing)
        canvas.restoreState()

    # -- content -----------------------------------------------------------------------------

    def blocks(self, block: layout.Block, width: float, height: float) -> list[_Block]:
        """The blocks of a paragraph or table (``height``: of the type area, for tearing rows)."""
        if isinstance(block, layout.Table):
            return [_TableRun(self.table_spec(block, width, height))]
        assert not isinstance(block, layout.PageBreak)  # the page filler's business
        if isinstance(block, layout.Space):
            return [_Space(block.height * mm)]
        if isinstance(block, layout.Rule):
            return [_Rule(block.weight * mm, block.color, block.space_before * mm)]
        pitch = self.style.paragraph.line_pitch
        look = self.paragraph_look(block)
        if block.right:
            spans = [(span.text, self.fonts[span.role or block.role].name) for span in block.right]
            text: _Text = _LineWithRight(block.text, look, spans)
        else:
            text = _Text(block.text, look)
        if block.role == "title":
            paragraph = self.style.paragraph
            return [_Space(paragraph.title_space_before * pitch), text, _Space(paragraph.title_space_after * pitch)]
        return [text]

    def paragraph_look(self, block: layout.Paragraph) -> _Look:
        """The role's look with the paragraph's own overrides (alignment, indents, size, colour)."""
        look = self.look(block.role, block.align or _ROLE_ALIGN[block.role])
        size = block.size or look.size
        indent = (block.indent if block.indent is not None else (2 if block.role == "body" else 0)) * size
        # A hanging indent: under the first line's character number ``hanging``, as far in as it is set.
        lead = block.text[:block.hanging]
        widths = _widths(look.font, look.fallback)  # the lead measured in the faces that draw it
        advance = sum(map(widths.__getitem__, map(ord, lead))) * size / 1000 + look.spacing * len(lead)
        rest = indent + advance if lead else 0.0
        return look._replace(size=size, leading=max(look.leading, size * 1.2), indent=indent, rest=rest,
                       right=block.right_indent * size, color=block.color, hanging=True)

    def table_spec(self, table: layout.Table, width: float, height: float) -> _TableSpec:
        settings = self.style.table
        padding, vertical = settings.padding_points  # as the DOCX holds them, so pages break alike
        widths = table.widths(width, self.style.sizes.table, 2 * padding)
        spec = _TableSpec(widths, [], [], settings.border, (padding, padding, vertical, vertical), height)
        looks: dict[tuple[str, str, bool], _Look] = {}

        def row(cells: tuple[layout.Cell, ...], role: str, fill: str) -> _Row:
            result = _Row([], [], [])
            column = 0
            for cell in cells:
                result.merged += [cell.merge_up] + [False] * (cell.span - 1)
                align = _CELL_ALIGN[cell.align or table.columns[column].align]
                key = (role, align, cell.bold)
                if key not in looks:
                    size = getattr(self.style.sizes, role)
                    looks[key] = self.look(role, align, size * settings.line_spacing, cell.bold)
                result.cells += [_Text(cell.text, looks[key])] + [""] * (cell.span - 1)
                result.spans += [cell.span] + [0] * (cell.span - 1)
                last = column + cell.span - 1
                if cell.fill or fill:
                    result.fills.append((column, last, colors.HexColor("#" + (cell.fill or fill))))
                column = last + 1
            return result

        header = table.fitted_header(widths, self.style.sizes.table, 2 * padding)
        spec.header = [row(cells, "table_header", settings.header_fill) for cells in header]
        for cells in spec.header:
            spec.measure(cells)
        rows = [row(cells, "table", "") for cells in table.rows]
        spec.merges = any(any(r.merged) for r in rows)
        for index, current in enumerate(rows):
            below = rows[index + 1].merged if index + 1 < len(rows) else []
            skip = {c for c, merged in enumerate(current.merged) if merged or (below and below[c])}
            spec.measure(current, skip)
            current.keep = table.is_group_row(index)
        spec.rows = spec.fit_runs(rows)
        for current in spec.rows:
            spec.prefix.append(spec.prefix[-1] + current.height)
        return spec


def _after_label(blocks: tuple[layout.Block, ...], index: int) -> bool:
    before = blocks[index - 1] if index else None
    return isinstance(before, layout.Paragraph) and before.role == "label"


class _Pages:
    """Fills pages from the top of the type area down: a block goes where it fits whole,
    else the part of it that fits (its ``split``) and the rest on the next page.  Each
    finished page gets its number; a section starts a page in its own orientation."""

    def __init__(self, canvas: Canvas, builder: _Builder):
        self.canvas, self.builder = canvas, builder
        self.orientation = "portrait"
        self.page = 0  # physical page number
        self.numbering_offset = 0  # physical page number before the current numbering's page 1
        self.left = self.bottom = self.width = self.height = self.top = 0.0
        self.fresh = True  # nothing placed on this page yet
        self.numbered = True  # the current section's pages carry numbers

    def section(self, section: layout.Section, key: str | None) -> None:
        if self.page:
            self.end_page()
        self.orientation, self.numbered = section.orientation, section.page_numbers
        if section.restart_numbering:
            self.numbering_offset = self.page
        if section.even_page and self.page % 2 == 0:  # the next page would be odd: leave it blank
            numbered, self.numbered = self.numbered, False
            self.begin_page()
            self.end_page()
            self.numbered = numbered
        self.begin_page()
        if key:
            self.canvas.bookmarkPage(key)
            self.canvas.addOutlineEntry(section.name, key, level=0)
        blocks = section.blocks
        built = [[] if isinstance(b, layout.PageBreak) else self.builder.blocks(b, self.width, self.height) for b in blocks]
        run_end = 0  # the end of the run of blocks kept on one page (keep_with_next) being placed
        for index, block in enumerate(blocks):
            if isinstance(block, layout.PageBreak):
                self.page_break()
                continue
            if isinstance(block, layout.Paragraph) and block.role == "heading" and index + 1 < len(blocks):
                self.keep_with_next(built[index], built[index + 1])
            if isinstance(block, layout.Paragraph) and block.role == "title" and not _after_label(blocks, index):
                built[index] = built[index][1:]  # the blank line above a title is the label's (as in DOCX)
            if isinstance(block, layout.Paragraph) and block.keep_with_next and index >= run_end:
                run_end = layout.kept_run_end(blocks, index)
                kept = [part for parts in built[index:run_end] for part in parts]
                self.keep_with_next(kept, built[run_end] if run_end < len(blocks) else [])
            for part in built[index]:
                self.place(part)
        if section.foot:
            self.place_at_foot([part for b in section.foot for part in self.builder.blocks(b, self.width, self.height)])

    def place_at_foot(self, parts: list[_Block]) -> None:
        """Set ``parts`` so that the last ends on the foot of the type area (a new page
        when they do not fit below what this page holds)."""
        height = sum(part.wrap(self.width) for part in parts)
        if height > self.top - self.bottom + _FUZZ:
            self.end_page()
            self.begin_page()
        self.top = self.bottom + height
        for part in parts:
            self.draw(part, part.wrap(self.width))

    def keep_with_next(self, parts: list[_Block], following: list[_Block]) -> None:
        """A heading, or a run of paragraphs kept together, starts a new page unless it fits
        here with the start of what follows (a table's header and first row, a paragraph's
        first line)."""
        if self.fresh or not following:
            return
        first = following[0]
        if isinstance(first, _TableRun):
            start = first.lead_height(self.width)
        elif isinstance(first, _Text):
            first.wrap(self.width)
            start = first.look.leading
        else:
            start = 0.0
        if sum(part.wrap(self.width) for part in parts) + start > self.top - self.bottom + _FUZZ:
            self.end_page()
            self.begin_page()

    def begin_page(self) -> None:
        self.page += 1
        self.canvas.setPageSize(self.builder.page_size(self.orientation))
        number = self.page - self.numbering_offset
        self.left, self.bottom, self.width, self.height = self.builder.type_area(self.orientation, number)
        self.top, self.fresh = self.bottom + self.height, True

    def end_page(self) -> None:
        if self.numbered:
            self.builder.page_number(self.canvas, self.orientation, self.page - self.numbering_offset)
        self.canvas.showPage()

    def page_break(self) -> None:
        """A new page, unless this one is still empty (no blank pages)."""
        if not self.fresh:
            self.end_page()
            self.begin_page()

    def place(self, block: _Block) -> None:
        pending: _Block | None = block
        while pending is not None:
            room = self.top - self.bottom
            height = pending.wrap(self.width)
            if height <= room + _FUZZ:
                self.draw(pending, height)
                return
            parts = pending.split(self.width, room)
            if parts:
                self.draw(parts[0], parts[0].wrap(self.width))
                pending = parts[1] if len(parts) > 1 else None
            elif self.fresh:  # taller than a page and not tearable: let it run off the foot
                self.draw(pending, height)
                return
            if pending is not None:
                self.end_page()
                self.begin_page()

    def draw(self, block: _Block, height: float) -> None:
        self.top -= height
        block.draw_at(self.canvas, self.left, self.top)
        self.fresh = self.fresh and height == 0


def render(document: layout.Document, style: Style, **options: Any) -> bytes:
    """The PDF file of ``document``: TrueType fonts embedded, byte-identical for the same
    input and date (``document.date``, else the build date)."""
    stamp = build_date()  # first: it also checks SOURCE_DATE_EPOCH, which reportlab reads too
    stamp = document.date or stamp
    builder = _Builder(document, style)
    buffer = io.BytesIO()
    sections = document.sections or (layout.Section(name="", blocks=(), orientation="portrait"),)
    canvas = Canvas(
        buffer,
        pagesize=builder.page_size(sections[0].orientation),
        invariant=1,
        pageCompression=1,
        initialFontName=builder.fonts["body"].name,  # else every page names an unembedded Helvetica
        initialFontSize=style.sizes.body,
    )
    canvas.setTitle(document.title)
    canvas.setSubject(document.subject)
    canvas.setAuthor(document.author or style.metadata.author)
    canvas.setKeywords(list(document.keywords))
    canvas.setCreator("workplan-docs")
    canvas.setDateFormatter(lambda *_reportlab_date: stamp.astimezone(timezone.utc).strftime("D:%Y%m%d%H%M%S+00'00'"))
    pages = _Pages(canvas, builder)
    outline = len(sections) > 1
    with _binary_streams():
        for index, section in enumerate(sections):
            pages.section(section, f"section{index}" if outline else None)
        pages.end_page()
        canvas.save()
    return buffer.getvalue()


class _Deflate(PDFStreamFilterZCompress):
    """FlateDecode at zlib level 1, each large content deflated once a process.

    Font programs are nine tenths of the bytes a PDF deflates, glyph outlines that
    deflate little at any level: at level 1 (reportlab uses 6) the seed build's deflate
    in half the time (0.22 → 0.11 s of CPU) for 4 % more bytes (3.48 → 3.64 MB).  And a
    process renders many PDFs that embed the same subsets (page numbers, headings).
    """

    def encode(self, text: str | bytes) -> bytes:
        data = text.encode("utf-8") if isinstance(text, str) else text
        return _deflated(data) if len(data) >= 2048 else zlib.compress(data, 1)


@lru_cache(maxsize=64)  # bytes keep their hash: a look-up costs a comparison of the content
def _deflated(data: bytes) -> bytes:
    return zlib.compress(data, 1)


_DEFLATE = _Deflate()


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Compressed streams without the ASCII85 layer reportlab adds by default (a quarter
    smaller, and encoding it in pure Python costs a third of a big table's build time),
    deflated by ``_Deflate``.  The settings are global to reportlab, so they are
    restored afterwards."""
    saved = rl_config.useA85, pdfdoc.PDFZCompress
    rl_config.useA85, pdfdoc.PDFZCompress = 0, _DEFLATE
    try:
        yield
    finally:
        rl_config.useA85, pdfdoc.PDFZCompress = saved
