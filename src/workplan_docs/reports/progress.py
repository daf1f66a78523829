"""The progress report (工作进展报告): what the lead units reported, and what is overdue.

Rules, as the report's note also prints them:

- A task's latest report from a unit is the one of the latest period (entries without a
  year are of the plan year).  The plan year is ``plan.year``, else the year of ``as_of``.
- A task is due at the end of its due month: the deadline month when the schedule sets
  one ("7月完成" → 31 July); else the last month of its schedule ("4月" → 30 April,
  "5-7月" → 31 July, "5月、9月" → 30 September); whole-year and ongoing tasks at the end of
  December.  A task whose schedule could not be read has no due date and is never overdue.
- A task is overdue when ``as_of`` is after its due date and it is not 已完成 — a task
  nobody reported on counts as not done.  A task led by several units is 已完成 only when
  every lead unit reported 已完成; otherwise it shows the most worrying unit status
  (滞后, then 未报送, 未启动, 推进中).
- Generic leads (相关司局) receive no form and so are not expected to report.
- Reports are owed by period (``cycles``): a unit owes one for each period ended by
  ``as_of`` in which one of its tasks expected a report, and is listed under 未报送 for it
  until one comes in.  A unit with no report on a task for which no period has ended yet
  is 未到报送期, not 未报送: it is neither counted as 0 % (欠进度) nor as missing, and is
  warned of only by its due date (蓝 near it, 红 past it).
- Approved extensions count from the day they were approved: they move the due date and
  the periods that expect reports.

- 序时进度, 三色预警, 未报送 and 延期 follow the rules written in the README (督办) and
  printed in the report's note: reported 完成比例 against the elapsed share of the task's
  time, ±10 points; 红 overdue, 黄 欠进度, 蓝 due within ``warn_days``.

``as_of`` defaults to today: the report prints the date it was computed for, and a build
that must be repeatable passes it explicitly (``--as-of``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..cycles import CYCLES, Period, report_periods
from ..errors import WorkplanError
from ..layout import Block, Cell, Column, Document, Paragraph, Section, Table
from ..model import Item, Plan
from ..progress import (
    DONE, Entry, Extension, ProgressFile, align_progress, due_date, expected_share, extended_due, latest_entries,
)
from . import Output
from ._common import plan_document, title_block

TITLE = "工作进展报告"
MISSING = "未报送"
NOT_DUE = "未到报送期"  # no report, and none owed yet: both a status and a 序时进度
OVERDUE = "逾期"
# Most worrying first: a task's status is the first of these that any lead unit has.
_SEVERITY = ("滞后", MISSING, "未启动", "推进中", NOT_DUE, DONE)
_REPORTED = (DONE, "推进中", "未启动", "滞后", MISSING)  # the statuses of reports owed in a period
_COUNTED = (*_REPORTED, NOT_DUE)
# 序时进度, least advanced first: a task is as far on as its least advanced lead unit.
AHEAD, ON_PACE, BEHIND, NOT_STARTED = "超进度", "达进度", "欠进度", "未启动"
_PACE_ORDER = (BEHIND, NOT_STARTED, NOT_DUE, ON_PACE, AHEAD, DONE)
PACES = (DONE, AHEAD, ON_PACE, BEHIND, NOT_STARTED, NOT_DUE, OVERDUE)
MARGIN = 10  # percentage points either side of the elapsed share that count as 达进度
WARN_DAYS = 15
RED, YELLOW, BLUE = "红", "黄", "蓝"
WARN_FILLS = {RED: "F4CCCC", YELLOW: "FFF2CC", BLUE: "DDEBF7"}


def unit_pace(entry: Entry | None, expected: float | None, owed: bool = True) -> str:
    """One lead unit's 序时进度 from its latest report (see the README for the rule).

    完成比例 is compared with the elapsed share; without it the 完成状态 decides; no report
    counts as 0 % once one was ``owed``, and is 未到报送期 before.  A task whose schedule
    could not be read has no elapsed share: only the 完成状态 counts."""
    if entry is None and not owed:
        return NOT_DUE
    if entry is not None and (entry.status == DONE or entry.percent == 100):
        return DONE
    percent = entry.percent if entry is not None else 0
    if percent is None:
        assert entry is not None
        if entry.status == "滞后":
            return BEHIND
        if entry.status == "推进中":
            return ON_PACE
        percent = 0  # 未启动
    if expected is None:
        return ON_PACE if percent > 0 else NOT_STARTED
    if percent == 0 and expected == 0:
        return NOT_STARTED
    gap = percent - expected * 100
    return AHEAD if gap >= MARGIN else ON_PACE if gap >= -MARGIN else BEHIND


@dataclass(frozen=True)
class _TaskState:
    """One task as of the report date: each reporting unit's latest entry, and the verdict."""

    item: Item
    reports: dict[str, Entry | None]
    due: dt.date | None  # the due date in force: the latest approved extension's, else the schedule's
    as_of: dt.date
    expected: float | None = None  # elapsed share of the task's time (序时进度), None without a schedule
    warn_days: int = WARN_DAYS
    owed: bool = True  # a period in which the task expected a report has ended by ``as_of``

    @property
    def unit_statuses(self) -> dict[str, str]:
        """Each unit's latest 完成状态; 未报送 without a report, 未到报送期 while none was owed."""
        absent = MISSING if self.owed else NOT_DUE
        return {unit: entry.status if entry else absent for unit, entry in self.reports.items()}

    @property
    def status(self) -> str:
        statuses = set(self.unit_statuses.values())
        return next(s for s in _SEVERITY if s in statuses)

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.as_of > self.due and self.status != DONE

    @property
    def pace(self) -> str:
        """序时进度: 逾期 past the due date unless done, else the least advanced unit's."""
        if self.overdue:
            return OVERDUE
        paces = {unit_pace(entry, self.expected, self.owed) for entry in self.reports.values()}
        return next(p for p in _PACE_ORDER if p in paces)

    @property
    def warning(self) -> str:
        """三色预警: 红 overdue, 黄 欠进度, 蓝 due within ``warn_days`` and not done; else ""."""
        pace = self.pace
        if pace == OVERDUE:
            return RED
        if pace == BEHIND:
            return YELLOW
        if pace != DONE and self.due is not None and 0 <= (self.due - self.as_of).days <= self.warn_days:
            return BLUE
        return ""

    def unit_overdue(self, unit: str) -> bool:
        return self.due is not None and self.as_of > self.due and self.unit_statuses[unit] != DONE


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _reporting_units(plan: Plan, item: Item) -> list[str]:
    """The lead units that receive a form for ``item`` (generic references do not)."""
    named = [u for u in item.lead if plan.registry.kind(u) != "泛指"]
    return named or item.lead


