"""Recognise column headings: which plan field a printed heading stands for.

Offices name the same column in many ways (牵头单位 / 责任单位 / 主办单位); every reader
maps headings here.  A heading that maps to no field becomes an ``extra`` column.
"""

from __future__ import annotations

import re

SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号"),
    "task": (
        "重要工作", "工作任务", "重点任务", "任务", "工作内容", "民生实事", "工作事项", "任务名称",
        "主要任务", "重点工作", "任务内容", "工作项目",
    ),
    "goal": ("工作目标", "目标", "预期目标", "具体目标", "目标要求"),
    "measures": (
        "主要内容和措施", "主要措施", "工作措施", "具体要求", "具体措施", "主要内容", "措施",
        "推进措施", "工作举措", "主要举措", "工作要求",
    ),
    "lead": ("牵头单位", "责任单位", "责任部门", "责任科室", "主办单位", "牵头部门", "牵头处室", "责任处室", "责任主体"),
    "participants": (
        "参与部门（单位）", "参与部门", "参与单位", "配合单位", "配合部门", "协办单位", "参加单位", "配合处室",
    ),
    "schedule": (
        "时间进度", "完成时限", "时限要求", "完成时间", "时间安排", "进度安排", "时间节点", "完成期限", "时间要求",
    ),
}
# "责任单位（牵头）" / "责任单位（配合）": a unit heading qualified by the role it names.
_ROLE_QUALIFIERS = {"牵头": "lead", "主办": "lead", "主责": "lead", "配合": "participants", "参与": "participants",
                    "协办": "participants", "参加": "participants"}
_QUALIFIED = re.compile(r"(.+?)[（(](.+)[）)]")
_LOOKUP = {
    re.sub(r"[()（）]", "", heading): field for field, headings in SYNONYMS.items() for heading in headings
}


def normalise_heading(text: str) -> str:
    """Headings wrap inside narrow cells ("牵头\\n单位"): compare them without white space."""
    return re.sub(r"[\s\u00a0\u3000]+", "", text)


def field_for(heading: str) -> str | None:
    text = normalise_heading(heading)
    field = _LOOKUP.get(re.sub(r"[()（）]", "", text))
    qualified = _QUALIFIED.fullmatch(text)
    if field is None and qualified and field_for(qualified[1]) in ("lead", "participants"):
        return _ROLE_QUALIFIERS.get(qualified[2])
    return field


def map_headings(headings: list[str]) -> list[str | None]:
    """The field of each column; a second column for a field already taken moves on
    (牵头单位 then 责任单位 → lead, participants) or becomes an extra column."""
    fields: list[str | None] = []
    for heading in headings:
        field = field_for(heading)
        if field in fields:
            field = "participants" if field == "lead" and "participants" not in fields else None
        fields.append(field)
    return fields
