"""Read a Word attachment (.docx): the plan table(s) under the "附件" label and title.

The main document part and its styles are parsed with plain lxml (python-docx would
parse every XML part of the package, and wraps each element in a Python class, ten
times slower); the tables are read from the XML directly, each row and cell once:
``w:gridSpan`` spans columns, ``w:vMerge`` continues a cell down, ``w:gridBefore``
shifts a row right; rows and cells wrapped in content controls (``w:sdt``) count too.
A cell's text is its paragraphs joined with line breaks (a ``w:br`` inside a paragraph
is a line break as well); deleted revisions and text-box fallbacks are not text.

What is read is what Word shows (``_accept_and_hide``, before anything is read):
tracked changes are read as if all were accepted (deleted text, rows and cells left out,
inserted text kept) with a warning; text formatted hidden (``w:vanish``, directly or
through a style) is not imported, with a warning quoting it; text boxes, embedded
documents (altChunk), pictures, comments and notes are not imported and each is
named in a warning, never dropped silently.  A field reads as its shown result.

A document without a table is read as a list of labelled paragraphs (``paragraphs.py``).
The paragraphs above each table go with it: the title (above the first) and each
table's heading are decided in ``table.py``; a title row inside the table counts as a
line above it.  What happens to merges, headers, numbering and several tables is
described in ``grid.py``.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import PlanError, Problem, warn
from ..model import EXCEL_CELL_LIMIT
from ..units import is_blank
from .grid import Grid, tables_of
from .ooxml import check_package, open_with
from .paragraphs import read_labelled_paragraphs
from .table import ImportOptions, assemble

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_WRAPPERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}smartTag", f"{_W}ins", f"{_W}hyperlink",
             f"{_W}fldSimple", f"{_W}moveTo", f"{_W}r", f"{_MC}AlternateContent", f"{_MC}Choice"}
_NOT_TEXT = {f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent", f"{_MC}Fallback", f"{_W}instrText", f"{_W}delText"}
MAX_COLUMNS = 200  # Word stops at 63; room for tables from other programs
MAX_GRID = 500_000  # grid positions of one table, as for a worksheet
MAX_TEXT = 10_000_000  # characters of cell text in the whole document
_EXCERPT = 20
_PLACES_SHOWN = 3


def read_docx(path: Path, options: ImportOptions | None = None) -> dict[str, Any]:
    """Plan-file data from a DOCX attachment."""
    source = str(path)
    check_package(path, "docx")
    document, styles = open_with(lambda: _parts(path), "docx", source)
    body = document.find(f"{_W}body")
    if body is None:
        raise PlanError(Problem("DOCX 文件已损坏或内容无法识别（没有正文）：请用 Word 打开后另存再试", source))
    _accept_and_hide(body, styles, source)
    tables, paragraphs = _body(body, source)
    if not tables:
        return read_labelled_paragraphs(paragraphs, source, path.stem, options,
                                        "文档中没有表格：工作安排应是 Word 表格（附件标题下方的表格）")
    named = tables_of([(f"表{n}", above, grid) for n, (above, grid) in enumerate(tables, 1)], source)
    return assemble(named, source, path.stem, options)


_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _parts(path: Path) -> tuple[etree._Element, etree._Element | None]:
    """The main document part and its styles part, found through the relationships."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())

        def target(rels: str, kind: str, folder: str) -> str | None:
            if rels not in names:
                return None
            for rel in etree.fromstring(archive.read(rels), parser).iter(f"{_REL}Relationship"):
                if rel.get("Type", "").endswith(f"/{kind}") and rel.get("TargetMode") != "External":
                    found = rel.get("Target", "")
                    return found.lstrip("/") if found.startswith("/") else posixpath.normpath(posixpath.join(folder, found))
            return None

        main = target("_rels/.rels", "officeDocument", "") or "word/document.xml"
        folder, name = posixpath.split(main)
        styles = target(posixpath.join(folder, "_rels", f"{name}.rels"), "styles", folder)
        document = etree.fromstring(archive.read(main), parser)
        return document, etree.fromstring(archive.read(styles), parser) if styles in names else None


def _children(element: etree._Element) -> list[etree._Element]:
    """Block children, looking through content controls and custom XML wrappers."""
    found = []
    for child in element:
        if child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            found.extend(_children(child))
        else:
            found.append(child)
    return found


