"""Build pipeline: run reports, render every output in every format, write all files or none.

A build first checks every output name (no two outputs share a file, none replaces an
input), then renders the files (in worker processes when there is a lot to do) and writes
them through ``transaction``: each staged in a hidden folder as it is rendered, all moved
in under a journal and a lock, so a failure or a kill leaves the old set or the new set.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from importlib import import_module
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .collector import collector_paused
from .errors import Problem, WorkplanError
from .filenames import describe_invisible, invisible_twins, where_named
from .model import Plan
from .reports import REPORTS, Output, run_report
from .readers import load
from .style import Style, load_style
from .transaction import refuse_inputs, write_files, write_streamed
from .writers import FORMATS, render
from .writers.reproducible import build_date

if TYPE_CHECKING:
    from .notice import Notice
    from .progress import ProgressFile

# The progress report needs progress data: it is in the default set only when that is given.
# Reports that need more than the plan are in the default set only when that is given.
_NEEDS = {"progress": "progress", "bulletin": "progress", "notice": "notice"}  # report → the option it needs
DEFAULT_REPORTS = tuple(name for name in REPORTS if name not in _NEEDS)
Progress = Callable[[int, int, str], None]
_PARALLEL_FROM = 6  # jobs; below this a process pool costs more than it saves


class _Job(NamedTuple):
    output: Output
    fmt: str

    @property
    def path(self) -> str:
        return f"{self.output.path}.{self.fmt}"


def _choose(names: Iterable[str] | None, known: Sequence[str], what: str) -> list[str]:
    chosen = list(dict.fromkeys(names or known))
    unknown = [n for n in chosen if n not in known]
    if unknown:
        raise WorkplanError(f"未知的{what}：{'、'.join(unknown)}（可用：{'、'.join(known)}）")
    return chosen


def plan_outputs(plan: Plan, reports: Iterable[str] | None = None, **options: Any) -> list[Output]:
    """The documents a build writes, before any format is chosen; two that would share a
    file (an attachment labelled "进度图" beside the 进度图 report) are an error naming both."""
    outputs: list[Output] = []
    claimed: dict[str, str] = {}  # case-folded path → the report that writes it
    defaults = (*DEFAULT_REPORTS, *(r for r, option in _NEEDS.items() if options.get(option) is not None))
    if not plan.leaders():  # 领导分工表 by default only for a plan that names leaders
        defaults = tuple(r for r in defaults if r != "leaders")
    for name in _choose(reports or defaults, tuple(REPORTS), "报告"):
        for output in run_report(name, plan, **options):
            first = claimed.setdefault(output.path.casefold(), name)
            if first != name:
                raise WorkplanError(_same_file(plan, output.path, first, name))
            outputs.append(output)
    return outputs


def _plan_texts(plan: Plan) -> Iterator[tuple[str, str, str | None, str]]:
    """Every text of the plan that the documents print: (text, role, item, field)."""
    yield plan.title, "title", None, "title"
    yield plan.attachment, "label", None, "attachment"
    for field, heading in plan.columns.items():  # headings are set in the header face (a hei font)
        yield heading, "table_header", None, f"columns.{field}"
    for item in plan.items:
        where = f"序号 {item.label}"
        for field in ("task", "goal", "measures", "leader", "schedule"):
            yield getattr(item, field), "table", where, field
        yield item.lead_display, "table", where, "lead"
        yield item.participants_display, "table", where, "participants"
        for heading, value in item.extra.items():
            yield heading, "table_header", where, f"extra.{heading}（键）"
            yield value, "table", where, f"extra.{heading}"


def _same_file(plan: Plan, path: str, first: str, second: str) -> Problem:
    if "attachment" in (first, second):
        other = second if first == "attachment" else first
        return Problem(f"附件标识“{plan.attachment}”与报告 {other} 的文件名相同（{path}），"
                       "两者无法同时写入：请修改附件标识，或不同时生成这两个报告", field="attachment")
    return Problem(f"报告 {first} 和 {second} 的文件名相同（{path}），两者无法同时写入")


def invisible_twin_units(plan: Plan) -> list[Problem]:
    """Unit names that differ only by invisible characters (a zero-width space pasted in):
    a reader sees one unit, the plan counts two, and their files could not be told apart."""
    tasks = {unit.unit: unit for unit in plan.unit_tasks()}
    problems = []
    for seen, twin in invisible_twins(tasks):
        hidden = describe_invisible(twin) or describe_invisible(seen)
        message = f"单位“{twin}”与“{seen}”只差不可见字符（{hidden}），看起来是同一单位：请统一写法"
        problems.append(Problem(message, "", *where_named(tasks[twin])))
    return problems


def _roles_where(plan: Plan, lacks: Callable[[str, str], bool]) -> set[str]:
    """The roles whose texts, all their characters taken together, ``lacks(characters, role)``:
    each character is looked at once, and only such a role's texts one by one."""
    characters: dict[str, set[str]] = {}
    for text, role, _, _ in _plan_texts(plan):
        characters.setdefault(role, set()).update(text)
    return {role for role, found in characters.items() if lacks("".join(found), role)}


