"""Every schedule phrasing the issue lists, parsed into months, due month and kind."""

from __future__ import annotations

import pytest

from workplan_docs.model import Schedule
from workplan_docs.schedule import parse

ALL = list(range(1, 13))


@pytest.mark.parametrize(
    ("text", "kind", "months", "due"),
    [
        ("全年", "all_year", ALL, None),
        ("4月", "period", [4], None),
        ("06月", "period", [6], None),
        ("５月", "period", [5], None),
        ("5-7月", "period", [5, 6, 7], None),
        ("5~7月", "period", [5, 6, 7], None),
        ("5～7月", "period", [5, 6, 7], None),
        ("5月至7月", "period", [5, 6, 7], None),
        ("5月-7月", "period", [5, 6, 7], None),
        ("5月、9月", "period", [5, 9], None),
        ("5、9月", "period", [5, 9], None),
        ("7月完成", "deadline", [1, 2, 3, 4, 5, 6, 7], 7),
        ("7月\n完成", "deadline", [1, 2, 3, 4, 5, 6, 7], 7),
        ("6月底前", "deadline", [1, 2, 3, 4, 5, 6], 6),
        ("6月底", "deadline", [1, 2, 3, 4, 5, 6], 6),
        ("6月前", "deadline", [1, 2, 3, 4, 5, 6], 6),
        ("9月投入使用", "deadline", list(range(1, 10)), 9),
        ("6月上旬", "period", [6], None),
        ("6月中旬", "period", [6], None),
        ("6月下旬", "period", [6], None),
        ("6月下旬前", "deadline", [1, 2, 3, 4, 5, 6], 6),
        ("6月30日前", "deadline", [1, 2, 3, 4, 5, 6], 6),
        ("6月30日", "period", [6], None),
        ("5月1日-7月31日", "period", [5, 6, 7], None),
        ("年底前", "deadline", ALL, 12),
        ("年内", "deadline", ALL, 12),
        ("年内完成", "deadline", ALL, 12),
        ("上半年", "period", [1, 2, 3, 4, 5, 6], None),
        ("下半年", "period", [7, 8, 9, 10, 11, 12], None),
        ("上半年完成", "deadline", [1, 2, 3, 4, 5, 6], 6),
        ("一季度", "period", [1, 2, 3], None),
        ("第一季度", "period", [1, 2, 3], None),
        ("第三季度", "period", [7, 8, 9], None),
        ("三季度末", "deadline", list(range(1, 10)), 9),
        ("每季度", "recurring", ALL, None),
        ("持续推进", "ongoing", ALL, None),
        ("长期坚持", "ongoing", ALL, None),
        ("常态化", "ongoing", ALL, None),
    ],
)
def test_phrases_without_year(text: str, kind: str, months: list[int], due: int | None) -> None:
    schedule = Schedule.from_text(text, None)
    assert (schedule.kind, schedule.months, schedule.due) == (kind, months, due)
    assert schedule.text == text
    assert schedule.all_year == (kind == "all_year")


def test_year_of_the_plan_is_folded_into_plan_months() -> None:
    schedule = Schedule.from_text("2010年7月-10月", 2010)
    assert schedule.months == [7, 8, 9, 10] and schedule.other_months == []


def test_date_with_day_and_year() -> None:
    schedule = Schedule.from_text("2010年6月30日前完成", 2010)
    assert (schedule.kind, schedule.due) == ("deadline", 6)


def test_single_month_with_year() -> None:
    schedule = Schedule.from_text("2010年6月", 2010)
    assert schedule.months == [6]


def test_months_of_another_year_are_kept_with_their_year() -> None:
    schedule = Schedule.from_text("2011年1-6月", 2010)
    assert schedule.months == []
    assert schedule.other_months == ["2011-01", "2011-02", "2011-03", "2011-04", "2011-05", "2011-06"]
    assert schedule.parsed


def test_range_across_years_splits_between_plan_year_and_next() -> None:
    schedule = Schedule.from_text("2010年10月-2011年3月", 2010)
    assert schedule.months == [10, 11, 12]
    assert schedule.other_months == ["2011-01", "2011-02", "2011-03"]


def test_deadline_in_another_year() -> None:
    schedule = Schedule.from_text("2011年6月底前", 2010)
    assert schedule.due is None and schedule.other_due == "2011-06"


def test_year_without_plan_year_is_kept_apart() -> None:
    schedule = Schedule.from_text("2010年6月", None)
    assert schedule.months == [] and schedule.other_months == ["2010-06"]


@pytest.mark.parametrize("text", ["下周", "尽快", "13月", "7-5月", "", "5月中", "视情况而定", "2010年"])
def test_unknown_phrases_are_unparsed_not_guessed(text: str) -> None:
    schedule = Schedule.from_text(text, 2010)
    assert schedule.kind == "unparsed"
    assert schedule.months == [] and schedule.due is None
    assert schedule.problem
    assert schedule.text == text


def test_parser_reports_why() -> None:
    assert "13" in parse("13月").reason
    assert "晚于" in parse("7-5月").reason
