"""Build pipeline: run reports, render every output in every format, write all files or none.

A build first renders everything in memory (in worker processes when there is a lot
to do), then writes each file under a temporary name in the output folder and renames
them all at the end.  Any failure before the renames leaves the folder as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Problem, WorkplanError
from .model import Plan
from .reports import REPORTS, Output, run_report
from .readers import load
from .style import Style, load_style
from .writers import FORMATS, render
from .writers.reproducible import build_date

if TYPE_CHECKING:
    from .notice import Notice
    from .progress import ProgressFile

# The progress report needs progress data: it is in the default set only when that is given.
# Reports that need more than the plan are in the default set only when that is given.
_NEEDS = {"progress": "progress", "notice": "notice"}  # report → the option it needs
DEFAULT_REPORTS = tuple(name for name in REPORTS if name not in _NEEDS)
Progress = Callable[[int, int, str], None]
_PARALLEL_FROM = 6  # jobs; below this a process pool costs more than it saves


@dataclass(frozen=True)
class _Job:
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
    """The documents a build writes, before any format is chosen."""
    outputs: list[Output] = []
    defaults = (*DEFAULT_REPORTS, *(r for r, option in _NEEDS.items() if options.get(option) is not None))
    for name in _choose(reports or defaults, tuple(REPORTS), "报告"):
        outputs.extend(run_report(name, plan, **options))
    return outputs


def missing_glyphs(plan: Plan, style: Style) -> list[Problem]:
    """Characters the PDF fonts cannot show, by item and field, found before anything is written."""
    from .writers.fonts import missing_characters

    problems = []

    def check(text: str, role: str, item: str | None, field: str) -> None:
        missing = missing_characters(text, role, style)
        if missing:
            shown = "".join(dict.fromkeys(missing))
            codes = " ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(missing))
            problems.append(Problem(f"PDF 字体缺少字符“{shown}”（{codes}），这些字符将无法显示", "", item, field))

    check(plan.title, "title", None, "title")
    check(plan.attachment, "label", None, "attachment")
    for field, heading in plan.columns.items():  # headings are set in the header face (a hei font)
        check(heading, "table_header", None, f"columns.{field}")
    for item in plan.items:
        where = f"序号 {item.label}"
        for field in ("task", "goal", "measures", "schedule"):
            check(getattr(item, field), "table", where, field)
        check(item.lead_display, "table", where, "lead")
        check(item.participants_display, "table", where, "participants")
        for heading, value in item.extra.items():
            check(heading, "table_header", where, f"extra.{heading}（键）")
            check(value, "table", where, f"extra.{heading}")
    return problems


def _render_job(job: _Job, style: Style, options: dict[str, Any]) -> bytes:
    return render(job.output.document, style, job.fmt, **(options if job.fmt == "docx" else {}))


def _warm_up(formats: set[str], style: Style) -> None:
    """Import the writers and load the PDF fonts once, here, before the worker processes
    start: workers forked from this process inherit them instead of each importing the
    libraries and parsing the CJK fonts again."""
    for fmt in sorted(formats):
        import_module(f"{__package__}.writers.{fmt}")
    if "pdf" in formats:
        from .writers.fonts import resolve_fonts

        resolve_fonts(style)


def _render_all(jobs: list[_Job], style: Style, options: dict[str, Any], workers: int, progress: Progress | None) -> list[bytes]:
    results: list[bytes] = []
    if workers <= 1 or len(jobs) < _PARALLEL_FROM:
        for done, job in enumerate(jobs, start=1):
            results.append(_render_job(job, style, options))
            if progress:
                progress(done, len(jobs), job.path)
        return results
    from concurrent.futures import ProcessPoolExecutor  # only a build with many files pays for it

    _warm_up({job.fmt for job in jobs}, style)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_render_job, job, style, options) for job in jobs]
        for done, (job, future) in enumerate(zip(jobs, futures), start=1):
            results.append(future.result())
            if progress:
                progress(done, len(jobs), job.path)
    return results


_WRITE_FAILURES = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EACCES: "没有写入权限（文件是否正被 Word、Excel 或 WPS 打开？）",
    errno.EPERM: "没有写入权限（文件是否正被 Word、Excel 或 WPS 打开？）",
    errno.EROFS: "文件夹只读",
    errno.EISDIR: "已有同名的文件夹",
    errno.ENOTDIR: "路径中有同名的文件，不是文件夹",
    errno.ENAMETOOLONG: "文件名或路径过长",
}


def write_files_atomically(files: list[tuple[Path, bytes]]) -> None:
    """Write every file under a temporary name beside its target, then rename them all.

    All or nothing: when anything fails, writing or any rename, the targets already
    renamed get their old content back (kept under a backup name until the end) or are
    removed, and the temporary files, backups and folders this call made are removed.
    """
    made: list[Path] = []  # folders created here, parents first
    pending: list[tuple[Path, Path]] = []  # (temporary, target)
    backups: dict[Path, Path] = {}  # target → its previous content
    replaced: list[Path] = []
    target = Path()
    try:
        for target, data in files:
            _make_folders(target.parent, made)
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            pending.append((temporary, target))
            with open(temporary, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        for _, target in pending:
            if target.exists() or target.is_symlink():
                backups[target] = _keep(target)
        for temporary, target in pending:
            os.replace(temporary, target)
            replaced.append(target)
    except BaseException as error:
        _roll_back(pending, backups, replaced, made)
        if isinstance(error, OSError):
            reason = _WRITE_FAILURES.get(error.errno or 0, error.strerror or str(error))
            raise WorkplanError(Problem(f"写入失败：{reason}，未生成任何文件", str(target))) from None
        raise
    for backup in backups.values():
        with suppress(OSError):
            backup.unlink()


def _make_folders(folder: Path, made: list[Path]) -> None:
    """Create ``folder`` and its missing parents, recording each one created."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue
        made.append(path)