def _body(body: etree._Element, source: str) -> tuple[list[tuple[list[str], Grid]], list[str]]:
    """Every top-level table as a grid, with the paragraphs between it and the table before;
    and the paragraphs after the last table."""
    tables: list[tuple[list[str], Grid]] = []
    paragraphs: list[str] = []
    budget = _Budget(source)
    for child in _children(body):
        if child.tag == f"{_W}tbl":
            tables.append((paragraphs, _grid(child, budget, f"表{len(tables) + 1}")))
            paragraphs = []
        elif child.tag == f"{_W}p":
            paragraphs.append(_paragraph_text(child))
    return tables, paragraphs


class _Budget:
    """Bounds on the work a document can ask for, checked as its tables are read: a grid
    span of 50,000,000 columns is refused before any list of that size exists."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.text = 0

    def columns(self, width: int, where: str) -> None:
        if width > MAX_COLUMNS:
            raise PlanError(Problem(
                f"{where}有 {width} 列，超过上限 {MAX_COLUMNS} 列（Word 表格最多 63 列）：文件已损坏或不是 Word 保存的",
                self.source))

    def grid(self, positions: int, where: str) -> None:
        if positions > MAX_GRID:
            raise PlanError(Problem(f"{where}过大（超过 {MAX_GRID} 个单元格），不像工作安排表，拒绝读取", self.source))

    def cell(self, text: str, where: str) -> None:
        if len(text) > EXCEL_CELL_LIMIT:
            raise PlanError(Problem(
                f"{where}的文字有 {len(text)} 个字符，超过单元格上限 {EXCEL_CELL_LIMIT} 个字符", self.source))
        self.text += len(text)
        if self.text > MAX_TEXT:
            raise PlanError(Problem(f"表格文字合计超过 {MAX_TEXT} 个字符，不像工作安排表，拒绝读取", self.source))


def _grid(table: etree._Element, budget: _Budget, name: str) -> Grid:
    """One pass over w:tr / w:tc: origins per grid position, and the text of each cell."""
    origins: list[list[tuple[int, int]]] = []
    texts: dict[tuple[int, int], str] = {}
    positions = 0
    for r, tr in enumerate(c for c in _children(table) if c.tag == f"{_W}tr"):
        where = f"{name}第 {r + 1} 行"
        before = _int(tr, "trPr/w:gridBefore")
        budget.columns(before, where)
        row: list[tuple[int, int]] = [(r, c) for c in range(before)]
        for tc in (c for c in _children(tr) if c.tag == f"{_W}tc"):
            c = len(row)
            span = max(_int(tc, "tcPr/w:gridSpan", 1), 1)
            budget.columns(c + span, where)
            above = origins[r - 1][c] if r and c < len(origins[r - 1]) else None
            if above is not None and _continues(tc, "vMerge"):
                origin = above
            elif row and _continues(tc, "hMerge"):
                origin = row[-1]
            else:
                origin = (r, c)
                texts[origin] = _cell_text(tc, budget, name)
                budget.cell(texts[origin], f"{where}第 {c + 1} 列")
            row.extend([origin] * span)
        positions += len(row)
        budget.grid(positions, name)
        origins.append(row)
    return Grid.build(origins, texts)


def _int(element: etree._Element, path: str, default: int = 0) -> int:
    found = element.find(f"w:{path}", {"w": _W[1:-1]})
    value = found.get(f"{_W}val") if found is not None else None
    if value is None or not value.isascii() or not value.isdigit():
        return default
    return int(value) if len(value) <= 12 else 10**12  # any longer value is refused as too large anyway


def _continues(tc: etree._Element, merge: str) -> bool:
    """A w:vMerge / w:hMerge without val="restart" continues the cell before it."""
    found = tc.find(f"w:tcPr/w:{merge}", {"w": _W[1:-1]})
    return found is not None and found.get(f"{_W}val", "continue") != "restart"


def _cell_text(tc: etree._Element, budget: _Budget, name: str) -> str:
    lines: list[str] = []
    for child in _children(tc):
        if child.tag == f"{_W}p":
            lines.append(_paragraph_text(child))
        elif child.tag == f"{_W}tbl":  # a table inside the cell: its cells, one per line
            lines.extend(_grid(child, budget, f"{name}内嵌的表格").texts.values())
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


def _on(element: etree._Element | None) -> bool | None:
    """A toggle property (``<w:vanish/>``, ``w:val="0"``…): on, off, or not set."""
    if element is None:
        return None
    return element.get(f"{_W}val", "true").lower() not in ("0", "false", "off")


class _HiddenStyles:
    """Whether a style hides its text (``w:vanish``), following ``w:basedOn``."""

    def __init__(self, styles: etree._Element | None) -> None:
        styles = styles if styles is not None else etree.Element(f"{_W}styles")
        self._styles = {s.get(f"{_W}styleId"): s for s in styles.iterfind(f"{_W}style")}
        self._memo: dict[str | None, bool | None] = {}
        self.default = bool(_on(styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}vanish")))
        normal = next((s for s in self._styles.values() if s.get(f"{_W}type") == "paragraph"
                       and s.get(f"{_W}default") in ("1", "true")), None)
        self.paragraph_default = self.hides(normal.get(f"{_W}styleId")) if normal is not None else None

    def hides(self, style_id: str | None) -> bool | None:
        seen: set[str | None] = set()
        current = style_id
        while current is not None and current not in seen:  # basedOn loops occur in damaged files
            if current in self._memo:
                return self._memo[current]
            seen.add(current)
            style = self._styles.get(current)
            if style is None:
                break
            found = _on(style.find(f"{_W}rPr/{_W}vanish"))
            if found is not None:
                self._memo[style_id] = found
                return found
            based = style.find(f"{_W}basedOn")
            current = based.get(f"{_W}val") if based is not None else None
        self._memo[style_id] = None
        return None

    def run_hidden(self, run: etree._Element, paragraph_style: str | None) -> bool:
        """Direct formatting, then the run's character style, the paragraph's style, the defaults."""
        for found in (
            _on(run.find(f"{_W}rPr/{_W}vanish")),
            self.hides(_val(run.find(f"{_W}rPr/{_W}rStyle"))),
            self.hides(paragraph_style) if paragraph_style else self.paragraph_default,
        ):
            if found is not None:
                return found
        return self.default


def _val(element: etree._Element | None) -> str | None:
    return element.get(f"{_W}val") if element is not None else None


_REVISIONS = tuple(f"{_W}{t}" for t in ("ins", "del", "moveFrom", "moveTo", "cellIns", "cellDel", "cellMerge",
                                         "rPrChange", "pPrChange", "tblPrChange", "trPrChange", "tcPrChange",
                                         "sectPrChange", "numberingChange"))
_DELETED = (f"{_W}del", f"{_W}moveFrom")


class _Places:
    """Where things were found, by the table and row a user sees in Word."""

    def __init__(self, body: etree._Element) -> None:
        self._rows: dict[etree._Element, str] = {}
        tables = [c for c in _children(body) if c.tag == f"{_W}tbl"]
        for n, table in enumerate(tables, 1):
            for r, tr in enumerate((c for c in _children(table) if c.tag == f"{_W}tr"), 1):
                self._rows[tr] = f"表{n}第 {r} 行"
        self._first_table = tables[0] if tables else None

    def of(self, element: etree._Element) -> str:
        row = None
        for ancestor in element.iterancestors(f"{_W}tr"):
            row = ancestor  # the outermost row: the row of the top-level table
        if row is not None and row in self._rows:
            return self._rows[row]
        return "表格上方" if self._first_table is not None and self._before_first_table(element) else "正文"

    def _before_first_table(self, element: etree._Element) -> bool:
        top = element
        while top.getparent() is not None and top.getparent().tag != f"{_W}body":
            top = top.getparent()
        body = top.getparent()
        if body is None:
            return False
        first = self._first_table
        while first.getparent() is not None and first.getparent() is not body:
            first = first.getparent()
        return body.index(top) < body.index(first)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[:_EXCERPT] + "…"


def _listed(places: list[str]) -> str:
    """"表1第 3 行“…”、表1第 5 行 等 7 处": the first few places, and how many in all."""
    shown = "、".join(places[:_PLACES_SHOWN])
    return shown if len(places) <= _PLACES_SHOWN else f"{shown} 等 {len(places)} 处"


def _accept_and_hide(body: etree._Element, styles: etree._Element | None, source: str) -> None:
    """Make the tree hold what Word shows with all changes accepted, and warn about each
    kind of content that is shown (or stored) but not imported."""
    places = _Places(body)
    revisions = next(body.iter(*_REVISIONS), None) is not None
    _join_deleted_paragraph_marks(body)
    deleted_rows = [tr for tr in body.iter(f"{_W}tr") if tr.find(f"{_W}trPr/{_W}del") is not None]
    for element in [*body.iter(*_DELETED), *deleted_rows,
                    *(tc for tc in body.iter(f"{_W}tc") if tc.find(f"{_W}tcPr/{_W}cellDel") is not None)]:
        if element.getparent() is not None:
            element.getparent().remove(element)
    if revisions:
        rows = f"（其中删除的 {len(deleted_rows)} 行未导入）" if deleted_rows else ""
        warn(Problem(f"文档含有未接受的修订，已按“接受所有修订”后的内容导入：删除的文字不导入，插入的文字导入{rows}", source))
    _remove_hidden(body, _HiddenStyles(styles), places, source)
    _name_unread(body, places, source)


def _candidate_runs(body: etree._Element, styles: _HiddenStyles) -> list[etree._Element]:
    """Runs that may be hidden, found through the (few) places hiding can come from."""
    if styles.default or styles.paragraph_default:
        return list(body.iter(f"{_W}r"))
    runs: dict[etree._Element, None] = {}
    for mark in body.iter(f"{_W}vanish", f"{_W}rStyle", f"{_W}pStyle"):
        if mark.tag == f"{_W}pStyle":
            if styles.hides(_val(mark)) and mark.getparent() is not None:
                paragraph = mark.getparent().getparent()
                runs.update(dict.fromkeys(paragraph.iter(f"{_W}r")) if paragraph is not None else {})
            continue
        run = mark.getparent().getparent() if mark.getparent() is not None else None
        if run is not None and run.tag == f"{_W}r" and (mark.tag == f"{_W}vanish" or styles.hides(_val(mark))):
            runs[run] = None
    return list(runs)


def _join_deleted_paragraph_marks(body: etree._Element) -> None:
    """A deleted paragraph mark (pPr/rPr/del) joins its paragraph to the next, as accepting it does."""
    marks = [m for m in body.iter(f"{_W}del") if m.getparent() is not None and m.getparent().tag == f"{_W}rPr"
             and m.getparent().getparent() is not None and m.getparent().getparent().tag == f"{_W}pPr"]
    for mark in reversed(marks):  # from the end, so a chain of joined paragraphs ends in the last
        paragraph = mark.getparent().getparent().getparent()
        following = paragraph.getnext() if paragraph is not None else None
        if paragraph is None or paragraph.tag != f"{_W}p" or following is None or following.tag != f"{_W}p":
            continue
        position = 1 if following.find(f"{_W}pPr") is not None else 0
        for child in [c for c in paragraph if c.tag != f"{_W}pPr"]:
            following.insert(position, child)
            position += 1
        paragraph.getparent().remove(paragraph)


def _remove_hidden(body: etree._Element, styles: _HiddenStyles, places: _Places, source: str) -> None:
    texts: dict[etree._Element, str] = {}  # hidden text by paragraph
    for run in _candidate_runs(body, styles):
        paragraph = next(run.iterancestors(f"{_W}p"), None)
        style = _val(paragraph.find(f"{_W}pPr/{_W}pStyle")) if paragraph is not None else None
        if not styles.run_hidden(run, style) or run.getparent() is None:
            continue
        texts[paragraph] = texts.get(paragraph, "") + "".join(t.text or "" for t in run.iter(f"{_W}t"))
        run.getparent().remove(run)
    found = [f"{places.of(p)}“{_excerpt(text)}”" for p, text in texts.items() if p is not None and not is_blank(text)]
    if found:
        warn(Problem(f"文档中有设为“隐藏”的文字，未导入：{_listed(found)}", source))


# What Word shows, or keeps with the text, that is not a cell's text: each named in a warning.
_UNREAD = (
    ("文本框中的文字", "", (f"{_W}txbxContent",)),
    ("嵌入的文档（altChunk）", "；请在 Word 中打开后另存，再导入", (f"{_W}altChunk",)),
    ("图片或嵌入对象", "", (f"{_W}drawing", f"{_W}pict", f"{_W}object")),
    ("批注", "", (f"{_W}commentReference",)),
    ("脚注或尾注", "", (f"{_W}footnoteReference", f"{_W}endnoteReference")),
)


def _name_unread(body: etree._Element, places: _Places, source: str) -> None:
    for what, advice, tags in _UNREAD:
        found: list[str] = []
        for element in body.iter(*tags):
            if element.tag == f"{_W}txbxContent":
                if any(a.tag == f"{_MC}Fallback" for a in element.iterancestors()):
                    continue  # the old-Word copy of a text box already counted
                text = "".join(t.text or "" for t in element.iter(f"{_W}t"))
                if is_blank(text):
                    continue
                found.append(f"{places.of(element)}“{_excerpt(text)}”")
            elif element.tag in (f"{_W}drawing", f"{_W}pict") and next(element.iter(f"{_W}txbxContent"), None) is not None:
                continue  # a text box, named above
            elif element.tag == f"{_W}pict" and any(a.tag == f"{_MC}Fallback" for a in element.iterancestors()):
                continue
            else:
                found.append(places.of(element))
        if found:
            warn(Problem(f"{what}未导入：{_listed(list(dict.fromkeys(found)))}{advice}", source))
