"""The derived reports (分工表, 季度工作安排, 责任矩阵, 进度图) checked against the seed by hand.

Every expectation below was read off samples/seed-plan.yaml by a person, not computed
with the code under test.  Assertions look at the neutral documents (cell texts,
fills, section names); tests at the end render them and read the files back.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from workplan_docs.errors import WorkplanError
from workplan_docs.layout import Document, Paragraph, Section, Table
from workplan_docs.model import Plan
from workplan_docs.reports import run_report
from workplan_docs.reports import gantt, matrix, quarterly, unit_sheets
from workplan_docs.style import default_style
from workplan_docs.writers import FORMATS, render

from .conftest import require_tool, squash

# unit → (序号 it leads, 序号 it takes part in), read off the seed plan.
EXPECTED_UNITS: dict[str, tuple[list[str], list[str]]] = {
    "科技司": (["5", "6", "7", "9", "10", "12", "13", "16", "19", "20"], ["1", "11"]),
    "认监委": (["2", "8", "11"], ["1", "12", "14", "18"]),
    "计财司": ([], ["19", "20"]),
    "监督司": (["1", "17"], ["11", "13", "15", "18"]),
    "中国质检协会": ([], ["12"]),
    "标准委": ([], ["12"]),
    "执法司": (["12"], ["1"]),
    "通关司": ([], ["11"]),  # named only in item 11's "通关司、科技司、监督司及相关司局"
}
GENERIC = {"相关司局": ["11"], "总局相关司局": ["12"], "有关技术机构": ["8"], "有关地方局": ["13"], "有关行业协会": ["12"]}
WHOLE_YEAR = {"2", "5", "6", "7", "8", "9", "11", "12", "13", "14", "15", "17", "18", "19", "20"}
QUARTERS = ("一季度", "二季度", "三季度", "四季度")


def tables(section: Section) -> list[Table]:
    return [b for b in section.blocks if isinstance(b, Table)]


def body_rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row] for row in table.rows]


def section(document: Document, name: str) -> Section:
    found = [s for s in document.sections if s.name == name]
    assert len(found) == 1, f"sections named {name}: {[s.name for s in document.sections]}"
    return found[0]


def plan_with(seed_plan: Plan, **changes: Any) -> Plan:
    """The seed with some items' fields changed: ``changes`` maps "序号.field" style keys."""
    data = seed_plan.to_file_data()
    for key, value in changes.items():
        seq, field = key.split("__")
        item = next(i for i in data["items"] if str(i["seq"]) == seq.removeprefix("item"))
        item[field] = value
    return Plan.model_validate(data)


# ---- 分工表 ----

@pytest.fixture(scope="module")
def unit_outputs(seed_plan: Plan) -> dict[str, Document]:
    return {o.path: o.document for o in unit_sheets.outputs(seed_plan)}


@pytest.mark.parametrize("unit", EXPECTED_UNITS)
def test_unit_sheet_lists_exactly_the_tasks_naming_the_unit(unit_outputs: dict[str, Document], unit: str) -> None:
    lead, participate = EXPECTED_UNITS[unit]
    for sheet in (section(unit_outputs["分工表/分工表汇总"], unit), unit_outputs[f"分工表/{unit}"].sections[0]):
        (table,) = tables(sheet)
        rows = body_rows(table)
        assert [r[0] for r in rows] == lead + participate  # 牵头 first, each part in plan order
        assert [r[1] for r in rows[: len(lead)]] == ["牵头"] * len(lead)
        assert all(r[1].startswith("参与") for r in rows[len(lead) :])
        count = f"牵头{len(lead)}项，参与{len(participate)}项，共{len(lead) + len(participate)}项。"
        assert Paragraph(count, "body") in sheet.blocks
        assert all(row[0].number for row in table.rows)  # the seed's 序号 are whole numbers


