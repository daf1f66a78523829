"""Quarterly follow-up (督办) from Python: forms out, returned forms in, progress kept.

The ``feedback`` and ``collect`` commands are these functions plus printing; the
progress report itself is ``build(..., progress_data=...)``.  Progress data is
checked against the plan wherever it comes in: reports of one plan are never counted
against another, or against the plan after its tasks were edited.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .errors import Problem, WorkplanError
from .feedback.collect import SIGNOFF_KEYS, Collected, collect, expand_paths
from .cycles import Period
from .feedback.forms import feedback_forms, plan_period
from .model import Plan
from .pipeline import write_files_atomically
from .progress import ProgressFile, align_progress, dump_progress, load_progress, new_progress
from .readers import load
from .style import Style, load_style


def write_feedback_forms(
    plan: Plan | str | Path,
    out_dir: str | Path,
    quarter: int | None = None,
    *,
    month: int | None = None,
    half: int | None = None,
    year: int | None = None,
    progress: ProgressFile | str | Path | None = None,
    style: Style | str | Path | None = None,
    protect: Iterable[str | Path | None] = (),
) -> list[Path]:
    """Write one feedback form (.xlsx) per lead unit with tasks reporting in the period into
    ``out_dir``: the ``quarter``, ``month`` or ``half`` (1 上半年, 2 下半年) of ``year`` (by
    default the plan year); each task reports at its ``report_every`` cycle.

    With ``progress`` (the data collected so far, or its file), each unit's earlier tasks
    not reported 已完成 are carried over.  Returns the written paths (none when no unit has
    a task in the quarter); writes all of them or nothing, and none over an input file
    (the plan's, the progress data's, the style's, or one in ``protect``).
    """
    inputs = [p for p in (plan, progress, style, *protect) if isinstance(p, (str, Path))]
    check_year(year)
    plan = plan if isinstance(plan, Plan) else load(plan)
    period = requested_period(plan, quarter, month, half, year)
    if period is None:
        raise WorkplanError("请指定报送期：季度（quarter）、月份（month）或半年（half）之一")
    style = style if isinstance(style, Style) else load_style(style)
    files = feedback_forms(plan, period, style, progress=_checked(progress, plan))
    paths = [Path(out_dir) / name for name, _ in files]
    write_files_atomically([(path, data) for path, (_, data) in zip(paths, files)], root=Path(out_dir), protect=inputs)
    return paths


def collect_feedback(
    plan: Plan | str | Path,
    forms: Iterable[str | Path],
    *,
    progress: ProgressFile | str | Path | None = None,
    replace: bool = False,
    quarter: int | None = None,
    month: int | None = None,
    half: int | None = None,
    year: int | None = None,
    required: Iterable[str] | None = None,
) -> Collected:
    """Check returned forms (files, folders of .xlsx, or patterns) and merge the good ones
    into ``progress`` (the data so far, its file, or None to start afresh; not modified).

    The result's ``progress`` is the merged data (save it with ``save_progress``);
    ``rejected`` lists each refused form with its ``problems``; ``taken`` and
    ``unchanged`` the others.  ``quarter``, ``month`` or ``half`` (with ``year``) refuse forms
    of other periods;
    ``replace`` lets a later report replace a different one already collected; ``required``
    names the sign-off fields a form must have filled (default all: ``SIGNOFF_KEYS``,
    reporter, phone, approver, date).
    """
    check_year(year)
    plan = plan if isinstance(plan, Plan) else load(plan)
    existing = _checked(progress, plan) or new_progress(plan)
    paths = expand_paths(str(form) for form in forms)
    if not paths:
        raise WorkplanError("没有找到反馈表文件")
    return collect(plan, paths, existing, replace=replace, period=requested_period(plan, quarter, month, half, year),
                   required=SIGNOFF_KEYS if required is None else required)


_PERIOD_NUMBERS = {"quarter": ("季度", 4), "month": ("月份", 12), "half": ("半年", 2)}


def requested_period(
    plan: Plan, quarter: int | None, month: int | None, half: int | None, year: int | None
) -> Period | None:
    """The period asked for by number (at most one of the three), of ``year`` or the plan year."""
    asked = [(kind, n) for kind, n in (("quarter", quarter), ("month", month), ("half", half)) if n is not None]
    if len(asked) > 1:
        raise WorkplanError("季度、月份和半年只能指定其中一项")
    for kind, number in asked:
        name, limit = _PERIOD_NUMBERS[kind]
        if not (isinstance(number, int) and 1 <= number <= limit):
            raise WorkplanError(f"{name}“{number}”应为 1 到 {limit} 的整数")
    return plan_period(plan, asked[0][0], asked[0][1], year) if asked else None  # type: ignore[arg-type]


def save_progress(progress: ProgressFile, path: str | Path, *, protect: Iterable[str | Path] = ()) -> Path:
    """Write progress data as YAML (the file ``collect`` keeps), replacing ``path`` whole;
    never over one of the files in ``protect`` (the plan, the forms read)."""
    target = Path(path)
    if target.is_dir():
        raise WorkplanError(Problem("这是一个文件夹，进展数据应写入文件（如 progress.yaml）", str(target)))
    write_files_atomically([(target, dump_progress(progress).encode("utf-8"))], protect=protect)
    return target


def check_year(year: int | None) -> None:
    """A year given by the user (--year): 1900–2999, as everywhere in a plan."""
    if year is not None and not (isinstance(year, int) and 1900 <= year <= 2999):
        raise WorkplanError(f"年份“{year}”应为 1900 到 2999 之间的整数，如 2010")


def _checked(progress: ProgressFile | str | Path | None, plan: Plan) -> ProgressFile | None:
    if progress is None:
        return None
    source = "progress" if isinstance(progress, ProgressFile) else str(progress)
    data = progress if isinstance(progress, ProgressFile) else load_progress(progress)
    return align_progress(data, plan, source)
