"""Quarterly follow-up on the seed: forms out, filled forms (good and bad) back, progress report out.

Expectations were read off samples/seed-plan.yaml by hand: who leads what, which
tasks run in which quarter, and when each falls due (item 1 "4月" → end of April,
items 3/4 "5-7月" and item 16 "7月完成" → end of July, item 10 "5月、9月" → end of
September, whole-year tasks → end of December).  Forms are read back with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from workplan_docs.pipeline import build, plan_outputs
from workplan_docs.cli import main
from workplan_docs.cycles import Period
from workplan_docs.errors import PlanError, WorkplanError
from workplan_docs.feedback.collect import Collected, collect
from workplan_docs.feedback.forms import (
    COLUMN_OF, FIRST_ROW, FORM_SHEET, META_SHEET, SIGNOFF, feedback_forms, forms_for,
)
from workplan_docs.layout import Document, Paragraph, Table
from workplan_docs.model import Plan
from workplan_docs.progress import ProgressFile, dump_progress, fingerprint, load_progress, new_progress
from workplan_docs.reports.progress import progress_document

from .conftest import SAMPLE_PLAN

# Lead unit → 序号 of its lead tasks under way or due, per quarter (read off the seed).
KJS_ALL = ["5", "6", "7", "9", "10", "12", "13", "16", "19", "20"]
Q2_FORMS = {
    "监督司": ["1", "17"],
    "认监委": ["2", "8", "11"],
    "计量司": ["3", "4"],
    "执法司": ["12"],
    "科技司": KJS_ALL,
    "法规司": ["14", "15", "18"],
}
Q3_FORMS = {**Q2_FORMS, "监督司": ["17"]}  # item 1 ("4月") is over by the third quarter
Q4_FORMS = {**Q3_FORMS, "计量司": None, "科技司": [s for s in KJS_ALL if s not in ("10", "16")]}
STATUS_LIST = '"未启动,推进中,已完成,滞后"'
def Q(number: int) -> Period:  # noqa: N802 - reads as the quarter it names
    return Period("quarter", number)


SIGNED = {"reporter": "张三", "phone": "010-82260000", "approver": "李四", "date": "2010-07-05"}


def write_forms(plan: Plan, folder: Path, quarter: int) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for form, (name, data) in zip(forms_for(plan, Q(quarter)), feedback_forms(plan, Q(quarter))):
        (folder / name).write_bytes(data)
        paths[form.unit] = folder / name
    return paths


def fill(
    source: Path,
    target: Path,
    answers: dict[str, str] | None = None,
    edit: Callable[[Worksheet], None] | None = None,
) -> Path:
    """Fill a form as a unit would: 完成状态 from ``answers`` (default 推进中), 进展情况 always,
    and the sign-off under the table."""
    workbook = load_workbook(source)
    sheet = workbook[FORM_SHEET]
    row = FIRST_ROW
    while sheet.cell(row, 1).value not in (None, ""):
        seq = str(sheet.cell(row, 1).value)
        sheet.cell(row, COLUMN_OF["status"]).value = (answers or {}).get(seq, "推进中")
        sheet.cell(row, COLUMN_OF["progress"]).value = f"序号{seq}按计划推进"
        row += 1
    for key, _, below, _, column in SIGNOFF:
        sheet.cell(row - 1 + below, column).value = SIGNED[key]
    if edit:
        edit(sheet)
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


def other_plan(seed_plan: Plan) -> Plan:
    data = seed_plan.to_file_data()
    data["items"][19]["task"] += "（修订）"
    return Plan.model_validate(data)


@pytest.fixture(scope="module")
def returned(seed_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Good forms for 监督司, 认监委, 执法司, 科技司 (item 5 已完成), and one bad form per kind of mistake."""
    root = tmp_path_factory.mktemp("feedback")
    q2 = write_forms(seed_plan, root / "q2", 2)
    q3 = write_forms(seed_plan, root / "q3", 3)
    foreign = write_forms(other_plan(seed_plan), root / "other", 2)
    back = root / "back"

    def cell(row: int, column: int, value: str | None) -> Callable[[Worksheet], None]:
        return lambda sheet: setattr(sheet.cell(row, column), "value", value)

    def add_row(sheet: Worksheet) -> None:
        sheet.cell(8, 1).value, sheet.cell(8, 2).value = 5, "进行技术机构核查验收"

    good = {unit: fill(q2[unit], back / f"good-{unit}.xlsx", {"5": "已完成"}) for unit in ("监督司", "认监委", "执法司", "科技司")}
    junk = back / "junk.xlsx"
    junk.write_bytes(b"this is not a workbook")
    bad = {
        "wrong_unit": fill(q2["计量司"], back / "bad-wrong-unit.xlsx", edit=cell(3, 1, "填报单位：科技司（牵头任务 2 项）")),
        "row_added": fill(q2["法规司"], back / "bad-row-added.xlsx", edit=add_row),
        "row_deleted": fill(q2["认监委"], back / "bad-row-deleted.xlsx", edit=lambda s: s.delete_rows(6)),
        "task_edited": fill(q2["监督司"], back / "bad-task-edited.xlsx", edit=cell(5, 2, "开展委托检验调研（已调整）")),
        "other_quarter": fill(q3["计量司"], back / "bad-other-quarter.xlsx"),
        "other_plan": fill(foreign["科技司"], back / "bad-other-plan.xlsx"),
        "status": fill(q2["执法司"], back / "bad-status.xlsx", edit=cell(5, 5, "完成了")),
        "empty": fill(q2["科技司"], back / "bad-empty.xlsx", edit=cell(7, 4, None)),
        "junk": junk,
    }
    return {**{f"good_{u}": p for u, p in good.items()}, **bad, "q2_folder": root / "q2", "q3_folder": root / "q3"}