def _states(
    plan: Plan, progress: ProgressFile, as_of: dt.date, plan_year: int, warn_days: int = WARN_DAYS
) -> list[_TaskState]:
    """Each task on ``as_of``; ``progress`` holds only the extensions approved by then."""
    latest = latest_entries(progress, plan_year)
    states = []
    for item in plan.items:
        due = extended_due(item, plan_year, progress.extensions, as_of)
        reports = {unit: latest.get((item.label, unit)) for unit in _reporting_units(plan, item)}
        expected = expected_share(item, plan_year, due, as_of)
        owed = any(p.end(plan_year) <= as_of for p in report_periods(plan, item, plan_year, due))
        states.append(_TaskState(item, reports, due, as_of, expected, warn_days, owed))
    return states


def _per_unit(state: _TaskState, key: str) -> str:
    """One text field of each unit's latest report (its status in brackets without one); "单位：" prefixes
    when several units lead."""
    parts = []
    entries_of = state.reports
    for unit, entry in entries_of.items():
        text = getattr(entry, key) if entry else f"（{state.unit_statuses[unit]}）"
        if text and len(entries_of) > 1:
            parts.append(f"{unit}：{text}")
        elif text and entry:
            parts.append(text)
    return "\n".join(parts)


def _status_cell(state: _TaskState) -> Cell:
    text = state.status + (f"（{OVERDUE}）" if state.overdue else "")
    return Cell(text, align="center", fill=WARN_FILLS.get(state.warning), bold=state.overdue)


def _pace_cell(state: _TaskState) -> Cell:
    """序时进度 with the figures it rests on: each unit's 完成比例 and the elapsed share."""
    figures = [f"{unit}完成{e.percent}%" if len(state.reports) > 1 else f"完成{e.percent}%"
               for unit, e in state.reports.items() if e is not None and e.percent is not None]
    if state.expected is not None:
        figures.append(f"序时{round(state.expected * 100)}%")
    text = state.pace + (f"\n（{'，'.join(figures)}）" if figures else "")
    return Cell(text, align="center", fill=WARN_FILLS.get(state.warning))


