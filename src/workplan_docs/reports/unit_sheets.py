"""Per-unit responsibility sheets (分工表): what each unit leads and takes part in.

Every unit named in the plan, lead or participant, including units named inside role
sentences, gets a sheet, collective names too (kind 统称, "各科室": sent to each member),
except generic references (kind 泛指, "相关司局"): there is nobody to send those to, so
they appear only in the overview.  One file per unit and
one combined file (overview, then one section per unit with its own page numbers).
A sheet is titled as an office titles it: "<unit>重点工作分工表", the full name when known.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import WorkplanError
from ..filenames import safe_file_name, where_named
from ..layout import Cell, Column, Document, Paragraph, Section, Table
from ..model import Item, Plan, UnitTasks
from ..units import GENERIC_KIND
from . import Output
from ._common import TaskColumn, field_column, kind_label, names, plan_document, role_text, task_table
from ._common import title_block

FOLDER = "分工表"
COMBINED = "分工表汇总"
SHEET_TITLE = "重点工作分工表"


def _has_sheet(unit: UnitTasks) -> bool:
    """Generic references (相关司局, 有关技术机构 …) name nobody a sheet could be sent to."""
    return unit.kind != GENERIC_KIND


def _count_line(unit: UnitTasks) -> str:
    lead, participate = len(unit.lead), len(unit.participate)
    return f"牵头{lead}项，参与{participate}项，共{lead + participate}项。"


def _others(item: Item, unit: str) -> str:
    """The other units of an item, by role, so a unit sees whom to work with."""
    lines = []
    leads = [u for u in item.lead if u != unit]
    participants = [u for u in item.participants if u != unit and u not in item.lead]
    if leads:
        lines.append(f"牵头：{names(leads)}")
    if participants:
        lines.append(f"参与：{names(participants)}")
    return "\n".join(lines) or "—"


def _sheet_table(plan: Plan, unit: UnitTasks) -> Table:
    columns = (
        field_column(plan, "seq"),
        TaskColumn(Column("分工", None, "center"), lambda item: Cell(role_text(item, unit.unit))),
        *(field_column(plan, f) for f in ("task", "goal", "measures")),
        TaskColumn(Column("其他相关单位", None), lambda item: Cell(_others(item, unit.unit))),
        field_column(plan, "schedule"),
    )
    return task_table(plan, columns, [*unit.lead, *unit.participate])


def _sheet_title(unit: UnitTasks) -> str:
    """"科技司重点工作分工表", with the unit's full name when the registry gives one."""
    return f"{unit.title}{SHEET_TITLE}"


def _unit_section(plan: Plan, unit: UnitTasks, restart_numbering: bool = False) -> Section:
    """One unit's sheet: its title, the count line, then its tasks (牵头 first)."""
    blocks = (*title_block(_sheet_title(unit), plan), Paragraph(_count_line(unit), "body"), _sheet_table(plan, unit))
    return Section(name=unit.unit, blocks=blocks, orientation="landscape", restart_numbering=restart_numbering)


def _unit_name(unit: UnitTasks) -> str:
    """The unit as the overview lists it: "认监委（国家认证认可监督管理委员会）" when the
    registry gives a full name; a column of full names would stand mostly empty."""
    if unit.full_name and unit.full_name != unit.unit:
        return f"{unit.unit}（{unit.full_name}）"
    return unit.unit


def _overview_section(plan: Plan, units: list[UnitTasks]) -> Section:
    """Every unit with its kind and counts; the units without a sheet are named below."""
    with_kind = any(unit.kind for unit in units)  # no registry: no 类别 column to leave empty
    columns = (
        Column("序号", 12, "center"),
        Column("单位", 86 if with_kind else 122),
        *([Column("类别", 36, "center")] if with_kind else []),  # "总局管理的国家局" on one line
        Column("牵头（项）", 23, "center"),
        Column("参与（项）", 23, "center"),
        Column("合计（项）", 23, "center"),
    )
    rows = tuple(
        (
            Cell.count(number),
            Cell(_unit_name(unit)),
            *([Cell(kind_label(unit.kind))] if with_kind else []),
            Cell.count(len(unit.lead)),
            Cell.count(len(unit.participate)),
            Cell.count(len(unit.lead) + len(unit.participate)),
        )
        for number, unit in enumerate(units, start=1)
    )
    without = [unit.unit for unit in units if not _has_sheet(unit)]
    summary = f"共{len(units)}个单位，均单列分工表。"
    if without:
        summary = (f"共{len(units)}个单位，其中{len(units) - len(without)}个单位单列分工表；"
                   f"{names(without)}不是具体单位，不单列分工表。")
    blocks = (*title_block("各单位分工汇总", plan), Paragraph(summary, "body"), Table(columns, rows))
    return Section(name="各单位汇总", blocks=blocks, orientation="landscape")


def combined_document(plan: Plan, units: list[UnitTasks]) -> Document:
    """分工表汇总: the overview, then one section per unit, each numbered from page 1."""
    sections = [_overview_section(plan, units)]
    sections += [_unit_section(plan, unit, restart_numbering=True) for unit in units if _has_sheet(unit)]
    return plan_document(plan, f"各单位{SHEET_TITLE}", sections, "分工表")


def _unit_document(plan: Plan, unit: UnitTasks, sheet: Section) -> Document:
    """A unit's own file: its sheet as the combined file has it (one table, fitted once),
    numbered as a document of its own."""
    return plan_document(plan, _sheet_title(unit), [replace(sheet, restart_numbering=False)], "分工表")


def _select_units(plan: Plan, wanted: list[str] | None) -> list[UnitTasks]:
    """The plan's units in first-mention order, limited to ``wanted`` (names, aliases or full names)."""
    every = plan.unit_tasks()
    if wanted is None:
        return every
    by_name = {u.unit: u for u in every}
    by_full_name = {u.full_name: u for u in every if u.full_name}
    chosen: set[str] = set()
    for name in wanted:
        found = by_name.get(plan.registry.resolve(name)) or by_full_name.get(name.strip())
        if found is None:
            known = "、".join(u.unit for u in every if _has_sheet(u))
            raise WorkplanError(f"计划中没有单位“{name}”。可选单位：{known}")
        if not _has_sheet(found):
            raise WorkplanError(f"“{found.unit}”为泛指，不单列分工表")
        chosen.add(found.unit)
    return [u for u in every if u.unit in chosen]


def outputs(plan: Plan, units: list[str] | None = None) -> list[Output]:
    """分工表/分工表汇总 and 分工表/<单位>: file names made safe; two units sharing one is an error."""
    selected = _select_units(plan, units)
    taken: dict[str, str] = {}
    combined = combined_document(plan, selected)
    sheets = iter(combined.sections[1:])  # one per unit with a sheet, in order
    result = [Output(f"{FOLDER}/{safe_file_name(COMBINED, taken, COMBINED)}", combined)]
    for unit in selected:
        if _has_sheet(unit):
            name = safe_file_name(unit.unit, taken, f"单位“{unit.unit}”的分工表", where_named(unit))
            result.append(Output(f"{FOLDER}/{name}", _unit_document(plan, unit, next(sheets))))
    return result
