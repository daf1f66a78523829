"""The plan: items, units and schedules, validated once where data enters.

A ``Plan`` keeps every cell as the user wrote it (``schedule`` is the printed text;
``lead_text`` the verbatim cell when it is more than a list) and derives what the
reports need (parsed schedules, resolved units, per-unit and per-quarter views).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from itertools import chain
from operator import attrgetter
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from . import schedule as schedule_parser
from .errors import Problem
from .lazy_re import LazyPattern
from .units import (
    Registry, UnitMention, assign_roles, blank, is_blank, looks_like_unit, normalise_name, split_units,
)

EXCEL_CELL_LIMIT = 32_767
_CONTROL_CHARS = LazyPattern(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Lone surrogates (only JSON escapes can make them) cannot be encoded as UTF-8, and
# U+FFFE/U+FFFF are not allowed in XML: every writer would fail on them.
_INVALID_CHARS = LazyPattern(r"[\ud800-\udfff\ufffe\uffff]")
# Between the persons of a 责任领导 cell: 、，；/ or a line break (a space may sit inside a
# title and a name, "常务副县长 张三", so it does not separate).
_LEADER_SEPARATORS = re.compile(r"[、，,；;／/\n]+")

FIELD_NAMES = ("seq", "task", "goal", "measures", "leader", "lead", "participants", "schedule")
FieldName = Literal["seq", "task", "goal", "measures", "leader", "lead", "participants", "schedule"]
DEFAULT_COLUMNS: dict[str, str] = {
    "seq": "序号",
    "task": "重要工作",
    "goal": "工作目标",
    "measures": "主要内容和措施",
    "leader": "责任领导",
    "lead": "牵头单位",
    "participants": "参与部门（单位）",
    "schedule": "时间进度",
}
# Fields a plan may leave empty in every item (a table without the column): ``Plan.filled_fields``.
OPTIONAL_FIELDS = ("goal", "measures", "schedule", "participants")


def check_text(value: str) -> str:
    """Refuse what no output format can hold, rather than alter it silently."""
    match = _CONTROL_CHARS.search(value)
    if match:
        raise ValueError(f"含有控制字符 U+{ord(match.group()):04X}（第 {match.start() + 1} 个字符），请删除")
    match = _INVALID_CHARS.search(value)
    if match:
        raise ValueError(f"含有无效字符 U+{ord(match.group()):04X}（第 {match.start() + 1} 个字符），请删除")
    if len(value) > EXCEL_CELL_LIMIT:
        raise ValueError(f"长度 {len(value)} 超过单元格上限 {EXCEL_CELL_LIMIT} 个字符")
    return value


# What check_text refuses, as constraints pydantic checks itself (a Python call for each of
# a plan's texts was a fifth of validating it).  Lone surrogates fail pydantic's own string
# check ("string_unicode").  ``text_problem`` says what is wrong, as check_text says it.
_TEXT_PATTERN = "^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]*$"
TEXT_ERRORS = frozenset({"string_pattern_mismatch", "string_too_long", "string_unicode"})

# Every text of a plan, wherever it sits (a list element, a dict key), is checked so, so an
# error names the exact place: "lead.2", "extra.备注", "units.0.aliases.1".


def _unconstrained(schema: dict[str, Any]) -> None:
    """The JSON schema (``workplan-docs schema``) of a text as before its constraints: an
    editor's own message for a control character would name no character."""
    del schema["pattern"], schema["maxLength"]


Text = Annotated[
    str, Field(strict=True, pattern=_TEXT_PATTERN, max_length=EXCEL_CELL_LIMIT, json_schema_extra=_unconstrained)
]


def _empty(kind: type[list[Any]] | type[dict[Any, Any]]) -> Any:
    """An empty list or dict default.  A factory, not ``= []``: pydantic deep-copies a mutable
    default for each instance with ``copy.deepcopy``, a third of validating a large plan's items
    (the schema still shows the default).  A Python function, not ``list`` itself: pydantic
    reads the factory's signature, and a builtin's is parsed from its text (with the
    tokenizer's regular expressions compiled on the way: 2 ms of every start)."""
    return Field(default_factory=lambda: kind(), json_schema_extra={"default": kind()})


