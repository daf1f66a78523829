"""情况通报 (issue 17 §8): the progress written as a 公文 body, alone and as a notice's body.

A small plan worked by hand (as of 2026-06-30, the second quarter just ended):

| 序号 | schedule | due        | latest report       | status | overdue | owes Q1 | owes Q2 |
|------|----------|------------|---------------------|--------|---------|---------|---------|
| 1    | 3月完成   | 2026-03-31 | 办公室 Q1 已完成      | 已完成  |         |         |         |
| 2    | 全年      | 2026-12-31 | 财务处 Q2 推进中      | 推进中  |         | 财务处   |         |
| 3    | 5月底前   | 2026-05-31 | none                | 未报送  | yes     | 财务处   | 财务处   |
| 4    | 5-7月    | 2026-07-31 | 审计处 Q1 滞后        | 滞后    |         |         | 审计处   |

Four tasks: 已完成 1 (25%), 推进中 1 (25%), 滞后 1 (25%), 未报送 1 (25%), 逾期 1 (25%).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
import yaml

from workplan_docs.cli import main
from workplan_docs.errors import PlanError, WorkplanError
from workplan_docs.followup import save_progress
from workplan_docs.model import Plan
from workplan_docs.notice import notice_from_data
from workplan_docs.pipeline import build, plan_outputs
from workplan_docs.progress import ProgressFile, fingerprint
from workplan_docs.readers.plan_file import plan_from_data
from workplan_docs.reports.bulletin import share

from .conftest import SAMPLE_PLAN, libreoffice_pdf, pdf_text, squash

PLAN: dict[str, Any] = {
    "title": "县政府2026年重点工作安排",
    "year": 2026,
    "items": [
        {"seq": 1, "task": "甲任务。", "leader": "张三", "lead": ["办公室"], "schedule": "3月完成"},
        {"seq": 2, "task": "乙任务", "leader": "张三、李四", "lead": ["财务处"], "participants": ["办公室"],
         "schedule": "全年"},
        {"seq": 3, "task": "丙任务", "leader": "李四", "lead": ["财务处"], "schedule": "5月底前"},
        {"seq": 4, "task": "丁任务", "lead": ["审计处"], "schedule": "5-7月"},
    ],
}
AS_OF = dt.date(2026, 6, 30)
TITLE = "关于《县政府2026年重点工作安排》落实情况的通报"
SUMMARY = ("截至2026年6月30日，《县政府2026年重点工作安排》共4项工作，已完成1项（占25%），推进中1项（占25%），"
           "滞后1项（占25%），未报送1项（占25%）；逾期1项（占25%）。")
OVERDUE_LINE = "1.丙任务（序号3；牵头单位：财务处；应完成时间：2026年5月31日；完成状态：未报送）。"
OWING_LINES = ["1.财务处：2026年第一季度序号2“乙任务”、序号3“丙任务”；2026年第二季度序号3“丙任务”。",
               "2.审计处：2026年第二季度序号4“丁任务”。"]
NOTICE = yaml.safe_load(SAMPLE_PLAN.with_name("seed-notice.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def plan() -> Plan:
    return plan_from_data(PLAN, "plan.yaml")


@pytest.fixture(scope="module")
def progress(plan: Plan) -> ProgressFile:
    entries = [
        {"seq": 1, "unit": "办公室", "quarter": 1, "year": 2026, "status": "已完成", "progress": "已完成"},
        {"seq": 2, "unit": "财务处", "quarter": 2, "year": 2026, "status": "推进中", "progress": "推进中"},
        {"seq": 4, "unit": "审计处", "quarter": 1, "year": 2026, "status": "滞后", "progress": "滞后"},
    ]
    return ProgressFile.model_validate({"plan": fingerprint(plan), "entries": entries})


def _notice(**changes: Any) -> dict[str, Any]:
    data = {key: value for key, value in NOTICE.items() if key != "attachments"}
    return {**data, "body": "bulletin", "number": "县政办〔2026〕9号", "date": "2026年7月3日",
            "print_date": "2026年7月3日", "to": ["各乡镇人民政府", "县政府各部门"], **changes}


def test_shares_are_whole_per_cent_rounded_half_up() -> None:
    assert [share(1, 3), share(2, 3), share(1, 8), share(3, 8), share(0, 4), share(0, 0)] == [
        "33%", "67%", "13%", "38%", "0%", "0%"]


def test_the_bulletin_alone_reads_back_from_pdf_and_docx(plan: Plan, progress: ProgressFile, tmp_path: Path) -> None:
    paths = build(plan, tmp_path, reports=["bulletin"], progress_data=progress, as_of=AS_OF)
    assert sorted(p.name for p in paths) == ["情况通报.docx", "情况通报.pdf"]  # a 公文 body: no XLSX
    text = squash(pdf_text(tmp_path / "情况通报.pdf"))
    expected = [TITLE, SUMMARY, "一、逾期任务（1项）", OVERDUE_LINE, "二、未报送单位（2个）", *OWING_LINES,
                "三、各牵头单位完成情况（项）", "四、各责任领导负责任务完成情况（项）"]
    positions = [text.index(squash(part)) for part in expected]
    assert positions == sorted(positions)
    reader = pypdf.PdfReader(tmp_path / "情况通报.pdf")
    assert all(p.mediabox.height > p.mediabox.width for p in reader.pages)  # portrait
    document = docx.Document(str(tmp_path / "情况通报.docx"))
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert paragraphs[:2] == [TITLE, SUMMARY] or squash("".join(paragraphs[:2])).startswith(squash(TITLE))
    assert OVERDUE_LINE in paragraphs and set(OWING_LINES) <= set(paragraphs)
    units, leaders = ([[c.text for c in row.cells] for row in table.rows] for table in document.tables)
    assert units[0] == ["牵头单位", "牵头任务", "已完成", "推进中", "未启动", "滞后", "未报送", "未到报送期", "逾期"]
    assert units[1:] == [["办公室", "1", "1", "0", "0", "0", "0", "0", "0"], ["财务处", "2", "0", "1", "0", "0", "1", "0", "1"],
                         ["审计处", "1", "0", "0", "0", "1", "0", "0", "0"], ["合计（项）", "4", "1", "1", "0", "1", "1", "0", "1"]]
    assert leaders[1:] == [["张三", "2", "1", "1", "0", "0", "0", "0", "0"], ["李四", "2", "0", "1", "0", "0", "1", "0", "1"]]
    body = next(p for p in document.paragraphs if p.text == SUMMARY)
    assert body.paragraph_format.first_line_indent is not None  # the body's two-character indent


def test_nothing_to_say_is_left_out_and_the_parts_renumbered(plan: Plan, progress: ProgressFile, tmp_path: Path) -> None:
    from workplan_docs.layout import Paragraph
    from workplan_docs.reports.bulletin import bulletin_blocks

    early = [b.text for b in bulletin_blocks(plan, progress, dt.date(2026, 5, 15)) if isinstance(b, Paragraph)]
    # 15 May: nothing overdue yet; the first quarter's reports were owed by 财务处 (items 2, 3)
    assert early[0].endswith("；无逾期任务。")
    assert early[1] == "一、未报送单位（1个）"
    assert early[2] == "1.财务处：2026年第一季度序号2“乙任务”、序号3“丙任务”。"
    assert early[3] == "二、各牵头单位完成情况（项）"


def test_the_bulletin_needs_progress_data(plan: Plan) -> None:
    with pytest.raises(WorkplanError, match="情况通报需要进展数据"):
        plan_outputs(plan, ["bulletin"])
    assert "情况通报" not in [o.path for o in plan_outputs(plan)]


def test_a_notice_carries_the_bulletin_as_its_body(plan: Plan, progress: ProgressFile, tmp_path: Path) -> None:
    notice = notice_from_data(_notice(), "notice.yaml")
    notice.check_against(plan, "notice.yaml")
    assert notice.bulletin and notice.title_for(plan) == TITLE and notice.attachment_titles(plan) == []
    build(plan, tmp_path, reports=["notice"], notice=notice, progress_data=progress, as_of=AS_OF)
    reader = pypdf.PdfReader(tmp_path / "通知.pdf")
    pages = [squash(page.extract_text()) for page in reader.pages]
    text = "".join(pages)
    order = [squash(s) for s in ("县政办〔2026〕9号", TITLE, "各乡镇人民政府、县政府各部门：", SUMMARY, OVERDUE_LINE,
                                 OWING_LINES[-1], "国家质量监督检验检疫总局2026年7月3日")]  # then the 署名 and 成文日期
    assert [text.index(s) for s in order] == sorted(text.index(s) for s in order)
    assert "附件" not in text  # no 附件说明 and no attachment bound after it
    assert len(reader.pages) % 2 == 0 and "抄送" in pages[-1]  # the 版记 still on an even last page
    assert all(p.mediabox.height > p.mediabox.width for p in reader.pages)
    # the notice's own paragraphs (body) are not there: the bulletin is the body
    assert squash("为深入开展检测工作整顿活动") not in text


def test_a_bulletin_notice_may_still_bind_the_plan(plan: Plan, progress: ProgressFile, tmp_path: Path) -> None:
    notice = notice_from_data(_notice(attachments=[{"title": plan.title}]), "notice.yaml")
    build(plan, tmp_path, reports=["notice"], formats=["pdf"], notice=notice, progress_data=progress, as_of=AS_OF)
    text = squash(pdf_text(tmp_path / "通知.pdf"))
    assert squash(f"附件：{plan.title}") in text and text.count(squash(plan.title)) >= 3


@pytest.mark.slow
def test_libreoffice_renders_both_with_our_pages(plan: Plan, progress: ProgressFile, tmp_path: Path) -> None:
    notice = notice_from_data(_notice(), "notice.yaml")
    build(plan, tmp_path, reports=["bulletin", "notice"], notice=notice, progress_data=progress, as_of=AS_OF)
    for name in ("情况通报", "通知"):
        ours = pypdf.PdfReader(tmp_path / f"{name}.pdf")
        theirs = pypdf.PdfReader(libreoffice_pdf(tmp_path / f"{name}.docx", tmp_path))
        # the same pages, the blank one before the 版记 included
        printed = [squash(p.extract_text())[:20] for p in ours.pages]
        assert [squash(p.extract_text())[:20].replace(" ", "") for p in theirs.pages] == printed, name
        text = squash("".join(page.extract_text() for page in theirs.pages))
        assert squash(SUMMARY) in text and squash(OVERDUE_LINE) in text and squash(OWING_LINES[-1]) in text


def test_cli_bulletin_and_its_errors(plan: Plan, progress: ProgressFile, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    plan_path, progress_path, notice_path = tmp_path / "plan.yaml", tmp_path / "progress.yaml", tmp_path / "notice.yaml"
    plan_path.write_text(yaml.safe_dump(PLAN, allow_unicode=True), encoding="utf-8")
    save_progress(progress, progress_path)
    notice_path.write_text(yaml.safe_dump(_notice(), allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    args = ["build", str(plan_path), "-o", str(out), "--progress", str(progress_path), "--as-of", "2026-06-30"]
    assert main([*args, "--reports", "bulletin"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["情况通报.docx", "情况通报.pdf"]
    assert main([*args, "--reports", "notice", "--notice", str(notice_path)]) == 0
    capsys.readouterr()
    assert main(["build", str(plan_path), "-o", str(tmp_path / "o2"), "--reports", "notice", "--notice",
                 str(notice_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == ("通知正文为情况通报（body: bulletin），需要进展数据：请用 --progress 指定由 collect 生成的 progress.yaml，"
                       "并用 --as-of 指定统计日期")
    assert not (tmp_path / "o2").exists()


def test_a_body_that_is_neither_paragraphs_nor_bulletin(plan: Plan) -> None:
    with pytest.raises(PlanError) as caught:
        notice_from_data(_notice(body="通报"), "notice.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "notice.yaml: body: 应为段落列表（每段以“- ”开头），或写 bulletin 以情况通报为正文"]
    with pytest.raises(PlanError) as caught:
        notice_from_data(_notice(body=[]), "notice.yaml")
    assert [str(p) for p in caught.value.problems] == ["notice.yaml: body: 不能为空"]
