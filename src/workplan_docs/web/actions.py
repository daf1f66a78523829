"""What the page does, through the library's public API only (``workplan_docs.load``,
``build``, ``write_feedback_forms``, ``collect_feedback``, ``load_progress``, ``save_progress``,
``load_notice`` and ``notice init``'s ``notice_template``).

Each action works in one workspace and turns a ``WorkplanError`` into the lines the
CLI would print, with the user's own file names instead of our temporary paths.
"""

from __future__ import annotations

import dataclasses
import inspect
import zipfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

import workplan_docs
from workplan_docs.errors import Problem, WorkplanError, read_warnings

from .workspace import Job, Workspace

FORMATS = ("docx", "xlsx", "pdf")
# The reports a user chooses from, as the page names them (build's report names as keys).
REPORT_LABELS = {
    "attachment": "附件（正式附件表格）",
    "units": "分工表（每个单位一份，另有汇总）",
    "quarterly": "季度工作安排",
    "matrix": "责任矩阵",
    "gantt": "进度图",
    "leaders": "领导分工表（计划写明责任领导时）",
    "progress": "工作进展报告（需先收集反馈表或上传进展数据）",
    "bulletin": "情况通报（落实情况的统计，作公文正文；需进展数据，只有 Word 和 PDF）",
}
NEEDS_PROGRESS = ("progress", "bulletin")


def default_reports(plan: workplan_docs.Plan) -> list[str]:
    """The reports ``build`` writes for ``plan`` when given nothing but the plan."""
    from workplan_docs.pipeline import DEFAULT_REPORTS

    return [r for r in DEFAULT_REPORTS if r != "leaders" or plan.leaders()]


# Importer options the page offers as form fields, each passed to ``load`` when it takes it.
IMPORT_OPTIONS = ("columns", "lead", "lead_from", "first_unit_leads", "title", "year")


class ActionError(Exception):
    """An action failed for a reason the user can fix: ``lines`` are shown on the page."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


def problem_lines(error: WorkplanError, names: dict[str, str]) -> list[str]:
    """The CLI's one line per problem, each temporary path shown as the user's file name."""
    return [str(_renamed(problem, names)) for problem in error.problems]


def _renamed(problem: Problem, names: dict[str, str]) -> Problem:
    return problem.at(names.get(problem.source, Path(problem.source).name)) if problem.source else problem


def load_parameters() -> set[str]:
    """The importer options ``workplan_docs.load`` takes (the page shows fields for these):
    the fields of the readers' ``ImportOptions`` when ``load`` takes ``options``."""
    parameters = set(inspect.signature(workplan_docs.load).parameters)
    options = _options_class()
    if "options" in parameters and options is not None:
        parameters |= {f.name for f in dataclasses.fields(options)}
    return parameters & set(IMPORT_OPTIONS)


def _options_class() -> Any:
    try:
        from workplan_docs.readers import ImportOptions  # type: ignore[attr-defined]
    except ImportError:
        return None
    return ImportOptions


def _load(path: Path, given: dict[str, Any], accepted: set[str]) -> workplan_docs.Plan:
    parameters = inspect.signature(workplan_docs.load).parameters
    chosen = {k: v for k, v in given.items() if k in accepted}
    if "options" in parameters and _options_class() is not None:
        return workplan_docs.load(path, options=_options_class()(**chosen))
    return workplan_docs.load(path, **chosen)


def read_plan(space: Workspace) -> None:
    """(Re-)read the workspace's source with its options; problems go to ``space.errors``,
    and the headings of a table the reader could not map to ``space.headings``."""
    assert space.source is not None
    accepted = load_parameters()
    given = {k: v for k, v in space.options.items() if v not in (None, "", {}, False)}
    names = {str(space.source): space.source_name}
    # what was made from the plan as read before would not match it
    space.build, space.build_zip, space.report, space.notice_files = [], None, [], []
    try:
        with read_warnings() as found:  # what the reader did not take as it stands, as the CLI warns
            plan = _load(space.source, given, accepted)
        overrides = {k: given[k] for k in ("title", "year") if k in given and getattr(plan, k) != given[k]}
        if overrides:  # options a plan file (or load) does not take: the same plan, validated again with them
            plan = _with(plan, overrides)
        space.plan, space.errors, space.headings = plan, [], []
        space.read_warnings = [_renamed(problem, names) for problem in found]
    except WorkplanError as error:
        space.plan, space.errors, space.read_warnings = None, problem_lines(error, names), []
        # a reader that names the table's headings (and what each was read as) lets the page map them
        space.headings = list(zip(getattr(error, "headings", []), getattr(error, "fields", [])))


def _with(plan: workplan_docs.Plan, overrides: dict[str, Any]) -> workplan_docs.Plan:
    from pydantic import ValidationError

    try:
        return workplan_docs.Plan.model_validate({**plan.to_file_data(), **overrides})
    except ValidationError as error:
        fields = "、".join(str(e["loc"][0]) for e in error.errors())
        raise WorkplanError(f"选项无效：{fields}") from None


