"""Read a task list or attachment kept in Excel (.xlsx): what Excel shows, at bounded cost.

Every visible sheet with a recognisable header is read, in workbook order (a sheet of
look-up lists or notes is passed over); when more than one table is found, items name
their sheet as ``source``.  Rows above the first header are the "附件" label and the
title (the file name when there are none); blank spacer rows are skipped; merged
ranges are cells spanning rows or columns, handled as in ``grid.py``.

What Excel shows is what is read:
- hidden rows and columns are not imported, and a warning names them; hidden sheets
  are not read as plan tables (a workbook whose only table is on a hidden sheet says
  so, and a hidden sheet holding a table is named in a warning);
- a formula gives the value Excel saved with it, with a warning; a formula saved
  without a value (written by a script, never opened in Excel) is an error naming
  the cell, since its text exists nowhere in the file; an error value (#REF!) too;
- numbers are shown through their number format (``numfmt.py``): 6 under ``0"月"`` is
  "6月", 0.25 under ``0%`` is "25%", dates are "2024年6月30日".

The package is read in streaming mode (lxml ``iterparse``, each row freed once read)
and every bound is applied as the file is read, never after loading it: cells in the
workbook (``MAX_CELLS``), used range of a sheet (``MAX_GRID``), merged ranges and their
area, shared strings (count, and each within Excel's 32,767 characters), characters in
all (``MAX_TEXT``).
"""

from __future__ import annotations

import datetime
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from lxml import etree

from ..errors import PlanError, Problem, warn
from ..model import EXCEL_CELL_LIMIT
from .columns import field_for
from .grid import Grid, tables_of
from .numfmt import BUILTIN, date_text, shown_number, shown_text
from .ooxml import check_package
from .table import ImportOptions, assemble

MAX_CELLS = 100_000  # cell elements in the whole workbook: ten times a plan of 1,000 rows
MAX_GRID = 200_000  # rows × columns of one sheet's used range
MAX_MERGES = 50_000
MAX_TEXT = 10_000_000  # characters of cell text in the whole workbook
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384  # Excel's own sheet size

_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_STREAMED = ("xl/worksheets/", "xl/sharedStrings.xml")


def read_xlsx(path: Path, options: ImportOptions | None = None) -> dict[str, Any]:
    """Plan-file data from an XLSX workbook."""
    source = str(path)
    check_package(path, "xlsx", streamed=_STREAMED)
    try:
        with zipfile.ZipFile(path) as archive:
            book = _Book(archive, source)
            visible = [(sheet.name, book.grid(sheet)) for sheet in book.sheets if sheet.visible]
            hidden = [(sheet.name, book.grid(sheet)) for sheet in book.sheets if not sheet.visible]
    except (etree.XMLSyntaxError, KeyError, ValueError, zipfile.BadZipFile, EOFError) as error:
        if "Text node too long" in str(error):  # libxml2 stops at 10 MB of text in one node
            raise PlanError(Problem(f"单元格文字超过 1000 万个字节（Excel 单元格上限 {EXCEL_CELL_LIMIT} 个字符）："
                                    "文件不是 Excel 保存的，或已损坏", source)) from None
        detail = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        raise PlanError(Problem(f"XLSX 文件已损坏或内容无法识别（{detail}）：请用 Excel 打开后另存再试", source)) from None
    with_tables = [name for name, grid in hidden if _holds_table(grid)]
    if with_tables and not any(_holds_table(grid) for _, grid in visible):
        names = "、".join(f"“{name}”" for name in with_tables)
        raise PlanError(Problem(
            f"表格只在隐藏的工作表{names}中，隐藏的工作表不导入：请在 Excel 中取消隐藏（右击工作表标签 → 取消隐藏）后再导入", source))
    for name in with_tables:
        warn(Problem(f"工作表“{name}”是隐藏的，其中的表格未导入", source))
    book.report()
    return assemble(tables_of([(name, [], grid) for name, grid in visible], source), source, path.stem, options)


