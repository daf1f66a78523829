"""Importing Word and Excel documents: every table shape offices send, and every bad file.

Fixture documents are made here with python-docx and openpyxl, using their own merge
APIs, so the reader is checked against the XML those libraries (and Word) write.
"""

from __future__ import annotations

import datetime
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workplan_docs.cli import main
from workplan_docs.errors import PlanError
from workplan_docs.model import Plan
from workplan_docs.readers import load, read_data
from workplan_docs.reports.attachment import attachment
from workplan_docs.style import default_style
from workplan_docs.writers import render

Merge = tuple[tuple[int, int], tuple[int, int]]


def _fill_docx_cell(cell: Any, text: str) -> None:
    """One paragraph per line, as Word holds a cell typed with Enter."""
    lines = text.split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def make_docx(path: Path, paragraphs: list[str], tables: list[tuple[list[list[str]], list[Merge]]],
              between: str = "") -> Path:
    """A DOCX with paragraphs, then tables; merges are (top-left, bottom-right) cell pairs."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for index, (rows, merges) in enumerate(tables):
        if index and between:
            document.add_paragraph(between)
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for row, texts in zip(table.rows, rows):
            for cell, text in zip(row.cells, texts):
                if text:
                    _fill_docx_cell(cell, text)
        for (r1, c1), (r2, c2) in merges:
            table.cell(r1, c1).merge(table.cell(r2, c2))
    document.save(path)
    return path


def make_xlsx(path: Path, sheets: list[tuple[str, list[list[Any]], list[str]]], hidden: tuple[str, ...] = ()) -> Path:
    """An XLSX with one sheet per (name, rows, merged ranges); None is an empty cell."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows, merges in sheets:
        sheet = workbook.create_sheet(name)
        for r, values in enumerate(rows, 1):
            for c, value in enumerate(values, 1):
                if value is not None:
                    sheet.cell(r, c, value)
        for merged in merges:
            sheet.merge_cells(merged)
        if name in hidden:
            sheet.sheet_state = "hidden"
    workbook.save(path)
    return path


def by_seq(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(item["seq"]): item for item in data["items"]}


# --- DOCX shapes -------------------------------------------------------------------------

def test_docx_synonyms_unknown_column_merges_and_unit_lists(tmp_path: Path) -> None:
    """A 任务分工 table: synonyms, a wrapped heading, a 备注 column, a task with dated
    sub-items (序号 and task merged down), one unit per line, a cell merged across."""
    rows = [
        ["序号", "工作任务", "具体措施", "牵头\n单位", "配合单位", "完成时限", "备注"],
        ["3", "开展能力验证", "制定方案", "认监委", "认可中心、检科院", "3月", "重点"],
        ["", "", "组织实施\n形成报告", "", "认证认可研究所", "6月底", ""],
        ["5", "检测机构比武", "组织技能比武", "科技司\n执法司", "中国质检协会", "全年", ""],
        ["7", "完善检测体系建设规划", "提出实施意见，提升检测能力", "", "计财司", "9月", ""],
    ]
    merges = [((1, 0), (2, 0)), ((1, 1), (2, 1)), ((1, 3), (2, 3)), ((4, 2), (4, 3))]
    path = make_docx(tmp_path / "附件.docx", ["附件", "2024年检测工作", "重点任务分工"], [(rows, merges)])

    data = read_data(path)
    assert data["attachment"] == "附件"
    assert data["title"] == "2024年检测工作重点任务分工"
    assert data["columns"] == {"task": "工作任务", "measures": "具体措施", "participants": "配合单位", "schedule": "完成时限"}
    items = by_seq(data)
    assert list(items) == ["3.1", "3.2", "5", "7"]
    first, second = items["3.1"], items["3.2"]
    assert first["task"] == second["task"] == "开展能力验证"
    assert first["lead"] == second["lead"] == ["认监委"]
    assert (first["measures"], first["schedule"]) == ("制定方案", "3月")
    assert (second["measures"], second["schedule"]) == ("组织实施\n形成报告", "6月底")
    assert first["participants"] == ["认可中心", "检科院"] and second["participants"] == ["认证认可研究所"]
    assert first["extra"] == {"备注": "重点"} and second["extra"] == {"备注": ""}
    assert items["5"]["lead"] == ["科技司", "执法司"] and items["5"]["lead_text"] == "科技司\n执法司"
    # measures merged across into 牵头单位: the text is the measures, the lead is left blank
    assert items["7"]["measures"] == "提出实施意见，提升检测能力" and "lead" not in items["7"]
    assert all("source" not in item for item in data["items"])


