"""Every schedule phrasing the issue lists, parsed into months, due month and kind."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workplan_docs.model import Schedule
from workplan_docs.schedule import from_quarter_columns, from_start_finish, leading_period, parse

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


@pytest.mark.parametrize(
    ("text", "months", "other", "due", "other_due"),
    [
        # 新昌: numbered parts on one line (the copy joined the cell's lines with spaces)
        ("1.2021年8月 2.2021年12月", ALL, [], 12, None),
        # each part keeps its own year: 7月 and 10月 are the plan year's, 2022年12月 is not
        ("1、农副产品交易物流中心7月1日项目投入试运营 2、南岩农贸市场计划2022年12月底完成项目建设 "
         "3、钟楼农贸市场星级改造计划10月1日前完成项目建设", list(range(1, 11)), [f"2022-{m:02d}" for m in ALL], None,
         "2022-12"),
        ("计划10月底完成新增墓地建设", list(range(1, 11)), [], 10, None),
        ("2021.8", list(range(1, 9)), [], 8, None),
    ],
)
def test_numbered_parts_of_a_deadline_cell(text: str, months: list[int], other: list[str], due: int | None,
                                           other_due: str | None) -> None:
    schedule = Schedule.from_text(text, 2021, deadline=True)
    assert (schedule.months, schedule.other_months, schedule.due, schedule.other_due) == (months, other, due, other_due)


def test_year_without_plan_year_is_kept_apart() -> None:
    schedule = Schedule.from_text("2010年6月", None)
    assert schedule.months == [] and schedule.other_months == ["2010-06"]


@pytest.mark.parametrize(
    "text", ["下周", "尽快", "13月", "", "视情况而定", "2011年7月-2010年5月", "方案2021年3月完成", "3月前后5月", "99999年", "下半年适时"]
)
def test_unknown_phrases_are_unparsed_not_guessed(text: str) -> None:
    schedule = Schedule.from_text(text, 2010)
    assert schedule.kind == "unparsed"
    assert schedule.months == [] and schedule.due is None
    assert schedule.problem
    assert schedule.text == text


def test_parser_reports_why() -> None:
    assert "13" in parse("13月").reason
    assert "晚于" in parse("2011年7月-2010年5月").reason


def _months(first: str, last: str) -> list[str]:
    """"2019-11".."2020-02" as labels, to write expected months of other years briefly."""
    y, m = map(int, first.split("-"))
    out = []
    while f"{y}-{m:02d}" <= last:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# Every family of issue 12 §3, placed in a 2020 plan: (kind, months of 2020, due in 2020,
# months of other years, due in another year).
@pytest.mark.parametrize(
    ("text", "kind", "months", "due", "others", "other_due"),
    [
        # years
        ("2020年", "period", ALL, None, [], None),
        ("2020年完成", "deadline", ALL, 12, [], None),
        ("2023年前完成", "deadline", [], None, _months("2023-01", "2023-12"), "2023-12"),
        ("2024年底前", "deadline", [], None, _months("2024-01", "2024-12"), "2024-12"),
        ("2020-2024年", "period", ALL, None, _months("2021-01", "2024-12"), None),
        ("2021年至2022年", "period", [], None, _months("2021-01", "2022-12"), None),
        ("2019年7月至2021年", "period", ALL, None, _months("2019-07", "2019-12") + _months("2021-01", "2021-12"), None),
        ("2019年7月之后", "ongoing", ALL, None, _months("2019-07", "2019-12"), None),
        ("7月1日起", "ongoing", [7, 8, 9, 10, 11, 12], None, [], None),
        ("自2020年9月起", "ongoing", [9, 10, 11, 12], None, [], None),
        # a deadline followed by what happens
        ("5月底前动工", "deadline", [1, 2, 3, 4, 5], 5, [], None),
        ("10月前投入使用", "deadline", list(range(1, 11)), 10, [], None),
        ("2020年10月前投入使用", "deadline", list(range(1, 11)), 10, [], None),
        ("2024年前开工建设", "deadline", [], None, _months("2024-01", "2024-12"), "2024-12"),
        ("力争2020年底前全面建成", "deadline", ALL, 12, [], None),
        # compound and multi-date
        ("每月推进，2020年12月底前完成", "deadline", ALL, 12, [], None),
        ("第一项工作于2019年12月31日前完成；第二项工作于2020年6月底前完成", "deadline",
         [1, 2, 3, 4, 5, 6], 6, _months("2019-01", "2019-12"), None),
        ("第一项2019年12月前完成\n第二项2020年6月前完成", "deadline", [1, 2, 3, 4, 5, 6], 6, _months("2019-01", "2019-12"), None),
        ("3-6月启动，10月底前完成", "deadline", list(range(3, 11)), 10, [], None),
        ("9-10月开展检查，6月前制定方案", "deadline", [1, 2, 3, 4, 5, 6, 9, 10], 6, [], None),
        ("3月启动，2020年12月底前完成", "deadline", list(range(3, 13)), 12, [], None),
        # ongoing, with trailing text
        ("长期工作", "ongoing", ALL, None, [], None),
        ("常态化推进", "ongoing", ALL, None, [], None),
        ("按月推进", "recurring", ALL, None, [], None),
        ("长期坚持，每季度报送进展情况", "ongoing", ALL, None, [], None),
        ("持续推进，视情况调整", "ongoing", ALL, None, [], None),
        ("常态化推进，3-6月集中整治", "ongoing", ALL, None, [], None),
        # across the year end, parts of months, quarters, halves
        ("12-3月", "period", [12], None, _months("2021-01", "2021-03"), None),
        ("11月至次年4月", "period", [11, 12], None, _months("2021-01", "2021-04"), None),
        ("2019年12月-3月", "period", [1, 2, 3], None, ["2019-12"], None),
        ("10月中旬", "period", [10], None, [], None),
        ("一季度末", "deadline", [1, 2, 3], 3, [], None),
        ("2024年上半年", "period", [], None, _months("2024-01", "2024-06"), None),
        ("一至三季度", "period", list(range(1, 10)), None, [], None),
        ("二、三季度", "period", list(range(4, 10)), None, [], None),
        ("四季度内", "deadline", [10, 11, 12], 12, [], None),
        ("3月至6月底", "deadline", [3, 4, 5, 6], 6, [], None),
        # other ways of writing dates
        ("2020.3-2020.6", "period", [3, 4, 5, 6], None, [], None),
        ("2020/6/30前", "deadline", [1, 2, 3, 4, 5, 6], 6, [], None),
        ("十二月底前", "deadline", ALL, 12, [], None),
        ("2020年3月—2020年6月", "period", [3, 4, 5, 6], None, [], None),
        ("6月前后", "period", [6], None, [], None),
        ("截至9月", "deadline", list(range(1, 10)), 9, [], None),
    ],
)
def test_families_of_issue_12(
    text: str, kind: str, months: list[int], due: int | None, others: list[str], other_due: str | None
) -> None:
    schedule = Schedule.from_text(text, 2020)
    assert (schedule.kind, schedule.months, schedule.due) == (kind, months, due), schedule.problem
    assert (schedule.other_months, schedule.other_due) == (others, other_due)


def test_across_the_year_end_without_a_plan_year_is_one_year_cycle() -> None:
    schedule = Schedule.from_text("12-3月", None)
    assert schedule.months == [1, 2, 3, 12] and schedule.other_months == []


@pytest.mark.parametrize(
    ("text", "months", "due"),
    [
        ("6月", [1, 2, 3, 4, 5, 6], 6),
        ("2020年", ALL, 12),
        ("三季度", list(range(1, 10)), 9),
        ("3-6月", [3, 4, 5, 6], 6),
        ("6月底前", [1, 2, 3, 4, 5, 6], 6),
    ],
)
def test_under_a_deadline_heading_a_bare_date_is_the_due_date(text: str, months: list[int], due: int) -> None:
    schedule = Schedule.from_text(text, 2020, deadline=True)
    assert (schedule.kind, schedule.months, schedule.due) == ("deadline", months, due)


def test_ongoing_words_stay_ongoing_under_a_deadline_heading() -> None:
    assert Schedule.from_text("长期坚持", 2020, deadline=True).kind == "ongoing"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0999年3月", "年份 0999 不在 1900 至 2999 之间"),
        ("1000年1月-9999年12月", "年份 1000 不在 1900 至 2999 之间"),
        ("1900年1月-2999年12月", "时间跨度超过 30 年"),
        ("2020年2月30日", ""),
        ("2020年2月32日", "日期 2月32日 不存在"),
        ("9" * 5000 + "年", "无法识别"),
        ("1" * 5000 + "月", "无法识别"),
    ],
)
def test_limits_give_a_reason_never_a_crash(text: str, reason: str) -> None:
    parsed = parse(text)
    if reason:
        assert parsed.kind == "unparsed" and reason in parsed.reason
    else:
        assert parsed.kind == "period"


def test_a_long_hostile_cell_is_read_in_linear_time() -> None:
    import time

    cell = "2020年1月、" * 3000 + "，".join(["1月"] * 3000)
    started = time.perf_counter()
    parse(cell)
    parse("1" * 30000)
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("3月：制定方案", "3月"),
        ("5-12月：组织实施", "5-12月"),
        ("4~12月：组织实施", "4~12月"),
        ("3-4月:动员部署", "3-4月"),
        ("3月：制定方案\n5-12月：组织实施", "3月、5-12月"),
        ("3月：制定方案；\n6月底前：完成验收", "3月；6月底前"),
        ("加强宣传：3月开展", None),
        ("按照“谁主管、谁负责”原则：落实", None),
        ("2021年：完成", "2021年"),
    ],
)
def test_leading_period(text: str, phrase: str | None) -> None:
    assert leading_period(text) == phrase
    if phrase:
        assert parse(phrase).kind != "unparsed"


def test_leading_periods_give_their_union() -> None:
    schedule = Schedule.from_text(leading_period("3月：制定方案\n5-12月：组织实施") or "", None)
    assert schedule.months == [3, *range(5, 13)]


@pytest.mark.parametrize(
    ("start", "finish", "phrase", "months", "due", "others"),
    [
        ("2020", "2022", "2020年至2022年底", ALL, None, _months("2021-01", "2022-12")),
        ("2020.0", "2020", "2020年内", ALL, 12, []),
        ("2020年", "", "2020年起", ALL, None, []),
        ("", "2020", "2020年底前", ALL, 12, []),
        ("2020年3月", "2020年9月", "2020年3月至2020年9月", list(range(3, 10)), None, []),
    ],
)
def test_start_and_finish_columns(start: str, finish: str, phrase: str, months: list[int], due: int | None, others: list[str]) -> None:
    assert from_start_finish(start, finish) == phrase
    schedule = Schedule.from_text(phrase, 2020)
    assert (schedule.months, schedule.due, schedule.other_months) == (months, due, others)


@pytest.mark.parametrize(
    ("quarters", "phrase", "months", "due"),
    [
        ([4], "四季度内", [10, 11, 12], 12),
        ([1, 2, 3], "一至三季度内", list(range(1, 10)), 9),
        ([3, 1], "一、三季度内", [1, 2, 3, 7, 8, 9], 9),
        ([1, 2, 4], "一至二、四季度内", [1, 2, 3, 4, 5, 6, 10, 11, 12], 12),
        ([], "", [], None),
    ],
)
def test_quarter_columns(quarters: list[int], phrase: str, months: list[int], due: int | None) -> None:
    assert from_quarter_columns(quarters) == phrase
    schedule = Schedule.from_text(phrase, 2020)
    assert (schedule.months, schedule.due) == (months, due)


def test_quarters_of_a_long_multi_year_plan_are_computed_in_one_pass() -> None:
    import time

    from workplan_docs.model import Plan

    items = [{"seq": n, "task": "任务", "lead": ["办公室"], "schedule": f"{1990 + n % 20}年1月-{2019 + n % 5}年12月"}
             for n in range(1, 401)]
    started = time.perf_counter()
    plan = Plan.model_validate({"title": "计划", "year": 2020, "items": items})
    quarters = plan.quarters()
    assert time.perf_counter() - started < 5
    assert 4 < len(quarters) <= 4 + 4 * 34  # bounded by the years named
    # every quarter agrees with the one-quarter view
    for q in quarters[:8] + quarters[-3:]:
        single = plan.quarter(q.quarter, q.year if q.year != plan.year else None)
        assert ([i.label for i in q.active], [i.label for i in q.due]) == (
            [i.label for i in single.active], [i.label for i in single.due])


def test_open_ended_phrase_runs_to_the_end_of_the_plan_year() -> None:
    schedule = Schedule.from_text("2018年7月起", 2020)
    assert schedule.months == ALL and schedule.other_months[0] == "2018-07" and schedule.other_months[-1] == "2019-12"


# Dated phrases of real published plans, as printed (the corpus of tests/real_plans, and cells and
# sentences of the stored government pages the corpus was found among).
REAL_PHRASES = [
    "12月底前", "9月投入使用", "5月底前动工", "全年",  # dazhu.gov.cn 2016年民生实事目标任务分解表
    "2022", "2022-2023",  # 宁海县 2022年民生实事 建设起止年限
    "每季度末月20日前",  # 大竹县: 于每季度末月20日前将完成情况报县政府督查室
    "2022年10月底前",  # 咸阳市 2022年深化“放管服”改革工作要点
    "1月底前", "2月底前",  # 甘政发〔2022〕9号: 于1月底前完成…, 2月底前逐项制定
    "2023年2月10日前",  # 武政办〔2023〕1号
    "每个季度第1个月的20日前",  # 武政办〔2022〕1号
    "年底前",  # 许政〔2020〕20号: 年底前向市政府报告全年落实情况
    "2022—2024年",  # 六盘水市新型基础设施建设三年行动方案
    "2018—2020年",  # 静安区三年行动计划
    "2021.8", "10月底", "计划10月底完成新增墓地建设", "1.2021年8月 2.2021年12月",  # 新昌县 2021年民生实事 计划完成时间
]


@pytest.mark.parametrize("text", REAL_PHRASES)
def test_real_phrases_are_understood(text: str) -> None:
    assert parse(text).kind != "unparsed", parse(text).reason


def test_at_least_95_percent_of_the_corpus_schedules_are_understood(tmp_path) -> None:
    import warnings

    from tests.real_plans import make
    from workplan_docs.model import Plan
    from workplan_docs.readers import read_data

    schedules = []
    for path in make.fixtures():
        with warnings.catch_warnings():  # reader warnings (title, year) are not the point here
            warnings.simplefilter("ignore")
            data = read_data(make.make_docx(make.load(path), tmp_path / f"{path.stem}.docx"))
        plan = Plan.model_validate(data)
        schedules += [(path.stem, item.label, item.schedule, item.timing) for item in plan.items if item.schedule]
    understood = [s for s in schedules if s[3].parsed]
    assert len(schedules) >= 15
    assert len(understood) / len(schedules) >= 0.95, [s[:3] for s in schedules if not s[3].parsed]
    # the 完成时限 column holds deadlines
    dazhu = {label: timing for stem, label, _, timing in schedules if stem == "dazhu_2016_minsheng"}
    assert all(t.due for t in dazhu.values())



def test_a_long_span_through_the_plan_year_adds_no_quarters_of_other_years() -> None:
    from workplan_docs.model import Plan

    items = [
        {"seq": 1, "task": "远景目标", "lead": ["办公室"], "schedule": "2021-2035年"},
        {"seq": 2, "task": "下年度工作", "lead": ["办公室"], "schedule": "2024年6月底前"},
        {"seq": 3, "task": "本年工作", "lead": ["办公室"], "schedule": "3月"},
    ]
    plan = Plan.model_validate({"title": "计划", "year": 2023, "items": items})
    quarters = plan.quarters()
    assert [(q.year, q.quarter) for q in quarters] == [(2023, 1), (2023, 2), (2023, 3), (2023, 4), (2024, 1), (2024, 2)]
    assert [i.label for i in quarters[0].active] == ["1", "3"] and [i.label for i in quarters[3].active] == ["1"]
    assert [i.label for i in quarters[5].due] == ["2"]
    assert plan.items[0].timing.other_months[0] == "2021-01" and plan.items[0].timing.other_months[-1] == "2035-12"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789年月日至-、，；前底末内起后完成上下半季度第一二三四每长期次\n ", max_size=40))
def test_any_phrase_gives_a_schedule_or_a_reason_never_an_error(text: str) -> None:
    parsed = parse(text)
    if parsed.kind == "unparsed":
        assert parsed.reason and not parsed.months
    else:
        assert 0 < len(parsed.months) <= 30 * 12
        assert all(1 <= m.month <= 12 and (m.year is None or 1900 <= m.year <= 2999) for m in parsed.months)
        assert parsed.due is None or parsed.due in parsed.months
    for year in (None, 2020):
        Schedule.from_text(text, year)


@pytest.mark.parametrize(("text", "months", "others"), [
    ("12-3月", [12], ["2021-01", "2021-02", "2021-03"]),
    ("10-3月", [10, 11, 12], ["2021-01", "2021-02", "2021-03"]),
    ("11月至次年5月", [11, 12], ["2021-01", "2021-02", "2021-03", "2021-04", "2021-05"]),
])
def test_a_winter_span_crosses_the_year_end(text: str, months: list[int], others: list[str]) -> None:
    schedule = Schedule.from_text(text, 2020)
    assert (schedule.kind, schedule.months, schedule.other_months) == ("period", months, others)


@pytest.mark.parametrize(("text", "start", "end"), [("7-5月", 7, 5), ("8月至2月", 8, 2), ("3月启动，11-5月完成", 11, 5)])
def test_a_longer_backward_range_is_refused_not_read_across_the_year(text: str, start: int, end: int) -> None:
    """"7-5月" would be eleven months across the year end: more likely a slip for 5-7月.  It is
    not guessed: 未排期, with what to write instead (validate warns, --strict refuses)."""
    schedule = Schedule.from_text(text, 2020)
    assert schedule.kind == "unparsed" and schedule.months == []
    assert schedule.problem == (f"起始月份{start}月晚于结束月份{end}月：如跨年请写明“次年”（如 {start}月至次年{end}月），"
                                f"如为{end}-{start}月请改正")
