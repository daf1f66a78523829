"""Collect returned feedback forms into progress data, taking only forms that are right.

Each form is checked as a whole against the plan, and taken whole or not at all:

- it must be an .xlsx made by ``feedback`` (its hidden ``_meta`` sheet present);
- for this plan as it is now (the plan fingerprint), and, when a period is given,
  for that period (a month, a quarter or a half year);
- for a lead unit of the plan, whose printed name matches the hidden one (a form
  retitled for another unit is refused);
- with every printed cell unchanged (title, unit, headings, 序号, 重要工作, 时间进度; the
  plan title under the form title may since have been polished), exactly
  the unit's tasks of that period (no row added, none deleted, none from another unit;
  the extensions recorded in the progress data collected into count, as for ``feedback``),
  and any carried over from earlier periods (which must be the unit's tasks whose time
  ran out before the period);
- 完成比例 empty or a whole number 0-100; the sign-off under the table filled (the fields
  ``required`` names: by default all four);
- 进展情况 and 完成状态 filled, 完成状态 one of the list.

Every problem names the file, the row and the column ("第 5 行: E 列（完成状态）").

A returned form is untrusted input from another office, and each is judged alone: the
package checks of import (``readers.ooxml``: no DTD, member count and sizes), a tighter
bound on its size once unpacked, a streaming read of only the rows that hold something
(a cell at G1048576 is one row, not a million), and a form with more than ``MAX_ROWS_OVER``
rows of content beyond its tasks is refused in one line.  Whatever fails while reading one form — a damaged package, a parser
error — is that form's problem; the other forms are still collected.

What an office wants from a batch with some bad forms: the good forms are taken (those
units are done) and written to progress.yaml, the bad ones are listed to be sent back,
and the command exits with status 2.  Collecting the same folder again after the bad
forms are corrected is safe: a report identical to one already taken is a no-op.

A report that differs from one already taken for the same task, unit and period is a
conflict: the form is refused unless ``replace`` is set, in which case the later form
(in the order given) wins.  Nothing is ever merged silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from ..errors import Problem, WorkplanError
from ..model import Item, Plan, check_text
from ..cycles import Period
from ..progress import STATUSES, Entry, Extension, ProgressFile, find_task, fingerprint, task_hash
from ..units import GENERIC_KIND
from .forms import (
    COLUMNS,
    FIRST_ROW,
    FORM_SHEET,
    FORMAT,
    FORMATS_READ,
    HEADER_ROW,
    HEADING_OF,
    LEGACY_COLUMNS,
    META_SHEET,
    REQUIRED,
    SIGNOFF,
    SIGNOFF_LABELS,
    SUBTITLE_ROW,
    UNIT_ROW,
    Form,
    form_for,
    header_texts,
    note_text,
    row_texts,
)

MAX_FORM_BYTES = 20 * 1024 * 1024
MAX_FORM_UNPACKED = 30 * 1024 * 1024  # a form as sent out is under 100 KB unpacked
MAX_ROWS_OVER = 50  # rows with content beyond the expected ones: past this the form is refused unread
MAX_PROBLEMS = 20  # per form: past this the list is cut, with a count of the rest
_META_FIELDS = 8  # at most, before the row headed "seq"
SIGNOFF_KEYS = tuple(SIGNOFF_LABELS)  # required by default: every field of the sign-off
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DATE = re.compile(r"(\d{4})\s*(?:[-/.．]|年)\s*(\d{1,2})\s*(?:[-/.．]|月)\s*(\d{1,2})\s*日?")


@dataclass
class FormResult:
    """One returned form: the reports read from it, or what is wrong with it."""

    source: str
    form: Form | None = None
    entries: list[tuple[int, Entry]] = field(default_factory=list)  # (sheet row, entry)
    problems: list[Problem] = field(default_factory=list)
    columns: tuple[tuple[str, str, float], ...] = COLUMNS  # those of the form's format
    version: str = ""  # the plan version the form was made from: its ``version``, else its fingerprint
    printed: dict[str, str] = field(default_factory=dict)  # a form of an earlier version: 序号 now → 序号 printed

    def problem(
        self, message: str, row: int | None = None, key: str | None = None, column: int | None = None,
        heading: str = "",
    ) -> None:
        """Record a problem at a cell: "第 5 行", "E 列（完成状态）"."""
        if key:
            column = next(n for n, (k, _, _) in enumerate(self.columns, start=1) if k == key)
            heading = HEADING_OF[key]
        where = None
        if column is not None:
            where = f"{_LETTERS[column - 1]} 列" + (f"（{heading}）" if heading else "")
        self.problems.append(Problem(message, self.source, f"第 {row} 行" if row else None, where))

    @property
    def label(self) -> str:
        """"科技司 2010年第二季度 10 项，计划版本“2010年6月调整”", for the summary; a form of an
        earlier version of the plan says so, with the 序号 that changed."""
        if self.form is None:
            return ""
        text = f"{self.form.unit} {self.form.period.label} {len(self.entries)} 项"
        if not self.printed:
            return text + (f"，计划版本“{self.version}”" if self.version else "")
        moves = "、".join(f"{old}→{new}" for new, old in self.printed.items() if old != new)
        return text + f"，据计划此前的版本“{self.version}”生成，任务按内容对应到当前计划" + (f"（序号 {moves}）" if moves else "")


@dataclass
class Collected:
    """The outcome of a batch: the merged progress data and the fate of every form."""

    progress: ProgressFile
    taken: list[FormResult] = field(default_factory=list)
    unchanged: list[FormResult] = field(default_factory=list)
    rejected: list[FormResult] = field(default_factory=list)
    replaced: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.taken)


def read_form(
    plan: Plan, path: str | Path, period: Period | None = None, required: Iterable[str] = SIGNOFF_KEYS,
    extensions: list[Extension] | None = None,
) -> FormResult:
    """Read and check one returned form; ``period`` refuses forms of other periods;
    ``required`` are the sign-off fields that must be filled (keys of ``SIGNOFF_LABELS``);
    ``extensions`` (approved, from the progress data) move tasks' periods as for the forms made.

    Never raises for what is in the file: every fault becomes one of the form's problems.
    """
    result = FormResult(str(path))
    try:
        _read_checked(plan, Path(path), result, period, tuple(required), extensions or [])
    except WorkplanError as error:
        result.problems.extend(p if p.source else p.at(result.source) for p in error.problems)
    except Exception:  # noqa: BLE001 - a parser failing on a damaged package is this form's problem
        result.problem("无法读取：文件已损坏或内容无法识别，请用 Excel 打开后另存为 .xlsx 再交回")
    if result.problems:
        result.entries = []
    if len(result.problems) > MAX_PROBLEMS:
        rest = len(result.problems) - MAX_PROBLEMS
        result.problems[MAX_PROBLEMS:] = [Problem(f"……另有 {rest} 个问题未列出", result.source)]
    return result


def _read_checked(
    plan: Plan, path: Path, result: FormResult, period: Period | None, required: tuple[str, ...],
    extensions: list[Extension],
) -> None:
    workbook = _open(path, result)
    if workbook is None:
        return
    try:
        meta = _read_meta(plan, workbook, result)
        if meta is None:
            return
        sheet = workbook[FORM_SHEET] if FORM_SHEET in workbook.sheetnames else None
        if sheet is None:
            result.problem(f"找不到工作表“{FORM_SHEET}”（工作表被改名或删除？）")
            return
        current = meta.get("plan") == fingerprint(plan)
        result.version = meta.get("version") or ("" if current else f"标识 {meta.get('plan', '')[:8]}")
        form = _expected_form(plan, meta, result, period, extensions) if current else _earlier_form(plan, meta, sheet, result, period)
        if form is None:
            return
        result.form = form
        legacy = meta["format"] != FORMAT
        result.columns = LEGACY_COLUMNS if legacy else COLUMNS
        if current:
            _check_meta_rows(form, meta["rows"], result)
        _check_header(plan, form, sheet, result)
        _read_rows(plan, form, sheet, result, () if legacy else required)
    finally:
        workbook.close()


def _open(path: Path, result: FormResult) -> Any:
    """The workbook in read-only (streaming) mode, once the package passed every check."""
    from openpyxl import load_workbook

    from ..readers.ooxml import check_package

    if not path.is_file():
        result.problem("文件不存在")
        return None
    if path.suffix.lower() != ".xlsx":
        hint = "，请在 Excel 中另存为 .xlsx" if path.suffix.lower() in (".xls", ".et", ".ods") else ""
        result.problem(f"不是 .xlsx 反馈表{hint}")
        return None
    if path.stat().st_size > MAX_FORM_BYTES:
        result.problem("文件过大，不是由 workplan-docs 生成的反馈表")
        return None
    unpacked = _unpacked_size(path)
    if unpacked > MAX_FORM_UNPACKED:
        result.problem(f"解压后过大（{unpacked / 1024 / 1024:.0f} MB），不是由 workplan-docs 生成的反馈表")
        return None
    check_package(path, "xlsx")
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of error on a damaged package
        result.problem("无法打开：文件已损坏或不是有效的 Excel（.xlsx）文件")
        return None


def _unpacked_size(path: Path) -> int:
    """The size the package's members declare (zipfile holds each member to it while inflating);
    0 for a file that is no zip, which ``check_package`` then names."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0


