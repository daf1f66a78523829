"""Quarterly summaries (季度工作安排): per quarter, what is under way and what falls due.

Tasks are grouped by lead unit (a joint lead is its own group, so no task is printed
twice).  Whole-year tasks are under way in every quarter and are marked "全年"; only
deadline phrases make a task due.  Tasks whose schedule could not be read are listed
apart under 未排期, never dropped.  Quarters of other years that schedules name
("2011年1-6月" in a plan without that year) follow the plan year's four quarters.
"""

from __future__ import annotations

from ..layout import Block, Cell, Column, Document, Paragraph, Section, Table
from ..model import Item, Plan, QuarterTasks
from . import Output
from ._common import FILL_GROUP, TaskColumn, columns_in_use, field_column, month_range, names, plan_document
from ._common import task_row, task_table, title_block

TITLE = "季度工作安排"
UNSCHEDULED = "未排期"
_QUARTER_NAMES = ("一季度", "二季度", "三季度", "四季度")


def _quarter_label(quarter: QuarterTasks) -> str:
    """"一季度", or "2011年一季度" when the year is known."""
    name = _QUARTER_NAMES[quarter.quarter - 1]
    return f"{quarter.year}年{name}" if quarter.year is not None else name


def _in_plan_year(plan: Plan, quarter: QuarterTasks) -> bool:
    return quarter.year == plan.year


def _months_in(plan: Plan, item: Item, quarter: QuarterTasks) -> tuple[list[int], int | None]:
    """The months of ``quarter`` in which ``item`` is under way, and its due month there."""
    if _in_plan_year(plan, quarter):
        months = [m for m in item.timing.months if m in quarter.months]
        due = item.timing.due if item.timing.due in quarter.months else None
        return months, due
    prefix = f"{quarter.year}-"
    months = [int(m[5:]) for m in item.timing.other_months if m.startswith(prefix) and int(m[5:]) in quarter.months]
    other_due = item.timing.other_due
    due = int(other_due[5:]) if other_due and other_due.startswith(prefix) else None
    return months, due


def _this_quarter(plan: Plan, item: Item, quarter: QuarterTasks) -> str:
    """What the task does this quarter: "全年", "7月完成" or the months under way."""
    months, due = _months_in(plan, item, quarter)
    if due is not None:
        return f"{due}月完成"
    if item.timing.all_year and _in_plan_year(plan, quarter):
        return "全年"
    return month_range(months)


def _lead_groups(plan: Plan, items: list[Item]) -> list[tuple[str, list[Item]]]:
    """Items grouped by their lead unit(s), groups in the order units are first named."""
    order = {unit.unit: index for index, unit in enumerate(plan.unit_tasks())}
    groups: dict[tuple[str, ...], list[Item]] = {}
    for item in items:
        groups.setdefault(tuple(item.lead), []).append(item)
    keys = sorted(groups, key=lambda lead: [order[u] for u in lead])
    return [(names(list(key)), groups[key]) for key in keys]


def _task_table(plan: Plan, items: list[Item], quarter: QuarterTasks) -> Table:
    """Tasks under a heading row per lead unit, with what each does this quarter."""
    columns = columns_in_use(plan, (
        *(field_column(plan, f) for f in ("seq", "task", "participants", "schedule")),  # every item here has a schedule
        TaskColumn(Column("本季度", None, "center"), lambda item: Cell(_this_quarter(plan, item, quarter))),
    ))
    rows: list[tuple[Cell, ...]] = []
    for lead, group in _lead_groups(plan, items):
        heading = f"{plan.heading('lead')}：{lead}（{len(group)}项）"
        rows.append((Cell(heading, "left", FILL_GROUP, bold=True, span=len(columns)),))
        rows += (task_row(columns, item) for item in group)
    return Table(tuple(c.column for c in columns), tuple(rows))


def _tasks_or_none(plan: Plan, items: list[Item], quarter: QuarterTasks, none: str) -> Block:
    return _task_table(plan, items, quarter) if items else Paragraph(none, "body")


def _quarter_section(plan: Plan, quarter: QuarterTasks) -> Section:
    """One quarter: tasks under way, then tasks falling due, each grouped by lead unit."""
    label = _quarter_label(quarter)
    whole_year = sum(1 for i in quarter.active if i.timing.all_year and _in_plan_year(plan, quarter))
    blocks = (
        *title_block(f"{label}工作安排", plan),
        Paragraph(f"在办任务{len(quarter.active)}项（其中全年任务{whole_year}项），本季度到期任务{len(quarter.due)}项。"),
        Paragraph(f"一、在办任务（{len(quarter.active)}项）", "heading"),
        _tasks_or_none(plan, quarter.active, quarter, "本季度无在办任务。"),
        Paragraph(f"二、到期任务（{len(quarter.due)}项）", "heading"),
        _tasks_or_none(plan, quarter.due, quarter, "本季度无到期任务。"),
    )
    return Section(name=label, blocks=blocks, orientation="landscape")


