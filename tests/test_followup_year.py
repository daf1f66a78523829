"""A year of 督办 on the seed plan: 序时进度, 三色预警, 未报送 and 延期 checked against a hand-worked table.

The units file their quarterly reports as they would: most a few days after the quarter,
法规司 late twice, 执法司 not at all in the third quarter, 计量司 with an extension of
task 3 (5-7月 → 30 September, approved 20 July).  The report at each date sees only
what had been filed by then.

Hand-worked elapsed shares (序时): a whole-year task at 10 April is 100/365 = 27.4 %,
15 July 196/365 = 53.7 %, 1 August 213/365 = 58.4 %, 20 September 263/365 = 72.1 %,
10 October 283/365 = 77.5 %; task 10 (5月、9月: 1 May - 30 September, 153 days) is
76/153 = 49.7 % at 15 July and 93/153 = 60.8 % at 1 August; task 16 (7月完成: 1 January
- 31 July, 212 days) 100/212 = 47.2 % at 10 April and 92.5 % at 15 July; task 4 (5-7月)
76/92 = 82.6 % at 15 July.  达进度 is within 10 points of it.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook
from PIL import Image

from workplan_docs.errors import PlanError
from workplan_docs.layout import Document, Paragraph, Table
from workplan_docs.model import Plan
from workplan_docs.pipeline import build
from workplan_docs.progress import Entry, Extension, ProgressFile, dump_progress, load_progress, new_progress
from workplan_docs.reports.progress import WARN_FILLS, progress_document

from .conftest import SAMPLE_PLAN

# filed on, quarter, unit, then "序号 完成状态 [完成比例]" per task ("-" for no 完成比例)
FILED = """
2010-04-05 1 认监委 2 推进中 25 | 8 推进中 - | 11 推进中 20
2010-04-05 1 科技司 5 推进中 25 | 6 推进中 25 | 7 推进中 25 | 9 推进中 25 | 12 推进中 25 | 13 推进中 25 | 16 推进中 40 | 19 推进中 25 | 20 推进中 25
2010-04-05 1 监督司 17 推进中 25
2010-04-05 1 执法司 12 推进中 30
2010-04-20 1 法规司 14 推进中 - | 15 推进中 20 | 18 推进中 25
2010-07-05 2 监督司 1 已完成 - | 17 推进中 55
2010-07-05 2 认监委 2 推进中 50 | 8 滞后 - | 11 推进中 30
2010-07-05 2 计量司 3 推进中 - | 4 推进中 60
2010-07-05 2 科技司 5 已完成 - | 6 推进中 70 | 7 推进中 50 | 9 推进中 50 | 10 推进中 50 | 12 推进中 50 | 13 推进中 50 | 16 推进中 70 | 19 未启动 - | 20 推进中 50
2010-07-05 2 执法司 12 推进中 50
2010-07-25 2 法规司 14 推进中 - | 15 滞后 - | 18 推进中 45
2010-10-08 3 监督司 17 推进中 75
2010-10-08 3 认监委 2 推进中 75 | 8 推进中 60 | 11 推进中 70
2010-10-08 3 计量司 3 推进中 80 | 4 已完成 -
2010-10-08 3 科技司 6 推进中 80 | 7 推进中 75 | 9 推进中 75 | 10 已完成 - | 12 推进中 75 | 13 推进中 75 | 16 已完成 - | 19 推进中 30 | 20 推进中 75
2010-10-08 3 法规司 14 推进中 - | 15 推进中 70 | 18 推进中 75
"""
EXTENSION = Extension(seq=3, unit="计量司", due=dt.date(2010, 9, 30), reason="检测设备到货推迟",
                      approved=dt.date(2010, 7, 20))

# The hand-worked table: per date, each task's 序时进度 and 预警 (序号 → "进度/颜色"), and the
# units that owed the last ended quarter's report and had sent none (with the tasks asked about).
EXPECTED: dict[str, tuple[dict[str, str], dict[str, list[str]]]] = {
    "2010-04-10": (  # 3, 4, 10 start in May: not started; 1 began 1 April and nobody reported yet (0 %)
        {"1": "欠进度/黄", "2": "达进度/", "3": "未启动/", "4": "未启动/", "5": "达进度/", "6": "达进度/",
         "7": "达进度/", "8": "达进度/", "9": "达进度/", "10": "未启动/", "11": "达进度/", "12": "达进度/",
         "13": "达进度/", "14": "欠进度/黄", "15": "欠进度/黄", "16": "达进度/", "17": "达进度/",
         "18": "欠进度/黄", "19": "达进度/", "20": "达进度/"},
        {"第一季度 法规司": ["14", "15", "18"]},  # its first-quarter report came on 20 April
    ),
    "2010-07-15": (  # 3 is due in 16 days: not yet blue; 16 at 70 % against 92.5 %: yellow
        {"1": "已完成/", "2": "达进度/", "3": "达进度/", "4": "欠进度/黄", "5": "已完成/", "6": "超进度/",
         "7": "达进度/", "8": "欠进度/黄", "9": "达进度/", "10": "达进度/", "11": "欠进度/黄", "12": "达进度/",
         "13": "达进度/", "14": "达进度/", "15": "欠进度/黄", "16": "欠进度/黄", "17": "达进度/",
         "18": "欠进度/黄", "19": "欠进度/黄", "20": "达进度/"},
        {"第二季度 法规司": ["14", "15", "18"]},
    ),
    "2010-08-01": (  # 4 and 16 ran out on 31 July; 3 was extended to 30 September on 20 July
        {"1": "已完成/", "2": "达进度/", "3": "达进度/", "4": "逾期/红", "5": "已完成/", "6": "超进度/",
         "7": "达进度/", "8": "欠进度/黄", "9": "达进度/", "10": "欠进度/黄", "11": "欠进度/黄", "12": "达进度/",
         "13": "达进度/", "14": "达进度/", "15": "欠进度/黄", "16": "逾期/红", "17": "达进度/",
         "18": "欠进度/黄", "19": "欠进度/黄", "20": "达进度/"},
        {},
    ),
    "2010-09-20": (  # 3 (extended) is due in 10 days: blue; 10 too, but 欠进度 outranks it
        {"1": "已完成/", "2": "欠进度/黄", "3": "达进度/蓝", "4": "逾期/红", "5": "已完成/", "6": "达进度/",
         "7": "欠进度/黄", "8": "欠进度/黄", "9": "欠进度/黄", "10": "欠进度/黄", "11": "欠进度/黄",
         "12": "欠进度/黄", "13": "欠进度/黄", "14": "达进度/", "15": "欠进度/黄", "16": "逾期/红",
         "17": "欠进度/黄", "18": "欠进度/黄", "19": "欠进度/黄", "20": "欠进度/黄"},
        {},
    ),
    "2010-10-10": (  # 3 ran out even after its extension; 4 was done late (no longer overdue); 执法司 silent
        {"1": "已完成/", "2": "达进度/", "3": "逾期/红", "4": "已完成/", "5": "已完成/", "6": "达进度/",
         "7": "达进度/", "8": "欠进度/黄", "9": "达进度/", "10": "已完成/", "11": "达进度/", "12": "欠进度/黄",
         "13": "达进度/", "14": "达进度/", "15": "达进度/", "16": "已完成/", "17": "达进度/", "18": "达进度/",
         "19": "欠进度/黄", "20": "达进度/"},
        {"第三季度 执法司": ["12"]},  # 科技司 owes nothing on 5, reported 已完成 in the second quarter
    ),
}


def filed_by(plan: Plan, as_of: dt.date) -> ProgressFile:
    """The progress data as it stood on ``as_of``: reports filed by then, and the extension."""
    progress = new_progress(plan)
    for line in FILED.strip().splitlines():
        filed, quarter, unit, reports = line.split(" ", 3)
        if dt.date.fromisoformat(filed) > as_of:
            continue
        for report in reports.split(" | "):
            seq, status, percent = report.split()
            progress.entries.append(Entry(
                seq=int(seq), unit=unit, quarter=int(quarter), status=status,  # type: ignore[arg-type]
                percent=None if percent == "-" else int(percent), progress=f"{unit}第{quarter}季度进展",
            ))
    progress.extensions.append(EXTENSION)
    return progress


def blocks_after(document: Document, heading: str) -> Table | Paragraph:
    blocks = [b for s in document.sections for b in s.blocks]
    index = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text.startswith(heading))
    block = blocks[index + 1]
    assert isinstance(block, Table | Paragraph)
    return block


def task_rows(document: Document) -> dict[str, list[str]]:
    table = document.sections[1].blocks[2]
    assert isinstance(table, Table)
    return {row[0].text: [c.text for c in row] for row in table.rows}


@pytest.mark.parametrize("as_of", list(EXPECTED))
def test_pace_warnings_and_missing_units_against_the_hand_worked_table(seed_plan: Plan, as_of: str) -> None:
    day = dt.date.fromisoformat(as_of)
    document = progress_document(seed_plan, filed_by(seed_plan, day), day)
    paces, owing = EXPECTED[as_of]
    got = {seq: f"{row[-2].splitlines()[0]}/{row[-1]}" for seq, row in task_rows(document).items()}
    assert got == paces
    # the fills carry the same colours as the words
    table = document.sections[1].blocks[2]
    assert isinstance(table, Table)
    assert {(row[-1].text, row[-1].fill) for row in table.rows} <= {("", None), *WARN_FILLS.items()}
    # the summary counts each 序时进度 and each colour
    summary = [b.text for b in document.sections[0].blocks if isinstance(b, Paragraph)]
    marks = list(paces.values())
    counts = "，".join(f"{p}{sum(m.startswith(p) for m in marks)}项"
                      for p in ("已完成", "超进度", "达进度", "欠进度", "未启动", "逾期"))
    colours = [sum(m.endswith(c) for m in marks) for c in "红黄蓝"]
    assert (f"序时进度：{counts}。预警：红色{colours[0]}项（逾期），黄色{colours[1]}项（欠进度），"
            f"蓝色{colours[2]}项（15日内到期）。") in summary
    # 未报送: the units that owed the last ended quarter's report, with their tasks
    table = blocks_after(document, "五、")
    got_owing = {} if isinstance(table, Paragraph) else {
        f"{row[0].text} {row[1].text}": re.findall(r"^(\d+)\.", row[2].text, re.M) for row in table.rows}
    assert got_owing == owing
    assert f"五、未报送（{len(owing)}份）" in summary


def test_extension_moves_the_due_date_once_approved(seed_plan: Plan) -> None:
    before, after = dt.date(2010, 7, 15), dt.date(2010, 8, 1)
    assert isinstance(blocks_after(progress_document(seed_plan, filed_by(seed_plan, before), before), "六、"),
                      Paragraph)  # approved on 20 July: not yet in force on 15 July
    document = progress_document(seed_plan, filed_by(seed_plan, after), after)
    table = blocks_after(document, "六、延期（1项）")
    assert isinstance(table, Table)
    assert [c.text for c in table.rows[0]] == [
        "3", seed_plan.items[2].task, "计量司", "2010年7月31日", "2010年9月30日", "检测设备到货推迟", "2010年7月20日"]
    overdue = blocks_after(document, "一、逾期任务")
    assert isinstance(overdue, Table) and [r[0].text for r in overdue.rows] == ["4", "16"]


def test_warn_days_sets_the_blue_horizon(seed_plan: Plan) -> None:
    day = dt.date(2010, 9, 20)
    progress = filed_by(seed_plan, day)
    assert task_rows(progress_document(seed_plan, progress, day, warn_days=9))["3"][-1] == ""
    assert task_rows(progress_document(seed_plan, progress, day, warn_days=10))["3"][-1] == "蓝"


def write_progress(tmp_path: Path, progress: ProgressFile) -> Path:
    path = tmp_path / "progress.yaml"
    path.write_text(dump_progress(progress), encoding="utf-8")
    return path


def test_late_extension_is_refused_naming_the_entry(seed_plan: Plan, tmp_path: Path) -> None:
    progress = filed_by(seed_plan, dt.date(2010, 10, 10))
    assert load_progress(write_progress(tmp_path, progress), seed_plan).extensions == [EXTENSION]
    progress.extensions.append(Extension(seq=4, unit="计量司", due=dt.date(2010, 10, 31), reason="补办",
                                         approved=dt.date(2010, 8, 5)))
    with pytest.raises(PlanError) as error:
        load_progress(write_progress(tmp_path, progress), seed_plan)
    assert str(error.value) == (
        f"{tmp_path / 'progress.yaml'}: 延期第 2 条（序号4）: approved: 批准日期 2010-08-05 晚于当时的应完成时间 "
        "2010-07-31：延期须在到期前申请并获批，不予采用")


def test_bad_percent_is_refused(seed_plan: Plan, tmp_path: Path) -> None:
    path = write_progress(tmp_path, filed_by(seed_plan, dt.date(2010, 4, 10)))
    path.write_text(path.read_text(encoding="utf-8").replace("percent: 25", "percent: 125", 1), encoding="utf-8")
    with pytest.raises(PlanError, match=r"第 1 条: percent: 超出范围"):
        load_progress(path, seed_plan)


def test_warnings_show_in_every_format(seed_plan: Plan, tmp_path: Path) -> None:
    day = dt.date(2010, 9, 20)  # red, yellow and blue all present
    paths = build(seed_plan, tmp_path, reports=["progress"], formats=["docx", "pdf", "xlsx"],
                  progress_data=filed_by(seed_plan, day), as_of=day)
    by_ext = {p.suffix: p for p in paths}
    wanted = {fill.lower() for fill in WARN_FILLS.values()}
    workbook = load_workbook(by_ext[".xlsx"])
    xlsx_fills = {(c.value, str(c.fill.fgColor.rgb)[-6:].lower()) for ws in workbook for row in ws.iter_rows()
                  for c in row if c.value in ("红", "黄", "蓝")}
    assert xlsx_fills == {("红", "f4cccc"), ("黄", "fff2cc"), ("蓝", "ddebf7")}
    docx_xml = "".join(t._tbl.xml for t in read_docx(str(by_ext[".docx"])).tables)
    assert wanted <= {f.lower() for f in re.findall(r'w:fill="([0-9A-Fa-f]{6})"', docx_xml)}
    text = subprocess.run(["pdftotext", "-raw", str(by_ext[".pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "预警：红色2项（逾期），黄色13项（欠进度），蓝色1项（15日内到期）。" in text.replace("\n", "")
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(by_ext[".pdf"]), str(tmp_path / "page")], check=True)
    colours: set[str] = set()
    for png in tmp_path.glob("page*.png"):
        image = Image.open(png).convert("RGB")
        colours |= {"%02x%02x%02x" % pixel for _, pixel in image.getcolors(1 << 20) or []}
    assert wanted <= colours


def test_cli_warn_days(seed_plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from workplan_docs.cli import main

    progress = write_progress(tmp_path, filed_by(seed_plan, dt.date(2010, 9, 20)))
    args = ["build", str(SAMPLE_PLAN), "--progress", str(progress), "--reports", "progress", "--formats",
            "xlsx", "--as-of", "2010-09-20", "-o"]
    assert main([*args, str(tmp_path / "a"), "--warn-days", "9"]) == 0
    texts = {str(c.value) for ws in load_workbook(tmp_path / "a" / "工作进展报告.xlsx") for row in ws.iter_rows()
             for c in row if c.value}
    assert any("蓝色0项（9日内到期）" in t for t in texts)
    with pytest.raises(SystemExit) as exit_:
        main([*args, str(tmp_path / "b"), "--warn-days", "两周"])
    assert exit_.value.code == 2 and "天数“两周”应为 0 到 366 的整数" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()