def _stored_rows(sheet: Any, first_row: int, width: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, the first ``width`` values) of each stored row from ``first_row`` on that
    holds a value, streamed as the sheet's XML is parsed.

    openpyxl's own ``iter_rows`` fills the gaps between stored rows with empty ones (a
    million for one cell at G1048576), so the read-only sheet's parser is used directly.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    book = sheet.parent
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for number, cells in parser.parse():
            if number < first_row:
                continue
            values: list[Any] = [None] * width
            for cell in cells:
                if cell["column"] <= width:
                    values[cell["column"] - 1] = cell["value"]
            if any(value not in (None, "") for value in values):
                yield number, tuple(values)


def _cell_text(value: Any) -> str:
    """A cell as the text the user sees: numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def _read_meta(plan: Plan, workbook: Any, result: FormResult) -> dict[str, Any] | None:
    if META_SHEET not in workbook.sheetnames:
        result.problem("不是由 workplan-docs feedback 生成的反馈表（缺少隐藏的标识信息），请使用下发的反馈表填写")
        return None
    rows = _META_FIELDS + 1 + len(plan.items) + MAX_ROWS_OVER  # the fields, a row per task (of any version), more
    cells = [
        tuple(_cell_text(value) for value in row)
        for row in workbook[META_SHEET].iter_rows(min_col=1, max_col=3, max_row=rows, values_only=True)
    ]
    header = next((n for n, row in enumerate(cells[:_META_FIELDS + 1]) if row[0] == "seq"), None)
    fields = {row[0]: row[1] for row in cells[:header]}
    if fields.get("format") not in FORMATS_READ or header is None:
        result.problem("反馈表的隐藏标识信息已损坏，请使用下发的反馈表填写")
        return None
    rows = [row for row in cells[header + 1:] if any(row)]
    return {**fields, "rows": [row[:2] for row in rows], "carried": {row[0] for row in rows if row[2]}}


def _meta_period(meta: dict[str, Any]) -> Period | None:
    """The form's period: ``period``/``index`` (format 3), ``quarter`` before."""
    try:
        year = int(meta["year"]) if meta.get("year") else None
        if "period" in meta:
            return Period(meta["period"], int(meta["index"]), year)
        return Period("quarter", int(meta["quarter"]), year)
    except (KeyError, ValueError):
        return None