def _unscheduled_section(plan: Plan, items: list[Item]) -> Section:
    """Tasks whose schedule could not be placed in any month, with the reason; in a plan that
    dates no item, the tasks alone (a column of "（空）" beside one of "时间进度为空" says nothing)."""
    columns = (
        *(field_column(plan, f) for f in ("seq", "task", "lead")),
        TaskColumn(Column(plan.heading("schedule"), None), lambda item: Cell(item.schedule or "（空）"), "schedule"),
        TaskColumn(Column("说明", None), lambda item: Cell(item.timing.problem), "schedule"),
    )
    if "schedule" in plan.filled_fields:
        intro = f"以下{len(items)}项任务的时间进度无法识别，未列入各季度，请核实后补充。"
    else:
        intro = f"计划中{len(items)}项工作均未写时间进度，无法按季度安排；补充时间进度后重新生成即可。"
    blocks = (
        *title_block(f"{UNSCHEDULED}任务", plan),
        Paragraph(intro),
        task_table(plan, columns, items),
    )
    return Section(name=UNSCHEDULED, blocks=blocks, orientation="landscape")


def _overview_section(plan: Plan, quarters: list[QuarterTasks], unscheduled: list[Item]) -> Section:
    """Per lead unit and quarter: tasks under way (在办) and falling due (到期)."""
    leads = [u for u in plan.unit_tasks() if u.lead]
    extra = 1 if unscheduled else 0
    columns = (
        Column(plan.heading("lead"), 36),
        *(Column(f"{_quarter_label(q)}{kind}", 14, "center") for q in quarters for kind in ("在办", "到期")),
        *(Column(UNSCHEDULED, 17, "center") for _ in range(extra)),
    )
    # The corner names what runs across ("季度") over what runs down (牵头单位), as a
    # 斜线表头 would: no header box stands empty.
    header = (
        (Cell("季度", "center", bold=True), *(Cell(_quarter_label(q), "center", bold=True, span=2) for q in quarters),
         *(Cell(UNSCHEDULED, "center", bold=True) for _ in range(extra))),
        (Cell(plan.heading("lead"), "center", bold=True),
         *(Cell(kind, "center", bold=True) for _ in quarters for kind in ("在办", "到期")),
         *(Cell("项", "center", bold=True) for _ in range(extra))),
    )

    def counts(selected: set[str] | None) -> list[int]:
        def n(items: list[Item]) -> int:
            return sum(1 for i in items if selected is None or selected & set(i.lead))

        cells = [n(part) for q in quarters for part in (q.active, q.due)]
        return cells + [n(unscheduled)] * extra

    rows = [(Cell(u.unit), *(Cell.count(n) for n in counts({u.unit}))) for u in leads]
    rows.append((Cell("合计（项）", bold=True), *(Cell.count(n, bold=True) for n in counts(None))))
    blocks = (
        *title_block(TITLE, plan),
        Paragraph("各牵头单位每季度在办和到期任务数（项）。全年任务计入每个季度；"
                  "多个单位共同牵头的任务计入每个牵头单位，合计行每项任务只计一次。", "note"),
        Table(columns, tuple(rows), header),
    )
    return Section(name="汇总", blocks=blocks, orientation="landscape")


def quarterly_document(plan: Plan) -> Document:
    """The overview, one section per quarter, then 未排期 when any; a plan that dates no item
    (a table without 时间进度) gets the 未排期 list alone rather than four empty quarters and
    a table of zeros."""
    quarters = plan.quarters()
    unscheduled = plan.unscheduled()
    if len(unscheduled) == len(plan.items):
        return plan_document(plan, TITLE, [_unscheduled_section(plan, unscheduled)], TITLE)
    sections = [_overview_section(plan, quarters, unscheduled)]
    sections += [_quarter_section(plan, q) for q in quarters]
    if unscheduled:
        sections.append(_unscheduled_section(plan, unscheduled))
    return plan_document(plan, TITLE, sections, TITLE)


def outputs(plan: Plan) -> list[Output]:
    """季度工作安排: overview, one section per quarter, then 未排期 when any."""
    return [Output(TITLE, quarterly_document(plan))]
