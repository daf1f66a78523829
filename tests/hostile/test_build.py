"""Hostile and careless use of the writing side: kills at random moments, a second build into
the same folder, outputs that would replace an input, file names from invisible or reserved
characters, colliding output names, returned feedback forms built to hurt, progress data
edited by hand.

Each case is answered with its exact lines and exit status.  The command runs in a child
process held to 300 MB of address space and 5 s of CPU time (a limit that is hit kills the
child, which fails the exact-line check); the big files are generated here.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from workplan_docs import pipeline, transaction
from workplan_docs.filenames import safe_file_name
from workplan_docs.transaction import FINISHED, JOURNAL, ROLLED_BACK, STAGING, WAITING

from ..conftest import SAMPLE_PLAN
from ..test_feedback import fill

MEMORY_BYTES = 300 * 1024 * 1024
CPU_SECONDS = 5
CLI = [sys.executable, "-m", "workplan_docs.cli"]
ITEM = {"task": "开展调研", "schedule": "全年"}


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process under the memory and CPU limits, within 30 s of wall time."""
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=30,
                          preexec_fn=_limits, cwd=cwd)


def refused(result: subprocess.CompletedProcess[str]) -> list[str]:
    """stderr lines of a refusal (exit 2, nothing on stdout)."""
    assert result.returncode == 2 and result.stdout == "", (result.returncode, result.stdout, result.stderr)
    return result.stderr.splitlines()


def quiet(stderr: str) -> list[str]:
    """stderr lines without the warning every plan without a unit registry gets."""
    return [line for line in stderr.splitlines() if "计划没有单位登记表" not in line]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every entry under ``folder``, hidden ones included: files with their bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>" for p in sorted(folder.rglob("*"))}


def plan_file(path: Path, items: list[dict], **top: object) -> Path:
    data = {"title": "测试计划", **top, "items": [{"seq": n, **ITEM, **item} for n, item in enumerate(items, 1)]}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# ---- kill -9 at random moments ----

CHILD = """
import sys
from pathlib import Path
from workplan_docs.transaction import write_files
root, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
files = [(root / f"分工表/单位{i:04d}.docx", f"{tag}{i} ".encode() * 300) for i in range(count)]
files += [(root / f"报告{i}.pdf", f"{tag}{i} top ".encode() * 100) for i in range(10)]
write_files(files, root=root)
"""
UNITS = 400


def expected_set(tag: str) -> dict[str, bytes]:
    files = {f"分工表/单位{i:04d}.docx": f"{tag}{i} ".encode() * 300 for i in range(UNITS)}
    files.update({f"报告{i}.pdf": f"{tag}{i} top ".encode() * 100 for i in range(10)})
    return {"分工表": b"<dir>", **files}


