"""Read a task list kept in Excel 97–2003 format (.xls), still the default of many offices
and of WPS.

xlrd reads the file (with ``formatting_info`` so merged ranges are known); every visible
sheet becomes a grid and is read exactly as an .xlsx sheet is (see ``xlsx.py`` and
``grid.py``).  Values print as Excel shows them, in the same forms as for .xlsx: whole
numbers without ".0", dates as "2024年6月30日".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import PlanError, Problem
from .grid import Grid, tables_of
from .table import ImportOptions, assemble
from .xlsx import MAX_CELLS, _text


def read_xls(path: Path, options: ImportOptions | None = None) -> dict[str, Any]:
    """Plan-file data from an Excel 97–2003 workbook."""
    import xlrd

    source = str(path)
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except (xlrd.XLRDError, OSError, ValueError, AssertionError, IndexError, KeyError) as error:
        raise PlanError(Problem(f"无法读取 Excel 97–2003 文件（{' '.join(str(error).split())[:80]}）；可在 Excel 或 WPS 中另存为 .xlsx 后再导入", source)) from None
    grids = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        if sheet.visibility == 0:
            grids.append((sheet.name, [], _grid(book, sheet, source)))
    return assemble(tables_of(grids, source), source, path.stem, options)


def _grid(book: Any, sheet: Any, source: str) -> Grid:
    import xlrd

    rows, columns = sheet.nrows, sheet.ncols
    if rows * columns > MAX_CELLS:
        raise PlanError(Problem(
            f"工作表“{sheet.name}”的使用范围过大（{rows} 行 × {columns} 列），请删除表格以外的内容后再导入", source))
    origins = [[(r, c) for c in range(columns)] for r in range(rows)]
    for first_row, last_row, first_col, last_col in sheet.merged_cells:
        for r in range(first_row, min(last_row, rows)):
            for c in range(first_col, min(last_col, columns)):
                origins[r][c] = (first_row, first_col)
    texts = {}
    for r in range(rows):
        for c in range(columns):
            if origins[r][c] != (r, c):
                continue
            cell = sheet.cell(r, c)
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                continue
            if cell.ctype == xlrd.XL_CELL_DATE:
                value: Any = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(cell.value)
            else:
                value = cell.value
            texts[(r, c)] = _text(value, _number_format(book, cell))
    return Grid.build(origins, texts)


def _number_format(book: Any, cell: Any) -> str:
    """The cell's number format string ("0%"), so a percentage prints as one."""
    xf = book.xf_list[cell.xf_index] if cell.xf_index is not None and cell.xf_index < len(book.xf_list) else None
    found = book.format_map.get(xf.format_key) if xf is not None else None
    return found.format_str if found is not None else ""
