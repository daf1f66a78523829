"""XLSX writer: one worksheet per section, printable as the official attachment.

The package is written as XML text, as the DOCX writer writes its tables: each cell is
one string template filled with its escaped text, so time and memory grow linearly with
the rows and a 10,000-row attachment costs a tenth of what openpyxl's write-only cells
did (README, 性能).  Each cell look (role, alignment, fill, box) is one named cell style,
listed by its Chinese name in Excel's cell-style gallery, so a user can restyle all body
cells at once; the workbook's default font and its theme fonts are the style profile's.

Excel fits row heights to wrapped text only when it opens a file, never for merged
cells and never in LibreOffice's PDF export, so every row height is estimated here
from the text (full-width characters count double) and rounded up rather than down.
Every user string is stored as text, so "=SUM(A1)" or "#N/A" can neither run as a
formula nor turn into an error value when the sheet is opened; only cells the document
marks as numbers (counts, integer 序号) are stored as numbers, so they sort and sum.
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection
from datetime import datetime, timezone
from functools import lru_cache
from typing import TYPE_CHECKING
from zipfile import ZIP_DEFLATED, ZipFile

from ..layout import Cell, Document, PageBreak, Paragraph, Section, Table
from ..style import Style, templates_dir
from . import office_fonts
from .reproducible import APP_XML, build_date, normalise_zip, zip_package
from .xml_text import xml_attribute, xml_text

if TYPE_CHECKING:
    from openpyxl import Workbook

CELL_LIMIT = 32_767  # characters in one Excel cell
_TITLE_LIMIT = 31  # characters in a sheet name
_RESERVED_TITLES = {"history"}  # Excel keeps "History" for change tracking
# Characters Excel refuses in sheet names, replaced by their full-width forms so the
# name still reads the same to a Chinese user; control characters are dropped.
_TITLE_MAP = str.maketrans({":": "：", "/": "／", "\\": "＼", "?": "？", "*": "＊", "[": "【", "]": "】"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Excel's column-width unit is the width of "0" in the workbook's default font: 7 px at
# 96 dpi for an 11-point face whose digits are half an em wide (Calibri, 宋体, 仿宋 alike).
_DEFAULT_SIZE = 11
_PX_PER_UNIT = 7.0
_COLUMN_PAD_PX = 5.0  # Excel adds this to every column beside the character units
_CELL_INSET_PT = 2.25  # text inset on each side of a cell in Excel and LibreOffice (3 px)
_WRAP_SLACK = 0.95  # fallback fonts and line-break rules waste part of each line
_LINE_HEIGHT = 1.3  # line height of CJK faces in Excel and LibreOffice, per point of size
_ROW_PADDING_PT = 4.0
_MAX_ROW_HEIGHT = 409.0  # Excel's largest row height in points
_PAPER_SIZES = {"A4": 9, "A3": 8}  # Excel's paper size codes
_GRID_ROLES = frozenset({"label", "title", "subtitle", "heading", "body"})  # one line pitch per line, as in DOCX
# The calculation engine id Excel 2016–365 writes: a file stamped with an older id is
# recalculated on opening, and Excel then asks to save it on closing, formulas or not.
_CALC_ID = 191029
_INDENT = "\u3000"  # one full-width character: GB/T 9704 sets page numbers one character in
_PARAGRAPH_ALIGN = {
    "label": "left", "title": "center", "subtitle": "center", "heading": "left", "body": "left", "note": "left",
}

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument."


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
    texts = document.texts()
    _check_lengths(texts)
    looks = _Looks(style, all_gb2312=not office_fonts.outside_gb2312("\n".join(texts)))
    titles: list[str] = []
    sheets: list[str] = []
    print_titles: list[str] = []
    for index, section in enumerate(document.sections or (Section(document.title, ()),)):
        title = sheet_title(section.name, titles)
        titles.append(title)
        writer = _SheetWriter(section, style, looks)
        sheets.append(writer.write())
        if writer.header_rows:
            quoted = "'" + title.replace("'", "''") + "'"
            first, last = writer.header_rows
            name = f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
            print_titles.append(f"{name}{xml_text(quoted)}!${first}:${last}</definedName>")
    stamp = document.date or build_date()
    parts = {
        "[Content_Types].xml": _content_types(len(sheets)),
        "_rels/.rels": _relationships(
            ("officeDocument", "xl/workbook.xml"), ("metadata/core-properties", "docProps/core.xml"),
            ("extended-properties", "docProps/app.xml"),
        ),
        "docProps/core.xml": _core_properties(document, style, stamp),
        "docProps/app.xml": APP_XML,
        "xl/workbook.xml": _workbook(titles, print_titles),
        "xl/_rels/workbook.xml.rels": _relationships(
            *(("worksheet", f"worksheets/sheet{n}.xml") for n in range(1, len(sheets) + 1)),
            ("styles", "styles.xml"), ("theme", "theme/theme1.xml"),
        ),
        "xl/styles.xml": looks.xml(),
        "xl/theme/theme1.xml": _theme(style),
        **{f"xl/worksheets/sheet{n}.xml": sheet for n, sheet in enumerate(sheets, 1)},
    }
    # Level 2: the 10,000-row sheet compresses in 21 ms instead of 47 ms (level 6, the
    # default), to 655 KB instead of 492 KB (openpyxl's package was 613 KB).
    members = ((name, content.encode("utf-8") if isinstance(content, str) else content) for name, content in parts.items())
    return zip_package(members, stamp, level=2)


def _check_lengths(texts: list[str]) -> None:
    """Refuse a text longer than a cell holds (Excel would cut it), before anything is written."""
    for text in texts:
        if len(text) > CELL_LIMIT:
            start = text[:20]
            raise ValueError(f"单元格内容长度 {len(text)} 超过 Excel 上限 {CELL_LIMIT} 个字符（以“{start}”开头）")


def _content_types(sheets: int) -> str:
    overrides = [
        ("/xl/workbook.xml", _CONTENT_TYPE + "spreadsheetml.sheet.main+xml"),
        *((f"/xl/worksheets/sheet{n}.xml", _CONTENT_TYPE + "spreadsheetml.worksheet+xml")
          for n in range(1, sheets + 1)),
        ("/xl/styles.xml", _CONTENT_TYPE + "spreadsheetml.styles+xml"),
        ("/xl/theme/theme1.xml", _CONTENT_TYPE + "theme+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", _CONTENT_TYPE + "extended-properties+xml"),
    ]
    return (
        f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{part}" ContentType="{kind}"/>' for part, kind in overrides)
        + "</Types>"
    )


def _relationships(*targets: tuple[str, str]) -> str:
    """A relationships part: (type, target) pairs, numbered rId1, rId2 …; the core
    properties' type lives in the package namespace, the others in the document's."""
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{_PACKAGE_REL_NS if kind.startswith("metadata/") else _REL_NS}/{kind}" '
        f'Target="{target}"/>'
        for n, (kind, target) in enumerate(targets, 1)
    )
    return f'{_DECLARATION}<Relationships xmlns="{_PACKAGE_REL_NS}">{links}</Relationships>'


def _core_properties(document: Document, style: Style, stamp: datetime) -> str:
    when = stamp.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = [
        ("dc:title", document.title), ("dc:subject", document.subject), ("dc:creator", document.author or
         style.metadata.author), ("cp:keywords", ";".join(document.keywords)), ("dc:language", "zh-CN"),
    ]
    fields = "".join(f"<{tag}>{xml_text(value)}</{tag}>" for tag, value in values if value)
    dates = "".join(
        f'<dcterms:{tag} xsi:type="dcterms:W3CDTF">{when}</dcterms:{tag}>' for tag in ("created", "modified")
    )
    return (
        f"{_DECLARATION}<cp:coreProperties"
        ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        f' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{fields}{dates}</cp:coreProperties>'
    )


def _theme(style: Style) -> str:
    """Office's theme with the profile's fonts (``office_fonts.theme_fonts``) in its
    empty major and minor font collections."""
    text = (templates_dir() / "xlsx-theme.xml").read_text(encoding="utf-8")
    for tag, fonts in office_fonts.theme_fonts(style).items():
        elements = "".join(
            f"<a:{name} {' '.join(f'{key}={xml_attribute(value)}' for key, value in attributes.items())}/>"
            for name, attributes in fonts
        )
        text = text.replace(f"<a:{tag}/>", f"<a:{tag}>{elements}</a:{tag}>")
    name = xml_attribute(office_fonts.theme_name(style))
    return text.replace('<a:fontScheme name="Office">', f"<a:fontScheme name={name}>")


def _workbook(titles: list[str], print_titles: list[str]) -> str:
    """The workbook part: its sheets, their print titles, and nothing for Excel to
    recalculate on opening (a full recalculation makes Excel ask to save on closing)."""
    sheets = "".join(
        f'<sheet name={xml_attribute(title)} sheetId="{n}" r:id="rId{n}"/>' for n, title in enumerate(titles, 1)
    )
    names = f"<definedNames>{''.join(print_titles)}</definedNames>" if print_titles else ""
    return (
        f'{_DECLARATION}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><bookViews><workbookView/></bookViews>'
        f'<sheets>{sheets}</sheets>{names}<calcPr calcId="{_CALC_ID}"/></workbook>'
    )


def workbook_bytes(workbook: Workbook, stamp: datetime) -> bytes:
    """An openpyxl workbook (the feedback forms, which need its protection and validation)
    packed as ``render`` packs ours: every member dated ``stamp``, its app.xml naming this
    tool, nothing for Excel to recalculate on opening.  ``workbook.properties`` keep the
    dates set on them.  openpyxl is imported here, so that a build pays for it only when
    it writes forms."""
    from openpyxl.workbook.properties import CalcProperties
    from openpyxl.writer.excel import ExcelWriter

    class Package(ZipFile):
        """The zip file openpyxl writes into, with our app.xml in place of openpyxl's,
        which names "Microsoft Excel Compatible / Openpyxl"."""

        def writestr(self, name, data, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            return super().writestr(name, APP_XML if name == "docProps/app.xml" else data, *args, **kwargs)

    workbook.calculation = CalcProperties(calcId=_CALC_ID, fullCalcOnLoad=None)
    buffer = io.BytesIO()
    # ExcelWriter, not Workbook.save: save() stamps "modified" with the clock.
    ExcelWriter(workbook, Package(buffer, "w", ZIP_DEFLATED)).save()
    return normalise_zip(buffer.getvalue(), stamp)


_ROLE_NAMES = {
    "label": "附件标识", "title": "标题", "subtitle": "副标题", "heading": "小标题", "body": "正文",
    "note": "注释", "table": "表格", "table_header": "表头",
}
_ALIGN_NAMES = {"left": "左对齐", "center": "居中", "right": "右对齐"}
_BOX_SIDES = "".join(f'<{side} style="thin"><color rgb="FF000000"/></{side}>'
                     for side in ("left", "right", "top", "bottom"))


class _Looks:
    """One named cell style per look (role, alignment, bold, fill, box), numbered once.

    Style 0 is the workbook's default ("Normal", in the profile's body face); a look's
    number is the index of its cell format, whose parent is the named style of the same
    look, so Excel lists it by its Chinese name in the cell-style gallery.
    """

    def __init__(self, style: Style, all_gb2312: bool) -> None:
        self._style = style
        self._all_gb2312 = all_gb2312  # every text of the document is in GB2312: no cell needs a GBK face
        self._ids: dict[tuple[str, str, bool, str | None, bool, str | None], int] = {}
        self._gbk: dict[tuple[str, bool], str | None] = {}  # (role, bold) → the GBK face of a GB2312-only face
        self._fonts: dict[tuple[str, float, bool], int] = {(style.fonts.family("body"), _DEFAULT_SIZE, False): 0}
        self._fills: dict[str, int] = {}  # colour → fill id; 0 and 1 are the two fills Excel reserves
        # per style: the attributes and the content of its cell format
        self._formats = [('numFmtId="0" fontId="0" fillId="0" borderId="0"', "")]
        self._names = ["Normal"]  # the cell styles' names, Excel's built-in "Normal" first

    def get(
        self, role: str, align: str, bold: bool = False, fill: str | None = None, boxed: bool = False, text: str = ""
    ) -> int:
        """The style number of this look.

        Bold text prints in the header's face (黑体, never bolded again), as in the PDF and
        the DOCX.  ``text`` with characters a GB2312-only face lacks gets the GBK face of
        the same kind for the whole cell (a cell has one font).
        """
        face = (role, bold)
        if face not in self._gbk:
            self._gbk[face] = office_fonts.gbk_face(self._family(role, bold))
        gbk = self._gbk[face]
        if gbk and (self._all_gb2312 or not office_fonts.outside_gb2312(text)):
            gbk = None
        key = (role, align, bold, fill, boxed, gbk)
        number = self._ids.get(key)
        if number is None:
            fonts = self._style.fonts
            family = self._family(role, bold)
            number = self._ids[key] = len(self._formats)
            parts = [_ROLE_NAMES[role], _ALIGN_NAMES[align], "强调" * bold, f"底色{fill.upper()}" if fill else "",
                     gbk or ""]
            self._names.append("·".join(p for p in parts if p))
            font = self._fonts.setdefault((gbk or family, getattr(self._style.sizes, role), fonts.bold(role)),
                                          len(self._fonts))
            fill_id = self._fills.setdefault(fill.upper(), len(self._fills) + 2) if fill else 0
            wrap = ' wrapText="1"' if role != "label" else ""
            self._formats.append((
                f'numFmtId="0" fontId="{font}" fillId="{fill_id}" borderId="{int(boxed)}" applyAlignment="1"',
                f'<alignment horizontal="{align}" vertical="center"{wrap}/>',
            ))
        return number

    def _family(self, role: str, bold: bool) -> str:
        return self._style.fonts.family("table_header" if bold and role in ("table", "table_header") else role)

    def xml(self) -> str:
        """The styles part: fonts, fills, borders, the named styles and the cell formats."""
        fonts = "".join(
            f'<font>{"<b/>" * bold}<sz val="{size:g}"/><name val={xml_attribute(family)}/></font>'
            for (family, size, bold) in self._fonts
        )
        fills = "".join(
            f"<fill><patternFill {pattern}</patternFill></fill>"
            for pattern in ('patternType="none">', 'patternType="gray125">',
                            *(f'patternType="solid"><fgColor rgb="FF{colour}"/>' for colour in self._fills))
        )
        named = "".join(f"<xf {attributes}>{content}</xf>" for attributes, content in self._formats)
        cells = "".join(
            f'<xf {attributes} xfId="{n}">{content}</xf>' for n, (attributes, content) in enumerate(self._formats)
        )
        styles = '<cellStyle name="Normal" xfId="0" builtinId="0"/>' + "".join(
            f'<cellStyle name={xml_attribute(name)} xfId="{n}"/>' for n, name in enumerate(self._names[1:], 1)
        )
        count = len(self._formats)
        return (
            f'{_DECLARATION}<styleSheet xmlns="{_MAIN_NS}"><fonts count="{len(self._fonts)}">{fonts}</fonts>'
            f'<fills count="{len(self._fills) + 2}">{fills}</fills>'
            f'<borders count="2"><border/><border>{_BOX_SIDES}</border></borders>'
            f'<cellStyleXfs count="{count}">{named}</cellStyleXfs><cellXfs count="{count}">{cells}</cellXfs>'
            f'<cellStyles count="{count}">{styles}</cellStyles></styleSheet>'
        )


class _SheetWriter:
    """Writes one section as one worksheet's XML, top to bottom."""

    def __init__(self, section: Section, style: Style, looks: _Looks) -> None:
        self._section = section
        self._style = style
        self._looks = looks
        self._units = _column_units(section, style)
        self._widths_pt = [(u * _PX_PER_UNIT + _COLUMN_PAD_PX) * 0.75 for u in self._units]
        self._letters = [_column_letter(n) for n in range(1, len(self._units) + 1)]
        self._rows: list[str] = []
        self._merges: list[str] = []
        self._breaks: list[int] = []
        self.header_rows: tuple[int, int] | None = None  # the first table's header: repeated on every page

    def write(self) -> str:
        """The worksheet part."""
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
            elif isinstance(block, PageBreak) and self._rows:
                self._breaks.append(len(self._rows))
            previous = block
        cells = "".join(self._rows)
        head, tail = self._head(), self._tail()
        return f'{_DECLARATION}<worksheet xmlns="{_MAIN_NS}">{head}<sheetData>{cells}</sheetData>{tail}</worksheet>'

    def _head(self) -> str:
        """What precedes the cells: fit to page, frozen header rows, column widths."""
        view = '<selection activeCell="A1" sqref="A1"/>'
        if self.header_rows:
            last = self.header_rows[1]
            view = (f'<pane ySplit="{last}" topLeftCell="A{last + 1}" activePane="bottomLeft" state="frozen"/>'
                    '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/>')
        columns = "".join(
            f'<col min="{n}" max="{n}" width="{round(units, 2)}" customWidth="1"/>'
            for n, units in enumerate(self._units, 1)
        )
        return (
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<sheetViews><sheetView workbookViewId="0">{view}</sheetView></sheetViews>'
            f'<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/><cols>{columns}</cols>'
        )

    def _tail(self) -> str:
        """What follows the cells: merged ranges and the print setup (A4/A3, fit to the
        page width, centred, the profile's margins, page numbers, page breaks)."""
        style, orientation = self._style, self._section.orientation
        merges = f'<mergeCells count="{len(self._merges)}">{"".join(self._merges)}</mergeCells>' if self._merges else ""
        margins = style.page.margins(orientation)
        number_mm = style.sizes.page_number * 25.4 / 72
        footer_mm = max(margins.bottom - style.page_numbers.distance - number_mm, 5.0)
        inches = {side: round(getattr(margins, side) / 25.4, 4) for side in ("left", "right", "top", "bottom")}
        inches["header"] = inches["footer"] = round(footer_mm / 25.4, 4)
        page_margins = " ".join(f'{side}="{value}"' for side, value in inches.items())
        restart = ' firstPageNumber="1" useFirstPageNumber="1"' if self._section.restart_numbering else ""
        breaks = "".join(f'<brk id="{row}" max="16383" man="1"/>' for row in self._breaks)
        return (
            f'{merges}<printOptions horizontalCentered="1"/>'
            f"<pageMargins {page_margins}/>"
            f'<pageSetup paperSize="{_PAPER_SIZES[style.page.paper]}" orientation="{orientation}"'
            f' fitToWidth="1" fitToHeight="0"{restart}/>{self._page_numbers()}'
            + (f'<rowBreaks count="{len(self._breaks)}" manualBreakCount="{len(self._breaks)}">{breaks}</rowBreaks>'
               if self._breaks else "")
        )

    def _page_numbers(self) -> str:
        """GB/T 9704 places odd page numbers right and even ones left, one character in: a
        full-width space outside the number, in the footer's own font, is that character.
        Excel cannot turn a number with the page (the landscape rule), so
        ``gbt9704-landscape`` prints as ``gbt9704``."""
        style = self._style
        if style.page_numbers.style == "none":
            return ""
        number = style.page_numbers.format.replace("&", "&&").format(n="&P")
        font = f'&"{style.fonts.family("page_number")},Regular"&{round(style.sizes.page_number)} '
        if style.page_numbers.style in ("gbt9704", "gbt9704-landscape"):
            odd, even = xml_text(f"&R{font}{number}{_INDENT}"), xml_text(f"&L{font}{_INDENT}{number}")
            return (f'<headerFooter differentOddEven="1"><oddFooter>{odd}</oddFooter>'
                    f"<evenFooter>{even}</evenFooter></headerFooter>")
        return f"<headerFooter><oddFooter>{xml_text(f'&C{font}{number}')}</oddFooter></headerFooter>"

    def _paragraph(self, paragraph: Paragraph) -> None:
        role, align = paragraph.role, _PARAGRAPH_ALIGN[paragraph.role]
        look = self._looks.get(role, align, text=paragraph.text)  # 黑体 (label, heading) is heavy enough unbolded
        # The label stays in the first cell and may run on over the empty cells beside it.
        span = 1 if role == "label" else len(self._units)
        pitch = self._style.paragraph.line_pitch if role in _GRID_ROLES else None
        placed = (paragraph.text, look, 1, span, False, sum(self._widths_pt))
        self._append([placed], getattr(self._style.sizes, role), pitch)

    def _table(self, table: Table) -> None:
        em, padding = self._style.sizes.table, 2 * self._style.table.cell_padding * 72 / 25.4
        if self.header_rows is None:
            self.header_rows = (len(self._rows) + 1, len(self._rows) + len(table.header_rows))
        for row in table.fitted_header(self._widths_pt, em, padding):
            self._table_row(row, table, header=True)
        first = len(self._rows) + 1
        for row in table.rows:
            self._table_row(row, table, header=False)
        if any(cell.merge_up for row in table.rows for cell in row):
            self._merges += (f'<mergeCell ref="{self._letters[column - 1]}{start}:{self._letters[column - 1]}{end}"/>'
                             for column, start, end in _merged_down(table.rows, first))

    def _table_row(self, row: tuple[Cell, ...], table: Table, header: bool) -> None:
        role = "table_header" if header else "table"
        placed, column, widths = [], 1, self._widths_pt
        for cell in row:
            align = cell.align or ("center" if header else table.columns[column - 1].align)
            fill = cell.fill or (self._style.table.header_fill if header else None) or None
            look = self._looks.get(role, align, bold=cell.bold or header, fill=fill, boxed=True, text=cell.text)
            span = cell.span
            width = widths[column - 1] if span == 1 else sum(widths[column - 1 : column - 1 + span])
            # the merged range shows the first cell's value
            placed.append(("", look, column, span, False, width) if cell.merge_up
                          else (cell.text, look, column, span, cell.number, width))
            column += span
        self._append(placed, getattr(self._style.sizes, role))

    def _append(
        self, placed: list[tuple[str, int, int, int, bool, float]], size: float | None, pitch: float | None = None
    ) -> None:
        """Append one row of cells (text, style, first column, span, number, the text's width
        in points), with styled blanks under merged spans so their borders close the box.

        ``size``: the text's size, for the row's height; ``pitch``: the height of each line
        (paragraphs on the type-area grid, as in DOCX and PDF, so that the title falls on
        line 3), else the text's own line height."""
        row = len(self._rows) + 1
        letters = self._letters
        lines, cells = 1, []
        for text, look, column, span, number, width in placed:
            if size is not None and text:
                count = _line_count(text, width, size)
                if count > lines:
                    lines = count
            reference = f"{letters[column - 1]}{row}"
            if number:
                cells.append(f'<c r="{reference}" s="{look}"><v>{int(text)}</v></c>')
            elif text:
                space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
                cells.append(f'<c r="{reference}" s="{look}" t="inlineStr"><is><t{space}>{xml_text(text)}</t></is></c>')
            else:
                cells.append(f'<c r="{reference}" s="{look}"/>')
            if span > 1:
                cells += [f'<c r="{letter}{row}" s="{look}"/>' for letter in letters[column : column - 1 + span]]
                self._merges.append(f'<mergeCell ref="{reference}:{letters[column + span - 2]}{row}"/>')
        if size is None:
            height = pitch
        else:
            height = lines * pitch if pitch else lines * size * _LINE_HEIGHT + _ROW_PADDING_PT
        fixed = f' ht="{round(min(height, _MAX_ROW_HEIGHT), 2)}" customHeight="1"' if height else ""
        self._rows.append(f'<row r="{row}"{fixed}>{"".join(cells)}</row>')


