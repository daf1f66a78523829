"""The PDF writer, read back with poppler (pdftotext, pdffonts) and pypdf."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph as RLParagraph

from workplan_docs.errors import WorkplanError
from workplan_docs.layout import Cell, Column, Document, PageBreak, Paragraph, Section, Table
from workplan_docs.reports.attachment import attachment
from workplan_docs.style import Style, default_style
from workplan_docs.writers import fonts, pdf

from .conftest import pdf_fonts, pdf_text, require_tool, squash

MM = 72 / 25.4
NO_START = "，。、；：！？）》」』”’】〕"
NO_END = "（《「『“‘【〔"
HANGABLE = "，。、；：！？"


def _write(tmp_path: Path, document: Document, style: Style | None = None, name: str = "out.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf.render(document, style or default_style()))
    return path


def _with_numbers(style: Style, kind: str) -> Style:
    return style.model_copy(update={"page_numbers": style.page_numbers.model_copy(update={"style": kind})})


def _crop_text(path: Path, x: float, width: float, height: float, *extra: str) -> str:
    """Text inside a vertical strip of every page (points from the top left)."""
    tool = require_tool("pdftotext")
    crop = ["-x", str(int(x)), "-y", "0", "-W", str(int(width) + 1), "-H", str(int(height))]
    return subprocess.run([tool, "-enc", "UTF-8", *extra, *crop, str(path), "-"],
                          check=True, capture_output=True, text=True).stdout


def _words(path: Path) -> list[list[tuple[str, float, float]]]:
    """Per page: (word, x centre, y centre) from ``pdftotext -bbox``, y from the top."""
    tool = require_tool("pdftotext")
    html = subprocess.run([tool, "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        pages.append([
            (word, (float(x0) + float(x1)) / 2, (float(y0) + float(y1)) / 2)
            for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)
        ])
    return pages


@pytest.fixture(scope="module")
def seed_pdf(seed_plan, tmp_path_factory) -> Path:
    return _write(tmp_path_factory.mktemp("pdf"), attachment(seed_plan))


def test_every_cell_is_printed_in_order_column_by_column(seed_plan, seed_pdf: Path) -> None:
    """Side-by-side wrapped cells interleave in plain text, so each column is read as a strip."""
    text = squash(pdf_text(seed_pdf))
    assert text.startswith(squash("附件" + seed_plan.title))
    style = default_style()
    table = attachment(seed_plan).sections[0].blocks[-1]
    left = style.page.landscape.left * MM
    widths = table.widths(style.page.text_width("landscape") * MM, style.sizes.table, 2 * style.table.cell_padding * MM)
    for column, width in enumerate(widths):
        # a closing mark may hang into the padding: marks are left out of the comparison
        # -raw: without it pdftotext drops a hyphen that ends a line ("（2010-" / "2012）")
        printed = re.sub(f"[{HANGABLE}]", "", squash(_crop_text(seed_pdf, left - 2, width + 4, 210 * MM, "-raw")))
        left += width
        position = 0
        for row in table.rows:
            expected = re.sub(f"[{HANGABLE}]", "", squash(row[column].text))
            found = printed.find(expected, position)
            assert found >= 0, f"column {column}: missing or out of order: {row[column].text[:20]}"
            position = found + len(expected)


def test_fonts_are_embedded_truetype_and_never_stsong(seed_pdf: Path) -> None:
    rows = pdf_fonts(seed_pdf)
    assert rows
    assert all(row["emb"] == "yes" for row in rows), rows
    assert not [row for row in rows if "STSong" in row["name"] or "Helvetica" in row["name"]]


def test_metadata_page_size_numbers_and_repeated_header(seed_plan, seed_pdf: Path) -> None:
    reader = PdfReader(seed_pdf)
    assert reader.metadata.title == seed_plan.title
    assert reader.metadata.subject == "附件"
    assert len(reader.pages) > 1
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    text = pdf_text(seed_pdf)
    pages = text.split("\f")[: len(reader.pages)]
    for number, page in enumerate(pages, start=1):
        assert f"— {number} —" in page
        assert "主要内容和措施" in page  # the header row repeats on every page


def test_same_input_gives_identical_bytes(seed_plan, fixed_date) -> None:
    document = attachment(seed_plan)
    data = pdf.render(document, default_style())
    assert pdf.render(document, default_style()) == data
    assert PdfReader(BytesIO(data)).metadata.creation_date == fixed_date


def test_dates_are_the_build_date_or_the_document_date(monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    document = Document("日期", (Section("节", (Paragraph("正文"),)),))
    before = datetime.now(timezone.utc).replace(microsecond=0)
    info = PdfReader(BytesIO(pdf.render(document, default_style()))).metadata
    assert before <= info.creation_date == info.modification_date <= datetime.now(timezone.utc)
    dated = replace(document, date=datetime(2011, 5, 6, 7, 8, 9, tzinfo=timezone.utc))
    assert PdfReader(BytesIO(pdf.render(dated, default_style()))).metadata.creation_date == dated.date


def test_markup_characters_print_as_written(tmp_path: Path) -> None:
    tricky = 'A&B <b>不加粗</b> "引号" 5>3 &amp; <br/> \'单\''
    document = Document("特殊<字符>&", (Section("节", (
        Paragraph(tricky, "body"),
        Table((Column("列"),), ((Cell(tricky),), (Cell("第一行\n第二行"),))),
    )),))
    path = _write(tmp_path, document)
    text = squash(pdf_text(path))
    assert text.count(squash(tricky)) == 2
    assert "第一行第二行" in text
    assert PdfReader(path).metadata.title == "特殊<字符>&"
    assert [line.strip() for line in pdf_text(path).splitlines() if "行" in line][-2:] == ["第一行", "第二行"]


def test_chinese_line_breaking_keeps_marks_off_the_wrong_line_ends(tmp_path: Path) -> None:
    text = "检测工作，整顿活动。（试行）“规范”《管理办法》、重点；安排：全年！完成？" * 3
    style = default_style()
    inner = 3.5 * style.sizes.table  # three and a half characters
    share = (inner + 2 * style.table.cell_padding * MM) / (style.page.text_width("landscape") * MM)
    document = Document("避头尾", (Section("节", (
        Table((Column("甲", share), Column("乙", 1 - share)), ((Cell(text), Cell("")),)),
    )),))
    path = _write(tmp_path, document)
    # reportlab's own CJK wrap of the same text at the same width starts lines with "，"
    table_font = fonts.resolve_fonts(style, {"table": set(map(ord, text))})["table"].name
    naive = RLParagraph(text, ParagraphStyle("n", fontName=table_font, fontSize=style.sizes.table, wordWrap="CJK"))
    naive.wrap(inner, 10_000)
    naive_lines = ["".join(str(w) for w in line[1]) for line in naive.blPara.lines]
    assert any(line[:1] in NO_START for line in naive_lines)
    left = style.page.landscape.left * MM
    lines = [squash(line) for line in _crop_text(path, left, inner + 20, 210 * MM, "-layout").splitlines()]
    lines = [line for line in lines if line and line != "甲" and not re.fullmatch("—\\d+—", line)]
    assert "".join(lines) == text
    assert len(lines) > 20
    assert not [line for line in lines if line[0] in NO_START or line[-1] in NO_END], lines


def test_sections_start_pages_with_their_orientation_and_restart_numbers(tmp_path: Path) -> None:
    rows = tuple((Cell(f"第{i}项任务"),) for i in range(60))
    document = Document("多节", (
        Section("汇总", (Paragraph("附件1", "label"), Paragraph("汇总表", "title"), Table((Column("任务"),), rows))),
        Section("监督司", (Paragraph("监督司任务", "heading"), Paragraph("正文。" * 10, "body"), PageBreak(),
                           Paragraph("第二页", "note")), orientation="portrait", restart_numbering=True),
    ))
    path = _write(tmp_path, document)
    reader = PdfReader(path)
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    assert sizes[0] == (842, 595) and sizes[-2:] == [(595, 842), (595, 842)]
    first = sizes.index((595, 842))
    pages = pdf_text(path).split("\f")
    assert "— 1 —" in pages[first] and "监督司任务" in pages[first]
    assert "— 2 —" in pages[first + 1]
    assert f"— {first} —" in pages[first - 1]
    assert [item.title for item in reader.outline] == ["汇总", "监督司"]


def test_a_row_taller_than_a_page_is_torn_between_lines(tmp_path: Path) -> None:
    long = "".join(f"第{i}条措施内容，" for i in range(400))
    rows = ((Cell("1"), Cell("短")), (Cell("2"), Cell(long)), (Cell("3"), Cell("最后一行")))
    document = Document("长行", (Section("节", (Table((Column("序号", 0.5), Column("内容", 1)), rows),)),))
    path = _write(tmp_path, document)
    text = pdf_text(path, raw=True)  # cell by cell: the 序号 centred beside the torn text stays apart from it
    pages = text.split("\f")[: len(PdfReader(path).pages)]
    assert len(pages) >= 3
    assert all("序号" in page for page in pages)  # header on every page
    assert squash(long) in re.sub("—\\d+—", "", squash(text).replace("序号内容", ""))
    assert "最后一行" in pages[-1]
    assert "第0条" not in pages[0]  # it does not fit below row 1: it starts on a new page


def test_page_numbers_alternate_sides_and_turn_on_landscape_pages(tmp_path: Path) -> None:
    rows = tuple((Cell(f"第{i}项"),) for i in range(80))
    document = Document("页码", (Section("节", (Table((Column("任务"),), rows),)),))
    width, height = 297 * MM, 210 * MM
    plain = _words(_write(tmp_path, document, name="plain.pdf"))
    number = [[(x, y) for word, x, y in page if word == str(n)][-1] for n, page in enumerate(plain[:2], start=1)]
    assert number[0][0] > width / 2 and number[1][0] < width / 2  # odd right, even left
    assert all(y > height - 26 * MM for _, y in number)  # below the type area
    style = _with_numbers(default_style(), "gbt9704-landscape")
    turned = _words(_write(tmp_path, document, style, name="turned.pdf"))
    number = [[(x, y) for word, x, y in page if word == str(n)][-1] for n, page in enumerate(turned[:2], start=1)]
    assert all(x < style.page.landscape.left * MM for x, _ in number)  # on the left edge
    assert number[0][1] > height / 2 > number[1][1]  # odd near the bottom, even near the top
    none = pdf_text(_write(tmp_path, document, _with_numbers(default_style(), "none"), name="none.pdf"))
    assert "—" not in none


def _first_text_top(path: Path) -> list[float]:
    """Per page, the top of the highest text (points from the top of the page)."""
    tool = require_tool("pdftotext")
    html = subprocess.run([tool, "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [min(float(y) for y in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)"', page))
            for page in html.split("<page ")[1:]]


def test_even_landscape_pages_swap_top_and_bottom_margins_with_the_landscape_rule(tmp_path: Path) -> None:
    """GB/T 9704 §8: the sheet of an even page is turned the other way, so its binding edge
    (28 mm) is at the bottom and the top margin is 26 mm; without the rule nothing moves."""
    rows = tuple((Cell(f"第{i}项"),) for i in range(90))
    document = Document("页边距", (Section("节", (Table((Column("任务"),), rows),)),))
    turned = _first_text_top(_write(tmp_path, document, _with_numbers(default_style(), "gbt9704-landscape")))
    plain = _first_text_top(_write(tmp_path, document, name="plain.pdf"))
    assert len(turned) == len(plain) >= 3
    assert turned[1] - turned[0] == pytest.approx(-2 * MM, abs=0.05) and turned[2] == pytest.approx(turned[0])
    assert plain[0] == pytest.approx(turned[0]) and plain[1] == pytest.approx(plain[0])
    portrait = Document("页边距", (Section("节", (Table((Column("任务"),), rows * 2),), orientation="portrait"),))
    upright = _first_text_top(_write(tmp_path, portrait, _with_numbers(default_style(), "gbt9704-landscape"), "p.pdf"))
    assert upright[1] == pytest.approx(upright[0])  # portrait pages keep their margins


def test_missing_fonts_stop_the_render_with_a_clear_message(monkeypatch, tmp_path: Path, seed_plan) -> None:
    monkeypatch.setattr(fonts, "_search_dirs", lambda: (tmp_path,))
    monkeypatch.setattr(fonts, "_fontconfig", lambda: {})
    with pytest.raises(WorkplanError, match="fonts-noto-cjk fonts-wqy-zenhei fonts-lxgw-wenkai"):
        pdf.render(attachment(seed_plan), default_style())


def test_tab_and_carriage_return_print_as_space_and_line_break(tmp_path) -> None:
    from workplan_docs.layout import Cell, Column, Document, Paragraph, Section, Table
    from workplan_docs.style import default_style
    from workplan_docs.writers import render

    from .conftest import require_tool

    table = Table((Column("列"),), ((Cell("甲\t乙\r丙\r\n丁"),),))
    doc = Document("t", (Section("s", (Paragraph("戊\t己", "body"), table)),))
    path = tmp_path / "tab.pdf"
    path.write_bytes(render(doc, default_style(), "pdf"))
    import subprocess

    text = subprocess.run([require_tool("pdftotext"), "-raw", str(path), "-"], capture_output=True, text=True).stdout
    lines = [line.strip() for line in text.splitlines()]
    assert "戊 己" in lines and "甲 乙" in lines and "丙" in lines and "丁" in lines
