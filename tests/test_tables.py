"""The office's own table (issue 12 §4) and lines and pages a 文秘 accepts (issue 14 §3):
column widths from content, line-break rules, merged cells, group rows, several tables,
and the printed pages of every report of the seed checked line by line."""

from __future__ import annotations

import math
import warnings
import re
import subprocess
from dataclasses import dataclass
from itertools import groupby
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import pytest
from docx import Document as open_docx
from openpyxl import load_workbook

from workplan_docs import load
from workplan_docs.cli import main
from workplan_docs.layout import SHORT_COLUMN_EM, Cell, Column, Document, Paragraph, Section, Table, fit_heading, text_em
from workplan_docs.linebreak import MEASURES, NO_END, NO_START, break_allowed, heading_words
from workplan_docs.model import FIELD_NAMES, Plan
from workplan_docs.pipeline import plan_outputs
from workplan_docs.reports import gantt
from workplan_docs.reports.attachment import attachment
from workplan_docs.style import default_style
from workplan_docs.writers import render

from .conftest import SAMPLE_PLAN, require_tool, same_fonts_style

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PT_PER_MM = 72 / 25.4


# --- where a line may break ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cut"),
    [("7月完成", 1), ("5月、9月", 4), ("（2010-2012）", 5), ("（2010-2012）", 6), ("检验检疫4级", 5),
     ("11", 1), ("5～7月", 1), ("5～7月", 2), ("5—7月", 2), ("30个左右", 2), ("3.5倍", 2)],
)
def test_no_break_inside_numbers_ranges_and_measures(text: str, cut: int) -> None:
    assert not break_allowed(text, cut), f"{text[:cut]} / {text[cut:]}"


@pytest.mark.parametrize(("text", "cut"), [("开展调研", 2), ("7月完成", 2), ("工作——重点", 2), ("4月", 0 + 1)])
def test_breaks_stay_allowed_between_words(text: str, cut: int) -> None:
    expected = text != "4月"
    assert break_allowed(text, cut) is expected


def test_headings_break_only_between_words() -> None:
    assert heading_words("参与部门（单位）") == ["参与部门", "（单位）"]
    assert fit_heading("参与部门（单位）", 6, 1, 0.5) == "参与部门\n（单位）"
    assert fit_heading("参与部门（单位）", 9, 1, 0.5) == "参与部门（单位）"
    # A word wider than its column (a table too wide for its headings): the fewest lines,
    # the widest as narrow as can be, no lone last character where it can be helped.
    assert fit_heading("主要内容和措施", 4, 1, 0.5) == "主要内\n容和\n措施"
    assert fit_heading("項目名稱", 3.3, 1, 0) == "項目\n名稱"  # 宁海 2022
    assert fit_heading("完成 时限", 2.5, 1, 0.5) == "完成 \n时限"  # a word that fits, and its space
    # Numbers part from their measure words before they are cut: "至\n2021\n年底…"
    assert fit_heading("至2021年底累計完成投資", 3.3, 1, 0).split("\n")[:2] == ["至", "2021"]
    assert "(1-12\n" in fit_heading("項目建設階段(1-12月份)（主要形象進度）", 3.3, 1, 0)
    pasted = "关于进一步加强和改进重点工作督查督办的实施意见" * 20  # hostile: 460 characters, one word
    assert fit_heading(pasted, 3.3, 1, 0).replace("\n", "") == pasted


# --- column widths ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Plan:
    return load(SAMPLE_PLAN)


def _em_widths(table: Table, style=None) -> list[float]:
    style = style or default_style()
    em, padding = style.sizes.table, 2 * style.table.cell_padding * PT_PER_MM
    total = style.page.text_width("landscape") * PT_PER_MM
    return [(w - padding) / em for w in table.widths(total, em, padding)]


