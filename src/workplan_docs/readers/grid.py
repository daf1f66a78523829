"""From a table as printed (a grid of possibly merged cells) to plan items.

The DOCX and XLSX readers each turn their format into a ``Grid``: for every grid
position, the physical cell covering it (its top-left position, the "origin") and
that cell's text.  Everything after that is shared and decided here once:

Header.  The first row whose cells name at least two known fields (序号, 重要工作,
牵头单位 …; see ``columns.py``) is the header; when no row does, the first row naming
a task column.  A header may span two rows: the row above belongs to it when a
header cell reaches down into it (merged vertically), and the row below belongs to
it when it holds only sub-headings under a heading that spans several columns
("责任单位" over "牵头单位 | 配合单位"; in a sheet without merges, a heading followed by
blank heading cells spans them).  A two-level heading reads as the sub-heading when
that names a field, else as "上级（下级）": "责任单位（牵头）" → lead,
"时间进度（一季度）" → an extra column.  A later row that repeats the header is
skipped; a later row with a different header starts another table.  Rows above
the first header are the label and title lines of a sheet (a form line under the
title, "填报单位：办公室", is neither).

Columns.  Each header cell is one column, however many grid columns it spans; a
data cell's text goes to the column where the cell starts, so a cell merged across
columns fills the first of them and leaves the others blank; two data cells under
one heading are joined with a line break.

Rows.  Blank rows are skipped, and so are rows in which every cell continues a
merged cell from above (they add nothing).  A row whose one cell spans the table
(or all but the 序号 column), or that fills nothing but 序号 and 重要工作 in a table
that has a 牵头单位 column, is a group heading ("一、质量提升行动"): it is not an
item; the items under it carry it, with the headings it sits under ("一、…" over
"（一）…", or any heading right above it with no item between: ``table.nested``).
Group heading rows after the last item of a table are kept as its ``trailing`` headings.

Merged cells.  A cell merged down over several rows gives its text to every one of
them (a task merged over dated sub-items: each sub-item keeps its own measures and
schedule, and has the task).

Numbering.  The 序号 printed is kept as it is (gaps, a start other than 1, "一").
A row without a 序号 of its own — its 序号 cell merged from the row above, or
blank — continues the numbered item above: the item and its continuation rows
become sub-items "5.1", "5.2", … and a blank 重要工作 or 牵头单位 in a continuation
row is taken from the row above ("同上", as spreadsheets are often filled).  When a
table has no 序号 column, or it is blank throughout, items are numbered 1, 2, … in
the order of the table; so are unnumbered rows before the first numbered one.

Several tables.  All tables with a header are read, in document order (a table
without one, such as a signature block laid out as a table, is passed over).  Items then say which table they
came from (``source``, e.g. "表2" or a sheet name); with a single table they say
nothing.  When a table's numbers repeat numbers of an earlier table (each table
starting at 1), its items are numbered "<n>-<序号>" with n the table's place in the
document, so every item keeps a distinct 序号.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import PlanError, Problem
from ..units import is_blank
from .columns import field_for, map_headings, normalise_heading
from .table import NamedTable, is_label, nested

Origin = tuple[int, int]

_MAX_HEADING = 30  # characters: a longer cell is data, never a heading
_MAX_HEADING_LINE = 60  # characters: a longer line between two tables is text, not a heading
_MAX_SUB_HEADING = 20  # characters: longer text under a spanned heading is data, not a sub-heading
_SEQ_PUNCTUATION = ".．、"
_JOINED_AFTER = "、．.，,:：)）"


@dataclass
class Grid:
    """A table as printed: ``origins[r][c]`` is the top-left position of the cell
    covering grid position (r, c); ``texts`` holds each cell's text by its origin."""

    origins: list[list[Origin]]
    texts: dict[Origin, str]

    @classmethod
    def build(cls, origins: list[list[Origin]], texts: dict[Origin, str]) -> Grid:
        """A rectangular grid: short rows are padded with blank cells of their own."""
        width = max((len(row) for row in origins), default=0)
        padded = [row + [(r, c) for c in range(len(row), width)] for r, row in enumerate(origins)]
        return cls(padded, texts)

    @property
    def height(self) -> int:
        return len(self.origins)

    @property
    def width(self) -> int:
        return len(self.origins[0]) if self.origins else 0

    def text(self, origin: Origin) -> str:
        return self.texts.get(origin, "")

    def blank(self, origin: Origin) -> bool:
        return is_blank(self.text(origin))

    def row_texts(self, r: int) -> list[str]:
        """The distinct non-blank cell texts of a row, left to right."""
        origins = dict.fromkeys(self.origins[r])
        return [self.text(o) for o in origins if not self.blank(o)]


