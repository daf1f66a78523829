"""Plan revisions (调整): what changed between two versions of a plan.

Offices revise a plan mid-year and must publish what changed.  Items are matched by
content, not by 序号: a revision that inserts a task renumbers every task after it, and
a list keyed by 序号 would call all of them changed.  Matching runs in three passes, each
only over what the previous left unmatched:

1. the same task and measures (white space ignored) — the item is the same, whatever
   else changed;
2. the same task alone, where that task occurs once on each side;
3. the most similar remaining pair of the whole text (task, goal, measures), best
   first, when at least ``SIMILAR`` of it agrees — a reworded task stays one task.

Whatever is left is added (new plan) or removed (old plan).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from .model import Item, Plan

SIMILAR = 0.6  # share of matching characters (difflib ratio) for a reworded task
_SPACE = re.compile(r"[\s\u00a0\u3000]+")
_TEXT_FIELDS = ("task", "goal", "measures")

ChangeKind = Literal["added", "removed", "changed", "renumbered", "unchanged"]


@dataclass(frozen=True)
class FieldChange:
    """One field of a matched item, before and after; units as lists, texts verbatim."""

    field: str
    heading: str
    old: str
    new: str
    added: tuple[str, ...] = ()  # units only: named now, not before
    removed: tuple[str, ...] = ()  # units only: named before, not now
    note: str = ""  # schedules: how the deadline moved, "完成时间由6月调整为9月"

    @property
    def text(self) -> str:
        """The change as a reader of the 调整对照表 reads it."""
        if self.added or self.removed:
            parts = [f"增加{'、'.join(self.added)}" if self.added else "", f"减少{'、'.join(self.removed)}" if self.removed else ""]
            return f"{self.heading}：{'；'.join(p for p in parts if p)}"
        note = f"（{self.note}）" if self.note else ""
        return f"{self.heading}：“{self.old}”调整为“{self.new}”{note}"


@dataclass(frozen=True)
class ItemChange:
    """An item of either plan and what became of it."""

    old: Item | None
    new: Item | None
    fields: tuple[FieldChange, ...] = ()

    @property
    def kind(self) -> ChangeKind:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        if self.fields:
            return "changed"
        return "renumbered" if self.old.label != self.new.label else "unchanged"

    @property
    def renumbered(self) -> bool:
        return self.old is not None and self.new is not None and self.old.label != self.new.label

    @property
    def task(self) -> str:
        item = self.new or self.old
        assert item is not None
        return item.task


@dataclass(frozen=True)
class PlanDiff:
    """Every item of both plans, in the new plan's order, removed items after them."""

    old: Plan
    new: Plan
    items: tuple[ItemChange, ...]

    def of_kind(self, kind: ChangeKind) -> list[ItemChange]:
        return [c for c in self.items if c.kind == kind]

    @property
    def renumbered(self) -> list[ItemChange]:
        return [c for c in self.items if c.renumbered]

    @property
    def has_changes(self) -> bool:
        return any(c.kind != "unchanged" for c in self.items) or self.old.title != self.new.title

    def summary(self) -> str:
        """One line: "新增1项，删除1项，内容调整2项，序号变动3项"."""
        counts = (
            ("新增", len(self.of_kind("added"))),
            ("删除", len(self.of_kind("removed"))),
            ("内容调整", len(self.of_kind("changed"))),
            ("序号变动", len(self.renumbered)),
        )
        return "，".join(f"{what}{count}项" for what, count in counts)


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """What changed from ``old`` to ``new``, item by item (matched as the module says)."""
    pairs = _match(old.items, new.items)
    matched_old = {id(o) for o, _ in pairs.values()}
    changes = [
        ItemChange(pairs[i][0], item, _field_changes(pairs[i][0], item, new)) if i in pairs else ItemChange(None, item)
        for i, item in enumerate(new.items)
    ]
    changes += [ItemChange(item, None) for item in old.items if id(item) not in matched_old]
    return PlanDiff(old, new, tuple(changes))


def _key(text: str) -> str:
    return _SPACE.sub("", text)