def missing_glyphs(plan: Plan, style: Style) -> list[Problem]:
    """Characters the PDF fonts cannot show, by item and field, found before anything is written."""
    from .writers.fonts import missing_characters

    roles = _roles_where(plan, lambda characters, role: bool(missing_characters(characters, role, style)))
    problems = []
    for text, role, item, field in _plan_texts(plan):
        if role not in roles:
            continue
        missing = missing_characters(text, role, style)
        if missing:
            shown = "".join(dict.fromkeys(missing))
            codes = " ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(missing))
            problems.append(Problem(f"PDF 字体缺少字符“{shown}”（{codes}），这些字符将无法显示", "", item, field))
    return problems


def outside_gb2312(plan: Plan, style: Style) -> list[Problem]:
    """Characters that a GB2312-only face named in DOCX/XLSX (仿宋_GB2312 …) lacks, by item
    and field: the writers set them in the GBK face of the same kind, and the office should
    know (a name printed in two faces is visible)."""
    from .writers.office_fonts import gbk_face
    from .writers.office_fonts import outside_gb2312 as outside

    roles = _roles_where(plan, lambda characters, role: bool(gbk_face(style.fonts.family(role)) and outside(characters)))
    problems = []
    for text, role, item, field in _plan_texts(plan):
        if role not in roles:
            continue
        family = style.fonts.family(role)
        gbk = gbk_face(family)
        chars = outside(text)
        if chars:
            problems.append(Problem(
                f"“{''.join(chars)}”不在 GB2312 字符集内，{family}没有这些字，DOCX/XLSX 中改用{gbk}显示", "", item, field
            ))
    return problems


def _render_job(job: _Job, style: Style, options: dict[str, Any]) -> bytes:
    return render(job.output.document, style, job.fmt, **(options if job.fmt == "docx" else {}))


def _pdf_characters(jobs: list[_Job], style: Style) -> dict[str, set[int]]:
    """The code points the build's PDFs print, by role."""
    with collector_paused(keep=True):  # reportlab's modules live on (see cli.cmd_build)
        from .writers.fonts import role_characters
        from .writers.title_lines import shape_titles

    chars: dict[str, set[int]] = {}
    for job in jobs:
        if job.fmt == "pdf":
            for role, codes in role_characters(shape_titles(job.output.document, style), style).items():
                chars.setdefault(role, set()).update(codes)
    return chars


def _load_pdf_fonts(jobs: list[_Job], style: Style, options: dict[str, Any], workers: int,
                    chars: dict[str, set[int]]) -> dict[int, bytes]:
    """Register the PDF faces once with every character the build's PDFs print (``chars``),
    before the first is rendered: a CFF face is then converted once (faces side by side in
    ``workers`` processes) rather than again for each document that prints a character the
    ones before it did not.

    While other processes convert (an empty font cache), this one imports the writers,
    then renders the jobs that need no PDF face until the conversions are over (a core
    would idle while the longest one ends): those jobs' contents, by number."""
    from .writers.fonts import resolve_fonts

    rendered: dict[int, bytes] = {}

    def meanwhile(converting: Callable[[], bool]) -> None:
        _warm_up({job.fmt for job in jobs})
        for k, job in enumerate(jobs):
            if not converting():
                break
            if job.fmt != "pdf":
                rendered[k] = _render_job(job, style, options)

    resolve_fonts(style, chars, workers, meanwhile=meanwhile)
    return rendered


