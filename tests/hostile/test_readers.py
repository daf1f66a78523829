"""Hostile files for the readers: each answered with its one exact line and exit 2, in a
real process held to 300 MB of address space and 5 s of CPU time.

Every case is generated here (the large ones would bloat the repository).  A limit that
is hit kills the process (MemoryError, SIGXCPU), which fails the exact-line check.
"""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
import yaml

from workplan_docs.cli import main

MEMORY_BYTES = 300 * 1024 * 1024
CPU_SECONDS = 5
ITEM = "- seq: 1\n  task: 开展调研\n  lead: [科技司]\n  schedule: 全年\n"


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def run_bounded(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process under the memory and CPU limits."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "workplan_docs.cli", *args],
        capture_output=True, text=True, timeout=60, preexec_fn=_limits,
    )
    assert time.monotonic() - started < 60
    return result


def assert_one_line(path: Path, line: str) -> None:
    """``validate`` refuses ``path`` with exactly ``line`` (``{path}`` is the file) and exit 2."""
    result = run_bounded("validate", str(path))
    assert (result.returncode, result.stderr.splitlines(), result.stdout) == (2, [line.replace("{path}", str(path))], "")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["哈哈哈哈哈哈哈哈", "哈哈哈哈哈哈哈哈", "哈哈哈哈哈哈哈哈", "哈哈哈哈哈哈哈哈", "哈哈哈哈哈哈哈哈",'
             ' "哈哈哈哈哈哈哈哈", "哈哈哈哈哈哈哈哈", "哈哈哈哈哈哈哈哈", "哈哈哈哈哈哈哈哈", "哈哈哈哈哈哈哈哈"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _yaml_bomb_title(tmp: Path) -> Path:
    return _write(tmp / "bomb.yaml", _alias_bomb() + "title: *a9\nitems:\n" + ITEM)


def _yaml_bomb_misspelled_key(tmp: Path) -> Path:
    return _write(tmp / "bomb.yaml", _alias_bomb() + "title: 计划\nitems:\n" + ITEM + "  l\x01ead: *a9\n")


def _yaml_alias_cycle(tmp: Path) -> Path:
    return _write(tmp / "cycle.yaml", "title: &t [计划, *t]\nitems:\n" + ITEM)


def _yaml_set_of_units(tmp: Path) -> Path:
    return _write(tmp / "set.yaml", "title: 计划\nitems:\n- seq: 1\n  task: 开展调研\n  lead: !!set {科技司: null, 财务司: null}\n")


def _yaml_list_as_key(tmp: Path) -> Path:
    return _write(tmp / "key.yaml", "title: 计划\n? [甲, 乙]\n: 1\nitems:\n" + ITEM)


def _yaml_long_integer(tmp: Path) -> Path:
    return _write(tmp / "long.yaml", "title: 计划\nitems:\n- seq: " + "1" * 5000 + "\n  task: 开展调研\n  lead: [科技司]\n")


def _json_long_integer(tmp: Path) -> Path:
    return _write(tmp / "long.json", '{"title": "计划", "items": [{"seq": ' + "7" * 5000 + ', "task": "t", "lead": ["科技司"]}]}')


def _toml_long_integer(tmp: Path) -> Path:
    return _write(tmp / "long.toml", 'title = "计划"\n[[items]]\nseq = ' + "7" * 5000 + '\ntask = "t"\nlead = ["科技司"]\n')


PLAN_FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "alias bomb as the title": (
        _yaml_bomb_title, "{path}: title: 别名（&/*）展开后内容过大（超过 200 万个值和字符），计划文件不会有这么多内容，拒绝读取"),
    "alias bomb under a misspelled key with a control character": (
        _yaml_bomb_misspelled_key,
        "{path}: 第 1 条: l\\x01ead: 别名（&/*）展开后内容过大（超过 200 万个值和字符），计划文件不会有这么多内容，拒绝读取"),
    "alias inside itself": (_yaml_alias_cycle, "{path}: 别名（*）引用了包含它自身的内容，无法展开"),
    "set as a unit list": (
        _yaml_set_of_units,
        "{path}: 第 5 行第 9 列: YAML 格式错误：集合（!!set）没有先后顺序，生成的文件会每次不同：请写成列表（每行以“- ”开头）"),
    "list as a key": (_yaml_list_as_key, "{path}: 第 2 行第 3 列: YAML 格式错误：键不能是列表或映射（“? ”或“[...]:”写成的键），请改为文字"),
    "5000-digit integer in YAML": (
        _yaml_long_integer, "{path}: 第 3 行第 8 列: YAML 格式错误：整数位数过多（5000 位，最多 100 位），如是编号或文字请加引号"),
    "5000-digit integer in JSON": (
        _json_long_integer, "{path}: 第 1 行第 35 列: 整数位数过多（5000 位，最多 100 位），如是编号或文字请加引号"),
    "5000-digit integer in TOML": (_toml_long_integer, "{path}: 第 3 行: 整数位数过多（最多 100 位），如是编号或文字请加引号"),
}


