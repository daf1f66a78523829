"""Plan revisions (issue 17 §7): `diff old new` matches tasks by content, not by 序号."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from docx import Document as DocxDocument

from workplan_docs.cli import main
from workplan_docs.model import Plan
from workplan_docs.revision import diff_plans

from .conftest import SAMPLE_PLAN, pdf_text, squash


def _revised(seed: Plan) -> dict[str, Any]:
    """The seed as an office revises it in June: a task inserted at 4 (so 4–9 move down one),
    old item 10 dropped, item 5 given a second lead unit and an earlier deadline, item 7 reworded."""
    data = seed.to_file_data()
    items = data["items"]
    items.insert(3, {"seq": 0, "task": "开展检测机构信用评价", "lead": ["监督司"], "schedule": "9月底前完成"})
    del items[10]  # old 序号 10
    items[5]["schedule"] = "9月底前完成"  # old 5: 全年
    items[5]["lead"] = [*items[5]["lead"], "办公室"]
    items[5]["lead_text"] = "、".join(items[5]["lead"])
    items[7]["task"] += "工作"  # old 7, reworded
    for number, item in enumerate(items, start=1):
        item["seq"] = number
    return data


@pytest.fixture(scope="module")
def revised(seed_plan: Plan) -> Plan:
    return Plan.model_validate(_revised(seed_plan))


def test_tasks_are_matched_by_content_not_by_number(seed_plan: Plan, revised: Plan) -> None:
    diff = diff_plans(seed_plan, revised)
    assert diff.summary() == "新增1项，删除1项，内容调整2项，序号变动6项"
    assert [(c.new.label if c.new else None) for c in diff.of_kind("added")] == ["4"]
    assert [c.old.label for c in diff.of_kind("removed")] == ["10"]  # type: ignore[union-attr]
    assert [(c.old.label, c.new.label) for c in diff.renumbered] == [  # type: ignore[union-attr]
        ("4", "5"), ("5", "6"), ("6", "7"), ("7", "8"), ("8", "9"), ("9", "10")
    ]
    # Items after the removed one are back at their old numbers: unchanged, not "changed".
    assert all(c.kind == "unchanged" for c in diff.items if c.old is not None and c.old.seq in range(11, 21))


def test_unit_and_deadline_changes_are_called_out(seed_plan: Plan, revised: Plan) -> None:
    changed = {c.new.label: c for c in diff_plans(seed_plan, revised).of_kind("changed")}  # type: ignore[union-attr]
    assert [f.text for f in changed["6"].fields] == [
        "牵头单位：增加办公室",
        "时间进度：“全年”调整为“9月底前完成”（完成时间由12月底调整为9月底）",
    ]
    assert [f.text for f in changed["8"].fields] == [
        "重要工作：“开展实验室技术能力培训”调整为“开展实验室技术能力培训工作”"
    ]


def test_identical_plans_have_no_changes(seed_plan: Plan) -> None:
    diff = diff_plans(seed_plan, seed_plan)
    assert not diff.has_changes
    assert diff.summary() == "新增0项，删除0项，内容调整0项，序号变动0项"


def test_a_task_rewritten_beyond_recognition_is_removed_and_added(seed_plan: Plan) -> None:
    data = seed_plan.to_file_data()
    data["items"][0]["task"] = "全新的任务名称"
    data["items"][0]["measures"] = "完全不同的措施内容"
    data["items"][0]["goal"] = "另一目标"
    diff = diff_plans(seed_plan, Plan.model_validate(data))
    assert (len(diff.of_kind("added")), len(diff.of_kind("removed"))) == (1, 1)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, seed_plan: Plan) -> Path:
    folder = tmp_path_factory.mktemp("revision")
    (folder / "new.yaml").write_text(yaml.safe_dump(_revised(seed_plan), allow_unicode=True, sort_keys=False), "utf-8")
    return folder


def test_cli_prints_the_changes_and_writes_every_format(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("docx", "xlsx", "pdf"):
        assert main(["diff", str(SAMPLE_PLAN), str(files / "new.yaml"), "-o", str(files / f"调整对照表.{fmt}")]) == 0
    out = capsys.readouterr().out
    assert "相比：新增1项，删除1项，内容调整2项，序号变动6项" in out
    assert "  删除  序号 10  “实验室开放”集中展示月" in out
    assert "序号变动：4→5，5→6，6→7，7→8，8→9，9→10" in out

    expected = ["牵头单位：增加办公室", "完成时间由12月底调整为9月底", "开展检测机构信用评价", "“实验室开放”集中展示月",
                "删除任务", "序号变动（6项）"]
    docx_text = "\n".join(c.text for t in DocxDocument(str(files / "调整对照表.docx")).tables for r in t.rows for c in r.cells)
    docx_text += "\n".join(p.text for p in DocxDocument(str(files / "调整对照表.docx")).paragraphs)
    sheet = openpyxl.load_workbook(files / "调整对照表.xlsx").active
    xlsx_text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    pdf = squash(pdf_text(files / "调整对照表.pdf", raw=True))
    for text in expected:
        assert squash(text) in squash(docx_text), text
        assert squash(text) in squash(xlsx_text), text
        assert squash(text) in pdf, text


def test_cli_json(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(SAMPLE_PLAN), str(files / "new.yaml"), "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert [(i["kind"], i["old_seq"], i["new_seq"]) for i in view["items"]][:2] == [("added", None, 4), ("renumbered", 4, 5)]
    lead = next(c for i in view["items"] for c in i["changes"] if c["field"] == "lead")
    assert (lead["added"], lead["removed"]) == (["办公室"], [])


def test_cli_refuses_to_overwrite_an_input(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(SAMPLE_PLAN), str(files / "new.yaml"), "-o", str(files / "x.txt")]) == 2
    assert "扩展名应为 .docx、.xlsx、.pdf" in capsys.readouterr().err
    # An office's plan is often its Word attachment: the table must not be replaced by the comparison.
    assert main(["build", str(SAMPLE_PLAN), "-o", str(files / "old"), "--reports", "attachment", "--formats", "docx"]) == 0
    attachment = files / "old" / "附件.docx"
    before = attachment.read_bytes()
    capsys.readouterr()
    assert main(["diff", str(attachment), str(files / "new.yaml"), "-o", str(files / "old" / "." / "附件.docx")]) == 2
    assert capsys.readouterr().err.strip().endswith("输出文件与输入的计划是同一个文件，未写入")
    assert attachment.read_bytes() == before