def _merged_down(rows: tuple[tuple[Cell, ...], ...], first: int) -> list[tuple[int, int, int]]:
    """The cells merged down in ``rows`` (written from sheet row ``first`` on), as (column,
    first row, last row): a cell of one column and the ``merge_up`` cells below it."""
    merged: list[tuple[int, int, int]] = []
    runs: dict[int, int] = {}  # column → the sheet row where its merged cell starts
    for number, row in enumerate(rows, first):
        column = 1
        for cell in row:
            if not cell.merge_up:
                for covered in range(column, column + cell.span):
                    start = runs.pop(covered, number - 1)
                    if number - 1 > start:
                        merged.append((covered, start, number - 1))
                if cell.span == 1:
                    runs[column] = number
            column += cell.span
    last = first + len(rows) - 1
    merged += [(column, start, last) for column, start in runs.items() if last > start]
    return merged


def _column_letter(number: int) -> str:
    """Excel's name of column ``number`` (1 → A, 27 → AA)."""
    name = ""
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def _blank_lines_after(paragraph: Paragraph, style: Style) -> int:
    """Empty grid lines after a paragraph, as in DOCX and PDF: after the label (so that
    the title is on line 3) and after the title."""
    spacing = {"label": style.paragraph.title_space_before, "title": style.paragraph.title_space_after}
    return spacing.get(paragraph.role, 0)