def _period_and_unit(plan: Plan, meta: dict[str, Any], result: FormResult, wanted: Period | None) -> tuple[Period, str] | None:
    """The form's period (the one ``wanted``, when given) and unit, or None with the reason."""
    period = _meta_period(meta)
    if period is None:
        result.problem("反馈表的隐藏标识信息已损坏（报送期），请使用下发的反馈表填写")
        return None
    if wanted is not None and (
        (period.kind, period.index) != (wanted.kind, wanted.index) or wanted.year not in (None, period.year)
    ):
        result.problem(f"此表是{period.label}的反馈表，本次收集的是{wanted.label}")
        return None
    return period, meta.get("unit", "")


def _expected_form(
    plan: Plan, meta: dict[str, Any], result: FormResult, wanted: Period | None, extensions: list[Extension]
) -> Form | None:
    """The form ``feedback`` made for this unit and period, or None with the reason."""
    found = _period_and_unit(plan, meta, result, wanted)
    if found is None:
        return None
    period, unit = found
    named = plan.registry.resolve(unit) == unit and plan.registry.kind(unit) != GENERIC_KIND  # as forms name it
    try:
        form = form_for(plan, unit, period, meta["carried"], extensions) if named else None
    except ValueError as error:
        result.problem(f"隐藏标识中的往期未完成任务（序号 {error}）不是{unit}此前到期的任务（反馈表被改动过），请使用下发的反馈表填写")
        return None
    if form is None:
        result.problem(f"反馈表所属单位“{unit}”在{period.label}没有牵头任务，不是本计划的反馈单位")
    return form


