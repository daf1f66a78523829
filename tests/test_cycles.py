"""Reporting cycles (报送频次) on the seed: which periods expect a report on which task, the
forms of a month, a quarter and a half year, and the reports owed by a date.

Read off the seed by hand: items 3 and 4 (计量司) run 5-7月, item 16 (科技司) runs to
"7月完成" (January - July), item 10 (科技司) "5月、9月" (May - September), item 1
(监督司) "4月", the rest all year.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from workplan_docs import load
from workplan_docs.cli import main
from workplan_docs.cycles import DEFAULT_CYCLE, Period, read_cycle, report_periods
from workplan_docs.errors import PlanError
from workplan_docs.feedback.collect import collect
from workplan_docs.feedback.forms import FORM_SHEET, feedback_forms, forms_for
from workplan_docs.model import Plan
from workplan_docs.progress import Extension, ProgressFile, fingerprint, new_progress
from workplan_docs.readers import ImportOptions
from workplan_docs.reports.progress import owing_units

from .test_feedback import fill


def with_cycles(plan: Plan, default: str = "季", **cycles: str) -> Plan:
    """The seed with ``report_every`` set plan-wide and per item (``cycles``: "3" → "月")."""
    data = plan.to_file_data()
    data["report_every"] = default
    for item in data["items"]:
        if str(item["seq"]) in cycles:
            item["report_every"] = cycles[str(item["seq"])]
    return Plan.model_validate(data)


def M(n: int) -> Period:  # noqa: N802
    return Period("month", n)


def Q(n: int) -> Period:  # noqa: N802
    return Period("quarter", n)


def H(n: int) -> Period:  # noqa: N802
    return Period("half", n)


@pytest.mark.parametrize("seq, cycle, expected", [
    ("3", "月", [M(5), M(6), M(7)]),
    ("3", "季", [Q(2), Q(3)]),
    ("3", "半年", [H(1), H(2)]),
    ("3", "按时限", [M(7)]),
    ("16", "月", [M(m) for m in range(1, 8)]),  # 7月完成: from January to its deadline, no later
    ("16", "按时限", [M(7)]),
    ("10", "月", [M(m) for m in range(5, 10)]),  # 5月、9月: the task's time runs May - September
    ("2", "半年", [H(1), H(2)]),
    ("1", "季", [Q(2)]),
])
def test_the_schedule_decides_the_periods(seed_plan: Plan, seq: str, cycle: str, expected: list[Period]) -> None:
    plan = with_cycles(seed_plan, **{seq: cycle})
    item = next(i for i in plan.items if i.label == seq)
    assert report_periods(plan, item, 2010) == expected


def test_a_plan_with_a_year_dates_its_periods(seed_plan: Plan) -> None:
    data = with_cycles(seed_plan, "月").to_file_data()
    data["year"] = 2010
    plan = Plan.model_validate(data)
    assert report_periods(plan, plan.items[0], 2010) == [Period("month", 4, 2010)]
    assert Period("month", 4, 2010).label == "2010年4月" and H(2).label == "下半年"


@pytest.mark.parametrize("text, cycle", [
    ("月", "月"), ("月报", "月"), ("每月报送一次", "月"), ("按季度", "季"), ("季报", "季"), ("半年一报", "半年"),
    ("每半年", "半年"), ("按时限", "按时限"), ("按时间节点报送", "按时限"), ("常年", None), ("", None),
])
def test_how_offices_write_a_cycle(text: str, cycle: str | None) -> None:
    assert read_cycle(text) == cycle


def test_month_quarter_and_half_year_forms(seed_plan: Plan) -> None:
    plan = with_cycles(seed_plan, "季", **{"3": "月", "4": "月", "16": "按时限", "20": "半年"})

    def forms(period: Period, progress: ProgressFile | None = None) -> dict[str, list[str]]:
        return {f.unit: [i.label for i in f.items] for f in forms_for(plan, period, progress)}

    assert forms(M(4)) == {}
    assert forms(M(5)) == forms(M(6)) == {"计量司": ["3", "4"]}
    assert forms(M(7)) == {"计量司": ["3", "4"], "科技司": ["16"]}  # 16 reports once, at its deadline
    assert forms(M(8)) == {}
    q2 = forms(Q(2))
    assert "计量司" not in q2 and q2["科技司"] == ["5", "6", "7", "9", "10", "12", "13", "19"]
    assert forms(H(1)) == forms(H(2)) == {"科技司": ["20"]}
    # an unfinished monthly task is asked about in the next month's form, not in a quarter's
    progress = ProgressFile.model_validate({"plan": fingerprint(plan), "entries": [
        {"seq": 3, "unit": "计量司", "month": 7, "status": "推进中", "progress": "仍在进行"},
        {"seq": 4, "unit": "计量司", "month": 7, "status": "已完成", "progress": "完成"}]})
    assert forms(M(8), progress) == {"计量司": ["3"], "科技司": ["16"]}  # 16 was never reported on
    assert "计量司" not in forms(Q(4), progress)
    assert [n for n, _ in feedback_forms(plan, M(5))] == ["计量司_5月进展反馈表.xlsx"]
    assert [n for n, _ in feedback_forms(plan, H(1))] == ["科技司_上半年进展反馈表.xlsx"]


def test_owed_reports_follow_the_cycles(seed_plan: Plan) -> None:
    plan = with_cycles(seed_plan, "季", **{"3": "月", "4": "月", "16": "按时限"})
    progress = new_progress(plan)
    progress.entries = ProgressFile.model_validate({"plan": progress.plan, "entries": [
        {"seq": s, "unit": "计量司", "month": 5, "status": "推进中", "progress": "五月"} for s in (3, 4)]}).entries

    def owing(day: str) -> list[tuple[str, str, list[str]]]:
        return [(p.label, u, [i.label for i in items])
                for p, u, items in owing_units(plan, progress, dt.date.fromisoformat(day), 2010)
                if u in ("计量司", "科技司")]

    assert owing("2010-05-31") == [("第一季度", "科技司", ["5", "6", "7", "9", "12", "13", "19", "20"])]
    assert owing("2010-07-31")[1:] == [("6月", "计量司", ["3", "4"]), ("第二季度", "科技司", [
        "5", "6", "7", "9", "10", "12", "13", "19", "20"]), ("7月", "计量司", ["3", "4"]), ("7月", "科技司", ["16"])]


def test_an_extension_moves_the_months_of_a_plan_that_names_no_year(seed_plan: Plan) -> None:
    """The seed names no year; an extension does (approved 2010-07-20). Its monthly 5-7月 task,
    extended to 30 September, expects reports May to September of that year, no more: the
    months of the undated forms are taken to be of the extension's year, not of year 1 (which
    made the task run 2,000 years and every 督办 report take minutes)."""
    plan = with_cycles(seed_plan, "季", **{"3": "月"})
    progress = new_progress(plan)
    progress.extensions = [Extension(seq=3, unit="计量司", due=dt.date(2010, 9, 30), reason="设备到货推迟",
                                     approved=dt.date(2010, 7, 20))]
    forms = {m: next((f for f in forms_for(plan, M(m), progress) if f.unit == "计量司"), None) for m in range(1, 13)}
    due_in = [m for m, f in forms.items() if f and "3" in [i.label for i in f.items] and "3" not in f.carried]
    assert due_in == [5, 6, 7, 8, 9]
    assert all("3" in forms[m].carried for m in (10, 11, 12))  # past its time and never reported done
    owed = [(p.label, [i.label for i in items])
            for p, u, items in owing_units(plan, progress, dt.date(2010, 12, 31), 2010) if u == "计量司"]
    assert [label for label, items in owed if "3" in items] == ["5月", "6月", "7月", "8月", "9月"]


def test_forms_of_a_month_are_collected_as_monthly_reports(seed_plan: Plan, tmp_path: Path) -> None:
    plan = with_cycles(seed_plan, "季", **{"3": "月", "4": "月"})
    (name, data), = feedback_forms(plan, M(6))
    (tmp_path / name).write_bytes(data)
    assert load_workbook(tmp_path / name)[FORM_SHEET].cell(1, 1).value == "6月重点工作进展情况反馈表"
    filled = fill(tmp_path / name, tmp_path / "back" / name)
    result = collect(plan, [filled], new_progress(plan), period=M(6))
    assert [(e.label, e.month, e.quarter) for e in result.progress.entries] == [("3", 6, None), ("4", 6, None)]
    wrong = collect(plan, [filled], new_progress(plan), period=Q(2))
    assert [str(p) for p in wrong.rejected[0].problems] == [f"{filled}: 此表是6月的反馈表，本次收集的是第二季度"]


def test_report_every_is_checked_where_the_plan_enters(tmp_path: Path) -> None:
    from .conftest import SAMPLE_PLAN

    text = SAMPLE_PLAN.read_text(encoding="utf-8").replace("  schedule: 5-7月\n", "  schedule: 5-7月\n  report_every: 常年\n", 1)
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as error:
        load(path)
    assert str(error.value) == f"{path}: 序号 3: report_every: 报送频次“常年”应为 月、季、半年、按时限 之一"


def test_import_reads_a_cycle_column(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "重要工作", "牵头单位", "时间进度", "报送频次"])
    sheet.append([1, "修订检验规程", "科技司", "全年", "每月报送"])
    sheet.append([2, "开展专项检查", "监督司", "6月底前", "按时间节点"])
    sheet.append([3, "编制年度报告", "办公室", "12月", ""])
    sheet.append([4, "组织培训", "人事司", "全年", "不定期"])
    path = tmp_path / "表.xlsx"
    book.save(path)
    with pytest.warns(UserWarning, match="列“报送频次”中的“不定期”不是报送频次"):
        plan = load(path, ImportOptions(title="测试计划"))
    assert [i.report_every for i in plan.items] == ["月", "按时限", None, None]
    assert plan.items[0].extra == {"报送频次": "每月报送"}  # the column is kept as printed


def test_cli_month_and_half(seed_plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.yaml"
    from workplan_docs.readers.plan_file import dump_yaml

    path.write_text(dump_yaml(with_cycles(seed_plan, "季", **{"3": "月", "20": "半年"}).to_file_data()), encoding="utf-8")
    assert main(["feedback", str(path), "-o", str(tmp_path / "m5"), "--month", "5"]) == 0
    assert "  计量司_5月进展反馈表.xlsx（1 项）" in capsys.readouterr().out
    assert main(["feedback", str(path), "-o", str(tmp_path / "h2"), "--half", "2"]) == 0
    assert "  科技司_下半年进展反馈表.xlsx（1 项）" in capsys.readouterr().out
    assert main(["feedback", str(path), "-o", str(tmp_path / "m1"), "--month", "1"]) == 0
    assert "1月没有需要报送的任务" in capsys.readouterr().out and not (tmp_path / "m1").exists()
    for args, message in ((["--month", "13"], "--month：月份“13”应为 1 到 12 的整数"),
                          (["--half", "3"], "--half：半年“3”应为 1 到 2 的整数"),
                          (["--month", "5", "--quarter", "2"], "--quarter 与 --month 只能指定其中一项"),
                          ([], "须指定其中一项：--quarter --month --half")):
        with pytest.raises(SystemExit) as exit_:
            main(["feedback", str(path), "-o", str(tmp_path / "x"), *args])
        assert exit_.value.code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_an_entry_names_exactly_one_period(seed_plan: Plan) -> None:
    with pytest.raises(ValueError, match="报送期应写且只写 month（月）、quarter（季度）、half（半年）中的一项"):
        ProgressFile.model_validate({"plan": "x", "entries": [
            {"seq": 1, "unit": "监督司", "month": 4, "quarter": 2, "status": "推进中", "progress": "p"}]})


def test_a_plan_naming_no_cycle_reports_every_quarter() -> None:
    """``Plan.report_every`` writes the default out (the model imports ``cycles`` only to check one)."""
    assert Plan.model_fields["report_every"].default == DEFAULT_CYCLE