def test_unit_sheet_shows_full_name_roles_and_the_other_units(unit_outputs: dict[str, Document]) -> None:
    combined = unit_outputs["分工表/分工表汇总"]
    assert section(combined, "认监委").blocks[0] == Paragraph("国家认证认可监督管理委员会重点工作分工表", "title")
    assert section(combined, "科技司").blocks[0] == Paragraph("科技司重点工作分工表", "title")
    assert unit_outputs["分工表/科技司"].title == f"{combined.sections[0].blocks[1].text} · 科技司重点工作分工表"
    assert body_rows(tables(section(combined, "标准委"))[0])[0][1] == "参与（协助）"
    assert body_rows(tables(section(combined, "中国质检协会"))[0])[0][1] == "参与（承办竞赛组织工作）"
    # 执法司 co-leads item 12: its row names the other lead and every participant
    row_12 = body_rows(tables(section(combined, "执法司"))[0])[0]
    assert row_12[5].splitlines() == [
        "牵头：科技司",
        "参与：中国质检协会、认监委、标准委、总局相关司局、各直属检验检疫局、省级质量技术监督局、有关行业协会",
    ]
    assert row_12[6] == "全年"


def _real_plan(name: str, tmp_path: Path) -> Plan:
    """A plan of the corpus of real published tables, imported from the .docx an office keeps."""
    import warnings

    from workplan_docs.readers import load

    from .real_plans import make

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load(make.make_docx(make.load(name), tmp_path / f"{name}.docx"))


def test_a_derived_report_prints_no_column_the_plan_leaves_empty(seed_plan: Plan, tmp_path: Path) -> None:
    """丽水 2023 publishes 序号 | 重点工作 | 责任单位 only: its unit sheets, quarters and 进度图
    print no 工作目标, 主要内容和措施 or 时间进度 column of empty boxes; the seed, which fills
    them all, keeps them."""
    def headings(document: Document) -> list[str]:
        return [c.heading for c in tables(document.sections[0])[0].columns]

    lishui = _real_plan("lishui_2023_zhongdian", tmp_path)
    assert lishui.filled_fields == {"participants"}  # its note makes the units after the first take part
    (sheet,) = [o.document for o in unit_sheets.outputs(lishui, units=["市发改委"]) if o.path.endswith("市发改委")]
    assert headings(sheet) == ["序号", "分工", "重点工作", "其他相关单位"]
    assert headings(gantt.gantt_document(lishui))[:4] == ["序号", "重点工作", "责任单位", "1"]
    assert seed_plan.filled_fields == {"goal", "measures", "schedule", "participants"}
    (seed_sheet,) = [o.document for o in unit_sheets.outputs(seed_plan, units=["科技司"]) if o.path.endswith("科技司")]
    assert headings(seed_sheet) == ["序号", "分工", "重要工作", "工作目标", "主要内容和措施", "其他相关单位", "时间进度"]


def test_the_quarters_of_a_plan_that_dates_nothing_are_its_list_of_tasks(seed_plan: Plan, tmp_path: Path) -> None:
    """丽水 2023 dates no task: its 季度工作安排 is the list of the ten tasks to date, not four
    empty quarters after a table of zeros; the seed with one undated task keeps the quarters
    and lists that one with its reason."""
    document = quarterly.quarterly_document(_real_plan("lishui_2023_zhongdian", tmp_path))
    (only,) = document.sections
    assert only.name == "未排期"
    assert only.blocks[2].text == "计划中10项工作均未写时间进度，无法按季度安排；补充时间进度后重新生成即可。"
    (table,) = tables(only)
    assert [c.heading for c in table.columns] == ["序号", "重点工作", "责任单位"] and len(table.rows) == 10
    seed = quarterly.quarterly_document(plan_with(seed_plan, item5__schedule="待定"))
    assert [s.name for s in seed.sections][-1] == "未排期" and len(seed.sections) == 6
    (listed,) = tables(seed.sections[-1])
    assert [c.heading for c in listed.columns] == ["序号", "重要工作", "牵头单位", "时间进度", "说明"]
    assert body_rows(listed)[0][:4] == ["5", "进行技术机构核查验收", "科技司", "待定"]


def test_generic_units_get_no_sheet_but_appear_in_the_overview(unit_outputs: dict[str, Document]) -> None:
    combined = unit_outputs["分工表/分工表汇总"]
    names = [s.name for s in combined.sections]
    (table,) = tables(combined.sections[0])
    assert [c.heading for c in table.columns] == ["序号", "单位", "类别", "牵头（项）", "参与（项）", "合计（项）"]
    overview = body_rows(table)
    by_unit = {row[1]: row for row in overview}
    for unit, items in GENERIC.items():
        assert unit not in names and f"分工表/{unit}" not in unit_outputs
        assert by_unit[unit][2:6] == ["其他单位", "0", str(len(items)), str(len(items))]
    # the full name beside the short one: a 全称 column would stand empty for 29 of 31 units
    assert by_unit["认监委（国家认证认可监督管理委员会）"][2:6] == ["总局管理的国家局", "3", "4", "7"]
    assert by_unit["科技司"][2] == "司局"
    assert all(cell.number for row in table.rows for cell in (row[0], *row[3:]))
    summary = combined.sections[0].blocks[2].text
    assert summary.startswith("共31个单位，其中26个单位单列分工表；")
    assert all(unit in summary for unit in GENERIC) and summary.endswith("不是具体单位，不单列分工表。")
    assert len(overview) == 31 and len(unit_outputs) == 1 + 31 - len(GENERIC)


