"""The notice file (issue 15): what a 通知 must get right is checked where it enters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from workplan_docs.cli import main
from workplan_docs.errors import PlanError
from workplan_docs.model import Plan
from workplan_docs.notice import date_text, load_notice, notice_from_data, notice_template

from .conftest import SAMPLE_PLAN

SAMPLE_NOTICE = SAMPLE_PLAN.with_name("seed-notice.yaml")


@pytest.fixture(scope="module")
def notice_data() -> dict[str, Any]:
    return yaml.safe_load(SAMPLE_NOTICE.read_text(encoding="utf-8"))


def _problem(data: dict[str, Any], **changes: Any) -> str:
    with pytest.raises(PlanError) as caught:
        notice_from_data({**data, **changes}, "notice.yaml")
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


def test_the_sample_notice_reads_with_its_defaults(seed_plan: Plan) -> None:
    notice = load_notice(SAMPLE_NOTICE)
    notice.check_against(seed_plan, str(SAMPLE_NOTICE))
    assert notice.title_for(seed_plan) == "关于印发《总局在质检系统开展检测工作整顿活动重点工作安排》的通知"
    assert notice.attachment_titles(seed_plan) == [seed_plan.title]
    assert (notice.date, notice.printed_on) == (dt.date(2010, 7, 1), dt.date(2010, 7, 2))
    assert notice.header_text == "国家质量监督检验检疫总局文件"
    assert not notice.upward and notice.sealed and notice.letterhead == "red"


@pytest.mark.parametrize(("number", "message"), [
    ("国质检科〔2010〕第312号", "发文字号“国质检科〔2010〕第312号”不应含“第”字"),
    ("国质检科[2010]312号", "的年份应使用六角括号〔〕"),
    ("国质检科（2010）312号", "的年份应使用六角括号〔〕"),
    ("国质检科〔2010〕012号", "的序号不应编虚位（前面不加 0）"),
    ("国质检科2010年312号", "应写作 机关代字〔年份〕序号号"),
])
def test_a_bad_document_number_is_named(notice_data: dict[str, Any], number: str, message: str) -> None:
    line = _problem(notice_data, number=number)
    assert line.startswith("notice.yaml: number: ") and message in line


@pytest.mark.parametrize(("value", "message"), [
    ("2010年07月01日", "日期“2010年07月01日”的月、日不应编虚位（前面不加 0），应写作 2010年7月1日"),
    ("2010年2月30日", "“2010年2月30日”不是有效的日期"),
    ("七月一日", "“七月一日”不是日期，应写作 2010年7月1日（或 2010-07-01）"),
    ("0999-01-01", "年份超出范围（1900—2999）"),
])
def test_a_bad_date_is_named(notice_data: dict[str, Any], value: str, message: str) -> None:
    assert _problem(notice_data, date=value) == f"notice.yaml: date: {message}"


def test_dates_are_read_as_written_or_as_yaml_dates(notice_data: dict[str, Any]) -> None:
    assert notice_from_data({**notice_data, "date": dt.date(2010, 7, 1)}, "n").date == dt.date(2010, 7, 1)
    assert notice_from_data({**notice_data, "date": "2010-07-01"}, "n").date == dt.date(2010, 7, 1)
    assert date_text(dt.date(2010, 7, 1)) == "2010年7月1日"


def test_empty_and_misspelt_fields(notice_data: dict[str, Any]) -> None:
    assert _problem(notice_data, to=[]) == "notice.yaml: to: 不能为空"
    assert _problem(notice_data, cc_list=["x"]) == "notice.yaml: cc_list: 无法识别的字段（字段名拼写是否有误？）"
    assert _problem(notice_data, secrecy="秘密★1年") == "notice.yaml: copy_number: 涉密公文应标注份号"
    assert _problem(notice_data, copy_number="12") == "notice.yaml: copy_number: 份号“12”应为6位阿拉伯数字，如 000001"
    assert _problem(notice_data, print_date="2010年6月30日") == "notice.yaml: print_date: 印发日期早于成文日期"


def test_the_attachment_title_must_be_the_plans(notice_data: dict[str, Any], seed_plan: Plan) -> None:
    notice = notice_from_data({**notice_data, "attachments": [{"title": "检测工作整顿活动重点工作安排"}]}, "notice.yaml")
    with pytest.raises(PlanError) as caught:
        notice.check_against(seed_plan, "notice.yaml")
    assert str(caught.value.problems[0]).startswith(
        "notice.yaml: attachments.0.title: 附件标题“检测工作整顿活动重点工作安排”与计划标题"
    )


def test_init_fills_what_the_plan_knows_and_validation_refuses_the_rest(
    tmp_path: Path, seed_plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    template = yaml.safe_load(notice_template(seed_plan))
    assert template["attachments"] == [{"title": seed_plan.title}]
    target = tmp_path / "notice.yaml"
    assert main(["notice", "init", str(SAMPLE_PLAN), "-o", str(target)]) == 0
    assert main(["validate", str(SAMPLE_PLAN), "--notice", str(target)]) == 2
    err = capsys.readouterr().err
    assert {line.split(": ")[1] for line in err.splitlines() if "尚未填写" in line} == {
        "issuer", "number", "to", "body", "date"
    }
    before = target.read_bytes()
    assert main(["notice", "init", str(SAMPLE_PLAN), "-o", str(target)]) == 2  # a filled-in notice is never replaced
    assert target.read_bytes() == before
    assert main(["validate", str(SAMPLE_PLAN), "--notice", str(SAMPLE_NOTICE)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"{SAMPLE_NOTICE}: 有效，发文字号 国质检科〔2010〕312号"


def test_other_attachments_are_named_and_the_plan_numbered_by_its_place(notice_data: dict[str, Any], seed_plan: Plan) -> None:
    several = [{"title": "检测机构整顿情况统计表"}, {"title": seed_plan.title}]
    notice = notice_from_data({**notice_data, "attachments": several}, "notice.yaml")
    notice.check_against(seed_plan, "notice.yaml")
    assert notice.plan_label(seed_plan) == "附件2"
    missing = notice_from_data({**notice_data, "attachments": several[:1] * 2}, "notice.yaml")
    with pytest.raises(PlanError) as caught:
        missing.check_against(seed_plan, "notice.yaml")
    assert str(caught.value.problems[0]).startswith("notice.yaml: attachments: 附件中没有本计划")
    assert _problem(notice_data, attachments=[{"title": seed_plan.title, "plan": "other.yaml"}]) == (
        "notice.yaml: attachments.0.plan: 无法识别的字段（字段名拼写是否有误？）"
    )
