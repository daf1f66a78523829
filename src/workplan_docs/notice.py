"""The notice (通知) that issues a plan: its 版头, 主体 and 版记, validated where it enters.

A notice file (notice.yaml) is plain data beside the plan file.  What GB/T 9704-2012 and
office practice fix is checked here, once, so that the report and the writers can
trust it: a 发文字号 is 机关代字〔YYYY〕N号 (no "第", no leading zero, 六角括号 〔〕 — square
or round brackets are a common slip); a date is a real date written without leading
zeros; 主送 names somebody; the 附件说明 names the attachments with their exact titles.

``notice init`` writes a starting point in which every field a user must fill holds a
placeholder (``PLACEHOLDER`` …) that validation refuses, so a notice cannot be issued
with "请填写" in it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import PlanError, Problem
from .model import TEXT_ERRORS, Plan, Text, text_problem

PLACEHOLDER = "【请填写"
_PLACEHOLDER_END = "】"
SCHEMA_TITLE = "workplan-docs 通知文件"

_NUMBER = re.compile(r"(?P<code>[^\s〔〕\[\]［］()（）【】]+)〔(?P<year>\d{4})〕(?P<serial>\d+)号")
_DATE_TEXT = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_COPY_NUMBER = re.compile(r"\d{6}")
SECRECY_LEVELS = ("秘密", "机密", "绝密")
URGENCY_LEVELS = ("特急", "加急", "特提", "平急")


def _no_placeholder(value: str) -> str:
    if PLACEHOLDER in value:
        raise ValueError(f"尚未填写（仍是“{value}”），请改为实际内容")
    return value


def _number(value: str) -> str:
    """发文字号 as GB/T 9704 §7.2.4 writes it: 国质检科〔2010〕123号."""
    if "第" in value:
        raise ValueError(f"发文字号“{value}”不应含“第”字，应写作 机关代字〔年份〕序号号，如 国质检科〔2010〕12号")
    if re.search(r"[\[\]［］()（）【】]", value):
        raise ValueError(f"发文字号“{value}”的年份应使用六角括号〔〕，如 国质检科〔2010〕12号")
    match = _NUMBER.fullmatch(value)
    if match is None:
        raise ValueError(f"发文字号“{value}”应写作 机关代字〔年份〕序号号，如 国质检科〔2010〕12号")
    if match["serial"].startswith("0"):
        raise ValueError(f"发文字号“{value}”的序号不应编虚位（前面不加 0），如 〔2010〕1号")
    if not 1900 <= int(match["year"]) <= 2999:
        raise ValueError(f"发文字号“{value}”的年份超出范围")
    return value


def parse_date(value: Any) -> dt.date:
    """成文日期 / 印发日期: a YAML date (2010-07-01) or the text as printed (2010年7月1日)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not 1900 <= value.year <= 2999:
            raise ValueError("年份超出范围（1900—2999）")
        return value
    if not isinstance(value, str):
        raise ValueError("应为日期，如 2010年7月1日 或 2010-07-01")
    _no_placeholder(value)
    text = value.strip()
    match = _DATE_TEXT.fullmatch(text)
    if match is not None and any(part.startswith("0") for part in match.groups()[1:]):
        raise ValueError(f"日期“{value}”的月、日不应编虚位（前面不加 0），应写作 2010年7月1日")
    try:
        parsed = dt.date(*(int(part) for part in match.groups())) if match else dt.date.fromisoformat(text)
    except ValueError:
        if match:
            raise ValueError(f"“{value}”不是有效的日期") from None
        raise ValueError(f"“{value}”不是日期，应写作 2010年7月1日（或 2010-07-01）") from None
    return parse_date(parsed)


def bulletin_title(plan: Plan) -> str:
    """The 情况通报's title: 关于《<plan title>》落实情况的通报."""
    return f"关于《{plan.title}》落实情况的通报"