def _warm_up(formats: set[str]) -> None:
    """Import the writers once, here, before the worker processes start: workers forked
    from this process inherit them (and the PDF fonts) instead of each importing the
    libraries and parsing the CJK fonts again."""
    for fmt in sorted(formats):
        import_module(f"{__package__}.writers.{fmt}")


# A pool worker's jobs, handed over once when it starts (``_hand_over``), so that each task
# names a job by number: pickling every job's document and the style for each task cost
# the parent 80 ms of a 1.5 s seed build; forked workers inherit the jobs for nothing.
_HANDED_OVER: tuple[list[_Job], Style, dict[str, Any]] | None = None


def _hand_over(jobs: list[_Job], style: Style, options: dict[str, Any]) -> None:
    global _HANDED_OVER
    _HANDED_OVER = (jobs, style, options)


def _render_numbered(numbers: list[int]) -> list[bytes]:
    assert _HANDED_OVER is not None, "a pool worker renders only after _hand_over"
    jobs, style, options = _HANDED_OVER
    return [_render_job(jobs[k], style, options) for k in numbers]


def _by_document(jobs: list[_Job]) -> list[list[int]]:
    """The job numbers in runs of the same document: one worker renders a document in all
    its formats, measuring its tables once (``layout.Table`` keeps what it measured)."""
    runs = groupby(range(len(jobs)), key=lambda k: id(jobs[k].output))
    return [list(numbers) for _, numbers in runs]


def _render_all(
    jobs: list[_Job], style: Style, options: dict[str, Any], workers: int, progress: Progress | None,
    pdf_chars: dict[str, set[int]],
) -> Iterable[bytes]:
    """Each job's file content, in the order of ``jobs``; from a process pool when there is
    a lot to do, as its workers finish them."""
    rendered: dict[int, bytes] = {}  # jobs rendered while PDF faces were converted
    if sum(job.fmt == "pdf" for job in jobs) > 1:
        rendered = _load_pdf_fonts(jobs, style, options, workers, pdf_chars)
    if workers <= 1 or len(jobs) - len(rendered) < _PARALLEL_FROM:
        # PDFs first: their writer needs the most memory, best before the other writers'
        # garbage has spread over the heap (a 10,000-item attachment: 211 MB peak → 196 MB).
        left = sorted((k for k in range(len(jobs)) if k not in rendered), key=lambda k: jobs[k].fmt != "pdf")
        for done, k in enumerate(left, start=len(rendered) + 1):
            rendered[k] = _render_job(jobs[k], style, options)
            if progress:
                progress(done, len(jobs), jobs[k].path)
        return [rendered[k] for k in range(len(jobs))]
    return _render_in_pool(jobs, style, options, workers, progress, rendered)


def _render_in_pool(
    jobs: list[_Job], style: Style, options: dict[str, Any], workers: int, progress: Progress | None,
    rendered: dict[int, bytes],
) -> Iterator[bytes]:
    """The jobs' contents in order: those of ``rendered`` as they are, the others from a
    process pool, as its workers finish them."""
    from concurrent.futures import ProcessPoolExecutor  # only a build with many files pays for it

    _warm_up({job.fmt for job in jobs})
    done = 0
    gc.freeze()  # the workers' collectors leave the inherited objects alone: no copy-on-write of the heap (8 % CPU)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_hand_over, initargs=(jobs, style, options))
    try:
        groups = _by_document(jobs)
        to_render = [[k for k in group if k not in rendered] for group in groups]
        futures = [pool.submit(_render_numbered, numbers) if numbers else None for numbers in to_render]
        for group, future in zip(groups, futures):
            from_pool = iter(future.result() if future else ())
            for k in group:
                done += 1
                if progress:
                    progress(done, len(jobs), jobs[k].path)
                yield rendered.pop(k) if k in rendered else next(from_pool)
    finally:
        pool.shutdown(cancel_futures=True)  # a write that failed stops the render: documents not begun are dropped
        gc.unfreeze()


def write_files_atomically(
    files: list[tuple[Path, bytes]],
    *,
    root: Path | None = None,
    protect: Iterable[str | Path] = (),
    notice: Callable[[str], None] | None = None,
) -> None:
    """Write every file or none, under the folder's lock and journal (see ``transaction``)."""
    write_files(files, root=root, protect=protect, notice=notice)


