"""Machine-readable views of a plan (``show``, ``units``, ``quarters`` with ``--json``).

Scripts and our own checks depend on these shapes: keys are only ever added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import FIELD_NAMES, Item, Plan

if TYPE_CHECKING:
    from .revision import PlanDiff


def _schedule(item: Item) -> dict[str, Any]:
    timing = item.timing
    return {
        "text": timing.text,
        "months": timing.months,
        "due": timing.due,
        "kind": timing.kind,
        "all_year": timing.all_year,
        "other_months": timing.other_months,
        "other_due": timing.other_due,
    }


def _item(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {
        "seq": item.seq,
        "task": item.task,
        "goal": item.goal,
        "measures": item.measures,
        **({"leader": item.leader, "leaders": item.leaders} if item.leader else {}),
        "lead": item.lead,
        "participants": item.participants,
        "schedule": _schedule(item),
    }
    for key in ("seq_text", "lead_text", "participants_text", "source"):
        if getattr(item, key) is not None:
            data[key] = getattr(item, key)
    if item.group_path:
        data["group_path"] = list(item.group_path)  # outermost first: "一、…", then "（一）…"
    if item.extra:
        data["extra"] = item.extra
    roles = {name: item.role_of(name) for name in item.units() if item.role_of(name)}
    if roles:
        data["roles"] = roles
    return data


def plan_view(plan: Plan) -> dict[str, Any]:
    """``show --json``: the validated plan with parsed schedules and resolved units."""
    return {
        "title": plan.title,
        "attachment": plan.attachment,
        "year": plan.year,
        "issuer": plan.issuer,
        "columns": {field: plan.heading(field) for field in FIELD_NAMES},
        "items": [_item(item) for item in plan.items],
        **({"trailing_groups": [t.model_dump(exclude_none=True) for t in plan.trailing_groups]} if plan.trailing_groups else {}),
        "units": [{"name": u.unit, "full_name": u.full_name, "kind": u.kind} for u in plan.unit_tasks()],
    }


def units_view(plan: Plan) -> list[dict[str, Any]]:
    """``units --json``: each unit with the 序号 it leads and takes part in."""
    return [
        {
            "unit": u.unit,
            "lead": [i.seq for i in u.lead],
            "participate": [i.seq for i in u.participate],
            "full_name": u.full_name,
            "kind": u.kind,
            "registered": plan.registry.knows(u.unit),
        }
        for u in plan.unit_tasks()
    ]


def quarters_view(plan: Plan) -> dict[str, Any]:
    """``quarters --json``: per quarter the 序号 under way and falling due; unscheduled apart."""
    return {
        "year": plan.year,
        "quarters": [
            {"year": q.year, "quarter": q.quarter, "active": [i.seq for i in q.active], "due": [i.seq for i in q.due]}
            for q in plan.quarters()
        ],
        "unscheduled": [i.seq for i in plan.unscheduled()],
    }


def diff_view(diff: PlanDiff) -> dict[str, Any]:
    """Plan revisions (``diff --json``): each task added, removed, changed or renumbered."""
    return {
        "summary": diff.summary(),
        "items": [
            {
                "kind": change.kind,
                "old_seq": change.old.seq if change.old is not None else None,
                "new_seq": change.new.seq if change.new is not None else None,
                "task": change.task,
                "changes": [
                    {"field": f.field, "heading": f.heading, "old": f.old, "new": f.new,
                     "added": list(f.added), "removed": list(f.removed), "note": f.note}
                    for f in change.fields
                ],
            }
            for change in diff.items
            if change.kind != "unchanged"
        ],
    }