def _keep(target: Path) -> Path:
    """A second name for ``target``'s current content, to restore it if the build fails:
    a hard link (instant), or a copy where the file system has none."""
    backup = target.with_name(f".{target.name}.{os.getpid()}.bak")
    backup.unlink(missing_ok=True)
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return backup


def _roll_back(pending: list[tuple[Path, Path]], backups: dict[Path, Path], replaced: list[Path], made: list[Path]) -> None:
    """Undo a failed write as far as possible: each step is tried even when one fails."""
    for target in reversed(replaced):
        with suppress(OSError):
            if target in backups:
                os.replace(backups.pop(target), target)
            else:
                target.unlink()
    for leftover in [*(temporary for temporary, _ in pending), *backups.values()]:
        with suppress(OSError):
            leftover.unlink(missing_ok=True)
    for folder in reversed(made):
        with suppress(OSError):
            folder.rmdir()


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
    progress_data: ProgressFile | None = None,
    as_of: date | None = None,
    notice: Notice | None = None,
    warn_days: int = 15,
) -> list[Path]:
    """Write the chosen reports of ``plan`` in the chosen formats into ``out_dir``.

    ``plan`` is a loaded ``Plan`` or the path of anything ``load`` reads; ``style`` a
    ``Style`` or the path of a profile merged over the default.

    ``progress_data`` (progress.yaml, see ``progress.load_progress``) adds the progress
    report to the default set; ``as_of`` is the date it is computed for (default today);
    ``warn_days``: a task due within that many days and not done gets the blue warning.
    ``notice`` (``load_notice("notice.yaml")``) adds 通知.docx/.pdf: the notice with the
    attachment bound after it.

    Returns the written paths.  Raises ``WorkplanError`` (and writes nothing) when
    any output cannot be made.
    """
    stamp = build_date()  # one date for every file of the build; checks SOURCE_DATE_EPOCH first
    if not isinstance(plan, Plan):
        plan = load(plan)
    style = style if isinstance(style, Style) else load_style(style)
    chosen_formats = _choose(formats, FORMATS, "格式")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise WorkplanError(Problem("输出位置已存在且不是文件夹", str(out)))
    if notice is not None:
        notice.check_against(plan, "notice")
    outputs = plan_outputs(plan, reports, units=units, progress=progress_data, as_of=as_of, notice=notice, style=style,
                           warn_days=warn_days)
    if "pdf" in chosen_formats:
        glyph_problems = missing_glyphs(plan, style)
        if glyph_problems and not allow_missing_glyphs:
            raise WorkplanError(glyph_problems)
        for problem in glyph_problems:
            if warn:
                warn(problem)
    options: dict[str, Any] = {"docx_template": Path(docx_template)} if docx_template else {}
    outputs = [replace(o, document=replace(o.document, date=o.document.date or stamp)) for o in outputs]
    job_list = [_Job(o, f) for o in outputs for f in chosen_formats if o.formats is None or f in o.formats]
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    rendered = _render_all(job_list, style, options, workers, progress)
    files = [(out / job.path, data) for job, data in zip(job_list, rendered)]
    write_files_atomically(files)
    return [path for path, _ in files]
