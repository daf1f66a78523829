"""Recognise column headings: which plan field a printed heading stands for.

Offices name the same column in many ways (牵头单位 / 责任单位 / 主办单位); every reader
maps headings here.  Headings are compared without white space (a heading wrapped in a
narrow cell, "牵头\\n单位"), in half-width form (full-width letters, digits and brackets
count as their plain forms) and in simplified characters (a copy saved in traditional
characters, 責任單位).  A heading that maps to no field becomes an extra column;
``--column 列名=字段`` maps one explicitly.
"""

from __future__ import annotations

import re
import unicodedata

from ..model import DEFAULT_COLUMNS
from ..units import first_unit_leads_note

FIELD_LABELS: dict[str, str] = DEFAULT_COLUMNS  # each field as the seed's table names it

SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号"),
    "task": (
        "重要工作", "重点工作", "重点工作任务", "工作任务", "主要任务", "重点任务", "目标任务", "任务", "任务名称",
        "任务内容", "项目", "项目名称", "项目内容", "事项", "工作事项", "民生实事", "工作项目", "内容与要求",
        "内容及要求", "主要工作任务",
    ),
    "goal": ("工作目标", "目标", "预期目标", "具体目标", "目标要求"),
    "measures": (
        "主要内容和措施", "主要内容及措施", "主要措施", "工作措施", "具体措施", "具体要求", "主要内容", "工作内容",
        "具体内容", "任务分解", "推进措施", "措施", "工作举措", "主要举措", "工作要求", "建设内容", "建设规模及内容",
    ),
    "lead": (
        "牵头单位", "责任单位", "主要责任单位", "责任部门", "责任科室", "责任处室", "责任股室", "牵头部门", "牵头处室",
        "牵头科室", "主办单位", "承办单位", "责任主体", "部门分工", "责任分工",
    ),
    "participants": (
        "参与部门（单位）", "参与部门", "参与单位", "配合单位", "协同配合单位", "协办单位", "配合部门", "协同单位",
        "协同部门", "参加单位", "配合处室", "配合科室", "协作单位", "主要参与单位", "主要配合单位",
    ),
    "leader": (
        "责任领导", "牵头领导", "分管领导", "联系领导", "包联领导", "包抓领导", "包保领导", "分线领导", "牵头县领导",
        "责任县领导", "联系县领导",
    ),
    "schedule": (
        "时间进度", "完成时限", "完成时间", "时间节点", "时限要求", "进度安排", "时间安排", "完成期限", "推进时限",
        "时序进度", "时间要求", "建设起止年限", "起止年限", "建设年限", "实施年限", "建设期限", "计划完成时间",
        "计划完成时限",
    ),
}
# "工作内容" / "主要内容" are the measures beside a task column; alone they are the task.
MEASURES_AS_TASK = "measures"

# "责任单位（牵头）" / "责任单位（配合）": a unit heading qualified by the role it names.
_ROLE_QUALIFIERS = {"牵头": "lead", "主办": "lead", "主责": "lead", "配合": "participants", "参与": "participants",
                    "协办": "participants", "参加": "participants"}
_QUALIFIED = re.compile(r"(.+?)\((.+)\)")
# Text columns whose heading may carry a note in brackets; a unit or schedule heading with a
# bracket is a role ("责任单位（牵头）") or a split column ("时间进度（一季度）").
_NOTED_FIELDS = ("seq", "task", "goal", "measures")
# Traditional characters of the headings above (a page copy or a file saved in 繁体).
_TRADITIONAL = "牽牵號号項项稱称責责單单頭头門门參参與与協协辦办進进時时間间節节點点內内務务標标劃划處处舉举動动導导領领備备實实際际現现狀状況况規规設设總总資资計计階阶構构體体負负組组織织類类別别註注預预額额說说達达隊队"
_SIMPLIFIED = str.maketrans(_TRADITIONAL[0::2], _TRADITIONAL[1::2])
# Headings of further columns that hold units (手续代办单位, 政策处理单位, a second 配合单位) …
_UNIT_HEADING = re.compile(r"(单位|部门|科室|处室|股室|机构|主体)$")
# … and of columns that hold persons (责任领导, 包联领导, 项目责任人).
_PERSON_HEADING = re.compile(r"(领导|责任人|负责人|联系人|经办人)$")
# A leader heading the synonyms do not list: "区政府分管领导", "县级包联领导" (not a 领导小组).
_LEADER_HEADING = re.compile(r"领导$")
# 责任人: the leader when the column holds persons and no 领导 column is there (readers.table).
_RESPONSIBLE_HEADING = re.compile(r"^(责任人|负责人|牵头责任人|责任领导人)$")