@pytest.fixture
def fast_folder(tmp_path: Path) -> Path:
    """A folder on tmpfs when there is one: a kill is a kill on any file system, and fsync of
    400 files on a disk would take most of the time limit."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = shm / f"workplan-kill-{os.getpid()}-{tmp_path.name}"
        folder.mkdir()
        yield folder
        shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path


def wait_for(path: Path, process: subprocess.Popen[bytes], gone: bool = False, timeout: float = 20) -> float:
    """Poll until ``path`` exists (or, with ``gone``, no longer exists) or the process ended;
    the moment that was seen."""
    deadline = time.monotonic() + timeout
    while os.path.lexists(path) == gone and process.poll() is None:
        assert time.monotonic() < deadline, f"{path} never {'went' if gone else 'appeared'}"
        time.sleep(0.0002)
    return time.monotonic()


def start(root: Path, tag: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(root), tag, str(UNITS)])


def test_twenty_random_kills_leave_the_old_set_or_the_new_set(fast_folder: Path) -> None:
    """kill -9 in the staging phase and in the moving phase, alternately, at random moments
    within each phase as timed by a calibration run; after each, recovery leaves exactly one
    complete set and says which way it went.  Twenty kills at least, and more (up to 40)
    until both a staging kill and a kill in the middle of the moves have happened."""
    root = fast_folder / "out"
    staging = root / STAGING
    process = start(root, "A")
    staged = wait_for(staging, process)
    committed = wait_for(staging / JOURNAL, process)
    moved = wait_for(staging / "new", process, gone=True)  # the staged files go once all are moved
    assert process.wait(timeout=20) == 0
    assert snapshot(root) == expected_set("A")
    stage_time, move_time = committed - staged, moved - committed

    rng = random.Random(13)
    current, other = "A", "B"
    seen = {"mixed": 0, ROLLED_BACK: 0, FINISHED: 0}
    kills = 0
    while kills < 20 or (not (seen["mixed"] and seen[ROLLED_BACK]) and kills < 40):
        process = start(root, other)
        if kills % 2 == 0:  # staging: between the staging folder appearing and the journal
            wait_for(staging, process)
            time.sleep(rng.uniform(0, stage_time))
        else:  # moving: from the journal's commit to the last move
            wait_for(staging / JOURNAL, process)
            time.sleep(rng.uniform(0, move_time))
        process.kill()
        process.wait(timeout=20)
        kills += 1
        before = snapshot(root)
        tags = {data[:1] for name, data in before.items() if not name.startswith(STAGING) and data != b"<dir>"}
        seen["mixed"] += tags == {b"A", b"B"}
        message = transaction.recover(root)
        after = snapshot(root)
        assert after in (expected_set(current), expected_set(other)), f"kill {kills}: mixed or damaged folder"
        if after == expected_set(other):
            assert message in (None, FINISHED.format(count=UNITS + 10)), kills
            current, other = other, current
        else:
            assert message in (None, ROLLED_BACK), kills
        if message:
            seen[message if message == ROLLED_BACK else FINISHED] += 1
    # the kills did land inside both phases, not only before or after them
    assert seen["mixed"] and seen[FINISHED] and seen[ROLLED_BACK], (kills, seen)


def units_plan(path: Path, count: int = 60) -> Path:
    return plan_file(path, [{"lead": [f"第{n:03d}检测所"]} for n in range(count)])


def test_a_build_killed_while_moving_files_in_is_finished_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1262304000")  # every build of the plan gives the same bytes
    plan = units_plan(tmp_path / "plan.json")
    build = [*CLI, "build", str(plan), "--reports", "units", "--formats", "docx", "--jobs", "1", "-o"]
    reference = tmp_path / "reference"
    pipeline.build(plan, reference, reports=["units"], formats=["docx"], jobs=1)
    out = tmp_path / "out"
    (out / "分工表").mkdir(parents=True)
    (out / "分工表" / "分工表汇总.docx").write_bytes(b"old")
    process = subprocess.Popen([*build, str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(out / STAGING / JOURNAL, process, timeout=60)
    time.sleep(random.uniform(0, 0.01))
    process.kill()
    process.wait(timeout=20)
    result = subprocess.run([*build, str(out)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    finished = f"警告: {out}: {FINISHED.format(count=61)}"
    assert quiet(result.stderr) in ([finished], [])  # [] when the kill came after the last move
    assert snapshot(out) == snapshot(reference)


def test_a_second_build_into_the_same_folder_waits_for_the_first(tmp_path: Path) -> None:
    plan = plan_file(tmp_path / "plan.json", [{"lead": ["科技司"]}])
    out = tmp_path / "out"
    out.mkdir()
    holder = os.open(out, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # a build of another process is writing here
    try:
        process = subprocess.Popen([*CLI, "build", str(plan), "-o", str(out), "--reports", "attachment"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stderr is not None
        line = process.stderr.readline()
        while "计划没有单位登记表" in line:
            line = process.stderr.readline()
        assert line == f"警告: {out}: {WAITING}\n"
        time.sleep(0.3)
        assert process.poll() is None and os.listdir(out) == []  # waiting, nothing written
    finally:
        os.close(holder)
    stdout, stderr = process.communicate(timeout=30)
    assert (process.returncode, quiet(stderr)) == (0, [])
    assert sorted(os.listdir(out)) == ["附件.docx", "附件.pdf", "附件.xlsx"]


def test_an_interrupted_staging_is_rolled_back_and_said_so(tmp_path: Path) -> None:
    """A staging folder without a journal (killed while writing) is removed on the next run."""
    plan = plan_file(tmp_path / "plan.json", [{"lead": ["科技司"]}])
    out = tmp_path / "out"
    (out / STAGING / "new").mkdir(parents=True)
    (out / STAGING / "new" / "附件.docx").write_bytes(b"half")
    result = run("build", plan, "-o", out, "--reports", "attachment", "--formats", "docx")
    assert (result.returncode, quiet(result.stderr)) == (0, [f"警告: {out}: {ROLLED_BACK}"])
    assert sorted(os.listdir(out)) == ["附件.docx"]


# ---- never overwrite an input ----


@pytest.fixture(scope="module")
def word_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The office's only Word copy of the attachment."""
    folder = tmp_path_factory.mktemp("word")
    subprocess.run([*CLI, "build", str(SAMPLE_PLAN), "-o", str(folder), "--reports", "attachment", "--formats", "docx"],
                   check=True, capture_output=True, timeout=60)
    return folder / "附件.docx"


