"""Parse the printed 时间进度 (schedule) phrase of a task.

Every phrasing the office uses is recognised here and nowhere else.  A phrase is
turned into the months in which the task is under way and, when the phrase sets a
deadline ("7月完成", "6月底前", "2024年前开工建设"), the month it falls due.  A phrase that
does not match any known shape is kept verbatim and marked unparsed: a schedule is
never guessed.

A cell is read clause by clause (clauses end at ，；。 or, when the cell does not read
as one phrase, at a line break).  Each clause is either

* a dated clause: ``[connector] dates [mark] [what happens]`` — "第一项工作于2019年12月31日
  前完成", "5月底前动工", "3-6月开展督查", "2021年7月之后";
* a manner clause without dates: 长期工作, 常态化推进, 按月推进, 全年 …;
* a note without dates ("视情况调整"), which adds nothing.

A clause that holds digits or date words but is not one of these makes the whole
cell unparsed, so a date is never half read.  The README states the rule of each
family ("Decisions on ambiguous input").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal, NamedTuple

from .lazy_re import LazyPattern

ScheduleKind = Literal["all_year", "ongoing", "recurring", "period", "deadline", "unparsed"]

MIN_YEAR, MAX_YEAR = 1900, 2999
# A schedule is a plan's horizon, not a calendar: a longer span is a typo, and it
# would make every month-by-month view (Gantt chart, quarters) unbounded.
MAX_SPAN_YEARS = 30
# A range written without the next year whose end month comes before its start ("12-3月")
# crosses the year end when it spans at most this many months; "7-5月" is refused.
MAX_WRAPPED_MONTHS = 6

_SEP = r"(?:起至|起到|-|~|～|—|–|－|至|到|〜)"
_LIST_SEP = "、和及"
_ALL_YEAR_WORDS = ("全年",)
_ONGOING_WORDS = ("长期", "常态化", "持续", "长效", "经常性", "日常", "定期", "不间断", "动态")
_RECURRING_WORDS = (
    "每月", "按月", "逐月", "每个月", "每季", "按季", "逐季", "每个季度", "每半年", "每年", "按年", "每周", "按周", "每旬", "每日",
)
# Text before the dates of a clause that leaves the dates their plain meaning.
_CONNECTORS = (
    "于", "在", "到", "至", "截至", "截止", "力争", "确保", "争取", "预计", "计划", "拟", "自", "从", "由",
    "最迟", "不晚于", "须", "需", "要", "将", "并", "每年", "：", ":",
)
# "第一项工作", "（二）", "2." before the dates: the part of the task the date is for.
_NUMBERED = r"(?:第[一二三四五六七八九十\d]{1,3}[项条步个批阶段]+|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、])"
_ENUMERATOR = LazyPattern(_NUMBERED + r"\D{0,20}")
# "1、…7月1日投入试运营 2、…2022年12月底完成": numbered parts written on one line (a page
# copy joins a cell's lines with spaces); a space before a number that opens a part ends a clause.
_PART_BREAK = re.compile(r"[ \t\u00a0\u3000]+(?=\d{1,2}(?:[、．]|\.(?!\d{1,3}(?!\d))))")
_BY_CONNECTORS = ("截至", "截止", "最迟", "不晚于")  # "截至6月" is a deadline
_FROM_CONNECTORS = ("自", "从", "由")  # "自7月起"
# Marks right after the dates.
_BEFORE_MARKS = ("之前", "以前", "为止", "前", "止")
_WITHIN_MARKS = ("以内", "内")
_FROM_MARKS = ("开始", "以后", "之后", "以来", "起", "后")
# What happens at the date: completion makes it a deadline, a start makes it open-ended.
_DONE_WORDS = (
    "完成", "完工", "竣工", "建成", "结束", "办结", "投入使用", "投用", "投产", "交付", "上线", "出台", "印发",
    "报送", "到位", "通车", "落地", "验收", "实现",
)
_START_WORDS = ("开工", "动工", "启动", "开始", "开建", "起步")
_DONE_ADVERBS = ("基本", "全面", "全部", "前", "底前")
# Words that leave the date open ("下半年适时"): such a clause is not read.
_VAGUE_WORDS = ("适时", "视情", "酌情", "待定", "另行", "择机", "视需要", "根据需要", "不定期")

_CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
               "十一": 11, "十二": 12}
_DATE_HINT = LazyPattern(r"\d|季度|半年|年底|年末|年内|旬|次年|翌年|[一二三四五六七八九十]月")


class ScheduleError(ValueError):
    """A date written so that it cannot be placed (13月, 0999年); the reason is shown."""


@dataclass(frozen=True)
class YearMonth:
    """A calendar month.

    ``year`` is None when the phrase names no year: the plan year, or ``later`` years
    after it ("12-3月": January to March fall in the year after the plan year).
    """

    year: int | None
    month: int
    later: int = 0

    def label(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.year else str(self.month)

    @property
    def index(self) -> int:
        """Months since year 0 (or since the plan year's January): for order and spans."""
        return ((self.year if self.year is not None else self.later) * 12) + self.month - 1

    def shifted(self, months: int) -> YearMonth:
        index = self.index + months
        if self.year is None:
            return YearMonth(None, index % 12 + 1, index // 12)
        return YearMonth(index // 12, index % 12 + 1)


@dataclass(frozen=True)
class ParsedSchedule:
    """What a schedule phrase says, before it is placed in a plan year.

    ``open_from``: an open-ended phrase ("2021年7月之后") runs from this month on; the
    model extends it to the end of the plan year.
    """

    kind: ScheduleKind
    months: tuple[YearMonth, ...] = ()
    due: YearMonth | None = None
    reason: str = field(default="", compare=False)
    open_from: YearMonth | None = None


# ---------------------------------------------------------------- normalising


def _normalise(text: str) -> str:
    """Fold the layout noise of a printed cell (spaces, full-width digits) and write
    every shared unit out ("5-12月" → "5月-12月", "2020-2024年" → "2020年-2024年")."""
    folded = "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" or c in "．／" else c for c in text)
    folded = _PART_BREAK.sub("；", folded)
    folded = re.sub(r"[ \t\u00a0\u3000\u200b\ufeff]+", "", folded)
    folded = re.sub(r"\r\n?", "\n", folded)
    # A cell of bare years (a 年份 column, a number from a spreadsheet): "2022", "2022-2023".
    bare_years = re.fullmatch(r"(\d{4})(?:\.0+)?(?:(" + _SEP + r")(\d{4})(?:\.0+)?)?", folded.strip())
    if bare_years:
        folded = f"{bare_years[1]}年" + (f"{bare_years[2]}{bare_years[3]}年" if bare_years[3] else "")
    # Chinese month numerals: "十二月" → "12月" (not "每月", "一个月").
    folded = re.sub(
        r"(?<![一二三四五六七八九十\d])(十[一二]|[一二三四五六七八九十])月",
        lambda m: f"{_CN_NUMBERS[m[1]]}月", folded,
    )
    # Dotted dates: "2021.3" / "2021/3/31" → "2021年3月" / "2021年3月31日".
    folded = re.sub(
        r"(?<!\d)(\d{4})[./](\d{1,2})(?:[./](\d{1,2}))?(?![\d年月./])",
        lambda m: f"{m[1]}年{m[2]}月" + (f"{m[3]}日" if m[3] else ""), folded,
    )
    shared = [
        (r"(?<![\d.])(\d{1,2})(" + _SEP + r"|[、和及])(?=\d{1,2}月)", r"\1月\2"),  # 5-12月, 5、9月
        (r"(?<![\d.])(\d{4})(" + _SEP + r"|[、和及])(?=\d{4}年)", r"\1年\2"),  # 2020-2024年
        (r"(?<!\d)(第?)([一二三四1-4])(" + _SEP + r"|[、和及])(?=第?[一二三四1-4]季度)", r"\1\2季度\3"),  # 一至三季度
    ]
    for pattern, replacement in shared:
        previous = None
        while previous != folded:  # "3、5、9月": each pass writes out one more
            previous, folded = folded, re.sub(pattern, replacement, folded)
    return folded


# ---------------------------------------------------------------- dates

_YEAR = re.compile(r"(?<!\d)(\d{4})年度?|(次年|翌年|第二年|明年)|(当年|本年|今年)")
_MONTH = re.compile(r"(?<!\d)(\d{1,2})月份?(?:(\d{1,2})[日号])?(上旬|中旬|下旬|初|中|底|末)?")
_QUARTER = re.compile(r"第?([一二三四1-4])季度(初|末|底)?")
_HALF = re.compile(r"(上|下)半年(末|底)?")
_YEAR_PART = LazyPattern(r"(底|末)")  # right after 年: 2024年底
_PLAIN_YEAR = re.compile(r"年(?=[底末内])")  # 年底前, 年内 with no year written: the plan year
_SEP_RE = re.compile(_SEP)


class _Point(NamedTuple):
    """A point of a phrase: a month, a quarter, a half year or a year, maybe its end."""

    first: YearMonth
    last: YearMonth
    end: bool = False  # 底 / 末: "by the end of"
    year_written: bool = False


@dataclass
class _Context:
    """Year carried from one date to the next ("2020年3月、5月": May of 2020)."""

    year: int | None = None
    later: int = 0


def _year(text: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ScheduleError(f"年份 {text} 不在 {MIN_YEAR} 至 {MAX_YEAR} 之间")
    return year


def _month(value: str | int) -> int:
    month = int(value)
    if not 1 <= month <= 12:
        raise ScheduleError(f"月份 {value} 不在 1 至 12 之间")
    return month


def _point(text: str, pos: int, ctx: _Context) -> tuple[_Point, int] | None:
    """The date at ``pos``, or None; ``ctx`` carries the year written last."""
    year, later = ctx.year, ctx.later
    match = _YEAR.match(text, pos) or _PLAIN_YEAR.match(text, pos)
    year_written = bool(match and match.group(0) != "年")
    if match:
        if match.re is _YEAR and match[1]:
            year, later = _year(match[1]), 0
        elif match.re is _YEAR and match[2]:
            year, later = (year + 1, 0) if year is not None else (None, later + 1)
        pos = match.end()

    def at(month: int) -> YearMonth:
        return YearMonth(year, month, later if year is None else 0)

    if part := _MONTH.match(text, pos):
        month = _month(part[1])
        if part[2] and not 1 <= int(part[2]) <= 31:
            raise ScheduleError(f"日期 {part[1]}月{part[2]}日 不存在")
        point = _Point(at(month), at(month), part[3] in ("底", "末"), year_written)
    elif part := _QUARTER.match(text, pos):
        quarter = _CN_NUMBERS.get(part[1]) or int(part[1])
        first, last = quarter * 3 - 2, (quarter * 3 - 2 if part[2] == "初" else quarter * 3)
        point = _Point(at(first), at(last), part[2] in ("末", "底"), year_written)
    elif part := _HALF.match(text, pos):
        first = 1 if part[1] == "上" else 7
        point = _Point(at(first), at(first + 5), bool(part[2]), year_written)
    elif match and (part := _YEAR_PART.match(text, pos)):
        point = _Point(at(1), at(12), True, year_written)
    elif match:
        point, part = _Point(at(1), at(12), False, year_written), None
    else:
        return None
    ctx.year, ctx.later = year, later if year is None else 0
    return point, (part.end() if part else pos)


def _span(first: YearMonth, last: YearMonth) -> list[YearMonth]:
    count = last.index - first.index + 1
    if count <= 0:
        raise ScheduleError(f"起始时间 {first.label()} 晚于结束时间 {last.label()}")
    if count > MAX_SPAN_YEARS * 12:
        raise ScheduleError(f"时间跨度超过 {MAX_SPAN_YEARS} 年")
    return [first.shifted(step) for step in range(count)]


class _Dates(NamedTuple):
    """The dates of one clause: a list of points or ranges."""

    months: list[YearMonth]
    start: YearMonth
    last: YearMonth
    end: bool  # the last date is "the end of" a month, quarter, year
    single: bool  # one point, no range and no list


def _range(text: str, pos: int, ctx: _Context) -> tuple[list[YearMonth], _Point, _Point, int] | None:
    found = _point(text, pos, ctx)
    if not found:
        return None
    first, pos = found
    sep = _SEP_RE.match(text, pos)
    if sep:
        saved = _Context(ctx.year, ctx.later)
        found = _point(text, sep.end(), ctx)
        if found:
            last, end = found
            if first.first.year is None and last.last.year is not None:  # "5月-2021年3月"
                first = first._replace(first=replace(first.first, year=last.last.year, later=0))
            elif last.last.index < first.first.index and not last.year_written:
                # "12-3月", "2020年11月至4月": written without the next year, it crosses the year end
                # when it is a winter's span; a longer one ("7-5月", eleven months) is a slip for 5-7月
                # more likely than a plan, and is not guessed.
                last = last._replace(first=last.first.shifted(12), last=last.last.shifted(12))
                if last.last.index - first.first.index + 1 > MAX_WRAPPED_MONTHS:
                    a, b = first.first.month, last.last.month
                    raise ScheduleError(
                        f"起始月份{a}月晚于结束月份{b}月：如跨年请写明“次年”（如 {a}月至次年{b}月），如为{b}-{a}月请改正"
                    )
                ctx.year, ctx.later = last.last.year, last.last.later
            return _span(first.first, last.last), first, last, end
        ctx.year, ctx.later = saved.year, saved.later
    return _span(first.first, first.last), first, first, pos


def _dates(text: str, pos: int, ctx: _Context) -> tuple[_Dates, int] | None:
    """Dates from ``pos``: "3月、5-12月", "2020年7月至2024年底", "一季度至三季度"."""
    found = _range(text, pos, ctx)
    if not found:
        return None
    months, first, last, pos = found
    start, count = first, 1
    while pos < len(text) and text[pos] in _LIST_SEP:
        more = _range(text, pos + 1, ctx)
        if not more:
            break
        months, last, pos = months + more[0], more[2], more[3]
        count += 1
    single = count == 1 and first is last
    return _Dates(months, start.first, last.last, last.end, single), pos


# ---------------------------------------------------------------- clauses


@dataclass
class _Clause:
    kind: Literal["period", "deadline", "from", "ongoing", "recurring", "all_year", "note"]
    months: list[YearMonth] = field(default_factory=list)
    due: YearMonth | None = None
    start: YearMonth | None = None
    part: int = 0  # the numbered part of the cell ("1、…；2、…") the clause belongs to


def _strip_word(text: str, words: tuple[str, ...]) -> tuple[str, str]:
    for word in words:
        if text.startswith(word):
            return word, text[len(word):]
    return "", text


def _find_dates(clause: str, ctx: _Context) -> tuple[int, _Dates, int] | None:
    for pos in range(len(clause)):
        saved = _Context(ctx.year, ctx.later)
        found = _dates(clause, pos, ctx)
        if found:
            return pos, found[0], found[1]
        ctx.year, ctx.later = saved.year, saved.later
    return None


def _clause(clause: str, ctx: _Context, deadline_hint: bool) -> _Clause:
    found = _find_dates(clause, ctx)
    if found is None:
        for words, kind in ((_ALL_YEAR_WORDS, "all_year"), (_RECURRING_WORDS, "recurring"), (_ONGOING_WORDS, "ongoing")):
            if clause.startswith(words):
                return _Clause(kind)  # type: ignore[arg-type]
        if _DATE_HINT.search(clause):
            raise ScheduleError(f"无法识别的时间“{clause}”")
        return _Clause("note")
    pos, dates, end = found
    prefix, suffix = clause[:pos], clause[end:]
    if prefix and not prefix.endswith(_CONNECTORS) and not _ENUMERATOR.fullmatch(prefix):
        raise ScheduleError(f"无法识别的时间“{clause}”")
    if any(word in clause for word in _VAGUE_WORDS):
        raise ScheduleError(f"无法识别的时间“{clause}”")  # reported as the whole cell
    if _find_dates(suffix, _Context(ctx.year, ctx.later)):
        raise ScheduleError(f"一句中有两处时间“{clause}”，请用逗号或分号分开")
    return _meaning(dates, prefix, suffix, deadline_hint)


def _meaning(dates: _Dates, prefix: str, suffix: str, deadline_hint: bool) -> _Clause:
    """Period, deadline or open-ended start, from the words around the dates."""
    implicit = dates.months if not dates.single else []  # a single point's deadline runs from January

    def deadline(months: list[YearMonth]) -> _Clause:
        return _Clause("deadline", months, dates.last)

    if suffix.startswith("前后"):  # "6月前后": about June
        return _Clause("period", dates.months)
    if suffix.startswith(_BEFORE_MARKS) or prefix.endswith(_BY_CONNECTORS):
        return deadline(implicit)
    if suffix.startswith(_WITHIN_MARKS):
        return deadline(dates.months)
    if suffix.startswith(_FROM_MARKS + _START_WORDS) or (prefix.endswith(_FROM_CONNECTORS) and dates.single):
        return _Clause("from", implicit, start=dates.start)
    _, rest = _strip_word(suffix, _DONE_ADVERBS)
    if rest.startswith(_DONE_WORDS) or dates.end or deadline_hint:
        return deadline(implicit)
    return _Clause("period", dates.months)


def _clauses(text: str, split_lines: bool, deadline_hint: bool) -> list[_Clause]:
    """The clauses of a cell.  Numbered parts ("1、…；2、…") are read apart: the year one
    part names does not carry into the next."""
    text = text.replace("\n", "；" if split_lines else "")
    clauses: list[_Clause] = []
    ctx, part = _Context(), 0
    for words in re.split(r"[，,；;。]+", text):
        if not words:
            continue
        if clauses and re.match(_NUMBERED, words):
            ctx, part = _Context(), part + 1
        clause = _clause(words, ctx, deadline_hint)
        clause.part = part
        clauses.append(clause)
    return clauses


# ---------------------------------------------------------------- a whole cell


def _combine(clauses: list[_Clause]) -> ParsedSchedule:
    """One schedule from the clauses of a cell.

    Months are the union of the clauses' months; a deadline whose start is not written
    runs from the last month named before it (else from January of its year); the due
    month is the latest deadline; an open-ended start with no later deadline runs on.
    """
    dated = [c for c in clauses if c.kind in ("period", "deadline", "from")]
    if not dated:
        manner = [c.kind for c in clauses if c.kind != "note"]
        if not manner:
            raise ScheduleError("")
        kind = "all_year" if "all_year" in manner else manner[0]
        return ParsedSchedule(kind, tuple(YearMonth(None, m) for m in range(1, 13)))  # type: ignore[arg-type]
    _fill_years(dated)
    named = {m.index: m for c in dated for m in c.months}
    named.update({c.start.index: c.start for c in dated if c.start})
    months = dict(named)
    for clause in dated:
        if clause.kind == "deadline" and clause.due and not clause.months:
            before = [index for index in named if index <= clause.due.index]
            start = named[max(before)] if before else YearMonth(clause.due.year, 1, clause.due.later)
            months.update((m.index, m) for m in _span(start, clause.due))
    dues = [c.due for c in dated if c.due]
    due = max(dues, key=lambda m: m.index) if dues else None
    starts = [c.start for c in dated if c.start and (due is None or c.start.index > due.index)]
    open_from = min(starts, key=lambda m: m.index) if starts else None
    if open_from:
        months.update((m.index, m) for m in _span(open_from, YearMonth(open_from.year, 12, open_from.later)))
    ordered = tuple(months[i] for i in sorted(months))
    if len(ordered) > MAX_SPAN_YEARS * 12:
        raise ScheduleError(f"时间跨度超过 {MAX_SPAN_YEARS} 年")
    manner = [c.kind for c in clauses if c.kind in ("all_year", "ongoing", "recurring")]
    if due:
        kind: ScheduleKind = "deadline"
    elif manner:  # "常态化推进，3-6月集中整治": all year, the dates are the focus
        first = ordered[0]
        months.update((m.index, m) for m in _span(replace(first, month=1), replace(first, month=12)))
        ordered = tuple(months[i] for i in sorted(months))
        kind = "all_year" if "all_year" in manner else manner[0]  # type: ignore[assignment]
    elif open_from:
        kind = "ongoing"
    else:
        kind = "period"
    return ParsedSchedule(kind, ordered, due, open_from=open_from)


def _fill_years(clauses: list[_Clause]) -> None:
    """A month written without a year in a cell that names one takes the first year named
    ("3月启动，2020年12月底前完成": March 2020), within its numbered part."""
    for part in dict.fromkeys(c.part for c in clauses):
        _fill_part_years([c for c in clauses if c.part == part])


def _fill_part_years(clauses: list[_Clause]) -> None:
    named = [m.year for c in clauses for m in (*c.months, c.due, c.start) if m and m.year is not None]
    if not named:
        return
    year = named[0]

    def fill(month: YearMonth | None) -> YearMonth | None:
        if month is None or month.year is not None:
            return month
        return YearMonth(year + month.later, month.month)

    for clause in clauses:
        clause.months = [fill(m) for m in clause.months]  # type: ignore[misc]
        clause.due, clause.start = fill(clause.due), fill(clause.start)


def parse(text: str, *, deadline: bool = False) -> ParsedSchedule:
    """Parse a schedule phrase as printed; unknown shapes come back as ``unparsed``.

    ``deadline``: the cell sits under a heading such as 完成时限, so a bare date ("6月",
    "2020年") is the date the task falls due, not the period it runs in.
    """
    phrase = _normalise(text).strip("\n")
    if not phrase.strip("，,；;。\n"):
        return ParsedSchedule("unparsed", reason="时间进度为空")
    reason = ""
    for split_lines in (False, True):  # "7月\n完成" is one phrase; two dated lines are two clauses
        if split_lines and "\n" not in phrase:
            break
        try:
            return _combine(_clauses(phrase, split_lines, deadline))
        except ScheduleError as error:
            reason = reason or str(error)
    if not reason or reason.startswith("无法识别"):
        reason = f"无法识别的时间进度“{_quoted(text)}”"
    return ParsedSchedule("unparsed", reason=reason)


# ---------------------------------------------------------------- schedules from other cells

_LABEL = LazyPattern(r"[\s\u3000]*([\d０-９年月日号至到\-~～—–－、上中下旬底末初前季度第一二三四五六七八九十半内份.]{2,24})[\s\u3000]*[：:]")


def leading_period(text: str) -> str | None:
    """The dates that open the lines of a measures or task text ("3月：…", "5-12月：…"),
    as one phrase ``parse`` reads ("3月、5-12月"); None when no line opens with a date."""
    labels = []
    for line in text.splitlines():
        match = _LABEL.match(line)
        if match and match[1][0] not in "、-~～—–－至到" and parse(match[1]).kind != "unparsed":
            labels.append(match[1])
    if not labels:
        return None
    plain = all(parse(label).kind == "period" for label in labels)
    return ("、" if plain else "；").join(labels)


def _year_cell(text: str) -> str:
    """"2020", "2020.0" (a number from a spreadsheet), "2020年" → "2020年"; other text as is."""
    text = text.strip()
    match = re.fullmatch(r"(\d{4})(?:\.0+)?年?", text)
    return f"{match[1]}年" if match else text


def from_start_finish(start: str, finish: str) -> str:
    """One phrase from 开工年份 / 竣工年份 cells: "2020年至2022年底" (due at the end of the
    finish year), "2021年内" when both are the same year, "2020年起" with no finish."""
    start, finish = _year_cell(start), _year_cell(finish)
    if start and finish:
        if start == finish:
            return f"{finish}内"
        return f"{start}至{finish}底" if finish.endswith("年") else f"{start}至{finish}"
    if start:
        return f"{start}起"
    return f"{finish}底前" if finish.endswith("年") else finish


_CN_QUARTERS = "一二三四"


def from_quarter_columns(quarters: list[int]) -> str:
    """One phrase for work planned in quarter columns: "一至三季度内" (under way in those
    quarters, due at the end of the last), "一、三季度内", "四季度内"."""
    chosen = sorted({q for q in quarters if 1 <= q <= 4})
    if not chosen:
        return ""
    runs: list[list[int]] = []
    for quarter in chosen:
        if runs and runs[-1][-1] == quarter - 1:
            runs[-1].append(quarter)
        else:
            runs.append([quarter])
    parts = [
        _CN_QUARTERS[run[0] - 1] if len(run) == 1 else f"{_CN_QUARTERS[run[0] - 1]}至{_CN_QUARTERS[run[-1] - 1]}"
        for run in runs
    ]
    return "、".join(parts) + "季度内"


def _quoted(text: str, limit: int = 40) -> str:
    """``text`` as a message quotes it: on one line (a problem is one line), and short
    (the reason is printed in a cell of the Gantt chart, next to the text itself)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit] + "…"
