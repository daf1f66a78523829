"""workplan-docs: a work plan in, the official documents of a Chinese government office out.

    >>> import workplan_docs
    >>> plan = workplan_docs.load("samples/seed-plan.yaml")
    >>> workplan_docs.build(plan, "out/", reports=["attachment"], formats=["docx", "pdf"])

The public API is what ``__all__`` names; everything else is private.  Names are
loaded on first use so that ``import workplan_docs`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pipeline import build
    from .errors import PlanError, Problem, WorkplanError
    from .followup import collect_feedback, save_progress, write_feedback_forms
    from .model import Item, Plan, Schedule, Unit
    from .progress import ProgressFile, load_progress
    from .readers import load
    from .notice import Notice, load_notice
    from .revision import diff_plans
    from .style import Style, load_style

__all__ = [
    "load", "build", "load_style",
    "Plan", "Item", "Unit", "Schedule", "Style",
    "write_feedback_forms", "collect_feedback", "load_progress", "save_progress", "ProgressFile",
    "WorkplanError", "PlanError", "Problem", "diff_plans", "load_notice", "Notice",
]

_HOMES = {
    "load": "readers", "build": "pipeline", "load_style": "style", "Style": "style",
    "Plan": "model", "Item": "model", "Unit": "model", "Schedule": "model",
    "write_feedback_forms": "followup", "collect_feedback": "followup", "save_progress": "followup",
    "load_progress": "progress", "ProgressFile": "progress",
    "WorkplanError": "errors", "PlanError": "errors", "Problem": "errors", "diff_plans": "revision",
    "load_notice": "notice", "Notice": "notice",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'workplan_docs' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
