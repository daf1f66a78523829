"""领导分工表: the tasks in each leader's charge (责任领导 / 分管领导), for the per-leader
extract an office sends each leader.

An overview (each leader with the number and 序号 of their tasks, and the tasks that name
no leader), then one section per leader (XLSX: one sheet), each numbered from page 1:
their tasks with the lead and participating units, the schedule as printed and the
deadline it sets.  Leaders come in the order the plan first names them; a task naming
two leaders ("张三、李四") is listed under each.
"""

from __future__ import annotations

from ..errors import WorkplanError
from ..layout import Cell, Column, Paragraph, Section, Table
from ..model import Item, Plan
from ..revision import due_text
from . import Output
from ._common import TaskColumn, field_column, plan_document, task_table, title_block

TITLE = "领导分工表"


def _leader_title(plan: Plan, leader: str) -> str:
    """"责任领导：叶林", under the plan's own heading for the column (分管领导 …)."""
    return f"{plan.heading('leader')}：{leader}"


def _tasks_table(plan: Plan, items: list[Item]) -> Table:
    columns = (
        *(field_column(plan, f) for f in ("seq", "task", "lead", "participants", "schedule")),
        TaskColumn(Column("应完成时间", None, "center"), lambda item: Cell(due_text(item)), "schedule"),
    )
    return task_table(plan, columns, items)


def _leader_section(plan: Plan, leader: str, items: list[Item]) -> Section:
    lead_units = list(dict.fromkeys(unit for item in items for unit in item.lead))
    count = f"共{len(items)}项，牵头单位{len(lead_units)}个：{'、'.join(lead_units)}。"
    blocks = (*title_block(_leader_title(plan, leader), plan), Paragraph(count, "body"), _tasks_table(plan, items))
    return Section(name=leader, blocks=blocks, orientation="landscape", restart_numbering=True)


def _overview_section(plan: Plan, leaders: dict[str, list[Item]]) -> Section:
    columns = (
        Column("序号", 12, "center"),
        Column(plan.heading("leader"), 30),
        Column("任务（项）", 23, "center"),
        Column(f"任务{plan.heading('seq')}", 160),
    )
    rows = tuple(
        (Cell.count(number), Cell(leader), Cell.count(len(items)), Cell("、".join(i.label for i in items)))
        for number, (leader, items) in enumerate(leaders.items(), start=1)
    )
    without = [item.label for item in plan.items if not item.leaders]
    summary = f"共{len(plan.items)}项工作，{len(leaders)}位{plan.heading('leader')}。"
    if without:
        summary += f"未明确{plan.heading('leader')}的工作{len(without)}项：{plan.heading('seq')}{'、'.join(without)}。"
    blocks = (*title_block(TITLE, plan), Paragraph(summary, "body"), Table(columns, rows))
    return Section(name="汇总", blocks=blocks, orientation="landscape")


def outputs(plan: Plan) -> list[Output]:
    """领导分工表.<fmt>: the overview, then one section per leader."""
    leaders = plan.leaders()
    if not leaders:
        raise WorkplanError(
            "计划中没有责任领导：领导分工表需要各项工作的 leader（导入时为“责任领导”“分管领导”等列）"
        )
    sections = [_overview_section(plan, leaders), *(_leader_section(plan, name, items) for name, items in leaders.items())]
    return [Output(TITLE, plan_document(plan, TITLE, sections, TITLE))]