@dataclass(frozen=True)
class _Table:
    lines_before: list[str]  # text rows between the previous table (or the top) and the header
    headings: list[str]
    rows: list[list[str]]
    groups: list[tuple[str, ...]]  # the group headings over each row, outermost first
    merged: list[list[bool]]  # per row and column: the cell continues a cell merged down
    trailing: list[str]  # group heading rows after the last item row


def find_tables(grid: Grid, *, strict: bool = True) -> list[_Table]:
    """The tables of a grid, each with the text rows above its header.

    ``strict``: a header names two known fields; otherwise one naming the task suffices.
    Rows at the end of a table that are single short lines right above the next header
    (a heading "二、办公室" between two tables) belong to the next table.
    """
    tables: list[_Table] = []
    before: list[int] = []
    headings: list[str] = []
    spans: list[tuple[int, int]] = []
    body: list[int] = []
    r = 0
    while r < grid.height:
        block = _header_at(grid, r, strict)
        if block is None:
            (body if spans else before).append(r)
            r += 1
            continue
        top, bottom = block
        new_spans, new_headings = _columns(grid, top, bottom)
        trailing: list[int] = []
        while body and _heading_line(grid, body[-1]):
            trailing.insert(0, body.pop())
        repeated = [normalise_heading(h) for h in new_headings] == [normalise_heading(h) for h in headings]
        if repeated and not any(grid.row_texts(t) for t in trailing):
            body += trailing  # the header repeated on a new page: the table goes on
        else:
            if spans:
                tables.append(_rows_of(grid, _title_lines(_lines(grid, before)), headings, spans, body))
            before = trailing if spans else before
            headings, spans, body = new_headings, new_spans, []
        r = bottom + 1
    if spans:
        tables.append(_rows_of(grid, _title_lines(_lines(grid, before)), headings, spans, body))
    return tables


def _lines(grid: Grid, rows: list[int]) -> list[str]:
    return [line for line in ("".join(grid.row_texts(r)) for r in rows) if not is_blank(line)]


def _heading_line(grid: Grid, r: int) -> bool:
    """A row holding one short text (or nothing): a heading line, not an item."""
    texts = grid.row_texts(r)
    return len(texts) <= 1 and all(len(t.strip()) <= _MAX_HEADING_LINE for t in texts)


def _title_lines(lines: list[str]) -> list[str]:
    """Rows above a sheet's header, without form lines under the title ("填报单位：办公室")."""
    kept: list[str] = []
    for line in (line for line in lines if not is_blank(line)):
        if any(not is_label(k) for k in kept) and re.search(r"[:：]\S", line):
            continue
        kept.append(line)
    return kept


def _fields(grid: Grid, r: int) -> set[str]:
    return {f for f in (field_for(t) for t in grid.row_texts(r) if len(t) <= _MAX_HEADING) if f}


def _is_header(grid: Grid, r: int, strict: bool) -> bool:
    fields = _fields(grid, r)
    return len(fields) >= 2 if strict else "task" in fields


def _reaches_down(grid: Grid, upper: int, lower: int) -> bool:
    """Some cell of row ``lower`` is a cell of row ``upper`` merged down."""
    return any(o[0] == upper for o in grid.origins[lower])


def _header_at(grid: Grid, r: int, strict: bool) -> tuple[int, int] | None:
    """The header rows (top, bottom) starting at row r, if a header starts there."""
    if _is_header(grid, r, strict):
        top = bottom = r
    elif r + 1 < grid.height and _is_header(grid, r + 1, strict) and _reaches_down(grid, r, r + 1):
        top, bottom = r, r + 1
    else:
        return None
    if bottom + 1 < grid.height and _sub_headings(grid, bottom, bottom + 1):
        bottom += 1
    return top, bottom


def _filled(grid: Grid, r: int) -> list[Origin]:
    """Row r's origins with blank cells taken by the heading on their left: in a sheet
    without merges, "责任单位" followed by a blank heading cell spans both."""
    filled: list[Origin] = []
    for c, origin in enumerate(grid.origins[r]):
        if c and origin[0] == r and grid.blank(origin):
            origin = filled[-1]
        filled.append(origin)
    return filled


