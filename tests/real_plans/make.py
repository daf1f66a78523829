"""Build the documents an office keeps from a corpus fixture (see README.md here).

``make_docx`` writes the title paragraph, then each table under its heading paragraph, with
real merges (w:gridSpan / w:vMerge); ``make_xlsx`` writes the same tables with merged ranges,
all on one sheet (title, heading rows, a blank row between tables) or one sheet per table.
``make_paragraphs_docx`` writes a plan published as labelled paragraphs as the page had it.
``layout`` gives the grid a fixture describes (merges expanded), so tests can compare the
imported items with the published cells without trusting the readers under test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent


def fixtures() -> list[Path]:
    """Every corpus fixture, in a stable order."""
    return sorted(HERE.glob("*.yaml"))


def load(name: str | Path) -> dict[str, Any]:
    """A fixture by file name ("dazhu_2016_minsheng") or path."""
    path = Path(name)
    if not path.suffix:
        path = HERE / f"{name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass
class Cell:
    """One published cell: its text, where it starts and how far it spans."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Grid:
    """A fixture table with its merges placed: ``cells`` are the published cells (each
    once), ``text[r][c]`` the text seen at every position (a merged cell's text repeated)."""

    width: int
    header_rows: int
    cells: list[Cell]
    text: list[list[str]] = field(default_factory=list)
    anchor: list[list[tuple[int, int]]] = field(default_factory=list)

    def is_group_row(self, r: int) -> bool:
        """A row that is one cell spanning the whole table: a group heading (一、…)."""
        starts = [c for c in self.cells if c.row == r]
        return len(starts) == 1 and starts[0].colspan == self.width and starts[0].col == 0

    def merged_above(self, r: int, c: int) -> bool:
        """The cell at (r, c) continues a cell that started in a row above (a vertical merge)."""
        return self.anchor[r][c][0] < r


def layout(table: dict[str, Any]) -> Grid:
    """Place every cell of a fixture table, skipping the positions a merge above covers."""
    rows = table["rows"]
    covered: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for raw in row:
            while (r, c) in covered:
                c += 1
            spec = raw if isinstance(raw, dict) else {"text": raw}
            cell = Cell(str(spec["text"]), r, c, int(spec.get("rowspan", 1)), int(spec.get("colspan", 1)))
            cells.append(cell)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    covered.add((r + dr, c + dc))
            c += cell.colspan
        width = max(width, c, *(cc + 1 for rr, cc in covered if rr == r))
    height = len(rows)
    text = [[""] * width for _ in range(height)]
    anchor = [[(r, c) for c in range(width)] for r in range(height)]
    for cell in cells:
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                text[cell.row + dr][cell.col + dc] = cell.text
                anchor[cell.row + dr][cell.col + dc] = (cell.row, cell.col)
    return Grid(width, int(table.get("header_rows", 1)), cells, text, anchor)


def make_docx(fixture: dict[str, Any], path: Path, *, title: bool = True) -> Path:
    """The .docx: title paragraph, then each table under its heading paragraph."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    if title and fixture.get("title"):
        document.add_paragraph(fixture["title"])
    for table_data in fixture["tables"]:
        if table_data.get("heading"):
            document.add_paragraph(table_data["heading"])
        grid = layout(table_data)
        table = document.add_table(rows=len(grid.text), cols=grid.width)
        table.style = "Table Grid"
        for cell in grid.cells:
            target = table.cell(cell.row, cell.col)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
            lines = cell.text.split("\n")
            target.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                target.add_paragraph(line)
            for paragraph in target.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(10)
    path = Path(path)
    document.save(str(path))
    return path


# Headings of a paragraphs fixture printed as a plain paragraph under the task, not as a label.
_BODY_HEADINGS = ("主要内容",)


def paragraph_lines(fixture: dict[str, Any]) -> list[str]:
    """A ``published_as: paragraphs`` fixture as the page printed it: the title, then per
    table its heading, each group row, each task numbered as its 序号 says ("1.", "一、",
    "(一)"), its 主要内容 as a paragraph, and every other cell that has text as a label line
    ("责任单位:…", the half-width colon of the page copies) — or, with ``units_at_end``, the
    last cell in brackets closing the task's paragraph ("…。(市医保局负责)")."""
    lines = [fixture["title"]] if fixture.get("title") else []
    for table in fixture["tables"]:
        grid = layout(table)
        headings = [re.sub(r"\s+", "", grid.text[grid.header_rows - 1][c]) for c in range(grid.width)]
        if table.get("heading"):
            lines.append(table["heading"])
        for r in range(grid.header_rows, len(grid.text)):
            cells = grid.text[r]
            if grid.is_group_row(r):
                lines.append(cells[0])
                continue
            seq = cells[0]
            number = f"{seq}." if seq.isdigit() else seq if seq[:1] in "(（" else f"{seq}、"
            if fixture.get("units_at_end"):
                lines.append(f"{number}{cells[1]}({cells[-1]})")
                continue
            lines.append(number + cells[1])
            for heading, text in zip(headings[2:], cells[2:]):
                if text:
                    lines.append(text if heading in _BODY_HEADINGS else f"{heading}:{text}")
    return lines


