"""Leaders (责任领导): the plan's ``leader`` field, the 领导分工表 in three formats, the
attachment's column and the progress report's counts per leader."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from workplan_docs.cli import main
from workplan_docs.errors import WorkplanError
from workplan_docs.layout import Paragraph, Table
from workplan_docs.model import Plan
from workplan_docs.pipeline import build, plan_outputs
from workplan_docs.progress import ProgressFile, fingerprint
from workplan_docs.readers.plan_file import plan_from_data
from workplan_docs.reports.attachment import column_keys, plan_columns
from workplan_docs.reports.progress import progress_document
from workplan_docs.revision import diff_plans

PLAN = {
    "title": "测试重点工作安排",
    "year": 2026,
    "columns": {"leader": "分管领导"},
    "items": [
        {"seq": 1, "task": "甲任务", "leader": "张三", "lead": ["办公室"], "schedule": "3月完成"},
        {"seq": 2, "task": "乙任务", "leader": "张三、李四", "lead": ["财务处"], "participants": ["办公室"],
         "schedule": "全年"},
        {"seq": 3, "task": "丙任务", "lead": ["财务处"], "schedule": "6月底前"},
        {"seq": 4, "task": "丁任务", "leader": "常务副县长 王五\n李四", "lead": ["审计处"], "schedule": "5-7月"},
    ],
}


@pytest.fixture
def plan() -> Plan:
    return plan_from_data(PLAN, "plan.yaml")


def test_leaders_are_split_on_marks_and_lines_not_spaces(plan: Plan) -> None:
    assert [i.leaders for i in plan.items] == [["张三"], ["张三", "李四"], [], ["常务副县长 王五", "李四"]]
    assert {k: [i.label for i in v] for k, v in plan.leaders().items()} == {
        "张三": ["1", "2"], "李四": ["2", "4"], "常务副县长 王五": ["4"]}
    assert all("张三" not in item.units() for item in plan.items)  # a person is never a unit


def test_attachment_prints_the_leader_before_the_lead_only_when_named(plan: Plan) -> None:
    assert column_keys(plan)[:6] == ["seq", "task", "goal", "measures", "leader", "lead"]
    assert plan_columns(plan)[4].heading == "分管领导"
    without = plan_from_data({**PLAN, "items": [{**i, "leader": ""} for i in PLAN["items"]]}, "p")
    assert "leader" not in column_keys(without)


def test_leaders_report_in_three_formats(plan: Plan, tmp_path: Path) -> None:
    paths = build(plan, tmp_path, reports=["leaders"])
    assert sorted(p.name for p in paths) == ["领导分工表.docx", "领导分工表.pdf", "领导分工表.xlsx"]
    pdf = subprocess.run(["pdftotext", "-layout", str(tmp_path / "领导分工表.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = pdf.split("\f")
    assert "共4项工作，3位分管领导。未明确分管领导的工作1项：序号3。" in pages[0]
    assert "分管领导：张三" in pages[1] and "共2项，牵头单位2个：办公室、财务处。" in pages[1]
    assert "3月底" in pages[1] and "12月底" in pages[1] and "丙任务" not in pdf
    assert "分管领导：李四" in pages[2] and "7月底" in pages[2] and "乙任务" in pages[2]
    book = load_workbook(tmp_path / "领导分工表.xlsx")
    assert book.sheetnames == ["汇总", "张三", "李四", "常务副县长 王五"]
    values = [[c.value for c in row] for row in book["李四"].iter_rows() if any(c.value for c in row)]
    assert ["2", "乙任务", "财务处", "办公室", "全年", "12月底"] == [str(v) for v in values[-2]]
    assert [str(v) for v in values[-1]][:3] == ["4", "丁任务", "审计处"]
    document = docx.Document(str(tmp_path / "领导分工表.docx"))
    texts = [p.text for p in document.paragraphs]
    assert "分管领导：常务副县长 王五" in texts
    overview = document.tables[0]
    assert [c.text for c in overview.rows[1].cells] == ["1", "张三", "2", "1、2"]


def test_leaders_report_is_a_default_only_with_leaders(plan: Plan) -> None:
    assert "领导分工表" in [o.path for o in plan_outputs(plan)]
    without = plan_from_data({**PLAN, "items": [{**i, "leader": ""} for i in PLAN["items"]]}, "p")
    assert "领导分工表" not in [o.path for o in plan_outputs(without)]
    with pytest.raises(WorkplanError, match="计划中没有责任领导"):
        plan_outputs(without, ["leaders"])


def test_cli_leaders_report_on_a_plan_without_leaders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("title: 计划\nitems:\n  - {seq: 1, task: 甲, lead: [办公室], schedule: 全年}\n", encoding="utf-8")
    code = main(["build", str(path), "-o", str(tmp_path / "out"), "--reports", "leaders"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.strip().splitlines()[-1] == "计划中没有责任领导：领导分工表需要各项工作的 leader（导入时为“责任领导”“分管领导”等列）"
    assert not (tmp_path / "out" / "领导分工表.pdf").exists()


def test_progress_report_counts_per_leader(plan: Plan) -> None:
    entries = [
        {"seq": 1, "unit": "办公室", "quarter": 1, "year": 2026, "status": "已完成", "progress": "完成"},
        {"seq": 2, "unit": "财务处", "quarter": 1, "year": 2026, "status": "推进中", "progress": "推进"},
    ]
    progress = ProgressFile.model_validate({"plan": fingerprint(plan), "entries": entries})
    document = progress_document(plan, progress, dt.date(2026, 8, 1))
    blocks = [b for s in document.sections for b in s.blocks]
    at = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text.startswith("七、"))
    assert blocks[at].text == "七、各分管领导负责任务完成情况（项）"
    table = blocks[at + 1]
    assert isinstance(table, Table)
    # 分管领导, 负责任务, 已完成, 推进中, 未启动, 滞后, 未报送, 未到报送期, 逾期 (item 4 due 31 July, unreported)
    assert [[c.text for c in row] for row in table.rows] == [
        ["张三", "2", "1", "1", "0", "0", "0", "0", "0"],
        ["李四", "2", "0", "1", "0", "0", "1", "0", "1"],
        ["常务副县长 王五", "1", "0", "0", "0", "0", "1", "0", "1"],
    ]
    seed_like = plan_from_data({**PLAN, "items": [{**i, "leader": ""} for i in PLAN["items"]]}, "p")
    texts = [b.text for s in progress_document(seed_like, progress, dt.date(2026, 8, 1)).sections
             for b in s.blocks if isinstance(b, Paragraph)]
    assert not any(t.startswith("七、") for t in texts)


def test_diff_lists_a_changed_leader(plan: Plan) -> None:
    changed = plan_from_data({**PLAN, "items": [{**PLAN["items"][0], "leader": "赵六"}, *PLAN["items"][1:]]}, "p")
    (change,) = [c for c in diff_plans(plan, changed).items if c.kind == "changed"]
    assert [f.text for f in change.fields] == ["分管领导：“张三”调整为“赵六”"]
