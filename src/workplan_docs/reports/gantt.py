"""Schedule chart (进度图): tasks × 12 months as filled cells, the same chart in every format.

A month in which a task is under way is shaded; the month it falls due is marked
"★" on a darker fill; whole-year tasks are shaded all year.  A task whose schedule
could not be read keeps its row with a note instead of shading.  Months of another
year that a schedule names ("2011年1-6月" in a plan without that year) get a chart of
their own after the plan year's.
"""

from __future__ import annotations

from ..layout import Cell, Column, Document, Paragraph, Section, Table
from ..model import Item, Plan
from . import Output
from ._common import FILL_ACTIVE, FILL_DUE, columns_in_use, field_column, plan_document, task_row, title_block

TITLE = "进度图"
DUE_MARK = "★"
_MONTHS = range(1, 13)


def _plan_year_cells(item: Item) -> tuple[Cell, ...]:
    timing = item.timing
    if not timing.parsed:
        return (Cell(f"未排期：{timing.problem}", "left", span=12),)
    if not timing.months and timing.other_months:
        years = sorted({m[:4] for m in timing.other_months})
        return (Cell(f"见{'、'.join(years)}年{TITLE}", "left", span=12),)
    return tuple(
        Cell(DUE_MARK, fill=FILL_DUE) if month == timing.due
        else Cell("", fill=FILL_ACTIVE) if month in timing.months
        else Cell("")
        for month in _MONTHS
    )


def _other_year_cells(item: Item, year: int) -> tuple[Cell, ...]:
    labels = [f"{year}-{m:02d}" for m in _MONTHS]
    return tuple(
        Cell(DUE_MARK, fill=FILL_DUE) if label == item.timing.other_due
        else Cell("", fill=FILL_ACTIVE) if label in item.timing.other_months
        else Cell("")
        for label in labels
    )


def _chart(plan: Plan, rows: list[tuple[Item, tuple[Cell, ...]]]) -> Table:
    """Task columns, then one narrow column per month, headed by the month's number in
    one header row (the year is in the title, the legend says the numbers are months)."""
    task_columns = columns_in_use(plan, [field_column(plan, f) for f in ("seq", "task", "lead", "schedule")])
    columns = (*(c.column for c in task_columns), *(Column(str(m), None, "center") for m in _MONTHS))
    header = (tuple(Cell.serial(c.heading, "center", bold=True) for c in columns),)  # month numbers as numbers
    body = tuple((*task_row(task_columns, item), *cells) for item, cells in rows)
    return Table(columns, body, header)


def _legend() -> Paragraph:
    return Paragraph(
        f"表头1—12为月份。浅色底纹：工作进行月份；深色底纹加“{DUE_MARK}”：完成时限所在月份；“全年”任务全年底纹。", "note"
    )


def _plan_year_section(plan: Plan) -> Section:
    year = f"{plan.year}年" if plan.year is not None else ""
    blocks = (
        *title_block(f"{year}{TITLE}", plan),
        _legend(),
        _chart(plan, [(item, _plan_year_cells(item)) for item in plan.items]),
    )
    return Section(name=f"{year}{TITLE}", blocks=blocks, orientation="landscape")


def _other_year_section(plan: Plan, year: int) -> Section:
    prefix = f"{year}-"
    items = [i for i in plan.items if any(m.startswith(prefix) for m in i.timing.other_months)]
    blocks = (
        *title_block(f"{year}年{TITLE}", plan),
        _legend(),
        _chart(plan, [(item, _other_year_cells(item, year)) for item in items]),
    )
    return Section(name=f"{year}年{TITLE}", blocks=blocks, orientation="landscape")


def gantt_document(plan: Plan) -> Document:
    other_years = sorted({int(m[:4]) for i in plan.items for m in i.timing.other_months})
    sections = [_plan_year_section(plan), *(_other_year_section(plan, y) for y in other_years)]
    return plan_document(plan, TITLE, sections, TITLE)


def outputs(plan: Plan) -> list[Output]:
    """进度图: the plan year's chart, then one per other year named in schedules."""
    return [Output(TITLE, gantt_document(plan))]