def test_docx_loads_as_a_plan(tmp_path: Path) -> None:
    rows = [["序号", "重点任务", "责任单位", "时间安排"], ["1", "调研", "监督司", "4月"], ["2", "培训", "科技司", "5-7月"]]
    plan = load(make_docx(tmp_path / "a.docx", ["附件：", "工作安排"], [(rows, [])]))
    assert plan.attachment == "附件" and plan.title == "工作安排"
    assert [i.seq for i in plan.items] == [1, 2]
    assert plan.items[1].timing.months == [5, 6, 7]
    assert plan.heading("lead") == "责任单位"


def test_docx_two_tables_group_rows_and_two_row_header(tmp_path: Path) -> None:
    """Two department tables, each numbered from 1; the second has a two-row header
    (责任单位 over 牵头 | 配合, the rest merged down) and a group-heading row."""
    first = [["序号", "重要工作", "牵头单位", "时间进度"], ["1", "调研", "监督司", "4月"], ["2", "抽查", "监督司", "全年"]]
    second = [
        ["序号", "工作内容", "责任单位", "", "完成时间"],
        ["", "", "牵头", "配合", ""],
        ["一、能力建设", "", "", "", ""],
        ["1", "能力验证", "认监委", "认可中心", "全年"],
        ["二、制度建设", "", "", "", ""],
        ["2", "制定办法", "法规司", "认监委\n监督司", "12月"],
    ]
    merges = [((0, 0), (1, 0)), ((0, 1), (1, 1)), ((0, 2), (0, 3)), ((0, 4), (1, 4)),  # the two-row header
              ((2, 0), (2, 4)), ((4, 0), (4, 4))]  # group headings across the table
    path = make_docx(tmp_path / "two.docx", ["附件2", "各部门重点工作"], [(first, []), (second, merges)],
                     between="二、科技司")

    data = read_data(path)
    assert data["attachment"] == "附件2" and data["title"] == "各部门重点工作"
    assert [(i["seq"], i["source"]) for i in data["items"]] == [
        ("1-1", "表1"), ("1-2", "表1"), ("2-1", "二、科技司"), ("2-2", "二、科技司")]
    assert [i["seq_text"] for i in data["items"]] == ["1", "2", "1", "2"]  # as printed, table by table
    third, fourth = data["items"][2], data["items"][3]
    assert third["lead"] == ["认监委"] and third["participants"] == ["认可中心"]
    assert fourth["participants"] == ["认监委", "监督司"] and fourth["schedule"] == "12月"
    assert third["group"] == "一、能力建设" and fourth["group"] == "二、制度建设"
    assert "extra" not in third and "group" not in data["items"][0]
    assert "extra" not in data["items"][0]
    plan = load(path)
    # the first table names each field's heading; a field only the second table has takes its heading
    assert plan.heading("lead") == "牵头单位" and plan.heading("participants") == "责任单位（配合）"
    assert len(plan.items) == 4


def test_docx_without_seq_column_and_with_gaps(tmp_path: Path) -> None:
    no_seq = [["民生实事", "主办单位", "协办单位", "时限要求"], ["改造老旧小区", "住建局", "各街道", "10月"],
              ["新建养老服务站", "民政局", "卫健委、财政局", "全年"]]
    gaps = [["编号", "任务", "责任部门", "完成时间"], ["4", "甲", "办公室", "3月"], ["9", "乙", "办公室", "6月"]]
    first = read_data(make_docx(tmp_path / "no-seq.docx", ["2024年民生实事项目"], [(no_seq, [])]))
    assert "attachment" not in first and first["title"] == "2024年民生实事项目"
    assert [i["seq"] for i in first["items"]] == [1, 2]
    assert first["items"][1]["participants"] == ["卫健委", "财政局"]
    second = read_data(make_docx(tmp_path / "gaps.docx", ["附件", "安排"], [(gaps, [])]))
    assert [i["seq"] for i in second["items"]] == [4, 9]