def _holds_table(grid: Grid) -> bool:
    """Some row names two known columns: the header ``grid.py`` starts a table at."""
    return any(len({f for f in map(field_for, grid.row_texts(r)) if f}) >= 2 for r in range(grid.height))


def _text(value: Any, number_format: str) -> str:
    """A value another library read (xlrd, for .xls) as Excel shows it, as for .xlsx cells."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (datetime.datetime, datetime.date)):
        return date_text(value)
    if isinstance(value, datetime.time):
        return f"{value.hour}:{value.minute:02d}"
    if isinstance(value, (int, float)):
        return shown_number(float(value), number_format)
    return str(value)


@dataclass
class _Sheet:
    name: str
    part: str
    visible: bool


@dataclass
class _Found:
    """What one sheet held that is not imported as it stands, for the warnings."""

    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[int] = field(default_factory=list)
    formulas: list[str] = field(default_factory=list)


class _Book:
    """The workbook's sheets, shared strings and number formats, and the budget."""

    def __init__(self, archive: zipfile.ZipFile, source: str) -> None:
        self.archive, self.source = archive, source
        self.cells = 0
        self.text = 0
        self.found: dict[str, _Found] = {}
        names = set(archive.namelist())
        main = _target(archive, names, "_rels/.rels", "officeDocument", "") or "xl/workbook.xml"
        folder, base = posixpath.split(main)
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        workbook = _parse(archive, main)
        pr = workbook.find(f"{_S}workbookPr")
        self.date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
        targets = _targets(archive, names, rels, folder)
        self.sheets = [
            _Sheet(s.get("name", ""), targets.get(s.get(f"{_R}id", ""), ("", ""))[1],
                   s.get("state", "visible") == "visible")
            for s in workbook.iterfind(f"{_S}sheets/{_S}sheet")
            if targets.get(s.get(f"{_R}id", ""), ("", ""))[0].endswith("/worksheet")
        ]
        self.sheets = [s for s in self.sheets if s.part in names]
        styles = next((t for kind, t in targets.values() if kind.endswith("/styles")), None)
        self.formats = _number_formats(_parse(archive, styles)) if styles in names else []
        strings = next((t for kind, t in targets.values() if kind.endswith("/sharedStrings")), None)
        self.strings = self._shared_strings(strings) if strings in names else []

    def _shared_strings(self, part: str) -> list[str]:
        strings: list[str] = []
        with self.archive.open(part) as handle:
            for _, si in _stream(handle, f"{_S}si"):
                text = _string(si)
                if len(text) > EXCEL_CELL_LIMIT:
                    raise PlanError(Problem(
                        f"共享字符串表中第 {len(strings) + 1} 个字符串有 {len(text)} 个字符，超过 Excel 单元格上限 "
                        f"{EXCEL_CELL_LIMIT} 个字符：文件不是 Excel 保存的，或已损坏", self.source))
                strings.append(text)
                if len(strings) > MAX_CELLS:
                    raise PlanError(Problem(f"共享字符串超过 {MAX_CELLS} 个，不像工作安排表，拒绝读取", self.source))
        return strings

    def grid(self, sheet: _Sheet) -> Grid:
        """One sheet as a grid of what is visible, read row by row."""
        reader = _SheetReader(self, sheet)
        with self.archive.open(sheet.part) as handle:
            reader.read(handle)
        self.found[sheet.name] = reader.found if sheet.visible else _Found()
        return reader.grid()

    def count_cell(self) -> None:
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise PlanError(Problem(
                f"工作簿的单元格超过 {MAX_CELLS} 个，不像工作安排表：请删除表格以外的内容后再导入", self.source))

    def count_text(self, text: str, sheet: str, ref: str) -> None:
        if len(text) > EXCEL_CELL_LIMIT:
            raise PlanError(Problem(
                f"工作表“{sheet}”单元格 {ref} 的文字有 {len(text)} 个字符，超过单元格上限 {EXCEL_CELL_LIMIT} 个字符", self.source))
        self.text += len(text)
        if self.text > MAX_TEXT:
            raise PlanError(Problem(f"工作簿的文字合计超过 {MAX_TEXT} 个字符，不像工作安排表，拒绝读取", self.source))

    def report(self) -> None:
        """Warn, sheet by sheet, about what was read differently from how it is stored."""
        for name, found in self.found.items():
            if found.hidden_rows:
                warn(Problem(f"工作表“{name}”第 {_ranges(found.hidden_rows)} 行为隐藏行，未导入", self.source))
            if found.hidden_columns:
                columns = _ranges(found.hidden_columns, _letters)
                warn(Problem(f"工作表“{name}”第 {columns} 列为隐藏列，未导入", self.source))
            if found.formulas:
                first = "、".join(found.formulas[:3]) + (" 等" if len(found.formulas) > 3 else "")
                warn(Problem(f"工作表“{name}”中 {len(found.formulas)} 个单元格是公式（{first}），"
                             "已按文件中保存的计算结果导入", self.source))


