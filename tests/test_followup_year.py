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
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook
from PIL import Image

from workplan_docs.cycles import Period
from workplan_docs.errors import PlanError
from workplan_docs.layout import Document, Paragraph, Table
from workplan_docs.model import Plan
from workplan_docs.pipeline import build
from workplan_docs.progress import (
    Entry, Extension, ProgressFile, dump_progress, load_progress, new_progress, task_hash,
)
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
    "2010-04-10": (  # 1 (from 1 April), 3, 4, 10 (from May) first report for the second quarter: none owed yet
        {"1": "未到报送期/", "2": "达进度/", "3": "未到报送期/", "4": "未到报送期/", "5": "达进度/", "6": "达进度/",
         "7": "达进度/", "8": "达进度/", "9": "达进度/", "10": "未到报送期/", "11": "达进度/", "12": "达进度/",
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
                      for p in ("已完成", "超进度", "达进度", "欠进度", "未启动", "未到报送期", "逾期"))
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


# ---- the whole year through forms: reporting cycles, a late unit, a silent one, an extension, a revision ----
#
# The seed as issued in January (version "2010年1月印发", year 2010) reports 季, but items 3 and 4 (计量司, 5-7月)
# monthly, item 16 (科技司, 7月完成) 按时限 and item 20 (科技司) half-yearly.  On 15 June it is revised
# ("2010年6月调整"): a task 11 is inserted (认监委, 7-12月), so 11-20 become 12-21, and the old item 16 (now
# 17) is given until September ("9月完成").  Every form below is made by `feedback` from the version in force
# on the day it is made, filled as the unit would (rows not listed: 推进中, no 完成比例), and collected with the
# version in force the day it comes back: 科技司's half-year form went out on 10 June, before the revision, and
# is collected after it (its 20 is now 21).  法规司 is late twice; 执法司 never returns its third-quarter form;
# 计量司 gets item 3 extended to 30 September on 20 July.
#
# made on, period, unit, returned on ("-": never), then "序号:完成状态[:完成比例]" in the numbering of the form
YEAR = """
2010-03-31 Q1 监督司 2010-04-05
2010-03-31 Q1 认监委 2010-04-05 8:推进中:10
2010-03-31 Q1 科技司 2010-04-05
2010-03-31 Q1 执法司 2010-04-05
2010-03-31 Q1 法规司 2010-04-20
2010-05-31 M5 计量司 2010-06-03 3:推进中:30
2010-06-10 H1 科技司 2010-07-05 20:推进中:50
2010-06-30 M6 计量司 2010-07-03 3:推进中:50
2010-06-30 Q2 监督司 2010-07-05 1:已完成
2010-06-30 Q2 认监委 2010-07-05 8:滞后
2010-06-30 Q2 科技司 2010-07-05 5:已完成 6:推进中:70
2010-06-30 Q2 执法司 2010-07-05
2010-06-30 Q2 法规司 2010-07-25
2010-07-31 M7 计量司 2010-08-04 3:推进中:70 4:已完成
2010-08-31 M8 计量司 2010-09-03 3:推进中:85
2010-09-30 M9 科技司 2010-10-08 17:已完成
2010-09-30 M9 计量司 2010-10-08 3:已完成
2010-09-30 Q3 监督司 2010-10-08
2010-09-30 Q3 认监委 2010-10-08
2010-09-30 Q3 科技司 2010-10-08 5:已完成 6:推进中:80 10:已完成
2010-09-30 Q3 执法司 -
2010-09-30 Q3 法规司 2010-10-08
"""
REVISED = dt.date(2010, 6, 15)
EXTENDED = Extension(seq=3, unit="计量司", due=dt.date(2010, 9, 30), reason="检测设备到货推迟",
                     approved=dt.date(2010, 7, 20))

# The forms `feedback` makes, read off the plan by hand (the 序号 of the version in force): 16 reports in
# July under the first version, in September under the revised one; 20/21 only in the half-year forms; 3
# and 4 only in months; the August and September forms ask about item 3 as a task of the month (its
# extension to 30 September moved its reporting months with its due date: not carried over).
YEAR_FORMS = {
    "2010-03-31 Q1": {"监督司": ["17"], "认监委": ["2", "8", "11"], "执法司": ["12"],
                      "科技司": ["5", "6", "7", "9", "12", "13", "19"], "法规司": ["14", "15", "18"]},
    "2010-05-31 M5": {"计量司": ["3", "4"]},
    "2010-06-10 H1": {"科技司": ["20"]},
    "2010-06-30 M6": {"计量司": ["3", "4"]},
    "2010-06-30 Q2": {"监督司": ["1", "18"], "认监委": ["2", "8", "12"], "执法司": ["13"],
                      "科技司": ["5", "6", "7", "9", "10", "13", "14", "20"], "法规司": ["15", "16", "19"]},
    "2010-07-31 M7": {"计量司": ["3", "4"]},
    "2010-08-31 M8": {"计量司": ["3"]},
    "2010-09-30 M9": {"计量司": ["3"], "科技司": ["17"]},
    "2010-09-30 Q3": {"监督司": ["18"], "认监委": ["2", "8", "11", "12"], "执法司": ["13"],
                      "科技司": ["5", "6", "7", "9", "10", "13", "14", "20"], "法规司": ["15", "16", "19"]},
}

# The hand-worked table: per date, each task's 完成状态, 序时进度 and 预警 (序号 of the version in force), and the
# reports owed and not received (period, unit: tasks).  A task with no report while none was owed yet
# (按时限 16/17 before its month, 20 before the half year ends, a task whose first quarter has not ended) is
# 未到报送期: neither 未报送 nor 欠进度.  Elapsed shares: whole-year tasks 100/365 = 27 % on
# 10 April, 196/365 = 54 % on 15 July, 213/365 = 58 % on 1 August, 283/365 = 78 % on 10 October; 3 and 4 (1 May
# - 31 July) 76/92 = 83 % on 15 July, 3 extended to 30 September 93/153 = 61 % on 1 August; new 11 (from 1 July)
# 15/184 = 8 % on 15 July, 32/184 = 17 % on 1 August; 17 (to 30 September) 196/273 = 72 %, 213/273 = 78 %.
_ON_PACE = "推进中 达进度/"
_NOT_DUE = "未到报送期 未到报送期/"
YEAR_EXPECTED: dict[str, tuple[dict[str, str], list[str]]] = {
    "2010-04-10": (  # the first version; 法规司's first-quarter report is ten days away
        {"1": _NOT_DUE, "2": _ON_PACE, "3": _NOT_DUE, "4": _NOT_DUE, "5": _ON_PACE,
         "6": _ON_PACE, "7": _ON_PACE, "8": "推进中 欠进度/黄", "9": _ON_PACE, "10": _NOT_DUE, "11": _ON_PACE,
         "12": _ON_PACE, "13": _ON_PACE, "14": "未报送 欠进度/黄", "15": "未报送 欠进度/黄", "16": _NOT_DUE,
         "17": _ON_PACE, "18": "未报送 欠进度/黄", "19": _ON_PACE, "20": _NOT_DUE},
        ["2010年第一季度 法规司: 14 15 18"],
    ),
    "2010-07-15": (  # revised: 21 tasks; 11 (third quarter) and 17 (September) owe no report yet
        {"1": "已完成 已完成/", "2": _ON_PACE, "3": "推进中 欠进度/黄", "4": _ON_PACE, "5": "已完成 已完成/",
         "6": "推进中 超进度/", "7": _ON_PACE, "8": "滞后 欠进度/黄", "9": _ON_PACE, "10": _ON_PACE,
         "11": _NOT_DUE, "12": _ON_PACE, "13": _ON_PACE, "14": _ON_PACE, "15": _ON_PACE, "16": _ON_PACE,
         "17": _NOT_DUE, "18": _ON_PACE, "19": _ON_PACE, "20": _ON_PACE, "21": _ON_PACE},
        ["2010年第二季度 法规司: 15 16 19"],
    ),
    "2010-08-01": (  # 4 ran out on 31 July; 3 was extended on 20 July; 计量司's July report comes on 4 August
        {"1": "已完成 已完成/", "2": _ON_PACE, "3": "推进中 欠进度/黄", "4": "推进中（逾期） 逾期/红",
         "5": "已完成 已完成/", "6": "推进中 超进度/", "7": _ON_PACE, "8": "滞后 欠进度/黄", "9": _ON_PACE,
         "10": _ON_PACE, "11": _NOT_DUE, "12": _ON_PACE, "13": _ON_PACE, "14": _ON_PACE, "15": _ON_PACE,
         "16": _ON_PACE, "17": _NOT_DUE, "18": _ON_PACE, "19": _ON_PACE, "20": _ON_PACE, "21": _ON_PACE},
        ["2010年7月 计量司: 3 4"],
    ),
    "2010-10-10": (  # 21's latest report is still the first half's 50 %; 执法司 owes the third quarter
        {"1": "已完成 已完成/", "2": _ON_PACE, "3": "已完成 已完成/", "4": "已完成 已完成/", "5": "已完成 已完成/",
         "6": _ON_PACE, "7": _ON_PACE, "8": _ON_PACE, "9": _ON_PACE, "10": "已完成 已完成/", "11": _ON_PACE,
         "12": _ON_PACE, "13": _ON_PACE, "14": _ON_PACE, "15": _ON_PACE, "16": _ON_PACE, "17": "已完成 已完成/",
         "18": _ON_PACE, "19": _ON_PACE, "20": _ON_PACE, "21": "推进中 欠进度/黄"},
        ["2010年第三季度 执法司: 13"],  # 科技司 owes nothing on 5, reported 已完成 in the second quarter
    ),
}


def issued(seed: Plan) -> Plan:
    data = seed.to_file_data()
    data.update(year=2010, version="2010年1月印发")
    for item in data["items"]:
        item["report_every"] = {3: "月", 4: "月", 16: "按时限", 20: "半年"}.get(item["seq"])
    return Plan.model_validate({**data, "items": [{k: v for k, v in i.items() if v is not None} for i in data["items"]]})


def revised(first: Plan) -> Plan:
    data = first.to_file_data()
    data["version"] = "2010年6月调整"
    for item in data["items"][10:]:
        item["seq"] += 1
    data["items"][15]["schedule"] = "9月完成"  # the old 16, now 17
    data["items"].insert(10, {"seq": 11, "task": "开展检测机构能力验证", "lead": ["认监委"], "schedule": "7-12月"})
    return Plan.model_validate(data)


def period_of(code: str) -> Period:
    return Period({"Q": "quarter", "M": "month", "H": "half"}[code[0]], int(code[1:]), 2010)


def fill_as_unit(source: Path, target: Path, answers: dict[str, tuple[str, int | None]], day: dt.date) -> Path:
    """A unit's answers: 完成状态 and 完成比例 per row (default 推进中, none), 进展情况, and the sign-off."""
    from workplan_docs.feedback.forms import COLUMN_OF, FIRST_ROW, FORM_SHEET, SIGNOFF

    workbook = load_workbook(source)
    sheet = workbook[FORM_SHEET]
    row = FIRST_ROW
    while sheet.cell(row, 1).value not in (None, ""):
        status, percent = answers.get(str(sheet.cell(row, 1).value), ("推进中", None))
        sheet.cell(row, COLUMN_OF["status"]).value = status
        sheet.cell(row, COLUMN_OF["percent"]).value = percent
        sheet.cell(row, COLUMN_OF["progress"]).value = f"截至{day}的进展"
        row += 1
    signed = {"reporter": "王五", "phone": "010-82260000", "approver": "赵六", "date": day.isoformat()}
    for key, _, below, _, column in SIGNOFF:
        sheet.cell(row - 1 + below, column).value = signed[key]
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


@dataclass
class Year:
    plans: tuple[Plan, Plan]
    forms: dict[str, dict[str, list[str]]]  # "made on + period" → unit → 序号 on its form
    labels: dict[str, str]  # form file → what collect said of it
    saved: list[tuple[dt.date, str]]  # (day, progress.yaml as written that day)

    def plan_on(self, day: dt.date) -> Plan:
        return self.plans[day >= REVISED]


@pytest.fixture(scope="module")
def year(seed_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Year:
    from workplan_docs.feedback.forms import feedback_forms, forms_for
    from workplan_docs.followup import collect_feedback

    root = tmp_path_factory.mktemp("year")
    first = issued(seed_plan)
    run = Year((first, revised(first)), {}, {}, [(dt.date(2010, 1, 1), dump_progress(new_progress(first)))])
    lines = [line.split() for line in YEAR.strip().splitlines()]
    events = sorted(((dt.date.fromisoformat(r[3]), r) for r in lines if r[3] != "-"), key=lambda e: e[0])
    events.insert(next(n for n, (day, _) in enumerate(events) if day > EXTENDED.approved), (EXTENDED.approved, []))
    for day, fields in events:
        text = run.saved[-1][1]
        if not fields:  # the office records the approved extension in progress.yaml
            data = load_progress_text(text, run.plan_on(day))
            data.extensions.append(EXTENDED)
            run.saved.append((day, dump_progress(data)))
            continue
        made, code, unit, _, *answers = fields
        made_on = dt.date.fromisoformat(made)
        plan = run.plan_on(made_on)
        progress = load_progress_text([t for saved, t in run.saved if saved <= made_on][-1], plan)
        name, data = next((n, d) for n, d in feedback_forms(plan, period_of(code), progress=progress)
                          if n.startswith(f"{unit}_"))
        (root / "sent" / made).mkdir(parents=True, exist_ok=True)
        (root / "sent" / made / name).write_bytes(data)
        parsed = {a.split(":")[0]: (a.split(":")[1], int(a.split(":")[2]) if a.count(":") == 2 else None) for a in answers}
        back = fill_as_unit(root / "sent" / made / name, root / "back" / str(day) / name, parsed, day)
        existing = root / "progress.yaml"
        existing.write_text(text, encoding="utf-8")
        result = collect_feedback(run.plan_on(day), [back], progress=existing)
        assert not result.rejected, [str(p) for r in result.rejected for p in r.problems]
        run.labels[f"{made} {code} {unit}"] = result.taken[0].label
        run.saved.append((day, dump_progress(result.progress)))
    for made, code, *_ in lines:  # every form of the period, as `feedback --progress` made them that day
        day = dt.date.fromisoformat(made)
        plan = run.plan_on(day)
        progress = load_progress_text([text for saved, text in run.saved if saved <= day][-1], plan)
        run.forms[f"{made} {code}"] = {f.unit: [i.label for i in f.items] for f in forms_for(plan, period_of(code), progress)}
    return run


def load_progress_text(text: str, plan: Plan) -> ProgressFile:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "progress.yaml"
        path.write_text(text, encoding="utf-8")
        return load_progress(path, plan)


def test_the_forms_of_each_period_follow_the_cycles_and_the_revision(year: Year) -> None:
    assert year.forms == YEAR_FORMS


def test_collect_says_which_plan_version_each_form_came_from(year: Year) -> None:
    assert year.labels["2010-06-30 Q2 执法司"] == "执法司 2010年第二季度 1 项，计划版本“2010年6月调整”"
    assert year.labels["2010-06-10 H1 科技司"] == (
        "科技司 2010年上半年 1 项，据计划此前的版本“2010年1月印发”生成，任务按内容对应到当前计划（序号 20→21）")
    assert year.labels["2010-05-31 M5 计量司"] == "计量司 2010年5月 2 项，计划版本“2010年1月印发”"


@pytest.mark.parametrize("as_of", list(YEAR_EXPECTED))
def test_a_year_of_reports_against_the_hand_worked_table(year: Year, as_of: str) -> None:
    day = dt.date.fromisoformat(as_of)
    plan = year.plan_on(day)
    progress = load_progress_text([text for saved, text in year.saved if saved <= day][-1], plan)
    document = progress_document(plan, progress, day)
    paces, owing = YEAR_EXPECTED[as_of]
    got = {seq: f"{row[4]} {row[-2].splitlines()[0]}/{row[-1]}" for seq, row in task_rows(document).items()}
    assert got == paces
    table = blocks_after(document, "五、")
    got_owing = [] if isinstance(table, Paragraph) else [
        f"{row[0].text} {row[1].text}: " + " ".join(re.findall(r"^(\d+)\.", row[2].text, re.M)) for row in table.rows]
    assert got_owing == owing


def test_progress_of_a_task_the_revision_dropped_is_named(year: Year, tmp_path: Path) -> None:
    data = year.plans[1].to_file_data()
    data["items"][20]["task"] += "（调整）"  # 21 reworded: its reports can no longer be matched by content
    path = tmp_path / "progress.yaml"
    path.write_text(year.saved[-1][1], encoding="utf-8")
    with pytest.raises(PlanError) as error:  # its entry is the 37th: Q1 15, May 2, June 2, Q2 17, then H1
        load_progress(path, Plan.model_validate(data))
    assert str(error.value) == (f"{path}: 序号 21: 此任务在当前计划中已找不到（计划调整时删除或改写了它），第 37 条无法对应："
                                "如确已删除，请从进展数据中删去")
    saved = load_progress(path, year.plans[1])  # the 序号 → task hash of the version it was written for
    assert saved.tasks == {item.label: task_hash(item) for item in year.plans[1].items}


def test_a_form_of_an_earlier_version_is_refused_when_a_task_changed_hands(year: Year, tmp_path: Path) -> None:
    from workplan_docs.feedback.collect import collect
    from workplan_docs.feedback.forms import feedback_forms

    first, second = year.plans
    data = second.to_file_data()
    data["items"][20]["lead"] = ["办公室"]  # the revision gives 21 (the first version's 20) to another office
    moved = Plan.model_validate(data)
    name, form = next((n, d) for n, d in feedback_forms(first, period_of("H1")) if n.startswith("科技司_"))
    (tmp_path / name).write_bytes(form)
    back = fill_as_unit(tmp_path / name, tmp_path / "back" / name, {}, dt.date(2010, 7, 5))
    result = collect(moved, [back], new_progress(moved))
    assert [str(p) for p in result.rejected[0].problems] == [
        f"{back}: 第 5 行: B 列（重要工作）: 序号 20“完善《重点产业产品质量检测体系建设规划》”在当前计划中（序号 21）由办公室牵头，"
        "不是科技司的任务"]
    assert collect(second, [back], new_progress(second)).taken  # with the revision as it was, it is taken


def test_an_extension_moves_the_reporting_periods_with_the_due_date(seed_plan: Plan) -> None:
    from workplan_docs.cycles import report_periods
    from workplan_docs.feedback.forms import forms_for
    from workplan_docs.reports.progress import owing_units

    first = issued(seed_plan)
    item3, item16 = first.items[2], first.items[15]  # 3: 月, 5-7月; 16: 按时限, 7月完成 (科技司)
    months = [Period("month", m, 2010) for m in (5, 6, 7, 8, 9)]
    assert report_periods(first, item3, 2010) == months[:3]
    assert report_periods(first, item3, 2010, dt.date(2010, 9, 30)) == months
    assert report_periods(first, item16, 2010, dt.date(2010, 9, 30)) == [Period("month", 9, 2010)]
    progress = new_progress(first)
    progress.extensions.append(Extension(seq=16, unit="科技司", due=dt.date(2010, 9, 30), reason="评审会推迟",
                                         approved=dt.date(2010, 7, 10)))
    # the forms: July no longer asks 科技司 about 16, September does, as a task of the month
    assert "科技司" not in {f.unit for f in forms_for(first, Period("month", 7, 2010), progress)}
    (september,) = [f for f in forms_for(first, Period("month", 9, 2010), progress) if f.unit == "科技司"]
    assert [i.label for i in september.items] == ["16"] and not september.carried
    # the report: on 1 August nothing is owed on 16 yet (extended after 10 July); on 1 October September's is
    assert task_rows(progress_document(first, progress, dt.date(2010, 8, 1)))["16"][4] == "未到报送期"
    def owing_16(day: dt.date) -> list[str]:
        return [period.label for period, _, items in owing_units(first, progress, day, 2010)
                if any(i.label == "16" for i in items)]

    assert owing_16(dt.date(2010, 8, 1)) == []
    assert owing_16(dt.date(2010, 10, 1)) == ["2010年9月"]


@pytest.mark.parametrize(("as_of", "row"), [
    ("2010-07-01", ["未到报送期", "未到报送期", ""]),  # due 31 July, 30 days ahead
    ("2010-07-20", ["未到报送期", "未到报送期", "蓝"]),  # due within 15 days
    ("2010-08-01", ["未报送（逾期）", "逾期", "红"]),  # July's report was owed, and the task ran out
])
def test_a_task_with_no_report_owed_yet_is_judged_by_its_due_date_only(seed_plan: Plan, as_of: str,
                                                                       row: list[str]) -> None:
    first = issued(seed_plan)  # 16 reports 按时限: once, in July
    day = dt.date.fromisoformat(as_of)
    document = progress_document(first, new_progress(first), day)
    cells = task_rows(document)["16"]
    assert [cells[4], cells[-2].splitlines()[0], cells[-1]] == row


def test_the_bulletin_counts_tasks_not_yet_owed_apart(seed_plan: Plan) -> None:
    from workplan_docs.reports.bulletin import summary_text
    from workplan_docs.reports.progress import assess, unit_table

    first = issued(seed_plan)
    day = dt.date(2010, 7, 20)
    judged = assess(first, new_progress(first), day)
    assert "未报送19项（占95%），未到报送期1项（占5%）" in summary_text(first, judged, day)
    table = unit_table(first, judged.states)
    heading = [c.heading for c in table.columns]
    total = [c.text for c in table.rows[-1]]
    assert total[heading.index("未到报送期")] == "1" and total[heading.index("未报送")] == "19"
