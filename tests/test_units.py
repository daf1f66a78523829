"""Splitting 牵头单位 / 参与部门 cells into units."""

from __future__ import annotations

from dataclasses import dataclass, field

from workplan_docs.units import Registry, first_unit_leads_note, is_blank, split_units


@dataclass
class Entry:
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str | None = None


def names(text: str, registry: Registry | None = None) -> list[str]:
    return [m.name for m in split_units(text, registry)]


def test_separators() -> None:
    assert names("认监委、计量司，动植司,检验司；食品局;特设局\n食品司") == [
        "认监委", "计量司", "动植司", "检验司", "食品局", "特设局", "食品司"]


def test_one_unit_per_line() -> None:
    assert names("科技司\n执法司") == ["科技司", "执法司"]


def test_conjunction_between_two_units_splits() -> None:
    assert names("通关司、科技司、监督司及相关司局") == ["通关司", "科技司", "监督司", "相关司局"]
    assert names("认监委和标准委") == ["认监委", "标准委"]


def test_conjunction_inside_a_name_does_not_split() -> None:
    assert names("国家发展和改革委员会") == ["国家发展和改革委员会"]
    assert names("国家发展和改革委员会", Registry([Entry("国家发展和改革委员会")])) == ["国家发展和改革委员会"]


def test_brackets_stay_inside_names() -> None:
    assert names("各大区国家计量测试中心、各省计量院（所）") == ["各大区国家计量测试中心", "各省计量院（所）"]


def test_role_sentence_yields_every_unit_with_its_role() -> None:
    text = "中国质检协会承办竞赛组织工作。认监委、标准委、总局相关司局、各直属检验检疫局、省级质量技术监督局、有关行业协会协助"
    mentions = split_units(text)
    assert [m.name for m in mentions] == [
        "中国质检协会", "认监委", "标准委", "总局相关司局", "各直属检验检疫局", "省级质量技术监督局", "有关行业协会"]
    assert mentions[0].role == "承办竞赛组织工作"
    assert {m.role for m in mentions[1:]} == {"协助"}


def test_whitespace_and_width_are_normalised() -> None:
    assert names(" 科技 司 、\u3000认监委\u00a0") == ["科技司", "认监委"]
    assert names("ＡＢＣ中心") == ["ABC中心"]


def test_aliases_resolve_to_registry_name() -> None:
    registry = Registry([Entry("认监委", ["国家认监委"])])
    assert names("国家认监委、科技司", registry) == ["认监委", "科技司"]


def test_duplicates_are_named_once() -> None:
    assert names("科技司、科技司") == ["科技司"]


def test_blank_cells() -> None:
    assert is_blank("\u00a0") and is_blank(" \n\t") and not is_blank("科技司")
    assert names("\u00a0") == []


def test_generic_kind() -> None:
    registry = Registry([Entry("科技司", kind="司局")])
    assert registry.kind("相关司局") == "泛指"
    assert registry.kind("科技司") == "司局"
    assert registry.kind("某中心") is None


# ---------------------------------------------------------------- issue 12 §2: roles, wraps, shared endings

import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.real_plans import make  # noqa: E402
from workplan_docs.model import Item, Plan  # noqa: E402
from workplan_docs.readers.columns import map_headings  # noqa: E402
from workplan_docs.reports import unit_sheets  # noqa: E402
from workplan_docs.units import COLLECTIVE_KIND, GENERIC_KIND, assign_roles  # noqa: E402


def plan_of(**item: object) -> Plan:
    return Plan.model_validate({"title": "计划", "items": [{"seq": 1, "task": "任务", **item}]})


@pytest.mark.parametrize(
    ("cell", "lead", "participants"),
    [
        ("市发改委（牵头）、市财政局、市商务局", ["市发改委"], ["市财政局", "市商务局"]),
        ("市发改委牵头，市财政局、市商务局配合", ["市发改委"], ["市财政局", "市商务局"]),
        ("办公室牵头,各科室配合", ["办公室"], ["各科室"]),
        ("财务处负责，审计处协助", ["财务处"], ["审计处"]),
        ("市人力社保局、市农业农村局分别牵头", ["市人力社保局", "市农业农村局"], []),
        ("由市发改委牵头", ["市发改委"], []),
        ("市发改委\n（牵头）\n市财政局", ["市发改委"], ["市财政局"]),
        ("牵头单位：市发改委；配合单位：市财政局", ["市发改委"], ["市财政局"]),
        # a real cell (六盘水, traditional characters as the page had them): 牵头 outranks 负责
        ("市政府辦公室、市行政審批制度改革工作領導小組辦公室牽頭,市級各有關部門及各縣市區政府按職責分工負責",
         ["市政府辦公室", "市行政審批制度改革工作領導小組辦公室"], ["市級各有關部門", "各縣市區政府"]),
        ("科技司\n执法司", ["科技司", "执法司"], []),
        # 嘉兴: a star marks the lead of a list
        ("*市委组织部(市委人才办)、 市人力社保局", ["市委组织部(市委人才办)"], ["市人力社保局"]),
        ("市建设局、＊嘉源集团", ["嘉源集团"], ["市建设局"]),
        # 杭州: the province's lead, on a line of its own, is neither the city's lead nor a participant
        ("市商务局、市发改委\n省牵头单位:省商务厅", ["市商务局", "市发改委"], []),
        ("市商务局牵头，市发改委配合\n省级牵头部门：省商务厅", ["市商务局"], ["市发改委"]),
    ],
)
def test_role_marks_in_a_lead_cell(cell: str, lead: list[str], participants: list[str]) -> None:
    item = plan_of(lead_text=cell).items[0]
    assert (item.lead, item.participants) == (lead, participants)
    assert item.lead_display == cell  # the cell still prints as written