def test_widths_fill_the_type_area_and_keep_words_whole(seed: Plan) -> None:
    style = default_style()
    table = attachment(seed).sections[0].blocks[-1]
    em, padding = style.sizes.table, 2 * style.table.cell_padding * PT_PER_MM
    total = style.page.text_width("landscape") * PT_PER_MM
    assert sum(table.widths(total, em, padding)) == pytest.approx(total)
    inner = _em_widths(table)
    for column, room in zip(table.columns, inner):
        assert all(text_em(word) <= room + 1e-6 for word in heading_words(column.heading)), column.heading
    # short columns as wide as their longest line: no 序号, 牵头单位 or 时间进度 cell wraps
    for key in (0, 4, 6):
        longest = max(text_em(line) for row in table.rows for line in row[key].text.split("\n"))
        assert inner[key] + 1e-6 >= longest, table.columns[key].heading
    assert inner[3] == max(inner)  # the measures carry the most text


def test_weighted_tables_still_keep_numbers_whole() -> None:
    table = Table((Column("单位", 30), Column("合计", 1)), ((Cell("科技司"), Cell("11")),))
    inner = _em_widths(table)
    assert inner[1] >= text_em("11") and inner[1] >= text_em("合计") - 1e-6


@pytest.mark.parametrize("weights", [(None, None), (0.01, 1.0)])
def test_short_columns_keep_their_line_with_room_to_spare(weights: tuple[float | None, float | None]) -> None:
    """A short column is its longest line and a little slack wide, so that rounding to a DOCX's
    twips and to LibreOffice's hundredths of a millimetre never makes it a hair too narrow
    (LibreOffice then wrapped "县护城河指挥部" / "部")."""
    style = default_style()
    em, padding = round(20 * style.sizes.table), 2 * round(20 * style.table.padding_points[0])
    total = round(style.page.text_width("landscape") * 1440 / 25.4)
    columns = (Column("单位", weights[0]), Column("内容", weights[1]))
    table = Table(columns, ((Cell("县护城河指挥部"), Cell("具体措施" * 200)),))
    widths = table.widths(total, em, padding)  # twips
    assert 7 * em + 1 < widths[0] - padding < 8 * em  # a twip to spare, and no wider than needed


# --- the office's table ----------------------------------------------------------------


def _plan(**fields) -> Plan:
    items = fields.pop("items")
    return Plan.model_validate({"title": "2023年重点工作任务分解表", "year": 2023, "items": items, **fields})


def _item(seq: str, task: str, **more) -> dict:
    return {"seq": seq, "task": task, "lead": [more.pop("lead", "区市场局")], **more}


TWO_TABLES = dict(
    column_order=["seq", "task", "measures", "lead", "schedule", "备注"],
    items=[
        _item("1", "推进质量提升行动", measures="组织实施质量攻关项目。", schedule="3-12月", group="一、质量提升行动",
              source="一、经济发展", extra={"备注": "无"}),
        _item("2", "推进质量提升行动", measures="建设检验检测公共服务平台（2010-2012）。", schedule="12月",
              group="一、质量提升行动", source="一、经济发展", merged_above=["task"]),
        _item("3", "优化营商环境", measures="深化改革。", schedule="全年", group="二、营商环境", source="一、经济发展"),
        _item("4", "建设老年大学", measures="开工建设县老年养护楼", schedule="5月底前动工", source="二、民生实事"),
        _item("5", "建设老年大学", measures="建设检验检疫4级实验室", schedule="12月", source="二、民生实事",
              merged_above=["task", "lead"]),
        _item("6", "建设敬老院", measures="建成敬老院", schedule="12月", source="二、民生实事", merged_above=["lead"],
              lead="县卫健局"),
    ],
)