def test_import_onto_its_own_source_is_refused(word_copy: Path) -> None:
    before = word_copy.read_bytes()
    folder = word_copy.parent
    link = folder / "链接.yaml"
    link.symlink_to(word_copy.name)
    cases = {
        str(word_copy): str(word_copy),
        "./附件.docx": "附件.docx",
        str(folder / "." / "附件.docx"): str(folder / "附件.docx"),
        str(link): str(link),
    }
    for output, shown in cases.items():
        lines = refused(run("import", word_copy, "-o", output, cwd=folder))
        assert lines == [f"{shown}: 输出文件就是输入文件“{word_copy}”，写入会覆盖它，未写入任何文件：请换一个输出位置"]
    assert word_copy.read_bytes() == before
    assert refused(run("import", word_copy, "-o", folder)) == [f"{folder}: 这是一个文件夹，-o 应为计划文件（.yaml）"]
    assert refused(run("import", word_copy, "-o", folder / "副本.docx")) == [
        f"{folder / '副本.docx'}: -o 应为计划文件（.yaml），不能写成 .docx 文件（写入的是 YAML 文本）"]
    assert sorted(p.name for p in folder.iterdir()) == ["链接.yaml", "附件.docx"]


def test_build_whose_outputs_would_replace_the_plan_is_refused_before_rendering(word_copy: Path) -> None:
    before = snapshot(word_copy.parent)
    lines = refused(run("build", word_copy, "-o", word_copy.parent, "--reports", "attachment"))
    assert lines[-1] == (f"{word_copy}: 输出文件就是输入文件“{word_copy}”，写入会覆盖它，未写入任何文件：请换一个输出位置")
    assert all(line.startswith("警告: ") for line in lines[:-1])
    assert snapshot(word_copy.parent) == before


# ---- file names ----


@pytest.mark.parametrize("name, expected", [
    ("\u202egpj.exe", "gpj.exe"),           # RIGHT-TO-LEFT OVERRIDE: "exe.jpg" on screen
    ("科\u200b技\u2060司\ufeff", "科技司"),   # zero-width space, word joiner, BOM
    ("\u2067认监委\u2069", "认监委"),          # isolates
    ("COM¹", "_COM¹"), ("lpt³.docx", "_lpt³.docx"), ("COM0", "_COM0"), ("CONIN$", "_CONIN$"),
    ("nul .txt", "_nul .txt"), ("COM10", "COM10"), ("\u200b", "_"),
])
def test_invisible_characters_and_reserved_names_never_reach_a_file_name(name: str, expected: str) -> None:
    assert safe_file_name(name) == expected