@pytest.mark.parametrize("case", list(PLAN_FILES))
def test_hostile_plan_file(case: str, tmp_path: Path) -> None:
    make, line = PLAN_FILES[case]
    assert_one_line(make(tmp_path), line)


def test_aliases_a_plan_really_uses_are_expanded(tmp_path: Path) -> None:
    """A unit list anchored once and reused by every item is ordinary YAML, not a bomb."""
    items = "".join(f"- seq: {n}\n  task: 任务{n}\n  lead: *units\n" for n in range(2, 200))
    path = _write(tmp_path / "plan.yaml", "title: 计划\nitems:\n- seq: 1\n  task: 任务1\n  lead: &units [科技司, 财务司]\n" + items)
    result = run_bounded("validate", str(path))
    assert result.returncode == 0 and "199 项工作，2 个单位" in result.stdout


# --- Word ----------------------------------------------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NAMESPACES = (f'xmlns:w="{_W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
SECRET_STYLE = '<w:style w:type="character" w:styleId="Secret"><w:name w:val="Secret"/><w:rPr><w:vanish/></w:rPr></w:style>'


def w_run(text: str, props: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


def w_cell(*runs: str, props: str = "") -> str:
    return f"<w:tc>{props}<w:p>{''.join(runs)}</w:p></w:tc>"


def w_row(*cells: str, props: str = "") -> str:
    return f"<w:tr>{props}{''.join(c if c.startswith('<w:tc') else w_cell(w_run(c)) for c in cells)}</w:tr>"


def w_para(text: str) -> str:
    return f"<w:p>{w_run(text)}</w:p>"


def w_table(*rows: str) -> str:
    return f"<w:tbl>{w_row('序号', '重要工作', '牵头单位', '时间进度')}{''.join(rows)}</w:tbl>"


def make_docx(path: Path, body: str, styles: str = "") -> Path:
    """A Word package made by python-docx, its document part replaced by ``body``."""
    template = io.BytesIO()
    docx.Document().save(template)
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_NAMESPACES}><w:body>{body}<w:sectPr/></w:body></w:document>'
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = xml.encode("utf-8")
            elif info.filename == "word/styles.xml":
                data = data.replace(b"</w:styles>", styles.encode("utf-8") + b"</w:styles>")
            target.writestr(info, data)
    return path


_FIELD = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> = 1+1 </w:instrText></w:r>'
          '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2项</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
_TEXT_BOX = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>框里的字</w:t>'
             '</w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r>'
             '<w:t>框里的字</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
_DELETED_ROW = "<w:trPr><w:del w:id='1' w:author='张三' w:date='2024-01-01T00:00:00Z'/></w:trPr>"


