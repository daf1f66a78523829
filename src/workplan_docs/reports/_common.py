"""Pieces every derived report (分工表, 季度安排, 矩阵, 进度图) shares, kept in one place.

The attachment prints the plan as issued; the derived reports rearrange it and so
need the same few things: a title block, document metadata, and how units and
schedules are written in a cell.

Column weights in these reports are millimetres of the type area (225 mm landscape,
156 mm portrait); writers scale them to the page, so only their proportions matter.
"""

from __future__ import annotations

import re

from collections.abc import Callable, Sequence
from typing import NamedTuple

from ..layout import Cell, Column, Document, Paragraph, Section, Table
from ..model import OPTIONAL_FIELDS, Item, Plan
from ..units import COLLECTIVE_KIND, GENERIC_KIND

# Background colours ("RRGGBB") with a meaning shared by all derived reports.
FILL_GROUP = "E7E6E6"  # a group heading row (e.g. one lead unit in a quarter)
FILL_ACTIVE = "C9DAF0"  # a month in which a task is under way
FILL_DUE = "5B8BC9"  # the month a task falls due
OTHER_UNITS = "其他单位"  # how documents name generic references (泛指) and units of no registered kind
# Heading levels of a 公文 body (GB/T 9704 §7.3.3): 一、 黑体, （一） 楷体, 1. and （1） 仿宋.
_LEVELS = (
    (re.compile(r"[一二三四五六七八九十]+、"), "heading"),
    (re.compile(r"[（(][一二三四五六七八九十]+[)）]"), "subtitle"),
)


def label_width(label: str) -> float:
    """Millimetres a narrow column needs so a short label (a 序号, a month number) stays on
    one line in the bold 小四 header, cell padding included: "9" needs less than "12"."""
    return 3.9 + 2.6 * len(label)


class TaskColumn(NamedTuple):
    """A column of a derived report's task table: the column, its cell for an item, and the
    optional plan field it shows (goal, measures, schedule, participants; None: every plan
    has what it shows)."""

    column: Column
    cell: Callable[[Item], Cell]
    field: str | None = None


_FIELD_CELLS: dict[str, Callable[[Item], Cell]] = {
    "seq": lambda item: Cell.serial(item.label),
    "task": lambda item: Cell(item.task),
    "goal": lambda item: Cell(item.goal),
    "measures": lambda item: Cell(item.measures),
    "lead": lambda item: Cell(item.lead_display),
    "participants": lambda item: Cell(item.participants_display),
    "schedule": lambda item: Cell(item.schedule),
}


def field_column(plan: Plan, field: str) -> TaskColumn:
    """The column of a plan field under the plan's heading for it, 序号 and 时间进度 centred."""
    align = "center" if field in ("seq", "schedule") else "left"
    return TaskColumn(Column(plan.heading(field), None, align), _FIELD_CELLS[field],
                      field if field in OPTIONAL_FIELDS else None)


def columns_in_use(plan: Plan, columns: Sequence[TaskColumn]) -> list[TaskColumn]:
    """``columns`` without those showing a field no item of the plan fills: a plan imported
    from a table without 工作目标, 主要内容和措施 or 时间进度 prints no column of empty boxes."""
    return [c for c in columns if c.field is None or c.field in plan.filled_fields]


def task_row(columns: Sequence[TaskColumn], item: Item) -> tuple[Cell, ...]:
    return tuple(c.cell(item) for c in columns)


def task_table(plan: Plan, columns: Sequence[TaskColumn], items: Sequence[Item]) -> Table:
    """A row per item under the ``columns_in_use``, fitted to its content."""
    shown = columns_in_use(plan, columns)
    return Table(tuple(c.column for c in shown), tuple(task_row(shown, item) for item in items))


def body_paragraph(text: str) -> Paragraph:
    """A paragraph of a 公文 body (the notice's, the 情况通报's): indented two characters,
    its level's face by how it starts (一、 （一） 1. （1）), plain text justified; a heading
    of the first two levels is kept with what follows (never the last line of a page)."""
    role = next((role for pattern, role in _LEVELS if pattern.match(text)), "body")
    return Paragraph(text, role, align="justify" if role == "body" else "left", indent=2,
                     keep_with_next=role != "body")


def title_block(title: str, plan: Plan) -> tuple[Paragraph, Paragraph]:
    """A report's title, with the plan it derives from as the line under it."""
    return Paragraph(title, "title"), Paragraph(plan.title, "subtitle")


def plan_document(plan: Plan, name: str, sections: list[Section], keyword: str) -> Document:
    """A document derived from ``plan``, titled "<plan title> · <name>" in the file's
    properties (what a PDF reader shows in its title bar); its subject is the plan,
    its author the issuer."""
    return Document(
        title=f"{plan.title} · {name}",
        sections=tuple(sections),
        subject=plan.title,
        author=plan.issuer or "",
        keywords=(keyword,),
    )


def kind_label(kind: str | None) -> str:
    """A unit kind as a document prints it: the registry's own words ("司局", "直属单位"),
    "统称单位" for collective names ("各科室"), and "其他单位" for generic references and
    for units the registry gives no kind ("泛指" and "统称" are the model's terms)."""
    if kind == COLLECTIVE_KIND:
        return "统称单位"
    return OTHER_UNITS if kind in (None, "", GENERIC_KIND) else kind


def names(units: list[str]) -> str:
    return "、".join(units)


def role_text(item: Item, unit: str) -> str:
    """"牵头" or "参与", with the unit's role words when the cell states them: "参与（协助）"."""
    base = "牵头" if unit in item.lead else "参与"
    role = item.role_of(unit)
    return f"{base}（{role}）" if role and role != base else base


def month_range(months: list[int]) -> str:
    """Months as printed in a schedule: "4月", "5—7月", "5月、9月"."""
    runs: list[list[int]] = []
    for month in sorted(months):
        if runs and month == runs[-1][-1] + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return "、".join(f"{r[0]}月" if len(r) == 1 else f"{r[0]}—{r[-1]}月" for r in runs)