def test_text_keeps_the_invisible_characters_its_file_name_drops(tmp_path: Path) -> None:
    from docx import Document

    plan = plan_file(tmp_path / "plan.json", [{"lead": ["\u202e科技司"]}])
    result = run("build", plan, "-o", tmp_path / "out", "--reports", "units", "--formats", "docx")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out" / "分工表").iterdir()) == ["分工表汇总.docx", "科技司.docx"]
    text = "\n".join(p.text for p in Document(str(tmp_path / "out" / "分工表" / "科技司.docx")).paragraphs)
    assert "\u202e科技司" in text


def test_units_differing_only_by_invisible_characters_are_reported(tmp_path: Path) -> None:
    plan = plan_file(tmp_path / "plan.json", [{"lead": ["科技司"]}, {"lead": ["法规司"], "participants": ["科技\u2060司"]}])
    lines = refused(run("build", plan, "-o", tmp_path / "out"))
    assert lines[-1] == f"{plan}: 序号 2: participants: 单位“科技\u2060司”与“科技司”只差不可见字符（U+2060），看起来是同一单位：请统一写法"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("items, top, expected", [
    ([{"lead": ["科技司"]}], {"attachment": "进度图"},
     "{plan}: attachment: 附件标识“进度图”与报告 gantt 的文件名相同（进度图），两者无法同时写入：请修改附件标识，或不同时生成这两个报告"),
    ([{"lead": ["科技司:一处"]}, {"lead": ["科技司/一处"]}], {},
     "{plan}: 序号 2: lead: 单位“科技司/一处”的分工表与单位“科技司:一处”的分工表的文件名相同（科技司_一处），无法各自成文件：请修改名称以便区分"),
    ([{"lead": ["分工表汇总"]}], {},
     "{plan}: 序号 1: lead: 单位“分工表汇总”的分工表与分工表汇总的文件名相同（分工表汇总），无法各自成文件：请修改名称以便区分"),
    ([{"lead": ["Lab"]}, {"lead": ["LAB"]}], {},
     "{plan}: 序号 2: lead: 单位“LAB”的分工表与单位“Lab”的分工表的文件名相同（LAB），无法各自成文件：请修改名称以便区分"),
])
def test_two_outputs_with_one_file_name_are_found_before_anything_is_written(
    tmp_path: Path, items: list[dict], top: dict, expected: str
) -> None:
    """Every build with the attachment labelled 进度图 failed with "No such file or directory"."""
    plan = plan_file(tmp_path / "plan.json", items, **top)
    lines = refused(run("build", plan, "-o", tmp_path / "out"))
    assert lines[-1] == expected.format(plan=plan)
    assert not (tmp_path / "out").exists()


def test_two_units_whose_forms_would_share_a_file_are_named(tmp_path: Path) -> None:
    plan = plan_file(tmp_path / "plan.json", [{"lead": ["科技司:一处"]}, {"lead": ["科技司?一处"]}], year=2010)
    lines = refused(run("feedback", plan, "-o", tmp_path / "forms", "--quarter", "2"))
    assert lines[-1] == (f"{plan}: 序号 2: lead: 单位“科技司?一处”的反馈表与单位“科技司:一处”的反馈表的文件名相同"
                         "（科技司_一处_2010年第二季度进展反馈表），无法各自成文件：请修改名称以便区分")
    assert not (tmp_path / "forms").exists()


