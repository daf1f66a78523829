"""Read a Word attachment (.docx): the plan table(s) under the "附件" label and title.

python-docx opens the package; the tables are read from its XML directly, each row
and cell once (``table.cell()`` rebuilds the whole grid per call, which is quadratic):
``w:gridSpan`` spans columns, ``w:vMerge`` continues a cell down, ``w:gridBefore``
shifts a row right; rows and cells wrapped in content controls (``w:sdt``) count too.
A cell's text is its paragraphs joined with line breaks (a ``w:br`` inside a paragraph
is a line break as well); deleted revisions and text-box fallbacks are not text.

The paragraphs above each table go with it: the title (above the first) and each
table's heading are decided in ``table.py``; a title row inside the table counts as a
line above it.  What happens to merges, headers, numbering and several tables is
described in ``grid.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import PlanError, Problem
from .grid import Grid, tables_of
from .ooxml import check_package, open_with
from .table import ImportOptions, assemble

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_WRAPPERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}smartTag", f"{_W}ins", f"{_W}hyperlink",
             f"{_W}fldSimple", f"{_W}moveTo", f"{_W}r", f"{_MC}AlternateContent", f"{_MC}Choice"}
_NOT_TEXT = {f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent", f"{_MC}Fallback", f"{_W}instrText", f"{_W}delText"}


def read_docx(path: Path, options: ImportOptions | None = None) -> dict[str, Any]:
    """Plan-file data from a DOCX attachment."""
    source = str(path)
    check_package(path, "docx")
    from docx import Document

    document = open_with(lambda: Document(str(path)), "docx", source)
    tables = _body(document.element.body)
    if not tables:
        raise PlanError(Problem("文档中没有表格：工作安排应是 Word 表格（附件标题下方的表格）", source))
    named = tables_of([(f"表{n}", above, grid) for n, (above, grid) in enumerate(tables, 1)], source)
    return assemble(named, source, path.stem, options)


def _children(element: etree._Element) -> list[etree._Element]:
    """Block children, looking through content controls and custom XML wrappers."""
    found = []
    for child in element:
        if child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            found.extend(_children(child))
        else:
            found.append(child)
    return found


def _body(body: etree._Element) -> list[tuple[list[str], Grid]]:
    """Every top-level table as a grid, with the paragraphs between it and the table before."""
    tables: list[tuple[list[str], Grid]] = []
    paragraphs: list[str] = []
    for child in _children(body):
        if child.tag == f"{_W}tbl":
            tables.append((paragraphs, _grid(child)))
            paragraphs = []
        elif child.tag == f"{_W}p":
            paragraphs.append(_paragraph_text(child))
    return tables


def _grid(table: etree._Element) -> Grid:
    """One pass over w:tr / w:tc: origins per grid position, and the text of each cell."""
    origins: list[list[tuple[int, int]]] = []
    texts: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(c for c in _children(table) if c.tag == f"{_W}tr"):
        row: list[tuple[int, int]] = [(r, c) for c in range(_int(tr, "trPr/w:gridBefore"))]
        for tc in (c for c in _children(tr) if c.tag == f"{_W}tc"):
            c = len(row)
            span = max(_int(tc, "tcPr/w:gridSpan", 1), 1)
            above = origins[r - 1][c] if r and c < len(origins[r - 1]) else None
            if above is not None and _continues(tc, "vMerge"):
                origin = above
            elif row and _continues(tc, "hMerge"):
                origin = row[-1]
            else:
                origin = (r, c)
                texts[origin] = _cell_text(tc)
            row.extend([origin] * span)
        origins.append(row)
    return Grid.build(origins, texts)


def _int(element: etree._Element, path: str, default: int = 0) -> int:
    found = element.find(f"w:{path}", {"w": _W[1:-1]})
    value = found.get(f"{_W}val") if found is not None else None
    return int(value) if value is not None and value.isdigit() else default


def _continues(tc: etree._Element, merge: str) -> bool:
    """A w:vMerge / w:hMerge without val="restart" continues the cell before it."""
    found = tc.find(f"w:tcPr/w:{merge}", {"w": _W[1:-1]})
    return found is not None and found.get(f"{_W}val", "continue") != "restart"


def _cell_text(tc: etree._Element) -> str:
    lines: list[str] = []
    for child in _children(tc):
        if child.tag == f"{_W}p":
            lines.append(_paragraph_text(child))
        elif child.tag == f"{_W}tbl":  # a table inside the cell: its cells, one per line
            lines.extend(_grid(child).texts.values())
    return "\n".join(lines)


def _paragraph_text(element: etree._Element) -> str:
    parts: list[str] = []
    for child in element:
        tag = child.tag
        if tag in _NOT_TEXT:
            continue
        if tag == f"{_W}t":
            parts.append(child.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        elif tag in _WRAPPERS:
            parts.append(_paragraph_text(child))
    return "".join(parts)
