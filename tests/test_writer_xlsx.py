"""The XLSX writer, read back with openpyxl, the raw sheet XML and LibreOffice."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
import zipfile
from collections import Counter
from datetime import datetime, timezone
from html import unescape
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .conftest import cell_texts, libreoffice_pdf, pdf_text, require_tool, squash
from workplan_docs.layout import Cell, Column, Document, PageBreak, Paragraph, Section, Table
from workplan_docs.reports.attachment import attachment, plan_row
from workplan_docs.style import default_style
from workplan_docs.writers import xlsx
from workplan_docs.writers.xlsx import render, sheet_title

INJECTIONS = ["=SUM(A1)", "+1", "-1", "@x", "#N/A", "\t=1", "123", "2010-01-01", "=1", "0.5", "TRUE"]


@pytest.fixture(scope="module")
def seed_xlsx(seed_plan) -> bytes:
    return render(attachment(seed_plan), default_style())


def _book(data: bytes):
    return load_workbook(io.BytesIO(data))


def _sheet_xml(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [package.read(n).decode() for n in package.namelist() if n.startswith("xl/worksheets/")]


def _doc(*sections: Section, **meta: str) -> Document:
    return Document(title=meta.pop("title", "测试"), sections=sections, **meta)


def _table(*rows: tuple[str, ...], headings: tuple[str, ...] = ("甲", "乙")) -> Table:
    return Table(tuple(Column(h) for h in headings), tuple(tuple(Cell(t) for t in row) for row in rows))


def test_seed_cells_read_back_in_their_cells(seed_plan, seed_xlsx):
    sheet = _book(seed_xlsx).active
    assert sheet.title == "附件"
    # GB/T 9704: the label on line 1, the title on line 3 (as in the PDF), a blank line, the table
    assert [sheet.cell(r, 1).value for r in range(1, 5)] == ["附件", None, seed_plan.title, None]
    headings = [c.heading for c in attachment(seed_plan).sections[0].blocks[2].columns]
    assert [c.value.replace("\n", "") for c in sheet[5]] == headings  # broken between words only
    for row_index, item in enumerate(seed_plan.items, start=6):
        expected = [cell.text or None for cell in plan_row(seed_plan, item)]
        assert [c.value for c in sheet[row_index]] == [int(item.label), *expected[1:]]
    found = Counter(str(c.value) for row in sheet.iter_rows(min_row=6) for c in row if c.value)
    assert found == Counter(cell_texts(seed_plan))


def test_seed_has_no_formula_and_numbers_only_in_the_seq_column(seed_xlsx):
    for xml in _sheet_xml(seed_xlsx):
        assert not re.search(r"<f[\s>/]", xml)
    sheet = _book(seed_xlsx).active
    types = {(c.column_letter, c.data_type) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert {t for t in types if t[1] != "s"} == {("A", "n")}  # 序号 1…20 as numbers: they sort and sum
    assert [sheet.cell(r, 1).value for r in range(6, 26)] == list(range(1, 21))
    with zipfile.ZipFile(io.BytesIO(seed_xlsx)) as package:
        workbook = package.read("xl/workbook.xml").decode()
    assert "fullCalcOnLoad" not in workbook  # nothing to recalculate: Excel does not ask to save on closing


def test_labels_that_are_not_whole_numbers_stay_text():
    rows = tuple((Cell.serial(label), Cell.count(n)) for n, label in enumerate(["5.1", "07", "2-1", "12"]))
    sheet = _book(render(_doc(Section("s", (Table((Column("序号"), Column("项")), rows),))), default_style())).active
    assert [(c.value, c.data_type) for c in sheet["A"][1:]] == [("5.1", "s"), ("07", "s"), ("2-1", "s"), (12, "n")]
    assert [c.value for c in sheet["B"][1:]] == [0, 1, 2, 3]
    with pytest.raises(ValueError):
        Cell("三", number=True)


def test_seed_print_setup(seed_xlsx):
    sheet = _book(seed_xlsx).active
    margins = default_style().page.landscape
    assert sheet.freeze_panes == "A6"
    assert sheet.print_title_rows == "$5:$5"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_options.horizontalCentered
    assert sheet.page_margins.left == pytest.approx(margins.left / 25.4, abs=1e-3)
    assert sheet.page_margins.top == pytest.approx(margins.top / 25.4, abs=1e-3)
    assert sheet.HeaderFooter.differentOddEven  # GB/T 9704: odd pages right, even pages left
    # one full-width character in from the edge: outside the number on each side
    assert sheet.oddFooter.right.text == "— &P —\u3000" and sheet.evenFooter.left.text == "\u3000— &P —"


def test_seed_layout_fonts_and_merges(seed_xlsx):
    sheet = _book(seed_xlsx).active
    style = default_style()
    assert "A3:G3" in {str(r) for r in sheet.merged_cells.ranges}
    label, title, header, body = sheet["A1"], sheet["A3"], sheet["B5"], sheet["D6"]
    assert (label.font.name, label.font.b, label.font.sz) == ("黑体", False, style.sizes.label)  # 黑体: never bolded
    assert (title.font.name, title.font.sz) == ("方正小标宋简体", style.sizes.title)
    assert title.alignment.horizontal == header.alignment.horizontal == "center"
    assert (header.font.name, header.font.b) == ("黑体", False)
    assert header.alignment.wrap_text and header.border.bottom.style == "thin"
    assert (body.font.name, body.font.sz) == ("仿宋_GB2312", style.sizes.table)
    assert body.alignment.wrap_text and body.alignment.vertical == "center" and body.border.left.style == "thin"
    assert sheet["A6"].alignment.horizontal == "center"  # the seq column is centred
    assert body.alignment.horizontal == "left"


def test_seed_column_widths_span_the_type_area(seed_xlsx):
    sheet = _book(seed_xlsx).active
    units = [sheet.column_dimensions[letter].width for letter in "ABCDEFG"]
    pixels = sum(u * 7 + 5 for u in units)  # Excel: 7 px per unit with the default font at 11 pt, 5 px padding
    assert pixels / 96 * 25.4 == pytest.approx(default_style().page.text_width("landscape"), rel=0.01)
    assert units[3] == max(units)  # measures has the largest weight


def test_row_heights_follow_the_text(seed_xlsx):
    sheet = _book(seed_xlsx).active
    heights = {r: sheet.row_dimensions[r].height for r in range(1, sheet.max_row + 1)}
    pitch = default_style().paragraph.line_pitch
    assert [heights[r] for r in range(1, 5)] == [pitch] * 4  # label, blank, title, blank: the type-area grid
    assert all(12 * 1.2 <= h <= 409 for h in heights.values())
    # Item 1 (58 characters of goal) needs more lines than item 2.
    assert heights[6] > heights[7]


def test_line_estimate_rounds_up():
    # 10 full-width characters in a cell 8 characters wide at 12 pt: two lines, never one.
    width = 8 * 12 + 2 * xlsx._CELL_INSET_PT
    assert xlsx._line_count("一" * 10, width, 12) == 2
    assert xlsx._line_count("一二\n三", width, 12) == 2
    assert xlsx._line_count("a" * 20, width, 12) >= 2


@pytest.mark.parametrize("text", INJECTIONS)
def test_user_strings_stay_text(text):
    data = render(_doc(Section("s", (Paragraph(text, "title"), _table((text, "x"))))), default_style())
    sheet = _book(data).active
    assert sheet["A1"].value == text and sheet["A1"].data_type == "s"
    assert sheet["A4"].value == text and sheet["A4"].data_type == "s"
    assert not any(re.search(r"<f[\s>/]", xml) for xml in _sheet_xml(data))


def test_cell_limit_is_enforced_not_truncated():
    limit = xlsx.CELL_LIMIT
    data = render(_doc(Section("s", (_table(("长" * limit, "x")),))), default_style())
    assert _book(data).active["A2"].value == "长" * limit
    with pytest.raises(ValueError, match="32768"):
        render(_doc(Section("s", (_table(("长" * (limit + 1), "x")),))), default_style())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/x", "..／..／etc／x"),
        ("CON", "CON"),
        ("a/b", "a／b"),
        ("科技司:一处", "科技司：一处"),
        ("'引号'", "引号"),
        ("[*?]\\", "【＊？】＼"),
        ("", "工作表"),
        ("'''", "工作表"),
        ("History", "History(2)"),
    ],
)
def test_sheet_title_is_safe(name, expected):
    assert sheet_title(name, ()) == expected


def test_sheet_title_length_and_duplicates():
    long = "国家市场监督管理总局科技和财务司综合处" * 2  # 38 characters
    first = sheet_title(long, ())
    assert first == long[:31]
    second = sheet_title(long, [first])
    assert len(second) == 31 and second.endswith("(2)") and second != first
    assert sheet_title(long, [first, second]).endswith("(3)")
    assert sheet_title("abc", ["ABC"]) == "abc(2)"  # Excel compares names without case


def test_unsafe_and_duplicate_section_names_make_a_valid_workbook():
    names = ["../../etc/x", "CON", "a/b", "科技司:一处", "长" * 40, "长" * 40, "CON"]
    data = render(_doc(*(Section(n, (_table(("1", "2")),)) for n in names)), default_style())
    titles = _book(data).sheetnames
    assert titles == ["..／..／etc／x", "CON", "a／b", "科技司：一处", "长" * 31, "长" * 28 + "(2)", "CON(2)"]


def test_special_characters_round_trip():
    text = "& < > \" ' ]]> 甲&乙"
    data = render(_doc(Section(text, (Paragraph(text, "title"), _table((text, text)))), title=text), default_style())
    book = _book(data)
    sheet = book.active
    assert sheet.title == "& < > \" ' 】】> 甲&乙"
    assert sheet["A1"].value == sheet["A4"].value == sheet["B4"].value == text
    assert book.properties.title == text


def test_fills_bold_alignment_and_header_fill():
    style = default_style()
    style = style.model_copy(update={"table": style.table.model_copy(update={"header_fill": "D9D9D9"})})
    table = Table(
        (Column("甲", align="right"), Column("乙")),
        ((Cell("红", fill="ffcccc", bold=True, align="center"), Cell("普通")),),
    )
    sheet = _book(render(_doc(Section("s", (table,))), style)).active
    header, red, plain = sheet["A1"], sheet["A2"], sheet["B2"]
    assert header.fill.fill_type == "solid" and header.fill.fgColor.rgb == "FFD9D9D9"
    assert red.fill.fill_type == "solid" and red.fill.fgColor.rgb == "FFFFCCCC"
    assert (red.font.name, red.font.b) == ("黑体", False) and red.alignment.horizontal == "center"  # bold → 黑体
    assert plain.fill.fill_type is None and not plain.font.b and plain.alignment.horizontal == "left"
    unfilled = _book(render(_doc(Section("s", (table,))), default_style())).active
    assert unfilled["A1"].fill.fill_type is None


def test_sections_tables_spans_and_paragraphs():
    header = (
        (Cell("工作", span=2), Cell("时间")),
        (Cell("名称"), Cell("内容"), Cell("月份")),
    )
    body = ((Cell("合并行", span=3),), (Cell("1"), Cell("2"), Cell("3")))
    wide = Table((Column("a"), Column("b"), Column("c")), body, header)
    blocks = (Paragraph("附件1", "label"), Paragraph("标题", "title"), wide, Paragraph("注：说明", "note"), _table(("x", "y")))
    first = Section("一", blocks)
    blocks = (_table(("p", "q")), PageBreak(), _table(("r", "s")))
    second = Section("二", blocks, orientation="portrait", restart_numbering=True)
    book = _book(render(_doc(first, second), default_style()))
    assert book.sheetnames == ["一", "二"]
    one, two = book["一"], book["二"]
    column_a = [one.cell(r, 1).value for r in range(1, 12)]
    # no blank before "甲"; a blank line after the label and after the title, as in DOCX and PDF
    assert column_a == ["附件1", None, "标题", None, "工作", "名称", "合并行", "1", "注：说明", "甲", "x"]
    assert {"A3:C3", "A5:B5", "A7:C7", "A9:C9"} <= {str(r) for r in one.merged_cells.ranges}
    assert one.freeze_panes == "A7" and one.print_title_rows == "$5:$6"
    assert one["B5"].border.top.style == "thin"  # the blank under a merged heading keeps the box closed
    assert two.page_setup.orientation == "portrait"
    assert two.page_setup.useFirstPageNumber and two.page_setup.firstPageNumber == 1
    assert [two.cell(r, 1).value for r in range(1, 5)] == ["甲", "p", "甲", "r"]  # a page break, no blank row
    assert [b.id for b in two.row_breaks.brk] == [2]
    portrait = sum(two.column_dimensions[c].width for c in "AB")
    landscape = sum(one.column_dimensions[c].width for c in "ABC")
    assert portrait < landscape


def test_properties_and_page_numbers_none():
    style = default_style()
    style = style.model_copy(
        update={
            "page_numbers": style.page_numbers.model_copy(update={"style": "none"}),
            "metadata": style.metadata.model_copy(update={"author": "办公厅"}),
        }
    )
    doc = _doc(Section("s", (_table(("1", "2")),)), subject="附件", keywords=("计划", "质检"))
    book = _book(render(doc, style))
    properties = book.properties
    assert (properties.creator, properties.subject, properties.keywords) == ("办公厅", "附件", "计划;质检")
    assert not book.active.oddFooter.center.text
    named = _book(render(_doc(Section("s", (_table(("1", "2")),)), author="质检总局"), style))
    assert named.properties.creator == "质检总局"


def test_output_is_reproducible_with_source_date_epoch(seed_plan, fixed_date):
    first = render(attachment(seed_plan), default_style())
    assert render(attachment(seed_plan), default_style()) == first
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        core = package.read("docProps/core.xml").decode()
        app = package.read("docProps/app.xml").decode()
        assert {i.date_time for i in package.infolist()} == {(2010, 1, 1, 0, 0, 0)}
    assert re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", core) == [
        ("created", "2010-01-01T00:00:00Z"),
        ("modified", "2010-01-01T00:00:00Z"),
    ]
    assert "<Application>workplan-docs</Application>" in app and "penpyxl" not in app


def test_dates_are_the_build_date_without_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    book = _book(render(_doc(Section("s", (_table(("1", "2")),))), default_style()))
    after = datetime.now(timezone.utc).replace(tzinfo=None)
    assert before <= book.properties.created == book.properties.modified <= after


Box = tuple[float, float, float, float]


def _printed_words(pdf: Path) -> list[list[tuple[str, Box]]]:
    """Per page, the printed words of a PDF (pdftotext -bbox) with their boxes.

    For CJK text a "word" is a whole printed line of a cell.  Plain pdftotext
    interleaves the lines of cells that sit side by side, so cells are checked piece by
    piece instead.
    """
    tool = require_tool("pdftotext")
    html = subprocess.run([tool, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
    return [
        [(squash(unescape(m[4])), (float(m[0]), float(m[1]), float(m[2]), float(m[3]))) for m in word.findall(page)]
        for page in html.split("<page ")[1:]
    ]


def _overlapping(words: list[tuple[str, Box]], tolerance: float = 1.5) -> list[tuple[str, str]]:
    """Pairs of words drawn over each other: a row too short for its text makes LibreOffice
    draw the overflowing lines across the neighbouring rows (the text stays extractable,
    so only the geometry shows it)."""
    pairs = []
    for (text_a, a), (text_b, b) in itertools.combinations(words, 2):
        if min(a[2], b[2]) - max(a[0], b[0]) > tolerance and min(a[3], b[3]) - max(a[1], b[1]) > tolerance:
            pairs.append((text_a, text_b))
    return pairs


def _is_printed(text: str, pieces: set[str]) -> bool:
    """Whether ``text`` is a run of printed pieces, each a whole line (or word) of the PDF."""
    text = squash(text)
    reached = {0}  # positions in text up to which pieces match, tried in order
    for start in range(len(text)):
        if start in reached:
            reached |= {start + len(p) for p in pieces if text.startswith(p, start)}
    return len(text) in reached


@pytest.mark.slow
def test_libreoffice_prints_every_cell(seed_plan, seed_xlsx, tmp_path: Path):
    source = tmp_path / "attachment.xlsx"
    source.write_bytes(seed_xlsx)
    pdf = libreoffice_pdf(source, tmp_path)
    assert squash(seed_plan.title) in squash(pdf_text(pdf))
    pages = _printed_words(pdf)
    pieces = {text for page in pages for text, _ in page} - {""}
    missing = [text for text in cell_texts(seed_plan) if not _is_printed(text, pieces)]
    assert not missing
    assert not [pair for page in pages for pair in _overlapping(page)]  # no row spills into the next