def _warning_cell(state: _TaskState) -> Cell:
    """The colour named in words too, for readers who cannot tell the fills apart."""
    return Cell(state.warning, align="center", fill=WARN_FILLS.get(state.warning), bold=bool(state.warning))


def _reported_in(state: _TaskState) -> str:
    """The period of each unit's latest report."""
    return "、".join(dict.fromkeys(e.period.label for e in state.reports.values() if e))


def _overdue_table(plan: Plan, states: list[_TaskState]) -> Table:
    columns = (
        Column(plan.heading("seq"), 0.45, "center"),
        Column(plan.heading("task"), 2.6),
        Column(plan.heading("lead"), 1.0),
        Column(plan.heading("schedule"), 0.9, "center"),
        Column("应完成时间", 1.4, "center"),
        Column("完成状态", 1.0, "center"),
        Column("最新进展", 2.6),
    )
    rows = tuple(
        (
            Cell.serial(s.item.label), Cell(s.item.task), Cell(s.item.lead_display), Cell(s.item.schedule),
            Cell(_date_text(s.due) if s.due else ""), _status_cell(s), Cell(_per_unit(s, "progress")),
        )
        for s in states
    )
    return Table(columns, rows)


def _count_row(label: str, statuses: list[str], overdue: int, bold: bool = False) -> tuple[Cell, ...]:
    counts = [len(statuses), *(statuses.count(s) for s in _COUNTED), overdue]
    return (Cell(label, bold=bold), *(Cell.count(c, bold=bold) for c in counts))


def unit_table(plan: Plan, states: list[_TaskState]) -> Table:
    """Per lead unit: its tasks by its own latest status; the total counts each task once."""
    columns = (
        Column(plan.heading("lead"), 1.6),
        Column("牵头任务", 0.8, "center"),
        *(Column(s, 0.8, "center") for s in _COUNTED),
        Column(OVERDUE, 0.8, "center"),
    )
    rows = []
    for unit in dict.fromkeys(u for s in states for u in s.reports):
        mine = [s for s in states if unit in s.reports]
        statuses = [s.unit_statuses[unit] for s in mine]
        rows.append(_count_row(unit, statuses, sum(s.unit_overdue(unit) for s in mine)))
    rows.append(_count_row("合计（项）", [s.status for s in states], sum(s.overdue for s in states), bold=True))
    return Table(columns, tuple(rows))


def leader_table(plan: Plan, states: list[_TaskState]) -> Table:
    """Per leader (责任领导): the tasks in their charge by status; a task naming two
    leaders counts under each."""
    columns = (
        Column(plan.heading("leader"), 1.6),
        Column("负责任务", 0.8, "center"),
        *(Column(s, 0.8, "center") for s in _COUNTED),
        Column(OVERDUE, 0.8, "center"),
    )
    rows = []
    for leader in plan.leaders():
        mine = [s for s in states if leader in s.item.leaders]
        rows.append(_count_row(leader, [s.status for s in mine], sum(s.overdue for s in mine)))
    return Table(columns, tuple(rows))


def _period_table(plan: Plan, progress: ProgressFile, as_of: dt.date, plan_year: int) -> Table | Paragraph:
    """Per reporting period (ended by ``as_of``, or reported on): reports expected
    (``owed_reports``, and any received), received, and their statuses."""
    received_in: dict[Period, list[Entry]] = {}
    for entry in progress.entries:
        received_in.setdefault(entry.period.dated(plan_year), []).append(entry)
    periods = {p.dated(plan_year): p for p in _ended_periods(plan, progress, as_of, plan_year)}
    periods.update({dated: entries[0].period for dated, entries in received_in.items() if dated not in periods})
    if not periods:
        return Paragraph("尚无应报送的报送期，也未收到任何反馈。")
    columns = (
        Column("报送期", 1.6),
        Column("应报（项）", 0.8, "center"),
        Column("已报", 0.8, "center"),
        *(Column(s, 0.8, "center") for s in _REPORTED),
    )
    rows = []
    for dated in sorted(periods, key=lambda p: p.order(plan_year)):
        received = received_in.get(dated, [])
        # Rows carried over from earlier periods were asked for too: a report on one is expected.
        owed = owed_reports(plan, progress, periods[dated], plan_year)
        expected = {(i.label, unit) for unit, items in owed.items() for i in items}
        expected |= {(e.label, e.unit) for e in received}
        statuses = [e.status for e in received] + [MISSING] * len(expected - {(e.label, e.unit) for e in received})
        counts = [len(expected), len(received), *(statuses.count(s) for s in _REPORTED)]
        rows.append((Cell(periods[dated].label), *(Cell.count(c) for c in counts)))
    return Table(columns, tuple(rows))


