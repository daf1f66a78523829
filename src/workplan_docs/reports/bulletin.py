"""情况通报: the progress report written as the body of a 公文 (GB/T 9704 body typography,
portrait): a title, one paragraph of counts and shares, then the overdue tasks, the units
that did not report, and the table of each lead unit's counts (and each leader's, when
the plan names leaders).  The facts are the progress report's (``progress.assess``).

Alone it is 情况通报.docx/.pdf (title and body); with a notice whose ``body`` is
``bulletin`` it is that notice's body, under its 版头 and above its 署名 (reports.notice).
Shares are whole per cent, rounded half up (1 of 3 is 33 %, 2 of 3 is 67 %), so they need
not add up to 100.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ..errors import WorkplanError
from ..layout import Block, Paragraph, Section
from ..model import Item, Plan
from ..notice import bulletin_title, date_text
from ..progress import ProgressFile, align_progress
from . import Output
from ._common import body_paragraph, plan_document
from .progress import OVERDUE, WARN_DAYS, Assessment, assess, leader_table, unit_table

TITLE = "情况通报"
_NUMERALS = "一二三四五六七八九十"


def share(count: int, total: int) -> str:
    """"33%": ``count`` of ``total`` in whole per cent, rounded half up."""
    return f"{(count * 200 + total) // (total * 2)}%" if total else "0%"


def _task_text(item: Item) -> str:
    return item.task.strip().rstrip("。；;，,")


def summary_text(plan: Plan, judged: Assessment, as_of: dt.date) -> str:
    """截至…，《…》共N项工作，已完成X项（占Y%），推进中…；逾期Z项（占W%）。 Statuses no task has
    are left out, except 已完成."""
    total = len(judged.states)
    counts = judged.status_counts()
    parts = "，".join(f"{s}{n}项（占{share(n, total)}）" for s, n in counts if n or s == counts[0][0])
    overdue = sum(s.overdue for s in judged.states)
    tail = f"{OVERDUE}{overdue}项（占{share(overdue, total)}）" if overdue else f"无{OVERDUE}任务"
    return f"截至{date_text(as_of)}，《{plan.title}》共{total}项工作，{parts}；{tail}。"


def bulletin_blocks(plan: Plan, progress: ProgressFile, as_of: dt.date, warn_days: int = WARN_DAYS) -> list[Block]:
    """The body: the counts paragraph, then numbered parts (一、 …) for the overdue tasks,
    the units that owe a report, and the tables of counts; a part with nothing to say is
    left out and the parts after it move up."""
    judged = assess(plan, progress, as_of, warn_days)
    blocks: list[Block] = [body_paragraph(summary_text(plan, judged, as_of))]
    parts: list[tuple[str, list[Block]]] = []
    overdue = [s for s in judged.states if s.overdue]
    if overdue:
        lines = [
            f"{n}.{_task_text(s.item)}（{plan.heading('seq')}{s.item.label}；{plan.heading('lead')}：{s.item.lead_display}；"
            f"应完成时间：{date_text(s.due) if s.due else ''}；完成状态：{s.status}）。"
            for n, s in enumerate(overdue, start=1)
        ]
        parts.append((f"{OVERDUE}任务（{len(overdue)}项）", [body_paragraph(line) for line in lines]))
    if judged.owing:
        by_unit: dict[str, list[str]] = {}
        for period, unit, items in judged.owing:
            tasks = "、".join(f"{plan.heading('seq')}{i.label}“{_task_text(i)}”" for i in items)
            by_unit.setdefault(unit, []).append(f"{period.label}{tasks}")
        lines = [f"{n}.{unit}：{'；'.join(owed)}。" for n, (unit, owed) in enumerate(by_unit.items(), start=1)]
        parts.append((f"未报送单位（{len(by_unit)}个）", [body_paragraph(line) for line in lines]))
    parts.append(("各牵头单位完成情况（项）", [unit_table(plan, judged.states)]))
    if plan.leaders():
        parts.append((f"各{plan.heading('leader')}负责任务完成情况（项）", [leader_table(plan, judged.states)]))
    for number, (heading, content) in enumerate(parts):
        blocks += [body_paragraph(f"{_NUMERALS[number]}、{heading}"), *content]
    return blocks


def bulletin_section(plan: Plan, progress: ProgressFile, as_of: dt.date, warn_days: int = WARN_DAYS) -> Section:
    """The bulletin alone: its title, then its body, on portrait pages."""
    blocks = (Paragraph(bulletin_title(plan), "title"), *bulletin_blocks(plan, progress, as_of, warn_days))
    return Section(name=TITLE, blocks=blocks, orientation="portrait")


def needs_progress(progress: ProgressFile | None, plan: Plan, what: str) -> ProgressFile:
    """The progress data, checked against the plan; a clear line when it is missing."""
    if progress is None:
        raise WorkplanError(f"{what}需要进展数据：请用 --progress 指定由 collect 生成的 progress.yaml，并用 --as-of 指定统计日期")
    return align_progress(progress, plan, "进展数据")


def outputs(
    plan: Plan, progress: ProgressFile | None = None, as_of: dt.date | None = None, warn_days: int = WARN_DAYS
) -> list[Output]:
    """情况通报.docx / .pdf (a 公文 body, not a table: no XLSX)."""
    data = needs_progress(progress, plan, "情况通报")
    section = bulletin_section(plan, data, as_of or dt.date.today(), warn_days)
    document = replace(plan_document(plan, TITLE, [section], TITLE), title=bulletin_title(plan))
    return [Output(TITLE, document, formats=("docx", "pdf"))]
