"""Read the flattened-table text: the form a Word table takes when copied as text.

A cell starts with a tab, a line without a tab continues the cell before it, and a
blank line ends a row.  Text without a tab is read as a list of labelled paragraphs
(``paragraphs.py``).  Lines before the first cell are the "附件" label and the title;
the rest is decided as for every table (``table.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..units import is_blank
from .paragraphs import read_labelled_paragraphs
from .table import ImportOptions, NamedTable, assemble


def _rows(lines: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    cells: list[str] = []
    for line in lines:
        if is_blank(line) and "\t" not in line:
            if cells:
                rows.append(cells)
                cells = []
            continue
        pieces = line.split("\t")
        if cells and pieces[0]:
            cells[-1] += "\n" + pieces[0]
        cells.extend(pieces[1:])
    if cells:
        rows.append(cells)
    return rows


def read_text(text: str, source: str, options: ImportOptions | None = None) -> dict[str, Any]:
    """Plan-file data from flattened-table text."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first_cell = next((i for i, line in enumerate(lines) if "\t" in line), None)
    if first_cell is None:
        return read_labelled_paragraphs(lines, source, Path(source).stem, options,
                                        "找不到表格：表格的每个单元格应以制表符（Tab）开头")
    rows = _rows(lines[first_cell:])
    table = NamedTable.plain("表1", lines[:first_cell], rows[0], rows[1:])
    return assemble([table], source, Path(source).stem, options)


def read_text_file(path: Path, options: ImportOptions | None = None) -> dict[str, Any]:
    from .plan_file import decode

    return read_text(decode(path.read_bytes(), str(path)), str(path), options)