def test_the_source_columns_print_in_the_source_order() -> None:
    plan = _plan(**TWO_TABLES)
    tables = [b for b in attachment(plan).sections[0].blocks if isinstance(b, Table)]
    assert [c.heading for c in tables[0].columns] == ["序号", "重要工作", "主要内容和措施", "牵头单位", "时间进度", "备注"]
    hand_written = _plan(items=[_item("1", "甲", extra={"备注": "无"})])
    headings = [c.heading for c in attachment(hand_written).sections[0].blocks[-1].columns]
    assert headings == ["序号", "重要工作", "工作目标", "主要内容和措施", "牵头单位", "参与部门（单位）", "时间进度", "备注"]


def test_several_tables_under_their_headings_with_group_rows_and_merges() -> None:
    blocks = attachment(_plan(**TWO_TABLES)).sections[0].blocks
    assert [(type(b).__name__, getattr(b, "text", "")) for b in blocks[2:]] == [
        ("Paragraph", "一、经济发展"), ("Table", ""), ("Paragraph", "二、民生实事"), ("Table", "")]
    first, second = blocks[3], blocks[5]
    assert [row[0].text for row in first.rows] == ["一、质量提升行动", "1", "2", "二、营商环境", "3"]
    assert [first.is_group_row(i) for i in range(5)] == [True, False, False, True, False]
    assert first.rows[2][1].merge_up and first.rows[2][1].text == "推进质量提升行动"  # merged in the source
    assert not first.rows[2][3].merge_up  # same lead, not merged in the source: printed again
    assert [[c.merge_up for c in row] for row in second.rows][1:] == [
        [False, True, False, True, False, False],  # merged in the source, same text
        [False, False, False, False, False, False],  # "merged" over a different unit: both printed
    ]


def test_every_level_of_group_heading_prints_once_where_it_changes() -> None:
    """group_parents: the headings over an item's nearest one; each level is a row of its own,
    printed where it changes (a heading printed again in the source prints again)."""
    plan = _plan(items=[
        _item("1", "甲", group="一、经济发展"),  # a plain string, as plan files had it
        _item("2", "乙", group="（一）质量提升", group_parents=["二、重点工作"]),
        _item("3", "丙", group="（二）营商环境", group_parents=["二、重点工作"]),
        _item("4", "丁", group="二、重点工作"),
    ])
    rows = attachment(plan).sections[0].blocks[-1].rows
    assert [row[0].text for row in rows] == [
        "一、经济发展", "1", "二、重点工作", "（一）质量提升", "2", "（二）营商环境", "3", "二、重点工作", "4"]
    with pytest.raises(ValueError, match="group_parents"):
        _plan(items=[_item("1", "甲", group_parents=["一、经济发展"])])


def test_each_table_prints_under_its_own_headings() -> None:
    plan = _plan(**TWO_TABLES, columns={"task": "重点工作（3项）"}, source_columns={"二、民生实事": {"task": "民生实事（3项）"}})
    tables = [b for b in attachment(plan).sections[0].blocks if isinstance(b, Table)]
    assert [t.columns[1].heading for t in tables] == ["重点工作（3项）", "民生实事（3项）"]
    with pytest.raises(ValueError, match="source_columns"):
        _plan(**TWO_TABLES, source_columns={"三、其他": {"task": "其他"}})


def test_trailing_group_headings_end_their_own_table() -> None:
    """Constructed: headings printed after the last item of the first table only."""
    plan = _plan(**TWO_TABLES, trailing_groups=[{"source": "一、经济发展", "headings": ["（三）其他"]}])
    first, second = [b for b in attachment(plan).sections[0].blocks if isinstance(b, Table)]
    assert first.rows[-1] == (Cell("（三）其他", "left", bold=True, span=len(first.columns)),)
    assert all(len(row) > 1 for row in second.rows)
    for source in ("三、其他", None):  # every item names its table: so must the headings
        with pytest.raises(ValueError, match="trailing_groups.0.source"):
            _plan(**TWO_TABLES, trailing_groups=[{"source": source, "headings": ["（三）其他"]}])