def test_docx_reads_what_word_shows_and_names_what_it_leaves_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_docx(tmp_path / "附件.docx", w_para("附件") + w_para("工作安排") + w_table(
        w_row("1", w_cell(w_run("开展调研"), w_run("内部意见：此项暂缓，勿外传", "<w:vanish/>")), "科技司", "全年"),
        w_row("2", w_cell(w_run("编制方案"), w_run("（仅内部）", '<w:rStyle w:val="Secret"/>')), "财务司", "6月"),
        w_row("3", "已删除的任务", "办公室", "3月", props=_DELETED_ROW),
        w_row("4", w_cell(w_run("修订"), '<w:del w:id="2" w:author="张三"><w:r><w:delText>删掉的字</w:delText></w:r></w:del>',
                          '<w:ins w:id="3" w:author="张三"><w:r><w:t>新加的字</w:t></w:r></w:ins>'), "办公室", "全年"),
        w_row("5", w_cell(w_run("完成"), _FIELD, '<w:r><w:commentReference w:id="0"/></w:r>'), "办公室", "全年"),
        w_row("6", '<w:tc><w:p><w:r><w:t>任务六</w:t></w:r></w:p><w:altChunk r:id="rId99"/></w:tc>', "办公室", "全年"),
        w_row("7", w_cell(w_run("任务七"), _TEXT_BOX), "办公室", "全年"),
    ), styles=SECRET_STYLE)
    assert main(["import", str(path)]) == 0
    out, err = capsys.readouterr()
    tasks = {item["seq"]: item["task"] for item in yaml.safe_load(out)["items"]}
    assert tasks == {1: "开展调研", 2: "编制方案", 4: "修订新加的字", 5: "完成2项", 6: "任务六", 7: "任务七"}
    assert err.splitlines()[:5] == [
        f"警告: {path}: 文档含有未接受的修订，已按“接受所有修订”后的内容导入：删除的文字不导入，插入的文字导入（其中删除的 1 行未导入）",
        f"警告: {path}: 文档中有设为“隐藏”的文字，未导入：表1第 2 行“内部意见：此项暂缓，勿外传”、表1第 3 行“（仅内部）”",
        f"警告: {path}: 文本框中的文字未导入：表1第 8 行“框里的字”",
        f"警告: {path}: 嵌入的文档（altChunk）未导入：表1第 7 行；请在 Word 中打开后另存，再导入",
        f"警告: {path}: 批注未导入：表1第 6 行",
    ]


def test_hidden_style_switched_off_by_direct_formatting_is_read(tmp_path: Path) -> None:
    from workplan_docs.readers import read_data

    path = make_docx(tmp_path / "a.docx", w_table(
        w_row("1", w_cell(w_run("看得见", '<w:rStyle w:val="Secret"/><w:vanish w:val="0"/>')), "科技司", "全年")), SECRET_STYLE)
    assert read_data(path)["items"][0]["task"] == "看得见"


def test_a_deleted_paragraph_mark_joins_the_lines_as_accepting_it_does(tmp_path: Path) -> None:
    from workplan_docs.readers import read_data

    deleted_mark = '<w:pPr><w:rPr><w:del w:id="5" w:author="张三"/></w:rPr></w:pPr>'
    cell = f"<w:tc><w:p>{deleted_mark}{w_run('开展')}</w:p><w:p>{w_run('调研')}</w:p><w:p>{w_run('形成报告')}</w:p></w:tc>"
    path = make_docx(tmp_path / "a.docx", w_table(w_row("1", cell, "科技司", "全年")))
    assert read_data(path)["items"][0]["task"] == "开展调研\n形成报告"


def test_hidden_sheet_holding_a_table_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = x_row(1, "序号", "重要工作", "牵头单位") + x_row(2, "1", "开展调研", "科技司")
    old = x_row(1, "序号", "重要工作", "牵头单位") + x_row(2, "1", "作废的任务", "财务司")
    path = make_xlsx(tmp_path / "two.xlsx", [("任务", rows), ("旧表", old)], hidden=("旧表",))
    items, warnings = _import(path, capsys)
    assert [i["task"] for i in items] == ["开展调研"]
    assert warnings == [f"警告: {path}: 工作表“旧表”是隐藏的，其中的表格未导入"]


def _docx_huge_span(tmp: Path) -> Path:
    return make_docx(tmp / "span.docx", w_table(w_row("1", w_cell(w_run("任务"), props='<w:tcPr><w:gridSpan w:val="50000000"/></w:tcPr>'))))


def _docx_huge_grid_before(tmp: Path) -> Path:
    return make_docx(tmp / "before.docx", w_table(w_row("1", "任务", props='<w:trPr><w:gridBefore w:val="99999999999999999999"/></w:trPr>')))


def _docx_three_million_paragraphs(tmp: Path) -> Path:
    return make_docx(tmp / "many.docx", "<w:p/>" * 3_000_000 + w_table(w_row("1", "任务", "科技司", "全年")))


def _docx_cell_of_twenty_megabytes(tmp: Path) -> Path:
    return make_docx(tmp / "long.docx", w_table(w_row("1", w_cell(*[w_run("长" * 1_000_000)] * 20), "科技司", "全年")))


DOCUMENTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "w:gridSpan=50000000": (_docx_huge_span, "{path}: 表1第 2 行有 50000001 列，超过上限 200 列（Word 表格最多 63 列）：文件已损坏或不是 Word 保存的"),
    "w:gridBefore of 20 digits": (
        _docx_huge_grid_before, "{path}: 表1第 2 行有 1000000000000 列，超过上限 200 列（Word 表格最多 63 列）：文件已损坏或不是 Word 保存的"),
    "3 million empty paragraphs": (
        _docx_three_million_paragraphs,
        "{path}: 文档的 XML 内容过多（读到“word/document.xml”时已超过 500000 个元素），不像工作安排文档，拒绝读取"),
    "a cell of 20 million characters": (
        _docx_cell_of_twenty_megabytes, "{path}: 表1第 2 行第 2 列的文字有 20000000 个字符，超过单元格上限 32767 个字符"),
}


@pytest.mark.parametrize("case", list(DOCUMENTS))
def test_hostile_document(case: str, tmp_path: Path) -> None:
    make, line = DOCUMENTS[case]
    assert_one_line(make(tmp_path), line)


# --- Excel ---------------------------------------------------------------------------------

_S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER_CELLS = '<c t="inlineStr"><is><t>序号</t></is></c><c t="inlineStr"><is><t>重要工作</t></is></c><c t="inlineStr"><is><t>牵头单位</t></is></c>'


def x_row(number: int, *cells: str, attributes: str = "") -> str:
    """A row of cells; a plain string is an inline string, text starting with "<c" is a cell as written."""
    written = "".join(c if c.startswith("<c") else f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells)
    return f'<row r="{number}"{attributes}>{written}</row>'


def make_xlsx(path: Path, sheets: list[tuple[str, str]], *, hidden: tuple[str, ...] = (), strings: list[str] | None = None,
              formats: str = "", styles: str = "", merges: dict[str, str] | None = None, before_data: dict[str, str] | None = None) -> Path:
    """A workbook written part by part, as a script or another program might: ``sheets`` are
    (name, rows XML); ``formats`` numFmt elements and ``styles`` xf elements of cellXfs."""
    merges, before_data = merges or {}, before_data or {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        types = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                        for n in range(1, len(sheets) + 1))
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                         '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                         f"{types}</Types>")
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
                         'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        states = {name: ' state="hidden"' for name in hidden}
        entries = "".join(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"{states.get(name, "")}/>'
                          for n, (name, _) in enumerate(sheets, 1))
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{_S_NS}" xmlns:r="{_R_NS}"><sheets>{entries}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{n}" Type="{_R_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in range(1, len(sheets) + 1))
        rels += f'<Relationship Id="rIdS" Type="{_R_NS}/styles" Target="styles.xml"/>'
        rels += f'<Relationship Id="rIdT" Type="{_R_NS}/sharedStrings" Target="sharedStrings.xml"/>' if strings is not None else ""
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{_PACKAGE_RELS}">{rels}</Relationships>')
        archive.writestr("xl/styles.xml", f'<styleSheet xmlns="{_S_NS}"><numFmts>{formats}</numFmts>'
                         f'<cellXfs><xf numFmtId="0"/>{styles}</cellXfs></styleSheet>')
        if strings is not None:
            items = "".join(f"<si><t>{s}</t></si>" for s in strings)
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{_S_NS}">{items}</sst>')
        for n, (name, rows) in enumerate(sheets, 1):
            merged = f"<mergeCells>{merges[name]}</mergeCells>" if name in merges else ""
            archive.writestr(f"xl/worksheets/sheet{n}.xml",
                             f'<worksheet xmlns="{_S_NS}">{before_data.get(name, "")}<sheetData>{rows}</sheetData>{merged}</worksheet>')
    return path


