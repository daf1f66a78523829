"""The format-neutral document that reports produce and writers consume.

A report knows plans and nothing of file formats; a writer knows this module and a
style profile and nothing of plans.  Adding a report costs no writer code, adding a
format costs no report code.  When a writer needs a new capability (a cell fill, a
merged heading) it is added here once and then to every writer.

Mapping to formats: a ``Section`` starts a new page (DOCX section, PDF page, XLSX
sheet named ``Section.name``); ``Paragraph`` roles pick fonts and sizes from the
style profile; a ``Table`` repeats its header rows on every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Union

Align = Literal["left", "center", "right"]
Role = Literal["label", "title", "subtitle", "heading", "body", "note"]
Orientation = Literal["portrait", "landscape"]


@dataclass(frozen=True)
class Paragraph:
    """A line of text outside tables; ``role`` selects font, size and alignment.

    label: the "附件" mark, flush left on the first line.   title: the document title,
    centred.   subtitle: a line under the title (e.g. a count).   heading: a section
    heading inside a report.   body: ordinary text.   note: small print under a table.
    """

    text: str
    role: Role = "body"


@dataclass(frozen=True)
class Cell:
    """One table cell.  ``fill`` is a background colour "RRGGBB"; ``span`` merges the
    cell with the next ``span - 1`` cells of its row (those positions are omitted).

    ``number``: the text is a whole number (a count, an integer 序号) that a spreadsheet
    stores as a number, so that it sorts and sums; every format prints the same text.
    Make such cells with ``Cell.count`` or ``Cell.serial``.
    """

    text: str
    align: Align | None = None  # None: the column's alignment
    fill: str | None = None
    bold: bool = False
    span: int = 1
    number: bool = False

    def __post_init__(self) -> None:
        if self.number and not _is_whole_number(self.text):
            raise ValueError(f"cell text {self.text!r} is not a whole number")

    @classmethod
    def count(cls, value: int, align: Align | None = None, fill: str | None = None, bold: bool = False) -> Cell:
        """A cell holding a count."""
        return cls(str(value), align, fill, bold, number=True)

    @classmethod
    def serial(cls, label: str, align: Align | None = None, fill: str | None = None, bold: bool = False) -> Cell:
        """A 序号 (or a column heading such as a month) as written: a number when it is one
        ("12"), text otherwise ("5.1", "2-1", "单位", and "07", whose zero a number would lose)."""
        return cls(label, align, fill, bold, number=_is_whole_number(label))


def _is_whole_number(text: str) -> bool:
    """ASCII digits without a leading zero (or "0"), short enough for a spreadsheet to
    hold exactly (15 significant digits)."""
    return text.isascii() and text.isdigit() and len(text) <= 15 and (text == "0" or text[0] != "0")


@dataclass(frozen=True)
class Column:
    """A table column: its heading, its share of the width and its default alignment."""

    heading: str
    weight: float = 1.0
    align: Align = "left"


@dataclass(frozen=True)
class Table:
    """A table whose header rows repeat on every page.

    ``header`` defaults to one row of the column headings; give it explicitly for
    several heading rows or merged headings (cells with ``span``).  Every row, header or
    body, covers all columns once the spans are counted.
    """

    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    header: tuple[tuple[Cell, ...], ...] | None = None

    @property
    def header_rows(self) -> tuple[tuple[Cell, ...], ...]:
        if self.header is not None:
            return self.header
        return (tuple(Cell(c.heading, align="center", bold=True) for c in self.columns),)

    def widths(self, total: float) -> list[float]:
        """Column widths that share ``total`` (any unit) by weight."""
        weight = sum(c.weight for c in self.columns)
        return [total * c.weight / weight for c in self.columns]

    def __post_init__(self) -> None:
        width = len(self.columns)
        for row in (*self.header_rows, *self.rows):
            if sum(cell.span for cell in row) != width:
                raise ValueError(f"table row covers {sum(c.span for c in row)} of {width} columns")


@dataclass(frozen=True)
class PageBreak:
    """Start a new page within a section."""


Block = Union[Paragraph, Table, PageBreak]


@dataclass(frozen=True)
class Section:
    """A run of pages with one orientation; it starts on a new page.

    ``name`` names the section where a format shows it (the XLSX sheet name, a PDF
    outline entry).  ``restart_numbering`` starts page numbers again at 1, as each unit's
    sheet in a combined file wants.
    """

    name: str
    blocks: tuple[Block, ...]
    orientation: Orientation = "landscape"
    restart_numbering: bool = False


@dataclass(frozen=True)
class Document:
    """A whole output document, with the metadata written into the file."""

    title: str
    sections: tuple[Section, ...]
    subject: str = ""
    author: str = ""
    keywords: tuple[str, ...] = field(default=())
    date: datetime | None = None  # created/modified in the file's properties; None: the build date

    def texts(self) -> list[str]:
        """Every text the document prints, for checks such as font coverage."""
        found: list[str] = []
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    found.append(block.text)
                elif isinstance(block, Table):
                    found.extend(cell.text for row in (*block.header_rows, *block.rows) for cell in row)
        return found
