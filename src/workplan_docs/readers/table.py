"""Turn the tables found in a document into plan-file data, the same way for every format.

The text, DOCX, XLSX and XLS readers each find their tables (``grid.py`` resolves merges,
headers, group rows and numbering) and hand them here as ``NamedTable``s with the text
lines above each.  Decided here once:

Title and headings.  The title is the document's title paragraph (the lines above the
first table, after a "附件" label).  A short line right above a later table is that
table's heading ("二、办公室"); when later tables have headings, the last line above the
first table is its heading too (the title is the lines before it).  A document with no
title imports with a warning and the file name as a stand-in; ``--title`` sets one.
A numbered line ("一、…") between the title and the only table is that table's heading.
The plan year, when not given, is the year the title names ("2016年民生实事…"), with a note.

Items.  Each row is an item; cells are kept verbatim.  Unit cells go to ``lead_text`` /
``participants_text`` as printed, and the plan derives the unit lists and roles from them
("办公室牵头，各科室配合"; a line "省牵头单位：…", the lead at another level, is printed
and not counted).  Unrecognised columns are extra columns; a further column of units
(政策处理单位, a second 配合单位) stays an extra column with a warning saying how to count its
units (``--column 列名=participants``).  A column of leaders (责任领导, 分管领导, any heading
ending in 领导; 责任人 / 负责人 when its cells name persons, not units) is ``leader``; a
further column of persons (项目责任人) stays an extra column, with a note.
Each item notes its group heading (``group``) and the group headings above that one
(``group_parents``: "一、…" over "（一）…", see ``nested``), the columns the source merged with
the cell above (``merged_above``) and, with several tables or a heading, its table (``source``).
Group heading rows after a table's last item are kept as the plan's ``trailing_groups``.
The plan notes the source's columns in order (``column_order``), every heading that is not
the default (``columns``, as the first table to have the column prints it), and the headings
a later table prints otherwise (``source_columns``: "重点工作任务(杭州市2项牵头工作、19项配合工作)").

A table repeating an earlier one (a copy kept on another sheet) is skipped with a warning;
``--sheet`` chooses tables by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import schedule
from ..errors import PlanError, Problem, warn
from ..cycles import CYCLE_HEADING, CYCLES, read_cycle
from ..model import DEFAULT_COLUMNS, split_leaders
from ..units import first_unit_leads_note, is_blank, looks_like_unit, split_units
from .columns import FIELD_LABELS, comparable, describe, field_named, holds_persons, holds_units, map_headings
from .columns import names_responsible_person, normalise_heading

_SPACE_EDGES = re.compile(r"^[\s\u00a0\u3000]+|[\s\u00a0\u3000]+$")
_LABEL_PUNCTUATION = "：:"
_SHORT_TITLE_LINE = 40  # characters: a longer line worded as a sentence is body text
_LONG_TITLE_LINE = 80  # characters: a longer line is never a title
_TITLE_LINES = 3
_MAX_TABLE_HEADING = 60
_ENUMERATED = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])")
# The numbering of a group heading, which tells its level: 一、 above （一） above 1. above （1）.
_HEADING_LEVELS = (
    re.compile(r"[一二三四五六七八九十百]+[、.．]"),
    re.compile(r"[（(][一二三四五六七八九十百]+[)）]"),
    re.compile(r"\d+[、.．](?!\d)"),
    re.compile(r"[（(]\d+[)）]"),
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# "1*" in the 序号 column: a numbered task with a mark the document explains (杭州市牵头的工作).
_MARKED_NUMBER = re.compile(r"(\d+)\s*[*＊※★☆]")
# Columns that hold a schedule between them: 开工年份 / 竣工年份, or one column per quarter.
_START = re.compile(r"开工(年份|年度|时间|日期)$")
_FINISH = re.compile(r"(竣工|完工|建成)(年份|年度|时间|日期)$")
_QUARTER = re.compile(r"第?([一二三四1-4])季度")
_QUARTER_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def clean_cell(text: str) -> str:
    """Trim the layout noise around a cell (spaces, no-break spaces); keep inner line breaks."""
    lines = [line.rstrip(" \t\u00a0\u3000") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _SPACE_EDGES.sub("", "\n".join(lines))


def is_label(text: str) -> bool:
    """The attachment label line: "附件", "附件2", "附件：" (a longer line is body text)."""
    text = clean_cell(text)
    return text.rstrip(_LABEL_PUNCTUATION).startswith("附件") and len(text) <= 8


def parse_seq(text: str) -> int | str:
    """Print "1" as the integer 1, "1.0" (a number from a spreadsheet) too; keep labels like "5.1"."""
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.0+", text):
        return int(text.split(".")[0])
    return text


def _heading_level(heading: str) -> int:
    """The level of a group heading by its numbering (0: "一、"); an unnumbered one is the deepest."""
    text = heading.lstrip()
    return next((n for n, pattern in enumerate(_HEADING_LEVELS) if pattern.match(text)), len(_HEADING_LEVELS))


def nested(path: tuple[str, ...], heading: str, *, right_after: bool) -> tuple[str, ...]:
    """The group headings (outermost first) over the rows after ``heading``, which follows the
    headings ``path``.  Right after the last of them (``right_after``: no item between) it goes
    under it, so that both print; else it takes the place of the first one at its level or
    deeper ("二、…" after "一、…", "（一）…" gives "二、…"), or goes under them ("（一）…" under "一、…")."""
    level = _heading_level(heading)
    depth = next((d for d, above in enumerate(path) if _heading_level(above) >= level), len(path))
    return (*path, heading) if right_after else (*path[:depth], heading)


@dataclass(frozen=True)
class NamedTable:
    """A table found in a document: the name items cite when it has no heading ("表2",
    a sheet name), the text lines above it, its headings and rows (merges resolved)."""

    name: str
    lines_before: list[str]
    headings: list[str]
    rows: list[list[str]]
    groups: list[tuple[str, ...]]  # the group headings over each row, outermost first (see ``nested``)
    merged: list[list[bool]]  # per row and column: the cell continues a cell merged down
    trailing: list[str] = field(default_factory=list)  # group heading rows after its last row

    @classmethod
    def plain(cls, name: str, lines_before: list[str], headings: list[str], rows: list[list[str]]) -> NamedTable:
        """A table without merges or group rows (the flattened text)."""
        return cls(name, lines_before, headings, rows, [()] * len(rows), [[False] * len(headings) for _ in rows])


class UnmappedTable(PlanError):
    """A table without a task or lead column: the message says so, and ``headings`` (as
    printed) with ``fields`` (what each was read as, None: an extra column) let a caller
    offer the mapping (the web page's drop-downs) instead of the user retyping headings."""

    def __init__(self, problem: Problem, headings: list[str], fields: list[str | None]) -> None:
        super().__init__(problem)
        self.headings = headings
        self.fields = fields


@dataclass
class ImportOptions:
    """What the user says about a document on import (``workplan-docs import`` options)."""

    columns: dict[str, str] = field(default_factory=dict)  # printed heading → field (or "extra")
    lead: str | None = None  # the lead of every item without one
    lead_from: str | None = None  # "heading": each table's heading is its items' lead
    first_unit_leads: bool = False  # 列第一位的为牵头单位
    title: str | None = None
    sheets: list[str] = field(default_factory=list)  # read only these tables / sheets


def _title_block(lines: list[str]) -> tuple[str | None, list[str]]:
    """The label and the title lines among the lines above the first table: the lines
    from the last "附件" label on; without a label, the lines (at most three) right above
    the table that are not body text of the notice."""
    texts = [clean_cell(t) for t in lines if not is_blank(t)]
    labels = [i for i, t in enumerate(texts) if is_label(t)]
    if labels:
        texts = texts[labels[-1] :]
        return texts[0].rstrip(_LABEL_PUNCTUATION), texts[1:]
    short: list[str] = []
    for text in reversed(texts):
        if _body_text(text) or len(short) == _TITLE_LINES:
            break
        short.insert(0, text)
    return None, short


def _body_text(line: str) -> bool:
    """A line of the notice, not of the title: long and worded as a sentence ("…。",
    "各单位："), or too long for any title."""
    return len(line) > _LONG_TITLE_LINE or (len(line) > _SHORT_TITLE_LINE and bool(re.search(r"[。；;]|[：:]$", line)))


def _last_short_line(lines: list[str]) -> str | None:
    texts = [clean_cell(t) for t in lines if not is_blank(t)]
    return texts[-1] if texts and len(texts[-1]) <= _MAX_TABLE_HEADING and not is_label(texts[-1]) else None


def title_and_headings(tables: list[NamedTable]) -> tuple[str | None, list[str], list[str | None]]:
    """The label, the title lines and each table's heading (see the module docstring)."""
    label, title = _title_block(tables[0].lines_before)
    joined = "".join(title)
    later = [_last_short_line(t.lines_before) for t in tables[1:]]
    later = [None if h is None or h == joined else h for h in later]
    first: str | None = None
    if any(later) and len(title) >= 2:
        first, title = title[-1], title[:-1]
    elif any(later) and len(title) == 1 and _ENUMERATED.match(title[0]):
        first, title = title[0], []
    elif len(title) >= 2 and _ENUMERATED.match(title[-1]):  # "一、未来五年主要工作任务" under the title
        first, title = title[-1], title[:-1]
    return label, title, [first, *later]


def _year_of(title: str) -> int | None:
    years = set(_YEAR.findall(title))
    return int(years.pop()) if len(years) == 1 and not re.search(r"\d{4}\s*[-—–~至到]\s*\d{4}", title) else None


def _lead_name(heading: str) -> str:
    """A table heading as a unit name: "一、财务处：" → 财务处."""
    return _ENUMERATED.sub("", heading).strip().rstrip(_LABEL_PUNCTUATION).strip()


class _Assembly:
    """Builds the plan data of one document; collects warnings and notes on the way."""

    def __init__(self, source: str, options: ImportOptions) -> None:
        self.source = source
        self.options = options
        self.explicit = {comparable(h): field_named(f) or "" for h, f in options.columns.items()}
        self.warnings: list[Problem] = []

    def warn(self, message: str) -> None:
        """Collected, each once, and issued when the document has been read."""
        problem = Problem(message, self.source)
        if problem not in self.warnings:
            self.warnings.append(problem)

    def chosen(self, tables: list[NamedTable], headings: list[str | None]) -> list[tuple[NamedTable, str | None]]:
        """The tables to read: those ``--sheet`` names, without repeats of an earlier table."""
        pairs = list(zip(tables, headings))
        if self.options.sheets:
            wanted = {comparable(s) for s in self.options.sheets}
            named = {comparable(n) for t, h in pairs for n in (t.name, h or "")}
            missing = [s for s in self.options.sheets if comparable(s) not in named]
            if missing:
                names = "、".join(t.name + (f"（{h}）" if h else "") for t, h in pairs)
                raise PlanError(Problem(f"没有名为“{missing[0]}”的工作表或表格；可选：{names}", self.source))
            pairs = [(t, h) for t, h in pairs if comparable(t.name) in wanted or comparable(h or "") in wanted]
        kept: list[tuple[NamedTable, str | None]] = []
        seen: dict[tuple[Any, ...], str] = {}
        for table, heading in pairs:
            key = (tuple(comparable(h) for h in table.headings), tuple(tuple(r) for r in table.rows))
            if key in seen:
                self.warn(f"“{table.name}”与“{seen[key]}”内容相同，未重复导入；如需导入这一份，可用 --sheet {table.name}")
                continue
            seen[key] = table.name
            kept.append((table, heading))
        return kept

    def fields_of(self, table: NamedTable, heading: str | None, several: bool) -> list[str | None]:
        """The field of each column, refusing a table without a task or lead column."""
        fields = map_headings(table.headings, self.explicit)
        if "leader" not in fields:
            for index, (text, f) in enumerate(zip(table.headings, fields)):
                if f is None and comparable(text) not in self.explicit and names_responsible_person(text):
                    if _holds_persons([row[index] for row in table.rows if index < len(row)]):
                        fields[index] = "leader"
                        break
        where = f"“{heading or table.name}”" if several else ""
        missing = [f for f in ("task", "lead") if f not in fields]
        if "lead" in missing and (self.options.lead or (self.options.lead_from == "heading" and heading)):
            missing.remove("lead")
        if missing:
            needed = missing[0]
            raise UnmappedTable(Problem(
                f"{where}找不到“{FIELD_LABELS[needed]}”一类的列。表头：{describe(table.headings, fields)}；"
                f"可用 --column 列名={needed} 指定" + ("，或用 --lead 单位名称 指定全部工作的牵头单位" if needed == "lead" else ""),
                self.source,
            ), [normalise_heading(h) for h in table.headings], fields)
        if self.options.lead_from == "heading" and "lead" not in fields and not heading:
            raise PlanError(Problem(f"{where or '表格'}上方没有标题，无法用作牵头单位；请用 --lead 单位名称 指定", self.source))
        for text, f in zip(table.headings, fields):
            name = normalise_heading(text)
            if f is not None or not name or comparable(name) in self.explicit:
                continue
            if holds_persons(name):
                self.warn(f"列“{name}”按人员处理，作为附加列保留，不计入单位")
            elif holds_units(name):
                self.warn(f"列“{name}”中的单位未计入牵头或参与单位，仅作为附加列保留；如需计入，可用 --column {name}=participants")
        return fields

    def items(self, table: NamedTable, heading: str | None, fields: list[str | None], source: str | None) -> list[dict[str, Any]]:
        keys = [f or normalise_heading(h) or f"第{n}列" for n, (h, f) in enumerate(zip(table.headings, fields), 1)]
        first_leads = self.options.first_unit_leads or self.states_first_unit_leads(table, fields)
        items: list[dict[str, Any]] = []
        for row, group, merged in zip(table.rows, table.groups, table.merged):
            cells = [clean_cell(c) for c in row] + [""] * (len(keys) - len(row))
            if all(is_blank(c) for c in cells):
                continue
            item: dict[str, Any] = {}
            extra: dict[str, str] = {}
            for key, f, text in zip(keys, fields, cells):
                if f is None:
                    extra[key] = text
                elif f == "seq":
                    item["seq"] = parse_seq(text) if text else ""
                    if marked := _MARKED_NUMBER.fullmatch(text):  # "1*": the number, printed with its mark
                        item["seq"], item["seq_text"] = int(marked[1]), text
                elif f in ("lead", "participants"):
                    _units(item, f, text)
                elif not is_blank(text):
                    item[f] = f"{item[f]}\n{text}" if f in item else text
            if "seq" not in fields:
                item["seq"] = len(items) + 1
            if "schedule" not in fields:
                phrase = _derived_schedule(table.headings, fields, cells, item)
                if phrase:
                    item["schedule"] = phrase
            self.leads(item, heading, "participants" in fields, first_leads)
            self.cycle(item, extra)
            if extra:
                item["extra"] = extra
            if group:
                item["group"] = group[-1]
            if len(group) > 1:
                item["group_parents"] = list(group[:-1])
            above = [key for key, flag in zip(keys, merged) if flag]
            if above:
                item["merged_above"] = list(dict.fromkeys(above))
            if source:
                item["source"] = source
            items.append(item)
        return items

    def cycle(self, item: dict[str, Any], extra: dict[str, str]) -> None:
        """A 报送频次 / 反馈频次 column gives the item's ``report_every`` (the column stays as
        it is printed); a cell that names no cycle is left to the plan's, with a warning."""
        for heading, text in extra.items():
            if not CYCLE_HEADING.fullmatch(comparable(heading)) or is_blank(text):
                continue
            cycle = read_cycle(text)
            if cycle is not None:
                item["report_every"] = cycle
            else:
                self.warn(f"列“{heading}”中的“{text}”不是报送频次（{'、'.join(CYCLES)}），按计划的缺省频次报送")
            return

    def states_first_unit_leads(self, table: NamedTable, fields: list[str | None]) -> bool:
        """Does the table say that the first unit of a cell leads, in its lead column's heading
        or in a note inside one of its cells ("列第一位为牵头或汇总单位，下同")?  A careful
        reader applies that to every cell of the table, as --first-unit-leads does; not where
        a column of participants says who takes part."""
        if "lead" not in fields or "participants" in fields:
            return False
        column = fields.index("lead")
        for text in (table.headings[column], *(row[column] for row in table.rows if column < len(row))):
            note = first_unit_leads_note(text)
            if note:
                self.warn(f"表中注明（{note}）：按此以每格列第一位的单位为牵头单位，其余为参与单位"
                          "（格中标明“牵头”“配合”等的，按所标）")
                return True
        return False

    def leads(self, item: dict[str, Any], heading: str | None, has_participants: bool, first_leads: bool) -> None:
        """Leads the table or the options decide: the first unit (--first-unit-leads, or the
        table's own note), --lead, --lead-from heading."""
        text = item.get("lead_text") or "、".join(item.get("lead", []))
        if text and first_leads:
            if has_participants:
                self.warn("表格有参与单位列，--first-unit-leads 未使用（只用于只有一个责任单位列的表）")
                return
            mentions = split_units(text)
            if len(mentions) > 1 and not any(m.marker for m in mentions):  # role words say it themselves
                item["lead"], item["participants"] = [mentions[0].name], [m.name for m in mentions[1:]]
                item["lead_text"] = text
        elif not text and self.options.lead:
            item["lead"] = [self.options.lead]
        elif not text and self.options.lead_from == "heading" and heading:
            item["lead"] = [_lead_name(heading)]


def _holds_persons(cells: list[str]) -> bool:
    """A 责任人 column names persons (叶林, "张三、李四"), not units (县民政局): the leader."""
    names = [name for cell in cells for name in split_leaders(clean_cell(cell))]
    return bool(names) and not any(looks_like_unit(name) for name in names)


def _derived_schedule(headings: list[str], fields: list[str | None], cells: list[str], item: dict[str, Any]) -> str:
    """A schedule for a table without a schedule column, from the columns that hold one
    (开工年份 / 竣工年份, one column per quarter) or from the dates opening the measures or
    task text ("3月：…"); the source's cells stay as they are."""
    extra = [(comparable(h), text) for h, f, text in zip(headings, fields, cells) if f is None]
    start = next((text for h, text in extra if _START.search(h)), "")
    finish = next((text for h, text in extra if _FINISH.search(h)), "")
    if not is_blank(start) or not is_blank(finish):
        return schedule.from_start_finish(start, finish)
    quarters = [(int(_QUARTER_NUMBERS[m[1]]), text) for h, text in extra if (m := _QUARTER.search(h))]
    if len(quarters) >= 2:
        return schedule.from_quarter_columns([q for q, text in quarters if not is_blank(text)])
    return schedule.leading_period(item.get("measures", "")) or schedule.leading_period(item.get("task", "")) or ""


def _units(item: dict[str, Any], field: str, text: str) -> None:
    """A unit cell: its list of units, with the verbatim cell as ``<field>_text`` when the
    list does not say it all (line breaks, "等", "…协助").  A lead cell stating roles
    ("X牵头，Y配合", "（牵头）") is passed verbatim only: the model splits it into lead and
    participants (``units.assign_roles``)."""
    if is_blank(text):
        return
    earlier = item.pop(f"{field}_text", None) or "、".join(item.pop(field, []))
    text = f"{earlier}\n{text}" if earlier else text
    mentions = split_units(text)
    if any(m.marker == "context" or (field == "lead" and m.marker) for m in mentions):
        item[f"{field}_text"] = text
        return
    if mentions:
        item[field] = [m.name for m in mentions]
    if "、".join(item.get(field, [])) != text:
        item[f"{field}_text"] = text


def _numbered(tables: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The items of all tables, with 序号 that name one item each.  Tables that each number
    from 1 clash: then every item's 序号 is "<table>-<number>" (1-1, 1-2, 2-1 …), and
    ``seq_text`` keeps the number the source printed (the attachment prints that).
    Numbers that run on from table to table (1-5, then 6-9) stay as they are."""
    per_table = [{str(item["seq"]) for item in items} for items in tables]
    if not any(labels & other for n, labels in enumerate(per_table) for other in per_table[:n]):
        return [item for items in tables for item in items]
    for number, items in enumerate(tables, 1):
        for item in items:
            item["seq"], item["seq_text"] = f"{number}-{item['seq']}", item.get("seq_text", str(item["seq"]))
    return [item for items in tables for item in items]


def _check_columns(tables: list[NamedTable], options: ImportOptions, source: str) -> None:
    """Every heading named with --column is a heading of some table."""
    present = {comparable(h) for t in tables for h in t.headings}
    for heading in options.columns:
        if comparable(heading) not in present:
            shown = "、".join(dict.fromkeys(normalise_heading(h) for t in tables for h in t.headings))
            raise PlanError(Problem(f"--column：表头中没有“{heading}”列（表头为：{shown}）", source))


def assemble(
    tables: list[NamedTable], source: str, fallback_title: str, options: ImportOptions | None = None
) -> dict[str, Any]:
    """Plan-file data from the tables of a document (see the module docstring)."""
    options = options or ImportOptions()
    _check_columns(tables, options, source)
    work = _Assembly(source, options)
    label, title_lines, headings = title_and_headings(tables)
    data: dict[str, Any] = {}
    if label:
        data["attachment"] = label
    title = options.title or "".join(title_lines)
    if not title:
        title = fallback_title
        work.warn(f"文档没有标题，暂以文件名“{fallback_title}”作标题；可用 --title 标题 指定")
    data["title"] = title
    year = _year_of(title) if title != fallback_title else None
    if year is not None:
        data["year"] = year
        work.warn(f"计划年度取自标题：{year} 年（如不对，可用 --year 指定）")
    chosen = work.chosen(tables, headings)
    several = len(chosen) > 1
    columns: dict[str, str] = {}
    claimed: set[str | None] = set()  # fields whose heading an earlier table set, default or not
    own_columns: dict[str, dict[str, str]] = {}  # by source: its headings that differ from ``columns``
    order: list[str] = []
    tables: list[list[dict[str, Any]]] = []
    trailing: list[dict[str, Any]] = []  # group headings after a table's last item
    for table, heading in chosen:
        fields = work.fields_of(table, heading, several)
        cited = heading or (table.name if several else None)  # the items' ``source``
        table_items = work.items(table, heading, fields, cited)
        # Each field's heading in this table: that of the first column read as the field.
        printed = dict(reversed([(f, normalise_heading(text)) for text, f in zip(table.headings, fields) if f]))
        for f, text in printed.items():
            if f not in claimed and text != DEFAULT_COLUMNS[f]:
                columns[f] = text
        claimed.update(fields)
        own = {f: printed[f] for f in DEFAULT_COLUMNS if f in printed and printed[f] != columns.get(f, DEFAULT_COLUMNS[f])}
        if cited and own:
            own_columns.setdefault(cited, own)
        order += [k for k in (f or normalise_heading(h) for h, f in zip(table.headings, fields)) if k and k not in order]
        tables.append(table_items)
        if table.trailing and table_items:
            trailing.append({**({"source": cited} if cited else {}), "headings": table.trailing})
        elif table.trailing:
            work.warn(f"“{heading or table.name}”中没有任务，其中的分组标题未读入：{'、'.join(table.trailing)}")
    items = _numbered(tables)
    if not items:
        raise PlanError(Problem("表格中只有表头，没有任何工作任务", source))
    if columns:
        data["columns"] = {f: columns[f] for f in DEFAULT_COLUMNS if f in columns}
    if own_columns:
        data["source_columns"] = own_columns
    data["column_order"] = order
    data["items"] = items
    if trailing:
        data["trailing_groups"] = trailing
    for problem in work.warnings:
        warn(problem)
    return data
