"""The command line as a user runs it: exit codes, one-line errors, machine-readable views."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

from workplan_docs.cli import _parser, main
from workplan_docs.readers import load

from .conftest import SAMPLE_PLAN, SEED_TEXT


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_summarises(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", SAMPLE_PLAN)
    assert code == 0
    assert out.strip() == f"{SAMPLE_PLAN}: 有效，20 项工作，31 个单位（其中泛指 5 个），未排期 0 项"
    assert err == ""


def test_validate_lists_unregistered_units_and_unparsed_schedules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "title: t\nitems:\n  - seq: 1\n    task: x\n    lead: [新设司, 科技司]\n    schedule: 下周\n"
        "units:\n  - name: 科技司\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "validate", plan)
    assert code == 0
    assert f"警告: {plan}: 序号 1: schedule: 无法识别的时间进度“下周”" in err
    assert f"警告: {plan}: 1 个单位未在 units 中登记（可补充全称、别名和类别）：新设司" in err
    code, _, err = run(capsys, "validate", plan, "--strict")
    assert code == 2 and "序号 1: schedule" in err and "警告" not in err


def test_show_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", SAMPLE_PLAN, "--json")
    view = json.loads(out)
    assert code == 0 and view["title"].startswith("总局") and view["year"] is None
    item16 = view["items"][15]
    assert item16["seq"] == 16
    assert item16["schedule"] == {**item16["schedule"], "text": "7月\n完成", "months": [1, 2, 3, 4, 5, 6, 7], "due": 7}
    assert view["items"][11]["lead"] == ["科技司", "执法司"]
    assert view["items"][11]["roles"]["中国质检协会"] == "承办竞赛组织工作"


def test_units_json(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "units", SAMPLE_PLAN, "--json")
    units = {u["unit"]: u for u in json.loads(out)}
    assert units["科技司"]["lead"] == [5, 6, 7, 9, 10, 12, 13, 16, 19, 20]
    assert units["科技司"]["participate"] == [1, 11]
    assert units["计财司"]["lead"] == [] and units["计财司"]["participate"] == [19, 20]
    assert units["认监委"]["full_name"] == "国家认证认可监督管理委员会"
    assert units["相关司局"]["kind"] == "泛指"


def test_units_table(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "units", SAMPLE_PLAN)
    line = next(l for l in out.splitlines() if l.startswith("科技司"))
    assert line.split()[1:3] == ["10", "2"]


def test_quarters_json(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "quarters", SAMPLE_PLAN, "--json")
    view = json.loads(out)
    q = {entry["quarter"]: entry for entry in view["quarters"]}
    whole_year = [2, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 17, 18, 19, 20]
    assert q[4]["active"] == whole_year and q[4]["due"] == []
    assert q[3]["due"] == [16] and 16 in q[3]["active"]
    assert 1 in q[2]["active"] and 1 not in q[1]["active"] + q[3]["active"]
    assert view["unscheduled"] == []


def test_import_seed_text_to_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "plan.yaml"
    code, _, err = run(capsys, "import", SEED_TEXT, "-o", target)
    assert code == 0 and "20 项工作" in err
    fields = ("seq", "task", "goal", "measures", "lead", "participants", "schedule", "lead_display",
              "participants_display", "extra")
    assert [[getattr(i, f) for f in fields] for i in load(target).items] == [
        [getattr(i, f) for f in fields] for i in load(SAMPLE_PLAN).items]
    assert not list(tmp_path.glob(".*tmp"))


def test_schema_describes_plan_fields(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert {"title", "items", "units", "year", "attachment"} <= set(schema["properties"])
    assert "lead" in schema["$defs"]["Item"]["properties"]


def test_bad_plan_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("title: t\nitems:\n  - seq: 7\n    task: x\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "workplan_docs.cli", "build", str(plan), "-o", str(tmp_path / "out")],
        capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"{plan}: 序号 7: lead: 至少须写明一个牵头单位"
    assert not (tmp_path / "out").exists()


def test_help_is_chinese_and_lists_commands() -> None:
    result = subprocess.run([sys.executable, "-m", "workplan_docs.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for word in ("validate", "build", "import", "units", "quarters", "schema", "生成"):
        assert word in result.stdout


def columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.mark.parametrize("command", ["", "build", "feedback", "collect", "import", "validate"])
def test_help_fits_80_columns_with_its_help_column_aligned(command: str) -> None:
    result = subprocess.run([sys.executable, "-m", "workplan_docs.cli", *command.split(), "--help"],
                            capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"})
    lines = result.stdout.splitlines()
    body = lines[next(i for i, line in enumerate(lines) if not line.strip()):]  # after the usage lines
    assert max(columns(line) for line in body) <= 80
    options = [line for line in body if line.startswith("  -") or line.startswith("  计划")]
    starts = {columns(line[:len(line) - len(line[2:].split("  ", 1)[1].lstrip())])
              for line in options if "  " in line[2:].strip()}
    assert len(starts) == 1, starts  # every option's help starts in the same column
    assert "  命令\n" not in result.stdout


def test_unknown_report_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "build", SAMPLE_PLAN, "-o", tmp_path / "out", "--reports", "nonsense")
    assert code == 2 and "未知的报告：nonsense" in err
    assert not (tmp_path / "out").exists()


def test_usage_errors_are_chinese_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["build", "plan.yaml"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：workplan-docs build")
    assert "错误：缺少必需的参数：-o/--output（用 -h 查看帮助）" in err


def test_python_dash_m_runs_the_command(tmp_path: Path) -> None:
    """``python -m workplan_docs``, for a Python whose scripts folder is not on PATH."""
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "workplan_docs", *args], capture_output=True, text=True)

    good = run("validate", str(SAMPLE_PLAN))
    assert good.returncode == 0 and "20 项工作" in good.stdout, good.stderr
    bad = run("validate", str(tmp_path / "无.yaml"))
    assert bad.returncode != 0 and "无.yaml" in bad.stderr and "Traceback" not in bad.stderr


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    return set(next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices)


def test_a_command_line_builds_the_parser_of_its_command_alone() -> None:
    """The other commands' parsers serve only the help, and the list of known commands."""
    every = _commands(_parser([]))
    assert {"build", "fonts", "serve", "validate"} <= every
    assert _commands(_parser(["build", "plan.yaml", "-o", "out"])) == {"build"}
    assert _commands(_parser(["--help"])) == _commands(_parser(["bogus"])) == every
