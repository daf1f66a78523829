"""Real published plans (tests/real_plans) imported as an office keeps them (.docx, .xlsx, .xls).

Each fixture imports as published (no heading renamed), its items equal its cells, no
unit cell is lost, and the rules of issue 12 §1 hold on it: heading synonyms, extra
columns, group rows, merged cells, title and year, several tables, the import options.
"""

from __future__ import annotations

import json
import re
import subprocess
import warnings
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document as open_docx

from workplan_docs.cli import main
from workplan_docs.errors import PlanError, ReadWarning, read_warnings
from workplan_docs.layout import Table
from workplan_docs.readers import ImportOptions, load, read_data
from workplan_docs.readers.plan_file import plan_from_data
from workplan_docs.reports import gantt
from workplan_docs.reports.attachment import attachment
from workplan_docs.style import default_style
from workplan_docs.writers import render

from .real_plans import make

# How a careful reader takes each published heading (the others are extra columns).
FIELDS: dict[str, dict[str, str]] = {
    "cangnan_2022_minsheng": {"序号": "seq", "项目内容": "task", "牵头单位": "lead"},
    "caidian_2023_fenjie": {"序号": "seq", "目标任务": "task", "责任单位": "lead"},
    "dongguan_2021_jiuye": {"序号": "seq", "重点任务": "task", "责任单位": "lead"},
    "dazhu_2016_minsheng": {"序号": "seq", "民生实事": "task", "责任单位": "lead", "完成时限": "schedule"},
    "hangzhou_2021_shehang": {"序号": "seq", "重点工作任务(杭州市2项配合工作)": "task",
                              "重点工作任务(杭州市2项牵头工作、19项配合工作)": "task", "责任单位": "lead"},
    "jiaxing_2016_minsheng": {"序号": "seq", "项目": "task", "主要内容": "measures", "分管领导": "leader", "牵头单位": "lead",
                              "责任单位": "participants"},
    "jiaxing_2022_zhongdian": {"序号": "seq", "主要工作任务": "task", "责任单位": "lead"},
    "huoshan_2025_kaifaqu": {"序号": "seq", "重点工作": "task", "责任领导": "leader", "责任单位": "lead",
                             "完成时限": "schedule"},
    "lishan_2023_fengong": {"序号": "seq", "工作任务": "task", "牵头单位": "lead", "责任单位": "participants"},
    "lishui_2023_zhongdian": {"序号": "seq", "重点工作": "task", "责任单位": "lead"},
    "ningbo_2014_minsheng": {"序号": "seq", "项目": "task", "牵头领导": "leader", "责任单位": "lead",
                             "配合单位": "participants"},
    "ninghai_2022_minsheng": {"序號": "seq", "項目名稱": "task", "建設規模及內容": "measures", "建設起止年限": "schedule",
                              "責任單位": "lead"},
    "shaoxing_2020_q1": {"序号": "seq", "内容与要求": "task", "责任单位": "lead"},
    "xuchang_2020_fenjie": {"序号": "seq", "工作任务": "task", "责任单位": "lead"},
    "xinchang_2021_minsheng": {"工作任务": "task", "计划完成时间": "schedule", "牵头单位": "lead"},
    "xiangshan_2024_sizhoutou": {"序号": "seq", "重点工作": "task", "责任领导": "leader", "责任科室": "lead"},
    "yuhang_2022_zhongdian": {"序號": "seq", "重點工作": "task", "牽頭領導": "leader", "牽頭單位": "lead",
                              "主要參與單位": "participants"},
    "zhonglou_2021_minsheng": {"序号": "seq", "项目名称": "task", "主要内容": "measures", "区政府分管领导": "leader",
                               "牵头单位": "lead", "配合单位": "participants"},
}
NAMES = [p.stem for p in make.fixtures()]
BUILDERS = {"docx": make.make_docx, "xlsx": make.make_xlsx}


def test_every_fixture_has_its_expected_headings() -> None:
    assert sorted(FIELDS) == NAMES


def _expected_rows(table: dict[str, Any]) -> list[tuple[list[str], str | None, set[int]]]:
    """Per item row of a fixture table: the text at each column, the group heading above,
    and the columns merged with the row above, worked out from the fixture alone."""
    grid = make.layout(table)
    rows: list[tuple[list[str], str | None, set[int]]] = []
    group = None
    for r in range(grid.header_rows, len(grid.text)):
        if grid.is_group_row(r):
            group = grid.text[r][0]
            continue
        merged = {c for c in range(grid.width) if grid.merged_above(r, c)}
        if merged == set(range(grid.width)):
            continue
        rows.append((grid.text[r], group, merged))
    return rows


def _headings(table: dict[str, Any]) -> list[str]:
    """The published headings, one per column ("上级（下级）" under a spanned heading)."""
    grid = make.layout(table)
    names = []
    for c in range(grid.width):
        levels = list(dict.fromkeys(re.sub(r"\s+", "", grid.text[r][c]) for r in range(grid.header_rows)))
        names.append(levels[0] if len(levels) == 1 else f"{levels[0]}（{'、'.join(levels[1:])}）")
    return names


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple[dict[str, Any], list[str]]]:
    """Every fixture built as .docx and .xlsx and imported once: (data, warnings)."""
    folder = tmp_path_factory.mktemp("real")
    found: dict[tuple[str, str], tuple[dict[str, Any], list[str]]] = {}
    for name in NAMES:
        for kind, build in BUILDERS.items():
            path = build(make.load(name), folder / f"{name}.{kind}")
            with read_warnings() as problems:
                data = read_data(path)
            found[(name, kind)] = (data, [p.message for p in problems])
    return found