def _sub_headings(grid: Grid, upper: int, lower: int) -> bool:
    """Row ``lower`` holds only sub-headings under spanned headings of row ``upper``
    (and cells merged down from it, or blanks)."""
    filled = _filled(grid, upper)
    spanned = {o for o in filled if filled.count(o) >= 2}
    found = False
    for c, origin in enumerate(grid.origins[lower]):
        if origin[0] < lower:
            found = True
        elif grid.blank(origin):
            continue
        elif filled[c] in spanned and len(normalise_heading(grid.text(origin))) <= _MAX_SUB_HEADING:
            found = True
        else:
            return False
    return found


def _columns(grid: Grid, top: int, bottom: int) -> tuple[list[tuple[int, int]], list[str]]:
    """The columns of a header: the grid columns each spans, and its heading."""
    levels = [_filled(grid, r) for r in range(top, bottom)] + [grid.origins[bottom]]
    keys: list[tuple[Origin, ...]] = []
    for c in range(grid.width):
        named = [level[c] for level in levels if not grid.blank(level[c])]
        keys.append(tuple(dict.fromkeys(named)) or (grid.origins[bottom][c],))
    spans: list[tuple[int, int]] = []
    headings: list[str] = []
    for c, key in enumerate(keys):
        if c and key == keys[c - 1]:
            spans[-1] = (spans[-1][0], c)
            continue
        spans.append((c, c))
        headings.append(_joined_heading([grid.text(o) for o in key]))
    return spans, headings


def _joined_heading(levels: list[str]) -> str:
    """"责任单位" over "牵头单位" reads 牵头单位; over "牵头" it reads 责任单位（牵头）."""
    if len(levels) == 1 or field_for(levels[-1]):
        return levels[-1]
    return f"{normalise_heading(levels[0])}（{'、'.join(normalise_heading(t) for t in levels[1:])}）"


@dataclass(frozen=True)
class _Cell:
    text: str
    merged: bool  # every part of the text continues a cell merged down from above


def _cells(grid: Grid, r: int, spans: list[tuple[int, int]]) -> list[_Cell]:
    cells = []
    for first, last in spans:
        origins = dict.fromkeys(grid.origins[r][first : last + 1])
        parts = [o for o in origins if o[1] >= first and not grid.blank(o)]
        text = "\n".join(grid.text(o) for o in parts)
        cells.append(_Cell(text, bool(parts) and all(o[0] < r for o in parts)))
    return cells


def _group_label(
    grid: Grid, r: int, spans: list[tuple[int, int]], cells: list[_Cell], fields: list[str | None]
) -> str | None:
    """The text of a group-heading row, or None for an item row."""
    if len(spans) <= 2 or any(c.merged for c in cells):
        return None
    row = grid.origins[r]
    origins = list(dict.fromkeys(row))
    seq_apart = len(origins) == 2 and row.count(origins[0]) == spans[0][1] - spans[0][0] + 1
    whole = len(origins) == 1 or seq_apart
    heading_only = "lead" in fields and all(
        is_blank(cell.text) for cell, field in zip(cells, fields) if field not in ("seq", "task")
    )
    if not (whole or heading_only):
        return None
    texts = [cell.text.strip() for cell in cells if not is_blank(cell.text)]
    label = texts[0]
    for text in texts[1:]:
        label += text if label.endswith(tuple(_JOINED_AFTER)) else "、" + text
    return label


def _rows_of(
    grid: Grid, lines_before: list[str], headings: list[str], spans: list[tuple[int, int]], body: list[int]
) -> _Table:
    """The item rows of one table: merges resolved, sub-items numbered, groups noted."""
    headings, spans = _numbers_column(grid, headings, spans, body)
    fields = map_headings(headings)
    normalised = [normalise_heading(h) for h in headings]
    rows: list[list[_Cell]] = []
    groups: list[tuple[str, ...]] = []
    group: tuple[str, ...] = ()
    since_item: list[str] = []  # the group headings read since the last item row
    for r in body:
        cells = _cells(grid, r, spans)
        if all(is_blank(c.text) or c.merged for c in cells):
            continue
        if [normalise_heading(c.text) for c in cells] == normalised:
            continue
        label = _group_label(grid, r, spans, cells, fields)
        if label is not None:
            group = nested(group, label, right_after=bool(since_item))
            since_item.append(label)
            continue
        rows.append(cells)
        groups.append(group)
        since_item = []
    texts = _numbered(rows, groups, fields)
    merged = [[cell.merged for cell in row] for row in rows]
    return _Table(lines_before, headings, texts, groups, merged, since_item)


