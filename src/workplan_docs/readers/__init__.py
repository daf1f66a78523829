"""Readers: every kind of input a user has, turned into plan-file data and validated.

Plan files (YAML/JSON/TOML) carry the data as it is; documents (flattened text, DOCX,
XLSX, XLS; a document without a table as labelled paragraphs) are read into the same data,
so one validation serves them all.  Older
formats that need converting first (.doc, .wps, .et) are refused with a message saying how.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..collector import collector_paused
from ..errors import PlanError, Problem
from ..model import Plan

if TYPE_CHECKING:
    from .table import ImportOptions, UnmappedTable

PLAN_SUFFIXES = (".yaml", ".yml", ".json", ".toml")
DOCUMENT_SUFFIXES = (".txt", ".docx", ".xlsx", ".xls")
_CONVERT = {".doc": ("Word", "docx"), ".wps": ("WPS 文字", "docx"), ".et": ("WPS 表格", "xlsx")}

__all__ = ["ImportOptions", "UnmappedTable", "load", "read_data"]


def __getattr__(name: str) -> Any:
    """``ImportOptions`` and ``UnmappedTable`` from the table reader, imported when asked
    for: a build from a plan file never reads a table (its import was 4 ms of a build)."""
    if name in ("ImportOptions", "UnmappedTable"):
        from . import table

        return getattr(table, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _legacy(suffix: str, source: str) -> PlanError:
    """A file to be saved in the current format first; LibreOffice converts it when installed."""
    program, target = _CONVERT[suffix]
    message = f"这是旧格式的{program}文件（{suffix}），请用 Word、WPS 或 Excel 打开后“另存为”.{target} 再导入"
    if shutil.which("soffice") or shutil.which("libreoffice"):
        message += f"；本机已安装 LibreOffice，也可运行：soffice --headless --convert-to {target} “{Path(source).name}”"
    return PlanError(Problem(message, source))


def read_data(path: str | Path, options: ImportOptions | None = None) -> dict[str, Any]:
    """The plan-file data of any supported input, not yet validated.  ``options`` (what
    ``import`` is told) apply to documents; what a reader doubts is issued as a ReadWarning."""
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

        return read_text_file(path, options)
    if suffix == ".docx":
        from .docx import read_docx

        return read_docx(path, options)
    if suffix == ".xlsx":
        from .xlsx import read_xlsx

        return read_xlsx(path, options)
    if suffix == ".xls":
        from .xls import read_xls

        return read_xls(path, options)
    if suffix in _CONVERT:
        raise _legacy(suffix, source)
    supported = "、".join(PLAN_SUFFIXES + DOCUMENT_SUFFIXES)
    raise PlanError(Problem(f"不支持的文件类型“{suffix or '无扩展名'}”，可读取：{supported}", source))


def load(path: str | Path, options: ImportOptions | None = None) -> Plan:
    """Read and validate a plan from a plan file or a document; ``options`` are the
    ``import`` options for a document (column mapping, lead, title …)."""
    from .plan_file import plan_from_data

    with collector_paused(keep=True):
        return plan_from_data(read_data(path, options), str(path))