@pytest.fixture(scope="module")
def collected(seed_plan: Plan, returned: dict[str, Path]) -> Collected:
    paths = [p for k, p in returned.items() if not k.endswith("folder")]
    return collect(seed_plan, paths, new_progress(seed_plan), period=Q(2))


# ---- forms ----


@pytest.mark.parametrize("quarter, expected", [(2, Q2_FORMS), (3, Q3_FORMS), (4, Q4_FORMS)])
def test_one_form_per_lead_unit_with_tasks_in_the_quarter(seed_plan: Plan, quarter: int, expected: dict) -> None:
    forms = {f.unit: [i.label for i in f.items] for f in forms_for(seed_plan, Q(quarter))}
    assert forms == {unit: seqs for unit, seqs in expected.items() if seqs}


def test_form_is_protected_with_a_status_list_and_hidden_identifiers(seed_plan: Plan, tmp_path: Path, fixed_date) -> None:
    path = write_forms(seed_plan, tmp_path, 2)["科技司"]
    assert path.name == "科技司_第二季度进展反馈表.xlsx"
    workbook = load_workbook(path)
    assert workbook.security.lockStructure
    sheet, meta = workbook[FORM_SHEET], workbook[META_SHEET]
    assert sheet.protection.sheet and meta.protection.sheet
    assert meta.sheet_state == "veryHidden"
    rows = [[c.value for c in row] for row in meta.iter_rows(max_col=2)]
    assert dict(rows[1:7]) == {"plan": fingerprint(seed_plan), "version": None, "unit": "科技司", "period": "quarter",
                               "index": "2", "year": None}
    assert [r[0] for r in rows[8:]] == KJS_ALL and all(len(r[1]) == 12 for r in rows[8:])
    assert [sheet.cell(4, c).value for c in range(1, 10)] == [
        "序号", "重要工作", "时间进度", "进展情况", "完成状态", "完成比例（%）", "存在问题", "下步计划", "佐证材料"]
    assert sheet.cell(1, 1).value == "第二季度重点工作进展情况反馈表"
    assert [sheet.cell(r, 1).value for r in range(5, 15)] == KJS_ALL
    assert sheet.cell(12, 3).value == "7月\n完成"  # item 16, verbatim
    for row in range(5, 15):
        assert all(sheet.cell(row, c).protection.locked for c in (1, 2, 3))
        assert not any(sheet.cell(row, c).protection.locked for c in range(4, 10))
    assert sheet.cell(15, 4).protection.locked  # below the rows nothing is open but the sign-off
    # the sign-off: two rows under the table, a label and an open cell for each field
    assert [(sheet.cell(r, c).value, sheet.cell(r, c + 2).protection.locked) for r in (16, 17) for c in (1, 5)] == [
        ("填报人：", False), ("联系电话：", False), ("审核人（单位负责人）：", False), ("填报日期：", False)]
    status, percent = sheet.data_validations.dataValidation
    assert status.type == "list" and status.formula1 == STATUS_LIST
    assert str(status.sqref) == "E5:E14"
    assert (percent.type, percent.formula1, percent.formula2, str(percent.sqref)) == ("whole", "0", "100", "F5:F14")
    assert feedback_forms(seed_plan, Q(2))[4][1] == path.read_bytes()  # same plan, same bytes
    with zipfile.ZipFile(path) as package:
        assert "<Application>workplan-docs</Application>" in package.read("docProps/app.xml").decode()
        assert "fullCalcOnLoad" not in package.read("xl/workbook.xml").decode()  # Excel does not ask to save


