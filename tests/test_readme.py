"""The README's Python example runs as printed and prints what its comments say."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .conftest import ROOT


def test_python_example_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## Python\n\n```python\n(.*?)```", readme, re.S)
    assert code, "README has a Python example"
    source = code.group(1).replace('"samples/', f'"{ROOT}/samples/')
    monkeypatch.chdir(tmp_path)
    exec(compile(source, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    expected = [m.strip() for m in re.findall(r"print\(.*?\)\s+# (.*)", source)]
    assert printed == expected
    assert sorted(os.listdir(tmp_path / "out")) == ["附件.docx", "附件.pdf"]
