"""Readers: every kind of input a user has, turned into plan-file data and validated.

Plan files (YAML/JSON/TOML) carry the data as it is; documents (flattened text,
DOCX, XLSX) are read into the same data, so one validation serves them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import PlanError, Problem
from ..model import Plan

PLAN_SUFFIXES = (".yaml", ".yml", ".json", ".toml")
DOCUMENT_SUFFIXES = (".txt", ".docx", ".xlsx")


def read_data(path: str | Path) -> dict[str, Any]:
    """The plan-file data of any supported input, not yet validated."""
    path = Path(path)
    source = str(path)
    if not path.exists():
        raise PlanError(Problem("文件不存在", source))
    if not path.is_file():
        raise PlanError(Problem("这是一个文件夹，不是计划文件", source))
    suffix = path.suffix.lower()
    if suffix in PLAN_SUFFIXES:
        from .plan_file import read_plan_data

        return read_plan_data(path)
    if suffix == ".txt":
        from .text import read_text_file

        return read_text_file(path)
    if suffix == ".docx":
        from .docx import read_docx

        return read_docx(path)
    if suffix == ".xlsx":
        from .xlsx import read_xlsx

        return read_xlsx(path)
    supported = "、".join(PLAN_SUFFIXES + DOCUMENT_SUFFIXES)
    raise PlanError(Problem(f"不支持的文件类型“{suffix or '无扩展名'}”，可读取：{supported}", source))


def load(path: str | Path) -> Plan:
    """Read and validate a plan from a plan file or a document."""
    from .plan_file import plan_from_data

    return plan_from_data(read_data(path), str(path))
