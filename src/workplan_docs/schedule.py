"""Parse the printed 时间进度 (schedule) phrase of a task.

Every phrasing the office uses is recognised here and nowhere else.  A phrase is
turned into the months in which the task is under way and, when the phrase sets a
deadline ("7月完成", "6月底前", "年底前"), the month it falls due.  A phrase that does
not match any known shape is kept verbatim and marked unparsed: a schedule is never
guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

ScheduleKind = Literal["all_year", "ongoing", "recurring", "period", "deadline", "unparsed"]

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ALL_YEAR = {"全年", "全年度", "全年持续", "全年推进", "全年开展", "全年实施"}
_ONGOING = {"持续推进", "长期坚持", "常态化", "长期", "持续", "持续开展", "常态化开展", "长期推进"}
_RECURRING = {"每季度", "按季度", "每月", "逐月", "每半年"}
# Words after a month that turn it into a deadline ("7月完成", "9月投入使用").
_DEADLINE_WORDS = ("前完成", "底前完成", "完成", "前", "结束", "投入使用", "上线运行", "上线", "出台", "印发", "完工", "报送")
_RANGE_SEP = r"(?:-|~|～|—|–|－|至|到)"
_YEAR = r"(?:(?P<{name}>\d{{4}})年)?"


@dataclass(frozen=True)
class YearMonth:
    """A calendar month; ``year`` is None when the phrase names no year (the plan year)."""

    year: int | None
    month: int

    def label(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.year else str(self.month)


@dataclass(frozen=True)
class ParsedSchedule:
    """What a schedule phrase says, before it is placed in a plan year."""

    kind: ScheduleKind
    months: tuple[YearMonth, ...] = ()
    due: YearMonth | None = None
    reason: str = field(default="", compare=False)


def _normalise(text: str) -> str:
    """Fold the layout noise of a printed cell: line breaks, spaces, full-width digits."""
    folded = "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" else c for c in text)
    return re.sub(r"\s+", "", folded)


def _span(year: int | None, first: int, last: int) -> list[YearMonth]:
    return [YearMonth(year, m) for m in range(first, last + 1)]


def _month(value: str) -> int:
    month = int(value)
    if not 1 <= month <= 12:
        raise ValueError(f"月份 {value} 不在 1 至 12 之间")
    return month


def _parse_quarter(text: str) -> ParsedSchedule | None:
    match = re.fullmatch(
        _YEAR.format(name="y") + r"第?([一二三四1-4])季度(末|底|前|末前|底前|末前完成|底前完成|完成)?", text
    )
    if not match:
        return None
    year = int(match["y"]) if match["y"] else None
    quarter = _CN_DIGITS[match[2]]
    months = _span(year, quarter * 3 - 2, quarter * 3)
    if match[3]:
        return ParsedSchedule("deadline", tuple(_span(year, 1, quarter * 3)), months[-1])
    return ParsedSchedule("period", tuple(months))


def _parse_half_or_year_end(text: str) -> ParsedSchedule | None:
    match = re.fullmatch(_YEAR.format(name="y") + r"(上半年|下半年|年底前|年底|年内|年末|年底前完成|年内完成)(完成|前|底前)?", text)
    if not match:
        return None
    year = int(match["y"]) if match["y"] else None
    phrase, suffix = match[2], match[3]
    if phrase in ("上半年", "下半年"):
        first = 1 if phrase == "上半年" else 7
        if suffix:
            return ParsedSchedule("deadline", tuple(_span(year, 1, first + 5)), YearMonth(year, first + 5))
        return ParsedSchedule("period", tuple(_span(year, first, first + 5)))
    return ParsedSchedule("deadline", tuple(_span(year, 1, 12)), YearMonth(year, 12))


_MONTH_TOKEN = re.compile(
    r"(?:(?P<y1>\d{4})年)?(?P<m1>\d{1,2})(?:月(?:\d{1,2}[日号])?)?"
    r"(?:" + _RANGE_SEP + r"(?:(?P<y2>\d{4})年)?(?P<m2>\d{1,2}))?月"
    r"(?:\d{1,2}[日号])?"  # a day ("6月30日") places the task in its month
    r"(?P<part>上旬|中旬|下旬|底|末|初)?"
)


def _parse_months(text: str) -> ParsedSchedule | None:
    """Month lists and ranges, with an optional deadline word at the end."""
    body, deadline = text, False
    for word in _DEADLINE_WORDS:
        if body.endswith(word) and len(body) > len(word):
            body, deadline = body[: -len(word)], True
            break
    parts = [p for p in re.split(r"[、，,；;和及]", body)]
    if not parts or any(not p for p in parts):
        return None
    months: list[YearMonth] = []
    year: int | None = None
    for part in parts:
        match = _MONTH_TOKEN.fullmatch(part)
        if not match:
            # "5、9月": a bare number before the last month of a list.
            if re.fullmatch(r"\d{1,2}", part) and part is not parts[-1]:
                months.append(YearMonth(year, _month(part)))
                continue
            return None
        if match["y1"]:
            year = int(match["y1"])
        first = YearMonth(year, _month(match["m1"]))
        if match["m2"]:
            end_year = int(match["y2"]) if match["y2"] else year
            last = YearMonth(end_year, _month(match["m2"]))
            months.extend(_month_range(first, last))
            year = end_year
        else:
            months.append(first)
        # "6月底" / "6月末" name the end of a month: a deadline even without 前.
        deadline = deadline or (part is parts[-1] and match["part"] in ("底", "末"))
    if deadline:
        due = months[-1]
        start = YearMonth(due.year, 1) if len(months) == 1 else months[0]
        return ParsedSchedule("deadline", tuple(_month_range(start, due)), due)
    return ParsedSchedule("period", tuple(dict.fromkeys(months)))


def _month_range(first: YearMonth, last: YearMonth) -> list[YearMonth]:
    if first.year != last.year:
        if first.year is None or last.year is None or first.year > last.year:
            raise ValueError("跨年的时间范围须写明两端的年份")
        months = _span(first.year, first.month, 12)
        for year in range(first.year + 1, last.year):
            months += _span(year, 1, 12)
        return months + _span(last.year, 1, last.month)
    if first.month > last.month:
        raise ValueError(f"起始月 {first.month} 晚于结束月 {last.month}")
    return _span(first.year, first.month, last.month)


def parse(text: str) -> ParsedSchedule:
    """Parse a schedule phrase as printed; unknown shapes come back as ``unparsed``."""
    phrase = _normalise(text)
    if not phrase:
        return ParsedSchedule("unparsed", reason="时间进度为空")
    if phrase in _ALL_YEAR:
        return ParsedSchedule("all_year", tuple(_span(None, 1, 12)))
    if phrase in _ONGOING:
        return ParsedSchedule("ongoing", tuple(_span(None, 1, 12)))
    if phrase in _RECURRING:
        return ParsedSchedule("recurring", tuple(_span(None, 1, 12)))
    try:
        for parser in (_parse_quarter, _parse_half_or_year_end, _parse_months):
            result = parser(phrase)
            if result is not None:
                return result
    except ValueError as error:
        return ParsedSchedule("unparsed", reason=str(error))
    return ParsedSchedule("unparsed", reason=f"无法识别的时间进度“{_quoted(text)}”")


def _quoted(text: str, limit: int = 40) -> str:
    """``text`` as a message quotes it: on one line (a problem is one line), and short
    (the reason is printed in a cell of the Gantt chart, next to the text itself)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit] + "…"
