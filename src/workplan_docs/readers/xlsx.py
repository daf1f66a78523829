"""Read a task list or attachment kept in Excel (.xlsx).

Every visible sheet with a recognisable header is read, in workbook order (a sheet of
look-up lists or notes is passed over); when more than one table is found, items name
their sheet as ``source``.  Rows above the first header are the "附件" label and the
title (the file name when there are none); blank spacer rows are skipped; merged
ranges are cells spanning rows or columns, handled as in ``grid.py``.

Values are read as Excel shows them (``data_only``: a formula gives its last computed
value).  Numbers print without a trailing ".0" (序号 1.0 → 1), a cell formatted as a
percentage prints as one (0.25 → 25%), dates print as "2024年6月30日" (the form the
schedule parser and a reader of the plan both understand), times as "9:30".

openpyxl expands every merged range into one cell object per position while it loads,
so merged areas are measured in the sheet XML first and a sheet with absurdly large
ones is refused, as is one whose used range exceeds ``MAX_CELLS``.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path
from typing import Any

from ..errors import PlanError, Problem
from .grid import Grid, tables_of
from .ooxml import check_package, open_with
from .table import ImportOptions, assemble

MAX_CELLS = 500_000
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})"')


def read_xlsx(path: Path, options: ImportOptions | None = None) -> dict[str, Any]:
    """Plan-file data from an XLSX workbook."""
    source = str(path)
    check_package(path, "xlsx")
    _check_merged_area(path, source)
    from openpyxl import load_workbook

    workbook = open_with(lambda: load_workbook(path, read_only=False, data_only=True), "xlsx", source)
    sheets = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    grids = [(sheet.title, [], _grid(sheet, source)) for sheet in sheets]
    return assemble(tables_of(grids, source), source, path.stem, options)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _check_merged_area(path: Path, source: str) -> None:
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
                continue
            area = sum(
                (abs(_column_number(c2) - _column_number(c1)) + 1) * (abs(int(r2) - int(r1)) + 1)
                for c1, r1, c2, r2 in _MERGE.findall(archive.read(name))
            )
            if area > MAX_CELLS:
                raise PlanError(Problem(f"工作表（{name}）中合并的单元格范围过大（{area} 个单元格），拒绝读取", source))


def _grid(sheet: Any, source: str) -> Grid:
    rows, columns = sheet.max_row, sheet.max_column
    if rows * columns > MAX_CELLS:
        raise PlanError(Problem(
            f"工作表“{sheet.title}”的使用范围过大（{rows} 行 × {columns} 列），请删除表格以外的内容后再导入", source))
    origins = [[(r, c) for c in range(columns)] for r in range(rows)]
    for merged in sheet.merged_cells.ranges:
        origin = (merged.min_row - 1, merged.min_col - 1)
        for r in range(merged.min_row - 1, min(merged.max_row, rows)):
            for c in range(merged.min_col - 1, min(merged.max_col, columns)):
                origins[r][c] = origin
    texts = {}
    for r, row in enumerate(sheet.iter_rows(min_row=1, max_row=rows, max_col=columns)):
        for c, cell in enumerate(row):
            if origins[r][c] == (r, c) and cell.value is not None:
                texts[(r, c)] = _text(cell.value, cell.number_format or "")
    return Grid.build(origins, texts)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _text(value: Any, number_format: str) -> str:
    """A cell value as Excel shows it, in the forms documented above."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        day = f"{value.year}年{value.month}月{value.day}日"
        return day if value.time() == datetime.time() else f"{day} {value.hour}:{value.minute:02d}"
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, datetime.time):
        return f"{value.hour}:{value.minute:02d}"
    if isinstance(value, (int, float)):
        if "%" in number_format:
            return _number(round(value * 100, 10)) + "%"
        return _number(value)
    return str(value)