def _task_table(plan: Plan, states: list[_TaskState]) -> Table:
    columns = (
        Column(plan.heading("seq"), 0.45, "center"),
        Column(plan.heading("task"), 2.3),
        Column(plan.heading("lead"), 0.9),
        Column(plan.heading("schedule"), 0.7, "center"),
        Column("完成状态", 1.0, "center"),
        Column("报送期", 1.1, "center"),
        Column("进展情况", 2.4),
        Column("存在问题", 1.5),
        Column("下步计划", 1.5),
        Column("序时进度", 1.0, "center"),
        Column("预警", 0.45, "center"),
    )
    rows = tuple(
        (
            Cell.serial(s.item.label), Cell(s.item.task), Cell(s.item.lead_display), Cell(s.item.schedule),
            _status_cell(s), Cell(_reported_in(s)),
            *(Cell(_per_unit(s, key)) for key in ("progress", "problems", "next_steps")),
            _pace_cell(s), _warning_cell(s),
        )
        for s in states
    )
    return Table(columns, rows)


def _summary(states: list[_TaskState], as_of: dt.date) -> str:
    statuses = [s.status for s in states]
    counts = "，".join(f"{s}{statuses.count(s)}项" for s in _COUNTED)
    overdue = sum(s.overdue for s in states)
    return f"截至{_date_text(as_of)}，共{len(states)}项工作：{counts}；其中{OVERDUE}{overdue}项。"


def _pace_summary(states: list[_TaskState]) -> str:
    paces = [s.pace for s in states]
    warnings = [s.warning for s in states]
    counts = "，".join(f"{p}{paces.count(p)}项" for p in PACES)
    days = states[0].warn_days if states else WARN_DAYS
    return (
        f"序时进度：{counts}。预警：{RED}色{warnings.count(RED)}项（逾期），{YELLOW}色{warnings.count(YELLOW)}项（欠进度），"
        f"{BLUE}色{warnings.count(BLUE)}项（{days}日内到期）。"
    )


def _warning_table(plan: Plan, states: list[_TaskState]) -> Table | Paragraph:
    """The warned tasks, red first."""
    warned = sorted((s for s in states if s.warning), key=lambda s: (RED, YELLOW, BLUE).index(s.warning))
    if not warned:
        return Paragraph("无预警任务。")
    columns = (
        Column("预警", 0.5, "center"),
        Column(plan.heading("seq"), 0.45, "center"),
        Column(plan.heading("task"), 3.0),
        Column(plan.heading("lead"), 1.2),
        Column("应完成时间", 1.4, "center"),
        Column("序时进度", 1.4, "center"),
    )
    rows = tuple(
        (_warning_cell(s), Cell.serial(s.item.label), Cell(s.item.task), Cell(s.item.lead_display),
         Cell(_date_text(s.due) if s.due else ""), _pace_cell(s))
        for s in warned
    )
    return Table(columns, rows)


def _ended_periods(plan: Plan, progress: ProgressFile, as_of: dt.date, plan_year: int) -> list[Period]:
    """The periods in which some task expected a report (``cycles.report_periods``, with the
    extensions in ``progress``) and that have ended by ``as_of`` (their last day included), in order."""
    periods = {
        p for item in plan.items
        for p in report_periods(plan, item, plan_year, extended_due(item, plan_year, progress.extensions, as_of))
        if p.end(plan_year) <= as_of
    }
    return sorted(periods, key=lambda p: p.order(plan_year))


