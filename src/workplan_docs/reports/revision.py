"""调整对照表: a revised plan against the plan it replaces, for publishing what changed.

Not a report of one plan (it needs two), so it is not in ``REPORTS``: the ``diff``
command renders it alone.  Each changed, added or removed task is one row; unit and
deadline changes are worded as an office words them ("牵头单位：增加办公室", "完成时间由
6月底调整为9月底").  Tasks that only moved to another 序号 are listed apart, briefly.
"""

from __future__ import annotations

from ..layout import Block, Cell, Column, Document, Paragraph, Section, Table
from ..revision import ItemChange, PlanDiff
from ._common import FILL_GROUP, plan_document

TITLE = "调整对照表"
_KIND_NAMES = {"added": "新增", "removed": "删除", "changed": "调整"}


def _label(item_change: ItemChange, side: str) -> Cell:
    item = getattr(item_change, side)
    return Cell.serial(item.label) if item is not None else Cell("—")


def _content(change: ItemChange) -> str:
    if change.kind == "added":
        item = change.new
        assert item is not None
        return f"新增任务，{item.lead_display}牵头，时间进度：{item.schedule or '未写明'}"
    if change.kind == "removed":
        return "删除任务"
    return "\n".join(field.text for field in change.fields)


def _changes_table(diff: PlanDiff) -> Table:
    columns = (
        Column("原序号", 18, "center"),
        Column("现序号", 18, "center"),
        Column(diff.new.heading("task"), 52),
        Column("类别", 13, "center"),
        Column("调整内容", 124),
    )
    rows = []
    for kind in ("changed", "added", "removed"):
        group = diff.of_kind(kind)  # type: ignore[arg-type]
        if not group:
            continue
        rows.append((Cell(f"{_KIND_NAMES[kind]}任务（{len(group)}项）", "left", FILL_GROUP, bold=True, span=len(columns)),))
        rows.extend(
            (_label(c, "old"), _label(c, "new"), Cell(c.task), Cell(_KIND_NAMES[kind]), Cell(_content(c)))
            for c in group
        )
    return Table(columns, tuple(rows))


def _renumbered_table(diff: PlanDiff) -> Table:
    columns = (Column("原序号", 20, "center"), Column("现序号", 20, "center"), Column(diff.new.heading("task"), 185))
    rows = tuple((_label(c, "old"), _label(c, "new"), Cell(c.task)) for c in diff.renumbered)
    return Table(columns, rows)


def revision_document(diff: PlanDiff) -> Document:
    """The 调整对照表 of ``diff``: what changed, then what was only renumbered."""
    blocks: list[Block] = [
        Paragraph(f"{diff.new.title}{TITLE}", "title"),
        Paragraph(f"与原计划相比：{diff.summary()}。", "subtitle"),
    ]
    if diff.old.title != diff.new.title:
        blocks.append(Paragraph(f"计划标题：“{diff.old.title}”调整为“{diff.new.title}”。", "body"))
    if any(c.kind in _KIND_NAMES for c in diff.items):
        blocks.append(_changes_table(diff))
    else:
        blocks.append(Paragraph("各项任务的内容未作调整。", "body"))
    if diff.renumbered:
        blocks += [Paragraph(f"序号变动（{len(diff.renumbered)}项）", "heading"), _renumbered_table(diff)]
    return plan_document(diff.new, TITLE, [Section(name=TITLE, blocks=tuple(blocks), orientation="landscape")], TITLE)