def test_text_that_looks_like_a_formula_stays_text(seed_plan: Plan, tmp_path: Path) -> None:
    data = seed_plan.to_file_data()
    data["items"][0]["task"] = "=HYPERLINK(\"http://x\")"
    plan = Plan.model_validate(data)
    sheet = load_workbook(write_forms(plan, tmp_path, 2)["监督司"])[FORM_SHEET]
    assert sheet.cell(5, 2).data_type == "s" and sheet.cell(5, 2).value == data["items"][0]["task"]


# ---- collect ----


def problems_of(collected: Collected, path: Path) -> list[str]:
    found = [r for r in collected.rejected if r.source == str(path)]
    assert found, f"{path.name} was not rejected"
    return [str(p) for p in found[0].problems]


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("wrong_unit", "第 3 行: A 列: 填报单位与反馈表标识不符：此表下发给“计量司”"),
        ("row_added", "第 8 行: A 列（序号）: 序号 5 由科技司牵头，不是法规司的任务（多出的行）"),
        ("row_deleted", "序号 8: 缺少此项工作的行（行被删除？）"),
        ("task_edited", "第 5 行: B 列（重要工作）: 重要工作与计划不一致，不得修改（计划中为“开展检验机构委托检验工作调研”）"),
        ("other_quarter", "此表是第三季度的反馈表，本次收集的是第二季度"),
        ("other_plan", "第 14 行: B 列（重要工作）: 序号 20“完善《重点产业产品质量检测体系建设规划》…”在当前计划中已找不到"),
        ("status", "第 5 行: E 列（完成状态）: “完成了”不在可选范围内，请从下拉列表中选择：未启动、推进中、已完成、滞后"),
        ("empty", "第 7 行: D 列（进展情况）: 必填项，不能为空"),
        ("junk", "不是 XLSX 文件（可能是旧版 .xls、改了扩展名的其他文件，或文件已损坏）"),
    ],
)
def test_every_bad_form_is_reported_by_file_row_and_column(
    collected: Collected, returned: dict[str, Path], kind: str, expected: str
) -> None:
    problems = problems_of(collected, returned[kind])
    assert any(p.startswith(f"{returned[kind]}: ") and expected in p for p in problems), problems


def test_only_good_forms_are_merged(collected: Collected, returned: dict[str, Path]) -> None:
    assert sorted(Path(r.source).name for r in collected.taken) == [
        "good-执法司.xlsx", "good-监督司.xlsx", "good-科技司.xlsx", "good-认监委.xlsx"
    ]
    assert len(collected.rejected) == 9
    entries = collected.progress.entries
    assert {e.form for e in entries} == {p.name for k, p in returned.items() if k.startswith("good_")}
    expected = {(s, u) for u in ("监督司", "认监委", "执法司", "科技司") for s in Q2_FORMS[u]}
    assert {(e.label, e.unit) for e in entries} == expected
    assert {e.label: e.status for e in entries if e.label in ("5", "6")} == {"5": "已完成", "6": "推进中"}
    assert all(e.quarter == 2 and e.year is None for e in entries)