def owed_reports(plan: Plan, progress: ProgressFile, period: Period, plan_year: int) -> dict[str, list[Item]]:
    """The reports owed for ``period``, by unit: its tasks that expected a report in it
    (``cycles.report_periods``, with the extensions in ``progress``; rows carried over from
    earlier periods are asked about, not owed), less those it had reported 已完成 for an
    earlier period."""
    from ..feedback.forms import forms_for

    order = period.order(plan_year)
    done = {(e.label, e.unit) for e in progress.entries if e.status == DONE and e.period.order(plan_year) < order}
    owed = {
        form.unit: [i for i in form.items if i.label not in form.carried and (i.label, form.unit) not in done]
        for form in forms_for(plan, period.dated(plan_year), progress)  # dated: extensions have years
    }
    return {unit: items for unit, items in owed.items() if items}


def owing_units(plan: Plan, progress: ProgressFile, as_of: dt.date, plan_year: int) -> list[tuple[Period, str, list[Item]]]:
    """未报送: for each period ended by ``as_of``, each unit that owed reports in it
    (``owed_reports``) and has none in the progress data for some of them, with those tasks.
    A task past its due date that is still asked about is listed as 逾期 instead."""
    sent = {(e.label, e.unit, e.period.dated(plan_year)) for e in progress.entries}
    owing = []
    for period in _ended_periods(plan, progress, as_of, plan_year):
        dated = period.dated(plan_year)
        for unit, items in owed_reports(plan, progress, period, plan_year).items():
            missing = [item for item in items if (item.label, unit, dated) not in sent]
            if missing:
                owing.append((period, unit, missing))
    return owing


def _owing_table(plan: Plan, owing: list[tuple[Period, str, list[Item]]]) -> Table | Paragraph:
    if not owing:
        return Paragraph("各应报单位均已报送。")
    columns = (Column("报送期", 1.2), Column(plan.heading("lead"), 1.4), Column("应报任务", 4.6))
    rows = tuple(
        (Cell(period.label), Cell(unit), Cell("\n".join(f"{i.label}. {i.task}" for i in items)))
        for period, unit, items in owing
    )
    return Table(columns, rows)


def _extension_table(plan: Plan, extensions: list[Extension], plan_year: int) -> Table | Paragraph:
    if not extensions:
        return Paragraph("无延期。")
    items = {item.label: item for item in plan.items}
    columns = (
        Column(plan.heading("seq"), 0.45, "center"),
        Column(plan.heading("task"), 2.4),
        Column("申请单位", 1.0),
        Column("原应完成时间", 1.2, "center"),
        Column("延期至", 1.2, "center"),
        Column("延期理由", 2.0),
        Column("批准日期", 1.2, "center"),
    )
    rows = []
    for ext in sorted(extensions, key=lambda e: (plan.items.index(items[e.label]), e.approved)):
        original = due_date(items[ext.label], plan_year)
        rows.append((
            Cell.serial(ext.label), Cell(items[ext.label].task), Cell(ext.unit),
            Cell(_date_text(original) if original else ""), Cell(_date_text(ext.due)), Cell(ext.reason),
            Cell(_date_text(ext.approved)),
        ))
    return Table(columns, tuple(rows))


def _rules(plan: Plan, plan_year: int) -> str:
    year = "" if plan.year else f"计划未写明年度，按{plan_year}年计算。"
    return (
        f"{year}应完成时间：时间进度写明完成月份的（如“7月完成”）为该月月底；只写时段的（如“5-7月”）"
        "为时段最后一个月月底；全年任务为年底。应完成时间已过而未报“已完成”的列为逾期，未报送、未到报送期的视同未完成。"
        "多个单位牵头的任务，各牵头单位均报“已完成”方为完成。经批准延期的，以最后批准的延期时间为应完成时间。"
        f"序时进度：自时间进度首月1日至应完成时间，截至统计日已过的天数比例；填报的完成比例高出序时{MARGIN}个百分点及以上为超进度，"
        f"相差不超过{MARGIN}个百分点为达进度，低于序时{MARGIN}个百分点以上为欠进度；未填完成比例的，"
        "“推进中”视为达进度、“滞后”视为欠进度；未报送按完成0%计；时间未到且未开展为未启动。"
        f"尚无报送而统计日前还没有应报的报送期的（如按时限的任务在应完成的当月才报送），为{NOT_DUE}，"
        "不计欠进度，只按应完成时间预警。"
        "预警：红色为逾期，黄色为欠进度，蓝色为临近应完成时间尚未完成。"
        f"报送：各项工作按报送频次（{'、'.join(CYCLES)}，未写明的按{plan.report_every}）在其时间进度内的各期报送，"
        "按时限的在应完成的当月报送一次；经批准延期的，按延期后的应完成时间确定报送期；统计日前已结束的各期应报而未报的，列为未报送。"
    )


