"""The progress report (工作进展报告): what the lead units reported, and what is overdue.

Rules, as the report's note also prints them:

- A task's latest report from a unit is the one of the latest quarter (entries without a
  year are of the plan year).  The plan year is ``plan.year``, else the year of ``as_of``.
- A task is due at the end of its due month: the deadline month when the schedule sets
  one ("7月完成" → 31 July); else the last month of its schedule ("4月" → 30 April,
  "5-7月" → 31 July, "5月、9月" → 30 September); whole-year and ongoing tasks at the end of
  December.  A task whose schedule could not be read has no due date and is never overdue.
- A task is overdue when ``as_of`` is after its due date and it is not 已完成 — a task
  nobody reported on counts as not done.  A task led by several units is 已完成 only when
  every lead unit reported 已完成; otherwise it shows the most worrying unit status
  (滞后, then 未报送, 未启动, 推进中).
- Generic leads (相关司局) receive no form and so are not expected to report.

``as_of`` defaults to today: the report prints the date it was computed for, and a build
that must be repeatable passes it explicitly (``--as-of``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..errors import WorkplanError
from ..layout import Block, Cell, Column, Document, Paragraph, Section, Table
from ..model import Item, Plan
from ..progress import DONE, Entry, ProgressFile, check_plan, due_date, latest_entries, quarter_label
from . import Output
from ._common import plan_document, title_block

TITLE = "工作进展报告"
MISSING = "未报送"
OVERDUE = "逾期"
FILL_OVERDUE = "F4CCCC"
FILL_MISSING = "FFF2CC"
# Most worrying first: a task's status is the first of these that any lead unit has.
_SEVERITY = ("滞后", MISSING, "未启动", "推进中", DONE)
_COUNTED = (DONE, "推进中", "未启动", "滞后", MISSING)


@dataclass(frozen=True)
class _TaskState:
    """One task as of the report date: each reporting unit's latest entry, and the verdict."""

    item: Item
    reports: dict[str, Entry | None]
    due: dt.date | None
    as_of: dt.date

    @property
    def unit_statuses(self) -> dict[str, str]:
        return {unit: entry.status if entry else MISSING for unit, entry in self.reports.items()}

    @property
    def status(self) -> str:
        statuses = set(self.unit_statuses.values())
        return next(s for s in _SEVERITY if s in statuses)

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.as_of > self.due and self.status != DONE

    def unit_overdue(self, unit: str) -> bool:
        return self.due is not None and self.as_of > self.due and self.unit_statuses[unit] != DONE


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _reporting_units(plan: Plan, item: Item) -> list[str]:
    """The lead units that receive a form for ``item`` (generic references do not)."""
    named = [u for u in item.lead if plan.registry.kind(u) != "泛指"]
    return named or item.lead


def _states(plan: Plan, progress: ProgressFile, as_of: dt.date, plan_year: int) -> list[_TaskState]:
    latest = latest_entries(progress, plan_year)
    return [
        _TaskState(
            item,
            {unit: latest.get((item.label, unit)) for unit in _reporting_units(plan, item)},
            due_date(item, plan_year),
            as_of,
        )
        for item in plan.items
    ]


def _per_unit(entries_of: dict[str, Entry | None], key: str) -> str:
    """One text field of each unit's latest report; "单位：" prefixes when several units lead."""
    parts = []
    for unit, entry in entries_of.items():
        text = getattr(entry, key) if entry else f"（{MISSING}）"
        if text and len(entries_of) > 1:
            parts.append(f"{unit}：{text}")
        elif text and entry:
            parts.append(text)
    return "\n".join(parts)


def _status_cell(state: _TaskState) -> Cell:
    text = state.status + (f"（{OVERDUE}）" if state.overdue else "")
    fill = FILL_OVERDUE if state.overdue else (FILL_MISSING if state.status == MISSING else None)
    return Cell(text, align="center", fill=fill, bold=state.overdue)


def _reported_in(state: _TaskState) -> str:
    quarters = {quarter_label(e.quarter, e.year) for e in state.reports.values() if e}
    return "、".join(sorted(quarters))


def _overdue_table(plan: Plan, states: list[_TaskState]) -> Table:
    columns = (
        Column(plan.heading("seq"), 0.45, "center"),
        Column(plan.heading("task"), 2.6),
        Column(plan.heading("lead"), 1.0),
        Column(plan.heading("schedule"), 0.9, "center"),
        Column("应完成时间", 1.4, "center"),
        Column("完成状态", 1.0, "center"),
        Column("最新进展", 2.6),
    )
    rows = tuple(
        (
            Cell.serial(s.item.label), Cell(s.item.task), Cell(s.item.lead_display), Cell(s.item.schedule),
            Cell(_date_text(s.due) if s.due else ""), _status_cell(s), Cell(_per_unit(s.reports, "progress")),
        )
        for s in states
    )
    return Table(columns, rows)


def _count_row(label: str, statuses: list[str], overdue: int, bold: bool = False) -> tuple[Cell, ...]:
    counts = [len(statuses), *(statuses.count(s) for s in _COUNTED), overdue]
    return (Cell(label, bold=bold), *(Cell.count(c, bold=bold) for c in counts))


def _unit_table(plan: Plan, states: list[_TaskState]) -> Table:
    """Per lead unit: its tasks by its own latest status; the total counts each task once."""
    columns = (
        Column(plan.heading("lead"), 1.6),
        Column("牵头任务", 0.8, "center"),
        *(Column(s, 0.8, "center") for s in _COUNTED),
        Column(OVERDUE, 0.8, "center"),
    )
    rows = []
    for unit in dict.fromkeys(u for s in states for u in s.reports):
        mine = [s for s in states if unit in s.reports]
        statuses = [s.unit_statuses[unit] for s in mine]
        rows.append(_count_row(unit, statuses, sum(s.unit_overdue(unit) for s in mine)))
    rows.append(_count_row("合计（项）", [s.status for s in states], sum(s.overdue for s in states), bold=True))
    return Table(columns, tuple(rows))