def _import(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[list[dict[str, object]], list[str]]:
    assert main(["import", str(path)]) == 0
    out, err = capsys.readouterr()
    return yaml.safe_load(out)["items"], [line for line in err.splitlines() if "隐藏" in line or "公式" in line]


def test_xlsx_hidden_rows_and_columns_are_not_imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = (x_row(1, "序号", "重要工作", "内部备注", "牵头单位")
            + x_row(2, "1", "开展调研", "领导说缓一缓", "科技司")
            + x_row(3, "2", "作废的任务", "", "财务司", attributes=' hidden="1"')
            + x_row(4, "3", "编制方案", "", "财务司"))
    path = make_xlsx(tmp_path / "hidden.xlsx", [("任务", rows)], before_data={"任务": '<cols><col min="3" max="3" hidden="1"/></cols>'})
    items, warnings = _import(path, capsys)
    assert [(i["seq"], i["task"], i.get("extra")) for i in items] == [(1, "开展调研", None), (3, "编制方案", None)]
    assert warnings == [f"警告: {path}: 工作表“任务”第 3 行为隐藏行，未导入", f"警告: {path}: 工作表“任务”第 C 列为隐藏列，未导入"]


def test_xlsx_formulas_take_their_saved_values_and_formats_show_as_in_excel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = (x_row(1, "序号", "重要工作", "牵头单位", "时间进度", "完成率", "编号")
            + x_row(2, "<c><v>1</v></c>", '<c t="str"><f>"按方案"&amp;"组织实施"</f><v>按方案组织实施</v></c>', "科技司",
                    '<c s="1"><v>6</v></c>', '<c s="2"><v>0.25</v></c>', '<c s="3"><v>7</v></c>')
            + x_row(3, "<c><v>2</v></c>", "编制方案", "财务司", '<c s="4"><v>45473</v></c>', '<c s="5"><v>1234.5</v></c>',
                    '<c s="3"><v>8</v></c>'))
    path = make_xlsx(tmp_path / "formats.xlsx", [("Sheet1", rows)],
                     formats='<numFmt numFmtId="164" formatCode="0&quot;月&quot;"/><numFmt numFmtId="165" formatCode="000"/>'
                             '<numFmt numFmtId="166" formatCode="yyyy/m/d"/>',
                     styles='<xf numFmtId="164"/><xf numFmtId="9"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="4"/>')
    items, warnings = _import(path, capsys)
    assert [(i["seq"], i["task"], i["schedule"], i["extra"]) for i in items] == [
        (1, "按方案组织实施", "6月", {"完成率": "25%", "编号": "007"}),
        (2, "编制方案", "2024年6月30日", {"完成率": "1,234.50", "编号": "008"})]
    assert warnings == [f"警告: {path}: 工作表“Sheet1”中 1 个单元格是公式（B2），已按文件中保存的计算结果导入"]


def _xlsx_formula_without_value(tmp: Path) -> Path:
    rows = x_row(1, "序号", "重要工作", "牵头单位") + x_row(2, "1", '<c r="B2"><f>"按方案"&amp;"组织实施"</f><v></v></c>', "科技司")
    return make_xlsx(tmp / "formula.xlsx", [("Sheet1", rows)])


def _xlsx_error_value(tmp: Path) -> Path:
    rows = x_row(1, "序号", "重要工作", "牵头单位") + x_row(2, "1", '<c r="B2" t="e"><f>Sheet9!A1</f><v>#REF!</v></c>', "科技司")
    return make_xlsx(tmp / "error.xlsx", [("Sheet1", rows)])


def _xlsx_only_sheet_hidden(tmp: Path) -> Path:
    rows = x_row(1, "序号", "重要工作", "牵头单位") + x_row(2, "1", "开展调研", "科技司")
    return make_xlsx(tmp / "hidden.xlsx", [("任务", rows)], hidden=("任务",))


def _xlsx_merge_in_single_quotes(tmp: Path) -> Path:
    rows = x_row(1, "序号", "重要工作", "牵头单位") + x_row(2, "1", "开展调研", "科技司")
    return make_xlsx(tmp / "merge.xlsx", [("Sheet1", rows)], merges={"Sheet1": "<mergeCell ref='A3:XFD1048576'/>" * 20})


def _xlsx_overlapping_merges(tmp: Path) -> Path:
    rows = "".join(x_row(r, *(["序号", "重要工作", "牵头单位"] if r == 1 else [str(r), "任务", "科技司"])) for r in range(1, 2001))
    return make_xlsx(tmp / "merge.xlsx", [("Sheet1", rows)], merges={"Sheet1": '<mergeCell ref="A2:C2000"/>' * 200})


def _xlsx_three_sheets_of_many_cells(tmp: Path) -> Path:
    row = "<c><v>1</v></c>" * 10
    rows = "".join(f'<row r="{r}">{row}</row>' for r in range(1, 4_001))
    return make_xlsx(tmp / "cells.xlsx", [(f"S{n}", rows) for n in range(1, 4)])


def _xlsx_far_cell(tmp: Path) -> Path:
    rows = x_row(1, "序号", "重要工作", "牵头单位") + x_row(2, "1", "开展调研", "科技司") + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return make_xlsx(tmp / "far.xlsx", [("Sheet1", rows)])


def _xlsx_long_shared_string(tmp: Path) -> Path:
    rows = x_row(1, "序号", "重要工作", "牵头单位") + "".join(
        f'<row r="{r}"><c><v>{r}</v></c><c t="s"><v>0</v></c><c t="inlineStr"><is><t>科技司</t></is></c></row>' for r in range(2, 102))
    return make_xlsx(tmp / "shared.xlsx", [("Sheet1", rows)], strings=["长" * 1_000_000])


def _xlsx_twenty_megabyte_shared_string(tmp: Path) -> Path:
    rows = x_row(1, "序号", "重要工作", "牵头单位") + "".join(f'<row r="{r}"><c><v>{r}</v></c><c t="s"><v>0</v></c></row>' for r in range(2, 102))
    return make_xlsx(tmp / "shared.xlsx", [("Sheet1", rows)], strings=["长" * 20_000_000])


def _xlsx_many_merges(tmp: Path) -> Path:
    rows = x_row(1, "序号", "重要工作", "牵头单位") + x_row(2, "1", "开展调研", "科技司")
    merges = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(10, 60_010))
    return make_xlsx(tmp / "merges.xlsx", [("Sheet1", rows)], merges={"Sheet1": merges})