# ---- returned feedback forms ----


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The seed's second-quarter forms, filled: two good ones and one to spoil per case."""
    root = tmp_path_factory.mktemp("forms")
    subprocess.run([*CLI, "feedback", str(SAMPLE_PLAN), "-o", str(root / "sent"), "--quarter", "2"],
                   check=True, capture_output=True, timeout=60)
    sent = {p.name.split("_")[0]: p for p in (root / "sent").iterdir()}
    return {unit: fill(path, root / "filled" / path.name) for unit, path in sent.items()}


def rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes], extra: dict[str, bytes] | None = None,
            stored: bool = False) -> Path:
    """A copy of the package ``source`` with each member passed through ``change``, plus ``extra``."""
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(buffer, "w", method) as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info)))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(buffer.getvalue())
    return target


FORM_SHEET_XML = "xl/worksheets/sheet1.xml"  # 进展反馈 is the first sheet, _meta the second


def in_sheet(extra_rows: bytes) -> Callable[[str, bytes], bytes]:
    return lambda name, data: data.replace(b"</sheetData>", extra_rows + b"</sheetData>") if name == FORM_SHEET_XML else data


def entity_in_sheet(name: str, data: bytes) -> bytes:
    """An internal entity that would put "内部意见" into a report where the unit wrote 按计划推进."""
    if name != FORM_SHEET_XML:
        return data
    declaration = '<!DOCTYPE worksheet [<!ENTITY note "内部意见">]>'.encode()
    body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
    return b'<?xml version="1.0" encoding="UTF-8"?>' + declaration + body.replace("按计划推进".encode(), b"&note;", 1)


def far_cell(name: str, data: bytes) -> bytes:
    return in_sheet(b'<row r="1048576"><c r="G1048576" t="inlineStr"><is><t>\xe5\xa4\x87\xe6\xb3\xa8</t></is></c></row>')(
        name, data)


def rows(count: int) -> Callable[[str, bytes], bytes]:
    """``count`` rows of text below the form, from row 20 on."""
    added = b"".join(b'<row r="%d"><c r="B%d" t="inlineStr"><is><t>%s</t></is></c></row>' % (n, n, b"x" * 40)
                     for n in range(20, 20 + count))
    return in_sheet(added)


def test_each_bad_form_is_reported_and_the_good_ones_are_collected(
    forms: dict[str, Path], tmp_path: Path
) -> None:
    back = tmp_path / "back"
    bad = {
        "entity": rewrite(forms["监督司"], back / "实体.xlsx", entity_in_sheet),
        "far": rewrite(forms["认监委"], back / "远处单元格.xlsx", far_cell),
        "rows": rewrite(forms["计量司"], back / "行数过多.xlsx", rows(5000)),
        "inflated": rewrite(forms["计量司"], back / "15MB.xlsx", rows(150_000)),
        "bomb": rewrite(forms["执法司"], back / "解压炸弹.xlsx", lambda n, d: d, {"xl/media/pad.bin": bytes(40 << 20)}),
    }
    big = rewrite(forms["科技司"], back / "图片15MB.xlsx", lambda n, d: d,
                  {"xl/media/image1.png": random.Random(1).randbytes(15 << 20)}, stored=True)
    good = shutil.copy(forms["法规司"], back / "法规司.xlsx")
    assert 15 << 20 < big.stat().st_size < 20 << 20
    assert 15 << 20 < zipfile.ZipFile(bad["inflated"]).getinfo(FORM_SHEET_XML).file_size < 20 << 20
    output = tmp_path / "progress.yaml"
    started = time.monotonic()
    result = run("collect", SAMPLE_PLAN, *bad.values(), big, good, "-o", output)
    assert time.monotonic() - started < 10
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        f"已收录  {big}（科技司 第二季度 10 项）",
        f"已收录  {good}（法规司 第二季度 3 项）",
        f"已写入 {output}：共 13 条报送。",
    ]
    assert result.stderr.splitlines() == [
        f"{bad['entity']}: “xl/worksheets/sheet1.xml”含有 DTD 声明（<!DOCTYPE>），Office 文档不会有这种内容，为安全起见拒绝读取",
        f"{bad['far']}: 第 1048576 行: A 列（序号）: 多出的行：没有序号（请勿增加行）",
        f"{bad['rows']}: 表中有内容的行超过 52 行（只应有 2 项工作），不是下发的反馈表：请使用下发的反馈表填写",
        f"{bad['inflated']}: 文档的 XML 内容过多（读到“{FORM_SHEET_XML}”时已超过 500000 个元素），不像工作安排文档，拒绝读取",
        f"{bad['bomb']}: 解压后过大（40 MB），不是由 workplan-docs 生成的反馈表",
        "未收录 5 份反馈表（问题见上），请退回修改后重新收集。",
    ]
    entries = yaml.safe_load(output.read_text(encoding="utf-8"))["entries"]
    assert {e["unit"] for e in entries} == {"科技司", "法规司"}
    assert not any("内部意见" in str(e) for e in entries)


