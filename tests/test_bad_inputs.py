"""Bad input, as users make it: every case gives exit 2, one exact line per problem naming
file, item and field, no traceback, and no file at all in the output folder.

Committed cases live in tests/bad_inputs/ with their expected lines in expected.yaml; the
large ones (20 MB file, 1 MB field, 32,768-character cell, deep nesting) are generated here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from workplan_docs.cli import main

BAD = Path(__file__).parent / "bad_inputs"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((BAD / "expected.yaml").read_text(encoding="utf-8"))
ITEM = {"seq": 1, "task": "开展调研", "lead": ["科技司"], "schedule": "全年"}


def assert_refused(path: Path, lines: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> None:
    """``validate`` and ``build`` both print exactly ``lines`` and exit 2, and build writes nothing."""
    expected = [line.replace("{path}", str(path)) for line in lines]
    out_dir = tmp_path / "out"
    for command in (["validate", str(path), *args], ["build", str(path), "-o", str(out_dir), *args]):
        code = main(command)
        out, err = capsys.readouterr()
        assert (code, err.splitlines()) == (2, expected), command[0]
        assert "Traceback" not in out + err
        assert not out_dir.exists() or not any(out_dir.rglob("*")), command[0]


def test_corpus_is_complete() -> None:
    files = {p.name for p in BAD.iterdir() if p.name != "expected.yaml"}
    assert files == set(EXPECTED)
    assert len(files) + len(GENERATED) >= 30


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_committed_case(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = EXPECTED[case]
    assert_refused(BAD / case, spec["lines"], tmp_path, capsys, *spec.get("args", []))


def _plan(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _with_item(tmp_path: Path, **fields: Any) -> Path:
    data = {"title": "测试计划", "items": [{**ITEM, **fields}]}
    return _plan(tmp_path, "plan.json", json.dumps(data, ensure_ascii=False))


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "没有这个文件.yaml"


def _directory(tmp_path: Path) -> Path:
    (tmp_path / "plan.yaml").mkdir()
    return tmp_path / "plan.yaml"


def _twenty_megabytes(tmp_path: Path) -> Path:
    return _plan(tmp_path, "plan.yaml", "title: 测试计划\n# " + "x" * (20 * 1024 * 1024) + "\n")


def _one_megabyte_field(tmp_path: Path) -> Path:
    text = "title: 测试计划\nitems:\n  - seq: 1\n    task: 开展调研\n    lead: [科技司]\n    goal: " + "计" * 2**20 + "\n"
    return _plan(tmp_path, "plan.yaml", text)


def _cell_over_excel_limit(tmp_path: Path) -> Path:
    return _with_item(tmp_path, measures="措" * 32_768)


def _joined_units_over_excel_limit(tmp_path: Path) -> Path:
    return _with_item(tmp_path, participants=[f"第{i:04d}检测中心" for i in range(3300)])


def _deep_nesting(tmp_path: Path) -> Path:
    return _plan(tmp_path, "plan.json", '{"title": "t", "items": ' + "[" * 50_000 + "]" * 50_000 + "}")


def _unsupported_suffix(tmp_path: Path) -> Path:
    return _plan(tmp_path, "plan.csv", "序号,重要工作\n1,开展调研\n")


GENERATED: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing": (_missing, "{path}: 文件不存在"),
    "directory": (_directory, "{path}: 这是一个文件夹，不是计划文件"),
    "20 MB file": (_twenty_megabytes, "{path}: 文件过大（20.0 MB，上限 16 MB）"),
    "1 MB field": (_one_megabyte_field, "{path}: 序号 1: goal: 长度 1048576 超过单元格上限 32767 个字符"),
    "32,768 characters": (_cell_over_excel_limit, "{path}: 序号 1: measures: 长度 32768 超过单元格上限 32767 个字符"),
    "joined units": (_joined_units_over_excel_limit,
                     "{path}: 序号 1: participants: 单位名称合计 32999 个字符，超过单元格上限 32767 个字符"),
    "deep nesting": (_deep_nesting, "{path}: 嵌套层次过深，不是计划文件的结构"),
    "unsupported suffix": (_unsupported_suffix,
                           "{path}: 不支持的文件类型“.csv”，可读取：.yaml、.yml、.json、.toml、.txt、.docx、.xlsx、.xls"),
}


@pytest.mark.parametrize("case", sorted(GENERATED))
def test_generated_case(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make, line = GENERATED[case]
    assert_refused(make(tmp_path), [line], tmp_path, capsys)


def test_a_cell_of_exactly_the_excel_limit_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(_with_item(tmp_path, measures="措" * 32_767))]) == 0


# Every text a plan holds, as (where it goes in the data, the location a problem names).
FIELDS: list[tuple[Callable[[str], dict[str, Any]], str]] = [
    (lambda t: {"title": t}, "title"),
    (lambda t: {"attachment": t}, "attachment"),
    (lambda t: {"issuer": t}, "issuer"),
    (lambda t: {"columns": {"task": t}}, "columns.task"),
    (lambda t: {"items": [{**ITEM, "seq": t}]}, "第 1 条: seq"),
    (lambda t: {"items": [{**ITEM, "task": t}]}, "序号 1: task"),
    (lambda t: {"items": [{**ITEM, "goal": t}]}, "序号 1: goal"),
    (lambda t: {"items": [{**ITEM, "measures": t}]}, "序号 1: measures"),
    (lambda t: {"items": [{**ITEM, "schedule": t}]}, "序号 1: schedule"),
    (lambda t: {"items": [{**ITEM, "lead": ["科技司", t]}]}, "序号 1: lead.1"),
    (lambda t: {"items": [{**ITEM, "participants": [t]}]}, "序号 1: participants.0"),
    (lambda t: {"items": [{**ITEM, "lead_text": t}]}, "序号 1: lead_text"),
    (lambda t: {"items": [{**ITEM, "participants_text": t}]}, "序号 1: participants_text"),
    (lambda t: {"items": [{**ITEM, "extra": {"备注": t}}]}, "序号 1: extra.备注"),
    (lambda t: {"items": [{**ITEM, "source": t}]}, "序号 1: source"),
    (lambda t: {"units": [{"name": t}]}, "第 1 个单位: name"),
    (lambda t: {"units": [{"name": "科技司", "full_name": t}]}, "单位 科技司: full_name"),
    (lambda t: {"units": [{"name": "科技司", "aliases": ["科技", t]}]}, "单位 科技司: aliases.1"),
    (lambda t: {"units": [{"name": "科技司", "kind": t}]}, "单位 科技司: kind"),
]
CONTROLS = [0x00, 0x01, 0x08, 0x0B, 0x0C, 0x0E, 0x1F]


@pytest.mark.parametrize(("place", "where"), FIELDS, ids=[where for _, where in FIELDS])
def test_control_characters_are_refused_in_every_field(place: Callable[[str], dict[str, Any]], where: str,
                                                       tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.json"
    for code in CONTROLS:
        data = {"title": "测试计划", "items": [ITEM], **place(f"文字{chr(code)}")}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        assert main(["validate", str(path)]) == 2
        assert capsys.readouterr().err.splitlines() == [f"{path}: {where}: 含有控制字符 U+{code:04X}（第 3 个字符），请删除"]


def test_control_character_in_an_extra_heading_names_the_heading(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _with_item(tmp_path, extra={"备\x1f注": "无"})
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err.strip() == f"{path}: 序号 1: extra.备\\x1f注（键）: 含有控制字符 U+001F（第 2 个字符），请删除"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig"])
def test_files_saved_by_chinese_office_editors_are_read(encoding: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes("title: 测试计划\nitems:\n  - seq: 1\n    task: 开展调研\n    lead: [科技司]\n".encode(encoding))
    assert main(["validate", str(path)]) == 0
    assert "有效，1 项工作" in capsys.readouterr().out


@pytest.mark.parametrize("case", ["control_vertical_tab_raw.yaml", "yaml_python_tag.yaml"])
def test_no_traceback_reaches_a_user(case: str, tmp_path: Path) -> None:
    path = BAD / case
    result = subprocess.run(
        [sys.executable, "-m", "workplan_docs.cli", "build", str(path), "-o", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120,
    )
    expected = [line.replace("{path}", str(path)) for line in EXPECTED[case]["lines"]]
    assert (result.returncode, result.stderr.splitlines()) == (2, expected)
    assert not (tmp_path / "out").exists()


def test_deep_nesting_gives_one_line_in_a_real_process(tmp_path: Path) -> None:
    path = _deep_nesting(tmp_path)
    result = subprocess.run([sys.executable, "-m", "workplan_docs.cli", "validate", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr.strip()) == (2, f"{path}: 嵌套层次过深，不是计划文件的结构")
