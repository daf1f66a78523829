"""The official attachment (附件): the plan table under its label and title."""

from __future__ import annotations

from ..filenames import safe_file_name
from ..layout import Cell, Column, Document, Paragraph, Section, Table
from ..model import Item, Plan
from . import Output

# Column widths in millimetres of the 225 mm landscape type area (writers scale them):
# wide enough that the four-character headings (牵头单位, 时间进度) do not wrap in 小四.
_WEIGHTS = {"seq": 12, "task": 30, "goal": 40, "measures": 68, "lead": 21, "participants": 33, "schedule": 21}
_CENTRED = {"seq", "schedule"}
EXTRA_WEIGHT = 25


def plan_columns(plan: Plan) -> tuple[Column, ...]:
    """The attachment's columns: the seven fields, then any extra columns."""
    fields = tuple(
        Column(plan.heading(f), _WEIGHTS[f], "center" if f in _CENTRED else "left") for f in _WEIGHTS
    )
    return fields + tuple(Column(h, EXTRA_WEIGHT) for h in plan.extra_columns())


def plan_row(plan: Plan, item: Item, extras: list[str] | None = None) -> tuple[Cell, ...]:
    """One item as printed: units as the user wrote them (lead_text), schedule verbatim.

    ``extras``: the plan's extra column headings, when the caller has them already
    (finding them reads every item, which for every row would make a table quadratic).
    """
    texts = [item.task, item.goal, item.measures, item.lead_display, item.participants_display, item.schedule]
    texts += [item.extra.get(h, "") for h in (plan.extra_columns() if extras is None else extras)]
    return (Cell.serial(item.label), *(Cell(t) for t in texts))


def attachment(plan: Plan) -> Document:
    extras = plan.extra_columns()
    table = Table(plan_columns(plan), tuple(plan_row(plan, item, extras) for item in plan.items))
    section = Section(
        name=plan.attachment,
        blocks=(Paragraph(plan.attachment, "label"), Paragraph(plan.title, "title"), table),
    )
    return Document(title=plan.title, sections=(section,), subject=plan.attachment, author=plan.issuer or "")


def outputs(plan: Plan) -> list[Output]:
    """附件.<fmt>: the attachment as issued."""
    return [Output(safe_file_name(plan.attachment), attachment(plan))]
