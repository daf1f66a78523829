"""Read a plan published as labelled paragraphs instead of a table.

Many plans print each task as a numbered paragraph followed by labelled lines (嘉兴, 丽水,
立山, 许昌, 蔡甸, 宁波 …)::

    一、加大城市治堵力度
    开工建设三元路(东升路-城北路)和纺工路下穿铁路……
    分管领导:张仁贵
    牵头单位:市治堵办
    责任单位:南湖区政府、秀洲区政府……

Others end each numbered paragraph with its units in brackets (东莞: "1.…实施期限延长至2022年
4月30日。(市人力资源社会保障局、市医保局、市财政局、市税务局负责)").

A document without a table is read as such a list when its paragraphs carry labels.  A
label line is "标签：内容" with a label of at most eight characters that names a unit,
person or schedule column (牵头单位, 责任单位, 分管领导, 完成时限 …); once one is found, the
label lines right after it count too, whatever their label (实际完成情况).  A closing bracket of a
numbered paragraph that names units only (role words allowed) is that task's 责任单位 cell.  Each block of
lines followed by label lines is one task: its last numbered line ("1.", "一、", "(一)") is
the task and its number the 序号, the lines after it are the 主要内容, and numbered lines
before it are group headings (一、经济社会发展的主要预期目标) for it and the tasks after it,
nested by their numbering ("（一）…" under "一、…", ``table.nested``).
Lines before the first task are the title lines.  The list is handed to ``table.py`` as one
table headed 序号 | 重要工作 | 主要内容 | each label as printed, so a label is read like a
heading (责任单位 beside 牵头单位 is the participants).
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import PlanError, Problem, warn
from ..units import is_blank, looks_like_unit, split_units
from .columns import field_for, holds_persons, holds_units
from .table import ImportOptions, NamedTable, assemble, clean_cell, nested

_LABEL_TEXT = r"([^\s：:，,。；;、（()）]{2,8})[：:]\s*(.+)"
_LABELS = (re.compile(_LABEL_TEXT, re.S), re.compile(r"[（(]" + _LABEL_TEXT + r"[)）]", re.S))  # "（责任单位：…）"
_NUMBER = re.compile(r"\s*(?:([一二三四五六七八九十百]+)[、.．]|([（(][一二三四五六七八九十\d]+[)）])|(\d+)[、.．](?!\d))\s*")
_LABELLED_FIELDS = ("lead", "participants", "leader", "schedule")
# "1.…实施期限延长至2022年4月30日。(市人力资源社会保障局、市医保局负责)": units in the closing
# bracket of a numbered paragraph (one level of brackets inside: "市委组织部(市委人才办)").
_CLOSING_BRACKET = re.compile(r"(.+?)[（(]((?:[^（()）]|[（(][^（()）]*[)）])+)[)）]", re.S)
CLOSING_BRACKET_HEADING = "责任单位"


def _label(line: str, after_label: bool) -> tuple[str, str] | None:
    """(label, text) of a label line: a known label, or any label right after one."""
    match = _LABELS[1].fullmatch(line) or _LABELS[0].fullmatch(line)
    if not match:
        return None
    label = match[1]
    if after_label or field_for(label) in _LABELLED_FIELDS or holds_units(label) or holds_persons(label):
        return label, match[2].strip()
    return None


def _closing_units(line: str) -> tuple[str, str] | None:
    """(task, units) of a numbered paragraph whose closing bracket names units only."""
    match = _CLOSING_BRACKET.fullmatch(line)
    if not match or not _NUMBER.match(line):
        return None
    mentions = split_units(match[2])
    return (match[1].rstrip(), match[2]) if mentions and all(looks_like_unit(m.name) for m in mentions) else None


def _blocks(lines: list[str]) -> tuple[list[tuple[list[str], list[tuple[str, str]]]], list[str]]:
    """(text lines, label lines) of each task, in order, and the lines after the last labels."""
    blocks: list[tuple[list[str], list[tuple[str, str]]]] = []
    text: list[str] = []
    labels: list[tuple[str, str]] = []
    for line in lines:
        found = _label(line, bool(labels)) if text else None
        if found:
            labels.append(found)
            continue
        if labels:
            blocks.append((text, labels))
            text, labels = [], []
        closing = _closing_units(line)
        text.append(closing[0] if closing else line)
        if closing:
            labels.append((CLOSING_BRACKET_HEADING, closing[1]))
    if labels:
        blocks.append((text, labels))
        text = []
    return blocks, text


def read_paragraphs(paragraphs: list[str]) -> tuple[NamedTable, list[str]] | None:
    """The labelled list as one table and the lines after its last labels (not read), or
    None when no paragraph carries a label."""
    lines = [clean_cell(p) for p in paragraphs if not is_blank(p)]
    blocks, after = _blocks(lines)
    if not blocks:
        return None
    title: list[str] = []
    group: tuple[str, ...] = ()
    items: list[tuple[str, str, str, dict[str, str], tuple[str, ...]]] = []
    for n, (text, labels) in enumerate(blocks):
        numbered = [i for i, line in enumerate(text) if _NUMBER.match(line)]
        task = numbered[-1] if numbered else (len(text) - 1 if n == 0 else 0)
        headings: list[str] = []
        for line in text[:task]:  # a heading's unnumbered next line continues it
            if _NUMBER.match(line) or (not headings and n > 0):
                headings.append(line)
            elif headings:
                headings[-1] += "\n" + line
            else:
                title.append(line)
        for k, heading in enumerate(headings):
            group = nested(group, heading, right_after=k > 0)
        number = _NUMBER.match(text[task])
        seq = (number[1] or number[2] or number[3]) if number else ""
        cells: dict[str, str] = {}
        for label, value in labels:
            cells[label] = f"{cells[label]}\n{value}" if label in cells else value
        items.append((seq, text[task][number.end():] if number else text[task], "\n".join(text[task + 1:]), cells, group))
    labels_seen: list[str] = []  # each label after the one it follows where first seen
    for *_, cells, _ in items:
        previous = -1
        for label in cells:
            if label not in labels_seen:
                labels_seen.insert(previous + 1, label)
            previous = labels_seen.index(label)
    measures = any(item[2] for item in items)
    headings = ["序号", "重要工作", *(["主要内容"] if measures else []), *labels_seen]
    rows = [[seq, task, *([body] if measures else []), *(cells.get(label, "") for label in labels_seen)]
            for seq, task, body, cells, _ in items]
    table = NamedTable("正文", title, headings, rows, [item[4] for item in items], [[False] * len(headings) for _ in rows])
    return table, after


def read_labelled_paragraphs(paragraphs: list[str], source: str, fallback_title: str, options: ImportOptions | None,
                             no_table: str) -> dict[str, Any]:
    """Plan-file data from a document without a table, read as a labelled list; ``no_table``
    says what a table would be, for the message when there is no list either."""
    found = read_paragraphs(paragraphs)
    if found is None:
        raise PlanError(Problem(f"{no_table}，或每项工作下以“牵头单位：…”“责任单位：…”标注单位的段落", source))
    table, after = found
    warn(Problem(f"文档中没有表格，已按段落读取 {len(table.rows)} 项工作，列为：{'、'.join(table.headings)}；请核对序号、工作和单位",
                 source))
    if after:
        warn(Problem(f"最后一项工作的标注之后还有 {len(after)} 段文字，未作为工作读入：“{' '.join(after[0].split())[:20]}”…", source))
    return assemble([table], source, fallback_title, options)