def test_docx_unnumbered_rows_continue_the_item_above(tmp_path: Path) -> None:
    """Blank 序号 (not merged): the row is a sub-item of the numbered row above, and
    takes its blank task and lead from it; other blank cells stay blank."""
    rows = [
        ["序号", "重要工作", "主要内容和措施", "牵头单位", "参与部门（单位）", "时间进度"],
        ["1", "建设平台", "完成招标", "科技司", "计财司", "3月"],
        ["", "", "上线试运行", "", "", "9月"],
        ["2", "开展培训", "组织培训", "人事司", "", "全年"],
    ]
    data = read_data(make_docx(tmp_path / "sub.docx", ["附件", "安排"], [(rows, [])]))
    items = by_seq(data)
    assert list(items) == ["1.1", "1.2", "2"]
    assert items["1.2"]["task"] == "建设平台" and items["1.2"]["lead"] == ["科技司"]
    assert "participants" not in items["1.2"] and items["1.2"]["schedule"] == "9月"


def test_docx_repeated_header_row_is_skipped_and_title_falls_back_to_file_name(tmp_path: Path) -> None:
    header = ["序号", "重要工作", "牵头单位", "时间进度"]
    rows = [header, ["1", "甲", "监督司", "4月"], header, ["2", "乙", "监督司", "5月"]]
    data = read_data(make_docx(tmp_path / "任务清单.docx", [], [(rows, [])]))
    assert data["title"] == "任务清单"
    assert [i["seq"] for i in data["items"]] == [1, 2]


# --- XLSX shapes -------------------------------------------------------------------------

def test_xlsx_title_rows_spacers_numbers_merges_and_dates(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["附件1", None, None, None, None, None, None, None],
        ["2024年重点工作任务分工", None, None, None, None, None, None, None],
        ["填报单位：办公室", None, None, None, None, None, "填报日期：2024年1月5日", None],
        [None] * 8,
        ["序号", "重点任务", "工作目标", "主要措施", "责任部门", "协办单位", "时间安排", "分管领导"],
        [1.0, "质量提升", "提高合格率", "开展抽查", "监督司", "食品司、执法司", "6月", "张三"],
        [None, None, None, "公布结果", None, "执法司", datetime.datetime(2024, 6, 30), None],
        [None] * 8,
        [2, "标准制定", "完善标准体系", "修订标准\n发布实施", "标准委\n计量司", None, "全年", None],
        [3.0, "计量比对", 0.95, "组织比对", "计量司", None, "5-7月", None],
    ]
    merges = ["A1:H1", "A2:H2", "A6:A7", "B6:B7", "C6:C7", "E6:E7", "H6:H7"]
    path = make_xlsx(tmp_path / "任务分工.xlsx", [("任务", rows, merges)])

    data = read_data(path)
    assert data["attachment"] == "附件1" and data["title"] == "2024年重点工作任务分工"
    items = by_seq(data)
    assert list(items) == ["1.1", "1.2", "2", "3"]
    assert isinstance(data["items"][2]["seq"], int) and isinstance(data["items"][3]["seq"], int)
    assert items["1.2"]["task"] == "质量提升" and items["1.2"]["lead"] == ["监督司"]
    assert items["1.2"]["schedule"] == "2024年6月30日" and items["1.2"]["participants"] == ["执法司"]
    assert items["1.1"]["participants"] == ["食品司", "执法司"]
    assert items["1.1"]["leader"] == items["1.2"]["leader"] == "张三" and "extra" not in items["1.1"]
    assert items["2"]["lead"] == ["标准委", "计量司"] and items["2"]["measures"] == "修订标准\n发布实施"
    assert items["3"]["goal"] == "0.95"
    assert len(load(path).items) == 4


def test_xlsx_sheets_each_a_table_hidden_and_note_sheets_skipped(tmp_path: Path) -> None:
    header = ["序号", "任务", "牵头单位", "完成时限"]
    path = make_xlsx(tmp_path / "部门.xlsx", [
        ("说明", [["填表说明：每项任务一行"]], []),
        ("质量处", [header, [1, "甲", "质量处", "3月"], [2, "乙", "质量处", "4月"]], []),
        ("旧表", [header, [1, "作废", "某处", "1月"]], []),
        ("标准处", [header, [3, "丙", "标准处", "全年"]], []),
    ], hidden=("旧表",))
    data = read_data(path)
    assert data["title"] == "部门"
    assert [(i["seq"], i["source"]) for i in data["items"]] == [(1, "质量处"), (2, "质量处"), (3, "标准处")]


