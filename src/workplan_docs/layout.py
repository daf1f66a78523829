"""The format-neutral document that reports produce and writers consume.

A report knows plans and nothing of file formats; a writer knows this module and a
style profile and nothing of plans.  Adding a report costs no writer code, adding a
format costs no report code.  When a writer needs a new capability (a cell fill, a
merged heading) it is added here once and then to every writer.

Mapping to formats: a ``Section`` starts a new page (DOCX section, PDF page, XLSX
sheet named ``Section.name``); ``Paragraph`` roles pick fonts and sizes from the
style profile; a ``Table`` repeats its header rows on every page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property, lru_cache
from math import ceil
from typing import Literal, Sequence, Union

from .linebreak import break_allowed, break_allowed_in_need, heading_words, sticky_stretches, unbreakable

Align = Literal["left", "center", "right"]
Role = Literal["label", "title", "subtitle", "heading", "body", "note"]
Orientation = Literal["portrait", "landscape"]


@dataclass(frozen=True)
class Span:
    """A piece of a line set in another role's face, at the size of its paragraph: the
    签发人's name in 楷体 after "签发人：" in 仿宋.  ``role`` None: the paragraph's own face."""

    text: str
    role: Role | None = None


@dataclass(frozen=True)
class Paragraph:
    """A line of text outside tables; ``role`` selects font, size and alignment.

    label: the "附件" mark, flush left on the first line.   title: the document title,
    centred.   subtitle: a line under the title (e.g. a count).   heading: a section
    heading inside a report.   body: ordinary text.   note: small print under a table.
    """

    text: str
    role: Role = "body"
    # Overrides of the role's setting, for documents laid out line by line (the notice).
    align: Align | None = None
    indent: float | None = None  # first-line indent in characters (None: 2 for body text, else 0)
    right_indent: float = 0.0  # characters kept free at the right (a 署名 two characters in)
    # A hanging indent: the lines after the first start under character number ``hanging`` of
    # the first line (the 附件说明's title after "附件：", so continuation lines align with it).
    hanging: int = 0
    # Kept whole on the page where the block that follows starts (Word: 与下段同页, 段中不分页);
    # a run of such paragraphs, with the spaces between them, moves as one: the end of a
    # notice's body with its 附件说明, 署名 and 成文日期 (GB/T 9704 §7.3.5).
    keep_with_next: bool = False
    size: float | None = None  # points
    color: str | None = None  # "RRGGBB": the red 发文机关标志
    right: tuple[Span, ...] = ()  # set flush right on the same (single) line: "印发机关 … 2010年7月2日印发"


@dataclass(frozen=True, slots=True)  # a 10,000-row table has 70,000
class Cell:
    """One table cell.  ``fill`` is a background colour "RRGGBB"; ``span`` merges the
    cell with the next ``span - 1`` cells of its row (those positions are omitted).

    ``merge_up``: the cell continues the cell above it (a cell the source merged down,
    or the same task over 5.1, 5.2 …).  It holds the same text, which a writer prints once
    over the merged rows, and again where a page break cuts them.

    ``number``: the text is a whole number (a count, an integer 序号) that a spreadsheet
    stores as a number, so that it sorts and sums; every format prints the same text.
    Make such cells with ``Cell.count`` or ``Cell.serial``.
    """

    text: str
    align: Align | None = None  # None: the column's alignment
    fill: str | None = None
    bold: bool = False
    span: int = 1
    merge_up: bool = False
    number: bool = False

    def __post_init__(self) -> None:
        if self.number and not _is_whole_number(self.text):
            raise ValueError(f"cell text {self.text!r} is not a whole number")

    @classmethod
    def count(cls, value: int, align: Align | None = None, fill: str | None = None, bold: bool = False) -> Cell:
        """A cell holding a count."""
        return cls(str(value), align, fill, bold, number=True)

    @classmethod
    def serial(cls, label: str, align: Align | None = None, fill: str | None = None, bold: bool = False) -> Cell:
        """A 序号 (or a column heading such as a month) as written: a number when it is one
        ("12"), text otherwise ("5.1", "2-1", "单位", and "07", whose zero a number would lose)."""
        return cls(label, align, fill, bold, number=_is_whole_number(label))


def _is_whole_number(text: str) -> bool:
    """ASCII digits without a leading zero (or "0"), short enough for a spreadsheet to
    hold exactly (15 significant digits)."""
    return text.isascii() and text.isdigit() and len(text) <= 15 and (text == "0" or text[0] != "0")


@dataclass(frozen=True)
class Column:
    """A table column: its heading, its share of the width and its default alignment.

    ``weight`` None: the width comes from the content (see ``Table.widths``).
    """

    heading: str
    weight: float | None = 1.0
    align: Align = "left"


# Width of a character in ems of the table's font, for widths computed before any font
# is chosen: full-width characters are one em, the rest (digits, Latin) are taken a
# little wider than the half em most faces give them, so that a run never overflows.
_NARROW_EM = 0.6
_MIXED_EM = 0.25
# A column whose longest line is at most this many ems is a short column (序号, 牵头单位,
# 时间进度): it is as wide as its longest line, so its cells never wrap.
SHORT_COLUMN_EM = 7.0
_LONGEST_RUN_EM = 10.0
_EVEN_HEADING_CHARS = 24  # a heading word up to this long is broken evenly; a longer one is filled
_HEADING_RUN_EM = 3.0  # a heading's numbers kept whole ("2021", "(1-12") in a table too wide for its headings
_SAMPLE_ROWS = 120
_SLACK_EM = 0.02  # rounding (twips, points) never makes a word one hair too wide for its column
_LOOKAHEAD_EM = 12  # how far a column is tried wider at once: a row saved may take several ems


_MIXED = re.compile(r"(?<=[0-9A-Za-z])(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])(?=[0-9A-Za-z])")


def text_em(text: str) -> float:
    """Width of one line of ``text`` in ems, with the space Word and LibreOffice put
    between Chinese and Latin letters or digits ("5月、9月") counted in."""
    narrow = len(text.encode("ascii", "ignore"))
    width = len(text) - narrow + _NARROW_EM * narrow
    return width + _MIXED_EM * len(_MIXED.findall(text)) if narrow else width


def fixed_em(text: str) -> float:
    """Width in ems as the 公文 faces set it: half-width digits and letters (half an em),
    full-width everything else; exact where ``text_em`` is a safe upper bound."""
    narrow = len(text.encode("ascii", "ignore"))
    return len(text) - narrow / 2


def _longest(texts: Sequence[str]) -> float:
    return max((text_em(t) for t in texts), default=0.0)


# No character is wider than this many ems in ``text_em`` (a digit between two Chinese
# characters: 0.6 and two quarter spaces), so a text of n characters is at most n times it.
_WIDEST_CHAR_EM = 1.1 + 0.01


def _widest_line(text: str) -> float:
    """Width in ems of the widest line of ``text``; the longest lines are measured first and
    no shorter one that could not be wider is measured at all."""
    best = 0.0
    for line in sorted(set(text.split("\n")), key=len, reverse=True):
        if len(line) * _WIDEST_CHAR_EM <= best:
            break
        best = max(best, text_em(line))
    return best


def _longest_run(text: str, cap: float) -> float:
    """Width in ems of the widest run of ``text`` that no line break may fall inside, but
    at most ``cap``; 0.0 when no run is longer than one character (itself at most one em).
    Only the stretches that can hold such runs (``sticky_stretches``) are split, the
    longest first."""
    best = 0.0
    for stretch in sorted(set(sticky_stretches(text)), key=len, reverse=True):
        if len(stretch) * _WIDEST_CHAR_EM <= best:
            break
        best = max(best, _longest([run for run in unbreakable(stretch) if len(run) > 1]))
        if best >= cap:
            return cap
    return best


@dataclass(frozen=True)
class Table:
    """A table whose header rows repeat on every page.

    ``header`` defaults to one row of the column headings; give it explicitly for
    several heading rows or merged headings (cells with ``span``).  Every row, header or
    body, covers all columns once the spans are counted.
    """

    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    header: tuple[tuple[Cell, ...], ...] | None = None

    @property
    def header_rows(self) -> tuple[tuple[Cell, ...], ...]:
        if self.header is not None:
            return self.header
        return (tuple(Cell(c.heading, align="center", bold=True) for c in self.columns),)

    def widths(self, total: float, em: float = 0.0, padding: float = 0.0) -> list[float]:
        """Column widths that add up to ``total`` (any unit; ``em`` is the table font's
        size and ``padding`` a cell's left plus right padding, in the same unit).

        No column is narrower than its longest unbreakable run (a heading word, a number
        with its measure word, "（2010-2012）"), nor a short column than its longest line.
        Columns with weights share the rest by weight; a table whose columns have no weights is fitted to its content: short
        columns as wide as their longest line, the others sharing the room by the volume of
        their text, none wider than its longest line while another one wraps.
        The same figures in every writer, so DOCX, PDF and XLSX break lines alike.
        """
        if not em:
            return self._widths_in(total, 0.0, 0.0)
        key = (total / em, padding / em)
        if key not in self._widths_in_ems:
            self._widths_in_ems[key] = self._widths_in(key[0], 1.0, key[1])
        return [w * em for w in self._widths_in_ems[key]]

    @cached_property
    def _widths_in_ems(self) -> dict[tuple[float, float], list[float]]:
        """``widths`` in ems by (total, padding) in ems: computed once per table and page for
        all writers, which differ only in units."""
        return {}

    def _widths_in(self, total: float, em: float, padding: float) -> list[float]:
        n = len(self.columns)
        minimum, headings_whole = self._minimums(total, em, padding)
        # A column's longest line, with the slack that keeps it whole after rounding; of the
        # body alone when the headings cannot all stand whole (they wrap in any case).
        lines = self._widest_lines if headings_whole else self._body_widest_lines
        natural = [(line + _SLACK_EM) * em + padding for line in lines]
        short_width = (SHORT_COLUMN_EM + _SLACK_EM) * em + padding
        if any(c.weight is None for c in self.columns):
            natural = [max(w, m) for w, m in zip(natural, minimum)]
            short = [natural[c] <= short_width for c in range(n)]
            start = [natural[c] if short[c] else minimum[c] for c in range(n)]
            wanted = self._fit(total, start, natural, em, padding) if em else start
            wanted = self._spread(total, wanted)
        else:
            weight = sum(c.weight or 0.0 for c in self.columns)
            wanted = [total * (c.weight or 0.0) / weight for c in self.columns]
            if em:  # short columns never wrap ("7月完成", "11"), whatever their weight
                minimum = [max(m, w) if w <= short_width else m for m, w in zip(minimum, natural)]
        return _at_least(total, wanted, minimum)

    def _spread(self, total: float, widths: list[float]) -> list[float]:
        """The room a fitted table leaves (every column as wide as its longest line) goes to
        its text columns, in proportion to their widths: a 序号, a 时间进度 or a count
        (centred columns) stays as wide as its content."""
        room = total - sum(widths)
        takers = [c for c, column in enumerate(self.columns) if column.align != "center"]
        share = sum(widths[c] for c in takers)
        if room <= 1e-9 or share <= 0 or len(takers) == len(widths):  # all alike: ``_at_least`` spreads it
            return widths
        return [w + room * w / share if c in takers else w for c, w in enumerate(widths)]

    def fitted_header(self, widths: Sequence[float], em: float, padding: float) -> tuple[tuple[Cell, ...], ...]:
        """The header rows with each heading broken between words (``fit_heading``) at the
        column widths ``widths`` (from ``widths``)."""
        rows = []
        for row in self.header_rows:
            cells, column = [], 0
            for cell in row:
                width = sum(widths[column:column + cell.span])
                cells.append(replace(cell, text=fit_heading(cell.text, width, em, padding)))
                column += cell.span
            rows.append(tuple(cells))
        return tuple(rows)

    def _cells(self, column: int, header: bool) -> list[Cell]:
        """The cells that sit in ``column`` alone (no column span), header or body."""
        return self._by_column[0 if header else 1][column]

    @cached_property
    def _by_column(self) -> tuple[list[list[Cell]], list[list[Cell]]]:
        """Header and body cells by the column they sit in alone, sorted in one pass."""
        found: tuple[list[list[Cell]], list[list[Cell]]] = ([], [])
        for rows, columns in zip((self.header_rows, self.rows), found):
            columns.extend([] for _ in self.columns)
            for row in rows:
                position = 0
                for cell in row:
                    if cell.span == 1:
                        columns[position].append(cell)
                    position += cell.span
        return found

    @cached_property
    def _body_runs(self) -> list[float]:
        """Each column's longest unbreakable run of body text (measured once for all the
        writers and widths).  A run longer than a few words (a web address) breaks anyway
        rather than starve the table."""
        return [
            _longest_run("\n".join(cell.text for cell in self._cells(c, False) if not cell.merge_up), _LONGEST_RUN_EM)
            for c in range(len(self.columns))
        ]

    def _minimum(self, column: int, body_run: float, words_too: bool = True) -> float:
        """The narrowest the column may be: its longest unbreakable run of text (``body_run``
        in the body), and with ``words_too`` its longest heading word."""
        headings = [cell.text for cell in self._cells(column, True)]
        words = [w for text in headings for w in (heading_words(text) if words_too else unbreakable(text))]
        return max(_longest(words), body_run, 1.0)

    def _minimums(self, total: float, em: float, padding: float) -> tuple[list[float], bool]:
        """Each column's minimum width, and whether every heading word stands whole.  When
        the heading words of a wide table (宁海 2022: thirteen columns, "项目建设阶段(1-12月份)
        （主要形象进度）") cannot all stand whole, the body's runs still do and every heading
        keeps two characters a line (no column of one character a line); the room left is
        the body's, as a typist gives it, and the headings wrap in their columns."""
        n = len(self.columns)
        runs = self._body_runs
        words = [self._minimum(c, runs[c]) for c in range(n)]
        if sum((w + _SLACK_EM) * em + padding for w in words) <= total:
            return [(w + _SLACK_EM) * em + padding for w in words], True
        # A heading's numbers ("2021", "(1-12") still stand whole, up to a few characters.
        heading_runs = [min(_longest([r for cell in self._cells(c, True)
                                      for r in unbreakable(cell.text, break_allowed_in_need)]), _HEADING_RUN_EM)
                        for c in range(n)]
        ems = [max(runs[c], heading_runs[c], min(words[c], 2.0)) for c in range(n)]
        return [(e + _SLACK_EM) * em + padding for e in ems], False

    @cached_property
    def _body_widest_lines(self) -> list[float]:
        """Each column's widest line of body text, in ems."""
        return [_widest_line("\n".join(cell.text for cell in self._cells(c, False))) for c in range(len(self.columns))]

    @cached_property
    def _widest_lines(self) -> list[float]:
        """Each column's widest line, heading and body, in ems."""
        return [
            _widest_line("\n".join(cell.text for cell in (*self._cells(c, True), *self._cells(c, False))))
            for c in range(len(self.columns))
        ]

    def _fit(self, total: float, start: list[float], natural: list[float], em: float, padding: float) -> list[float]:
        """Widths from ``start``, widened one em at a time where that makes the table
        shortest (the sum of its rows' line counts, then of all cells' line counts), none
        beyond its ``natural`` width (the room left is ``_spread``'s)."""
        line_ems, column_ems = self._sample_ems
        n = len(start)
        widths = list(start)

        @lru_cache(maxsize=None)  # a column not widened is tried at the same widths again
        def lines(c: int, width: float) -> list[int]:
            per_line = max((width - padding) / em, 1.0)
            return [sum([ceil(line / per_line - 1e-9) or 1 for line in cell]) for cell in line_ems[c]]

        counts = [lines(c, widths[c]) for c in range(n)]
        while True:
            room = total - sum(widths)
            if room < 1e-9:
                break
            # Widening a column shortens only the rows where it alone is tallest: each such
            # row by column, with its height and the height of its next tallest cell.
            alone: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]
            for r, cells in enumerate(zip(*counts)):
                height = max(cells)
                if cells.count(height) == 1:
                    tallest = cells.index(height)
                    alone[tallest].append((r, height, max(cells[:tallest] + cells[tallest + 1:], default=0)))
            best: tuple[float, float, float, int] | None = None  # (-rows saved per em, load, extra, column)
            for c in range(n):
                # Lines in fractions: what still tells columns apart when another column's
                # cells decide every row's height.
                volume, rows_alone = column_ems[c], alone[c]
                load_now = volume / max(widths[c], 1e-9)
                # A column that alone makes no row tallest saves no row at any width, and its
                # load per em (a convex curve through 0) is best one em out: one trial.
                for steps in range(1, _LOOKAHEAD_EM + 1 if rows_alone else 2):
                    extra = min(steps * em, natural[c] - widths[c], room)
                    if extra <= 1e-9:
                        break
                    trial = lines(c, widths[c] + extra) if rows_alone else []
                    saved = sum(height - max(trial[r], second) for r, height, second in rows_alone)
                    load = volume / max(widths[c] + extra, 1e-9) - load_now
                    key = (-saved / steps, load / steps, extra, c)
                    if best is None or key[:2] < best[:2]:
                        best = key
                    if extra < steps * em:
                        break
            if best is None:
                break
            c, extra = best[3], best[2]
            widths[c] += extra
            counts[c] = lines(c, widths[c])
        return widths

    @cached_property
    def _sample_ems(self) -> tuple[list[list[list[float]]], list[float]]:
        """The rows ``_fit`` weighs, measured once for every width it tries (and every writer):
        each sampled cell by column as the widths of its lines in ems (none for an empty
        cell), and each column's sampled text as one figure.  Body rows only, merged and
        spanned cells left out, at most ``_SAMPLE_ROWS`` spread over the table so that long
        tables stay fast.  A row with a spanned cell still counts its other cells: a 进度图
        row whose months are one "未排期" note is as tall as its units cell."""
        rows = [row for row in self.rows if len(row) > 1]  # a group row sits in no column
        step = max(len(rows) // _SAMPLE_ROWS, 1)
        texts = [self._column_texts(row) for row in rows[::step]]
        columns = range(len(self.columns))
        line_ems = [[[text_em(line) for line in row[c].split("\n")] if row[c] else [] for row in texts] for c in columns]
        return line_ems, [sum(text_em(row[c]) for row in texts) for c in columns]

    def _column_texts(self, row: tuple[Cell, ...]) -> list[str]:
        """A body row's text by column: a spanned or merged cell counts in none of them."""
        texts, position = [""] * len(self.columns), 0
        for cell in row:
            if cell.span == 1 and not cell.merge_up:
                texts[position] = cell.text
            position += cell.span
        return texts

    def __post_init__(self) -> None:
        width = len(self.columns)
        for row in (*self.header_rows, *self.rows):
            if sum(cell.span for cell in row) != width:
                raise ValueError(f"table row covers {sum(c.span for c in row)} of {width} columns")
        if self.rows and any(cell.merge_up for cell in self.rows[0]):
            raise ValueError("the first body row has nothing above it to merge with")

    def is_group_row(self, index: int) -> bool:
        """Is body row ``index`` a group heading (one cell across the table, e.g. "一、质量提升
        行动")?  Writers keep it on the page of the row below it."""
        row = self.rows[index]
        return len(row) == 1 and len(self.columns) > 1


def fit_heading(text: str, width: float, em: float, padding: float) -> str:
    """A heading cell's text with a line break between words where the whole does not fit
    in ``width`` (same units as ``em`` and ``padding``): "参与部门\n（单位）", never
    "参与部门（单\n位）".  A word wider than its column (a table too wide for its
    headings) is broken into the fewest lines that fit, as even as the break rules allow:
    "项目\n名称", not "项目名\n称".  Only line breaks are added, so the text without them
    is the heading as written.  Every writer sets headings this way."""
    if not em:
        return text
    room = (width - padding) / em + 1e-6
    lines: list[str] = []
    for hard in text.split("\n"):
        if text_em(hard) <= room:
            lines.append(hard)
            continue
        cuts = sorted({m.end() for m in re.finditer(r"[ \t]+", hard)} | {m.start() for m in re.finditer(r"[（(]", hard)})
        pieces = [hard[a:b] for a, b in zip([0, *cuts], [*cuts, len(hard)]) if a < b]
        line = ""
        for piece in pieces:
            if line and text_em((line + piece).rstrip()) > room:
                lines.extend(_even_lines(line, room))
                line = piece
            else:
                line += piece
        lines.extend(_even_lines(line, room))
    return "\n".join(lines)


def _even_lines(word: str, room: float) -> list[str]:
    """``word`` as is when it fits in ``room`` ems, else in the fewest lines that fit, the
    widest as narrow as can be, broken where ``break_allowed`` lets a line end, else where
    ``break_allowed_in_need`` does, else anywhere (a word longer than a heading is filled)."""
    text, space = word.rstrip(), word[len(word.rstrip()):]  # a space before the next word
    if text_em(text) <= room or len(text) < 2:
        return [word]
    pieces = _filled_lines(text, room) if len(text) > _EVEN_HEADING_CHARS else _evened_lines(text, room)
    return [*pieces[:-1], pieces[-1] + space]


def _evened_lines(text: str, room: float) -> list[str]:
    """``text`` in the fewest lines of at most ``room`` ems, the widest as narrow as can be
    (``_narrowest``), by the strictest break rule that allows it."""
    fewest = max(2, ceil(text_em(text) / max(room, 1e-9) - 1e-9))
    for rule in (break_allowed, break_allowed_in_need, lambda _text, _at: True):
        bounds = [0, *(k for k in range(1, len(text)) if rule(text, k)), len(text)]
        widths = {(a, b): text_em(text[bounds[a]:bounds[b]]) for a in range(len(bounds)) for b in range(a + 1, len(bounds))}
        for count in range(fewest, len(bounds)):
            widest, ends = _narrowest(widths, len(bounds), count)
            if widest <= room:
                return [text[bounds[a]:bounds[b]] for a, b in zip(ends, ends[1:])]
    return list(text)


def _filled_lines(text: str, room: float) -> list[str]:
    """A long heading word (a pasted sentence) filled line by line, a character at a time:
    weighing every even split would cost the fourth power of its length."""
    lines, start = [], 0
    for end in range(2, len(text) + 1):
        if text_em(text[start:end]) > room and end - 1 > start:
            lines.append(text[start:end - 1])
            start = end - 1
    return [*lines, text[start:]]


def _narrowest(widths: dict[tuple[int, int], float], size: int, count: int) -> tuple[float, list[int]]:
    """Split the bounds ``0 … size-1`` into ``count`` pieces (``widths[a, b]``: the piece
    from bound a to bound b) with the widest as narrow as can be, then the narrowest as
    wide (no lone last character), then the earlier lines the fuller: that width and the
    bounds chosen."""
    best: dict[tuple[int, int], tuple[float, float, list[int]]] = {(0, 0): (0.0, float("inf"), [0])}
    for pieces in range(1, count + 1):
        for end in range(pieces, size):
            options = [
                (max(widest, widths[start, end]), min(narrowest, widths[start, end]), bounds + [end])
                for start in range(pieces - 1, end) if (start, pieces - 1) in best
                for widest, narrowest, bounds in [best[start, pieces - 1]]
            ]
            if options:
                best[end, pieces] = min(options, key=lambda option: (option[0], -option[1], -option[2][-2]))
    found = best.get((size - 1, count))
    return (found[0], found[2]) if found else (float("inf"), [])


def _at_least(total: float, wanted: list[float], minimum: list[float]) -> list[float]:
    """``wanted`` widths adjusted to add up to ``total`` with no column below its minimum:
    columns raised to their minimum take the room from the others, in proportion to what
    those have above their own minimum.  When even the minimums do not fit, they are
    scaled down alike (a table with too many columns for the page)."""
    if sum(minimum) >= total:
        scale = total / sum(minimum) if sum(minimum) else 0.0
        return [m * scale for m in minimum]
    widths = [max(w, m) for w, m in zip(wanted, minimum)]
    excess = sum(widths) - total
    while excess > 1e-9:
        spare = [w - m for w, m in zip(widths, minimum)]
        room = sum(spare)
        widths = [w - excess * s / room for w, s in zip(widths, spare)]
        excess = sum(widths) - total
    if excess < 0:
        widths = [w - excess * w / sum(widths) for w in widths]
    return widths


@dataclass(frozen=True)
class PageBreak:
    """Start a new page within a section."""


@dataclass(frozen=True)
class Space:
    """Vertical space of ``height`` millimetres (it does not carry over a page end)."""

    height: float


@dataclass(frozen=True)
class Rule:
    """A horizontal line across the type area, ``weight`` millimetres thick, ``space_before``
    millimetres below what precedes it: the red rule under a 版头, the rules of a 版记."""

    weight: float
    color: str = "000000"
    space_before: float = 0.0


Block = Union[Paragraph, Table, PageBreak, Space, Rule]


def kept_run_end(blocks: Sequence[Block], index: int) -> int:
    """The end of the run of kept blocks from ``blocks[index]``, a paragraph with
    ``keep_with_next``: the index of the block they are kept with (the run holds kept
    paragraphs and the spaces between them)."""
    end = index + 1
    while end < len(blocks) and (isinstance(blocks[end], Space) or _keeps(blocks[end])):
        end += 1
    return end


def _keeps(block: Block) -> bool:
    return isinstance(block, Paragraph) and block.keep_with_next


@dataclass(frozen=True)
class Section:
    """A run of pages with one orientation; it starts on a new page.

    ``name`` names the section where a format shows it (the XLSX sheet name, a PDF
    outline entry).  ``restart_numbering`` starts page numbers again at 1, as each unit's
    sheet in a combined file wants.  ``page_numbers``, ``even_page`` and ``foot`` serve a
    notice's last page (GB/T 9704 §7.4: the 版记 on an even page, at the foot, unnumbered);
    they are DOCX and PDF features.
    """

    name: str
    blocks: tuple[Block, ...]
    orientation: Orientation = "landscape"
    restart_numbering: bool = False
    page_numbers: bool = True  # False: its pages carry no number (a 版记 page), numbering goes on
    even_page: bool = False  # starts on an even page: a blank, unnumbered page is put before it if needed
    foot: tuple[Block, ...] = ()  # set at the foot of the type area on its last page (the 版记)


@dataclass(frozen=True)
class Document:
    """A whole output document, with the metadata written into the file."""

    title: str
    sections: tuple[Section, ...]
    subject: str = ""
    author: str = ""
    keywords: tuple[str, ...] = field(default=())
    date: datetime | None = None  # created/modified in the file's properties; None: the build date

    def texts(self) -> list[str]:
        """Every text the document prints, for checks such as font coverage (a merged cell
        once: the cells continuing it hold the same text)."""
        found: list[str] = []
        for section in self.sections:
            for block in (*section.blocks, *section.foot):
                if isinstance(block, Paragraph):
                    found.extend((block.text, *(span.text for span in block.right)))
                elif isinstance(block, Table):
                    found.extend(cell.text for row in (*block.header_rows, *block.rows) for cell in row if not cell.merge_up)
        return found
