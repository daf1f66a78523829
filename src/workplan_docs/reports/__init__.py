"""Reports: pure functions from a ``Plan`` to neutral documents, one module per report.

A report returns ``Output``s: each a document and the path (relative to the output
folder, without extension) it is written to in every requested format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from ..layout import Document
from ..model import Plan


@dataclass(frozen=True)
class Output:
    """A document and where it goes: ``path`` is relative, "/"-separated, without extension."""

    path: str
    document: Document
    formats: tuple[str, ...] | None = None  # the formats it is made in; None: every format asked for


# report name → (module, function, default output naming described in the README)
REPORTS: dict[str, tuple[str, str]] = {
    "attachment": ("attachment", "outputs"),
    "units": ("unit_sheets", "outputs"),
    "quarterly": ("quarterly", "outputs"),
    "matrix": ("matrix", "outputs"),
    "gantt": ("gantt", "outputs"),
    "leaders": ("leaders", "outputs"),  # only for a plan that names leaders (责任领导)
    "progress": ("progress", "outputs"),  # needs progress data (progress.yaml)
    "bulletin": ("bulletin", "outputs"),  # 情况通报: needs progress data; DOCX and PDF only
    "notice": ("notice", "outputs"),  # needs a notice file (notice.yaml); DOCX and PDF only
}


def report_function(name: str) -> Callable[..., list[Output]]:
    module, function = REPORTS[name]
    return getattr(import_module(f"{__name__}.{module}"), function)


def run_report(name: str, plan: Plan, **options: Any) -> list[Output]:
    """The outputs of report ``name``; options a report does not take are ignored."""
    function = report_function(name)
    accepted = function.__code__.co_varnames[: function.__code__.co_argcount + function.__code__.co_kwonlyargcount]
    return function(plan, **{k: v for k, v in options.items() if k in accepted})