@pytest.mark.parametrize("kind", BUILDERS)
@pytest.mark.parametrize("name", NAMES)
def test_items_equal_the_published_cells(name: str, kind: str, imported: dict) -> None:
    fixture = make.load(name)
    data, _ = imported[(name, kind)]
    plan = plan_from_data(data, name)
    items = iter(plan.items)
    for table in fixture["tables"]:
        headings = _headings(table)
        fields = [FIELDS[name].get(h) for h in headings]
        keys = [f or h for h, f in zip(headings, fields)]
        assert plan.column_order[: len(keys)] == keys  # the source's columns, in order
        for cells, group, merged in _expected_rows(table):
            _assert_item(next(items), headings, fields, cells, group, {keys[c] for c in merged})
    assert next(items, None) is None


def _assert_item(item: Any, headings: list[str], fields: list[str | None], cells: list[str], group: str | None,
                 merged: set[str]) -> None:
    """One item equals its published row."""
    for heading, field, text in zip(headings, fields, cells):
        text = text.strip()
        if field is None:
            assert item.extra[heading] == text
        elif field == "seq":
            assert item.printed_label == text or item.label.startswith(f"{text}.")
        elif field == "lead":
            assert item.lead_display == text and item.lead  # printed as published, units found
        elif field == "participants":
            assert item.participants_display == text
        else:
            assert getattr(item, field) == text, (item.seq, field)
    assert item.group == group
    assert set(item.merged_above) == merged


@pytest.mark.parametrize("kind", BUILDERS)
@pytest.mark.parametrize("name", NAMES)
def test_no_unit_is_lost(name: str, kind: str, imported: dict) -> None:
    """Every unit the plan finds is in its cell; every unit cell of the source is kept."""
    data, _ = imported[(name, kind)]
    plan = plan_from_data(data, name)
    def bare(text: str) -> str:  # a cell wrapped by hand: compare without the line breaks
        return re.sub(r"\s", "", text)

    for item in plan.items:
        for unit in item.lead:
            assert bare(unit) in bare(item.lead_display)
        for unit in item.participants:  # "各平臺、鎮街": 鎮街 is 各鎮街
            assert re.sub(r"^各", "", bare(unit)) in bare(item.participants_display + item.lead_display)


@pytest.mark.parametrize("name", NAMES)
def test_title_year_and_warnings(name: str, imported: dict) -> None:
    fixture = make.load(name)
    data, found = imported[(name, "docx")]
    if fixture.get("title"):
        assert data["title"] == fixture["title"]
        assert not any("没有标题" in w for w in found)
    else:  # the file name stands in, with a warning saying how to set the title
        assert data["title"] == name and any("文档没有标题" in w and "--title" in w for w in found)
    assert data.get("year") == (fixture.get("year") if fixture.get("title") else None)
    if "year" in data:
        assert f"计划年度取自标题：{data['year']} 年" in " ".join(found)


def test_synonyms_traditional_and_wrapped_headings(imported: dict) -> None:
    """序號 / 項目名稱 / 責任單位 (a traditional copy), 内容与要求, 目标任务, 项目, 项目名称."""
    data, found = imported[("ninghai_2022_minsheng", "xlsx")]
    assert data["columns"]["lead"] == "責任單位" and data["columns"]["schedule"] == "建設起止年限"
    assert data["items"][4]["schedule"] == "2022-2023"
    # the heading wrapped in its cell ("政策處理 單位") is one column; its units are not
    # silently dropped: a warning says how to count them
    assert "政策處理單位" in data["column_order"]
    assert any("政策處理單位" in w and "--column 政策處理單位=participants" in w for w in found)


def test_leader_column_is_the_leader_and_further_person_columns_stay_extra(imported: dict) -> None:
    """牵头领导 is the leader (never a unit); 项目责任人 beside it stays an extra column, with a note."""
    data, found = imported[("ningbo_2014_minsheng", "docx")]
    assert data["items"][0]["leader"] == "林静国" and data["items"][0]["extra"]["项目责任人"] == "尹文德"
    assert any("项目责任人" in w and "人员" in w for w in found)
    assert not any("牵头领导" in w for w in found)
    plan = plan_from_data(data, "x")
    assert "林静国" not in plan.items[0].units() and plan.items[0].leaders == ["林静国"]