def test_combined_file_restarts_page_numbers_per_unit(unit_outputs: dict[str, Document]) -> None:
    combined = unit_outputs["分工表/分工表汇总"]
    overview, *units = combined.sections
    assert not overview.restart_numbering
    assert units and all(s.restart_numbering for s in units)
    assert [s.name for s in units][:3] == ["监督司", "认监委", "计量司"]  # first-mention order


def test_unit_filter_accepts_names_aliases_and_full_names(seed_plan: Plan) -> None:
    outputs = run_report("units", seed_plan, units=["科技司", "国家认监委", "国家标准化管理委员会"], formats=["xlsx"])
    assert [o.path for o in outputs] == ["分工表/分工表汇总", "分工表/认监委", "分工表/科技司", "分工表/标准委"]
    assert [s.name for s in outputs[0].document.sections] == ["各单位汇总", "认监委", "科技司", "标准委"]


@pytest.mark.parametrize(("name", "message"), [("宣传司", "计划中没有单位“宣传司”"), ("相关司局", "泛指")])
def test_unit_filter_refuses_unknown_and_generic_units(seed_plan: Plan, name: str, message: str) -> None:
    with pytest.raises(WorkplanError) as error:
        unit_sheets.outputs(seed_plan, units=[name])
    assert message in str(error.value)
    if name == "宣传司":
        assert "科技司" in str(error.value) and "相关司局" not in str(error.value)


def test_file_names_from_hostile_unit_names_stay_in_the_folder() -> None:
    hostile = ["../../etc/x", "CON", "a/b", "科技司:一处", "x" * 200]  # colliding names: tests/hostile
    plan = Plan.model_validate({
        "title": "测试计划",
        "items": [{"seq": n + 1, "task": "任务", "lead": [name], "schedule": "全年"} for n, name in enumerate(hostile)],
    })
    paths = [o.path for o in unit_sheets.outputs(plan)]
    assert len(paths) == len(set(p.casefold() for p in paths)) == 1 + len(hostile)
    for path in paths:
        folder, name = path.split("/")
        assert folder == "分工表" and name not in {"", ".", ".."}
        assert not set(name) & set('<>:"/\\|?*') and name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}
        assert len(name) <= 80 and not name.endswith((" ", "."))
    assert paths[0] == "分工表/分工表汇总"
    assert "分工表/_CON" in paths and "分工表/科技司_一处" in paths
    # the sheets keep the names as written: the XLSX writer makes sheet names safe
    combined = unit_sheets.outputs(plan)[0].document
    assert [s.name for s in combined.sections[1:]] == hostile


# ---- 季度工作安排 ----

def quarter_tasks(document: Document, name: str) -> tuple[list[str], list[str]]:
    """序号 under way and 序号 due in a quarter's section (group heading rows left out)."""
    blocks = section(document, name).blocks
    found: dict[str, list[str]] = {"一": [], "二": []}
    current = ""
    for block in blocks:
        if isinstance(block, Paragraph) and block.role == "heading":
            current = block.text[0]
        elif isinstance(block, Table):
            found[current] = [row[0].text for row in block.rows if row[0].span == 1]
    return found["一"], found["二"]


@pytest.fixture(scope="module")
def quarterly_document(seed_plan: Plan) -> Document:
    (output,) = quarterly.outputs(seed_plan)
    assert output.path == "季度工作安排"
    return output.document


def test_quarter_sections_are_named_by_quarter(quarterly_document: Document) -> None:
    assert [s.name for s in quarterly_document.sections] == ["汇总", *QUARTERS]