def test_progress_file_round_trips_and_is_checked(collected: Collected, seed_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "progress.yaml"
    path.write_text(dump_progress(collected.progress), encoding="utf-8")
    assert load_progress(path) == collected.progress
    path.write_text(dump_progress(collected.progress).replace("status: 推进中", "status: 差不多", 1), encoding="utf-8")
    with pytest.raises(PlanError) as error:
        load_progress(path)
    assert f"{path}: 第 1 条: status: 应为以下之一：未启动、推进中、已完成、滞后" in str(error.value)


def test_later_reports_replace_earlier_ones_only_with_replace(
    seed_plan: Plan, collected: Collected, returned: dict[str, Path], tmp_path: Path
) -> None:
    base = collected.progress
    same = collect(seed_plan, [returned["good_科技司"]], base)
    assert not same.changed and len(same.unchanged) == 1 and same.progress == base

    revised = fill(returned["q2_folder"] / "科技司_第二季度进展反馈表.xlsx", tmp_path / "revised.xlsx", {"5": "滞后"})
    refused = collect(seed_plan, [revised], base)
    (problem,) = refused.rejected[0].problems
    assert str(problem).startswith(f"{revised}: 第 5 行: 序号 5 在第二季度已有科技司的报送（good-科技司.xlsx），内容不同")
    assert refused.progress == base

    replaced = collect(seed_plan, [revised], base, replace=True)
    assert replaced.replaced == 1 and not replaced.rejected  # the other nine rows are unchanged
    assert next(e for e in replaced.progress.entries if e.label == "5").status == "滞后"

    q3 = fill(returned["q3_folder"] / "科技司_第三季度进展反馈表.xlsx", tmp_path / "q3.xlsx", {"5": "已完成"})
    later = collect(seed_plan, [q3], base)  # another quarter: added beside, not a conflict
    assert len(later.progress.entries) == len(base.entries) + 10 and later.replaced == 0


# ---- the progress report ----


def block_after(document: Document, heading: str) -> Table | Paragraph:
    blocks = [b for s in document.sections for b in s.blocks]
    index = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text.startswith(heading))
    return blocks[index + 1]


def rows(table: Table | Paragraph) -> list[list[str]]:
    assert isinstance(table, Table)
    return [[c.text for c in row] for row in table.rows]


@pytest.mark.parametrize(
    "as_of, overdue", [(dt.date(2010, 7, 15), ["1"]), (dt.date(2010, 8, 1), ["1", "3", "4", "16"]),
                       (dt.date(2010, 10, 1), ["1", "3", "4", "10", "16"])],
)
def test_overdue_list_as_of_a_date(seed_plan: Plan, collected: Collected, as_of: dt.date, overdue: list[str]) -> None:
    document = progress_document(seed_plan, collected.progress, as_of)
    assert [r[0] for r in rows(block_after(document, "一、逾期任务"))] == overdue
    assert rows(block_after(document, "一、逾期任务"))[0][4:6] == ["2010年4月30日", "推进中（逾期）"]


def test_counts_per_unit_and_quarter(seed_plan: Plan, collected: Collected) -> None:
    document = progress_document(seed_plan, collected.progress, dt.date(2010, 7, 15))
    summary = [b.text for b in document.sections[0].blocks if isinstance(b, Paragraph)][2]
    assert summary == "截至2010年7月15日，共20项工作：已完成1项，推进中14项，未启动0项，滞后0项，未报送5项，未到报送期0项；其中逾期1项。"
    # 牵头单位, 牵头任务, 已完成, 推进中, 未启动, 滞后, 未报送, 逾期
    units = {r[0]: r[1:] for r in rows(block_after(document, "二、各牵头单位完成情况"))}
    assert units["科技司"] == ["10", "1", "9", "0", "0", "0", "0", "0"]
    assert units["计量司"] == ["2", "0", "0", "0", "0", "2", "0", "0"]
    assert units["监督司"] == ["2", "0", "2", "0", "0", "0", "0", "1"]
    assert units["合计（项）"] == ["20", "1", "14", "0", "0", "5", "0", "1"]
    # 季度, 应报, 已报, 已完成, 推进中, 未启动, 滞后, 未报送 (item 12 is reported by both its leads)
    assert rows(block_after(document, "三、各期报送情况")) == [
        ["第一季度", "17", "0", "0", "0", "0", "0", "17"],  # ended on 31 March, and nothing came in for it
        ["第二季度", "21", "16", "1", "15", "0", "0", "5"]]
    tasks = {r[0]: r for r in rows(document.sections[1].blocks[2])}
    assert tasks["3"][4] == "未报送" and tasks["14"][4] == "未报送"
    assert tasks["12"][6] == "科技司：序号12按计划推进\n执法司：序号12按计划推进"
    notes = [b.text for b in document.sections[1].blocks if isinstance(b, Paragraph)]
    assert "未报送任务5项：3、4、14、15、18。" in notes
    count_cells = [c for r in block_after(document, "二、各牵头单位完成情况").rows for c in r[1:]]
    assert count_cells and all(c.number for c in count_cells)


