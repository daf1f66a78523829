"""A build writes every file or none: failures in the middle (a writer that raises, a full
disk, a read-only folder, a rename refused, Ctrl-C) leave the output folder exactly as it
was, with no partial, temporary or backup file, and a one-line message.

Running as root, chmod cannot make a folder read-only, so the faults are made either by
failing one system call, or for real on a tiny tmpfs when ``mount`` is allowed here.
"""

from __future__ import annotations

import errno
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import workplan_docs
from workplan_docs import pipeline
from workplan_docs.errors import WorkplanError
from workplan_docs.cli import main

from .conftest import SAMPLE_PLAN

OLD = b"old content, kept unless replaced by a complete new file"


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under ``folder``: files with their bytes, folders as None."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An output folder holding an earlier attachment and a file of the user's own."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "附件.docx").write_bytes(OLD)
    (folder / "附件.xlsx").write_bytes(OLD)
    (folder / "说明.txt").write_bytes(b"the user's own file")
    return folder


def build(out: Path, *extra: str) -> int:
    return main(["build", str(SAMPLE_PLAN), "-o", str(out), "--jobs", "1", *extra])


def test_a_writer_failing_midway_leaves_the_folder_as_it_was(out: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(out)
    rendered = []
    real_render = pipeline.render

    def render(document, style, fmt, **options):  # type: ignore[no-untyped-def]
        if len(rendered) == 5:
            raise RuntimeError("writer bug\nsecond line")
        rendered.append(fmt)
        return real_render(document, style, fmt, **options)

    monkeypatch.setattr(pipeline, "render", render)
    assert build(out) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "内部错误：RuntimeError: writer bug second line（未写入文件）。"
        "请将此信息报告给维护者；设置环境变量 WORKPLAN_DOCS_DEBUG=1 可查看详细信息"
    ]
    assert snapshot(out) == before


def test_debug_variable_shows_the_traceback(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "render", lambda *a, **k: 1 / 0)
    monkeypatch.setenv("WORKPLAN_DOCS_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        build(out)


def fail_on_call(monkeypatch: pytest.MonkeyPatch, name: str, call: int, error: BaseException) -> None:
    """Make ``os.<name>`` raise ``error`` on its ``call``-th use (1-based) by the pipeline."""
    real = getattr(os, name)
    calls = []

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        if len(calls) == call:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline.os, name, failing)