@pytest.mark.parametrize("kind", ["docx", "xlsx", "xls"])
def test_leaders_read_from_a_real_plan(kind: str, tmp_path: Path) -> None:
    """泗洲头镇's table (责任 领导 wrapped in its cell): each task's 责任领导 is read, kept in the
    source's column order, printed in the attachment, and makes the 领导分工表."""
    from workplan_docs.reports.attachment import column_keys, plan_row
    from workplan_docs.reports.leaders import outputs

    fixture = make.load("xiangshan_2024_sizhoutou")
    path = getattr(make, f"make_{kind}")(fixture, tmp_path / f"泗洲头镇.{kind}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReadWarning)
        plan = load(path)
    assert [(i.leader, i.lead) for i in plan.items] == [
        ("欧乾震", ["白仙山水库工程政策处理工作领导小组"]), ("吴宇凡", ["乡村振兴办"])]
    assert plan.column_order[:4] == ["seq", "task", "leader", "lead"] and plan.heading("leader") == "责任领导"
    assert [c.text for c in plan_row(plan, plan.items[0])][:4] == ["1", "白仙山水库工程政策处理", "欧乾震",
                                                                 "白仙山水库工程政策处理工作领导小组"]
    assert column_keys(plan) == plan.column_order
    assert list(plan.leaders()) == ["欧乾震", "吴宇凡"]
    document = outputs(plan)[0].document
    assert [s.name for s in document.sections] == ["汇总", "欧乾震", "吴宇凡"]


def test_responsible_person_column_is_the_leader_only_when_it_holds_persons(tmp_path: Path) -> None:
    """责任人 holding persons is the leader; holding units it is not (a unit column, kept extra)."""
    fixture = make.load("huoshan_2025_kaifaqu")
    rows = fixture["tables"][0]["rows"]
    rows[0][2] = "责任人"
    persons = read_data(make.make_docx(fixture, tmp_path / "a.docx"))
    assert [i["leader"] for i in persons["items"]] == ["叶林", "马振明", "张云峰"]
    for row in rows[1:]:
        row[2] = "县发改委"
    units = read_data(make.make_docx(fixture, tmp_path / "b.docx"))
    assert "leader" not in units["column_order"] and units["items"][0]["extra"]["责任人"] == "县发改委"


def test_group_rows_and_merged_sub_items(imported: dict) -> None:
    lishui, _ = imported[("lishui_2023_zhongdian", "docx")]
    groups = [item.get("group") for item in lishui["items"]]
    assert groups[:9] == ["一、全市经济社会发展主要预期目标"] * 9 and groups[9] == "(一)全力以赴拼经济稳增长促发展。"
    dazhu, _ = imported[("dazhu_2016_minsheng", "xlsx")]
    five = [item for item in dazhu["items"] if str(item["seq"]).startswith("5")]
    assert [i["seq"] for i in five] == ["5.1", "5.2"] and five[1]["merged_above"] == ["seq", "lead"]
    assert [i["task"] for i in five] == ["开工建设县老年养护楼。", "开工建设老年大学。"]


@pytest.mark.parametrize("kind", BUILDERS)
def test_a_table_that_says_the_first_unit_leads_is_read_so(kind: str, imported: dict) -> None:
    """丽水 writes its convention into task 4's cell: "(除标注“分别牵头”外,列第一位为牵头或汇总
    单位,下同)".  A careful reader takes the first unit of each cell as the lead and the others
    as taking part, except where a cell marks its own roles (tasks 6 and 9: "…分别牵头"); the
    note is no unit's name, and every cell prints as published."""
    data, warned = imported[("lishui_2023_zhongdian", kind)]
    assert any(w.startswith("表中注明（除标注“分别牵头”外,列第一位为牵头或汇总单位,下同）") for w in warned), warned
    plan = plan_from_data(data, "丽水")
    cells = {row[0]: row[2] for row in make.load("lishui_2023_zhongdian")["tables"][0]["rows"] if len(row) == 3}
    by_seq = {str(item.seq): item for item in plan.items}
    four = by_seq["4"]
    assert four.lead == ["市发改委"] and len(four.participants) == 11 and four.participants[-1] == "市卫生健康委"
    assert four.lead_display == cells["4"]
    assert by_seq["6"].lead == ["市人力社保局", "市农业农村局"] and by_seq["6"].participants == []
    assert by_seq["9"].lead == ["市人力社保局", "市发改委"] and by_seq["9"].participants == []
    units = {name for item in plan.items for name in (*item.lead, *item.participants)}
    assert not any("第一位" in name or "(" in name and "下同" in name for name in units), units
    for seq, cell in cells.items():
        if seq in by_seq:
            assert by_seq[seq].lead_display == cell or "、".join(by_seq[seq].lead) == cell


def test_a_table_without_schedules_is_reported_once(imported: dict) -> None:
    """苍南 2022 publishes no 时间进度 (序号 | 项目内容 | 当前进度 | 牵头单位 | 备注): one line says
    that all 13 items go unscheduled, not 13 lines; 丽水 likewise.  A plan that dates some items
    still names each undated one (the seed with item 5 blanked)."""
    for name, count in (("cangnan_2022_minsheng", 13), ("lishui_2023_zhongdian", 10)):
        plan = plan_from_data(imported[(name, "docx")][0], name)
        (line,) = [str(p) for p in plan.diagnostics() if p.field == "schedule"]
        assert line == f"schedule: {count} 项工作均未写时间进度，季度工作安排和进度图中均列为“未排期”"
    seed = load(Path(__file__).parents[1] / "samples" / "seed-plan.yaml").to_file_data()
    seed["items"][4]["schedule"] = ""
    lines = [str(p) for p in plan_from_data(seed, "seed").diagnostics() if p.field == "schedule"]
    assert lines == ["序号 5: schedule: 时间进度为空，汇总中将列为“未排期”"]


def test_a_lead_heading_that_says_the_first_unit_leads(tmp_path: Path) -> None:
    """Constructed (the corpus has the note only inside a cell): the same convention in the
    unit column's heading, "责任单位（排在第一位的为牵头单位）"."""
    rows = [["序号", "工作任务", "责任单位（排在第一位的为牵头单位）"],
            ["1", "甲", "县发改局、县财政局、县统计局"], ["2", "乙", "县民政局"], ["3", "丙", "县教育局牵头，县财政局配合"]]
    data, plan = _import_rows(tmp_path, rows)
    assert plan.column_order == ["seq", "task", "lead"] and plan.heading("lead") == rows[0][2]
    assert [(i.lead, i.participants) for i in plan.items] == [
        (["县发改局"], ["县财政局", "县统计局"]), (["县民政局"], []), (["县教育局"], ["县财政局"])]
    assert plan.items[0].lead_display == rows[1][2]


@pytest.mark.parametrize("kind", BUILDERS)
def test_a_group_heading_after_the_last_item_is_kept_and_printed(tmp_path: Path, kind: str, capsys) -> None:
    """Constructed: no published table ends with a group heading, so 丽水's (items 1-10 of the
    published plan) gets two more heading rows with no item under them."""
    fixture = make.load("lishui_2023_zhongdian")
    rows = fixture["tables"][0]["rows"]
    rows += [[{"text": "(二)坚定不移推进共同富裕。", "colspan": 3}], [{"text": "三、其他工作", "colspan": 3}]]
    data = read_data(BUILDERS[kind](fixture, tmp_path / f"丽水.{kind}"))
    assert data["trailing_groups"] == [{"headings": ["(二)坚定不移推进共同富裕。", "三、其他工作"]}]
    plan = plan_from_data(plan_from_data(data, "丽水").to_file_data(), "丽水")  # kept in the plan file
    docx = open_docx(BytesIO(render(attachment(plan), default_style(), "docx")))
    last_rows = [[cell.text for cell in row.cells] for row in docx.tables[0].rows[-3:]]
    assert last_rows[0][0] == "10"
    assert last_rows[1:] == [["(二)坚定不移推进共同富裕。"] * 3, ["三、其他工作"] * 3]  # full-width rows, in order
    capsys.readouterr()
    assert main(["show", str(tmp_path / f"丽水.{kind}"), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["items"][-1]["group_path"] == ["二、重点抓好六方面工作", "(一)全力以赴拼经济稳增长促发展。"]
    assert shown["trailing_groups"] == data["trailing_groups"]


def test_xls_imports_like_xlsx(tmp_path: Path, imported: dict) -> None:
    for name in ("zhonglou_2021_minsheng", "ninghai_2022_minsheng"):
        path = make.make_xls(make.load(name), tmp_path / f"{name}.xls")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ReadWarning)
            assert read_data(path) == imported[(name, "xlsx")][0]


def _run(capsys: pytest.CaptureFixture[str], *args: Any) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _without_column(name: str, heading: str) -> dict[str, Any]:
    """A fixture with one column removed (a table that lacks it)."""
    fixture = make.load(name)
    table = fixture["tables"][0]
    index = table["rows"][0].index(heading)
    table["rows"] = [row[:index] + row[index + 1 :] for row in table["rows"]]
    return fixture


def test_missing_lead_column_names_the_header_row_and_how_to_map(tmp_path: Path, capsys) -> None:
    fixture = _without_column("huoshan_2025_kaifaqu", "责任单位")
    path = make.make_xlsx(fixture, tmp_path / "清单.xlsx")  # the title row above the header
    code, out, err = _run(capsys, "import", path, "-o", tmp_path / "p.yaml")
    assert code == 2 and out == "" and not (tmp_path / "p.yaml").exists()
    assert err.strip() == (
        f"{path}: 找不到“牵头单位”一类的列。表头：序号 → 序号；重点工作 → 重要工作；责任领导 → 责任领导；完成时限 → 时间进度；"
        "可用 --column 列名=lead 指定，或用 --lead 单位名称 指定全部工作的牵头单位"
    )
    assert "序号 1" not in err and "2025年开发区" not in err


def test_column_option_maps_a_heading(tmp_path: Path, capsys) -> None:
    fixture = make.load("huoshan_2025_kaifaqu")
    fixture["tables"][0]["rows"][0][3] = "责任主体单位名称"  # a heading no synonym covers
    path = make.make_docx(fixture, tmp_path / "清单.docx")
    code, _, err = _run(capsys, "import", path)
    assert code == 2 and "责任主体单位名称 → 未识别" in err
    code, out, err = _run(capsys, "import", path, "--column", "责任主体单位名称=lead", "-o", tmp_path / "p.yaml")
    assert code == 0, err
    plan = load(tmp_path / "p.yaml")
    assert plan.items[0].lead == ["招商工作部", "安商工作部"] and plan.heading("lead") == "责任主体单位名称"
    code, _, err = _run(capsys, "import", path, "--column", "不存在的列=lead")
    assert code == 2 and "表头中没有“不存在的列”列" in err
    code, _, err = _run(capsys, "import", path, "--column", "责任主体单位名称=负责")
    assert code == 2 and "应写成“列名=字段”" in err


def test_lead_options_for_a_table_without_unit_column(tmp_path: Path, capsys) -> None:
    """One department's own tables, under headings: --lead, --lead-from heading."""
    rows = _without_column("dazhu_2016_minsheng", "责任单位")["tables"][0]["rows"]
    fixture = {"title": "2016年各局民生实事", "tables": [
        {"heading": "一、县住建局", "rows": rows[:3]}, {"heading": "二、县水务局", "rows": [rows[0], *rows[7:9]]}]}
    path = make.make_docx(fixture, tmp_path / "各局.docx")
    code, _, err = _run(capsys, "import", path)
    assert code == 2 and "“一、县住建局”找不到“牵头单位”一类的列" in err
    assert _run(capsys, "import", path, "--lead-from", "heading", "-o", tmp_path / "a.yaml")[0] == 0
    plan = load(tmp_path / "a.yaml")
    assert [(i.label, i.lead, i.source) for i in plan.items] == [
        ("1", ["县住建局"], "一、县住建局"), ("2", ["县住建局"], "一、县住建局"),
        ("6", ["县水务局"], "二、县水务局"), ("7", ["县水务局"], "二、县水务局")]
    assert plan.title == "2016年各局民生实事" and "lead" not in (plan.column_order or [])
    assert _run(capsys, "import", path, "--lead", "县政府办", "-o", tmp_path / "b.yaml")[0] == 0
    assert {u for i in load(tmp_path / "b.yaml").items for u in i.lead} == {"县政府办"}


def test_first_unit_leads(tmp_path: Path) -> None:
    """--first-unit-leads applies the convention to a table that does not state it: 丽水 with
    the note taken out of task 4's cell (its own note does the same, tested above)."""
    fixture = make.load("lishui_2023_zhongdian")
    for row in fixture["tables"][0]["rows"]:
        if row[0] == "4":
            row[2] = row[2][: row[2].index("(除标注")]
    path = make.make_docx(fixture, tmp_path / "丽水.docx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReadWarning)
        plan = plan_from_data(read_data(path, ImportOptions(first_unit_leads=True)), "x")
        plain = plan_from_data(read_data(path), "x")
    item = plan.items[9]
    assert item.lead == ["市双招双引办"] and "市发改委" in item.participants
    assert item.lead_display == plain.items[9].lead_display  # the cell still prints verbatim
    assert plain.items[9].participants == []


def test_number_sub_column_under_a_spanned_heading_is_the_seq(tmp_path: Path) -> None:
    fixture = make.load("dazhu_2016_minsheng")
    rows = fixture["tables"][0]["rows"]
    rows[0] = ["", *rows[0][1:]]  # no 序号 heading: the numbers stand under 民生实事
    rows[0] = [{"text": "民生实事", "colspan": 2}, "责任单位", "完成时限"]
    path = make.make_xlsx(fixture, tmp_path / "t.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReadWarning)
        data = read_data(path)
    assert [i["seq"] for i in data["items"]][:5] == [1, 2, 3, 4, "5.1"]
    assert data["items"][0]["task"] == "启动建设东柳河城区段综合治理工程和东湖湿地公园。"


def test_repeated_sheet_is_skipped_and_sheet_chooses(tmp_path: Path) -> None:
    fixture = make.load("shaoxing_2020_q1")
    fixture["tables"].append(fixture["tables"][0])  # a copy kept on a second sheet
    path = make.make_xlsx(fixture, tmp_path / "t.xlsx", sheets=True)
    with read_warnings() as found:
        data = read_data(path)
    assert len(data["items"]) == 3
    assert any("“表2”与“Sheet1”内容相同，未重复导入" in p.message and "--sheet 表2" in p.message for p in found)
    with read_warnings():
        chosen = read_data(path, ImportOptions(sheets=["表2"]))
    assert len(chosen["items"]) == 3 and "source" not in chosen["items"][0]
    with pytest.raises(PlanError, match="没有名为“表9”的工作表或表格"):
        read_data(path, ImportOptions(sheets=["表9"]))


@pytest.mark.parametrize("suffix", [".doc", ".wps", ".et"])
def test_legacy_formats_say_how_to_convert(tmp_path: Path, suffix: str, capsys) -> None:
    path = tmp_path / f"安排{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    code, _, err = _run(capsys, "import", path)
    target = "xlsx" if suffix == ".et" else "docx"
    assert code == 2 and f"“另存为”.{target} 再导入" in err and len(err.strip().splitlines()) == 1


def test_readme_lists_every_heading_synonym() -> None:
    from workplan_docs.readers.columns import SYNONYMS

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for field, headings in SYNONYMS.items():
        row = next(line for line in readme.splitlines() if line.startswith("| ") and f"`{field}`" in line)
        assert all(h in row.split("|")[2].split() for h in headings), field


# Shapes the corpus lacks, built from cells of its kind: schedules held by other columns.

def _import_rows(tmp_path: Path, rows: list[list[Any]], header_rows: int = 1) -> Any:
    fixture = {"title": "2020年重点项目安排", "tables": [{"header_rows": header_rows, "rows": rows}]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReadWarning)
        data = read_data(make.make_xlsx(fixture, tmp_path / "t.xlsx"))
    return data, plan_from_data(data, "t")


def test_start_and_finish_year_columns_give_the_schedule(tmp_path: Path) -> None:
    rows = [["序号", "项目名称", "建设内容", "开工年份", "竣工年份", "责任单位"],
            ["1", "启动县图书馆新馆建设", "新建图书馆", "2020", "2022", "县文体广新局"],
            ["2", "开工建设老年大学", "开工建设", "2020", "2020", "县民政局"]]
    data, plan = _import_rows(tmp_path, rows)
    assert [i.schedule for i in plan.items] == ["2020年至2022年底", "2020年内"]
    assert plan.items[1].timing.parsed and plan.items[1].timing.due == 12
    # the source's columns print, not a schedule column it did not have
    assert plan.column_order == ["seq", "task", "measures", "开工年份", "竣工年份", "lead"]
    assert plan.items[0].extra == {"开工年份": "2020", "竣工年份": "2022"}


def test_quarter_columns_give_the_schedule(tmp_path: Path) -> None:
    rows = [[{"text": "序号", "rowspan": 2}, {"text": "重点工作", "rowspan": 2}, {"text": "责任单位", "rowspan": 2},
             {"text": "时间进度", "colspan": 4}],
            ["一季度", "二季度", "三季度", "四季度"],
            ["1", "编制预算", "财务处", "制定方案", "组织实施", "", ""],
            ["2", "决算审计", "审计处", "", "", "", "完成审计"]]
    _, plan = _import_rows(tmp_path, rows, header_rows=2)
    assert [i.schedule for i in plan.items] == ["一至二季度内", "四季度内"]
    assert plan.items[0].timing.months == [1, 2, 3, 4, 5, 6] and plan.items[1].timing.due == 12
    assert "schedule" not in (plan.column_order or []) and plan.items[0].extra["时间进度（一季度）"] == "制定方案"


def test_month_ranges_opening_the_measures_give_the_schedule(tmp_path: Path) -> None:
    rows = [["序号", "重点工作", "工作措施", "责任科室"],
            ["1", "开展能力验证", "3月：制定方案\n4-6月：组织实施", "办公室"],
            ["2", "开展培训", "组织培训", "人事科"]]
    data, plan = _import_rows(tmp_path, rows)
    assert plan.items[0].schedule == "3月、4-6月" and plan.items[0].timing.months == [3, 4, 5, 6]
    assert plan.items[0].measures == "3月：制定方案\n4-6月：组织实施"  # the text stays verbatim
    assert "schedule" not in data["items"][1]


def test_long_title_kept_and_notice_text_is_not_a_title(tmp_path: Path) -> None:
    fixture = make.load("caidian_2023_fenjie")
    fixture["title"] = "武汉市蔡甸区人民政府办公室关于印发2023年区《政府工作报告》确定的主要目标任务责任分解方案的通知附表"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReadWarning)
        assert read_data(make.make_xlsx(fixture, tmp_path / "t.xlsx"))["title"] == fixture["title"]
        fixture["title"] = "各街道办事处、乡人民政府，区人民政府各部门、各直属机构：经区人民政府同意，现印发给你们。"
        assert read_data(make.make_docx(fixture, tmp_path / "t.docx"))["title"] == "t"


# Leftovers of issue 12, on the corpus's own cells.

@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_tables_each_numbered_from_1_are_numbered_by_table_and_print_as_published(kind: str, tmp_path: Path) -> None:
    """Two real tables in one document, each numbered from 1 (立山区's and 许昌市's first rows, each
    under its heading): every 序号 gets its table's number (1-1 … 2-2), the source's number is
    kept as ``seq_text``, and the attachment prints the source's numbers, table by table."""
    from workplan_docs.layout import Table
    from workplan_docs.reports.attachment import attachment

    lishan, xuchang = make.load("lishan_2023_fengong"), make.load("xuchang_2020_fenjie")
    fixture = {"title": "重点工作任务分解", "tables": [
        {**lishan["tables"][0], "heading": "一、立山区"}, {**xuchang["tables"][0], "heading": "二、许昌市"}]}
    path = getattr(make, f"make_{kind}")(fixture, tmp_path / f"两表.{kind}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReadWarning)
        plan = load(path)
    assert [i.label for i in plan.items] == ["1-1", "1-2", "1-3", "1-4", "1-5", "1-6", "2-1", "2-2"]
    assert [i.seq_text for i in plan.items] == ["1", "2", "3", "4", "5", "6", "1", "2"]
    assert plan.items[6].source == "二、许昌市"
    tables = [b for b in attachment(plan).sections[0].blocks if isinstance(b, Table)]
    printed = [[row[0].text for row in t.rows if len(row) > 1] for t in tables]
    assert printed == [["1", "2", "3", "4", "5", "6"], ["1", "2"]]
    # numbers that run on from table to table stay as they are
    xuchang["tables"][0]["rows"][2][0], xuchang["tables"][0]["rows"][3][0] = "7", "8"
    fixture["tables"][1] = {**xuchang["tables"][0], "heading": "二、许昌市"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReadWarning)
        plan = load(getattr(make, f"make_{kind}")(fixture, tmp_path / f"续号.{kind}"))
    assert [i.label for i in plan.items] == [str(n) for n in range(1, 9)] and plan.items[0].seq_text is None


def test_units_separated_by_a_space(imported: dict) -> None:
    """宁海's "縣民政局 各相關鄉鎮街道" names two units; the cell prints as published."""
    for kind in BUILDERS:
        data, _ = imported[("ninghai_2022_minsheng", kind)]
        plan = plan_from_data(data, "x")
        item = next(i for i in plan.items if "縣民政局" in i.lead_display)
        assert item.lead_display == "縣民政局 各相關鄉鎮街道"
        assert item.lead == ["縣民政局", "各相關鄉鎮街道"]


# Shapes of four more real plans, each read from .docx, .xlsx and .xls.

def _loaded(name: str, kind: str, tmp_path: Path) -> Any:
    path = getattr(make, f"make_{kind}")(make.load(name), tmp_path / f"{name}.{kind}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReadWarning)
        return load(path)


@pytest.mark.parametrize("kind", ["docx", "xlsx", "xls"])
def test_the_lead_at_another_level_is_printed_not_counted(kind: str, tmp_path: Path) -> None:
    """杭州's 涉杭任务: a task heading with a count in brackets is the task column; a line
    "省牵头单位:省农业农村厅" under the city's units is the province's lead — printed with the
    cell, reported, and neither the city's lead nor a participant; "1*" keeps its mark."""
    plan = _loaded("hangzhou_2021_shehang", kind, tmp_path)
    assert plan.heading("task", plan.items[0].source) == "重点工作任务(杭州市2项配合工作)"
    # the derived reports mix both tables' items: the part of the two headings they share
    assert plan.heading("task", plan.items[-1].source) == "重点工作任务(杭州市2项牵头工作、19项配合工作)"
    assert plan.heading("task") == "重点工作任务" and plan.heading("lead") == "责任单位"
    (chart,) = [b for b in gantt.gantt_document(plan).sections[0].blocks if isinstance(b, Table)]
    assert chart.columns[1].heading == "重点工作任务"
    assert [(i.label, i.printed_label) for i in plan.items] == [("1-1", "1"), ("1-2", "2"), ("2-1", "1*")]
    first = plan.items[0]
    assert first.lead == ["市农业农村局", "市规划和自然资源局", "市商务局(市粮食和物资储备局)"] and first.participants == []
    assert first.lead_display.endswith("\n省牵头单位:省农业农村厅")
    assert not any(unit.startswith("省") for item in plan.items for unit in item.units())
    notes = [str(p) for p in plan.diagnostics() if "另一级" in p.message]
    assert notes == ["序号 1-1: lead: “省农业农村厅”是省牵头单位（另一级的单位），按原文印出，不计入牵头或参与单位",
                     "序号 1-2: lead: “省商务厅”是省牵头单位（另一级的单位），按原文印出，不计入牵头或参与单位"]
    assert plan.items[2].group == "(一)戴建平常务副市长牵头重点工作"
    assert plan.items[2].source == "二、省政府工作报告2021年重点工作涉杭任务责任分解"


@pytest.mark.parametrize("kind", ["docx", "xlsx", "xls"])
def test_a_star_marks_the_lead_unit(kind: str, tmp_path: Path) -> None:
    """嘉兴's 责任分解: "*市委组织部(市委人才办)、 市人力社保局" — the starred unit leads, the
    others take part; the cell prints as published. The numbered line between the title and
    the table is the table's heading, not part of the title."""
    plan = _loaded("jiaxing_2022_zhongdian", kind, tmp_path)
    assert plan.title == "2022年政府工作报告重点工作责任分解" and plan.items[0].source == "一、未来五年主要工作任务"
    assert plan.heading("task") == "主要工作任务"
    six = plan.items[1]
    assert (six.lead, six.participants) == (["市委组织部(市委人才办)"], ["市人力社保局"])
    assert six.lead_display == "*市委组织部(市委人才办)、 市人力社保局"
    assert [(i.lead, i.participants) for i in plan.items[4:]] == [
        (["市发展改革委"], ["市生态环境局"]), (["市建设局"], ["嘉源集团"]), (["市生态环境局"], ["市生态创建办"])]


@pytest.mark.parametrize("kind", ["docx", "xlsx", "xls"])
def test_a_planned_completion_column_with_dates_written_many_ways(kind: str, tmp_path: Path) -> None:
    """新昌's 民生实事 table: 项目名称 is the theme over its 工作任务 rows (kept as a column, the
    task is 工作任务); 计划完成时间 is the schedule, every date in it understood as a deadline —
    11月, 2021.8, 10月底, 计划10月底完成…, and numbered parts on one line; a task shared by two
    units is one row each, with its own date."""
    plan = _loaded("xinchang_2021_minsheng", kind, tmp_path)
    assert plan.column_order == ["项目名称", "task", "schedule", "lead"] and plan.heading("schedule") == "计划完成时间"
    assert all(i.timing.parsed for i in plan.items)
    assert [i.timing.due for i in plan.items] == [11, 8, 12, 11, 11, 11, 10, 10, 10, None, 12, 10]
    assert plan.items[9].timing.other_due == "2022-12" and plan.items[9].timing.months == list(range(1, 11))
    first, second = plan.items[:2]
    assert first.task == second.task and "task" in second.merged_above
    assert (first.lead, second.lead) == (["建设局"], ["城投集团"])
    assert first.extra == {"项目名称": "1.城市人居环境提升项目"}


@pytest.mark.parametrize("kind", ["docx", "xlsx", "xls"])
def test_a_traditional_copy_with_a_theme_column_and_two_leaders(kind: str, tmp_path: Path) -> None:
    """余杭's 分解表 in traditional characters: 牽頭單位 and 主要參與單位 are the unit columns,
    項目 is the theme over its 重點工作 rows, "姚文華\\n顧  斌" are two leaders (顧斌: a
    two-character name padded to three), "區發改局\\n(區金融辦)\\n區經信局" two lead units and
    "各平臺、鎮街" two collective ones."""
    plan = _loaded("yuhang_2022_zhongdian", kind, tmp_path)
    assert plan.column_order == ["seq", "項目", "task", "leader", "lead", "participants"]
    assert plan.items[0].extra == {"項目": "厚植創新發展源動力"} and plan.items[0].participants == ["區發改局", "未來科技城"]
    five = plan.items[4]
    assert five.leaders == ["姚文華", "顧斌"] and five.leader == "姚文華\n顧  斌"
    assert five.lead == ["區發改局(區金融辦)", "區經信局"]
    assert five.participants == ["區科技局", "區財政局", "區商務局", "各平臺", "各鎮街"]
    assert not [p for p in plan.diagnostics() if "单位" in p.message and p.field in ("lead", "participants")]


PARAGRAPH_FIXTURES = [p.stem for p in make.fixtures() if make.load(p)["published_as"] == "paragraphs"]


def _content(plan: Any) -> list[tuple[Any, ...]]:
    return [(i.printed_label, i.task, i.measures, i.leaders, i.lead, i.participants, i.group_path, sorted(i.extra.values()))
            for i in plan.items]


@pytest.mark.parametrize("kind", ["docx", "txt"])
@pytest.mark.parametrize("name", PARAGRAPH_FIXTURES)
def test_a_plan_published_as_labelled_paragraphs_imports_like_its_table(name: str, kind: str, tmp_path: Path) -> None:
    """嘉兴, 丽水, 立山, 许昌, 蔡甸, 宁波 print each task as a numbered paragraph followed by
    "分管领导:…", "牵头单位:…", "责任单位:…" lines, 东莞 closes each with its units in brackets:
    read as published, with no table, the plan holds what the table an office makes of it
    holds — numbers, tasks, 主要内容, leaders, units and roles (责任单位 beside 牵头单位 takes
    part), group headings, further labels."""
    fixture = make.load(name)
    if kind == "docx":
        path = make.make_paragraphs_docx(fixture, tmp_path / f"{name}.docx")
    else:
        path = tmp_path / f"{name}.txt"
        path.write_text("\n".join(make.paragraph_lines(fixture)), encoding="utf-8")
    with read_warnings() as found:
        data = read_data(path)
    assert any(f"文档中没有表格，已按段落读取 {len(data['items'])} 项工作" in p.message for p in found)
    plan = plan_from_data(data, name)
    assert _content(plan) == _content(_loaded(name, "docx", tmp_path))
    assert data["title"] == fixture.get("title", name)


def test_text_after_the_last_labelled_task_is_named_not_dropped(tmp_path: Path) -> None:
    fixture = make.load("jiaxing_2016_minsheng")
    path = tmp_path / "嘉兴.txt"
    path.write_text("\n".join([*make.paragraph_lines(fixture), "嘉兴市人民政府", "2016年4月12日"]), encoding="utf-8")
    with read_warnings() as found:
        data = read_data(path)
    assert [i["task"] for i in data["items"]] == ["加大城市治堵力度"]
    assert "最后一项工作的标注之后还有 2 段文字，未作为工作读入：“嘉兴市人民政府”…" in [p.message for p in found]


def test_labels_of_a_provincial_plan_and_brackets_that_are_part_of_the_task(tmp_path: Path) -> None:
    """广东's 分工方案 labels its items 分管省领导 and 部门分工 (a role sentence: the lead and
    who takes part); a closing bracket naming no unit ("(二期)", 新昌) stays in the task."""
    path = tmp_path / "分工方案.txt"
    path.write_text("\n".join([
        "2021年省《政府工作报告》重点任务分工方案", "一、2021年经济社会发展主要预期目标", "1.地区生产总值增长6%以上。",
        "分管省领导:林克庆", "部门分工:省发展改革委牵头,各地、各部门配合。",
        "2.计划投资1067万元,完成22所学校校园空调安装工程(二期)", "部门分工:省教育厅牵头"]), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReadWarning)
        plan = plan_from_data(read_data(path), "x")
    first, second = plan.items
    assert (first.leaders, first.lead, first.participants) == (["林克庆"], ["省发展改革委"], ["各地", "各部门"])
    assert first.group == "一、2021年经济社会发展主要预期目标" and plan.heading("lead") == "部门分工"
    assert second.task == "计划投资1067万元,完成22所学校校园空调安装工程(二期)" and second.lead == ["省教育厅"]


def _printed_docx(path: Path) -> list[tuple[str, list[str]]]:
    """Each table of a DOCX as (header row, full-width rows) read back with python-docx: the
    cells' text without the line breaks headings are fitted with."""
    from docx import Document as open_docx

    found = []
    for table in open_docx(str(path)).tables:
        rows = [list({id(c._tc): c.text for c in row.cells}.values()) for row in table.rows]
        found.append(("|".join(t.replace("\n", "") for t in rows[0]), [r[0] for r in rows[1:] if len(r) == 1]))
    return found


def _printed_xlsx(path: Path) -> list[tuple[str, list[str]]]:
    """Each table of the attachment's sheet read back with openpyxl: a header row is a row
    whose first cell is the 序号 heading, and the full-width rows (merged across the table)
    after it are its group rows (and the next table's heading)."""
    from openpyxl import load_workbook

    sheet = load_workbook(path).worksheets[0]
    width = max(r.max_col for r in sheet.merged_cells.ranges if r.min_row == r.max_row)
    spanned = {r.min_row for r in sheet.merged_cells.ranges if r.min_row == r.max_row and r.size["columns"] == width}
    found: list[tuple[str, list[str]]] = []
    for row in sheet.iter_rows(min_row=1, max_col=width):
        texts = [str(c.value or "").replace("\n", "") for c in row]
        if texts[0] == "序号":
            found.append(("|".join(texts), []))
        elif found and row[0].row in spanned and texts[0]:
            found[-1][1].append(texts[0])
    return found


def _built(capsys: pytest.CaptureFixture[str], source: Path, folder: Path) -> Path:
    """``import`` to a plan file, then ``build`` the attachment from it in every format."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReadWarning)
        assert _run(capsys, "import", source, "-o", folder / "plan.yaml")[0] == 0
    code, _, err = _run(capsys, "build", folder / "plan.yaml", "-o", folder, "--reports", "attachment", "--jobs", "1")
    assert code == 0, err
    return folder


@pytest.mark.parametrize("kind", ["docx", "xlsx", "xls"])
def test_every_level_of_group_heading_prints_in_source_order(kind: str, tmp_path: Path, capsys) -> None:
    """丽水: "二、重点抓好六方面工作" and under it "(一)全力以赴…" — each level its own full-width
    row, once, in the order published, through import, the plan file and build."""
    fixture = make.load("lishui_2023_zhongdian")
    grid = make.layout(fixture["tables"][0])
    published = [grid.text[r][0] for r in range(grid.header_rows, len(grid.text)) if grid.is_group_row(r)]
    assert len(published) == 3
    built = _built(capsys, getattr(make, f"make_{kind}")(fixture, tmp_path / f"丽水.{kind}"), tmp_path)
    plan = load(built / "plan.yaml")
    assert plan.items[-1].group_path == tuple(published[1:])
    for printed in (_printed_docx(built / "附件.docx"), _printed_xlsx(built / "附件.xlsx")):
        assert [rows for _, rows in printed] == [published]
    pdf = re.sub(r"\s", "", subprocess.run(["pdftotext", str(built / "附件.pdf"), "-"], capture_output=True, text=True,
                                           check=True).stdout)
    places = [pdf.find(text) for text in published]
    assert -1 not in places and places == sorted(places)


@pytest.mark.parametrize("kind", ["docx", "xlsx", "xls"])
def test_each_table_prints_under_its_own_header_row(kind: str, tmp_path: Path, capsys) -> None:
    """杭州: the two tables' task headings count different tasks (2项配合工作; 2项牵头工作、19项配合
    工作): each table prints under its own header row, through import, the plan file and build."""
    fixture = make.load("hangzhou_2021_shehang")
    published = ["|".join(table["rows"][0]) for table in fixture["tables"]]
    built = _built(capsys, getattr(make, f"make_{kind}")(fixture, tmp_path / f"杭州.{kind}"), tmp_path)
    plan = load(built / "plan.yaml")
    assert [plan.heading("task", item.source) for item in (plan.items[0], plan.items[-1])] == [
        "重点工作任务(杭州市2项配合工作)", "重点工作任务(杭州市2项牵头工作、19项配合工作)"]
    for printed in (_printed_docx(built / "附件.docx"), _printed_xlsx(built / "附件.xlsx")):
        assert [header for header, _ in printed] == published


def test_group_headings_nest_by_their_numbering(tmp_path: Path) -> None:
    """一、 over (一) over 1. by their numbering; a heading with no task under it before the next
    heading holds that one (both print); "二、" closes "一、" and its (一)."""
    def group(text: str) -> list[Any]:
        return [{"text": text, "colspan": 3}]

    rows = [["序号", "重点工作", "责任单位"], group("一、经济"), group("(一)工业"), ["1", "甲", "经信局"],
            group("(二)农业"), group("重点项目"), ["2", "乙", "农业农村局"], group("二、民生"), ["3", "丙", "民政局"]]
    _, plan = _import_rows(tmp_path, rows)
    assert [i.group_path for i in plan.items] == [
        ("一、经济", "(一)工业"), ("一、经济", "(二)农业", "重点项目"), ("二、民生",)]