def test_progress_report_is_not_a_default_and_needs_data(seed_plan: Plan, collected: Collected) -> None:
    assert "工作进展报告" not in [o.path for o in plan_outputs(seed_plan)]
    with pytest.raises(WorkplanError, match="请用 --progress 指定"):
        plan_outputs(seed_plan, ["progress"])
    with_data = plan_outputs(seed_plan, progress=collected.progress, as_of=dt.date(2010, 7, 15))
    assert [o.path for o in with_data][-2:] == ["工作进展报告", "情况通报"]
    with pytest.raises(PlanError, match="进展数据: 序号 20: 此任务在当前计划中已找不到"):
        plan_outputs(other_plan(seed_plan), ["progress"], progress=collected.progress)


def test_progress_report_renders_to_xlsx(seed_plan: Plan, collected: Collected, tmp_path: Path) -> None:
    (path,) = build(seed_plan, tmp_path, reports=["progress"], formats=["xlsx"],
                    progress_data=collected.progress, as_of=dt.date(2010, 8, 1))
    workbook = load_workbook(path)
    texts = {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "推进中（逾期）" in texts and "未报送（逾期）" in texts and "2010年7月31日" in texts
    assert any(t.startswith("截至2010年8月1日，共20项工作") for t in texts)


# ---- tasks carried over from earlier quarters ----


def reported(plan: Plan, quarter: int, statuses: dict[tuple[str, str], str]) -> ProgressFile:
    """Progress data holding one report per (序号, unit) of ``statuses``, for ``quarter``."""
    entries = [{"seq": seq, "unit": unit, "quarter": quarter, "status": status, "progress": "已报"}
               for (seq, unit), status in statuses.items()]
    return ProgressFile.model_validate({"plan": fingerprint(plan), "entries": entries})


@pytest.mark.parametrize("status, carried", [("推进中", True), ("滞后", True), ("已完成", False)])
def test_an_unfinished_task_of_an_earlier_quarter_is_carried_over(
    seed_plan: Plan, status: str, carried: bool
) -> None:
    progress = reported(seed_plan, 2, {("1", "监督司"): status})  # item 1 "4月" ended in the second quarter
    forms = {f.unit: f for f in forms_for(seed_plan, Q(3), progress=progress)}
    assert [i.label for i in forms["监督司"].items] == (["1", "17"] if carried else ["17"])
    assert forms["监督司"].carried == ({"1"} if carried else set())
    others = {u: [i.label for i in f.items] for u, f in forms.items() if u != "监督司"}
    assert others == {u: seqs for u, seqs in Q3_FORMS.items() if u != "监督司"}


def test_a_task_never_reported_on_is_carried_over_and_can_bring_a_unit_back(seed_plan: Plan) -> None:
    progress = reported(seed_plan, 3, {("3", "计量司"): "已完成"})  # item 4 (5-7月) never reported
    forms = {f.unit: f for f in forms_for(seed_plan, Q(4), progress=progress)}
    assert [i.label for i in forms["计量司"].items] == ["4"] and forms["计量司"].carried == {"4"}
    assert forms["监督司"].carried == {"1"} and forms["科技司"].carried == {"10", "16"}
    assert {f.unit for f in forms_for(seed_plan, Q(4))} == {u for u, seqs in Q4_FORMS.items() if seqs}  # without data


def test_carried_rows_are_marked_collected_and_checked(seed_plan: Plan, tmp_path: Path) -> None:
    progress = reported(seed_plan, 2, {("1", "监督司"): "推进中"})
    form = next(f for f in forms_for(seed_plan, Q(3), progress=progress) if f.unit == "监督司")
    name, data = next((n, d) for n, d in feedback_forms(seed_plan, Q(3), progress=progress) if n.startswith("监督司"))
    (tmp_path / name).write_bytes(data)
    sheet = load_workbook(tmp_path / name)[FORM_SHEET]
    assert sheet.cell(3, 1).value == "填报单位：监督司（牵头任务 2 项，含往期未完成 1 项）"
    assert [sheet.cell(5, c).value for c in (1, 3)] == ["1", "4月\n往期未完成"]
    assert sheet.cell(6, 3).value == next(i.schedule for i in form.items if i.label == "17")
    good = fill(tmp_path / name, tmp_path / "back" / "good.xlsx", {"1": "已完成"})

    def mark_carried(seq_row: int) -> Callable[[Path, Path], Path]:
        def tamper(source: Path, target: Path) -> Path:
            workbook = load_workbook(fill(source, target))
            workbook[META_SHEET].cell(seq_row, 3).value = "1"
            workbook.save(target)
            return target
        return tamper

    current_marked = mark_carried(10)(tmp_path / name, tmp_path / "back" / "current-marked.xlsx")  # item 17's row
    result = collect(seed_plan, [good, current_marked], progress, period=Q(3))
    assert [(e.label, e.unit, e.quarter, e.status) for e in result.progress.entries if e.quarter == 3] == [
        ("1", "监督司", 3, "已完成"), ("17", "监督司", 3, "推进中")]
    assert problems_of(result, current_marked) == [
        f"{current_marked}: 隐藏标识中的往期未完成任务（序号 17）不是监督司此前到期的任务（反馈表被改动过），请使用下发的反馈表填写"]
    assert not [f for f in forms_for(seed_plan, Q(4), progress=result.progress) if "1" in f.carried]


def test_forms_of_the_first_format_are_still_collected(seed_plan: Plan, tmp_path: Path) -> None:
    path = write_forms(seed_plan, tmp_path, 2)["执法司"]
    workbook = load_workbook(path)
    meta = workbook[META_SHEET]
    meta.cell(1, 2).value = "workplan-docs feedback 1"
    meta.delete_cols(3)
    sheet = workbook[FORM_SHEET]  # the first format had neither 完成比例 nor 佐证材料
    sheet.delete_cols(9)
    sheet.delete_cols(6)
    workbook.save(path)
    result = collect(seed_plan, [fill(path, tmp_path / "back.xlsx")], new_progress(seed_plan), period=Q(2))
    assert not result.rejected and [e.label for e in result.progress.entries] == ["12"]


def test_cli_feedback_with_progress_carries_unfinished_tasks(
    seed_plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    progress = tmp_path / "progress.yaml"
    progress.write_text(dump_progress(reported(seed_plan, 2, {("1", "监督司"): "滞后"})), encoding="utf-8")
    assert main(["feedback", str(SAMPLE_PLAN), "-o", str(tmp_path / "q3"), "--quarter", "3",
                 "--progress", str(progress)]) == 0
    out = capsys.readouterr().out
    assert "  监督司_第三季度进展反馈表.xlsx（2 项，含往期未完成 1 项）" in out and "未指定 --progress" not in out
    assert main(["feedback", str(SAMPLE_PLAN), "-o", str(tmp_path / "plain"), "--quarter", "3"]) == 0
    out = capsys.readouterr().out
    assert "  监督司_第三季度进展反馈表.xlsx（1 项）" in out and "未指定 --progress" in out


# ---- the command line, end to end ----


def test_cli_feedback_collect_build(seed_plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feedback", str(SAMPLE_PLAN), "-o", str(tmp_path / "forms"), "--quarter", "2"]) == 0
    forms = sorted((tmp_path / "forms").glob("*.xlsx"))
    assert len(forms) == 6
    back = tmp_path / "back"
    for form in forms:
        fill(form, back / form.name, {"1": "已完成"})
    shutil.copy(forms[0], back / "未填写.xlsx")  # an unfilled form: every required cell empty
    progress = tmp_path / "progress.yaml"
    capsys.readouterr()
    assert main(["collect", str(SAMPLE_PLAN), str(back), "-o", str(progress)]) == 2
    out, err = capsys.readouterr()
    assert out.count("已收录") == 6 and "共 21 条报送" in out
    assert "未填写.xlsx: 第 5 行: D 列（进展情况）: 必填项，不能为空" in err and "未收录 1 份反馈表" in err
    assert len(load_progress(progress).entries) == 21
    assert main(["build", str(SAMPLE_PLAN), "--progress", str(progress), "-o", str(tmp_path / "out"),
                 "--reports", "progress", "--formats", "xlsx", "--as-of", "2010-07-15"]) == 0
    assert (tmp_path / "out" / "工作进展报告.xlsx").is_file()
    capsys.readouterr()
    assert main(["build", str(SAMPLE_PLAN), "-o", str(tmp_path / "out2"), "--reports", "progress"]) == 2
    assert "请用 --progress 指定" in capsys.readouterr().err and not (tmp_path / "out2").exists()
    assert main(["schema", "--progress"]) == 0
    assert '"status"' in capsys.readouterr().out


def test_progress_file_of_another_plan_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "progress.yaml"
    path.write_text(dump_progress(ProgressFile(plan="0" * 16)), encoding="utf-8")
    assert main(["collect", str(SAMPLE_PLAN), str(tmp_path), "-o", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"{path}: 进展数据不属于此计划")


# ---- the same from Python (the public API) ----


def test_follow_up_from_python(seed_plan: Plan, tmp_path: Path) -> None:
    import workplan_docs

    forms = workplan_docs.write_feedback_forms(SAMPLE_PLAN, tmp_path / "q2", 2)
    assert [p.name.split("_")[0] for p in forms] == list(Q2_FORMS)
    back = [fill(p, tmp_path / "back" / p.name, {"1": "滞后"}) for p in forms]
    result = workplan_docs.collect_feedback(seed_plan, [tmp_path / "back"], quarter=2)
    assert not result.rejected and len(result.taken) == 6
    saved = workplan_docs.save_progress(result.progress, tmp_path / "progress.yaml")
    assert workplan_docs.load_progress(saved) == result.progress
    again = workplan_docs.collect_feedback(seed_plan, back, progress=saved)
    assert len(again.unchanged) == 6 and not again.taken  # collecting twice changes nothing
    q3 = workplan_docs.write_feedback_forms(seed_plan, tmp_path / "q3", 3, progress=saved)
    sheet = load_workbook(next(p for p in q3 if p.name.startswith("监督司")))[FORM_SHEET]
    assert [sheet.cell(r, 1).value for r in (5, 6)] == ["1", "17"]
    with pytest.raises(PlanError, match="序号 20: 此任务在当前计划中已找不到"):
        workplan_docs.write_feedback_forms(other_plan(seed_plan), tmp_path / "x", 3, progress=saved)
    with pytest.raises(WorkplanError, match="没有找到反馈表文件"):
        workplan_docs.collect_feedback(seed_plan, [tmp_path / "empty-*.xlsx"])
    assert not (tmp_path / "x").exists()


# ---- 完成比例, 佐证材料, the sign-off and the printed page ----


def answer(row: int, key: str, value: object) -> Callable[[Worksheet], None]:
    return lambda sheet: setattr(sheet.cell(row, COLUMN_OF[key]), "value", value)


def test_percent_evidence_and_sign_off_are_collected(seed_plan: Plan, tmp_path: Path) -> None:
    path = write_forms(seed_plan, tmp_path / "sent", 2)["认监委"]  # rows 5-7: items 2, 8, 11

    def answers(sheet: Worksheet) -> None:
        sheet.cell(5, COLUMN_OF["percent"]).value = 60  # a number, as Excel stores it
        sheet.cell(6, COLUMN_OF["percent"]).value = "35%"  # typed as text
        sheet.cell(5, COLUMN_OF["evidence"]).value = "认证机构名单.pdf；座谈会纪要"
        sheet.cell(10, 7).value = dt.datetime(2010, 7, 6)  # 填报日期 typed as a date

    filled = fill(path, tmp_path / "back.xlsx", edit=answers)
    result = collect(seed_plan, [filled], new_progress(seed_plan))
    assert not result.rejected
    entries = {e.label: e for e in result.progress.entries}
    assert [entries[s].percent for s in ("2", "8", "11")] == [60, 35, None]
    assert entries["2"].evidence == "认证机构名单.pdf；座谈会纪要" and entries["8"].evidence == ""
    assert {(e.reporter, e.phone, e.approver, e.filled_on) for e in entries.values()} == {
        ("张三", "010-82260000", "李四", dt.date(2010, 7, 6))}


@pytest.mark.parametrize("value, expected", [
    (120, "第 6 行: F 列（完成比例（%））: “120”应为 0 到 100 的整数（不带%，可不填）"),
    ("约六成", "第 6 行: F 列（完成比例（%））: “约六成”应为 0 到 100 的整数（不带%，可不填）"),
    (62.5, "第 6 行: F 列（完成比例（%））: “62.5”应为 0 到 100 的整数（不带%，可不填）"),
    (-5, "第 6 行: F 列（完成比例（%））: “-5”应为 0 到 100 的整数（不带%，可不填）"),
])
def test_bad_percent_names_file_row_and_column(seed_plan: Plan, tmp_path: Path, value: object, expected: str) -> None:
    path = write_forms(seed_plan, tmp_path / "sent", 2)["认监委"]
    filled = fill(path, tmp_path / "back.xlsx", edit=answer(6, "percent", value))
    result = collect(seed_plan, [filled], new_progress(seed_plan))
    assert problems_of(result, filled) == [f"{filled}: {expected}"]


@pytest.mark.parametrize("row, column, value, expected", [
    (9, 3, None, "第 9 行: C 列（填报人）: 必填项，不能为空"),
    (10, 3, " ", "第 10 行: C 列（审核人（单位负责人））: 必填项，不能为空"),
    (10, 7, "七月五日", "第 10 行: G 列（填报日期）: 填报日期“七月五日”应写作 YYYY-MM-DD 或 2010年7月5日"),
    (10, 7, "2010-02-30", "第 10 行: G 列（填报日期）: 填报日期“2010-02-30”应写作 YYYY-MM-DD 或 2010年7月5日"),
])
def test_sign_off_is_required(seed_plan: Plan, tmp_path: Path, row: int, column: int, value: object, expected: str) -> None:
    path = write_forms(seed_plan, tmp_path / "sent", 2)["认监委"]  # three rows: the sign-off on rows 9 and 10
    filled = fill(path, tmp_path / "back.xlsx", edit=lambda sheet: setattr(sheet.cell(row, column), "value", value))
    result = collect(seed_plan, [filled], new_progress(seed_plan))
    assert problems_of(result, filled) == [f"{filled}: {expected}"]


def test_which_sign_off_fields_are_required_is_a_choice(
    seed_plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_forms(seed_plan, tmp_path / "sent", 2)["认监委"]

    def unsigned(sheet: Worksheet) -> None:
        for r, c in ((9, 7), (10, 3)):  # no 联系电话, no 审核人
            sheet.cell(r, c).value = None

    filled = fill(path, tmp_path / "back" / "认监委.xlsx", edit=unsigned)
    progress = tmp_path / "progress.yaml"
    assert main(["collect", str(SAMPLE_PLAN), str(filled), "-o", str(progress)]) == 2
    assert capsys.readouterr().err.splitlines()[:2] == [
        f"{filled}: 第 9 行: G 列（联系电话）: 必填项，不能为空",
        f"{filled}: 第 10 行: C 列（审核人（单位负责人））: 必填项，不能为空"]
    assert not progress.exists()
    assert main(["collect", str(SAMPLE_PLAN), str(filled), "-o", str(progress), "--require", "填报人,填报日期"]) == 0
    assert [e.phone for e in load_progress(progress).entries] == ["", "", ""]
    with pytest.raises(SystemExit) as exit_:
        main(["collect", str(SAMPLE_PLAN), str(filled), "-o", str(progress), "--require", "填报人,签发人"])
    assert exit_.value.code == 2
    assert "“签发人”不是反馈表的填报信息项，应为 填报人、联系电话、审核人、填报日期（逗号分隔）或 无" in capsys.readouterr().err
    again = workplan_docs_collect(seed_plan, filled, required=())
    assert not again.rejected


def workplan_docs_collect(plan: Plan, path: Path, **options: object) -> Collected:
    import workplan_docs

    return workplan_docs.collect_feedback(plan, [path], **options)  # type: ignore[arg-type]


def test_form_prints_on_a4_landscape_with_page_numbers(seed_plan: Plan, tmp_path: Path) -> None:
    from .conftest import libreoffice_pdf, pdf_text

    path = write_forms(seed_plan, tmp_path, 2)["科技司"]
    with zipfile.ZipFile(path) as package:  # the page setup as stored, read without openpyxl
        xml = package.read("xl/worksheets/sheet1.xml").decode()
        book = package.read("xl/workbook.xml").decode()
    assert 'orientation="landscape"' in xml and 'paperSize="9"' in xml and 'fitToWidth="1"' in xml
    assert re.search(r'<pageMargins left="0.59\d*" right="0.59\d*"', xml)
    footer = re.search(r"<oddFooter>(.*?)</oddFooter>", xml)
    assert footer and html.unescape(footer[1]) == "&C&10 第 &P 页，共 &N 页"
    assert "_xlnm.Print_Titles" in book and "$4:$4" in book
    pdf = libreoffice_pdf(path, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())  # type: ignore[union-attr]
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    text = pdf_text(pdf)
    assert "第 1 页，共" in text and "填报人：" in text and "完成比例" in text