def test_fourth_quarter_holds_exactly_the_whole_year_tasks(quarterly_document: Document) -> None:
    active, due = quarter_tasks(quarterly_document, "四季度")
    assert set(active) == WHOLE_YEAR and len(active) == len(WHOLE_YEAR)
    assert due == []
    rows = [r for t in tables(section(quarterly_document, "四季度")) for r in t.rows if r[0].span == 1]
    assert {r[-1].text for r in rows} == {"全年"}


def test_item_16_falls_due_in_the_third_quarter_only(quarterly_document: Document) -> None:
    active, due = quarter_tasks(quarterly_document, "三季度")
    assert "16" in active and due == ["16"]
    for name in ("一季度", "二季度"):
        active, due = quarter_tasks(quarterly_document, name)
        assert "16" in active and "16" not in due
    active, due = quarter_tasks(quarterly_document, "四季度")
    assert "16" not in active and "16" not in due


@pytest.mark.parametrize(("seq", "quarters"), [("1", {"二季度"}), ("3", {"二季度", "三季度"}),
                                               ("4", {"二季度", "三季度"}), ("10", {"二季度", "三季度"})])
def test_month_schedules_land_in_their_quarters(quarterly_document: Document, seq: str, quarters: set[str]) -> None:
    assert {q for q in QUARTERS if seq in quarter_tasks(quarterly_document, q)[0]} == quarters


def test_tasks_are_grouped_by_lead_unit(quarterly_document: Document) -> None:
    (active,) = tables(section(quarterly_document, "四季度"))
    groups = [row[0].text for row in active.rows if row[0].span > 1]
    assert groups == ["牵头单位：监督司（1项）", "牵头单位：认监委（3项）", "牵头单位：科技司（7项）",
                      "牵头单位：科技司、执法司（1项）", "牵头单位：法规司（3项）"]
    blocks = section(quarterly_document, "三季度").blocks
    assert [b.text for b in blocks if isinstance(b, Paragraph)][2:] == [
        "在办任务19项（其中全年任务15项），本季度到期任务1项。", "一、在办任务（19项）", "二、到期任务（1项）"]


def test_overview_counts_tasks_per_lead_unit_and_quarter(quarterly_document: Document) -> None:
    (table,) = tables(quarterly_document.sections[0])
    rows = {row[0]: row[1:] for row in body_rows(table)}
    # columns: Q1 在办, Q1 到期, Q2 在办, Q2 到期 …
    assert rows["科技司"] == ["9", "0", "10", "0", "10", "1", "8", "0"]  # 16 is under way Jan–Jul, due in Jul
    assert rows["计量司"] == ["0", "0", "2", "0", "2", "0", "0", "0"]
    assert rows["执法司"] == ["1", "0", "1", "0", "1", "0", "1", "0"]
    assert rows["合计（项）"] == ["16", "0", "20", "0", "19", "1", "15", "0"]
    assert all(cell.number for row in table.rows for cell in row[1:])
    # no empty header box: the corner names what runs across (季度) over what runs down
    assert [c.text for c in table.header_rows[0]] == ["季度", *QUARTERS]
    assert [c.text for c in table.header_rows[1]][0] == "牵头单位"
    assert quarterly_document.title == f"{quarterly_document.sections[0].blocks[1].text} · 季度工作安排"


def test_unparsed_schedule_is_listed_apart_never_dropped(seed_plan: Plan) -> None:
    plan = plan_with(seed_plan, item1__schedule="视情况而定")
    (output,) = quarterly.outputs(plan)
    names = [s.name for s in output.document.sections]
    assert names == ["汇总", *QUARTERS, "未排期"]
    assert all("1" not in quarter_tasks(output.document, q)[0] for q in QUARTERS)
    (table,) = tables(section(output.document, "未排期"))
    assert body_rows(table) == [["1", "开展检验机构委托检验工作调研", "监督司", "视情况而定", "无法识别的时间进度“视情况而定”"]]
    (overview,) = tables(output.document.sections[0])
    assert {row[0]: row[-1] for row in body_rows(overview)}["监督司"] == "1"


def test_other_years_get_their_own_quarters(seed_plan: Plan) -> None:
    plan = plan_with(seed_plan, item3__schedule="2011年1-6月")
    (output,) = quarterly.outputs(plan)
    names = [s.name for s in output.document.sections]
    assert names == ["汇总", *QUARTERS, "2011年一季度", "2011年二季度"]
    assert quarter_tasks(output.document, "2011年一季度") == (["3"], [])
    assert all("3" not in quarter_tasks(output.document, q)[0] for q in QUARTERS)