def date_text(value: dt.date) -> str:
    """A date as a 公文 prints it: Arabic numerals, no leading zeros, 2010年7月1日."""
    return f"{value.year}年{value.month}月{value.day}日"


NoticeText = Annotated[Text, Field(min_length=1)]


class Attachment(BaseModel):
    """One attachment named in the 附件说明: the plan being built (its title word for word),
    or another document bound apart, which is named here and not printed by us."""

    model_config = ConfigDict(extra="forbid")

    title: NoticeText

    @field_validator("title")
    @classmethod
    def _filled(cls, value: str) -> str:
        return _no_placeholder(value)


class Notice(BaseModel):
    """A notice file (notice.yaml): the document that issues the plan."""

    model_config = ConfigDict(extra="forbid")

    # 版头
    issuer: list[NoticeText] = Field(min_length=1, description="发文机关（联合行文时依次列出，主办机关在前）")
    header: Text | None = Field(None, description="发文机关标志；缺省为发文机关名称加“文件”")
    number: Text = Field(description="发文字号，如 国质检科〔2010〕12号")
    copy_number: Text | None = Field(None, description="份号（6位数字），涉密公文必须标注")
    secrecy: Text | None = Field(None, description="密级和保密期限，如 秘密★1年")
    urgency: Literal["特急", "加急", "特提", "平急"] | None = Field(None, description="紧急程度")
    signers: list[NoticeText] = Field([], description="签发人（上行文标注；写明后按上行文排版）")
    letterhead: Literal["red", "preprinted"] = Field("red", description="red：套红印制；preprinted：套打，留出版头位置")
    # 主体
    title: Text | None = Field(None, description="公文标题；缺省为 关于印发《计划标题》的通知")
    to: list[NoticeText] = Field(min_length=1, description="主送机关")
    body: Annotated[list[NoticeText], Field(min_length=1)] | Literal["bulletin"] = Field(
        union_mode="left_to_right",
        description="正文段落；以 一、（一）1.（1）开头的段落为各级标题。写 bulletin 则以情况通报（落实情况的统计）为正文",
    )
    attachments: list[Attachment] = Field([], description="附件；缺省为本计划（正文为情况通报时缺省无附件）")
    signature: Text | None = Field(None, description="署名；缺省为发文机关")
    date: dt.date = Field(description="成文日期，如 2010年7月1日")
    sealed: bool = Field(True, description="是否加盖印章（决定署名和成文日期的位置；本工具不绘制印章）")
    note: Text | None = Field(None, description="附注，如 此件公开发布")
    # 版记
    cc: list[NoticeText] = Field([], description="抄送机关")
    printer: Text | None = Field(None, description="印发机关；缺省为发文机关")
    print_date: dt.date | None = Field(None, description="印发日期；缺省为成文日期")

    @field_validator("issuer", "to", "body", "signers", "cc")
    @classmethod
    def _filled_list(cls, values: list[str] | str) -> list[str] | str:
        for value in values if isinstance(values, list) else []:
            _no_placeholder(value)
        return values

    @field_validator("header", "title", "signature", "printer", "secrecy", "note")
    @classmethod
    def _filled(cls, value: str | None) -> str | None:
        return None if value is None else _no_placeholder(value)

    @field_validator("number")
    @classmethod
    def _number(cls, value: str) -> str:
        return _number(_no_placeholder(value.strip()))

    @field_validator("copy_number")
    @classmethod
    def _copy_number(cls, value: str | None) -> str | None:
        if value is not None and not _COPY_NUMBER.fullmatch(_no_placeholder(value)):
            raise ValueError(f"份号“{value}”应为6位阿拉伯数字，如 000001")
        return value

    @field_validator("secrecy")
    @classmethod
    def _secrecy(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(SECRECY_LEVELS):
            raise ValueError(f"密级应为{'、'.join(SECRECY_LEVELS)}之一，可加保密期限，如 秘密★1年")
        return value

    @field_validator("date", "print_date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> dt.date | None:
        return None if value is None else parse_date(value)

    @model_validator(mode="after")
    def _secret_needs_copy_number(self) -> Notice:
        if self.secrecy and not self.copy_number:
            raise ValueError("copy_number: 涉密公文应标注份号")
        if self.print_date and self.print_date < self.date:
            raise ValueError("print_date: 印发日期早于成文日期")
        return self

    # Derived wording, so that the report and every writer say the same.
    @property
    def upward(self) -> bool:
        """An upward document (上行文) names its 签发人 in the 版头."""
        return bool(self.signers)

    @property
    def header_text(self) -> str:
        return self.header or "".join(self.issuer) + "文件"

    @property
    def bulletin(self) -> bool:
        """The body is the 情况通报 (``body: bulletin``): the plan's progress, counted."""
        return self.body == "bulletin"

    def title_for(self, plan: Plan) -> str:
        if self.title:
            return self.title
        return bulletin_title(plan) if self.bulletin else f"关于印发《{plan.title}》的通知"

    def attachment_titles(self, plan: Plan) -> list[str]:
        """The attachments the 附件说明 names: by default the plan, none for a 情况通报."""
        return [a.title for a in self.attachments] or ([] if self.bulletin else [plan.title])

    def binds_plan(self, plan: Plan) -> bool:
        """Is the plan's table bound after the notice (it is one of the attachments)?"""
        return plan.title in self.attachment_titles(plan)

    @property
    def signature_text(self) -> str:
        return self.signature or "　".join(self.issuer)

    @property
    def printer_text(self) -> str:
        return self.printer or self.issuer[0]

    @property
    def printed_on(self) -> dt.date:
        return self.print_date or self.date

    def check_against(self, plan: Plan, source: str) -> None:
        """One attachment must be the plan, named by its exact title (GB/T 9704: the
        attachment's title is worded as in the 附件说明)."""
        titles = [a.title for a in self.attachments]
        if not titles or plan.title in titles or self.bulletin:  # a 情况通报 may carry other attachments only
            return
        if len(titles) == 1:
            raise PlanError(Problem(
                f"附件标题“{titles[0]}”与计划标题“{plan.title}”不一致：附件说明中的标题须与附件标题完全相同",
                source, None, "attachments.0.title",
            ))
        raise PlanError(Problem(f"附件中没有本计划：请把计划标题“{plan.title}”列为一个附件", source, None, "attachments"))

    def plan_label(self, plan: Plan) -> str:
        """The label printed on the plan's attachment page: the plan's own ("附件") when it is
        the only attachment, else "附件N" by its place in the 附件说明."""
        titles = self.attachment_titles(plan)
        return plan.attachment if len(titles) == 1 else f"附件{titles.index(plan.title) + 1}"


_MESSAGES = {
    "missing": "缺少此项",
    "string_type": "应为文本",
    "list_type": "应为列表（每行以“- ”开头）",
    "bool_type": "应为 true 或 false",
    "extra_forbidden": "无法识别的字段（字段名拼写是否有误？）",
    "too_short": "不能为空",
    "literal_error": "取值无效",
    "model_type": "应为键值映射",
}


def _problems(error: ValidationError, source: str) -> list[Problem]:
    problems = []
    for detail in error.errors():
        loc = [str(part) for part in detail["loc"]]
        if any(part.startswith("literal[") for part in loc):
            continue  # body: the list's own error says what is wrong (bulletin is named there)
        loc = [part for part in loc if not part.startswith("list[")]
        if detail["type"] in TEXT_ERRORS:
            message = text_problem(detail["input"])
        else:
            message = _MESSAGES.get(detail["type"], str(detail["msg"]).removeprefix("Value error, "))
        if loc == ["body"] and detail["type"] == "list_type":
            message = "应为段落列表（每段以“- ”开头），或写 bulletin 以情况通报为正文"
        if detail["type"] == "literal_error":
            message = f"取值无效，应为以下之一：{detail['ctx']['expected']}"
        if not loc and ": " in message:  # a model-level rule names its own field
            field, message = message.split(": ", 1)
            loc = [field]
        problems.append(Problem(message, source, None, ".".join(loc) or None))
    return problems


def notice_from_data(data: Any, source: str) -> Notice:
    if not isinstance(data, dict):
        raise PlanError(Problem("通知文件的顶层应为键值映射（issuer、number、to、body …）", source))
    if isinstance(data.get("issuer"), str):  # one issuer written as text, not a list
        data = {**data, "issuer": [data["issuer"]]}
    try:
        return Notice.model_validate(data)
    except ValidationError as error:
        raise PlanError(_problems(error, source)) from None


def load_notice(path: str | Path) -> Notice:
    """Read and validate a notice file (YAML); every problem is one line naming the field."""
    from .readers.plan_file import decode, parse_yaml

    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise PlanError(Problem("文件不存在", source))
    return notice_from_data(parse_yaml(decode(path.read_bytes(), source), source), source)


def notice_schema() -> dict[str, Any]:
    schema = Notice.model_json_schema()
    schema["title"] = SCHEMA_TITLE
    return schema


def _placeholder(what: str) -> str:
    return f"{PLACEHOLDER}{what}{_PLACEHOLDER_END}"


def notice_template(plan: Plan) -> str:
    """A notice.yaml to start from: filled from the plan where it can be, every other
    field a placeholder that validation refuses, each commented."""
    issuer = plan.issuer or _placeholder("发文机关全称或规范化简称")
    year = plan.year or dt.date.today().year
    lines = [
        "# 通知文件：与计划文件一起生成《通知》（版头、正文、附件说明、署名、附件、版记）。",
        "# 带“【请填写…】”的项须改为实际内容，否则检查不通过；以 # 开头的行是说明，可删除。",
        "",
        "# ---- 版头 ----",
        f"issuer: [{_quote(issuer)}]          # 发文机关；联合行文时依次列出，主办机关在前",
        f"number: {_quote(_placeholder(f'发文字号，如 机关代字〔{year}〕1号'))}  # 年份用六角括号〔〕，序号不加“第”、不编虚位",
        "# header: 某某机关文件        # 发文机关标志，缺省为发文机关加“文件”",
        "# copy_number: \"000001\"      # 份号，涉密公文标注",
        "# secrecy: 秘密★1年           # 密级和保密期限",
        "# urgency: 加急               # 紧急程度：特急 / 加急",
        "# signers: [张三]              # 签发人：写明后按上行文排版",
        "letterhead: red               # red 套红印制；preprinted 在预印红头纸上套打（不印红头和红线）",
        "",
        "# ---- 主体 ----",
        f"# title: 关于印发《{plan.title}》的通知   # 缺省即此",
        f"to: [{_quote(_placeholder('主送机关'))}]      # 主送机关，多个时逐个列出",
        "body:                         # 正文，每段一项；以 一、（一）1.（1）开头的段落为各级标题；写 body: bulletin 则以情况通报为正文",
        f"  - {_quote(_placeholder(f'正文，如：现将《{plan.title}》印发给你们，请认真贯彻执行。'))}",
        "attachments:                  # 附件说明；本计划的标题须与附件标题完全一致",
        f"  - title: {_quote(plan.title)}",
        f"date: {_quote(_placeholder(f'成文日期，如 {year}年7月1日'))}",
        "sealed: true                  # 是否加盖印章（决定署名和日期的位置；不绘制印章）",
        "# signature: 某某机关          # 署名，缺省为发文机关",
        "# note: 此件公开发布            # 附注",
        "",
        "# ---- 版记 ----",
        "# cc: [某某单位]               # 抄送机关",
        "# printer: 某某机关办公室       # 印发机关，缺省为发文机关",
        "# print_date: 2010年7月2日     # 印发日期，缺省为成文日期",
        "",
    ]
    return "\n".join(lines)


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (every text here is one line)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