def _match(old: list[Item], new: list[Item]) -> dict[int, tuple[Item, Item]]:
    """New item index → (old item, new item) for every item found in both plans."""
    pairs: dict[int, tuple[Item, Item]] = {}
    free_old = list(range(len(old)))

    def pair_by(key: Callable[[Item], str], unique: bool) -> None:
        """Pair equal keys in order; with ``unique``, only keys found once on each side."""
        by_key: dict[str, list[int]] = {}
        for j in free_old:
            by_key.setdefault(key(old[j]), []).append(j)
        free_new = [i for i in range(len(new)) if i not in pairs]
        new_count = Counter(key(new[i]) for i in free_new)
        for i in free_new:
            candidates = by_key.get(key(new[i]), [])
            if candidates and not (unique and (len(candidates) > 1 or new_count[key(new[i])] > 1)):
                j = candidates.pop(0)
                free_old.remove(j)
                pairs[i] = (old[j], new[i])

    pair_by(lambda item: _key(item.task) + "\n" + _key(item.measures), unique=False)
    pair_by(lambda item: _key(item.task), unique=True)
    _pair_similar(old, new, free_old, pairs)
    return pairs


def _whole_text(item: Item) -> str:
    return _key(f"{item.task}{item.goal}{item.measures}")


def _pair_similar(old: list[Item], new: list[Item], free_old: list[int], pairs: dict[int, tuple[Item, Item]]) -> None:
    """Pair the most similar remaining items, best first (quick_ratio filters cheaply)."""
    free_new = [i for i in range(len(new)) if i not in pairs]
    scored = []
    for i in free_new:
        for j in free_old:
            matcher = SequenceMatcher(None, _whole_text(old[j]), _whole_text(new[i]), autojunk=False)
            if matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR:
                ratio = matcher.ratio()
                if ratio >= SIMILAR:
                    scored.append((-ratio, i, j))
    taken_old: set[int] = set()
    for _, i, j in sorted(scored):
        if i not in pairs and j not in taken_old:
            pairs[i] = (old[j], new[i])
            taken_old.add(j)
    free_old[:] = [j for j in free_old if j not in taken_old]


def _field_changes(old: Item, new: Item, plan: Plan) -> tuple[FieldChange, ...]:
    """The fields that differ, in the order the table prints them (序号 is not a change
    of content: a renumbered item is reported as such)."""
    changes = [
        FieldChange(field, plan.heading(field), getattr(old, field), getattr(new, field))
        for field in (*_TEXT_FIELDS, "leader")
        if getattr(old, field) != getattr(new, field)
    ]
    if old.schedule != new.schedule:
        before, after = due_text(old), due_text(new)
        note = f"完成时间由{before}调整为{after}" if before != after else ""
        changes.append(FieldChange("schedule", plan.heading("schedule"), old.schedule, new.schedule, note=note))
    for field in ("lead", "participants"):
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            added = tuple(u for u in after if u not in before)
            removed = tuple(u for u in before if u not in after)
            shown_before = old.lead_display if field == "lead" else old.participants_display
            shown_after = new.lead_display if field == "lead" else new.participants_display
            if added or removed:
                changes.append(FieldChange(field, plan.heading(field), shown_before, shown_after, added, removed))
            else:  # the same units in another order
                changes.append(FieldChange(field, plan.heading(field), shown_before, shown_after))
    for heading in dict.fromkeys([*old.extra, *new.extra]):
        before, after = old.extra.get(heading, ""), new.extra.get(heading, "")
        if before != after:
            changes.append(FieldChange(f"extra.{heading}", heading, before, after))
    order = [*_TEXT_FIELDS, "leader", "lead", "participants", "schedule"]
    return tuple(sorted(changes, key=lambda c: order.index(c.field) if c.field in order else len(order)))


def due_text(item: Item) -> str:
    """When the item should be done, as a reader says it ("7月底", "2011年6月底"), to call
    out a moved deadline; a period ends with its last month, as ``progress.due_date`` has it."""
    timing = item.timing
    if not timing.parsed:
        return "未排期"
    if timing.due:
        return f"{timing.due}月底"
    if timing.other_due or (timing.other_months and not timing.months):
        year, month = (timing.other_due or max(timing.other_months)).split("-")
        return f"{year}年{int(month)}月底"
    return f"{max(timing.months)}月底" if timing.months else "无明确期限"