# 丽水 2023 (tests/real_plans/lishui_2023_zhongdian.yaml), task 4's cell as published.
LISHUI_CELL = ("市发改委、市经信局、市科技局、市财政局、市自然资源局、市生态环境局、市建设局、市交通运输局、市水利局、"
               "市农业农村局、市文广旅体局、市卫生健康委(除标注“分别牵头”外,列第一位为牵头或汇总单位,下同)")


def test_a_note_on_who_leads_is_no_part_of_a_unit_name() -> None:
    """The note after the last unit states the table's convention; the unit is 市卫生健康委."""
    names = [m.name for m in split_units(LISHUI_CELL)]
    assert len(names) == 12 and names[-1] == "市卫生健康委" and names[0] == "市发改委"
    assert first_unit_leads_note(LISHUI_CELL) == "除标注“分别牵头”外,列第一位为牵头或汇总单位,下同"
    item = plan_of(lead_text=LISHUI_CELL).items[0]
    assert "市卫生健康委" in item.lead and item.lead_display == LISHUI_CELL  # printed as written


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("责任单位（排在第一位的为牵头单位）", "排在第一位的为牵头单位"),
        ("责任单位(排名第一的为牵头单位)", "排名第一的为牵头单位"),
        ("责任单位（列第一位的为牵头单位，下同）", "列第一位的为牵头单位，下同"),
        ("责任单位（第一个为牵头单位）", "第一个为牵头单位"),
        # brackets that are names or roles, not the convention
        ("各县(市、区)政府", None),
        ("各省计量院（所）", None),
        ("市发改委（牵头）、市财政局", None),
        ("市委组织部(市委人才办)", None),
        ("第一批试点单位", None),
    ],
)
def test_the_convention_that_the_first_unit_leads_is_read_from_its_note(text: str, note: str | None) -> None:
    assert first_unit_leads_note(text) == note
    if note is None and "牵头" not in text:  # a bracket in a name stays in it
        assert [m.name for m in split_units(text)] == [text]


def test_the_lead_at_another_level_is_reported_not_counted() -> None:
    item = plan_of(lead_text="市商务局\n省牵头单位:省商务厅", participants_text="市发改委\n国家牵头部门：商务部").items[0]
    assert item.units() == ["市商务局", "市发改委"]
    assert [m for _, m in item.unit_notes] == [
        "“省商务厅”是省牵头单位（另一级的单位），按原文印出，不计入牵头或参与单位",
        "“商务部”是国家牵头部门（另一级的单位），按原文印出，不计入牵头或参与单位",
    ]


def test_lead_cell_units_with_a_participant_role_follow_the_participants_cell() -> None:
    item = plan_of(lead_text="办公室牵头，各科室配合", participants_text="财务处").items[0]
    assert item.lead == ["办公室"] and item.participants == ["财务处", "各科室"]
    assert item.role_of("各科室") == "配合"


def test_imported_role_cell_is_passed_verbatim_and_split_by_the_model() -> None:
    from workplan_docs.readers.table import NamedTable, assemble

    table = NamedTable.plain("表1", ["计划"], ["序号", "工作任务", "责任单位"], [["1", "任务", "办公室牵头,各科室配合"]])
    items = assemble([table], "表", "表")["items"]
    assert items[0]["lead_text"] == "办公室牵头,各科室配合" and "lead" not in items[0]
    item = Plan.model_validate({"title": "计划", "items": items}).items[0]
    assert item.lead == ["办公室"] and item.participants == ["各科室"]