def test_a_plan_year_is_named_in_every_quarter(seed_plan: Plan) -> None:
    data = plan_with(seed_plan, item3__schedule="2011年1-6月").to_file_data()
    plan = Plan.model_validate({**data, "year": 2011})
    (output,) = quarterly.outputs(plan)
    assert [s.name for s in output.document.sections] == ["汇总", *(f"2011年{q}" for q in QUARTERS)]
    assert "3" in quarter_tasks(output.document, "2011年一季度")[0]
    assert "3" not in quarter_tasks(output.document, "2011年三季度")[0]


# ---- 责任矩阵 ----

def test_matrix_marks_and_totals(seed_plan: Plan) -> None:
    (output,) = matrix.outputs(seed_plan)
    table = tables(output.document.sections[0])[0]
    (header,) = table.header_rows  # one header row: no empty box over 单位
    assert [c.text for c in header] == ["单位", *(str(n) for n in range(1, 21)), "牵头", "参与", "合计"]
    assert [c.number for c in header] == [False, *[True] * 20, False, False, False]
    rows = {row[0]: row for row in body_rows(table)}
    for unit, (lead, participate) in EXPECTED_UNITS.items():
        marks = rows[unit][1:21]
        assert [str(n) for n, m in enumerate(marks, 1) if m == "●"] == lead
        assert [str(n) for n, m in enumerate(marks, 1) if m == "○"] == participate
        assert rows[unit][21:] == [str(len(lead)), str(len(participate)), str(len(lead) + len(participate))]
    for unit, items in GENERIC.items():
        assert [str(n) for n, m in enumerate(rows[unit][1:21], 1) if m] == items
    # units are grouped under their kind; the last group, 其他单位, holds exactly the generic references
    texts = [row[0].text for row in table.rows]
    assert texts[-7:-1] == ["其他单位（5个）", *texts[-6:-1]] and set(texts[-6:-1]) == set(GENERIC)
    assert texts[1:3] == ["监督司", "计量司"] and texts[0] == "司局（14个）"
    assert all(cell.number for row in table.rows[1:] if len(row) > 1 for cell in row[21:])
    # units per task, hand-counted: item 1 names 11 units, item 12 names 9, item 13 names 10
    per_task = body_rows(table)[-1]
    assert per_task[0] == "任务合计（单位数）"
    assert per_task[1:21] == ["11", "4", "3", "3", "1", "1", "1", "5", "1", "1", "5", "9", "10", "2", "2", "1", "1", "3", "2", "2"]
    assert per_task[21:] == ["21", "47", "68"]  # item 12 has two leads


# ---- 进度图 ----

def chart_rows(plan: Plan) -> dict[str, tuple]:
    (output,) = gantt.outputs(plan)
    table = tables(output.document.sections[0])[0]
    return {row[0].text: row[4:] for row in table.rows}


def test_chart_shades_months_under_way_and_marks_the_due_month(seed_plan: Plan) -> None:
    rows = chart_rows(seed_plan)

    def shaded(seq: str) -> list[int]:
        return [m for m, cell in enumerate(rows[seq], 1) if cell.fill]

    assert shaded("1") == [4]
    assert shaded("3") == shaded("4") == [5, 6, 7]
    assert shaded("10") == [5, 9]
    assert all(shaded(seq) == list(range(1, 13)) for seq in WHOLE_YEAR)
    assert shaded("16") == list(range(1, 8))
    assert [m for m, cell in enumerate(rows["16"], 1) if cell.text] == [7]
    assert rows["16"][6].fill != rows["16"][0].fill  # the due month is darker
    assert all(not cell.text for seq in WHOLE_YEAR for cell in rows[seq])


def test_chart_has_one_header_row_with_month_numbers(seed_plan: Plan) -> None:
    (output,) = gantt.outputs(seed_plan)
    (header,) = tables(output.document.sections[0])[0].header_rows  # no empty box over the task columns
    assert [c.text for c in header] == ["序号", "重要工作", "牵头单位", "时间进度", *(str(m) for m in range(1, 13))]
    assert [c.number for c in header] == [False] * 4 + [True] * 12
    assert all(c.text for c in header)
    assert output.document.sections[0].blocks[2].text.startswith("表头1—12为月份。")