def run_build(space: Workspace, job: Job, reports: list[str], formats: list[str], as_of: date | None) -> None:
    """Build into a fresh folder, then zip it; called in a thread, reporting to ``job``."""
    plan = space.plan
    assert plan is not None
    try:
        folder = space.new_folder("build")
        written = workplan_docs.build(
            plan, folder, reports=reports, formats=formats, progress=job.step,
            progress_data=space.progress if set(NEEDS_PROGRESS) & set(reports) else None, as_of=as_of,
        )
        names = [path.relative_to(folder).as_posix() for path in written]
        for name, path in zip(names, written):
            space.publish(name, path)
        zip_name = f"{plan_file_stem(plan)}.zip"
        space.publish(zip_name, write_zip(folder / zip_name, zip(names, written)))
        space.build, space.build_zip = names, zip_name
    except WorkplanError as error:
        job.errors = problem_lines(error, {})
    except Exception as error:  # noqa: BLE001 - a bug: one line, as the CLI says it
        job.errors = [internal_error(error)]
    finally:
        job.finished = True


def plan_file_stem(plan: workplan_docs.Plan) -> str:
    """A download name made from the plan's title (one line, safe on every system)."""
    from workplan_docs.filenames import safe_file_name

    return safe_file_name(" ".join(plan.title.split()))


def write_zip(target: Path, members: Iterable[tuple[str, Path]]) -> Path:
    """A .zip of ``members`` (name in the archive, file), dated as build dates its documents
    (SOURCE_DATE_EPOCH when set): with it, the same files always give the same archive."""
    from workplan_docs.writers.reproducible import build_date

    stamp = build_date().timetuple()[:6]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, path in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return target


def unit_sheet(space: Workspace, unit: str, fmt: str) -> str:
    """Build one unit's 分工表 in ``fmt`` and publish it; returns its name in the listing."""
    assert space.plan is not None
    folder = space.new_folder("unit")
    try:
        written = workplan_docs.build(space.plan, folder, reports=["units"], formats=[fmt], units=[unit], jobs=1)
    except WorkplanError as error:
        raise ActionError(problem_lines(error, {})) from None
    sheet = written[-1]  # the combined file comes first, then the unit's own sheet
    return space.publish(f"分工表/{sheet.name}", sheet)


# The reporting periods the 督办 step offers, as ``feedback --month/--quarter/--half`` take them:
# kind → (the cycle that reports in it, how many in a year).  A choice is written "quarter-2".
PERIOD_KINDS = {"month": ("月", 12), "quarter": ("季", 4), "half": ("半年", 2)}
_KIND_OF_CYCLE = {"月": "month", "季": "quarter", "半年": "half", "按时限": "month"}  # 按时限 reports in a month


def period_name(kind: str, number: int) -> str:
    """"5月", "第二季度", "上半年"."""
    if kind == "month":
        return f"{number}月"
    if kind == "quarter":
        return f"第{'一二三四'[number - 1]}季度"
    return ("上半年", "下半年")[number - 1]


def parse_period(text: str) -> tuple[str, int] | None:
    """A period choice ("quarter-2") as (kind, number), or None when it is not one."""
    kind, _, number = text.partition("-")
    count = PERIOD_KINDS.get(kind, ("", 0))[1]
    return (kind, int(number)) if number in {str(n) for n in range(1, count + 1)} else None


def default_period(space: Workspace, today: date) -> str:
    """The period whose forms went out last, else today's period of the plan's cycle."""
    assert space.plan is not None
    if space.period:
        return space.period
    kind = _KIND_OF_CYCLE[space.plan.report_every]
    return f"{kind}-{(today.month - 1) // (12 // PERIOD_KINDS[kind][1]) + 1}"


def feedback_zip(space: Workspace, kind: str, number: int) -> str:
    """The period's feedback forms as one .zip; returns its name in the listing."""
    assert space.plan is not None
    folder = space.new_folder("forms")
    try:
        paths = workplan_docs.write_feedback_forms(space.plan, folder / "forms", progress=space.progress, **{kind: number})
    except WorkplanError as error:
        raise ActionError(problem_lines(error, {})) from None
    name = period_name(kind, number)
    if not paths:
        raise ActionError([f"{name}没有牵头单位有应报送或往期未完成的任务，未生成反馈表。"])
    space.period = f"{kind}-{number}"
    return space.publish(f"{name}进展反馈表.zip", write_zip(folder / f"{name}进展反馈表.zip", ((p.name, p) for p in paths)))