class _SheetReader:
    """The cells of one worksheet, streamed: hidden rows and columns set aside, formulas
    taken at their saved values, every bound checked as each cell arrives."""

    def __init__(self, book: _Book, sheet: _Sheet) -> None:
        self.book, self.sheet = book, sheet
        self.found = _Found()
        self.hidden_columns: set[int] = set()
        self.hidden_rows: set[int] = set()
        self.texts: dict[tuple[int, int], str] = {}  # by 1-based (row, column)
        self.merges: list[tuple[int, int, int, int]] = []
        self.rows = self.columns = 0

    def read(self, handle: IO[bytes]) -> None:
        row_number = 0
        hidden_row = False
        column = 0
        for event, element in _stream(handle, f"{_S}row", f"{_S}c", f"{_S}col", f"{_S}mergeCell", events=("start", "end")):
            tag = element.tag
            if tag == f"{_S}row":
                if event == "start":
                    row_number = _number(element.get("r"), row_number + 1, MAX_ROW)
                    hidden_row = _true(element.get("hidden"))
                    if hidden_row:
                        self.hidden_rows.add(row_number)
                    column = 0
                continue
            if event == "start":
                continue
            if tag == f"{_S}c":
                self.book.count_cell()
                row, column = _position(element.get("r"), row_number, column + 1)
                self._cell(element, row, column, hidden_row)
            elif tag == f"{_S}col" and _true(element.get("hidden")):
                first = _number(element.get("min"), 1, MAX_COLUMN)
                last = _number(element.get("max"), first, MAX_COLUMN)
                self.hidden_columns.update(range(first, min(last, MAX_COLUMN) + 1))
            elif tag == f"{_S}mergeCell":
                self._merge(element.get("ref", ""))

    def _cell(self, element: etree._Element, row: int, column: int, hidden_row: bool) -> None:
        if hidden_row or column in self.hidden_columns:
            if not _has_content(element):
                return
            if hidden_row and self.found.hidden_rows[-1:] != [row]:  # rows come in order
                self.found.hidden_rows.append(row)
            elif not hidden_row and column not in self.found.hidden_columns:
                self.found.hidden_columns.append(column)
            return
        ref = f"{_letters(column)}{row}"
        text = self._value(element, ref)
        if text is None or not text.strip():
            return
        self.book.count_text(text, self.sheet.name, ref)
        self.texts[(row, column)] = text
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)
        if self.rows * self.columns > MAX_GRID:
            raise PlanError(Problem(
                f"工作表“{self.sheet.name}”的使用范围过大（{self.rows} 行 × {self.columns} 列），"
                "请删除表格以外的内容后再导入", self.book.source))

    def _value(self, element: etree._Element, ref: str) -> str | None:
        """The text Excel shows in a cell, or None for an empty one."""
        kind = element.get("t", "n")
        formula = element.find(f"{_S}f")
        value = element.find(f"{_S}v")
        raw = value.text if value is not None else None
        if kind == "inlineStr":
            inline = element.find(f"{_S}is")
            raw = _string(inline) if inline is not None else None
        if formula is not None:
            if not self.sheet.visible:
                pass  # read only to tell whether it holds a table
            elif raw is None or (raw == "" and kind not in ("str", "inlineStr")):
                shown = f"={formula.text}" if formula.text else "共享公式"
                raise PlanError(Problem(
                    f"工作表“{self.sheet.name}”单元格 {ref} 是公式（{_short(shown)}），文件中没有保存计算结果："
                    "请用 Excel 或 WPS 打开并保存后再导入", self.book.source))
            else:
                self.found.formulas.append(ref)
        if raw is None:
            return None
        code = self._format(element.get("s"))
        if kind == "s":
            index = _number(raw, -1, len(self.book.strings) - 1)
            if not 0 <= index < len(self.book.strings):
                raise PlanError(Problem(f"工作表“{self.sheet.name}”单元格 {ref} 引用的共享字符串不存在：文件已损坏", self.book.source))
            return shown_text(self.book.strings[index], code) if code else self.book.strings[index]
        if kind in ("str", "inlineStr"):
            text = _unescape(raw)
            return shown_text(text, code) if code else text
        if kind == "b":
            return "TRUE" if raw.strip() in ("1", "true") else "FALSE"
        if kind == "e" and self.sheet.visible:
            raise PlanError(Problem(
                f"工作表“{self.sheet.name}”单元格 {ref} 显示错误值 {_short(raw)}：请在 Excel 中改正后再导入", self.book.source))
        if kind == "d":
            try:
                return date_text(datetime.datetime.fromisoformat(raw.strip()))
            except ValueError:
                return raw
        try:
            number = float(raw)
        except ValueError:
            return _unescape(raw)
        return shown_number(number, code, self.book.date1904)

    def _format(self, style: str | None) -> str:
        index = _number(style, 0, len(self.book.formats) - 1) if style else 0
        return self.book.formats[index] if 0 <= index < len(self.book.formats) else ""

    def _merge(self, ref: str) -> None:
        """A merged range, whatever quoting the XML used; one Excel could not read is ignored, as Excel does."""
        corners = [_REF.fullmatch(part.strip()) for part in ref.split(":")]
        if len(corners) != 2 or not all(corners):
            return
        (r1, c1), (r2, c2) = [(int(m[2]), _column(m[1])) for m in corners if m]
        self.merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
        if len(self.merges) > MAX_MERGES:
            raise PlanError(Problem(
                f"工作表“{self.sheet.name}”的合并单元格超过 {MAX_MERGES} 处，不像工作安排表，拒绝读取", self.book.source))

    def grid(self) -> Grid:
        """The visible rows and columns of the used range, merges clipped to it."""
        rows = [r for r in range(1, self.rows + 1) if r not in self.hidden_rows]
        columns = [c for c in range(1, self.columns + 1) if c not in self.hidden_columns]
        row_at = {r: i for i, r in enumerate(rows)}
        column_at = {c: i for i, c in enumerate(columns)}
        origins = [[(i, j) for j in range(len(columns))] for i in range(len(rows))]
        covered = 0
        for r1, c1, r2, c2 in self.merges:
            inside_rows = [row_at[r] for r in range(r1, min(r2, self.rows) + 1) if r in row_at]
            inside_columns = [column_at[c] for c in range(c1, min(c2, self.columns) + 1) if c in column_at]
            covered += len(inside_rows) * len(inside_columns)
            if covered > MAX_GRID:
                raise PlanError(Problem(
                    f"工作表“{self.sheet.name}”中合并的单元格范围过大或相互重叠，拒绝读取", self.book.source))
            if not inside_rows or not inside_columns:
                continue
            origin = (inside_rows[0], inside_columns[0])
            if (r1, c1) in self.texts and (r1 not in row_at or c1 not in column_at):
                self.texts.setdefault((rows[origin[0]], columns[origin[1]]), self.texts[(r1, c1)])
            for i in inside_rows:
                for j in inside_columns:
                    origins[i][j] = origin
        texts = {}
        for (r, c), text in self.texts.items():
            if r in row_at and c in column_at:
                position = (row_at[r], column_at[c])
                if origins[position[0]][position[1]] == position:
                    texts[position] = text
        return Grid.build(origins, texts)


