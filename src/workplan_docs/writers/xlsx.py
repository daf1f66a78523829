"""XLSX writer: one worksheet per section, printable as the official attachment.

The workbook is streamed (openpyxl ``write_only``), so time and memory grow linearly
with the rows: column widths, frozen panes and each row's height are set before the
row is appended, merged ranges and print setup are written when the sheet closes.

Excel fits row heights to wrapped text only when it opens a file, never for merged
cells and never in LibreOffice's PDF export, so every row height is estimated here
from the text (full-width characters count double) and rounded up rather than down.
Every user string is stored as text, so "=SUM(A1)" or "#N/A" can neither run as a
formula nor turn into an error value when the sheet is opened; only cells the document
marks as numbers (counts, integer 序号) are stored as numbers, so they sort and sum.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.header_footer import _HeaderFooterPart
from openpyxl.worksheet.pagebreak import Break
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import ARC_APP

from ..layout import Cell, Document, PageBreak, Paragraph, Section, Table
from ..style import Style
from .reproducible import APP_XML, build_date, normalise_zip

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

CELL_LIMIT = 32_767  # characters in one Excel cell; openpyxl would truncate silently
_TITLE_LIMIT = 31  # characters in a sheet name
_RESERVED_TITLES = {"history"}  # Excel keeps "History" for change tracking
# Characters Excel refuses in sheet names, replaced by their full-width forms so the
# name still reads the same to a Chinese user; control characters are dropped.
_TITLE_MAP = str.maketrans({":": "：", "/": "／", "\\": "＼", "?": "？", "*": "＊", "[": "【", "]": "】"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_PX_PER_UNIT = 7.0  # width of "0" in the default Calibri 11 at 96 dpi: one column-width unit
_COLUMN_PAD_PX = 5.0  # Excel adds this to every column beside the character units
_CELL_INSET_PT = 2.25  # text inset on each side of a cell in Excel and LibreOffice (3 px)
_WRAP_SLACK = 0.95  # fallback fonts and line-break rules waste part of each line
_LINE_HEIGHT = 1.3  # line height of CJK faces in Excel and LibreOffice, per point of size
_ROW_PADDING_PT = 4.0
_MAX_ROW_HEIGHT = 409.0  # Excel's largest row height in points
_PAPER_SIZES = {"A4": Worksheet.PAPERSIZE_A4, "A3": Worksheet.PAPERSIZE_A3}
_GRID_ROLES = frozenset({"label", "title", "subtitle", "heading", "body"})  # one line pitch per line, as in DOCX
# The calculation engine id Excel 2016–365 writes: a file stamped with an older id is
# recalculated on opening, and Excel then asks to save it on closing, formulas or not.
_CALC_ID = 191029
_INDENT = "\u3000"  # one full-width character: GB/T 9704 sets page numbers one character in
_PARAGRAPH_ALIGN = {
    "label": "left", "title": "center", "subtitle": "center", "heading": "left", "body": "left", "note": "left",
}


def sheet_title(name: str, taken: Collection[str]) -> str:
    """A sheet name Excel accepts for ``name``, unique among ``taken`` (without case, as
    Excel compares): forbidden characters become full-width, at most 31 characters, and
    a repeated name gets "(2)", "(3)" … with the name shortened to make room."""
    base = _CONTROL.sub("", name.translate(_TITLE_MAP)).strip().strip("'").strip() or "工作表"
    used = {title.casefold() for title in taken} | _RESERVED_TITLES
    candidate = _fit_title(base, "")
    number = 1
    while candidate.casefold() in used:
        number += 1
        candidate = _fit_title(base, f"({number})")
    return candidate


def _fit_title(base: str, suffix: str) -> str:
    stem = base[: _TITLE_LIMIT - len(suffix)].rstrip().rstrip("'")
    return (stem + suffix) or "工作表"


def render(document: Document, style: Style) -> bytes:
    """The XLSX file of ``document``: one printable worksheet per section."""
    _check_lengths(document)
    workbook = Workbook(write_only=True)
    looks = _Looks(workbook, style)
    titles: list[str] = []
    for section in document.sections or (Section(document.title, ()),):
        title = sheet_title(section.name, titles)
        titles.append(title)
        _SheetWriter(workbook.create_sheet(title), section, style, looks).write()
    stamp = document.date or build_date()
    _set_properties(workbook, document, style, stamp)
    return workbook_bytes(workbook, stamp)


def workbook_bytes(workbook: Workbook, stamp: datetime) -> bytes:
    """The package of a workbook without formulas, every member dated ``stamp``, its
    app.xml naming this tool, and nothing for Excel to recalculate on opening (openpyxl
    asks for a full recalculation by default, after which Excel asks to save on closing).
    ``workbook.properties`` keep the dates set on them."""
    workbook.calculation = CalcProperties(calcId=_CALC_ID, fullCalcOnLoad=None)
    buffer = io.BytesIO()
    # ExcelWriter, not Workbook.save: save() stamps "modified" with the clock.
    ExcelWriter(workbook, _Package(buffer, "w", ZIP_DEFLATED)).save()
    return normalise_zip(buffer.getvalue(), stamp)


class _Package(ZipFile):
    """The zip file openpyxl writes into, with our extended properties (app.xml) in
    place of openpyxl's, which names "Microsoft Excel Compatible / Openpyxl"."""

    def writestr(self, name, data, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        return super().writestr(name, APP_XML if name == ARC_APP else data, *args, **kwargs)


def _check_lengths(document: Document) -> None:
    """Refuse a text longer than a cell holds (openpyxl would cut it silently), before
    the first row is streamed, so a refusal leaves no half-written sheet behind."""
    for text in document.texts():
        if len(text) > CELL_LIMIT:
            start = text[:20]
            raise ValueError(f"单元格内容长度 {len(text)} 超过 Excel 上限 {CELL_LIMIT} 个字符（以“{start}”开头）")


def _set_properties(workbook: Workbook, document: Document, style: Style, stamp: datetime) -> None:
    properties = workbook.properties
    properties.title = document.title
    properties.subject = document.subject or None
    properties.creator = document.author or style.metadata.author or None
    properties.keywords = ";".join(document.keywords) or None
    properties.language = "zh-CN"
    properties.created = properties.modified = stamp.astimezone(timezone.utc).replace(tzinfo=None)


_ROLE_NAMES = {
    "label": "附件标识", "title": "标题", "subtitle": "副标题", "heading": "小标题", "body": "正文",
    "note": "注释", "table": "表格", "table_header": "表头",
}
_ALIGN_NAMES = {"left": "左对齐", "center": "居中", "right": "右对齐"}


class _Looks:
    """One named cell style per look (role, alignment, bold, fill, box), registered once.

    Assigning a font, border, fill and alignment to each cell makes openpyxl hash each
    object into the workbook's style tables: that was 70 % of the time at 10,000 rows.
    A named style is resolved once and then copied, and Excel lists it by its Chinese
    name in the cell-style gallery, so a user can restyle all body cells at once.
    """

    def __init__(self, workbook: Workbook, style: Style) -> None:
        self._workbook = workbook
        self._style = style
        self._thin = Border(*(Side(style="thin", color="FF000000"),) * 4)
        self._names: dict[tuple[str, str, bool, str | None, bool], str] = {}

    def get(self, role: str, align: str, bold: bool = False, fill: str | None = None, boxed: bool = False) -> str:
        """The name of the cell style for this look."""
        key = (role, align, bold, fill, boxed)
        name = self._names.get(key)
        if name is None:
            parts = [_ROLE_NAMES[role], _ALIGN_NAMES[align], "加粗" * bold, f"底色{fill.upper()}" if fill else ""]
            name = self._names[key] = "·".join(p for p in parts if p)
            named = NamedStyle(
                name,
                font=Font(name=self._style.fonts.family(role), size=getattr(self._style.sizes, role), bold=bold),
                alignment=Alignment(horizontal=align, vertical="center", wrap_text=role != "label"),
                border=self._thin if boxed else Border(),
                fill=PatternFill(fill_type="solid", fgColor="FF" + fill.upper()) if fill else PatternFill(),
            )
            self._workbook.add_named_style(named)
        return name


@dataclass(frozen=True)
class _Placed:
    """A cell to write: its text, named style, first column (1-based), span and width in points."""

    text: str
    look: str
    column: int
    span: int
    width: float
    number: bool = False


class _SheetWriter:
    """Writes one section into one streamed worksheet, top to bottom."""

    def __init__(self, sheet: WriteOnlyWorksheet, section: Section, style: Style, looks: _Looks) -> None:
        self._sheet = sheet
        self._section = section
        self._style = style
        self._looks = looks
        self._units = _column_units(section, style)
        self._widths_pt = [(u * _PX_PER_UNIT + _COLUMN_PAD_PX) * 0.75 for u in self._units]
        self._row = 0  # the last row written

    def write(self) -> None:
        self._set_up_page()
        previous: object = None
        for block in self._section.blocks:
            if isinstance(block, Paragraph):
                self._paragraph(block)
                for _ in range(_blank_lines_after(block, self._style)):
                    self._append([], None, self._style.paragraph.line_pitch)
            elif isinstance(block, Table):
                if isinstance(previous, Table):
                    self._append([], None)
                self._table(block)
            elif isinstance(block, PageBreak) and self._row:
                self._sheet.row_breaks.append(Break(id=self._row))
            previous = block

    def _set_up_page(self) -> None:
        """Everything a streamed sheet writes before its first row, and the print setup."""
        sheet, style, orientation = self._sheet, self._style, self._section.orientation
        for index, units in enumerate(self._units, 1):
            sheet.column_dimensions[get_column_letter(index)].width = round(units, 2)
        first = _first_table(self._section, style)
        if first is not None:
            header_row, table = first
            body_row = header_row + len(table.header_rows)
            sheet.freeze_panes = f"A{body_row}"
            sheet.print_title_rows = f"{header_row}:{body_row - 1}"
        setup = sheet.page_setup
        setup.paperSize = _PAPER_SIZES[style.page.paper]
        setup.orientation = orientation
        setup.fitToWidth, setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        if self._section.restart_numbering:
            setup.firstPageNumber, setup.useFirstPageNumber = 1, True
        sheet.print_options.horizontalCentered = True
        margins = style.page.margins(orientation)
        number_mm = style.sizes.page_number * 25.4 / 72
        footer_mm = max(margins.bottom - style.page_numbers.distance - number_mm, 5.0)
        for side in ("top", "bottom", "left", "right"):
            setattr(sheet.page_margins, side, round(getattr(margins, side) / 25.4, 4))
        sheet.page_margins.header = sheet.page_margins.footer = round(footer_mm / 25.4, 4)
        self._page_numbers(sheet)

    def _page_numbers(self, sheet: Worksheet) -> None:
        """GB/T 9704 places odd page numbers right and even ones left, one character in: a
        full-width space outside the number, in the footer's own font, is that character.
        Excel cannot turn a number with the page (the landscape rule), so
        ``gbt9704-landscape`` prints as ``gbt9704``."""
        style = self._style
        if style.page_numbers.style == "none":
            return
        number = style.page_numbers.format.replace("&", "&&").format(n="&P")
        places: tuple[tuple[_HeaderFooterPart, str], ...]
        if style.page_numbers.style in ("gbt9704", "gbt9704-landscape"):
            sheet.HeaderFooter.differentOddEven = True
            places = ((sheet.oddFooter.right, number + _INDENT), (sheet.evenFooter.left, _INDENT + number))
        else:
            places = ((sheet.oddFooter.center, number),)
        for footer, text in places:
            footer.text = text
            footer.font = f"{style.fonts.family('page_number')},Regular"
            footer.size = round(style.sizes.page_number)

    def _paragraph(self, paragraph: Paragraph) -> None:
        role, align = paragraph.role, _PARAGRAPH_ALIGN[paragraph.role]
        look = self._looks.get(role, align)  # 黑体 (label, heading) is heavy enough unbolded
        # The label stays in the first cell and may run on over the empty cells beside it.
        span = 1 if role == "label" else len(self._units)
        placed = self._place(paragraph.text, look, 1, span, width=sum(self._widths_pt))
        pitch = self._style.paragraph.line_pitch if role in _GRID_ROLES else None
        self._append([placed], getattr(self._style.sizes, role), pitch)

    def _table(self, table: Table) -> None:
        em, padding = self._style.sizes.table, 2 * self._style.table.cell_padding * 72 / 25.4
        for row in table.fitted_header(self._widths_pt, em, padding):
            self._table_row(row, table, header=True)
        runs: dict[int, int] = {}  # column → the sheet row where its merged cell starts
        for row in table.rows:
            column = 1
            for cell in row:
                if not cell.merge_up:
                    for covered in range(column, column + cell.span):
                        self._merge_down(covered, runs.pop(covered, None))
                    if cell.span == 1:
                        runs[column] = self._row + 1
                column += cell.span
            self._table_row(row, table, header=False)
        for column, start in runs.items():
            self._merge_down(column, start)

    def _merge_down(self, column: int, start: int | None) -> None:
        """Merge the cells of ``column`` from row ``start`` down to the last row written."""
        if start is not None and self._row > start:
            letter = get_column_letter(column)
            self._sheet.merged_cells.add(CellRange(f"{letter}{start}:{letter}{self._row}"))

    def _table_row(self, row: tuple[Cell, ...], table: Table, header: bool) -> None:
        role = "table_header" if header else "table"
        placed, column = [], 1
        for cell in row:
            align = cell.align or ("center" if header else table.columns[column - 1].align)
            fill = cell.fill or (self._style.table.header_fill if header else None) or None
            look = self._looks.get(role, align, bold=cell.bold or header, fill=fill, boxed=True)
            if cell.merge_up:  # the merged range shows the first cell's value
                placed.append(self._place("", look, column, cell.span))
            else:
                placed.append(self._place(cell.text, look, column, cell.span, number=cell.number))
            column += cell.span
        self._append(placed, getattr(self._style.sizes, role))

    def _place(
        self, text: str, look: str, column: int, span: int, width: float | None = None, number: bool = False
    ) -> _Placed:
        if width is None:
            width = sum(self._widths_pt[column - 1 : column - 1 + span])
        return _Placed(text, look, column, span, width, number)

    def _append(self, placed: list[_Placed], size: float | None, pitch: float | None = None) -> None:
        """Append one row: its height first (a streamed row is final once appended),
        then the cells, with styled blanks under merged spans so their borders close the box.

        ``pitch``: the height of each line (paragraphs on the type-area grid, as in DOCX
        and PDF, so that the title falls on line 3); else the text's own line height."""
        self._row += 1
        sheet, row = self._sheet, self._row
        if size is not None:
            lines = max((_line_count(p.text, p.width, size) for p in placed), default=1)
            height = lines * pitch if pitch else lines * size * _LINE_HEIGHT + _ROW_PADDING_PT
            sheet.row_dimensions[row].height = min(height, _MAX_ROW_HEIGHT)
        elif pitch:
            sheet.row_dimensions[row].height = pitch
        values: list[WriteOnlyCell | None] = []
        for p in placed:
            values.extend([None] * (p.column - 1 - len(values)))
            values.append(_number_cell(sheet, p.text, p.look) if p.number else _text_cell(sheet, p.text, p.look))
            if p.span > 1:
                values.extend(_text_cell(sheet, None, p.look) for _ in range(p.span - 1))
                end = get_column_letter(p.column + p.span - 1)
                sheet.merged_cells.add(CellRange(f"{get_column_letter(p.column)}{row}:{end}{row}"))
        sheet.append(values)
        sheet.row_dimensions.pop(row, None)  # written with the row: keep memory flat


def _text_cell(sheet: WriteOnlyWorksheet, text: str | None, look: str) -> WriteOnlyCell:
    """A styled cell holding ``text`` as a string, whatever the text looks like."""
    cell = WriteOnlyCell(sheet, text)
    if text is not None:
        cell.data_type = "s"
    cell.style = look
    return cell


def _number_cell(sheet: WriteOnlyWorksheet, text: str, look: str) -> WriteOnlyCell:
    """A styled cell holding the whole number ``text`` as a number."""
    cell = WriteOnlyCell(sheet, int(text))
    cell.style = look
    return cell


def _blank_lines_after(paragraph: Paragraph, style: Style) -> int:
    """Empty grid lines after a paragraph, as in DOCX and PDF: after the label (so that
    the title is on line 3) and after the title."""
    spacing = {"label": style.paragraph.title_space_before, "title": style.paragraph.title_space_after}
    return spacing.get(paragraph.role, 0)


def _first_table(section: Section, style: Style) -> tuple[int, Table] | None:
    """The first table of a section and the row its header starts on: each paragraph
    above it takes one row and its blank lines.  Needed before the first row, to freeze
    the panes."""
    row = 1
    for block in section.blocks:
        if isinstance(block, Table):
            return row, block
        if isinstance(block, Paragraph):
            row += 1 + _blank_lines_after(block, style)
    return None


def _column_units(section: Section, style: Style) -> list[float]:
    """Column widths in Excel character units so that the widest table spans the type
    area: printed at fit-to-width the scale is then about 100 % and sizes stay true."""
    tables = [block for block in section.blocks if isinstance(block, Table)]
    total_mm = style.page.text_width(section.orientation)
    em_mm = style.sizes.table * 25.4 / 72
    widest = max(tables, key=lambda t: len(t.columns)) if tables else None
    widths_mm = widest.widths(total_mm, em_mm, 2 * style.table.cell_padding) if widest else [total_mm]
    return [(mm / 25.4 * 96 - _COLUMN_PAD_PX) / _PX_PER_UNIT for mm in widths_mm]


def _units(text: str) -> int:
    """Width of ``text`` in half-ems.  Every non-ASCII character counts 2: CJK characters
    and their punctuation are full-width, and the rare narrow ones only make a row a
    little taller.  (Counted by encoding, which stays fast at 10,000 rows.)"""
    return 2 * len(text) - len(text.encode("ascii", "ignore"))


def _line_count(text: str, width_pt: float, size: float) -> int:
    """Lines ``text`` wraps to in a cell ``width_pt`` wide at ``size`` points: a full-width
    character never splits, so a line holds an even number of half-ems."""
    per_line = int((width_pt - 2 * _CELL_INSET_PT) * _WRAP_SLACK / (size / 2))
    per_line = max(per_line - per_line % 2, 2)
    return sum(max(math.ceil(_units(line) / per_line), 1) for line in text.split("\n"))