@pytest.mark.parametrize(
    ("cell", "units"),
    [
        ("区农业\n农村局", ["区农业农村局"]),
        ("县文体广新局\n县代建中心", ["县文体广新局", "县代建中心"]),
        ("县妇联\n县残联", ["县妇联", "县残联"]),
        ("高新园\n(邹区镇)\n各街道", ["高新园(邹区镇)", "各街道"]),
        ("市发改委牵头\n市财政局配合", ["市发改委", "市财政局"]),
    ],
)
def test_a_name_wrapped_by_hand_is_one_unit(cell: str, units: list[str]) -> None:
    assert names(cell) == units


def test_a_wrapped_name_in_the_registry_is_joined_even_after_a_unit_ending() -> None:
    registry = Registry([Entry("市场监管局")])
    assert names("市场\n监管局", registry) == ["市场监管局"]
    assert names("市场\n监管局") == ["市场", "监管局"]  # 市场 ends like a unit (场): two names


@pytest.mark.parametrize(
    ("cell", "units"),
    [
        ("天河、海珠、荔湾、越秀大队", ["天河大队", "海珠大队", "荔湾大队", "越秀大队"]),
        ("各乡镇人民政府、街道办事处", ["各乡镇人民政府", "各街道办事处"]),
        ("发改、财政、商务等部门", ["发改部门", "财政部门", "商务部门"]),
        ("市疫情防控指挥部办公室、市卫生健康委等,各县(市、区)政府(管委会)",
         ["市疫情防控指挥部办公室", "市卫生健康委", "各县(市、区)政府(管委会)"]),
        ("市双招双引办、市发改委、市经信局,各县(市、区)政府、丽水开发区管委会",
         ["市双招双引办", "市发改委", "市经信局", "各县(市、区)政府", "丽水开发区管委会"]),
        ("各区人民政府〈含开发区、风景区〉", ["各区人民政府〈含开发区、风景区〉"]),
        ("市中小企业发展支持中心", ["市中小企业发展支持中心"]),
    ],
)
def test_shared_endings_and_brackets(cell: str, units: list[str]) -> None:
    assert names(cell) == units


@pytest.mark.parametrize("name", ["各科室", "各大队", "各区县", "区政府各部门", "直属各单位", "各有关单位", "各县(市、区)政府"])
def test_collective_names_are_a_kind_of_their_own(name: str) -> None:
    assert Registry().kind(name) == COLLECTIVE_KIND


@pytest.mark.parametrize("name", ["有关部门", "相关司局", "其他单位"])
def test_generic_names(name: str) -> None:
    assert Registry().kind(name) == GENERIC_KIND


def test_collective_units_get_a_sheet_generic_ones_do_not() -> None:
    plan = plan_of(lead_text="办公室牵头,各科室、有关部门配合")
    files = [o.path for o in unit_sheets.outputs(plan)]
    assert any(f.endswith("/办公室") for f in files) and any(f.endswith("/各科室") for f in files)
    assert not any("有关部门" in f for f in files)


@pytest.mark.parametrize(("cell", "units"), [("张三、市发改委", ["张三", "市发改委"]), ("张三、财务处", ["张三", "财务处"])])
def test_a_fragment_that_is_no_unit_is_kept_and_reported(cell: str, units: list[str]) -> None:
    plan = plan_of(lead_text=cell)
    assert plan.items[0].lead == units
    lines = [str(p) for p in plan.diagnostics()]
    assert any("序号 1" in line and "“张三”不像单位名称" in line for line in lines)


def test_a_unit_of_the_cell_missing_from_hand_written_lists_is_added_and_reported() -> None:
    plan = plan_of(lead=["市发改委"], lead_text="市发改委、市财政局")
    assert plan.items[0].participants == ["市财政局"]
    assert any("“市财政局”不在 lead/participants 列表中" in str(p) for p in plan.diagnostics())