def test_xlsx_two_row_header_without_merges_and_missing_seq(tmp_path: Path) -> None:
    """A sheet typed without merging: 责任单位 over 牵头 | 配合 with a blank cell beside it."""
    rows: list[list[Any]] = [
        ["重要工作", "责任单位", None, "时间进度"],
        [None, "牵头", "配合", None],
        ["调研", "监督司", "科技司", "4月"],
        ["培训", "人事司", None, "全年"],
    ]
    data = read_data(make_xlsx(tmp_path / "t.xlsx", [("Sheet1", rows, [])]))
    assert data["title"] == "t"
    assert [i["seq"] for i in data["items"]] == [1, 2]
    assert data["items"][0]["lead"] == ["监督司"] and data["items"][0]["participants"] == ["科技司"]
    assert data["columns"]["lead"] == "责任单位（牵头）"


def test_lead_and_responsible_columns_are_both_kept(tmp_path: Path) -> None:
    rows = [["序号", "重要工作", "牵头单位", "责任单位", "时间进度"], [1, "甲", "监督司", "各省局", "全年"]]
    data = read_data(make_xlsx(tmp_path / "both.xlsx", [("s", rows, [])]))
    item = data["items"][0]
    assert item["lead"] == ["监督司"] and item["participants"] == ["各省局"]
    assert data["columns"]["participants"] == "责任单位"


# --- Bad files ---------------------------------------------------------------------------

def _validate(capsys: pytest.CaptureFixture[str], path: Path) -> str:
    """Run `workplan-docs validate`; it must exit 2 with exactly one line naming the file."""
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"{path}: ")
    return lines[0]


def _docx_bytes(rows: list[list[str]] | None) -> bytes:
    document = docx.Document()
    document.add_paragraph("标题")
    if rows:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for row, texts in zip(table.rows, rows):
            for cell, text in zip(row.cells, texts):
                cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, replace.get(name, source.read(name)))
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "文件已加密，或是旧版 Word 格式（.doc）"),
    ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "文件已加密，或是旧版 Excel 格式（.xls）"),
    ("text.docx", "这是一段文字".encode(), "不是 DOCX 文件"),
    ("text.xlsx", b"a,b,c\n", "不是 XLSX 文件"),
])
def test_not_an_office_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes,
                            expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert expected in _validate(capsys, path)


def test_docx_without_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notable.docx"
    path.write_bytes(_docx_bytes(None))
    assert _validate(capsys, path).endswith(
        "文档中没有表格：工作安排应是 Word 表格（附件标题下方的表格），或每项工作下以“牵头单位：…”“责任单位：…”标注单位的段落")


def test_table_without_task_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notask.docx"
    path.write_bytes(_docx_bytes([["姓名", "电话"], ["张三", "123"]]))
    assert _validate(capsys, path).endswith("表格中找不到“重要工作”一类的列（表格第一行为：姓名、电话）")


def test_xlsx_without_task_column_or_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    contacts = make_xlsx(tmp_path / "contacts.xlsx", [("s", [["通讯录"], ["姓名", "电话"], ["张三", 123]], [])])
    assert _validate(capsys, contacts).endswith("表格中找不到“重要工作”一类的列（表格第一行为：通讯录）")
    empty = make_xlsx(tmp_path / "empty.xlsx", [("s", [], [])])
    assert _validate(capsys, empty).endswith("表格是空的")
    header_only = make_xlsx(tmp_path / "header.xlsx", [("s", [["序号", "重要工作", "牵头单位"]], [])])
    assert _validate(capsys, header_only).endswith("表格中只有表头，没有任何工作任务")


