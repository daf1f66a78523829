"""The script a user would write instead of running us: ``python _naive.py FMT plan.yaml OUT [FONT [INDEX]]``.

Whole process against whole process (issue 18): it reads the same plan YAML (PyYAML's C
loader) and renders the attachment table with the library alone — python-docx with
``add_row``, openpyxl in normal mode with one shared style, reportlab's ``Table`` of
``Paragraph``s with the TrueType face our PDF writer uses (passed in, so neither side
searches for fonts).  It imports nothing of ours.
"""

from __future__ import annotations

import sys

import yaml

HEADINGS = ("序号", "重要工作", "工作目标", "主要内容和措施", "牵头单位", "参与部门（单位）", "时间进度")
WIDTHS_MM = (12, 30, 40, 62, 25, 35, 21)


def rows(path: str) -> list[list[str]]:
    with open(path, encoding="utf-8") as stream:
        plan = yaml.load(stream, Loader=yaml.CSafeLoader)
    return [
        [str(item["seq"]), item["task"], item.get("goal", ""), item.get("measures", ""),
         item.get("lead_text") or "、".join(item.get("lead", [])),
         item.get("participants_text") or "、".join(item.get("participants", [])), item.get("schedule", "")]
        for item in plan["items"]
    ]


def docx(cells: list[list[str]], out: str) -> None:
    import docx as python_docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    document = python_docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    table = document.add_table(rows=1, cols=len(HEADINGS))
    table.style = "Table Grid"
    for cell, text, width in zip(table.rows[0].cells, HEADINGS, WIDTHS_MM):
        cell.text, cell.width = text, Mm(width)
    for texts in cells:
        for cell, text in zip(table.add_row().cells, texts):
            cell.text = text
    document.save(out)


def xlsx(cells: list[list[str]], out: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    sheet = workbook.active
    thin = Side(style="thin")
    font, border = Font(name="仿宋_GB2312", size=12), Border(left=thin, right=thin, top=thin, bottom=thin)
    alignment = Alignment(wrap_text=True, vertical="center")
    for r, texts in enumerate([list(HEADINGS), *cells], start=1):
        for c, text in enumerate(texts, start=1):
            cell = sheet.cell(row=r, column=c, value=text)
            cell.font, cell.border, cell.alignment = font, border, alignment
    sheet.page_setup.orientation = "landscape"
    workbook.save(out)


def pdf(cells: list[list[str]], out: str, font: str, index: int) -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(TTFont("Table", font, subfontIndex=index))
    style = ParagraphStyle("cell", fontName="Table", fontSize=12, leading=14, wordWrap="CJK")
    data = [[Paragraph(text.replace("\n", "<br/>"), style) for text in row] for row in [list(HEADINGS), *cells]]
    table = Table(data, colWidths=[w * mm for w in WIDTHS_MM], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=37 * mm, rightMargin=35 * mm, topMargin=28 * mm,
                      bottomMargin=26 * mm).build([table])


if __name__ == "__main__":
    fmt, plan, target = sys.argv[1:4]
    if fmt == "pdf":
        pdf(rows(plan), target, sys.argv[4], int(sys.argv[5]))
    else:
        {"docx": docx, "xlsx": xlsx}[fmt](rows(plan), target)
