"""Write a set of files into a folder all or nothing, even when the process is killed.

A build replaces hundreds of files; a rename of each cannot be one atomic step.  So:

1. **Lock**: the output folder is locked with ``flock`` on the folder itself (no lock
   file is left behind; the kernel drops the lock when the process dies, even by
   ``kill -9``).  A second writer into the same folder waits until the first is done.
2. **Recover**: a hidden staging folder left by an interrupted run is finished or
   rolled back first (see below), and the caller is told which.
3. **Stage**: every new file is written (and fsync'ed) under ``.workplan-docs-staging/new/``
   inside the output folder, on the same file system as its target, and each file it
   replaces gets a second name (a hard link) under ``old/``.  A kill here leaves the
   output folder untouched; recovery deletes the staging folder.
4. **Commit**: ``journal.json`` (the files, whether each had an old version, the folders
   to create) is written and renamed into place.  From this instant the new set is
   complete on disk, so recovery rolls *forward*.
5. **Move**: each staged file is renamed over its target.  A kill here leaves a mix
   for a moment; the next run finishes the moves from the journal.  An error here (a
   file open in Word on Windows, a full disk for a folder) marks the journal
   ``back`` and puts every old file back from ``old/``: the caller sees the folder as
   it was.
6. **Clean**: the staging folder goes, the journal last; nothing ``.tmp`` or ``.bak``
   remains after a successful run.

Every recovery step is idempotent, so a kill during recovery is recovered again.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
from collections.abc import Callable, Generator, Iterable, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Iterator

from .errors import Problem, WorkplanError

STAGING = ".workplan-docs-staging"
JOURNAL = "journal.json"
_NEW, _OLD = "new", "old"
Notice = Callable[[str], None]

# What the next run says it did with an interrupted one.
ROLLED_BACK = "上次写入在准备文件时被中断，已删除未完成的临时文件，原有文件未改动"
FINISHED = "上次写入在替换文件时被中断，已按记录完成替换：文件夹中是上次写入的完整结果（{count} 个文件）"
RESTORED = "上次写入失败后未能完全恢复，已按记录恢复原有文件"
WAITING = "另一个任务正在写入此文件夹，等待其完成……"

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


def _stderr_notice(root: Path) -> Notice:
    return lambda message: print(f"注意: {root}: {message}", file=sys.stderr)


def write_files(
    files: Sequence[tuple[Path, bytes]],
    *,
    root: Path | None = None,
    protect: Iterable[str | Path] = (),
    notice: Notice | None = None,
) -> None:
    """Write ``files`` (target, content) into ``root`` (default: their common folder): all or none.

    ``protect`` names the command's input files: a target that is (or resolves to) one of
    them is refused before anything is written.  ``notice`` receives the one-line
    messages about waiting for the lock and recovering an interrupted run (default:
    printed to stderr).  Raises ``WorkplanError`` naming the file on any failure, after
    putting the folder back as it was.
    """
    write_streamed([target for target, _ in files], [data for _, data in files], root=root, protect=protect,
                   notice=notice)


def write_streamed(
    targets: Sequence[Path],
    contents: Iterable[bytes],
    *,
    root: Path | None = None,
    protect: Iterable[str | Path] = (),
    notice: Notice | None = None,
) -> None:
    """``write_files`` for contents made while they are written: each of ``contents`` (one
    per target, in order) is staged as it comes, so a build writes its files while its
    workers still render the next ones (95 seed files: 40 ms of fsync hidden behind the
    render).  An exception of ``contents`` leaves the folder as it was and is raised as it is."""
    if not targets:
        return
    root = Path(root) if root is not None else Path(os.path.commonpath([str(t.parent) for t in targets]))
    relative = [_relative(target, root) for target in targets]
    refuse_inputs(targets, protect)
    say = notice or _stderr_notice(root)
    made: list[Path] = []
    target = targets[0]
    try:
        _make_folders(root, made)
        with _locked(root, say):
            message = recover(root)
            if message:
                say(message)
            _stage_and_move(root, relative, _produced(contents))
    except BaseException as error:
        if isinstance(contents, Generator):
            contents.close()  # its producer stops now (a build's workers drop what they have not begun)
        for folder in reversed(made):
            with suppress(OSError):
                folder.rmdir()
        if isinstance(error, _NotMade):
            raise error.cause from None
        if isinstance(error, _Failed):
            target, error = root / error.relative, error.cause
        if isinstance(error, OSError):
            reason = _WRITE_FAILURES.get(error.errno or 0, error.strerror or str(error))
            raise WorkplanError(Problem(f"写入失败：{reason}，未生成任何文件", str(target))) from None
        raise


class _NotMade(Exception):
    """A content that could not be made: its producer's exception, kept apart from the
    write failures (an OSError of a renderer is not a full disk)."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _produced(contents: Iterable[bytes]) -> Iterator[bytes]:
    iterator = iter(contents)
    while True:
        try:
            data = next(iterator)
        except StopIteration:
            return
        except Exception as error:
            raise _NotMade(error) from error
        yield data


