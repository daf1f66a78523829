"""The XLSX writer keeps the documents: each output read back with openpyxl equals the
frozen reference workbook (tests/xlsx_reference, first written by the openpyxl writer the
XML-text writer replaced) in every cell's value, type and style, the merges, the column
widths and row heights, and the print setup, for the seed's reports and real plans with
cells merged down, group rows and characters outside GB2312.

The workbook's default font is left out: it was Calibri and is now the profile's body face.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

from .xlsx_reference.make import CASES, HERE, build_case


def _font(font: Any) -> tuple:
    return font.name, font.sz, bool(font.b), bool(font.i), font.u, font.color.rgb if font.color else None


def _side(side: Any) -> tuple:
    """A border side; no side and a side without a line are the same border."""
    return (side.style, side.color.rgb if side.color else None) if side else (None, None)


def _cell(cell: Any) -> tuple:
    """What a cell shows: an empty cell is blank (the openpyxl writer stored some as empty text)."""
    border, align, fill = cell.border, cell.alignment, cell.fill
    return (
        cell.value, cell.data_type if cell.value is not None else "blank", cell.style, cell.number_format,
        _font(cell.font),
        tuple(_side(s) for s in (border.left, border.right, border.top, border.bottom)),
        (align.horizontal, align.vertical, bool(align.wrap_text), align.indent),
        (fill.fill_type, fill.fgColor.rgb if fill.fill_type else None),
    )


def _footer(part: Any) -> tuple:
    return part.text, part.font, part.size


def _sheet(sheet: Any) -> dict[str, Any]:
    setup, margins, footers = sheet.page_setup, sheet.page_margins, sheet.HeaderFooter
    return {
        "cells": {
            c.coordinate: _cell(c) for row in sheet.iter_rows() for c in row
            if not isinstance(c, MergedCell) and (c.value is not None or c.style_id)
        },
        "merges": sorted(str(r) for r in sheet.merged_cells.ranges),
        "columns": {k: round(d.width, 2) for k, d in sheet.column_dimensions.items() if d.customWidth},
        "rows": {k: round(d.height, 2) for k, d in sheet.row_dimensions.items() if d.height is not None},
        "freeze": sheet.freeze_panes,
        "print titles": sheet.print_title_rows,
        "page": (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight, setup.firstPageNumber,
                 setup.useFirstPageNumber, sheet.sheet_properties.pageSetUpPr.fitToPage,
                 sheet.print_options.horizontalCentered),
        "margins": tuple(getattr(margins, side) for side in ("left", "right", "top", "bottom", "header", "footer")),
        "footers": (footers.differentOddEven, *(
            _footer(getattr(getattr(footers, place), side))
            for place in ("oddFooter", "evenFooter", "oddHeader", "evenHeader") for side in ("left", "center", "right")
        )),
        "breaks": [(b.id, b.man) for b in sheet.row_breaks.brk],
    }


def _workbook(path: Path) -> dict[str, Any]:
    book = load_workbook(path)
    properties = book.properties
    return {
        "sheets": book.sheetnames,
        "properties": (properties.title, properties.subject, properties.creator, properties.keywords,
                       properties.language),
        "named styles": [name for name in book.named_styles if name != "Normal"],  # Normal: see above
        **{title: _sheet(book[title]) for title in book.sheetnames},
    }


@pytest.mark.parametrize("case", CASES)
def test_outputs_read_back_as_the_reference(case: str, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # what the readers note about the real plans
        written = build_case(case, tmp_path)
    reference = HERE / case
    assert written == sorted(p.relative_to(reference) for p in reference.rglob("*.xlsx"))
    for path in written:
        ours, theirs = _workbook(tmp_path / path), _workbook(reference / path)
        assert ours.keys() == theirs.keys()
        for key in theirs:
            assert ours[key] == theirs[key], f"{path}: {key}"
