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