def test_unknown_column_in_column_order_is_one_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("title: 计划\ncolumn_order: [seq, task, 附注]\nitems:\n- {seq: 1, task: 甲, lead: [办公室]}\n",
                    encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "column_order" in error and "附注" in error


def test_merged_cells_in_every_format() -> None:
    document = attachment(_plan(**TWO_TABLES))
    style = default_style()
    docx = open_docx(BytesIO(render(document, style, "docx")))
    second = docx.tables[1]._tbl
    merges = [[tc.find(f"{W}tcPr/{W}vMerge") for tc in tr.findall(f"{W}tc")] for tr in second.findall(f"{W}tr")]
    task = [m.get(f"{W}val", "continue") if m is not None else None for m in (row[1] for row in merges)]
    assert task == [None, "restart", "continue", None]
    sheet = load_workbook(BytesIO(render(document, style, "xlsx"))).worksheets[0]
    ranges = {str(r) for r in sheet.merged_cells.ranges}
    task_row = next(c.row for c in sheet["B"] if c.value == "建设老年大学")
    assert f"B{task_row}:B{task_row + 1}" in ranges and f"D{task_row}:D{task_row + 1}" in ranges
    assert f"B5:B6" in ranges or any(r.startswith("B") and ":B" in r for r in ranges)
    pdf = render(document, style, "pdf")
    text = subprocess.run([require_tool("pdftotext"), "-raw", "-", "-"], input=pdf, capture_output=True).stdout
    assert text.decode().count("建设老年大学") == 1 and text.decode().count("推进质量提升行动") == 1


def test_a_merged_cell_cut_by_a_page_break_prints_again() -> None:
    items = [_item(str(k), "同一项重点工作", measures="具体措施" * 40, schedule="全年", merged_above=["task"] if k > 1 else [])
             for k in range(1, 13)]
    document = attachment(_plan(items=items))
    pdf = render(document, default_style(), "pdf")
    tool = require_tool("pdftotext")
    pages = subprocess.run([tool, "-raw", "-", "-"], input=pdf, capture_output=True).stdout.decode().split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) > 1
    assert all(page.count("同一项重点工作") == 1 for page in pages)


def test_a_row_taller_than_a_page_is_torn_only_from_the_top_of_a_page() -> None:
    """A row that does not fit below the rows before it moves to the next page even when it is
    taller than a page, as Word and LibreOffice move a row that may not split; it is torn there."""
    items = [_item("1", "第一项工作"), _item("2", "第二项工作", measures="具体措施" * 500), _item("3", "第三项工作")]
    pdf = render(attachment(_plan(items=items)), default_style(), "pdf")
    text = subprocess.run([require_tool("pdftotext"), "-raw", "-", "-"], input=pdf, capture_output=True).stdout
    pages = text.decode().split("\f")
    assert "第一项工作" in pages[0] and "第二项工作" not in pages[0] and "具体措施" not in pages[0]
    assert "第二项工作" in pages[1] and "具体措施" in pages[2]


def test_equal_tasks_merge_only_as_sub_items_or_where_the_source_merged() -> None:
    """Two numbered tasks that read the same are two cells (the user wrote both); the
    sub-items 5.1 and 5.2 of one task share its cell."""
    items = [_item("1", "同一项"), _item("2", "同一项"), _item("5.1", "分项任务"), _item("5.2", "分项任务")]
    rows = attachment(_plan(items=items)).sections[0].blocks[-1].rows
    assert [row[1].merge_up for row in rows] == [False, False, False, True]


# --- the printed pages of every report of the seed -------------------------------------

_XHTML = "{http://www.w3.org/1999/xhtml}"
_PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")


@dataclass(frozen=True)
class _Line:
    text: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def size(self) -> float:
        return self.bottom - self.top