def _make_folders(folder: Path, made: list[Path]) -> None:
    """Create ``folder`` and its missing parents, recording each one created (parents first)."""
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


def _relative(target: Path, root: Path) -> str:
    try:
        relative = target.relative_to(root)
    except ValueError:
        raise ValueError(f"{target} is not inside {root}") from None
    if not relative.parts or ".." in relative.parts or relative.parts[0] == STAGING:
        raise ValueError(f"{target} is not a file inside {root}")
    return relative.as_posix()


def refuse_inputs(targets: Iterable[Path], protect: Iterable[str | Path]) -> None:
    """An output that is an input file (same file through a symlink, a hard link, another
    spelling of the path, or another letter case on a case-insensitive disk) is refused."""
    inputs = [Path(p) for p in protect if p is not None and Path(p).exists()]
    for target in targets:
        if not os.path.lexists(target):
            continue
        for source in inputs:
            with suppress(OSError):
                if os.path.samefile(target, source):
                    raise WorkplanError(Problem(
                        f"输出文件就是输入文件“{source}”，写入会覆盖它，未写入任何文件：请换一个输出位置", str(target)))


class _Failed(Exception):
    """An OSError while writing one file, with the file it concerns."""

    def __init__(self, relative: str, cause: OSError) -> None:
        super().__init__(relative)
        self.relative, self.cause = relative, cause


