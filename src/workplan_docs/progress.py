"""Progress data (progress.yaml): what each lead unit reported on its tasks, period by period
(a month, a quarter or a half year: see ``cycles``).

``collect`` writes it from the returned feedback forms; the progress report reads it.
It is plain data a script may read and edit, validated once where it enters, like the
plan, and its JSON Schema is published (``workplan-docs schema --progress``).

An entry is keyed by task, unit and period: a task with two lead units (the seed's
item 12) gets a report from each, and they are different reports, not a conflict.
The file names the plan it belongs to by a fingerprint of the plan's items, so
progress of one plan is never reported against another (or against an edited one).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .cycles import Period
from .errors import PlanError, Problem
from .model import Item, Plan, check_text

STATUSES = ("未启动", "推进中", "已完成", "滞后")
DONE = "已完成"
Status = Literal["未启动", "推进中", "已完成", "滞后"]
FORMAT: Literal["workplan-docs progress 1"] = "workplan-docs progress 1"

_MESSAGES = {
    "missing": "缺少此项",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "list_type": "应为列表（每行以“- ”开头）",
    "model_type": "应为键值映射",
    "dict_type": "应为键值映射",
    "extra_forbidden": "无法识别的字段（字段名拼写是否有误？）",
    "literal_error": f"应为以下之一：{'、'.join(STATUSES)}",
    "greater_than_equal": "超出范围",
    "less_than_equal": "超出范围",
}


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def fingerprint(plan: Plan) -> str:
    """A stable hash of what a report is about: each item's 序号, task text and lead units.

    Any change to those (another plan, an edited task, a re-assigned lead) changes it;
    edits elsewhere (goals, measures, schedules, the registry's full names) do not.
    """
    items = [[item.label, item.task, item.lead] for item in plan.items]
    return _digest(json.dumps(items, ensure_ascii=False, separators=(",", ":")), 16)


def task_hash(item: Item) -> str:
    """A short hash of a task's text, carried per row in a form to detect an edited task."""
    return _digest(item.task, 12)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def due_date(item: Item, plan_year: int) -> dt.date | None:
    """The last day by which ``item`` should be done, or None when its schedule could not be
    read: the end of its deadline month ("7月完成" → 31 July), else of the last month of its
    schedule ("4月" → 30 April, "5-7月" → 31 July, whole-year tasks → 31 December)."""
    timing = item.timing
    if timing.due is not None:
        return _month_end(plan_year, timing.due)
    if timing.other_due is not None:
        return _month_end(int(timing.other_due[:4]), int(timing.other_due[5:]))
    months = [(plan_year, m) for m in timing.months]
    months += [(int(m[:4]), int(m[5:])) for m in timing.other_months]
    return _month_end(*max(months)) if months else None


class Entry(BaseModel):
    """One unit's report on one task for one period."""

    model_config = ConfigDict(extra="forbid")

    seq: Annotated[int, Field(strict=True)] | str = Field(description="计划中的序号")
    unit: str = Field(description="报送单位（牵头单位）")
    month: Annotated[int, Field(ge=1, le=12)] | None = Field(None, description="月报：月份 1-12")
    quarter: Annotated[int, Field(ge=1, le=4)] | None = Field(None, description="季报：季度 1-4")
    half: Annotated[int, Field(ge=1, le=2)] | None = Field(None, description="半年报：1 上半年，2 下半年")
    year: Annotated[int, Field(ge=1900, le=2999)] | None = Field(None, description="年度；计划未写年度时为空")
    status: Status = Field(description="完成状态")
    percent: Annotated[int, Field(strict=True, ge=0, le=100)] | None = Field(
        None, description="完成比例（0-100，整数百分数，可不填）；序时进度据此判断"
    )
    progress: str = Field(description="进展情况")
    problems: str = Field("", description="存在问题")
    next_steps: str = Field("", description="下步计划")
    evidence: str = Field("", description="佐证材料（文件名称或说明）")
    reporter: str = Field("", description="填报人")
    phone: str = Field("", description="联系电话")
    approver: str = Field("", description="审核人（单位负责人）")
    filled_on: dt.date | None = Field(None, description="填报日期 YYYY-MM-DD")
    form: str = Field("", description="来源反馈表的文件名")

    @field_validator("unit", "progress", "problems", "next_steps", "evidence", "reporter", "phone", "approver", "form")
    @classmethod
    def _text(cls, value: str) -> str:
        return check_text(value)

    @model_validator(mode="after")
    def _one_period(self) -> Entry:
        if sum(value is not None for value in (self.month, self.quarter, self.half)) != 1:
            raise ValueError("报送期应写且只写 month（月）、quarter（季度）、half（半年）中的一项")
        return self

    @property
    def label(self) -> str:
        return str(self.seq)

    @property
    def period(self) -> Period:
        """The period reported on."""
        if self.month is not None:
            return Period("month", self.month, self.year)
        if self.half is not None:
            return Period("half", self.half, self.year)
        assert self.quarter is not None
        return Period("quarter", self.quarter, self.year)

    @property
    def key(self) -> tuple[str, str, Period]:
        """What makes two entries the same report: task, unit and period."""
        return (self.label, self.unit, self.period)

    def same_report(self, other: Entry) -> bool:
        """Equal in everything a unit reported (the form file it came in does not count)."""
        return self.model_dump(exclude={"form"}) == other.model_dump(exclude={"form"})


class Extension(BaseModel):
    """An approved 延期: the task's due date moves to ``due`` for ``unit``'s part of it."""

    model_config = ConfigDict(extra="forbid")

    seq: Annotated[int, Field(strict=True)] | str = Field(description="计划中的序号")
    unit: str = Field(description="申请延期的牵头单位")
    due: dt.date = Field(description="延期后的完成时间 YYYY-MM-DD")
    reason: str = Field(description="延期理由")
    approved: dt.date = Field(description="批准日期 YYYY-MM-DD")

    @field_validator("unit", "reason")
    @classmethod
    def _text(cls, value: str) -> str:
        return check_text(value)

    @property
    def label(self) -> str:
        return str(self.seq)


class ProgressFile(BaseModel):
    """progress.yaml: the plan it belongs to, and every report taken in."""

    model_config = ConfigDict(extra="forbid", title="workplan-docs 进展数据")

    format: Literal["workplan-docs progress 1"] = FORMAT
    plan: str = Field(description="计划标识（计划各项序号、重要工作和牵头单位的散列值），由 collect 写入")
    title: str = Field("", description="计划标题，仅供阅读")
    tasks: dict[str, str] = Field({}, description=(
        "计划各项序号对应的任务散列值（由 collect 写入）：计划调整后按任务内容把报送对应到新的序号"))
    entries: list[Entry] = []
    extensions: list[Extension] = Field([], description="经批准的延期（延期申请须在应完成时间之前获批）")


def latest_entries(progress: ProgressFile, plan_year: int) -> dict[tuple[str, str], Entry]:
    """Each (序号, unit)'s report of the latest period, by its last day (entries without a year
    are of ``plan_year``; of a month, a quarter and a half year ending on one day, the longer)."""
    latest: dict[tuple[str, str], Entry] = {}
    for entry in sorted(progress.entries, key=lambda e: e.period.order(plan_year)):
        latest[(entry.label, entry.unit)] = entry
    return latest


def extended_due(item: Item, plan_year: int, extensions: list[Extension], as_of: dt.date) -> dt.date | None:
    """The due date in force on ``as_of``: that of the item's extension approved last by then
    (extensions are checked to move the date later), else its schedule's."""
    dates = [e.due for e in extensions if e.label == item.label and e.approved <= as_of]
    return max(dates) if dates else due_date(item, plan_year)


def expected_share(item: Item, plan_year: int, due: dt.date | None, as_of: dt.date) -> float | None:
    """序时进度: the elapsed share (0-1) of the task's time on ``as_of``, counted in days from
    the first day of its first scheduled month to its due date (an extended one included).
    None when the schedule could not be read."""
    timing = item.timing
    months = [(plan_year, m) for m in timing.months] + [(int(m[:4]), int(m[5:])) for m in timing.other_months]
    if due is None or not months:
        return None
    start = dt.date(*min(months), 1)
    if as_of < start:
        return 0.0
    return min(1.0, ((as_of - start).days + 1) / ((due - start).days + 1))


def check_extensions(progress: ProgressFile, plan: Plan, source: str) -> None:
    """Refuse an extension of an unknown task or unit, one approved after the due date in
    force when it was approved (a 延期申请 comes before the deadline), or one that does not
    move the date later.  Extensions of a task count in order of approval; a plan that
    names no year is taken to be of the year of the approval."""
    items = {item.label: item for item in plan.items}
    problems: list[Problem] = []
    in_force: dict[str, dt.date | None] = {}
    order = sorted(enumerate(progress.extensions), key=lambda pair: pair[1].approved)
    for index, ext in order:
        where = f"延期第 {index + 1} 条（序号{ext.label}）"
        item = items.get(ext.label)
        if item is None:
            problems.append(Problem("计划中没有此序号", source, where, "seq"))
            continue
        if ext.unit not in item.lead:
            problems.append(Problem(f"“{ext.unit}”不是此项的牵头单位", source, where, "unit"))
            continue
        due = in_force.get(ext.label, due_date(item, plan.year or ext.approved.year))
        if due is not None and ext.approved > due:
            problems.append(Problem(
                f"批准日期 {ext.approved} 晚于当时的应完成时间 {due}：延期须在到期前申请并获批，不予采用",
                source, where, "approved"))
        elif due is not None and ext.due <= due:
            problems.append(Problem(f"延期后的完成时间 {ext.due} 不晚于原应完成时间 {due}", source, where, "due"))
        else:
            in_force[ext.label] = ext.due
    if problems:
        raise PlanError(problems)


def new_progress(plan: Plan) -> ProgressFile:
    return ProgressFile(plan=fingerprint(plan), title=plan.title, tasks=task_hashes(plan))


def task_hashes(plan: Plan) -> dict[str, str]:
    """Each 序号's task hash: what progress data keeps to follow its tasks through a revision."""
    return {item.label: task_hash(item) for item in plan.items}


def find_task(plan: Plan, digest: str, label: str) -> Item | None:
    """The item of ``plan`` whose task text has hash ``digest`` — the one at ``label`` when
    several have it; None when none has, or several and none is at ``label``."""
    found = [item for item in plan.items if task_hash(item) == digest]
    return found[0] if len(found) == 1 else next((i for i in found if i.label == label), None)


def align_progress(progress: ProgressFile, plan: Plan, source: str) -> ProgressFile:
    """The progress data keyed to ``plan``, checked (``check_plan``).

    Data collected for an earlier version of the plan (调整: tasks inserted, renumbered,
    deadlines or units changed) is carried over: each 序号 it names is followed, by the hash
    of its task text kept in ``tasks``, to the item of ``plan`` with the same task, and its
    entries and extensions take that item's 序号.  A task no longer in the plan (deleted or
    reworded) is an error naming it and its entries: the office decides what becomes of them."""
    current = fingerprint(plan)
    if progress.plan == current:
        check_plan(progress, plan, source)
        return progress if progress.tasks else progress.model_copy(update={"tasks": task_hashes(plan)})
    if not progress.tasks or not any(find_task(plan, digest, label) for label, digest in progress.tasks.items()):
        check_plan(progress, plan, source)  # raises: another plan (no task in common, or nothing to follow them by)
    moved: dict[str, Item] = {}
    problems = []
    used = [(n, e.label, "条") for n, e in enumerate(progress.entries, start=1)]
    used += [(n, e.label, "延期") for n, e in enumerate(progress.extensions, start=1)]
    for label in dict.fromkeys(label for _, label, _ in used):
        digest = progress.tasks.get(label)
        item = find_task(plan, digest, label) if digest else None
        if item is None:
            where = "、".join(f"第 {n} 条" if kind == "条" else f"延期第 {n} 条" for n, other, kind in used if other == label)
            problems.append(Problem(
                f"此任务在当前计划中已找不到（计划调整时删除或改写了它），{where}无法对应：如确已删除，请从进展数据中删去",
                source, f"序号 {label}"))
        else:
            moved[label] = item
    if problems:
        raise PlanError(problems)
    aligned = progress.model_copy(deep=True, update={"plan": current, "tasks": task_hashes(plan)})
    for record in (*aligned.entries, *aligned.extensions):
        record.seq = moved[record.label].seq
    check_plan(aligned, plan, source)
    return aligned


def check_plan(progress: ProgressFile, plan: Plan, source: str) -> None:
    """Refuse progress data that belongs to another plan, or to this plan before an edit, and
    each entry the plan has no place for: a 序号 not in the plan, a unit that does not lead
    the task, a second report for the same task, unit and period.  Such an entry would
    otherwise be left out of every report without a word; instead each is named."""
    if progress.plan != fingerprint(plan):
        raise PlanError(
            Problem(
                "进展数据不属于此计划（计划的序号、重要工作或牵头单位与收集反馈时不同），"
                "请用当前计划重新生成反馈表并收集",
                source,
            )
        )
    problems = _entry_problems(progress, plan, source)
    if problems:
        raise PlanError(problems)
    check_extensions(progress, plan, source)


def _entry_problems(progress: ProgressFile, plan: Plan, source: str) -> list[Problem]:
    items = {item.label: item for item in plan.items}
    first: dict[tuple[str, str, Period], int] = {}
    problems = []
    for number, entry in enumerate(progress.entries, start=1):
        where = f"第 {number} 条"
        item = items.get(entry.label)
        if item is None:
            problems.append(Problem(f"计划中没有序号 {entry.label}", source, where, "seq"))
            continue
        if entry.unit not in item.lead:
            problems.append(Problem(
                f"“{entry.unit}”不是序号 {entry.label} 的牵头单位（牵头：{'、'.join(item.lead)}）", source, where, "unit"))
            continue
        earlier = first.setdefault(entry.key, number)
        if earlier != number:
            problems.append(Problem(
                f"与第 {earlier} 条是同一任务、单位和报送期（{entry.period.label}）的报送，"
                "只能保留一条", source, where))
    return problems


def load_progress(path: str | Path, plan: Plan | None = None) -> ProgressFile:
    """Read and validate progress.yaml; every problem is one line naming the entry and field.

    With ``plan``, data collected for another plan is refused, and data collected for an
    earlier version of it is keyed to this one (``align_progress``).
    """
    from .readers.plan_file import decode, parse_yaml

    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise PlanError(Problem("文件不存在", source))
    data = parse_yaml(decode(path.read_bytes(), source), source)
    if not isinstance(data, dict):
        raise PlanError(Problem("进展数据的顶层应为键值映射（plan、entries）", source))
    try:
        progress = ProgressFile.model_validate(data)
    except ValidationError as error:
        raise PlanError([_problem(detail, source) for detail in error.errors()]) from None
    if plan is not None:
        return align_progress(progress, plan, source)
    return progress


def _problem(detail: Any, source: str) -> Problem:
    loc = tuple(detail["loc"])
    message = _MESSAGES.get(detail["type"], str(detail["msg"]).removeprefix("Value error, "))
    if len(loc) >= 2 and loc[0] == "entries" and isinstance(loc[1], int):
        return Problem(message, source, f"第 {loc[1] + 1} 条", ".".join(str(p) for p in loc[2:]) or None)
    return Problem(message, source, None, ".".join(str(p) for p in loc) or None)


def dump_progress(progress: ProgressFile) -> str:
    """progress.yaml as text: keys in model order (of month, quarter and half, only the one
    set), multi-line reports as literal blocks."""
    from .readers.plan_file import dump_yaml

    data = progress.model_dump(mode="json")
    for entry in data["entries"]:  # an entry names its period by the one field it has
        for key in ("month", "quarter", "half"):
            if entry[key] is None:
                del entry[key]
    return dump_yaml(data)


def progress_schema() -> dict[str, Any]:
    """The JSON Schema of progress.yaml, for editors and scripts."""
    return ProgressFile.model_json_schema()