def _earlier_form(plan: Plan, meta: dict[str, Any], sheet: Any, result: FormResult, wanted: Period | None) -> Form | None:
    """A form made from another version of the plan (before a revision): taken when every task
    on it is still in the plan (found by the hash of its text, as ``progress.find_task`` does)
    and still led by the unit; its rows then report on those tasks under their 序号 now."""
    rows = meta["rows"]
    found = [find_task(plan, digest, label) for label, digest in rows]
    if not any(found):
        result.problem("此表不是本计划的反馈表（表中的任务在本计划中都找不到），请使用本计划生成的反馈表")
        return None
    period_unit = _period_and_unit(plan, meta, result, wanted)
    if period_unit is None:
        return None
    period, unit = period_unit
    tasks = {row: _cell_text(values[1]) for row, values in islice(_stored_rows(sheet, FIRST_ROW, 2), len(rows))}
    printed: dict[str, str] = {}
    for index, ((label, _), item) in enumerate(zip(rows, found)):
        row = FIRST_ROW + index
        task = tasks.get(row, "")
        shown = f"序号 {label}“{task if len(task) <= 20 else task[:20] + '…'}”"
        if item is None:
            result.problem(f"{shown}在当前计划中已找不到（计划调整时删除或改写了此项），此表无法收录：请用当前计划重新生成反馈表", row, "task")
        elif unit not in item.lead:
            result.problem(f"{shown}在当前计划中（序号 {item.label}）由{'、'.join(item.lead)}牵头，不是{unit}的任务", row, "task")
        elif item.label in printed:
            result.problem(f"{shown}与序号 {printed[item.label]} 对应当前计划的同一项（序号 {item.label}）", row, "task")
        else:
            printed[item.label] = label
    if result.problems:
        return None
    result.printed = printed
    items = tuple(item for item in found if item is not None)
    return Form(unit, period, items, frozenset(item.label for item in items if printed[item.label] in meta["carried"]))


def _check_meta_rows(form: Form, rows: list[tuple[str, str]], result: FormResult) -> None:
    expected = [(item.label, task_hash(item)) for item in form.items]
    if rows != expected:
        result.problem("隐藏标识中的任务清单与计划不一致（反馈表被改动过），请使用下发的反馈表填写")


def _check_header(plan: Plan, form: Form, sheet: Any, result: FormResult) -> None:
    head = list(sheet.iter_rows(min_row=1, max_row=HEADER_ROW, max_col=len(result.columns), values_only=True))
    head += [()] * (HEADER_ROW - len(head))
    for (row, column), text in header_texts(plan, form, result.columns).items():
        if row == SUBTITLE_ROW:  # the plan title may be polished after forms go out
            continue
        values = head[row - 1]
        found = _cell_text(values[column - 1] if column <= len(values) else None)
        if found == text:
            continue
        if row == UNIT_ROW:
            result.problem(f"填报单位与反馈表标识不符：此表下发给“{form.unit}”，表中写的是“{found}”", row, column=column)
        else:
            result.problem(f"表头被修改：应为“{text}”，实际为“{found}”", row, column=column)