@contextmanager
def _locked(root: Path, say: Notice) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the folder itself; wait (saying so) while another holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; the journal still makes each run all-or-nothing
        yield
        return
    handle = os.open(root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(WAITING)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock


def _stage_and_move(root: Path, relative: list[str], contents: Iterable[bytes]) -> None:
    staging = root / STAGING
    staging.mkdir()
    try:
        had_old = _stage(root, staging, relative, contents)
        folders = _missing_folders(root, relative)
        _write_journal(staging, {"files": relative, "old": had_old, "folders": folders, "state": "forward"})
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        _roll_forward(root, staging, relative, folders)
    except BaseException:
        journal = {"files": relative, "old": had_old, "folders": folders, "state": "back"}
        with suppress(OSError):  # even unmarked, the roll-back below leaves nothing to roll forward
            _write_journal(staging, journal)
        if _roll_back(root, staging, journal):
            with suppress(OSError):
                _clean(staging)
        raise
    _clean(staging)


def _stage(root: Path, staging: Path, relative: list[str], contents: Iterable[bytes]) -> list[bool]:
    """Write each new file under ``new/`` and link each file it replaces under ``old/``."""
    for name, data in zip(relative, contents, strict=True):
        path = staging / _NEW / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        except OSError as error:
            raise _Failed(name, error) from None
    had_old = []
    for name in relative:
        target = root / name
        exists = os.path.lexists(target)
        had_old.append(exists)
        if not exists:
            continue
        if target.is_dir() and not target.is_symlink():
            raise _Failed(name, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
        backup = staging / _OLD / name
        backup.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(target, backup, follow_symlinks=False)
        except OSError:  # a file system without hard links: a copy does
            shutil.copy2(target, backup, follow_symlinks=False)
    return had_old


def _missing_folders(root: Path, relative: list[str]) -> list[str]:
    """Folders (relative, parents first) the move will create: a roll-back removes them."""
    missing: dict[str, None] = {}
    for name in relative:
        for parent in reversed(Path(name).parents[:-1]):
            if not (root / parent).exists():
                missing[parent.as_posix()] = None
    return list(missing)


def _write_journal(staging: Path, journal: dict[str, Any]) -> None:
    """Replace the journal in one rename: a reader sees the old one or the new one."""
    temporary = staging / f"{JOURNAL}.new"
    with open(temporary, "w", encoding="utf-8") as stream:
        json.dump(journal, stream, ensure_ascii=False)
        stream.flush()
        os.fsync(stream.fileno())
    os.rename(temporary, staging / JOURNAL)
    folder = os.open(staging, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _read_journal(staging: Path) -> dict[str, Any]:
    return json.loads((staging / JOURNAL).read_text(encoding="utf-8"))


def _roll_forward(root: Path, staging: Path, relative: list[str], folders: list[str]) -> int:
    """Move every staged file still waiting onto its target; returns how many moved."""
    for folder in folders:
        (root / folder).mkdir(exist_ok=True)
    moved = 0
    for name in relative:
        staged = staging / _NEW / name
        if os.path.lexists(staged):
            try:
                os.replace(staged, root / name)
            except OSError as error:
                raise _Failed(name, error) from None
            moved += 1
    return moved


def _roll_back(root: Path, staging: Path, journal: dict[str, Any]) -> bool:
    """Put back each old file and remove each new one; True when every old file is back.

    The staged new files go first, so that nothing is left to roll forward.  Each step
    is tried even when one fails, and repeating the whole is harmless.
    """
    shutil.rmtree(staging / _NEW, ignore_errors=True)
    restored = True
    for name, had_old in zip(journal["files"], journal["old"]):
        try:
            if not had_old:
                (root / name).unlink(missing_ok=True)
                continue
            backup = staging / _OLD / name
            if os.path.lexists(backup):
                os.replace(backup, root / name)
        except OSError:
            restored = False
    for folder in reversed(journal["folders"]):
        with suppress(OSError):
            (root / folder).rmdir()
    return restored


def _clean(staging: Path) -> None:
    """Remove the staging folder; the journal goes last, so a kill here is recovered again."""
    shutil.rmtree(staging / _NEW, ignore_errors=True)
    shutil.rmtree(staging / _OLD, ignore_errors=True)
    (staging / f"{JOURNAL}.new").unlink(missing_ok=True)
    (staging / JOURNAL).unlink(missing_ok=True)
    staging.rmdir()


def recover(root: str | Path) -> str | None:
    """Finish or roll back a write into ``root`` that was interrupted; say which (None: nothing to do).

    Call it only while holding the folder's lock (``write_files`` does).
    """
    staging = Path(root) / STAGING
    if not os.path.lexists(staging):
        return None
    if staging.is_symlink() or not staging.is_dir():
        staging.unlink()
        return None
    try:
        journal = _read_journal(staging)
    except (OSError, ValueError):
        journal = None
    if journal is None:
        leftovers = os.path.lexists(staging / _NEW) or os.path.lexists(staging / _OLD)
        shutil.rmtree(staging)
        return ROLLED_BACK if leftovers else None
    if journal.get("state") == "back":
        if not _roll_back(Path(root), staging, journal):
            raise WorkplanError(Problem("上次写入失败后有文件未能恢复，请检查文件是否正被打开后重试", str(root)))
        _clean(staging)
        return RESTORED
    try:
        moved = _roll_forward(Path(root), staging, journal["files"], journal["folders"])
    except _Failed as failed:
        reason = _WRITE_FAILURES.get(failed.cause.errno or 0, failed.cause.strerror)
        raise WorkplanError(Problem(f"无法完成上次中断的写入：{reason}", str(Path(root) / failed.relative))) from None
    _clean(staging)
    return FINISHED.format(count=len(journal["files"])) if moved else None