def _pages(pdf: Path) -> list[list[_Line]]:
    """Pages → lines of text as printed in one cell or paragraph: ``pdftotext -bbox-layout``
    lines cut where a gap between words shows a new cell."""
    tool = require_tool("pdftotext")
    xml = subprocess.run([tool, "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in ElementTree.fromstring(xml).iter(f"{_XHTML}page"):
        lines: list[_Line] = []
        for line in page.iter(f"{_XHTML}line"):
            segment: list[ElementTree.Element] = []
            for word in [*line.iter(f"{_XHTML}word"), None]:
                if segment and (word is None or float(word.get("xMin")) - float(segment[-1].get("xMax"))
                                > 0.6 * (float(word.get("yMax")) - float(word.get("yMin")))):
                    lines.append(_Line("".join(w.text or "" for w in segment), float(segment[0].get("xMin")),
                                       min(float(w.get("yMin")) for w in segment),
                                       float(segment[-1].get("xMax")), max(float(w.get("yMax")) for w in segment)))
                    segment = []
                if word is not None:
                    segment.append(word)
        pages.append(lines)
    return pages


def _next_line(lines: list[_Line], line: _Line) -> _Line | None:
    """The line below ``line`` in the same cell or paragraph: one line pitch down (a table
    cell's or a paragraph's: rows are further apart), overlapping it."""
    style = default_style()
    cell, paragraph = style.sizes.table * style.table.line_spacing, style.paragraph.line_pitch

    def pitch(distance: float) -> bool:
        return 0.5 * cell < distance < cell + 1.0 or abs(distance - paragraph) < 0.5

    below = [other for other in lines if pitch(other.top - line.top)
             and other.left < line.right and line.left < other.right]
    return min(below, key=lambda other: other.top, default=None)


def _headings(document) -> set[str]:
    return {cell.text for section in document.sections for block in section.blocks if isinstance(block, Table)
            for row in block.header_rows for cell in row if len(cell.text) > 1}


def _kept(document) -> set[str]:
    """Texts that must never be the last line of a page: headings and group rows."""
    kept = set()
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, Paragraph) and block.role == "heading":
                kept.add(block.text)
            elif isinstance(block, Table):
                kept |= {block.rows[i][0].text for i in range(len(block.rows)) if block.is_group_row(i)}
    return kept


def _split_inside_word(before: str, after: str, heading: str) -> bool:
    """Do ``before`` / ``after`` (two lines of one block) split ``heading`` inside a word?"""
    bounds, position = set(), 0
    for word in heading_words(heading):
        position = heading.index(word, position) + len(word)
        bounds.add(position)
    return any(
        before.endswith(heading[:k]) and after.startswith(heading[k:]) and len(before) <= len(heading)
        for k in range(1, len(heading)) if k not in bounds
    )


def _too_wide_headings(document) -> set[str]:
    """The headings of tables too wide for their headings to stand whole (宁海 2022, thirteen
    columns): they break inside their words, as evenly as they can (``fit_heading``)."""
    style = default_style()
    em, padding = style.sizes.table, 2 * style.table.cell_padding * PT_PER_MM
    total = style.page.text_width("landscape") * PT_PER_MM
    return {cell.text for section in document.sections for block in section.blocks
            if isinstance(block, Table) and not block._minimums(total, em, padding)[1]
            for row in block.header_rows for cell in row}


def _flaws(pdf: Path, document, numbers_in_long_lines: bool = True) -> list[str]:
    """What a 文秘 would mark on the printed pages.  ``numbers_in_long_lines`` False: a number
    split in a long line of text is not counted (Word and LibreOffice break long lines by
    their own rules; only the widths keep short cells whole there)."""
    flaws = []
    headings, kept = _headings(document), _kept(document)
    too_wide = _too_wide_headings(document)
    pages = _pages(pdf)
    for number, lines in enumerate(pages, 1):
        body = [line for line in lines if line.text and not _PAGE_NUMBER.fullmatch(line.text)]
        if body and number < len(pages):
            last = max(body, key=lambda line: line.bottom)
            if last.text in kept:
                flaws.append(f"p{number}: {last.text} last on the page")
        for line in body:
            where = f"p{number}: {line.text}"
            if line.text[:1] in NO_START:
                flaws.append(f"{where}: starts with a closing mark")
            if line.text[-1:] in NO_END:
                flaws.append(f"{where}: ends with an opening mark")
            if line.right - line.left > text_em(line.text) * line.size + line.size + 0.5:
                flaws.append(f"{where}: stretched")
            below = _next_line(body, line)
            if below is None:
                continue
            pair = f"p{number}: {line.text} / {below.text}"
            if not numbers_in_long_lines and text_em(line.text) > SHORT_COLUMN_EM:
                continue
            if any(line.text + below.text in heading.replace("\n", "") for heading in too_wide):
                continue
            end, start = line.text[-1:], below.text[:1]
            if end.isdigit() and (start.isdigit() or start in MEASURES or start in "-～"):
                flaws.append(f"{pair}: number split")
            if end in "-～" and start.isdigit():
                flaws.append(f"{pair}: range split")
            if any(_split_inside_word(line.text, below.text, h) for h in headings):
                flaws.append(f"{pair}: heading broken inside a word")
    return flaws


def _seed_documents(plan: Plan):
    """Every report of the seed, the 分工表 as their combined file."""
    return {o.path.replace("/", "_"): o.document for o in plan_outputs(plan)
            if not o.path.startswith("分工表/") or o.path == "分工表/分工表汇总"}


def test_every_seed_report_prints_without_a_flaw(seed: Plan, tmp_path: Path) -> None:
    style = default_style()
    flaws = []
    for name, document in _seed_documents(seed).items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(render(document, style, "pdf"))
        flaws += [f"{name} {flaw}" for flaw in _flaws(path, document)]
    assert not flaws, "\n".join(flaws[:20])


def _label_lines(pdf: Path) -> list[list[_Line]]:
    """Per page, the numbers printed in the table's first column (序号), top to bottom."""
    pages = []
    for lines in _pages(pdf):
        left = min((line.left for line in lines), default=0.0)
        pages.append(sorted((line for line in lines if line.text.isdigit() and line.left < left + 40),
                            key=lambda line: line.top))
    return pages


def _row_labels(pdf: Path) -> list[list[str]]:
    """Per page, the 序号 printed: the rows of the page."""
    return [sorted(line.text for line in lines) for lines in _label_lines(pdf)]


def _row_spans(pdf: Path) -> list[float]:
    """Per page, the distance from the first 序号 to the last: the height of the rows between."""
    return [lines[-1].top - lines[0].top if lines else 0.0 for lines in _label_lines(pdf)]


@pytest.mark.slow
def test_docx_and_pdf_break_pages_at_the_same_rows(seed: Plan, tmp_path: Path) -> None:
    """Our PDF and LibreOffice's render of our DOCX, in the same faces, hold the same rows
    on every page (one LibreOffice run for all reports), and the render has no flaw either."""
    style = same_fonts_style()
    documents = _seed_documents(seed)
    for name, document in documents.items():
        (tmp_path / f"{name}.docx").write_bytes(render(document, style, "docx"))
        (tmp_path / f"{name}.pdf").write_bytes(render(document, style, "pdf"))
    soffice = require_tool("soffice")
    rendered = tmp_path / "lo"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(rendered), *(str(tmp_path / f"{name}.docx") for name in documents)],
        check=True, capture_output=True, timeout=300,
    )
    for name, document in documents.items():
        ours, theirs = tmp_path / f"{name}.pdf", rendered / f"{name}.pdf"
        assert theirs.exists(), f"LibreOffice wrote no PDF for {name}"
        assert _row_labels(theirs) == _row_labels(ours), name
        # Rows as high in both, to a tenth of a point over a page (not just close enough to break alike).
        assert _row_spans(theirs) == pytest.approx(_row_spans(ours), abs=0.1), name
        assert not _flaws(theirs, document, numbers_in_long_lines=False), name