def text_problem(value: str) -> str:
    """check_text's message for a text that ``Text`` refused."""
    try:
        check_text(value)
    except ValueError as error:
        return str(error)
    raise AssertionError(f"Text refused a text check_text accepts: {value[:40]!r}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)


class Unit(_Strict):
    """A registry entry: the name used in the plan, and what the office knows of it."""

    name: Text
    full_name: Text | None = None
    aliases: list[Text] = _empty(list)
    kind: Text | None = None  # e.g. 司局 / 直属单位 / 外部 / 泛指


class Schedule(BaseModel):
    """A schedule placed in the plan year: months under way, due month, verbatim text.
    Items with the same schedule text share one."""

    model_config = ConfigDict(frozen=True)

    text: str
    kind: schedule_parser.ScheduleKind
    months: list[int]
    due: int | None
    all_year: bool
    other_months: list[str] = []  # "YYYY-MM": months in a year other than the plan year
    other_due: str | None = None
    problem: str = ""

    @property
    def parsed(self) -> bool:
        return self.kind != "unparsed"

    @classmethod
    def from_text(cls, text: str, plan_year: int | None, *, deadline: bool = False) -> Schedule:
        """Place a printed phrase in the plan year.

        ``deadline``: the phrase sits under a heading such as 完成时限 (see ``is_deadline_heading``).
        Months written without a year fall in the plan year ("12-3月": March in the year after
        it); an open-ended phrase ("2021年7月之后") runs to the end of the plan year.
        """
        parsed = schedule_parser.parse(text, deadline=deadline)
        months_of = list(parsed.months)
        start = parsed.open_from
        if start and plan_year and start.year is not None and 0 < plan_year - start.year <= schedule_parser.MAX_SPAN_YEARS:
            end = schedule_parser.YearMonth(plan_year, 12)
            months_of += [start.shifted(step) for step in range(end.index - start.index + 1)]

        def year_of(month: schedule_parser.YearMonth) -> int | None:
            """None: the plan year (or, with no plan year, the one year every phrase runs in)."""
            if month.year is not None:
                return month.year
            return plan_year + month.later if plan_year and month.later else None

        def in_plan_year(month: schedule_parser.YearMonth) -> bool:
            year = year_of(month)
            return year is None or year == plan_year

        def label(month: schedule_parser.YearMonth) -> str:
            return f"{year_of(month)}-{month.month:02d}"

        months = sorted({m.month for m in months_of if in_plan_year(m)})
        others = [label(m) for m in months_of if not in_plan_year(m)]
        due = parsed.due
        return cls(
            text=text,
            kind=parsed.kind,
            months=months,
            due=due.month if due and in_plan_year(due) else None,
            all_year=parsed.kind == "all_year",
            other_months=sorted(set(others)),
            other_due=label(due) if due and not in_plan_year(due) else None,
            problem=parsed.reason,
        )


def split_leaders(text: str) -> list[str]:
    """The persons a 责任领导 cell names: "张三、李四" → [张三, 李四] (see ``_LEADER_SEPARATORS``);
    a two-character name padded to the width of three ("沈  昱") is one name, 沈昱."""
    names = (part.split() for part in _LEADER_SEPARATORS.split(text))
    joined = ("".join(words) if all(len(w) == 1 for w in words) else " ".join(words) for words in names)
    return list(dict.fromkeys(name for name in joined if name))


def is_deadline_heading(heading: str | None) -> bool:
    """A schedule column headed 完成时限 / 完成时间 / 完成期限 / 时限要求 holds deadlines:
    a bare "6月" there means "by June", not "in June"."""
    if not heading:
        return False
    heading = normalise_name(heading)
    return any(word in heading for word in ("时限", "期限", "完成时间", "完成日期", "截止"))


@dataclass(slots=True)
class Derived:
    """What a plan derives for each of its items: the schedule placed in the plan year, the
    units each unit cell names with their role words, and the notes on those units."""

    schedule: Schedule
    lead_roles: list[UnitMention]
    participant_roles: list[UnitMention]
    unit_notes: list[tuple[str, str]]


class Item(_Strict):
    """One row of the plan table."""

    seq: Annotated[int, Field(strict=True)] | Text
    # The 序号 as the source printed it, when import renumbered the item (tables each numbered from 1).
    seq_text: Text | None = None
    task: Text
    goal: Text = ""
    measures: Text = ""
    # 责任领导 / 分管领导 as printed: the person(s) answerable for the task ("张三", "张三、李四").
    leader: Text = ""
    lead: list[Text] = _empty(list)
    participants: list[Text] = _empty(list)
    schedule: Text = ""
    report_every: Text | None = None  # 报送频次: 月 / 季 / 半年 / 按时限; None: the plan's
    lead_text: Text | None = None
    participants_text: Text | None = None
    extra: dict[Text, Text] = _empty(dict)
    source: Text | None = None  # where an imported item came from: its table's heading, "表2", a sheet name
    # The group heading row printed nearest above it in the source ("（一）质量提升行动"), if any,
    # and the group headings that one sits under, outermost first (["一、经济发展"]).
    group: Text | None = None
    group_parents: list[Text] = _empty(list)
    # Columns (field names or extra headings) whose cell the source merged with the cell above.
    merged_above: list[Text] = _empty(list)

    # The checks of each item call ``blank`` (``is_blank``) themselves: a plan's items are many.
    @field_validator("lead", "participants")
    @classmethod
    def _names(cls, names: list[str]) -> list[str]:
        if any(map(blank, names)):  # any_blank
            raise ValueError("单位名称不能为空")
        return names

    @field_validator("seq")
    @classmethod
    def _seq(cls, seq: int | str) -> int | str:
        if isinstance(seq, str) and blank(seq):
            raise ValueError("序号不能为空")
        return seq

    @field_validator("report_every")
    @classmethod
    def _report_every(cls, value: str | None) -> str | None:
        from .cycles import check_cycle

        return None if value is None else check_cycle(value)

    @field_validator("task")
    @classmethod
    def _task(cls, task: str) -> str:
        if blank(task):
            raise ValueError("重要工作不能为空")
        return task

    @model_validator(mode="after")
    def _group_parents(self) -> Item:
        if self.group_parents and self.group is None:
            raise ValueError("group_parents 须与 group（最近一级的分组标题）同用")
        return self

    @property
    def group_path(self) -> tuple[str, ...]:
        """Every group heading over the item, outermost first ("一、…", "（一）…")."""
        return (*self.group_parents, self.group) if self.group else ()

    @property
    def timing(self) -> Schedule:
        """The parsed schedule (set when the item joins a plan)."""
        derived = derived_of(self)
        assert derived is not None, "an Item gets its schedule from its Plan"
        return derived.schedule

    @property
    def unit_notes(self) -> list[tuple[str, str]]:
        """(field, message): units the cells name that needed a decision (see Plan._resolve_units)."""
        derived = derived_of(self)
        return derived.unit_notes if derived is not None else []

    @property
    def label(self) -> str:
        """序号: the item's number in the plan (forms, progress data, derived reports)."""
        return str(self.seq)

    @property
    def printed_label(self) -> str:
        """序号 as the attachment prints it: the source's own number when import renumbered it."""
        return self.seq_text if self.seq_text is not None else self.label

    @property
    def leaders(self) -> list[str]:
        """The persons the 责任领导 cell names, in order."""
        return split_leaders(self.leader)

    @property
    def lead_display(self) -> str:
        return self.lead_text if self.lead_text is not None else "、".join(self.lead)

    @property
    def participants_display(self) -> str:
        return self.participants_text if self.participants_text is not None else "、".join(self.participants)

    def role_of(self, unit: str) -> str:
        """The role words printed for a unit in this item ("协助"), or ""."""
        derived = derived_of(self)
        for mention in (*derived.lead_roles, *derived.participant_roles) if derived is not None else ():
            if mention.name == unit:
                return mention.role
        return ""

    def units(self) -> list[str]:
        return list(dict.fromkeys([*self.lead, *self.participants]))


# What a plan derives for an item is kept in the item's dict of private values, which
# pydantic leaves None: declared as a ``PrivateAttr``, pydantic would call a Python function
# (``init_private_attributes``) for every item it validates, a tenth of validating a large
# plan's items, to set up a value that the plan then replaces.
_set_private = object.__setattr__


def derived_of(item: Item) -> Derived | None:
    """What the item's plan derived for it; None for an item on its own."""
    private = item.__pydantic_private__
    return private.get("_derived") if private else None


def _set_derived(item: Item, derived: Derived) -> None:
    _set_private(item, "__pydantic_private__", {"_derived": derived})


class TrailingGroups(_Strict):
    """Group heading rows a source table prints after its last item, with no item under them:
    kept so that the attachment prints them where the source did."""

    source: Text | None = None  # the table (an item's ``source``); None: the plan's one table
    headings: list[Text] = Field(min_length=1)


class _PerName(dict[str, Any]):
    """``function`` of each unit name, worked out once: a plan names its few hundred units
    tens of thousands of times."""

    def __init__(self, function: Callable[[str], Any]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, name: str) -> Any:
        value = self[name] = self.function(name)
        return value


class _Resolved(_PerName):
    """A plan's registry name of each unit name (``Registry.resolve``), and whether it reads
    as a unit (``unit_like``, by ``looks_like_unit``)."""

    def __init__(self, registry: Registry) -> None:
        super().__init__(registry.resolve)
        self.unit_like = _PerName(partial(looks_like_unit, registry=registry))


def _units_as_listed(items: list[Item], names: _Resolved) -> bool:
    """Whether ``Plan._check_units`` leaves each of ``items`` as it is and notes nothing, as
    for most plans, found for all of them at once: every name is its registry name and
    reads as a unit, no list names a unit twice, each item has a lead, no list is too long
    to print."""
    leads = list(map(attrgetter("lead"), items))
    if not all(leads):
        return False
    for lists in (leads, list(map(attrgetter("participants"), items))):
        if list(map(len, map(set, lists))) != list(map(len, lists)):
            return False
        if max(map(len, map("、".join, lists)), default=0) > EXCEL_CELL_LIMIT:
            return False
        unit_like = names.unit_like
        if not all(names[name] == name and unit_like[name] for name in set(chain.from_iterable(lists))):
            return False
    return True


@dataclass(frozen=True)
class UnitTasks:
    """What one unit is responsible for: the items it leads and those it takes part in."""

    unit: str
    full_name: str | None
    kind: str | None
    lead: list[Item]
    participate: list[Item]

    @property
    def title(self) -> str:
        return self.full_name or self.unit


@dataclass(frozen=True)
class QuarterTasks:
    """Items under way in a quarter and items falling due in it."""

    year: int | None
    quarter: int
    active: list[Item]
    due: list[Item]

    @property
    def months(self) -> range:
        return range(self.quarter * 3 - 2, self.quarter * 3 + 1)


class Plan(_Strict):
    """A validated work plan."""

    title: Text
    attachment: Text = "附件"
    year: Annotated[int, Field(strict=True, ge=1900, le=2999)] | None = None
    issuer: Text | None = None
    version: Text | None = None  # 计划版本 ("2010年6月调整"): written into feedback forms, named by collect
    # 报送频次 of items that name none: cycles.DEFAULT_CYCLE, written out so that a plan naming no
    # cycle loads without the cycles module (its regular expressions and calendar: 6 M instructions).
    report_every: Text = "季"
    columns: dict[FieldName, Text] = _empty(dict)
    # The headings a table of the source (an item's ``source``) prints where they differ
    # from ``columns``: two tables whose task headings count different tasks.
    source_columns: dict[Text, dict[FieldName, Text]] = _empty(dict)
    # The source table's columns in order: field names (seq, task …) or extra headings.
    # None (a plan written by hand): the seven default columns, then the extra columns.
    column_order: list[Text] | None = None
    items: list[Item] = Field(min_length=1)
    trailing_groups: list[TrailingGroups] = _empty(list)
    units: list[Unit] = _empty(list)

    @field_validator("report_every")
    @classmethod
    def _report_every(cls, value: str) -> str:
        from .cycles import check_cycle

        return check_cycle(value)

    @field_validator("title")
    @classmethod
    def _title(cls, title: str) -> str:
        if is_blank(title):
            raise ValueError("标题不能为空")
        return title

    @model_validator(mode="after")
    def _derive(self) -> Plan:
        self._check_column_order()
        sources = {item.source for item in self.items}
        for source in self.source_columns:
            if source not in sources:
                raise ValueError(f"source_columns.{source}: 没有 source 为“{source}”的任务")
        for index, trailing in enumerate(self.trailing_groups):
            if trailing.source is None and None not in sources:
                raise ValueError(f"trailing_groups.{index}.source: 任务都写明了 source，须写明这些标题属于哪个表格")
            if trailing.source not in sources:
                raise ValueError(f"trailing_groups.{index}.source: 没有 source 为“{trailing.source}”的任务")
        labels = list(map(str, map(attrgetter("seq"), self.items)))  # each item's label
        if len(set(labels)) < len(labels):
            seen: dict[str, int] = {}
            for index, label in enumerate(labels):
                if label in seen:
                    raise ValueError(f"items.{index}.seq: 与第 {seen[label] + 1} 条的序号重复")
                seen[label] = index
        registry = self.registry
        deadline = is_deadline_heading(self.columns.get("schedule"))
        schedules: dict[str, Schedule] = {}  # a plan writes "全年" or "6月底前" many times
        names = _Resolved(registry)
        as_listed = _units_as_listed([item for item in self.items if item.lead_text is None and item.participants_text is None], names)
        for index, item in enumerate(self.items):
            if item.lead_text is None and item.participants_text is None:
                lead_roles, participant_roles = [], []
                notes = [] if as_listed else self._check_units(index, item, names)
            else:
                lead_roles, participant_roles, notes = self._resolve_units(index, item, registry)
            schedule = schedules.get(item.schedule)
            if schedule is None:
                schedule = schedules[item.schedule] = Schedule.from_text(item.schedule, self.year, deadline=deadline)
            _set_derived(item, Derived(schedule, lead_roles, participant_roles, notes))
        return self

    def _check_column_order(self) -> None:
        """Each entry of ``column_order`` names a field or an extra column, once."""
        if self.column_order is None:
            return
        known = set(FIELD_NAMES) | set(self.extra_columns())
        seen: set[str] = set()
        for index, key in enumerate(self.column_order):
            if key in seen:
                raise ValueError(f"column_order.{index}: 列“{key}”重复")
            if key not in known:
                raise ValueError(
                    f"column_order.{index}: 未知的列“{key}”，应为字段名（{'、'.join(FIELD_NAMES)}）或某条任务 extra 中的列标题"
                )
            seen.add(key)

    @staticmethod
    def _resolve_units(
        index: int, item: Item, registry: Registry
    ) -> tuple[list[UnitMention], list[UnitMention], list[tuple[str, str]]]:
        """Derive the unit lists from the verbatim cells, or check the lists written by hand;
        returns the units each cell names, with their role words, and the notes on them.

        Nothing named is lost: a unit of a cell missing from both lists is added to the
        participants (with a note), a fragment that does not read as a unit is kept and noted.
        """
        lead_mentions = split_units(item.lead_text, registry) if item.lead_text else []
        part_mentions = split_units(item.participants_text, registry) if item.participants_text else []
        notes: list[tuple[str, str]] = []
        from_lead_cell: list[str] = []
        if not item.lead and lead_mentions:
            item.lead, from_lead_cell = assign_roles(lead_mentions)
        elif item.lead_text is not None and not is_blank(item.lead_text) and item.lead:
            Plan._check_lead_text(index, item, lead_mentions, registry)
        if not item.participants and part_mentions:
            item.participants = [m.name for m in part_mentions if m.marker != "context"]
        lead = list(dict.fromkeys(map(registry.resolve, item.lead)))
        from_lead_cell = [n for n in map(registry.resolve, from_lead_cell) if n not in lead]
        participants = list(dict.fromkeys([*map(registry.resolve, item.participants), *from_lead_cell]))
        if lead != item.lead:  # setting a pydantic model's attribute is a Python call: only a change
            item.lead = lead
        if participants != item.participants:
            item.participants = participants
        listed = {*item.lead, *item.participants}
        for field, mentions in (("lead", lead_mentions), ("participants", part_mentions)):
            for mention in mentions:
                if mention.marker == "context":
                    notes.append((field, f"“{mention.name}”是{mention.role}（另一级的单位），按原文印出，不计入牵头或参与单位"))
                elif mention.name not in listed:
                    item.participants.append(mention.name)
                    listed.add(mention.name)
                    notes.append((field, f"原文中的“{mention.name}”不在 lead/participants 列表中，已列为参与单位"))
        for field, names in (("lead", item.lead), ("participants", item.participants)):
            notes += [
                (field, f"“{name}”不像单位名称（人名、断行或简称？），已按原文作为单位")
                for name in names if not looks_like_unit(name, registry)
            ]
        if not item.lead:
            raise ValueError(f"items.{index}.lead: 至少须写明一个牵头单位")
        for field, shown in (("lead", item.lead_display), ("participants", item.participants_display)):
            if len(shown) > EXCEL_CELL_LIMIT:  # each name fits, the printed list may not
                raise ValueError(f"items.{index}.{field}: 单位名称合计 {len(shown)} 个字符，超过单元格上限 {EXCEL_CELL_LIMIT} 个字符")
        return lead_mentions, part_mentions, notes

    @staticmethod
    def _check_units(index: int, item: Item, names: _Resolved) -> list[tuple[str, str]]:
        """``_resolve_units`` for an item with no verbatim unit cell (most items of a plan
        file): the listed names resolved, and those that do not read as units noted — with
        each name looked at once per plan.  Returns the notes."""
        resolved = names.__getitem__
        lead = list(dict.fromkeys(map(resolved, item.lead)))
        participants = list(dict.fromkeys(map(resolved, item.participants)))
        if lead != item.lead:  # setting a pydantic model's attribute is a Python call: only a change
            item.lead = lead
        if participants != item.participants:
            item.participants = participants
        unit_like = names.unit_like
        if all(map(unit_like.__getitem__, item.lead)) and all(map(unit_like.__getitem__, item.participants)):
            notes: list[tuple[str, str]] = []
        else:
            notes = [
                (field, f"“{name}”不像单位名称（人名、断行或简称？），已按原文作为单位")
                for field, listed in (("lead", item.lead), ("participants", item.participants))
                for name in listed if not unit_like[name]
            ]
        if not item.lead:
            raise ValueError(f"items.{index}.lead: 至少须写明一个牵头单位")
        for field, shown in (("lead", item.lead), ("participants", item.participants)):
            if len(shown) > 1 and len("、".join(shown)) > EXCEL_CELL_LIMIT:  # each name fits, the printed list may not
                raise ValueError(f"items.{index}.{field}: 单位名称合计 {len('、'.join(shown))} 个字符，超过单元格上限 {EXCEL_CELL_LIMIT} 个字符")
        return notes

    @staticmethod
    def _check_lead_text(index: int, item: Item, mentions: list[UnitMention], registry: Registry) -> None:
        """A verbatim lead cell that names none of the listed lead units is a mistake (a row
        pasted out of place): printing it would show other units than the plan's."""
        text = normalise_name(item.lead_text or "")
        named = {m.name for m in mentions}
        for unit in item.lead:
            if registry.resolve(unit) in named or any(normalise_name(s) in text for s in registry.spellings(unit)):
                return
        shown = " ".join((item.lead_text or "").split())
        shown = shown if len(shown) <= 30 else shown[:30] + "…"
        raise ValueError(f"items.{index}.lead_text: “{shown}”中没有 lead 所列的任何单位（{'、'.join(item.lead)}）")

    @cached_property
    def registry(self) -> Registry:
        return Registry(self.units)

    @cached_property
    def filled_fields(self) -> frozenset[str]:
        """Which of the ``OPTIONAL_FIELDS`` some item fills: a plan imported from a table
        without 工作目标 or 时间进度 fills none of them, and its derived reports print no
        column that would stand empty."""
        shown = {"participants": "participants_display"}  # a cell of other-level units only prints too
        return frozenset(f for f in OPTIONAL_FIELDS
                         if not all(blank(getattr(item, shown.get(f, f))) for item in self.items))

    def heading(self, field: str, source: str | None = None) -> str:
        """The printed column heading of a field: in the table ``source``, its own where it has
        one.  With no ``source`` (a report or page mixing the tables' items), one that holds
        for every table: the plan's, or where the tables head the field differently (杭州:
        "重点工作任务(杭州市2项配合工作)", "重点工作任务(杭州市2项牵头工作、19项配合工作)") the
        part before their notes in brackets that they share, else the default (重要工作)."""
        own = self.source_columns.get(source, {}) if source else {}
        if field in own:
            return own[field]  # type: ignore[index]
        heading = self.columns.get(field, DEFAULT_COLUMNS[field])  # type: ignore[call-overload]
        others = [columns[field] for columns in self.source_columns.values() if field in columns]  # type: ignore[index]
        if source or not others:
            return heading
        shared = {re.split(r"[（(]", text, maxsplit=1)[0] for text in (heading, *others)}
        return shared.pop() if len(shared) == 1 and "" not in shared else DEFAULT_COLUMNS[field]  # type: ignore[index]

    def extra_columns(self) -> list[str]:
        """Headings of the further columns, in first-seen order."""
        return list(dict.fromkeys(key for item in self.items for key in item.extra))

    def leaders(self) -> dict[str, list[Item]]:
        """Each leader the plan names (in order of first mention) with the tasks in their charge."""
        tasks: dict[str, list[Item]] = {}
        for item in self.items:
            for name in item.leaders:
                tasks.setdefault(name, []).append(item)
        return tasks

    def unit_entry(self, name: str) -> Unit | None:
        return next((u for u in self.units if normalise_name(u.name) == name), None)

    def unit_tasks(self) -> list[UnitTasks]:
        """Every unit named in the plan, in order of first mention, with its tasks: what
        ``items_for`` tells of each, found in one pass over the items."""
        leads: dict[str, list[Item]] = {}
        others: dict[str, list[Item]] = {}
        for item in self.items:
            for name in dict.fromkeys(item.lead):
                leads.setdefault(name, []).append(item)
            for name in dict.fromkeys(item.participants):
                if name not in item.lead:
                    others.setdefault(name, []).append(item)
        entries: dict[str, Unit] = {}
        for unit in reversed(self.units):  # the first entry of a name, as ``unit_entry`` finds it
            entries[normalise_name(unit.name)] = unit
        found = []
        for name in dict.fromkeys(name for item in self.items for name in item.units()):
            name = self.registry.resolve(name)
            found.append(self._tasks(name, entries.get(name), leads.get(name, []), others.get(name, [])))
        return found

    def items_for(self, unit: str) -> UnitTasks:
        name = self.registry.resolve(unit)
        lead = [i for i in self.items if name in i.lead]
        participate = [i for i in self.items if name in i.participants and name not in i.lead]
        return self._tasks(name, self.unit_entry(name), lead, participate)

    def _tasks(self, name: str, entry: Unit | None, lead: list[Item], participate: list[Item]) -> UnitTasks:
        return UnitTasks(name, entry.full_name if entry else None, self.registry.kind(name), lead, participate)

    def quarter(self, quarter: int, year: int | None = None) -> QuarterTasks:
        """Items under way in (``active``) and due in (``due``) a quarter of the plan year.

        ``year`` selects a quarter of another year named in schedules ("2011年1-6月").
        """
        if not 1 <= quarter <= 4:
            raise ValueError("quarter must be 1..4")
        months = set(range(quarter * 3 - 2, quarter * 3 + 1))
        if year is None or year == self.year:
            active = [i for i in self.items if months & set(i.timing.months)]
            due = [i for i in self.items if i.timing.due in months]
        else:  # a task under way in the plan year is listed there only (see quarters())
            labels = {f"{year}-{m:02d}" for m in months}
            elsewhere = [i for i in self.items if not i.timing.months]
            active = [i for i in elsewhere if labels & set(i.timing.other_months)]
            due = [i for i in elsewhere if i.timing.other_due in labels]
        return QuarterTasks(year if year is not None else self.year, quarter, active, due)

    def quarters(self) -> list[QuarterTasks]:
        """The four quarters of the plan year, then quarters of other years that schedules name.

        A task with months in the plan year is listed in the plan year's quarters only: a span
        such as "2021-2035年" in a 2023 plan would otherwise add sixty quarters holding that one
        task (the chart still shows it month by month in every year).  Quarters of other years
        come from tasks that lie wholly in them ("2011年1-6月" in a 2010 plan, or every task of a
        plan without a plan year that writes its years).  One pass over every item's months
        (each schedule spans at most 30 years): the cost grows with the plan, never with the
        product of items and quarters.
        """
        active: dict[tuple[int | None, int], list[Item]] = {(None, q): [] for q in range(1, 5)}
        due: dict[tuple[int | None, int], list[Item]] = {}
        for item in self.items:
            timing = item.timing
            keys = {(None, (m - 1) // 3 + 1) for m in timing.months}
            if not timing.months:
                keys |= {(int(m[:4]), (int(m[5:]) - 1) // 3 + 1) for m in timing.other_months}
            for key in keys:
                active.setdefault(key, []).append(item)
            if timing.due is not None:
                due.setdefault((None, (timing.due - 1) // 3 + 1), []).append(item)
            elif timing.other_due and not timing.months:
                due.setdefault((int(timing.other_due[:4]), (int(timing.other_due[5:]) - 1) // 3 + 1), []).append(item)
        plan_quarters = [QuarterTasks(self.year, q, active[(None, q)], due.get((None, q), [])) for q in range(1, 5)]
        other = sorted(key for key in active if key[0] is not None)
        return plan_quarters + [QuarterTasks(year, q, active[(year, q)], due.get((year, q), [])) for year, q in other]

    def unscheduled(self) -> list[Item]:
        return [i for i in self.items if not i.timing.parsed]

    def diagnostics(self) -> list[Problem]:
        """Doubts that do not stop a build: unparsed schedules, units missing from the registry."""
        if "schedule" in self.filled_fields:
            problems = [
                Problem(f"{i.timing.problem}，汇总中将列为“未排期”", item=f"序号 {i.label}", field="schedule")
                for i in self.unscheduled()
            ]
        else:  # a table without a 时间进度 column: one line, not one per item
            problems = [Problem(f"{len(self.items)} 项工作均未写时间进度，季度工作安排和进度图中均列为“未排期”", field="schedule")]
        problems += [
            Problem(message, item=f"序号 {i.label}", field=field) for i in self.items for field, message in i.unit_notes
        ]
        unknown = [u.unit for u in self.unit_tasks() if not self.registry.knows(u.unit)]
        if unknown and not self.units:
            problems.append(Problem(f"计划没有单位登记表（units），{len(unknown)} 个单位均按原文使用；登记后可补充全称、别名和类别"))
        elif unknown:
            problems.append(Problem(f"{len(unknown)} 个单位未在 units 中登记（可补充全称、别名和类别）：{'、'.join(unknown)}"))
        return problems

    def to_file_data(self) -> dict[str, Any]:
        """The plan as it is written to a plan file: only what the user states."""
        return self.model_dump(mode="json", exclude_defaults=True)