SPREADSHEETS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "formula without a saved value": (
        _xlsx_formula_without_value,
        '{path}: 工作表“Sheet1”单元格 B2 是公式（="按方案"&"组织实施"），文件中没有保存计算结果：请用 Excel 或 WPS 打开并保存后再导入'),
    "formula showing #REF!": (_xlsx_error_value, "{path}: 工作表“Sheet1”单元格 B2 显示错误值 #REF!：请在 Excel 中改正后再导入"),
    "the only sheet is hidden": (
        _xlsx_only_sheet_hidden,
        "{path}: 表格只在隐藏的工作表“任务”中，隐藏的工作表不导入：请在 Excel 中取消隐藏（右击工作表标签 → 取消隐藏）后再导入"),
    "3 sheets of many cells": (_xlsx_three_sheets_of_many_cells, "{path}: 工作簿的单元格超过 100000 个，不像工作安排表：请删除表格以外的内容后再导入"),
    "a cell at XFD1048576": (
        _xlsx_far_cell, "{path}: 工作表“Sheet1”的使用范围过大（1048576 行 × 16384 列），请删除表格以外的内容后再导入"),
    "a 1-million-character shared string used by 100 cells": (
        _xlsx_long_shared_string,
        "{path}: 共享字符串表中第 1 个字符串有 1000000 个字符，超过 Excel 单元格上限 32767 个字符：文件不是 Excel 保存的，或已损坏"),
    "a 20 MB shared string used by 100 cells": (
        _xlsx_twenty_megabyte_shared_string,
        "{path}: 单元格文字超过 1000 万个字节（Excel 单元格上限 32767 个字符）：文件不是 Excel 保存的，或已损坏"),
    "60,000 merged ranges": (_xlsx_many_merges, "{path}: 工作表“Sheet1”的合并单元格超过 50000 处，不像工作安排表，拒绝读取"),
    "200 merges over the same 6,000 cells": (_xlsx_overlapping_merges, "{path}: 工作表“Sheet1”中合并的单元格范围过大或相互重叠，拒绝读取"),
}


@pytest.mark.parametrize("case", list(SPREADSHEETS))
def test_hostile_spreadsheet(case: str, tmp_path: Path) -> None:
    make, line = SPREADSHEETS[case]
    assert_one_line(make(tmp_path), line)


def test_a_merge_written_in_single_quotes_is_read_as_excel_reads_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """20 copies of a merge reaching XFD1048576: clipped to the used range, read at once."""
    path = _xlsx_merge_in_single_quotes(tmp_path)
    result = run_bounded("validate", str(path))
    assert result.returncode == 0 and "有效，1 项工作" in result.stdout
