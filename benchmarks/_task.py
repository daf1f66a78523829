"""One measurement in a fresh process: ``python benchmarks/_task.py TASK N``.

Prints one JSON line: ``seconds`` (the timed step only, measured here), ``rss_mb`` (this
process's peak resident memory) and ``bytes`` (size of what was made).  The plan and
its attachment document are prepared before the clock starts, so a writer's figure is
its own render time, font loading included (a fresh process pays it once).

Tasks:
  load           read and validate the N-item plan YAML file (libyaml, validation, units, schedules)
  plan           validate the N-item plan data (units, schedules) and build the attachment document
  ours-docx / ours-xlsx / ours-pdf    our writer on the attachment of N items
  base-docx      python-docx: ``table.add_row()`` and ``cell.text`` per cell
  base-xlsx      openpyxl normal mode: ``ws.cell(...)`` with a Font, Border and Alignment per cell
  base-pdf       reportlab: ``SimpleDocTemplate`` with one ``Table`` of ``Paragraph`` cells (wordWrap CJK)
"""

from __future__ import annotations

import atexit
import io
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _plans import plan_data, write_plan  # noqa: E402

_A4_LANDSCAPE_MM = (297.0, 210.0)


def _attachment(items: int) -> Any:
    from workplan_docs.readers.plan_file import plan_from_data
    from workplan_docs.reports.attachment import attachment

    return attachment(plan_from_data(plan_data(items), "bench.yaml"))


def _cells(document: Any) -> tuple[list[str], list[list[str]], list[float]]:
    """Headings, body texts and column widths (mm of the landscape type area) of the attachment."""
    from workplan_docs.layout import Table
    from workplan_docs.style import load_style

    table = next(b for b in document.sections[0].blocks if isinstance(b, Table))
    style = load_style(None)
    width, em = style.page.text_width("landscape"), style.sizes.table * 25.4 / 72
    widths = table.widths(width, em, 2 * style.table.cell_padding)  # as our writers fit them
    return [c.heading for c in table.columns], [[c.text for c in row] for row in table.rows], widths


def _task_load(items: int) -> Callable[[], int]:
    from workplan_docs.readers import load
    from workplan_docs.readers.plan_file import parse_text  # noqa: F401 - imported before the clock

    folder = Path(tempfile.mkdtemp(prefix="workplan-load-"))
    atexit.register(shutil.rmtree, folder, True)
    path = write_plan(folder / "plan.yaml", items)
    return lambda: len(load(path).items)


def truetype_table_face() -> tuple[str, int]:
    """The face our PDF writer uses for table text, for the naive reportlab script; where
    ours is an OpenType/CFF face (FandolFang, which reportlab cannot embed: ours converts
    it), the first Chinese face with TrueType outlines."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFont
    from workplan_docs.style import load_style
    from workplan_docs.writers.fonts import resolve_fonts

    font = resolve_fonts(load_style(None))["table"]
    if not font.cff:
        return str(font.path), font.index
    listed = subprocess.run(["fc-list", "--format", "%{file}\t%{index}\n", ":lang=zh"], capture_output=True,
                            check=True).stdout.decode()
    for path, index in sorted(line.split("\t") for line in listed.splitlines()):
        try:
            TTFont("probe", path, subfontIndex=int(index))  # CFF outlines (.otf, Noto CJK) raise
        except TTFError:
            continue
        return path, int(index)
    raise RuntimeError("no Chinese TrueType face for the naive PDF script")


def _task_plan(items: int) -> Callable[[], int]:
    data = plan_data(items)

    def run() -> int:
        from workplan_docs.readers.plan_file import plan_from_data
        from workplan_docs.reports.attachment import attachment

        return len(attachment(plan_from_data(data, "bench.yaml")).sections[0].blocks)

    return run


def _task_ours(fmt: str) -> Callable[[int], Callable[[], int]]:
    def prepare(items: int) -> Callable[[], int]:
        from workplan_docs.style import load_style
        from workplan_docs.writers import render

        document, style = _attachment(items), load_style(None)
        __import__(f"workplan_docs.writers.{fmt}")  # the import is not the writer's work
        return lambda: len(render(document, style, fmt))

    return prepare


def _task_base_docx(items: int) -> Callable[[], int]:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    headings, rows, widths = _cells(_attachment(items))

    def run() -> int:
        doc = docx.Document()
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        table = doc.add_table(rows=1, cols=len(headings))
        table.style = "Table Grid"
        for cell, text, width in zip(table.rows[0].cells, headings, widths):
            cell.text, cell.width = text, Mm(width)
        for texts in rows:
            for cell, text in zip(table.add_row().cells, texts):
                cell.text = text
        buffer = io.BytesIO()
        doc.save(buffer)
        return len(buffer.getvalue())

    return run


def _task_base_xlsx(items: int) -> Callable[[], int]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    headings, rows, _widths = _cells(_attachment(items))

    def run() -> int:
        workbook = Workbook()
        sheet = workbook.active
        thin = Side(style="thin")
        for r, texts in enumerate([headings, *rows], start=1):
            for c, text in enumerate(texts, start=1):
                cell = sheet.cell(row=r, column=c, value=text)
                cell.font = Font(name="仿宋_GB2312", size=12, bold=r == 1)
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
                cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.page_setup.orientation = "landscape"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return len(buffer.getvalue())

    return run


def _task_base_pdf(items: int) -> Callable[[], int]:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
    from workplan_docs.style import load_style

    headings, rows, widths = _cells(_attachment(items))
    settings = load_style(None)
    margins = settings.page.margins("landscape")
    path, index = truetype_table_face()  # parsed again below

    def run() -> int:
        pdfmetrics.registerFont(TTFont("BaseTable", path, subfontIndex=index))
        style = ParagraphStyle("cell", fontName="BaseTable", fontSize=12, leading=14, wordWrap="CJK")
        data = [[Paragraph(text, style) for text in texts] for texts in [headings, *rows]]
        table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        buffer = io.BytesIO()
        page = tuple(v * mm for v in _A4_LANDSCAPE_MM)
        SimpleDocTemplate(buffer, pagesize=page, leftMargin=margins.left * mm, rightMargin=margins.right * mm,
                          topMargin=margins.top * mm, bottomMargin=margins.bottom * mm, invariant=1).build([table])
        return len(buffer.getvalue())

    return run


TASKS: dict[str, Callable[[int], Callable[[], int]]] = {
    "load": _task_load,
    "plan": _task_plan,
    "ours-docx": _task_ours("docx"),
    "ours-xlsx": _task_ours("xlsx"),
    "ours-pdf": _task_ours("pdf"),
    "base-docx": _task_base_docx,
    "base-xlsx": _task_base_xlsx,
    "base-pdf": _task_base_pdf,
}


def main() -> None:
    name, items = sys.argv[1], int(sys.argv[2])
    run = TASKS[name](items)
    start = time.perf_counter()
    size = run()
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": rss_mb, "bytes": size}))


if __name__ == "__main__":
    main()