def test_the_page_checks_see_the_flaws_they_look_for(tmp_path: Path) -> None:
    """A control: a page drawn with the old defects ("5月、9 / 月", a line opening with "，",
    a letter-spaced line, a heading alone at the foot) is caught by ``_flaws``."""
    from reportlab.pdfgen.canvas import Canvas

    from workplan_docs.writers.fonts import resolve_fonts

    style = default_style()
    font = resolve_fonts(style)["table_header"].name  # a TrueType face holding every character drawn here
    size, pitch = style.sizes.table, style.sizes.table * style.table.line_spacing
    path = tmp_path / "flawed.pdf"
    canvas = Canvas(str(path), pagesize=(842, 595))
    text = canvas.beginText(100, 500)
    text.setFont(font, size, pitch)
    for line in ("5月、9", "月", "，开展调研"):
        text.textLine(line)
    canvas.drawText(text)
    stretched = canvas.beginText(400, 500)
    stretched.setFont(font, size)
    stretched.setCharSpace(6)
    stretched.textLine("紧密结合国家钢铁产业")
    canvas.drawText(stretched)
    canvas.setFont(font, size)
    canvas.drawString(100, 60, "二、到期任务")
    canvas.showPage()
    canvas.setFont(font, size)
    canvas.drawString(100, 500, "下一页")
    canvas.save()
    document = attachment(_plan(items=[_item("1", "甲")]))
    kept = Document("t", (Section("s", (Paragraph("二、到期任务", "heading"), *document.sections[0].blocks)),))
    found = " | ".join(_flaws(path, kept))
    for flaw in ("number split", "starts with a closing mark", "stretched", "last on the page"):
        assert flaw in found, found