def test_disk_full_while_writing_removes_every_temporary_file(out: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(out)
    fail_on_call(monkeypatch, "fsync", 7, OSError(errno.ENOSPC, "No space left on device"))
    assert build(out, "--reports", "attachment,quarterly,matrix") == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith(": 写入失败：磁盘空间不足，未生成任何文件") and line.startswith(str(out))
    assert snapshot(out) == before


def test_a_rename_refused_midway_puts_back_the_files_already_replaced(out: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The third rename fails (on Windows: a file open in Word); the first two had replaced
    附件.docx and 附件.xlsx, which get their old content back."""
    before = snapshot(out)
    fail_on_call(monkeypatch, "replace", 3, PermissionError(errno.EACCES, "Permission denied"))
    assert build(out, "--reports", "attachment") == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line == f"{out / '附件.pdf'}: 写入失败：没有写入权限（文件是否正被 Word、Excel 或 WPS 打开？），未生成任何文件"
    assert snapshot(out) == before


def test_interrupt_while_writing_leaves_nothing(out: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(out)
    fail_on_call(monkeypatch, "fsync", 2, KeyboardInterrupt())
    assert build(out, "--reports", "attachment") == 130
    assert capsys.readouterr().err.strip() == "已中断，未写入文件。"
    assert snapshot(out) == before


def test_a_new_output_folder_is_removed_again_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_on_call(monkeypatch, "fsync", 30, OSError(errno.ENOSPC, "No space left on device"))
    assert build(tmp_path / "new" / "out") == 2
    assert list(tmp_path.iterdir()) == []


def test_success_replaces_old_files_and_keeps_the_users_own(out: Path) -> None:
    assert build(out, "--reports", "attachment") == 0
    files = snapshot(out)
    assert sorted(files) == ["说明.txt", "附件.docx", "附件.pdf", "附件.xlsx"]
    assert files["说明.txt"] == b"the user's own file"
    assert files["附件.docx"] != OLD and files["附件.xlsx"] != OLD


def test_an_output_name_taken_by_a_folder_is_refused_whole(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (out / "附件.pdf").mkdir()
    before = snapshot(out)
    assert build(out, "--reports", "attachment") == 2
    assert "写入失败" in capsys.readouterr().err
    assert snapshot(out) == before


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 256 KB file system (tmpfs), when this machine lets us mount one."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)],
                            capture_output=True, check=False)
    if result.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root outside a restricted sandbox)")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_really_full_disk(tiny_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tiny_disk / "附件.docx").write_bytes(OLD)
    before = snapshot(tiny_disk)
    assert build(tiny_disk) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith("写入失败：磁盘空间不足，未生成任何文件")
    assert snapshot(tiny_disk) == before


def test_really_read_only_folder(tiny_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tiny_disk / "附件.docx").write_bytes(OLD)
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    assert build(tiny_disk / "out", "--reports", "attachment") == 2
    assert capsys.readouterr().err.strip() == f"{tiny_disk / 'out' / '附件.docx'}: 写入失败：文件夹只读，未生成任何文件"
    assert snapshot(tiny_disk) == {"附件.docx": OLD}


def test_files_are_staged_while_the_pool_still_renders(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build in worker processes stages each file as it comes back (its fsync hidden behind
    the render); a renderer failing after some files were staged still leaves the folder as it
    was, and its own error comes out, not a write failure."""
    staged_meanwhile: list[bool] = []
    real_render_all = pipeline._render_all

    def render_all(jobs, *args):  # type: ignore[no-untyped-def]
        for k, data in enumerate(real_render_all(jobs, *args)):
            if k == 3:
                staged = out / ".workplan-docs-staging" / "new"
                staged_meanwhile.append(any(staged.rglob("*.*")))
            yield data

    monkeypatch.setattr(pipeline, "_render_all", render_all)
    assert main(["build", str(SAMPLE_PLAN), "-o", str(out), "--jobs", "2", "--reports", "units"]) == 0
    assert staged_meanwhile == [True] and not (out / ".workplan-docs-staging").exists()

    before = snapshot(out)

    def failing(jobs, *args):  # type: ignore[no-untyped-def]
        for k, data in enumerate(real_render_all(jobs, *args)):
            if k == 5:
                raise PermissionError(errno.EACCES, "a font file became unreadable")
            yield data

    monkeypatch.setattr(pipeline, "_render_all", failing)
    with pytest.raises(PermissionError, match="font file"):
        pipeline.build(SAMPLE_PLAN, out, reports=["units"], jobs=2)
    assert snapshot(out) == before



def test_a_write_failing_early_stops_the_render(out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The staging of the first file fails (a full disk): the build reports it at once, its
    workers dropping the documents they had not begun, and the folder is as it was.  The
    other documents are made slow to render, so that the first is back long before them."""
    log = tmp_path / "rendered.log"
    outputs = pipeline.plan_outputs(workplan_docs.load(SAMPLE_PLAN), reports=["units"])
    real_render_job = pipeline._render_job

    def logged(job, *args):  # type: ignore[no-untyped-def]  # runs in the forked workers
        if job.output.path != outputs[0].path:
            time.sleep(0.1)
        with open(log, "a", encoding="utf-8") as stream:
            stream.write(job.path + "\n")
        return real_render_job(job, *args)

    monkeypatch.setattr(pipeline, "_render_job", logged)
    fail_on_call(monkeypatch, "fsync", 1, OSError(errno.ENOSPC, "No space left on device"))
    before = snapshot(out)
    with pytest.raises(WorkplanError, match="磁盘空间不足"):
        pipeline.build(SAMPLE_PLAN, out, reports=["units"], jobs=2)
    assert snapshot(out) == before
    assert len(log.read_text(encoding="utf-8").splitlines()) < 3 * len(outputs) / 2
