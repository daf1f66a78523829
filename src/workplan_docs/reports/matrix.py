"""Responsibility matrix (责任矩阵): units × tasks, ● lead and ○ participate, with totals.

Every unit named appears, grouped under its kind, generic references (泛指, printed as
"其他单位") included, so the matrix accounts for every name in the plan.  Task columns are
headed by 序号 in one header row (no empty corner box); a key section lists the tasks by
序号.  A plan with many tasks splits its task columns into several tables, the unit totals
in the last one.
"""

from __future__ import annotations

from ..layout import Block, Cell, Column, Document, PageBreak, Paragraph, Section, Table
from ..model import Item, Plan, UnitTasks
from . import Output
from ._common import FILL_GROUP, OTHER_UNITS, field_column, kind_label, label_width, plan_document, task_table
from ._common import title_block

TITLE = "责任矩阵"
LEAD_MARK = "●"
PARTICIPATE_MARK = "○"
TASKS_PER_TABLE = 20  # two-digit 序号 columns still fit a landscape page beside the totals
_TOTAL_WIDTH = 8.8  # a count column; its two-character heading may stack in two lines


def _mark(unit: UnitTasks, item: Item) -> str:
    if unit.unit in item.lead:
        return LEAD_MARK
    return PARTICIPATE_MARK if unit.unit in item.participants else ""


def _kind_groups(units: list[UnitTasks]) -> list[tuple[str, list[UnitTasks]]]:
    """Units grouped by registry kind (司局, 直属单位 …), kinds in first-mention order;
    generic references and units of no registered kind last, as "其他单位".

    The kind heads a group instead of filling a column: the task columns need the width.
    """
    groups: dict[str, list[UnitTasks]] = {}
    for unit in units:
        groups.setdefault(kind_label(unit.kind), []).append(unit)
    others = groups.pop(OTHER_UNITS, None)
    return [*groups.items(), *([(OTHER_UNITS, others)] if others else [])]


def _matrix_table(units: list[UnitTasks], items: list[Item], with_totals: bool) -> Table:
    """One table of the matrix: a row per unit under its kind, a column per task, a 合计 row."""
    totals = ("牵头", "参与", "合计") if with_totals else ()
    columns = (
        Column("单位", 32),
        *(Column(item.label, label_width(item.label), "center") for item in items),
        *(Column(t, _TOTAL_WIDTH, "center") for t in totals),
    )
    groups = _kind_groups(units)
    rows: list[tuple[Cell, ...]] = []
    for kind, members in groups:
        if len(groups) > 1 or kind != OTHER_UNITS:
            rows.append((Cell(f"{kind}（{len(members)}个）", "left", FILL_GROUP, bold=True, span=len(columns)),))
        for unit in members:
            counts = (len(unit.lead), len(unit.participate), len(unit.lead) + len(unit.participate))
            rows.append((
                Cell(unit.unit),
                *(Cell(_mark(unit, item)) for item in items),
                *(Cell.count(n) for n in counts[: len(totals)]),
            ))
    all_counts = (sum(len(u.lead) for u in units), sum(len(u.participate) for u in units))
    rows.append((
        Cell("任务合计（单位数）", bold=True),
        *(Cell.count(len(item.units()), bold=True) for item in items),
        *(Cell.count(n, bold=True) for n in (*all_counts, sum(all_counts))[: len(totals)]),
    ))
    header = (tuple(Cell.serial(c.heading, align="center", bold=True) for c in columns),)  # 序号 as numbers
    return Table(columns, tuple(rows), header)


def _matrix_section(plan: Plan) -> Section:
    units = plan.unit_tasks()
    chunks = [plan.items[i : i + TASKS_PER_TABLE] for i in range(0, len(plan.items), TASKS_PER_TABLE)]
    blocks: list[Block] = [
        *title_block(TITLE, plan),
        Paragraph(f"{LEAD_MARK}牵头　{PARTICIPATE_MARK}参与。共{len(units)}个单位、{len(plan.items)}项任务；"
                  "表头数字为任务序号，与附件一致（见“任务对照”）。", "note"),
    ]
    for index, chunk in enumerate(chunks):
        if index:
            blocks.append(PageBreak())
        blocks.append(_matrix_table(units, chunk, with_totals=index == len(chunks) - 1))
    return Section(name=TITLE, blocks=tuple(blocks), orientation="landscape")


def _key_section(plan: Plan) -> Section:
    """序号 → task, so the matrix reads without the attachment at hand."""
    columns = [field_column(plan, f) for f in ("seq", "task", "lead", "participants")]
    table = task_table(plan, columns, plan.items)
    return Section(name="任务对照", blocks=(Paragraph("任务对照", "heading"), table), orientation="portrait")


def matrix_document(plan: Plan) -> Document:
    return plan_document(plan, TITLE, [_matrix_section(plan), _key_section(plan)], TITLE)


def outputs(plan: Plan) -> list[Output]:
    """责任矩阵: the matrix, then the task key."""
    return [Output(TITLE, matrix_document(plan))]