def test_corrupt_and_truncated_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _docx_bytes([["序号", "任务"], ["1", "甲"]])
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(data[: len(data) // 2])
    assert "不是 DOCX 文件" in _validate(capsys, truncated)
    broken_xml = tmp_path / "broken.docx"
    broken_xml.write_bytes(_rezip(data, {"word/document.xml": b"<w:document"}))
    assert "DOCX 文件已损坏或内容无法识别" in _validate(capsys, broken_xml)
    spreadsheet = tmp_path / "renamed.docx"
    workbook = openpyxl.Workbook()
    workbook.save(spreadsheet)
    assert _validate(capsys, spreadsheet).endswith("这是 Excel 文件，请把扩展名改为 .xlsx 后再导入")


def test_oversized_member_is_refused_before_parsing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A zip bomb: 101 MB of zeros compresses to ~100 KB; the declared size is checked first."""
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(101):
                member.write(chunk)
    assert "压缩包内的“word/media/zeros.bin”解压后过大（101 MB，上限 100 MB）" in _validate(capsys, path)


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            b'<w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>')
    path = tmp_path / "entities.docx"
    path.write_bytes(_rezip(_docx_bytes(None), {"word/document.xml": bomb}))
    with pytest.raises(PlanError, match="含有 DTD 声明"):
        read_data(path)


def test_encrypted_zip_member_is_refused(tmp_path: Path) -> None:
    """Set the "encrypted" flag of a member in its local and central headers."""
    data = bytearray(_rezip(_docx_bytes(None), {}))
    name = b"word/document.xml"
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        header = data.find(signature)
        while header >= 0:
            if data[header + name_at : header + name_at + len(name)] == name:
                data[header + flag_at] |= 0x1
            header = data.find(signature, header + 4)
    path = tmp_path / "locked.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(PlanError, match="文件内容已加密（word/document.xml）"):
        read_data(path)


# --- Round trip through the writers ------------------------------------------------------

ITEM_FIELDS = ("seq", "task", "goal", "measures", "lead", "participants", "schedule", "lead_text",
               "participants_text", "extra", "source")


def _written(plan: Plan, fmt: str, folder: Path) -> Path:
    """The plan's attachment as the writers build it."""
    path = folder / f"附件.{fmt}"
    path.write_bytes(render(attachment(plan), default_style(), fmt))
    return path


def _assert_same_plan(got: Plan, want: Plan) -> None:
    assert (got.title, got.attachment) == (want.title, want.attachment)
    assert len(got.items) == len(want.items)
    for read, written in zip(got.items, want.items):
        for field in ITEM_FIELDS:
            assert getattr(read, field) == getattr(written, field), (written.seq, field)


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_seed_attachment_round_trip(seed_plan: Plan, tmp_path: Path, fmt: str) -> None:
    """Build the seed's attachment, import it: the same 20 items, every field."""
    path = _written(seed_plan, fmt, tmp_path)
    _assert_same_plan(load(path), seed_plan)
    assert "columns" not in read_data(path) and all("source" not in i for i in read_data(path)["items"])


_CJK = "甲乙丙丁戊己庚辛壬癸东南西北中科技计量标准监督质检验测机构能力建设组织开展完善制度办法"
_TEXT_CHARS = _CJK + "，。；：（）《》“”0123456789ABCxyz =#%"
_UNIT_SUFFIXES = ("司", "局", "委", "中心", "研究院")
_SCHEDULES = ("", "全年", "4月", "5-7月", "6月底前", "5月、9月", "7月\n完成", "2024年3月")

_line = st.text(_TEXT_CHARS, min_size=1, max_size=24).map(str.strip).filter(bool)
_cell = st.lists(_line, min_size=1, max_size=3).map("\n".join)
_unit = st.text("甲乙丙丁戊己庚辛东南西北科技计量标准监督", min_size=1, max_size=4).flatmap(
    lambda stem: st.sampled_from(_UNIT_SUFFIXES).map(lambda suffix: stem + suffix))


@st.composite
def _plans(draw: st.DrawFn) -> Plan:
    count = draw(st.integers(1, 4))
    seqs = sorted(draw(st.sets(st.integers(1, 60), min_size=count, max_size=count)))
    remarks = draw(st.booleans())
    items = []
    for seq in seqs:
        units = draw(st.lists(_unit, min_size=1, max_size=5, unique=True))
        cut = draw(st.integers(1, len(units)))
        item: dict[str, Any] = {
            "seq": seq, "task": draw(_cell), "goal": draw(st.one_of(st.just(""), _cell)),
            "measures": draw(st.one_of(st.just(""), _cell)), "lead": units[:cut], "participants": units[cut:],
            "schedule": draw(st.sampled_from(_SCHEDULES)),
        }
        if cut > 1 and draw(st.booleans()):
            item["lead_text"] = "\n".join(units[:cut])  # one unit per line, as offices type them
        if remarks:
            item["extra"] = {"备注": draw(st.one_of(st.just(""), _cell))}
        items.append(item)
    title = draw(_line.filter(lambda t: not t.startswith("附件")))
    return Plan.model_validate({"title": title, "attachment": draw(st.sampled_from(["附件", "附件3"])), "items": items})


@settings(max_examples=25, deadline=None)
@given(plan=_plans())
def test_generated_plans_round_trip(plan: Plan) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("docx", "xlsx"):
            _assert_same_plan(load(_written(plan, fmt, Path(folder))), plan)
