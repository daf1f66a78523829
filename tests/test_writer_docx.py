"""The DOCX writer, read back with python-docx, the raw package XML and LibreOffice."""

from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.shared import Mm

from .conftest import cell_texts, libreoffice_pdf, pdf_text, require_tool, squash
from workplan_docs.layout import Cell, Column, Document, PageBreak, Paragraph, Section, Table
from workplan_docs.reports.attachment import attachment
from workplan_docs.style import Style, default_style
from workplan_docs.writers import docx as docx_writer

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
TWIPS_PER_MM = 1440 / 25.4
SPECIAL = "A&B <c> \"d\" 'e' ]]> &amp; 甲乙"


def _twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def _style(**page_numbers: object) -> Style:
    base = default_style()
    return base.model_copy(update={"page_numbers": base.page_numbers.model_copy(update=page_numbers)})


def _part(data: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(name).decode("utf-8")


def _open(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def seed_docx(seed_plan) -> bytes:
    return docx_writer.render(attachment(seed_plan), default_style())


def test_every_cell_text_survives(seed_docx, seed_plan):
    table = _open(seed_docx).tables[0]
    read = [cell.text for row in table.rows[1:] for cell in row.cells]
    assert [t for t in read if t] == cell_texts(seed_plan)
    columns = attachment(seed_plan).sections[0].blocks[-1].columns
    assert [c.text.replace("\n", "") for c in table.rows[0].cells] == [c.heading for c in columns]


def test_label_then_title_on_the_third_line(seed_docx, seed_plan):
    doc = _open(seed_docx)
    label, title = doc.paragraphs[:2]
    style = default_style()
    assert (label.text, label.style.name) == ("附件", "附件标识")
    assert (title.text, title.style.name) == (seed_plan.title, "公文标题")
    pitch = round(style.paragraph.line_pitch * 20)
    label_spacing = label.style.element.find(f"{W}pPr/{W}spacing")
    assert label_spacing.get(f"{W}after") == str(style.paragraph.title_space_before * pitch)
    assert label_spacing.get(f"{W}line") == str(pitch) and label_spacing.get(f"{W}lineRule") == "exact"
    assert title.style.element.find(f"{W}pPr/{W}jc").get(f"{W}val") == "center"
    assert label.style.font.size.pt == 16 and title.style.font.size.pt == 22
    fonts = title.style.element.find(f"{W}rPr/{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == style.fonts.title[0]
    assert label.style.element.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "黑体"


def test_landscape_a4_with_profile_margins(seed_docx):
    section = _open(seed_docx).sections[0]
    margins = default_style().page.landscape
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (section.page_width.twips, section.page_height.twips) == (_twips(297), _twips(210))
    assert section.top_margin.twips == _twips(margins.top)
    assert section.bottom_margin.twips == _twips(margins.bottom)
    assert section.left_margin.twips == _twips(margins.left)
    assert section.right_margin.twips == _twips(margins.right)


def test_rows_repeat_header_and_never_split(seed_docx):
    tbl = _open(seed_docx).tables[0]._tbl
    rows = tbl.findall(f"{W}tr")
    assert [child.tag for child in rows[0].find(f"{W}trPr")] == [f"{W}cantSplit", f"{W}tblHeader"]
    assert all([child.tag for child in row.find(f"{W}trPr")] == [f"{W}cantSplit"] for row in rows[1:])


def test_column_widths_for_word_and_libreoffice(seed_docx):
    doc = _open(seed_docx)
    section = doc.sections[0]
    text_width = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    tbl = doc.tables[0]._tbl
    grid = [int(col.get(f"{W}w")) for col in tbl.findall(f"{W}tblGrid/{W}gridCol")]
    assert sum(grid) == text_width
    assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
    assert tbl.find(f"{W}tblPr/{W}tblW").get(f"{W}w") == str(text_width)
    for row in tbl.findall(f"{W}tr"):
        assert [int(w.get(f"{W}w")) for w in row.findall(f"{W}tc/{W}tcPr/{W}tcW")] == grid


def test_chinese_fonts_without_theme_fonts(seed_docx):
    styles = _part(seed_docx, "word/styles.xml")
    document = _part(seed_docx, "word/document.xml")
    for text in (styles, document):
        assert "eastAsiaTheme" not in text and "asciiTheme" not in text
    doc = _open(seed_docx)
    style = default_style()
    for name, role in (("公文正文", "body"), ("表格文字", "table"), ("表格标题行", "table_header")):
        fonts = doc.styles[name].element.find(f"{W}rPr/{W}rFonts")
        assert fonts.get(f"{W}eastAsia") == style.fonts.family(role)
        assert fonts.get(f"{W}ascii") == fonts.get(f"{W}hAnsi") == style.fonts.latin
    assert 'w:eastAsia="zh-CN"' in styles
    settings = _part(seed_docx, "word/settings.xml")
    assert '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>' in settings
    assert "<w:evenAndOddHeaders/>" in settings


def test_odd_and_even_page_numbers(seed_docx):
    section = _open(seed_docx).sections[0]
    odd, even = section.footer, section.even_page_footer
    assert not odd.is_linked_to_previous and not even.is_linked_to_previous
    for footer, side, indent in ((odd, "right", "right"), (even, "left", "left")):
        p = footer._element.find(f"{W}p")
        kinds = [f.get(f"{W}fldCharType") for f in p.iter(f"{W}fldChar")]
        assert kinds == ["begin", "separate", "end"]
        assert p.find(f"{W}r/{W}instrText").text.strip() == "PAGE"
        assert p.find(f"{W}pPr/{W}jc").get(f"{W}val") == side
        assert p.find(f"{W}pPr/{W}ind").get(f"{W}{indent}") == "280"  # one 四号 character
        assert footer.paragraphs[0].text == "— 1 —"
    number_style = _open(seed_docx).styles["页码"]
    assert number_style.font.size.pt == 14
    assert number_style.element.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "宋体"


@pytest.mark.parametrize("kind", ["center", "none"])
def test_centred_or_no_page_numbers(seed_plan, kind):
    data = docx_writer.render(attachment(seed_plan), _style(style=kind))
    section = _open(data).sections[0]
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "<w:evenAndOddHeaders/>" not in _part(data, "word/settings.xml")
    if kind == "none":
        assert not any(n.startswith("word/footer") for n in names)
        return
    assert [n for n in names if n.startswith("word/footer")] == ["word/footer1.xml"]
    assert section.footer._element.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val") == "center"


def test_landscape_numbers_turn_with_the_page():
    """gbt9704-landscape: portrait pages as gbt9704, landscape pages a turned number on the binding edge."""
    document = Document(
        "横排",
        (
            Section("纵", (Paragraph("正文"),), orientation="portrait"),
            Section("横", (Table((Column("甲"),), ((Cell("1"),),)),), orientation="landscape"),
        ),
    )
    data = docx_writer.render(document, _style(style="gbt9704-landscape"))
    portrait, landscape = _open(data).sections
    assert portrait.footer.paragraphs[0].text == "— 1 —"
    for footer, side in ((landscape.footer, "right"), (landscape.even_page_footer, "left")):
        box = footer._element.find(f".//{W}txbxContent")
        assert box is not None and "vert" == footer._element.find(".//{*}bodyPr").get("vert")
        assert box.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val") == side
        assert box.find(f".//{W}instrText").text.strip() == "PAGE"
    portrait_ids = {r.get(f"{R}id") for r in portrait._sectPr.findall(f"{W}footerReference")}
    landscape_ids = {r.get(f"{R}id") for r in landscape._sectPr.findall(f"{W}footerReference")}
    assert len(portrait_ids) == len(landscape_ids) == 2 and not portrait_ids & landscape_ids


def test_footer_sits_the_profile_distance_below_the_type_area(seed_docx):
    section = _open(seed_docx).sections[0]
    style = default_style()
    expected = _twips(style.page.landscape.bottom) - _twips(style.page_numbers.distance) - 14 * 20
    assert section.footer_distance.twips == expected


def test_metadata_and_byte_identical_builds(seed_plan, fixed_date):
    document = attachment(seed_plan)
    data = docx_writer.render(document, default_style())
    assert docx_writer.render(document, default_style()) == data
    props = _open(data).core_properties
    assert (props.title, props.subject, props.revision) == (seed_plan.title, document.subject, 1)
    assert props.created == props.modified == fixed_date
    assert props.last_printed is None  # never printed
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert {m.date_time for m in package.infolist()} == {(2010, 1, 1, 0, 0, 0)}


def test_dates_are_the_build_date_without_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = datetime.now(timezone.utc).replace(microsecond=0)
    data = docx_writer.render(Document("t", (Section("s", (Paragraph("正文"),)),)), default_style())
    props = _open(data).core_properties
    assert before <= props.created == props.modified <= datetime.now(timezone.utc)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        stamps = {datetime(*m.date_time, tzinfo=timezone.utc) for m in package.infolist()}
    assert len(stamps) == 1 and abs((stamps.pop() - props.created).total_seconds()) <= 2  # zip: 2 s steps


def test_package_names_this_tool_and_holds_no_template_leftovers(seed_docx):
    names = zipfile.ZipFile(io.BytesIO(seed_docx)).namelist()
    assert not [n for n in names if "thumbnail" in n or "stylesWithEffects" in n or n.startswith("customXml")]
    app = _part(seed_docx, "docProps/app.xml")
    assert "<Application>workplan-docs</Application>" in app
    assert not any(word in app for word in ("Microsoft", "Normal.dotm", "<Pages>", "<Words>"))  # no counts claimed
    settings = _part(seed_docx, "word/settings.xml")
    assert not any(tag in settings for tag in ("w:rsids", "w:proofState", "w:savePreviewPicture", "w14:docId"))
    assert "stylesWithEffects" not in _part(seed_docx, "word/_rels/document.xml.rels")
    assert "customXml" not in _part(seed_docx, "[Content_Types].xml")


def test_author_falls_back_to_the_profile():
    base = default_style()
    style = base.model_copy(update={"metadata": base.metadata.model_copy(update={"author": "某某局办公室"})})
    section = Section("s", (Paragraph("正文"),), orientation="portrait")
    plain = docx_writer.render(Document("标题", (section,), keywords=("工作", "安排")), style)
    assert _open(plain).core_properties.author == "某某局办公室"
    assert _open(plain).core_properties.keywords == "工作; 安排"
    named = docx_writer.render(Document("标题", (section,), author="质检总局"), style)
    assert _open(named).core_properties.author == "质检总局"


def test_xml_special_characters_round_trip():
    table = Table((Column("名称"), Column("说明")), ((Cell(SPECIAL), Cell(f"{SPECIAL}\n第二行\n\n第四行")),))
    section = Section("特殊", (Paragraph(SPECIAL, "title"), Paragraph(f"{SPECIAL}\n续行"), table))
    data = docx_writer.render(Document(SPECIAL, (section,), subject=SPECIAL), default_style())
    doc = _open(data)
    assert [p.text for p in doc.paragraphs[:2]] == [SPECIAL, f"{SPECIAL}\n续行"]
    cells = doc.tables[0].rows[1].cells
    assert cells[0].text == SPECIAL
    assert cells[1].text == f"{SPECIAL}\n第二行\n\n第四行"
    assert len(cells[1].paragraphs) == 4
    assert doc.core_properties.title == doc.core_properties.subject == SPECIAL


def test_sections_keep_orientation_and_restart_numbering():
    table = Table((Column("甲"), Column("乙", 3)), ((Cell("1"), Cell("宽表")),))
    document = Document(
        "多节",
        (
            Section("说明", (Paragraph("标题", "title"), Paragraph("正文一段。"), PageBreak(), Paragraph("第二页")),
                    orientation="portrait"),
            Section("表格", (Paragraph("附件", "label"), table), orientation="landscape", restart_numbering=True),
            Section("续表", (table,), orientation="landscape"),
        ),
    )
    data = docx_writer.render(document, default_style())
    doc = _open(data)
    sections = doc.sections
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.LANDSCAPE]
    assert (sections[0].page_width.twips, sections[0].page_height.twips) == (_twips(210), _twips(297))
    assert sections[0].left_margin.twips == _twips(28) and sections[1].left_margin.twips == _twips(35)
    starts = [s._sectPr.find(f"{W}pgNumType") for s in sections]
    assert starts[0] is None and starts[1].get(f"{W}start") == "1" and starts[2] is None
    rids = {s._sectPr.find(f"{W}footerReference").get(f"{W}type") for s in sections}
    assert rids == {"default"}
    for section in sections:
        assert not section.footer.is_linked_to_previous and not section.even_page_footer.is_linked_to_previous
        assert section.start_type == 2  # WD_SECTION.NEW_PAGE
    widths = [sum(int(c.get(f"{W}w")) for c in t._tbl.findall(f"{W}tblGrid/{W}gridCol")) for t in doc.tables]
    assert widths == [_twips(297) - _twips(35) - _twips(37)] * 2
    assert doc.paragraphs[2].runs[0]._r.find(f"{W}br").get(f"{W}type") == "page"


def test_header_rows_spans_fills_and_alignment():
    columns = (Column("序号", 0.5, "center"), Column("任务", 2), Column("一季度", 1), Column("二季度", 1, "right"))
    header = (
        (Cell("序号", align="center", bold=True), Cell("任务", bold=True), Cell("进度", align="center", bold=True, span=2)),
        (Cell(""), Cell(""), Cell("一季度", bold=True), Cell("二季度", bold=True)),
    )
    rows = (
        (Cell("1"), Cell("合计", bold=True, fill="FFF2CC"), Cell("完成", span=2, align="center")),
        (Cell("2"), Cell("调研"), Cell("启动"), Cell("100")),
    )
    base = default_style()
    style = base.model_copy(update={"table": base.table.model_copy(update={"header_fill": "D9D9D9"})})
    section = Section("表", (Table(columns, rows, header),), orientation="portrait")
    tbl = _open(docx_writer.render(Document("表", (section,)), style)).tables[0]._tbl
    trs = tbl.findall(f"{W}tr")
    assert [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in trs] == [True, True, False, False]
    grid = [int(c.get(f"{W}w")) for c in tbl.findall(f"{W}tblGrid/{W}gridCol")]
    merged = trs[0].findall(f"{W}tc")[2]
    assert merged.find(f"{W}tcPr/{W}gridSpan").get(f"{W}val") == "2"
    assert int(merged.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) == grid[2] + grid[3]
    assert all(tc.find(f"{W}tcPr/{W}shd").get(f"{W}fill") == "D9D9D9" for tc in trs[0].findall(f"{W}tc"))
    total = trs[2].findall(f"{W}tc")[1]
    assert total.find(f"{W}tcPr/{W}shd").get(f"{W}fill") == "FFF2CC"
    assert total.find(f"{W}p/{W}r/{W}rPr/{W}b") is not None
    assert trs[3].findall(f"{W}tc")[1].find(f"{W}tcPr/{W}shd") is None
    aligns = [tc.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val") for tc in trs[3].findall(f"{W}tc")]
    assert aligns == ["center", "left", "left", "right"]
    assert [tc.find(f"{W}tcPr/{W}vAlign").get(f"{W}val") for tc in trs[3].findall(f"{W}tc")] == ["center"] * 4


def _template(tmp_path: Path, *, footer: str | None = None) -> Path:
    """An office's reference .docx: its own margins, a header, some body text."""
    template = docx.Document()
    section = template.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(30), Mm(25)
    section.left_margin, section.right_margin = Mm(22), Mm(20)
    section.header.paragraphs[0].text = "某某局文件"
    if footer:
        section.footer.paragraphs[0].text = footer
    template.add_paragraph("模板里原有的正文")
    path = tmp_path / "office.docx"
    template.save(path)
    return path


def _margins(section) -> dict[str, float]:
    """Margins in whole millimetres."""
    return {edge: round(getattr(section, f"{edge}_margin").mm) for edge in ("top", "right", "bottom", "left")}


def test_reference_docx_keeps_page_setup_and_header(tmp_path):
    document = Document(
        "模板",
        (
            Section("纵", (Paragraph("正文"),), orientation="portrait"),
            Section("横", (Table((Column("甲"), Column("乙")), ((Cell("1"), Cell("2")),)),), orientation="landscape"),
        ),
    )
    data = docx_writer.render(document, default_style(), docx_template=_template(tmp_path))
    doc = _open(data)
    portrait, landscape = doc.sections
    assert [p.text for p in doc.paragraphs if p.text] == ["正文"]
    assert "<Application>workplan-docs</Application>" in _part(data, "docProps/app.xml")  # not the template's
    assert _margins(portrait) == {"top": 30, "bottom": 25, "left": 22, "right": 20}
    # Turned a quarter turn: the binding (left) margin becomes the top one.
    assert (landscape.page_width.twips, landscape.page_height.twips) == (Mm(297).twips, Mm(210).twips)
    assert _margins(landscape) == {"top": 22, "right": 30, "bottom": 20, "left": 25}
    for section in (portrait, landscape):
        assert section.header.paragraphs[0].text == "某某局文件"
        assert section.even_page_header.paragraphs[0].text == "某某局文件"  # odd/even footers switch headers too
        assert section.footer.paragraphs[0].text == "— 1 —"
    assert doc.styles["公文正文"].element.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "仿宋_GB2312"


def test_reference_docx_footer_replaces_our_page_numbers(tmp_path):
    document = Document("模板", (Section("纵", (Paragraph("正文"),), orientation="portrait"),))
    data = docx_writer.render(document, default_style(), docx_template=_template(tmp_path, footer="办公室印发"))
    section = _open(data).sections[0]
    assert section.footer.paragraphs[0].text == "办公室印发"
    assert "PAGE" not in "".join(_part(data, n) for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if "footer" in n)


def test_reference_docx_styles_win(tmp_path):
    first = docx_writer.render(Document("样式", (Section("s", (Paragraph("正文"),)),)), default_style())
    path = tmp_path / "ours.docx"
    edited = _open(first)
    edited.styles["公文正文"].element.find(f"{W}rPr/{W}rFonts").set(f"{W}eastAsia", "楷体")
    edited.save(path)
    data = docx_writer.render(Document("样式", (Section("s", (Paragraph("正文"),)),)), default_style(), docx_template=path)
    assert _open(data).styles["公文正文"].element.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "楷体"


def _column_text(pdf: Path, left: float, width: float, page_height: float) -> str:
    """What pdftotext reads inside one column's strip of every page (points)."""
    tool = require_tool("pdftotext")
    crop = ["-x", str(round(left)), "-y", "0", "-W", str(round(width)), "-H", str(round(page_height))]
    command = [tool, "-enc", "UTF-8", *crop, str(pdf), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.mark.slow
def test_libreoffice_prints_every_cell_in_order(seed_plan, tmp_path):
    """Column by column (side-by-side wrapped cells interleave in plain text), every
    cell's text is printed, in row order, across all pages."""
    document = attachment(seed_plan)
    source = tmp_path / "附件.docx"
    source.write_bytes(docx_writer.render(document, default_style()))
    pdf = libreoffice_pdf(source, tmp_path)
    text = squash(pdf_text(pdf))
    assert text.startswith(squash("附件" + seed_plan.title))
    assert "—1—" in text and "—2—" in text
    style = default_style()
    table = document.sections[0].blocks[-1]
    left = style.page.landscape.left * 72 / 25.4
    text_width = (297 - style.page.landscape.left - style.page.landscape.right) * 72 / 25.4
    for column, width in enumerate(table.widths(text_width, style.sizes.table, 2 * style.table.cell_padding * 72 / 25.4)):
        # Cells are padded on both sides, so a strip 2 pt wider on each side reads no neighbour.
        # pdftotext drops a hyphen that ends a line ("2010-" / "2012"), so hyphens are not compared.
        printed = squash(_column_text(pdf, left - 2, width + 4, 210 * 72 / 25.4)).replace("-", "")
        left += width
        position = 0
        for row in table.rows:
            expected = squash(row[column].text).replace("-", "")
            found = printed.find(expected, position)
            assert found >= 0, f"column {column}: missing or out of order: {row[column].text[:20]}"
            position = found + len(expected)
