"""Turn a table of printed cells (headings + rows of text) into plan items.

Shared by every document reader: the flattened text, DOCX and XLSX readers each
find the table in their format and hand the grid of cell texts to ``items_from_grid``.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import PlanError, Problem
from ..model import DEFAULT_COLUMNS
from ..units import is_blank, split_units
from .columns import map_headings, normalise_heading

_SPACE_EDGES = re.compile(r"^[\s\u00a0\u3000]+|[\s\u00a0\u3000]+$")
_LABEL_PUNCTUATION = "：:"


def clean_cell(text: str) -> str:
    """Trim the layout noise around a cell (spaces, no-break spaces); keep inner line breaks."""
    lines = [line.rstrip(" \t\u00a0\u3000") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _SPACE_EDGES.sub("", "\n".join(lines))


def is_label(text: str) -> bool:
    """The attachment label line: "附件", "附件2", "附件：" (a longer line is body text)."""
    text = clean_cell(text)
    return text.rstrip(_LABEL_PUNCTUATION).startswith("附件") and len(text) <= 8


def heading_block(lines: list[str]) -> dict[str, str]:
    """The label ("附件：" prints as 附件) and the title lines above the table."""
    texts = [clean_cell(line) for line in lines if not is_blank(line)]
    data: dict[str, str] = {}
    if texts and is_label(texts[0]):
        data["attachment"] = texts.pop(0).rstrip(_LABEL_PUNCTUATION)
    if texts:
        data["title"] = "".join(texts)
    return data


def parse_seq(text: str) -> int | str:
    """Print "1" as the integer 1, "1.0" (a number from a spreadsheet) too; keep labels like "5.1"."""
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.0+", text):
        return int(text.split(".")[0])
    return text


def unit_fields(field: str, text: str) -> dict[str, Any]:
    """The unit list of a cell, with the verbatim text kept when the list does not say it all.

    A cell stating roles ("X牵头，Y配合") is passed verbatim only: the model splits it
    into lead and participants (``units.assign_roles``)."""
    mentions = split_units(text)
    if field == "lead" and any(m.marker for m in mentions):
        return {"lead_text": text}
    names = [m.name for m in mentions]
    result: dict[str, Any] = {field: names} if names else {}
    if text and "、".join(names) != text:
        result[f"{field}_text"] = text
    return result


def columns_of(headings: list[str], fields: list[str | None]) -> dict[str, str]:
    """Headings that differ from the defaults, to be printed again as the user had them."""
    return {
        field: normalise_heading(heading)
        for heading, field in zip(headings, fields)
        if field and normalise_heading(heading) != DEFAULT_COLUMNS[field]
    }


def items_from_grid(
    headings: list[str], rows: list[list[str]], source: str, *, origin: str | None = None
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Items (as plan-file data) and non-default column headings from one table."""
    fields = map_headings(headings)
    if "task" not in fields:
        raise PlanError(Problem(f"表头中找不到“重要工作”一类的列（表头为：{'、'.join(normalise_heading(h) for h in headings)}）", source))
    items: list[dict[str, Any]] = []
    for row in rows:
        cells = [clean_cell(c) for c in row] + [""] * (len(headings) - len(row))
        if all(is_blank(c) for c in cells):
            continue
        item: dict[str, Any] = {}
        extra: dict[str, str] = {}
        for heading, field, text in zip(headings, fields, cells):
            if field is None:
                if text or normalise_heading(heading):
                    extra[normalise_heading(heading) or f"第{len(extra) + 1}列"] = text
            elif field in ("lead", "participants"):
                item.update(unit_fields(field, text))
            elif field == "seq":
                item["seq"] = parse_seq(text) if text else ""
            elif text:
                item[field] = text
        if "seq" not in fields:
            item["seq"] = len(items) + 1
        if extra:
            item["extra"] = extra
        if origin:
            item["source"] = origin
        items.append(item)
    return columns_of(headings, fields), items