def _read_rows(plan: Plan, form: Form, sheet: Any, result: FormResult, required: tuple[str, ...]) -> None:
    """Match rows to tasks by 序号 (as printed, on a form of an earlier version of the plan),
    check the printed cells and read the filled ones, then the sign-off under the table
    (found by its labels)."""
    expected = {result.printed.get(item.label, item.label): item for item in form.items}
    seen: dict[str, int] = {}
    note = note_text()
    keys = [key for key, _, _ in result.columns]
    width = max(len(keys), max(c[4] for c in SIGNOFF))
    limit = len(expected) + MAX_ROWS_OVER
    rows = list(islice(_stored_rows(sheet, FIRST_ROW, width), limit + 1))
    if len(rows) > limit:
        result.problem(f"表中有内容的行超过 {limit} 行（只应有 {len(expected)} 项工作），不是下发的反馈表：请使用下发的反馈表填写")
        return
    first_labels = {f"{label}：": below for _, label, below, column, _ in SIGNOFF if column == 1}
    signoff: dict[str, tuple[str, int, int]] = {}
    for row, values in rows:
        texts = dict(zip(keys, (_cell_text(v) for v in values)))
        if not any(texts.values()) or (texts["seq"] == note and not any(list(texts.values())[1:])):
            continue
        label = texts["seq"]
        if label in first_labels:
            signoff.update(_read_signoff(values, first_labels[label], row, result))
            continue
        if not label:
            result.problem("多出的行：没有序号（请勿增加行）", row, "seq")
            continue
        if label in seen:
            result.problem(f"序号 {label} 重复出现（第 {seen[label]} 行已有）", row, "seq")
            continue
        seen[label] = row
        item = expected.get(label)
        if item is None:
            foreign = f"多出的行：序号 {label} 不是此表下发时所列的任务" if result.printed else _foreign_row(plan, form, label)
            result.problem(foreign, row, "seq")
            continue
        entry = _read_row(item, form, texts, row, result)
        if entry is not None:
            result.entries.append((row, entry))
    for label in expected:
        if label not in seen:
            result.problems.append(Problem("缺少此项工作的行（行被删除？）", result.source, f"序号 {label}"))
    _check_signoff(signoff, required, result)


def _read_signoff(
    values: tuple[Any, ...], below: int, row: int, result: FormResult
) -> dict[str, tuple[str, int, int]]:
    """The sign-off fields of one row under the table (value, row, column): label unchanged,
    value as written (a date as YYYY-MM-DD)."""
    found = {}
    for key, label, at, label_column, value_column in SIGNOFF:
        if at != below:
            continue
        if _cell_text(values[label_column - 1]) != f"{label}：":
            result.problem(f"表头被修改：应为“{label}：”", row, column=label_column)
        text = _cell_text(values[value_column - 1])
        found[key] = (text, row, value_column)  # a wrong value is found, not missing
        try:
            check_text(text)
        except ValueError as error:
            result.problem(str(error), row, column=value_column, heading=label)
            continue
        if key == "date" and text:
            day = _signoff_date(values[value_column - 1], text)
            if day is None:
                result.problem(f"填报日期“{text}”应写作 YYYY-MM-DD 或 2010年7月5日", row, column=value_column, heading=label)
                continue
            found[key] = (day.isoformat(), row, value_column)
    return found