def build(
    plan: Plan | str | Path,
    out_dir: str | Path,
    *,
    reports: Iterable[str] | None = None,
    formats: Iterable[str] | None = None,
    units: Sequence[str] | None = None,
    style: Style | str | Path | None = None,
    docx_template: str | Path | None = None,
    allow_missing_glyphs: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    warn: Callable[[Problem], None] | None = None,
    progress_data: ProgressFile | str | Path | None = None,
    as_of: date | None = None,
    notice: Notice | None = None,
    protect: Iterable[str | Path | None] = (),
    warn_days: int = 15,
) -> list[Path]:
    """Write the chosen reports of ``plan`` in the chosen formats into ``out_dir``.

    ``plan`` is a loaded ``Plan`` or the path of anything ``load`` reads; ``style`` a
    ``Style`` or the path of a profile merged over the default.

    ``progress_data`` (progress.yaml or its loaded ``ProgressFile``, see
    ``progress.load_progress``) adds the progress report to the default set; ``as_of``
    is the date it is computed for (default today); ``warn_days``: a task due within
    that many days and not done gets the blue warning.
    ``notice`` (``load_notice("notice.yaml")``) adds 通知.docx/.pdf: the notice with the
    attachment bound after it.

    Returns the written paths.  Raises ``WorkplanError`` (and writes nothing) when
    any output cannot be made, or would replace an input file (the plan's, the style's,
    the template's, the progress data's when given as paths, and any in ``protect``).  ``warn``
    also hears of a wait for another build into the same folder and of the recovery
    of an interrupted one.
    """
    inputs = [p for p in (plan, style, docx_template, progress_data, *protect) if isinstance(p, (str, Path))]
    stamp = build_date()  # one date for every file of the build; checks SOURCE_DATE_EPOCH first
    if not isinstance(plan, Plan):
        plan = load(plan)
    style = style if isinstance(style, Style) else load_style(style)
    if isinstance(progress_data, (str, Path)):
        progress_data = _load_progress(progress_data, plan)
    chosen_formats = _choose(formats, FORMATS, "格式")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise WorkplanError(Problem("输出位置已存在且不是文件夹", str(out)))
    if notice is not None:
        notice.check_against(plan, "notice")
    twins = invisible_twin_units(plan)
    if twins:
        raise WorkplanError(twins)
    with collector_paused():
        outputs = plan_outputs(plan, reports, units=units, progress=progress_data, as_of=as_of, notice=notice,
                               style=style, warn_days=warn_days)
    outputs = [replace(o, document=replace(o.document, date=o.document.date or stamp)) for o in outputs]
    job_list = [_Job(o, f) for o in outputs for f in chosen_formats if o.formats is None or f in o.formats]
    pdf_chars = _pdf_characters(job_list, style)
    if "pdf" in chosen_formats:
        glyph_problems = missing_glyphs(plan, style)
        if glyph_problems and not allow_missing_glyphs:
            raise WorkplanError(glyph_problems)
        from .writers.fonts import borrowed_faces

        # Only the roles the PDFs print: a face the build never uses is neither looked up
        # nor warned about (the 楷体 of a subtitle no report has: 50 ms on an empty font cache).
        printed = [role for role, codes in pdf_chars.items() if codes]
        for problem in [*borrowed_faces(style, printed), *glyph_problems]:
            if warn:
                warn(problem)
    if warn and {"docx", "xlsx"} & set(chosen_formats):
        for problem in outside_gb2312(plan, style):
            warn(problem)
    options: dict[str, Any] = {"docx_template": Path(docx_template)} if docx_template else {}
    targets = [out / job.path for job in job_list]
    refuse_inputs(targets, inputs)  # before the render: a long build must not fail at its end
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    tell = (lambda message: warn(Problem(message, str(out)))) if warn else None
    rendered = _render_all(job_list, style, options, workers, progress, pdf_chars)
    write_streamed(targets, rendered, root=out, protect=inputs, notice=tell)  # each file staged as it is rendered
    return targets


def _load_progress(path: str | Path, plan: Plan) -> ProgressFile:
    from .progress import load_progress

    return load_progress(path, plan)
