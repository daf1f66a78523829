"""The official attachment (附件): the plan table under its label and title, printed as
the office's own table — the source's columns in its order, its group heading rows (each
level), its merged cells, and one table under its heading and its own header row for each
table of the source."""

from __future__ import annotations

from dataclasses import replace
from itertools import groupby

from ..filenames import safe_file_name
from ..layout import SHORT_COLUMN_EM, Block, Cell, Column, Document, Paragraph, Section, Table, text_em
from ..lazy_re import LazyPattern
from ..model import FIELD_NAMES, Item, Plan
from . import Output

# Names a reader gives a table that had no heading of its own: not printed as a heading.
_GENERIC_SOURCE = LazyPattern(r"(表|sheet|Sheet|工作表)\s*\d*")


def column_keys(plan: Plan) -> list[str]:
    """The attachment's columns: field names (seq, task …) or extra headings.

    An imported plan prints the source's columns in the source's order (and any extra
    column the order does not name, after them, so nothing is dropped); a plan written
    by hand prints the seven columns of the seed layout (with 责任领导 before 牵头单位 when
    some item names a leader), then its extra columns."""
    extras = plan.extra_columns()
    if plan.column_order is None:
        with_leader = any(item.leader for item in plan.items)
        return [*(f for f in FIELD_NAMES if f != "leader" or with_leader), *extras]
    return [*plan.column_order, *(e for e in extras if e not in plan.column_order)]


def _texts(item: Item) -> dict[str, str]:
    return {
        "seq": item.printed_label, "task": item.task, "goal": item.goal, "measures": item.measures, "leader": item.leader,
        "lead": item.lead_display, "participants": item.participants_display, "schedule": item.schedule,
    }


def _row_texts(item: Item, keys: list[str]) -> list[str]:
    """What ``item`` prints in each column of ``keys``: units as the user wrote them
    (lead_text), the schedule verbatim, an extra column's cell."""
    texts = _texts(item)
    return [texts[key] if key in FIELD_NAMES else item.extra.get(key, "") for key in keys]


def plan_row(plan: Plan, item: Item) -> tuple[Cell, ...]:
    """One item as printed, unmerged: a cell per column of ``column_keys``."""
    keys = column_keys(plan)
    return tuple(_cell(k, text) for k, text in zip(keys, _row_texts(item, keys)))


def _cell(key: str, text: str, merge_up: bool = False) -> Cell:
    """The cell holding ``text`` in column ``key``; a 序号 that is a whole number is one (XLSX)."""
    cell = Cell.serial(text) if key == "seq" else Cell(text)
    return replace(cell, merge_up=True) if merge_up else cell


def plan_columns(plan: Plan, keys: list[str] | None = None, source: str | None = None) -> tuple[Column, ...]:
    """The attachment's columns (headed as the table ``source`` heads them), widths from the
    content.  序号 is centred, and so is a 时间进度 column whose every cell is a short line;
    all other cells are left-aligned."""
    keys = column_keys(plan) if keys is None else keys
    short_schedules = all(text_em(i.schedule) <= SHORT_COLUMN_EM and "\n" not in i.schedule for i in plan.items)
    centred = {"seq"} | ({"schedule"} if short_schedules else set())
    return tuple(
        Column(plan.heading(k, source) if k in FIELD_NAMES else k, None, "center" if k in centred else "left")
        for k in keys
    )


def _merges(item: Item, above: Item | None, key: str, text: str, text_above: str) -> bool:
    """Does ``item``'s cell in ``key``, holding ``text``, continue the cell above (``above``'s,
    holding ``text_above``): the source merged it, or the same task goes on over its
    sub-items (5.1, 5.2 …).  Only ever for equal texts, so no cell's own text is hidden."""
    if above is None or not text or text != text_above:
        return False
    return key in item.merged_above or (key == "task" and _siblings(item, above))


def _siblings(item: Item, above: Item) -> bool:
    """Sub-items of one numbered task (5.1 and 5.2): two tasks that merely read the same
    (1 and 2) stay two cells, each printed."""
    parent, dot, _ = item.label.rpartition(".")
    return bool(dot) and above.label.rpartition(".")[0] == parent


def _rows(plan: Plan, items: list[Item], keys: list[str]) -> list[tuple[Cell, ...]]:
    """Body rows: a full-width row for each group heading where it starts (every level, the
    outermost first: "一、…" then "（一）…"), then the items, each cell merged with the one
    above where ``_merges`` says so (never across a group row)."""
    rows: list[tuple[Cell, ...]] = []
    path: tuple[str, ...] = ()
    above: Item | None = None
    texts_above = [""] * len(keys)
    for index, item in enumerate(items):
        if item.group_path and item.group_path != path:
            rows += [_group_row(heading, keys) for heading in _changed(path, item.group_path)]
            path, above = item.group_path, None
        below = items[index + 1] if index + 1 < len(items) and items[index + 1].group_path == item.group_path else None
        texts = _row_texts(item, keys)
        cells = [_cell(k, t, _merges(item, above, k, t, texts_above[c])) for c, (k, t) in enumerate(zip(keys, texts))]
        if "seq" in keys and (_merged_number(item, above) or _merged_number(below, item)):
            at = keys.index("seq")  # "5.1", "5.2" under a 序号 "5" the source merged print as that "5"
            cells[at] = replace(Cell.serial(item.printed_label.rpartition(".")[0]), merge_up=_merged_number(item, above))
        rows.append(tuple(cells))
        above, texts_above = item, texts
    return rows


def _group_row(heading: str, keys: list[str]) -> tuple[Cell, ...]:
    return (Cell(heading, "left", bold=True, span=len(keys)),)


def _changed(path: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    """The group headings of ``new`` to print after items under ``path``: from the first level
    that differs, and at least the nearest one (a heading the source printed again)."""
    same = 0
    while same < min(len(path), len(new) - 1) and path[same] == new[same]:
        same += 1
    return new[same:]


def _merged_number(item: Item | None, above: Item | None) -> bool:
    """Is ``item`` a sub-item whose 序号 cell the source merged with ``above``'s (both read
    "5" in the source, numbered 5.1 and 5.2 on import)?"""
    return item is not None and above is not None and "seq" in item.merged_above and _siblings(item, above)


def _tables(plan: Plan, keys: list[str]) -> list[Block]:
    """One table per table of the source (items of one ``source`` in a row), each under its
    heading when the source had one that is not the plan's title, and under its own header
    row (``Plan.heading`` of its ``source``); a table ends with the group headings the source
printed after its last item (``Plan.trailing_groups``)."""
    blocks: list[Block] = []
    last = {item.source: item for item in plan.items}
    for source, run in groupby(plan.items, key=lambda i: i.source):
        items = list(run)
        if source and source != plan.title and not _GENERIC_SOURCE.fullmatch(source):
            blocks.append(Paragraph(source, "heading"))
        rows = _rows(plan, items, keys)
        if items[-1] is last[source]:
            rows += [_group_row(h, keys) for t in plan.trailing_groups if t.source == source for h in t.headings]
        blocks.append(Table(plan_columns(plan, keys, source), tuple(rows)))
    return blocks


def attachment(plan: Plan) -> Document:
    blocks = (Paragraph(plan.attachment, "label"), Paragraph(plan.title, "title"), *_tables(plan, column_keys(plan)))
    section = Section(name=plan.attachment, blocks=blocks)
    return Document(title=plan.title, sections=(section,), subject=plan.attachment, author=plan.issuer or "")


def outputs(plan: Plan) -> list[Output]:
    """附件.<fmt>: the attachment as issued."""
    return [Output(safe_file_name(plan.attachment), attachment(plan))]