def make_paragraphs_docx(fixture: dict[str, Any], path: Path) -> Path:
    """The .docx of a plan published as paragraphs: one paragraph per line of
    ``paragraph_lines`` (a cell's own line breaks stay line breaks inside it)."""
    import docx

    document = docx.Document()
    for line in paragraph_lines(fixture):
        document.add_paragraph(line)
    path = Path(path)
    document.save(str(path))
    return path


def _xlsx_value(text: str) -> Any:
    """Offices type 序号 and amounts as numbers: a whole number is stored as one."""
    return int(text) if re.fullmatch(r"[1-9]\d{0,8}|0", text) else text


def _write_table(sheet: Any, grid: Grid, top: int) -> int:
    """Write one grid with its merged ranges from row ``top`` (1-based); the next free row."""
    from openpyxl.styles import Alignment

    wrap = Alignment(wrap_text=True, vertical="center")
    for cell in grid.cells:
        row, col = top + cell.row, 1 + cell.col
        target = sheet.cell(row=row, column=col, value=_xlsx_value(cell.text) if cell.text else None)
        target.alignment = wrap
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_cells(
                start_row=row, start_column=col, end_row=row + cell.rowspan - 1, end_column=col + cell.colspan - 1
            )
    return top + len(grid.text)


def make_xlsx(fixture: dict[str, Any], path: Path, *, sheets: bool = False, title: bool = True) -> Path:
    """The .xlsx: on one sheet the title row (merged across), then each heading row and
    table with a blank row between; with ``sheets`` one sheet per table, named after its
    heading (or 表N), the title above the first table only."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    row = 1
    for n, table_data in enumerate(fixture["tables"], start=1):
        grid = layout(table_data)
        if sheets and n > 1:
            name = re.sub(r"[\[\]:*?/\\]", "", table_data.get("heading") or f"表{n}")[:31]
            sheet = workbook.create_sheet(name)
            row = 1
        elif sheets and table_data.get("heading"):
            sheet.title = re.sub(r"[\[\]:*?/\\]", "", table_data["heading"])[:31]
        if title and n == 1 and fixture.get("title"):
            sheet.cell(row=row, column=1, value=fixture["title"])
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=grid.width)
            row += 1
        if table_data.get("heading"):
            sheet.cell(row=row, column=1, value=table_data["heading"])
            row += 1
        row = _write_table(sheet, grid, row) + 1
    path = Path(path)
    workbook.save(str(path))
    return path


def make_xls(fixture: dict[str, Any], path: Path) -> Path:
    """The Excel 97–2003 .xls of the one-sheet layout (xlwt writes it, as WPS saves one)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    wrap = xlwt.easyxf("align: wrap on, vert centre")
    row = 0
    for n, table_data in enumerate(fixture["tables"], start=1):
        grid = layout(table_data)
        if n == 1 and fixture.get("title"):
            sheet.write_merge(row, row, 0, grid.width - 1, fixture["title"])
            row += 1
        if table_data.get("heading"):
            sheet.write(row, 0, table_data["heading"])
            row += 1
        for cell in grid.cells:
            value = _xlsx_value(cell.text) if cell.text else ""
            top, left = row + cell.row, cell.col
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.write_merge(top, top + cell.rowspan - 1, left, left + cell.colspan - 1, value, wrap)
            else:
                sheet.write(top, left, value, wrap)
        row += len(grid.text) + 1
    path = Path(path)
    book.save(str(path))
    return path
