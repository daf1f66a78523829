"""Reporting cycles (报送频次): which periods expect a report on which task.

A plan reports 季 (each quarter) unless it says otherwise: ``report_every`` on the plan sets
the default, on an item that item's own cycle — 月 (monthly), 季 (quarterly), 半年
(half-yearly) or 按时限 (once, at the deadline).  A form covers one period of one kind
(a month, a quarter, a half year) and asks about the tasks whose cycle is of that kind;
按时限 tasks are asked about in the month their time runs out.

The 时间进度 decides the periods: a task's time runs from the first day of its first
scheduled month to its due date (the end of its deadline month, or of its last month),
as for 序时进度; it expects a report in each period of its cycle that overlaps that time
(a 5-7月 task reporting 月: May, June, July; 季: the second and third quarters), or, for
按时限, in the month of its due date only.  An approved extension (延期) moves the due date,
and so the periods with it: a 5-7月 monthly task extended to 30 September expects reports
in August and September too, a 按时限 one in September instead of July.  A task whose
schedule could not be read expects none.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .model import Item, Plan

CYCLES = ("月", "季", "半年", "按时限")
DEFAULT_CYCLE = "季"
PeriodKind = Literal["month", "quarter", "half"]
KIND_OF_CYCLE: dict[str, PeriodKind] = {"月": "month", "季": "quarter", "半年": "half", "按时限": "month"}
_MONTHS_OF_KIND = {"month": 1, "quarter": 3, "half": 6}
_COUNT_OF_KIND = {"month": 12, "quarter": 4, "half": 2}
_KIND_RANK = {"month": 0, "quarter": 1, "half": 2}  # periods ending on one day: the shortest first
_QUARTER_NAMES = ("第一季度", "第二季度", "第三季度", "第四季度")
_HALF_NAMES = ("上半年", "下半年")

# How offices write a cycle in a 报送频次 column: 每月报送 / 月报 / 按季度 / 半年一报 / 按时间节点.
_FILLER = re.compile(r"[\s\u3000]|报送|反馈|报告|填报|上报|一次|一报|进展|情况")
_WORDS = {
    "月": ("月", "月报", "每月", "按月", "月度", "逐月"),
    "季": ("季", "季报", "季度", "每季", "每季度", "按季", "按季度"),
    "半年": ("半年", "半年报", "每半年", "按半年", "半年度"),
    "按时限": ("按时限", "时限", "按时间节点", "按节点", "按期", "到期", "完成时", "按完成时限"),
}
_LOOKUP = {word: cycle for cycle, words in _WORDS.items() for word in words}
# Headings of an imported column that holds the cycle.
CYCLE_HEADING = re.compile(r"^(报送|反馈|填报|上报)(频次|频率|周期|时间要求|要求)$")


def read_cycle(text: str) -> str | None:
    """The cycle a cell or field names ("每月报送" → 月), or None when it names none."""
    return _LOOKUP.get(_FILLER.sub("", text))


def check_cycle(text: str) -> str:
    """A plan file's ``report_every``, as one of ``CYCLES`` (ValueError names the choices)."""
    cycle = read_cycle(text)
    if cycle is None:
        raise ValueError(f"报送频次“{text}”应为 {'、'.join(CYCLES)} 之一")
    return cycle


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    """A reporting period: a month, a quarter or a half year, of ``year`` (None: the plan
    names no year, and the period is of the one year its months are in)."""

    kind: PeriodKind
    index: int
    year: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.index <= _COUNT_OF_KIND[self.kind]:
            raise ValueError(f"{self.kind} {self.index} out of range")

    @property
    def months(self) -> range:
        size = _MONTHS_OF_KIND[self.kind]
        return range((self.index - 1) * size + 1, self.index * size + 1)

    @property
    def name(self) -> str:
        """"5月", "第二季度", "上半年"."""
        if self.kind == "month":
            return f"{self.index}月"
        return (_QUARTER_NAMES if self.kind == "quarter" else _HALF_NAMES)[self.index - 1]

    @property
    def label(self) -> str:
        """"2010年5月", "2010年第二季度", "2010年上半年"; without a year, the name alone."""
        return f"{self.year}年{self.name}" if self.year is not None else self.name

    def start(self, calendar_year: int) -> dt.date:
        return dt.date(self.year or calendar_year, self.months[0], 1)

    def end(self, calendar_year: int) -> dt.date:
        return _month_end(self.year or calendar_year, self.months[-1])

    def order(self, calendar_year: int) -> tuple[dt.date, int]:
        """Sorts periods by their last day, the shorter first."""
        return self.end(calendar_year), _KIND_RANK[self.kind]

    def dated(self, calendar_year: int) -> Period:
        """The same period with its year written (comparing a plan's undated periods with dated ones)."""
        return Period(self.kind, self.index, self.year or calendar_year)

    @classmethod
    def containing(cls, kind: PeriodKind, year: int | None, month: int) -> Period:
        return cls(kind, (month - 1) // _MONTHS_OF_KIND[kind] + 1, year)


def cycle_of(plan: Plan, item: Item) -> str:
    """The item's own cycle, else the plan's."""
    return item.report_every or plan.report_every


def kind_of(plan: Plan, item: Item) -> PeriodKind:
    return KIND_OF_CYCLE[cycle_of(plan, item)]


def _time(item: Item, calendar_year: int, due: dt.date | None) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(year, month) of the first and the last month of the task's time, or None unscheduled."""
    from .progress import due_date

    timing = item.timing
    months = [(calendar_year, m) for m in timing.months] + [(int(m[:4]), int(m[5:])) for m in timing.other_months]
    due = due or due_date(item, calendar_year)
    if not months or due is None:
        return None
    return min(months), (due.year, due.month)


def report_periods(plan: Plan, item: Item, calendar_year: int, due: dt.date | None = None) -> list[Period]:
    """The periods in which ``item`` expects a report, in order (see the module's rule);
    ``due``: the due date in force when an extension moved it (``progress.extended_due``).

    Periods are of the plan year's calendar; a plan that names no year gives them no
    year (``calendar_year`` then only places its months)."""
    time = _time(item, calendar_year, due)
    if time is None:
        return []
    cycle = cycle_of(plan, item)
    kind = KIND_OF_CYCLE[cycle]
    (first_year, first_month), (last_year, last_month) = time
    if cycle == "按时限":
        first_year, first_month = last_year, last_month
    periods: dict[Period, None] = {}  # in order, each once
    for index in range(first_year * 12 + first_month - 1, last_year * 12 + last_month):
        year, month = divmod(index, 12)
        periods[Period.containing(kind, year if plan.year is not None or year != calendar_year else None, month + 1)] = None
    return list(periods)


def expects_report(plan: Plan, item: Item, period: Period, calendar_year: int, due: dt.date | None = None) -> bool:
    """Whether ``item`` (due on ``due`` when extended) expects a report in ``period`` (given
    with or without its year)."""
    dated = period.dated(calendar_year)
    return any(p.dated(calendar_year) == dated for p in report_periods(plan, item, calendar_year, due))