@dataclass(frozen=True)
class Assessment:
    """Progress data judged on one date: each task's state, the reports owed by then and not
    received (period, unit, tasks: ``owing_units``), and the extensions approved by then."""

    states: list[_TaskState]
    owing: list[tuple[Period, str, list[Item]]]
    extensions: list[Extension]

    def status_counts(self) -> list[tuple[str, int]]:
        """How many tasks have each status (已完成, 推进中, 未启动, 滞后, 未报送, 未到报送期), in that order."""
        statuses = [s.status for s in self.states]
        return [(status, statuses.count(status)) for status in _COUNTED]


def assess(plan: Plan, progress: ProgressFile, as_of: dt.date, warn_days: int = WARN_DAYS) -> Assessment:
    """Judge ``progress`` on ``as_of``."""
    plan_year = plan.year or as_of.year
    extensions = [e for e in progress.extensions if e.approved <= as_of]
    in_force = progress.model_copy(update={"extensions": extensions})
    states = _states(plan, in_force, as_of, plan_year, warn_days)
    owing = owing_units(plan, in_force, as_of, plan_year)
    return Assessment(states, owing, extensions)


def progress_document(
    plan: Plan, progress: ProgressFile, as_of: dt.date, warn_days: int = WARN_DAYS
) -> Document:
    """The report: summary, overdue tasks first, counts by unit and period, warnings, the
    reports owed by ``as_of`` and not received, extensions, then every task."""
    plan_year = plan.year or as_of.year
    judged = assess(plan, progress, as_of, warn_days)
    states, owing, extensions = judged.states, judged.owing, judged.extensions
    progress = progress.model_copy(update={"extensions": extensions})
    overdue = [s for s in states if s.overdue]
    missing = [s for s in states if MISSING in s.unit_statuses.values()]
    overdue_block: Block = _overdue_table(plan, overdue) if overdue else Paragraph(f"无{OVERDUE}任务。")
    summary = Section(
        name="汇总",
        blocks=(
            *title_block(TITLE, plan),
            Paragraph(_summary(states, as_of)),
            Paragraph(_pace_summary(states)),
            Paragraph(_rules(plan, plan_year), "note"),
            Paragraph(f"一、{OVERDUE}任务（{len(overdue)}项）", "heading"),
            overdue_block,
            Paragraph("二、各牵头单位完成情况（项）", "heading"),
            unit_table(plan, states),
            Paragraph("三、各期报送情况（项）", "heading"),
            _period_table(plan, progress, as_of, plan_year),
            Paragraph(f"四、预警任务（{sum(bool(s.warning) for s in states)}项）", "heading"),
            _warning_table(plan, states),
            Paragraph(f"五、未报送（{len(owing)}份）", "heading"),
            _owing_table(plan, owing),
            Paragraph(f"六、延期（{len(extensions)}项）", "heading"),
            _extension_table(plan, extensions, plan_year),
            *((Paragraph(f"七、各{plan.heading('leader')}负责任务完成情况（项）", "heading"), leader_table(plan, states))
              if plan.leaders() else ()),
        ),
    )
    missing_note = (
        f"{MISSING}任务{len(missing)}项：{'、'.join(s.item.label for s in missing)}。"
        if missing else "各项工作均已报送。"
    )
    tasks = Section(
        name="各项工作进展",
        blocks=(
            Paragraph("各项工作进展情况", "title"),
            Paragraph(missing_note, "note"),
            _task_table(plan, states),
        ),
    )
    return plan_document(plan, TITLE, [summary, tasks], TITLE)


def outputs(
    plan: Plan, progress: ProgressFile | None = None, as_of: dt.date | None = None, warn_days: int = WARN_DAYS
) -> list[Output]:
    """工作进展报告: needs the progress data collected from the feedback forms."""
    if progress is None:
        raise WorkplanError("工作进展报告需要进展数据：请用 --progress 指定由 collect 生成的 progress.yaml")
    progress = align_progress(progress, plan, "进展数据")
    return [Output(TITLE, progress_document(plan, progress, as_of or dt.date.today(), warn_days))]