# --- the corpus of real published tables (tests/real_plans) ----------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Plan, Path]]:
    """Every real plan built as the .docx an office keeps, imported, its attachment as PDF."""
    import warnings

    from workplan_docs.readers import read_data
    from workplan_docs.readers.plan_file import plan_from_data

    from .real_plans import make

    folder = tmp_path_factory.mktemp("corpus")
    found = {}
    for fixture in make.fixtures():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            source = make.make_docx(make.load(fixture.stem), folder / f"{fixture.stem}.docx")
            plan = plan_from_data(read_data(source), fixture.stem)
        pdf = folder / f"{fixture.stem}.pdf"
        pdf.write_bytes(render(attachment(plan), default_style(), "pdf"))
        found[fixture.stem] = (plan, pdf)
    return found


def test_corpus_attachments_print_the_source_table(corpus) -> None:
    """Only the source's columns, in its order; merged where it merged; group rows and
    table headings where it had them; every page free of the flaws above."""
    for name, (plan, pdf) in corpus.items():
        document = attachment(plan)
        tables = [b for b in document.sections[0].blocks if isinstance(b, Table)]
        sources = [source for source, _ in groupby(plan.items, key=lambda i: i.source)]
        for table, source in zip(tables, sources, strict=True):
            assert [c.heading for c in table.columns] == [
                plan.heading(k, source) if k in FIELD_NAMES else k for k in plan.column_order], name
        rows = [row for table in tables for row in table.rows if len(row) > 1]
        assert len(rows) == len(plan.items), name
        for item, row in zip(plan.items, rows):
            for key, cell in zip(plan.column_order, row):
                if key in item.merged_above and key != "seq":
                    assert cell.merge_up, (name, item.label, key)
        groups = {heading for item in plan.items for heading in item.group_path}
        printed = {row[0].text for table in tables for i, row in enumerate(table.rows) if table.is_group_row(i)}
        assert printed == groups, name
        assert not _flaws(pdf, document), name
    merged = [name for name, (plan, _) in corpus.items() if any(i.merged_above for i in plan.items)]
    assert merged  # the corpus does test merges