def test_a_lead_text_naming_none_of_the_lead_units_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("title: 计划\nitems:\n  - {seq: 1, task: 任务, lead: [科技司], lead_text: 执法司}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "workplan_docs.cli", "validate", str(path)], capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip().count("\n") == 0
    assert "“执法司”中没有 lead 所列的任何单位（科技司）" in run.stderr
    # an alias of the listed unit is enough
    Plan.model_validate({"title": "计划", "units": [{"name": "认监委", "aliases": ["国家认监委"]}],
                         "items": [{"seq": 1, "task": "任务", "lead": ["认监委"], "lead_text": "国家认监委牵头"}]})


# ---------------------------------------------------------------- invariant: no unit lost

_ROLE_TEXT = re.compile(
    r"(?:按照?职责(?:分工)?|按職責(?:分工)?|分别|分別|共同)?(?:总牵头|牵头|牽頭|负责|負責|主办|承办|配合|协助|協助|协办|参与|参加|支持|协同)"
    r"[^、，,；;。\n]*|(?:牵头|配合|责任)单位[:：]|等(?=[,，;；]|$)"
)


def _unit_cells() -> list[tuple[str, str, str]]:
    """Every lead / participants cell of the corpus of real plans: (fixture, field, text)."""
    cells = []
    for path in make.fixtures():
        for table in make.load(path)["tables"]:
            grid = make.layout(table)
            headings = [grid.text[grid.header_rows - 1][c] for c in range(grid.width)]
            for cell in grid.cells:
                if cell.row < grid.header_rows or grid.is_group_row(cell.row) or not cell.text.strip():
                    continue
                field = map_headings(headings)[cell.col]
                if field in ("lead", "participants"):
                    cells.append((path.stem, field, cell.text))
    return cells


_OTHER_LEVEL = re.compile(r"^省牵头单位[:：](.+)$", re.M)


def _assert_nothing_lost(cell: str, item: Item) -> None:
    """Each piece of the cell that is not a separator or a role word is part of a listed unit,
    or of a line naming the lead at another level ("省牵头单位:…"), which the plan reports, or
    of a note on who leads ("列第一位为牵头单位"), which prints with the cell."""
    listed = [*item.lead, *item.participants]
    note = first_unit_leads_note(cell)
    if note:
        assert item.lead_display == cell or item.participants_display == cell
        cell = cell.replace(f"({note})", "").replace(f"（{note}）", "")
    for other in _OTHER_LEVEL.findall(cell):
        assert any(f"“{other}”是省牵头单位" in message for _, message in item.unit_notes), cell
    text = _ROLE_TEXT.sub("、", re.sub(r"[ \u3000\u00a0]", "", _OTHER_LEVEL.sub("", cell)))
    for piece in re.split(r"[、，,；;。/／\n]|(?<=[局委办室])[及和与]|^由", text):
        piece = re.sub(r"^[（(]|[)）]$", "", piece) if piece.count("（") + piece.count("(") != piece.count("）") + piece.count(")") else piece
        if piece.strip() and not any(piece in name or name in piece for name in listed):
            raise AssertionError(f"“{piece}” of {cell!r} is in no unit of {listed}")


UNIT_CELLS = _unit_cells()


def test_the_corpus_has_unit_cells() -> None:
    assert len(UNIT_CELLS) >= 40 and len({c[0] for c in UNIT_CELLS}) >= 9


@pytest.mark.parametrize(("fixture", "field", "cell"), UNIT_CELLS)
def test_every_unit_of_a_real_cell_is_kept(fixture: str, field: str, cell: str) -> None:
    data = {"lead_text": cell} if field == "lead" else {"lead": ["办公室"], "participants_text": cell}
    plan = plan_of(**data)
    _assert_nothing_lost(cell, plan.items[0])
    assert not [p for p in plan.diagnostics() if "不像单位名称" in str(p)], cell


_NAME_CHARS = "东南西北中华山水林田湖海江河金银星光明德仁义礼智信春夏秋冬青白红黄"
_ENDINGS = ["局", "委", "中心", "办公室", "大队", "公司", "街道", "人民政府", "协会"]
unit_names = st.builds(
    lambda prefix, body, ending: prefix + body + ending,
    st.sampled_from(["市", "县", "区", "省", ""]),
    st.text(_NAME_CHARS, min_size=1, max_size=4),
    st.sampled_from(_ENDINGS),
)


@settings(max_examples=150, deadline=None)
@given(
    groups=st.lists(
        st.tuples(st.lists(unit_names, min_size=1, max_size=3, unique=True),
                  st.sampled_from(["", "牵头", "配合", "负责", "协助", "（牵头）"])),
        min_size=1, max_size=4,
    ),
    separator=st.sampled_from(["、", "，", ",", "；", "\n", " 、"]),
    clause_end=st.sampled_from(["，", "；", "。", "\n"]),
)
def test_no_unit_is_lost_whatever_the_layout(groups: list[tuple[list[str], str]], separator: str, clause_end: str) -> None:
    named = [name for names_, _ in groups for name in names_]
    parts = []
    for names_, role in groups:
        if role == "（牵头）":
            parts.append(separator.join(n + role for n in names_))
        else:
            parts.append(separator.join(names_) + role)
    cell = clause_end.join(parts)
    for data in ({"lead_text": cell}, {"lead": [named[0]], "participants_text": cell}):
        item = plan_of(**data).items[0]
        assert set(named) <= {*item.lead, *item.participants}, cell
        assert item.lead  # a lead cell always yields a lead


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="市县局委各有关（）()〈〉、，,；;。\n 牵头配合负责协助等及和大队天河中心办由：", max_size=30))
def test_any_cell_splits_without_error(text: str) -> None:
    mentions = split_units(text)
    lead, participants = assign_roles(mentions)
    assert all(m.name for m in mentions)
    assert sorted([*lead, *participants]) == sorted(m.name for m in mentions)