def _quarter_table(plan: Plan, progress: ProgressFile, plan_year: int) -> Table | Paragraph:
    """Per reporting quarter: reports expected (forms' rows), received, and their statuses."""
    from ..feedback.forms import forms_for

    quarters = sorted({(e.year, e.quarter) for e in progress.entries}, key=lambda q: (q[0] or plan_year, q[1]))
    if not quarters:
        return Paragraph("尚未收到任何反馈。")
    columns = (
        Column("季度", 1.6),
        Column("应报（项）", 0.8, "center"),
        Column("已报", 0.8, "center"),
        *(Column(s, 0.8, "center") for s in _COUNTED),
    )
    rows = []
    for year, quarter in quarters:
        received = [e for e in progress.entries if (e.year, e.quarter) == (year, quarter)]
        # Rows carried over from earlier quarters were asked for too: a report on one is expected.
        expected = {(i.label, f.unit) for f in forms_for(plan, quarter, year) for i in f.items}
        expected |= {(e.label, e.unit) for e in received}
        statuses = [e.status for e in received] + [MISSING] * len(expected - {(e.label, e.unit) for e in received})
        counts = [len(expected), len(received), *(statuses.count(s) for s in _COUNTED)]
        rows.append((Cell(quarter_label(quarter, year)), *(Cell.count(c) for c in counts)))
    return Table(columns, tuple(rows))


def _task_table(plan: Plan, states: list[_TaskState]) -> Table:
    columns = (
        Column(plan.heading("seq"), 0.45, "center"),
        Column(plan.heading("task"), 2.3),
        Column(plan.heading("lead"), 0.9),
        Column(plan.heading("schedule"), 0.7, "center"),
        Column("完成状态", 1.0, "center"),
        Column("报送季度", 1.1, "center"),
        Column("进展情况", 2.4),
        Column("存在问题", 1.5),
        Column("下步计划", 1.5),
    )
    rows = tuple(
        (
            Cell.serial(s.item.label), Cell(s.item.task), Cell(s.item.lead_display), Cell(s.item.schedule),
            _status_cell(s), Cell(_reported_in(s)),
            *(Cell(_per_unit(s.reports, key)) for key in ("progress", "problems", "next_steps")),
        )
        for s in states
    )
    return Table(columns, rows)


def _summary(states: list[_TaskState], as_of: dt.date) -> str:
    statuses = [s.status for s in states]
    counts = "，".join(f"{s}{statuses.count(s)}项" for s in _COUNTED)
    overdue = sum(s.overdue for s in states)
    return f"截至{_date_text(as_of)}，共{len(states)}项工作：{counts}；其中{OVERDUE}{overdue}项。"


def _rules(plan: Plan, plan_year: int) -> str:
    year = "" if plan.year else f"计划未写明年度，按{plan_year}年计算。"
    return (
        f"{year}应完成时间：时间进度写明完成月份的（如“7月完成”）为该月月底；只写时段的（如“5-7月”）"
        "为时段最后一个月月底；全年任务为年底。应完成时间已过而未报“已完成”的列为逾期，未报送视同未完成。"
        "多个单位牵头的任务，各牵头单位均报“已完成”方为完成。"
    )


def progress_document(plan: Plan, progress: ProgressFile, as_of: dt.date) -> Document:
    """The report: summary, overdue tasks first, counts by unit and quarter, then every task."""
    plan_year = plan.year or as_of.year
    states = _states(plan, progress, as_of, plan_year)
    overdue = [s for s in states if s.overdue]
    missing = [s for s in states if MISSING in s.unit_statuses.values()]
    overdue_block: Block = _overdue_table(plan, overdue) if overdue else Paragraph(f"无{OVERDUE}任务。")
    summary = Section(
        name="汇总",
        blocks=(
            *title_block(TITLE, plan),
            Paragraph(_summary(states, as_of)),
            Paragraph(_rules(plan, plan_year), "note"),
            Paragraph(f"一、{OVERDUE}任务（{len(overdue)}项）", "heading"),
            overdue_block,
            Paragraph("二、各牵头单位完成情况（项）", "heading"),
            _unit_table(plan, states),
            Paragraph("三、各季度报送情况（项）", "heading"),
            _quarter_table(plan, progress, plan_year),
        ),
    )
    missing_note = (
        f"{MISSING}任务{len(missing)}项（底色标出）：{'、'.join(s.item.label for s in missing)}。"
        if missing else "各项工作均已报送。"
    )
    tasks = Section(
        name="各项工作进展",
        blocks=(
            Paragraph("各项工作进展情况", "title"),
            Paragraph(missing_note, "note"),
            _task_table(plan, states),
        ),
    )
    return plan_document(plan, TITLE, [summary, tasks], TITLE)


def outputs(plan: Plan, progress: ProgressFile | None = None, as_of: dt.date | None = None) -> list[Output]:
    """工作进展报告: needs the progress data collected from the feedback forms."""
    if progress is None:
        raise WorkplanError("工作进展报告需要进展数据：请用 --progress 指定由 collect 生成的 progress.yaml")
    check_plan(progress, plan, "进展数据")
    return [Output(TITLE, progress_document(plan, progress, as_of or dt.date.today()))]