def collect_forms(
    space: Workspace, uploads: list[tuple[str, bytes]], replace: bool, period: tuple[str, int] | None = None
) -> None:
    """Check returned forms and merge the good ones into the workspace's progress data; with
    ``period`` (kind, number), forms of other periods are refused."""
    assert space.plan is not None
    folder = space.new_folder("returned")
    names: dict[str, str] = {}
    for number, (name, data) in enumerate(uploads, start=1):
        path = folder / f"{number}.xlsx"  # never a name from the request
        path.write_bytes(data)
        names[str(path)] = name
    try:
        result = workplan_docs.collect_feedback(space.plan, list(names), progress=space.progress, replace=replace,
                                                **({period[0]: period[1]} if period else {}))
    except WorkplanError as error:
        raise ActionError(problem_lines(error, names)) from None
    if result.changed:
        space.progress, space.report = result.progress, []  # the report files are out of date
    space.collected, space.collected_names = result, names


def collected_view(space: Workspace) -> dict[str, list[dict[str, Any]]]:
    """The last batch as the page lists it: each form 已收录 / 无变化, or its problems."""
    result, names = space.collected, space.collected_names
    if result is None:
        return {}

    def form(entry: Any) -> dict[str, Any]:
        problems = [_renamed(p, names) for p in entry.problems]
        return {"name": names.get(entry.source, entry.source), "label": entry.label,
                "problems": [str(p) for p in problems]}

    return {"taken": [form(f) for f in result.taken], "unchanged": [form(f) for f in result.unchanged],
            "rejected": [form(f) for f in result.rejected]}


def progress_file(space: Workspace) -> str:
    """progress.yaml of the workspace, to download and bring back next time."""
    assert space.progress is not None
    path = space.new_folder("progress") / "progress.yaml"
    workplan_docs.save_progress(space.progress, path)
    return space.publish("progress.yaml", path)


def take_progress(space: Workspace, name: str, data: bytes) -> None:
    """Use an uploaded progress.yaml, once it is checked against the plan."""
    assert space.plan is not None
    path = space.new_folder("progress") / "progress.yaml"
    path.write_bytes(data)
    try:
        space.progress, space.report = workplan_docs.load_progress(path, plan=space.plan), []
    except WorkplanError as error:
        raise ActionError(problem_lines(error, {str(path): name})) from None


def progress_report(space: Workspace, as_of: date) -> None:
    """工作进展报告 as of a date, in every format, to download (the page shows it in HTML)."""
    assert space.plan is not None and space.progress is not None
    folder = space.new_folder("report")
    try:
        written = workplan_docs.build(space.plan, folder, reports=["progress"], progress_data=space.progress,
                                      as_of=as_of, jobs=1)
    except WorkplanError as error:
        raise ActionError(problem_lines(error, {})) from None
    space.report = [space.publish(f"进展报告/{p.name}", p) for p in written]


def notice_start(space: Workspace) -> dict[str, Any]:
    """The notice as ``notice init`` writes it for the plan: filled where the plan can tell,
    the rest placeholders."""
    from workplan_docs.notice import notice_template

    assert space.plan is not None
    return dict(yaml.safe_load(notice_template(space.plan)))


def notice_yaml(fields: dict[str, Any]) -> str:
    return yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=10_000)


def issue_notice(space: Workspace, fields: dict[str, Any]) -> None:
    """The form's notice, written as notice.yaml and issued (see ``_issue``)."""
    space.notice_fields = fields
    path = space.new_folder("notice") / "notice.yaml"
    path.write_text(notice_yaml(fields), encoding="utf-8")
    _issue(space, path, "notice.yaml")


def take_notice(space: Workspace, name: str, data: bytes) -> None:
    """An uploaded notice.yaml: its fields fill the form, and it is issued as it stands.
    A file that is not a notice's YAML leaves the form as it was; ``_issue`` says why."""
    from workplan_docs.readers.plan_file import decode, parse_yaml

    path = space.new_folder("notice") / "notice.yaml"
    path.write_bytes(data)
    try:
        fields = parse_yaml(decode(data, name), name)
    except WorkplanError:
        fields = None
    if isinstance(fields, dict):
        space.notice_fields = fields
    _issue(space, path, name)


def _issue(space: Workspace, path: Path, name: str) -> None:
    """Check the notice file as ``validate --notice`` does; when it is valid, build 通知.docx
    and 通知.pdf (the attachment bound after the notice; a 情况通报 body from the progress data,
    as of the progress report's date)."""
    assert space.plan is not None
    space.notice_files = []
    try:
        notice = workplan_docs.load_notice(path)
        notice.check_against(space.plan, str(path))
        written = workplan_docs.build(space.plan, path.parent / "通知", reports=["notice"], formats=["pdf", "docx"],
                                      notice=notice, progress_data=space.progress, as_of=space.as_of, jobs=1)
    except WorkplanError as error:
        space.notice_problems = [_renamed(problem, {str(path): name}) for problem in error.problems]
        return
    space.notice_problems = []
    space.notice_files = [space.publish(f"通知/{p.name}", p) for p in written]


def internal_error(error: Exception) -> str:
    from workplan_docs.cli import _internal_error

    return _internal_error(error)