def _numbers_column(
    grid: Grid, headings: list[str], spans: list[tuple[int, int]], body: list[int]
) -> tuple[list[str], list[tuple[int, int]]]:
    """A table without a 序号 heading whose first spanned heading has, in its first grid
    column, nothing but bare numbers ("1", "2." …): that sub-column is the 序号."""
    if "seq" in map_headings(headings):
        return headings, spans
    for index, (first, last) in enumerate(spans):
        if first == last:
            continue
        numbers = 0
        for r in body:
            origin = grid.origins[r][first]
            if origin[0] < r or grid.blank(origin):
                continue
            if origin[1] != first or grid.origins[r][first + 1] == origin:
                break
            if not re.fullmatch(r"\s*\d{1,4}[.．、]?\s*", grid.text(origin)):
                break
            numbers += 1
        else:
            if numbers >= 2:
                return (
                    [*headings[:index], "序号", *headings[index:]],
                    [*spans[:index], (first, first), (first + 1, last), *spans[index + 1 :]],
                )
        return headings, spans
    return headings, spans


def _numbered(rows: list[list[_Cell]], groups: list[tuple[str, ...]], fields: list[str | None]) -> list[list[str]]:
    """Cell texts with the 序号 column filled in: printed, sub-numbered or by position."""
    seq = fields.index("seq") if "seq" in fields else None
    texts = [[c.text for c in row] for row in rows]
    if seq is None:
        return texts
    if all(is_blank(row[seq].text) for row in rows):
        return [row[:seq] + [str(n)] + row[seq + 1 :] for n, row in enumerate(texts, 1)]
    inherited = [fields.index(f) for f in ("task", "lead") if f in fields]
    runs: list[list[int]] = []  # each: a numbered row and the rows continuing it
    for index, row in enumerate(rows):
        own = not is_blank(row[seq].text) and not row[seq].merged
        if own or not runs or groups[runs[-1][0]] != groups[index] or is_blank(rows[runs[-1][0]][seq].text):
            runs.append([index])
            continue
        runs[-1].append(index)
        for column in inherited:
            if is_blank(texts[index][column]):
                texts[index][column] = texts[index - 1][column]
    for run in runs:
        printed = rows[run[0]][seq].text.strip()
        for k, index in enumerate(run, 1):
            if is_blank(printed):
                label = str(index + 1)
            elif len(run) == 1:
                label = printed
            else:
                label = f"{printed.rstrip(_SEQ_PUNCTUATION)}.{k}"
            texts[index][seq] = label
    return texts


def tables_of(grids: list[tuple[str, list[str], Grid]], source: str) -> list[NamedTable]:
    """Every table of a document's grids, named, with the text lines above each.

    ``grids``: (name, lines above the grid, grid).  A grid with several tables names them
    "<grid name>-1", "-2"….  When no grid has a header, the error quotes the first row,
    so the user sees what was there instead.
    """
    for strict in (True, False):
        found = [(name, above, find_tables(grid, strict=strict)) for name, above, grid in grids]
        if any(tables for _, _, tables in found):
            break
    else:
        first = next((grid.row_texts(r) for _, _, grid in grids for r in range(grid.height) if grid.row_texts(r)), None)
        if first is None:
            raise PlanError(Problem("表格是空的", source))
        met = "、".join(normalise_heading(t) for t in first)
        raise PlanError(Problem(f"表格中找不到“重要工作”一类的列（表格第一行为：{met}）", source))
    named: list[NamedTable] = []
    pending: list[str] = []  # lines above a grid without a table carry on to the next table
    for name, above, tables in found:
        pending += above
        for k, t in enumerate(tables, 1):
            lines = pending + t.lines_before if k == 1 else t.lines_before
            pending = []
            label = name if len(tables) == 1 else f"{name}-{k}"
            named.append(NamedTable(label, lines, t.headings, t.rows, t.groups, t.merged, t.trailing))
    return named