def test_a_chart_whose_months_are_one_note_is_fitted_to_its_other_cells(corpus) -> None:
    """lishui_2023 gives no 时间进度, so each 进度图 row's twelve months are one "未排期" note
    spanning them.  Its other cells still decide its height: task 4's 责任单位 lists twelve
    units and a note, and took 19 lines of a 17 mm column when rows holding a spanned cell
    were left out of the fitting (a page of three rows, then that row alone)."""
    plan, _ = corpus["lishui_2023_zhongdian"]
    (output,) = gantt.outputs(plan)
    (table,) = [b for b in output.document.sections[0].blocks if isinstance(b, Table)]
    style = default_style()
    em, padding = style.sizes.table, 2 * style.table.cell_padding
    widths = table.widths(225 / 25.4 * 72, em, padding)

    def lines(text: str, width: float) -> int:
        return max(1, math.ceil(text_em(text) / ((width - padding) / em)))

    assert all(row[-1].span == 12 and row[-1].text.startswith("未排期") for row in table.rows)
    heights = [max(lines(cell.text, widths[k]) for k, cell in enumerate(row[:-1])) for row in table.rows]
    assert max(heights) <= 8, heights
    lead = [c.heading for c in table.columns].index("责任单位")
    units = max(table.rows, key=lambda row: len(row[lead].text))[lead].text
    assert units.count("、") == 11 and lines(units, widths[lead]) == max(heights)


def test_the_room_a_short_table_leaves_goes_to_its_text_columns(tmp_path: Path) -> None:
    """钟楼 2021's 领导分工表: each leader's few tasks are short, so the fitted columns leave
    most of the 225 mm; it widens 项目名称, 牵头单位 and 配合单位, not the centred 序号."""
    from workplan_docs.reports import leaders

    from .real_plans import make

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = load(make.make_docx(make.load("zhonglou_2021_minsheng"), tmp_path / "钟楼.docx"))
    (output,) = leaders.outputs(plan)
    style = default_style()
    em, padding = style.sizes.table, 2 * style.table.cell_padding
    for section in output.document.sections[1:]:
        (table,) = [b for b in section.blocks if isinstance(b, Table)]
        assert [c.heading for c in table.columns] == ["序号", "项目名称", "牵头单位", "配合单位"]
        widths = table.widths(225 / 25.4 * 72, em, padding)
        assert sum(widths) == pytest.approx(225 / 25.4 * 72)
        assert widths[0] == pytest.approx((2 + 0.02) * em + padding)  # its heading "序号", two characters
        assert min(widths[1:]) > 3 * widths[0]


def test_a_table_too_wide_for_its_headings_gives_the_room_to_its_text(corpus) -> None:
    """宁海 2022: thirteen columns of long headings ("项目建设阶段(1-12月份)（主要形象进度）")
    cannot all stand whole in 225 mm.  Its headings then wrap, evenly ("項目\n名稱"), and the
    room goes to the body: 建設規模及內容 is the widest column, not a column of numbers (it
    was 5 ems beside 6 for a column of years, the headings whole: one task a page)."""
    plan, _ = corpus["ninghai_2022_minsheng"]
    (table,) = [b for b in attachment(plan).sections[0].blocks if isinstance(b, Table)]
    headings = [c.heading for c in table.columns]
    widths = dict(zip(headings, _em_widths(table)))
    assert max(widths, key=widths.get) == "建設規模及內容"
    assert widths["建設規模及內容"] > 7
    style = default_style()
    em, padding = style.sizes.table, 2 * style.table.cell_padding * PT_PER_MM
    points = table.widths(style.page.text_width("landscape") * PT_PER_MM, em, padding)
    fitted = {cell.text.replace("\n", ""): cell.text for cell in table.fitted_header(points, em, padding)[0]}
    assert fitted["項目名稱"] == "項目\n名稱" and fitted["總投資"] == "總投\n資"