def test_collect_output_must_be_a_file_that_is_not_an_input(forms: dict[str, Path], tmp_path: Path) -> None:
    form = forms["法规司"]
    assert refused(run("collect", SAMPLE_PLAN, form, "-o", tmp_path)) == [
        f"{tmp_path}: 这是一个文件夹，-o 应为进展数据文件（如 progress.yaml）"]
    assert refused(run("collect", SAMPLE_PLAN, form.parent, "-o", form)) == [
        f"{form}: 输出文件就是输入文件“{form}”，写入会覆盖它，未写入任何文件：请换一个输出位置"]
    assert refused(run("collect", SAMPLE_PLAN, form, "-o", SAMPLE_PLAN)) == [
        f"{SAMPLE_PLAN}: 输出文件就是输入文件“{SAMPLE_PLAN}”，写入会覆盖它，未写入任何文件：请换一个输出位置"]


@pytest.mark.parametrize("command", [
    ["feedback", str(SAMPLE_PLAN), "-o", "反馈表", "--quarter", "2"],
    ["collect", str(SAMPLE_PLAN), "收回", "-o", "progress.yaml", "--quarter", "2"],
    ["import", str(SAMPLE_PLAN)],
])
@pytest.mark.parametrize("year", ["0", "1899", "3000", "二〇一〇"])
def test_a_year_outside_1900_to_2999_is_refused(command: list[str], year: str, tmp_path: Path) -> None:
    lines = refused(run(*command, "--year", year, cwd=tmp_path))
    assert lines[-1] == (f"workplan-docs {command[0]}: 错误：--year：年份“{year}”应为 1900 到 2999 之间的整数，如 2010"
                         "（用 -h 查看帮助）")
    assert os.listdir(tmp_path) == []


def test_progress_entries_that_do_not_match_the_plan_are_refused_by_entry(
    forms: dict[str, Path], tmp_path: Path
) -> None:
    progress = tmp_path / "progress.yaml"
    assert run("collect", SAMPLE_PLAN, forms["法规司"], "-o", progress).returncode == 0
    data = yaml.safe_load(progress.read_text(encoding="utf-8"))
    assert [e["seq"] for e in data["entries"]] == [14, 15, 18]
    data["entries"][0]["seq"] = 99
    data["entries"][1]["unit"] = "科技司"
    data["entries"].append(dict(data["entries"][2], progress="另一份报送"))
    progress.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    lines = refused(run("build", SAMPLE_PLAN, "--progress", progress, "-o", tmp_path / "out",
                        "--reports", "progress", "--as-of", "2010-07-15"))
    assert lines[-3:] == [
        f"{progress}: 第 1 条: seq: 计划中没有序号 99",
        f"{progress}: 第 2 条: unit: “科技司”不是序号 15 的牵头单位（牵头：法规司）",
        f"{progress}: 第 4 条: 与第 3 条是同一任务、单位和报送期（第二季度）的报送，只能保留一条",
    ]
    assert not (tmp_path / "out").exists()
