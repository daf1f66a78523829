"""Hostile files for the readers: each answered with its one exact line and exit 2, in a
real process held to 300 MB of address space and 5 s of CPU time.

Every case is generated here (the large ones would bloat the repository).  A limit that
is hit kills the process (MemoryError, SIGXCPU), which fails the exact-line check.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

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