def _stream(handle: IO[bytes], *tags: str, events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, etree._Element]]:
    """Elements of a part as they are parsed; each finished one is freed with what came before it."""
    for event, element in etree.iterparse(handle, events=events, tag=tags, resolve_entities=False, huge_tree=False,
                                          no_network=True):
        yield event, element
        if event == "end":
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]


def _parse(archive: zipfile.ZipFile, part: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(archive.read(part), parser)


def _targets(archive: zipfile.ZipFile, names: set[str], rels: str, folder: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part name) of one part's relationships."""
    if rels not in names:
        return {}
    found = {}
    for rel in _parse(archive, rels).iter(f"{_REL}Relationship"):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[rel.get("Id", "")] = (rel.get("Type", ""), part)
    return found


def _target(archive: zipfile.ZipFile, names: set[str], rels: str, kind: str, folder: str) -> str | None:
    return next((part for t, part in _targets(archive, names, rels, folder).values() if t.endswith(f"/{kind}")), None)


def _number_formats(styles: etree._Element) -> list[str]:
    """The number format code of each cell style (``s`` attribute of a cell), by index."""
    custom = {
        _number(f.get("numFmtId"), -1, 10**6): f.get("formatCode", "")
        for f in styles.iterfind(f"{_S}numFmts/{_S}numFmt")
    }
    codes = []
    for xf in styles.iterfind(f"{_S}cellXfs/{_S}xf"):
        number = _number(xf.get("numFmtId"), 0, 10**6)
        codes.append(custom.get(number, BUILTIN.get(number, "General")))
    return codes


def _has_content(cell: etree._Element) -> bool:
    """A cell holds something (a value, an inline string or a formula), shown or not."""
    return any((child.tag == f"{_S}v" and (child.text or "").strip()) or child.tag in (f"{_S}f", f"{_S}is")
               for child in cell)


def _string(element: etree._Element) -> str:
    """The text of a shared or inline string: its runs, without phonetic guides."""
    parts = [t.text or "" for t in element.iter(f"{_S}t") if t.getparent().tag != f"{_S}rPh"]
    return _unescape("".join(parts))


def _unescape(text: str) -> str:
    """OOXML's _xHHHH_ escapes (Excel writes a carriage return as _x000D_); CR dropped."""
    if "_x" in text:
        text = _ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _true(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("1", "true")


def _number(text: str | None, default: int, maximum: int) -> int:
    """A non-negative integer attribute, or ``default``; a huge one is clipped past ``maximum``."""
    if text is None or not text.strip().isdigit() or not text.strip().isascii():
        return default
    text = text.strip()
    return maximum + 1 if len(text) > len(str(maximum)) else int(text)


def _position(ref: str | None, row: int, column: int) -> tuple[int, int]:
    """A cell's (row, column): from its reference, else next in the row."""
    found = _REF.fullmatch(ref or "")
    if found:
        row, column = int(found[2]), _column(found[1])
    return min(max(row, 1), MAX_ROW + 1), min(max(column, 1), MAX_COLUMN + 1)


def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def _ranges(numbers: list[int], name: Any = str) -> str:
    """"5、7–9" for rows 5, 7, 8, 9: consecutive numbers as ranges, at most ten shown."""
    spans: list[list[int]] = []
    for number in sorted(set(numbers)):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    parts = [name(a) if a == b else f"{name(a)}–{name(b)}" for a, b in spans]
    return "、".join(parts[:10]) + (f" 等 {len(parts)} 处" if len(parts) > 10 else "")