def _signoff_date(value: Any, text: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.fullmatch(text)
    try:
        return dt.date(*(int(part) for part in match.groups())) if match else None
    except ValueError:
        return None


def _check_signoff(signoff: dict[str, tuple[str, int, int]], required: tuple[str, ...], result: FormResult) -> None:
    """Each required field filled; the values go into every entry of the form."""
    for key in required:
        label = SIGNOFF_LABELS[key]
        if key not in signoff:
            result.problems.append(Problem("表格下方找不到此栏（表格结构被改动？），请使用下发的反馈表填写", result.source, None, label))
        elif not signoff[key][0]:
            _, row, column = signoff[key]
            result.problem("必填项，不能为空", row, column=column, heading=label)
    if result.problems:
        return
    values = {key: text for key, (text, _, _) in signoff.items()}
    update = {key: values.get(key, "") for key in ("reporter", "phone", "approver")}
    update["filled_on"] = dt.date.fromisoformat(values["date"]) if values.get("date") else None
    result.entries = [(row, entry.model_copy(update=update)) for row, entry in result.entries]


def _foreign_row(plan: Plan, form: Form, label: str) -> str:
    item = next((i for i in plan.items if i.label == label), None)
    if item is None:
        return f"多出的行：计划中没有序号 {label}（请勿增加行）"
    if form.unit not in item.lead:
        return f"序号 {label} 由{'、'.join(item.lead)}牵头，不是{form.unit}的任务（多出的行）"
    return f"序号 {label} 不在{form.period.label}的反馈范围内（多出的行）"


def _read_row(item: Item, form: Form, texts: dict[str, str], row: int, result: FormResult) -> Entry | None:
    before = len(result.problems)
    printed = {"task": item.task} if result.printed else row_texts(item, form)  # an earlier version: the task alone
    for key, text in printed.items():
        if key != "seq" and texts[key] != text.strip():
            result.problem(f"{HEADING_OF[key]}与计划不一致，不得修改（计划中为“{text}”）", row, key)
    for key in REQUIRED:
        if not texts[key]:
            result.problem("必填项，不能为空", row, key)
    if texts["status"] and texts["status"] not in STATUSES:
        result.problem(f"“{texts['status']}”不在可选范围内，请从下拉列表中选择：{'、'.join(STATUSES)}", row, "status")
    percent = _percent(texts.get("percent", ""), row, result)
    for key in ("progress", "problems", "next_steps", "evidence"):
        try:
            check_text(texts.get(key, ""))
        except ValueError as error:
            result.problem(str(error), row, key)
    if len(result.problems) > before:
        return None
    return Entry(
        seq=item.seq,
        unit=form.unit,
        **{form.period.kind: form.period.index},  # month=5, quarter=2 or half=1
        year=form.period.year,
        status=texts["status"],  # type: ignore[arg-type]  # checked against STATUSES above
        percent=percent,
        progress=texts["progress"],
        problems=texts["problems"],
        next_steps=texts["next_steps"],
        evidence=texts.get("evidence", ""),
        form=Path(result.source).name,
    )


def _percent(text: str, row: int, result: FormResult) -> int | None:
    """完成比例: empty, or a whole number 0-100 ("60", "60%")."""
    if not text:
        return None
    number = text.rstrip("%％ ").strip()
    if number.isascii() and number.isdigit() and int(number) <= 100:
        return int(number)
    result.problem(f"“{text}”应为 0 到 100 的整数（不带%，可不填）", row, "percent")
    return None


def collect(
    plan: Plan,
    paths: Sequence[str | Path],
    existing: ProgressFile,
    *,
    replace: bool = False,
    period: Period | None = None,
    required: Iterable[str] = SIGNOFF_KEYS,
) -> Collected:
    """Check every form and merge the good ones into ``existing`` (which is not modified);
    ``required``: the sign-off fields a form must have filled."""
    outcome = Collected(existing.model_copy(deep=True))
    index = {entry.key: position for position, entry in enumerate(outcome.progress.entries)}
    required = tuple(required)
    for path in paths:
        result = read_form(plan, path, period, required, existing.extensions)
        if result.problems:
            outcome.rejected.append(result)
            continue
        new = _merge_plan(result, outcome.progress.entries, index, replace)
        if result.problems:
            outcome.rejected.append(result)
        elif not new:
            outcome.unchanged.append(result)
        else:
            for entry in new:
                if entry.key in index:
                    outcome.progress.entries[index[entry.key]] = entry
                    outcome.replaced += 1
                else:
                    index[entry.key] = len(outcome.progress.entries)
                    outcome.progress.entries.append(entry)
            outcome.taken.append(result)
    outcome.progress.entries.sort(key=_order(plan))
    return outcome


def _merge_plan(result: FormResult, entries: list[Entry], index: dict[Any, int], replace: bool) -> list[Entry]:
    """The entries of a form that change the data; a conflict without ``replace`` is a problem."""
    new = []
    for row, entry in result.entries:
        if entry.key not in index:
            new.append(entry)
            continue
        earlier = entries[index[entry.key]]
        if earlier.same_report(entry):
            continue
        if not replace:
            result.problem(
                f"序号 {entry.label} 在{entry.period.label}已有{entry.unit}的报送"
                f"（{earlier.form or '已有数据'}），内容不同；如以本表为准，请加 --replace",
                row,
            )
        new.append(entry)
    return [] if result.problems else new


def _order(plan: Plan) -> Any:
    """Entries by period (as the year runs), plan order, then unit: a stable file that diffs well."""
    position = {item.label: index for index, item in enumerate(plan.items)}

    def key(entry: Entry) -> tuple[dt.date, int, int, str]:
        end, rank = entry.period.order(entry.year or 1)
        return (end, rank, position.get(entry.label, len(position)), entry.unit)

    return key


def expand_paths(arguments: Iterable[str]) -> list[Path]:
    """Files named on the command line; a folder stands for its .xlsx files, and a pattern
    the shell did not expand (Windows) is expanded here.  Excel's "~$" lock files are skipped."""
    import glob

    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            paths.extend(sorted(p for p in path.glob("*.xlsx") if not p.name.startswith("~$")))
        elif not path.exists() and glob.has_magic(argument):
            paths.extend(sorted(Path(p) for p in glob.glob(argument) if not Path(p).name.startswith("~$")))
        else:
            paths.append(path)
    return list(dict.fromkeys(paths))