def test_chart_keeps_unscheduled_rows_with_a_note(seed_plan: Plan) -> None:
    rows = chart_rows(plan_with(seed_plan, item5__schedule="待定"))
    (note,) = rows["5"]
    assert note.span == 12 and note.text.startswith("未排期") and note.fill is None


def test_chart_of_another_year(seed_plan: Plan) -> None:
    (output,) = gantt.outputs(plan_with(seed_plan, item4__schedule="2012年3月底前完成"))
    assert [s.name for s in output.document.sections] == ["进度图", "2012年进度图"]
    (table,) = tables(output.document.sections[1])
    (row,) = table.rows
    assert row[0].text == "4" and [c.text for c in row[4:7]] == ["", "", "★"]
    assert [bool(c.fill) for c in row[4:]] == [True] * 3 + [False] * 9


# ---- all reports ----

@pytest.mark.parametrize("report", ["units", "quarterly", "matrix", "gantt"])
def test_reports_are_deterministic(seed_plan: Plan, report: str) -> None:
    assert run_report(report, seed_plan) == run_report(report, seed_plan)


# ---- through the writers ----

def _read_back(fmt: str, path: Path) -> str:
    """All text of a produced file, read with a client independent of our writers."""
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        return "".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    if fmt == "docx":
        import docx

        document = docx.Document(str(path))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "".join([p.text for p in document.paragraphs] + cells)
    # -raw: content-stream order keeps each cell's lines together (side-by-side cells interleave otherwise)
    command = [require_tool("pdftotext"), "-enc", "UTF-8", "-raw", str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_report_file_reads_back_with_its_text(seed_plan: Plan, tmp_path: Path, fmt: str, fixed_date) -> None:
    style = default_style()
    for report in ("units", "quarterly", "matrix", "gantt"):
        outputs = run_report(report, seed_plan)
        if report == "units":  # the combined file holds every sheet; one unit file is enough beside it
            outputs = outputs[:2]
        for output in outputs:
            data = render(output.document, style, fmt)
            assert render(output.document, style, fmt) == data, f"{output.path}.{fmt} differs between builds"
            path = tmp_path / f"{output.path.replace('/', '_')}.{fmt}"
            path.write_bytes(data)
            found = squash(_read_back(fmt, path))
            missing = [t for t in output.document.texts() if squash(t) not in found]
            assert not missing, f"{path.name}: {missing[:5]}"


def test_xlsx_sheets_are_named_by_quarter_and_unit(seed_plan: Plan, tmp_path: Path) -> None:
    import openpyxl

    (output,) = run_report("quarterly", seed_plan)
    path = tmp_path / "q.xlsx"
    path.write_bytes(render(output.document, default_style(), "xlsx"))
    assert openpyxl.load_workbook(path, read_only=True).sheetnames == ["汇总", *QUARTERS]

    hostile = ["../../etc/x", "CON", "a/b", "科技司:一处", "国家" * 20, "国家" * 20 + "甲"]
    plan = Plan.model_validate({
        "title": "测试计划",
        "items": [{"seq": n + 1, "task": "任务", "lead": [name], "schedule": "全年"} for n, name in enumerate(hostile)],
    })
    path.write_bytes(render(unit_sheets.outputs(plan)[0].document, default_style(), "xlsx"))
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert len(names) == len({n.casefold() for n in names}) == 1 + len(hostile)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_matrix_groups_read_as_an_office_writes_them() -> None:
    """No "泛指"/"统称" (the model's terms) in a document: collective names group as 统称单位,
    generic references and units of no registered kind as 其他单位, which comes last."""
    plan = Plan.model_validate({"title": "测试计划", "items": [
        {"seq": 1, "task": "甲", "lead": ["各科室"], "participants": ["相关司局", "科技司"], "schedule": "全年"}]})
    (table,) = [b for b in matrix.matrix_document(plan).sections[0].blocks if isinstance(b, Table)]
    assert [row[0].text for row in table.rows] == [
        "统称单位（1个）", "各科室", "其他单位（2个）", "相关司局", "科技司", "任务合计（单位数）"]
    lone = Plan.model_validate({"title": "测试计划", "items": [{"seq": 1, "task": "甲", "lead": ["科技司"]}]})
    (table,) = [b for b in matrix.matrix_document(lone).sections[0].blocks if isinstance(b, Table)]
    assert [row[0].text for row in table.rows] == ["科技司", "任务合计（单位数）"]  # one group: no heading row