def _column_units(section: Section, style: Style) -> list[float]:
    """Column widths in Excel character units so that the widest table spans the type
    area: printed at fit-to-width the scale is then about 100 % and sizes stay true."""
    tables = [block for block in section.blocks if isinstance(block, Table)]
    total_mm = style.page.text_width(section.orientation)
    em_mm = style.sizes.table * 25.4 / 72
    widest = max(tables, key=lambda t: len(t.columns)) if tables else None
    widths_mm = widest.widths(total_mm, em_mm, 2 * style.table.cell_padding) if widest else [total_mm]
    return [(mm / 25.4 * 96 - _COLUMN_PAD_PX) / _PX_PER_UNIT for mm in widths_mm]


def _line_count(text: str, width_pt: float, size: float) -> int:
    """Lines ``text`` wraps to in a cell ``width_pt`` wide at ``size`` points, counting its
    width in half-ems: every non-ASCII character counts 2 (CJK characters and their
    punctuation are full-width, and the rare narrow ones only make a row a little taller).
    Counted by encoding, which stays fast at 10,000 rows."""
    per_line = _half_ems_per_line(width_pt, size)
    if "\n" not in text:  # most cells: no generator
        return _wrapped_lines(text, per_line)
    return sum(_wrapped_lines(line, per_line) for line in text.split("\n"))


def _wrapped_lines(line: str, per_line: int) -> int:
    return max(-(-(2 * len(line) - len(line.encode("ascii", "ignore"))) // per_line), 1)


@lru_cache(maxsize=256)
def _half_ems_per_line(width_pt: float, size: float) -> int:
    """Half-ems a line of a cell ``width_pt`` wide holds at ``size`` points: a full-width
    character never splits, so an even number."""
    per_line = int((width_pt - 2 * _CELL_INSET_PT) * _WRAP_SLACK / (size / 2))
    return max(per_line - per_line % 2, 2)