def normalise_heading(text: str) -> str:
    """A heading as printed, without the white space of a wrapped cell."""
    return re.sub(r"[\s\u00a0\u3000]+", "", text)


def comparable(text: str) -> str:
    """The form headings are compared in: no white space, half-width, simplified."""
    return unicodedata.normalize("NFKC", normalise_heading(text)).translate(_SIMPLIFIED)


_LOOKUP = {
    re.sub(r"[()]", "", comparable(heading)): field for field, headings in SYNONYMS.items() for heading in headings
}


def field_for(heading: str) -> str | None:
    """The field a printed heading names, or None."""
    text = comparable(heading)
    field = _LOOKUP.get(re.sub(r"[()]", "", text))
    qualified = _QUALIFIED.fullmatch(text)
    if field is None and qualified and qualified[2] in _ROLE_QUALIFIERS:
        return _ROLE_QUALIFIERS[qualified[2]] if field_for(qualified[1]) in ("lead", "participants") else None
    if field is None and qualified and field_for(qualified[1]) in _NOTED_FIELDS:
        return field_for(qualified[1])  # "重点工作任务(杭州市2项配合工作)": a note on the heading
    if field is None and qualified and first_unit_leads_note(text) and field_for(qualified[1]) == "lead":
        return "lead"  # "责任单位（排在第一位的为牵头单位）": the convention, applied to the column's cells
    if field is None and _LEADER_HEADING.search(text):
        return "leader"
    return field


def field_named(name: str) -> str | None:
    """The field a user names in ``--column 列名=字段``: seq/task/… or a heading (牵头单位);
    "extra" keeps the column as an extra column."""
    name = name.strip()
    if name in FIELD_LABELS or name == "extra":
        return name
    if comparable(name) in ("附加列", "附加"):
        return "extra"
    return field_for(name)


def holds_units(heading: str) -> bool:
    """A heading that names units (…单位, …部门, …科室), whatever their role."""
    return bool(_UNIT_HEADING.search(comparable(heading)))


def names_responsible_person(heading: str) -> bool:
    """责任人 / 负责人: a column that is the 责任领导 when its cells hold persons."""
    return bool(_RESPONSIBLE_HEADING.fullmatch(comparable(heading)))


def holds_persons(heading: str) -> bool:
    """A heading that names persons (责任领导, 包联领导, 项目责任人), not units."""
    return bool(_PERSON_HEADING.search(comparable(heading)))


def map_headings(headings: list[str], explicit: dict[str, str] | None = None) -> list[str | None]:
    """The field of each column (None: an extra column).

    ``explicit`` maps comparable headings to fields ("extra" for an extra column) and wins.
    Otherwise a second column for a field already taken moves on (牵头单位 then 责任单位 →
    lead, participants) or becomes an extra column; of two task columns the later one is
    the task and the earlier the theme it belongs to (项目 | 重点工作, 项目名称 | 工作任务),
    kept as an extra column; with no task column, the first measures column (工作内容,
    主要内容 …) is the task.
    """
    explicit = explicit or {}
    fields: list[str | None] = []
    for heading in headings:
        chosen = explicit.get(comparable(heading))
        if chosen is not None:
            fields.append(None if chosen == "extra" else chosen)
            continue
        field = field_for(heading)
        if field == "task" and field in fields and comparable(headings[fields.index("task")]) not in explicit:
            fields[fields.index("task")] = None
        elif field in fields:
            field = "participants" if field == "lead" and "participants" not in fields else None
        fields.append(field)
    if "task" not in fields and MEASURES_AS_TASK in fields:
        first = fields.index(MEASURES_AS_TASK)
        if comparable(headings[first]) not in explicit:
            fields[first] = "task"
    return fields


def describe(headings: list[str], fields: list[str | None]) -> str:
    """"序号 → 序号；重点工作任务 → 重要工作；主要责任单位 → 未识别": how each heading was read."""
    return "；".join(
        f"{normalise_heading(h) or '（空白）'} → {FIELD_LABELS[f] if f else '未识别'}" for h, f in zip(headings, fields)
    )
