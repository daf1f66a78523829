"""Feedback forms (进展情况反馈表): one XLSX per lead unit and period, for the unit to fill in.

A form is an input sheet, not a report, so it is written here directly with openpyxl
rather than through the neutral layout: it needs what no report has (locked cells,
a drop-down list, a hidden sheet).

A period is a month, a quarter or a half year (``cycles.Period``).  Which units get a
form: every lead unit (generic references such as 相关司局 excepted: there is nobody to
send a form to) that leads at least one task expecting a report in the period — a task
whose reporting cycle (``report_every``) has periods of that kind and whose time
overlaps it, or, reporting 按时限, whose due month it is (``cycles.report_periods``).
A unit with no such task gets no form.  Rows are the unit's tasks in plan order.
An approved extension recorded in the progress data moves the task's due date and so its
periods (a monthly 5-7月 task extended to September is asked about in August and September
as a task of the period, not carried over).

Given the progress data so far, a form also carries over (往期未完成) each of the unit's
tasks of the same kind of cycle whose time ran out before the period and whose latest
report from the unit is not 已完成 (or which it never reported on): an unfinished April
task is still asked about in the third quarter.  Its 时间进度 cell says so, and the hidden sheet marks the
row, so ``collect`` can check the row belongs there without the progress data.

Besides the plan's columns and the unit's answers (进展情况, 完成状态, 完成比例, 存在问题, 下步计划,
佐证材料), a form has a sign-off under the table (填报人, 联系电话, 审核人（单位负责人）, 填报日期), and a
page setup that prints it: A4 landscape, fitted to the page width, the heading row repeated, page
numbers in the footer.

What keeps a returned form honest: the sheet is protected except for the cells to
fill (no password — this guards against slips, not against intent); the status cell
offers a drop-down; and a "veryHidden" sheet ``_meta`` carries the plan fingerprint,
the unit, the period and, per row, the 序号 and a hash of the task text.  ``collect``
checks all of it, and every printed cell, against the plan (see ``collect.py``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from ..filenames import safe_file_name
from ..model import Item, Plan
from ..cycles import Period, PeriodKind, expects_report, kind_of
from ..progress import DONE, STATUSES, Extension, ProgressFile, extended_due, fingerprint, latest_entries, task_hash
from ..style import Style, default_style
from ..writers.reproducible import build_date
from ..writers.xlsx import workbook_bytes

# 2: rows may be carried over (a third column in _meta); 3: 完成比例, 佐证材料 and the sign-off
FORMAT = "workplan-docs feedback 3"
LEGACY_FORMATS = ("workplan-docs feedback 1", "workplan-docs feedback 2")
FORMATS_READ = (*LEGACY_FORMATS, FORMAT)
CARRIED = "往期未完成"
FORM_SHEET = "进展反馈"
META_SHEET = "_meta"

# (key, heading, width in Excel character units); the keys are progress.Entry's fields.
COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("seq", "序号", 6),
    ("task", "重要工作", 28),
    ("schedule", "时间进度", 11),
    ("progress", "进展情况", 40),
    ("status", "完成状态", 10),
    ("percent", "完成比例（%）", 9),
    ("problems", "存在问题", 24),
    ("next_steps", "下步计划", 24),
    ("evidence", "佐证材料", 20),
)
# Forms of the earlier formats (still collected) had neither 完成比例 nor 佐证材料 nor a sign-off.
LEGACY_COLUMNS = tuple(c for c in COLUMNS if c[0] not in ("percent", "evidence"))
REQUIRED = ("progress", "status")
COLUMN_OF = {key: index for index, (key, _, _) in enumerate(COLUMNS, start=1)}
HEADING_OF = {key: heading for key, heading, _ in COLUMNS}
TITLE_ROW, SUBTITLE_ROW, UNIT_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4, 5

# The sign-off under the table (填报人 …), each (key, label, row below the last task, label column,
# value column); labels span two columns, values the columns up to the next label (or the last).
SIGNOFF: tuple[tuple[str, str, int, int, int], ...] = (
    ("reporter", "填报人", 2, 1, 3),
    ("phone", "联系电话", 2, 5, 7),
    ("approver", "审核人（单位负责人）", 3, 1, 3),
    ("date", "填报日期", 3, 5, 7),
)
SIGNOFF_LABELS = {key: label for key, label, *_ in SIGNOFF}
NOTE_BELOW = 5  # the note's row below the last task

_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LINE_HEIGHT = 15.0  # points per wrapped line at 小四
_MIN_LINES = 4  # room to write in, even beside a one-line task


@dataclass(frozen=True)
class Form:
    """One unit's form for one period: what is printed in it and where it is saved.

    ``items`` are its rows in plan order; ``carried`` the 序号 of those carried over from
    earlier periods."""

    unit: str
    period: Period
    items: tuple[Item, ...]
    carried: frozenset[str] = frozenset()


def plan_period(plan: Plan, kind: PeriodKind, index: int, year: int | None = None) -> Period:
    """The period a user asks for (``--month 5``): of ``year``, by default the plan year."""
    return Period(kind, index, year if year is not None else plan.year)


def forms_for(plan: Plan, period: Period, progress: ProgressFile | None = None) -> list[Form]:
    """The forms of a period, one per lead unit with a task that expects a report in it
    (``cycles.report_periods``), or (given ``progress``) with an earlier task of the same
    cycle kind still unfinished.

    A plan that names no year takes the period's year as its own (the label of the form);
    a plan with a year and a period of another year asks about the tasks scheduled in that
    year ("2011年1-6月").
    """
    scope = _Scope.of(plan, period, progress.extensions if progress is not None else [])
    latest = latest_entries(progress, scope.calendar_year) if progress is not None else None
    forms = []
    for unit in plan.unit_tasks():
        if unit.kind == "泛指":
            continue
        carried = {
            item.label for item in scope.earlier(unit.lead)
            if latest is not None and getattr(latest.get((item.label, unit.unit)), "status", None) != DONE
        }
        form = scope.form(unit.unit, unit.lead, carried)
        if form is not None:
            forms.append(form)
    return forms


def form_for(
    plan: Plan, unit: str, period: Period, carried: set[str], extensions: list[Extension] | None = None
) -> Form | None:
    """``unit``'s form: its tasks of the period (with the approved ``extensions``) and the
    ``carried`` ones, or None when it has none.  Raises ValueError naming a carried 序号 that
    is not an earlier task of the unit.

    A form made before an extension was recorded carries over a task that the extension has
    since made one of the period's own: that form is genuine, so a task earlier without the
    extensions counts as earlier too."""
    scope = _Scope.of(plan, period, extensions or [])
    lead = plan.items_for(unit).lead
    scopes = (scope, _Scope.of(plan, period, [])) if extensions else (scope,)
    wrong = carried - {item.label for each in scopes for item in each.earlier(lead)}
    if wrong:
        raise ValueError("、".join(sorted(wrong)))
    return scope.form(unit, lead, carried)


@dataclass(frozen=True)
class _Scope:
    """A form's period, worked out once for all units: the tasks that expect a report in it,
    those of the same kind of cycle, each task's due date (an extension's when approved), and
    the day the period starts (tasks due before it are "earlier")."""

    period: Period
    calendar_year: int  # the year a plan's bare months ("4月") are in
    start: dt.date
    current: frozenset[int]  # id() of the items that expect a report in the period
    same_kind: frozenset[int]  # id() of the items whose cycle has periods of this kind
    due: dict[int, dt.date | None]  # id() of each item: its due date in force

    @classmethod
    def of(cls, plan: Plan, period: Period, extensions: list[Extension]) -> _Scope:
        # Without a plan year, bare months belong to the form's year, else to the year its
        # extensions were approved in (as ``check_extensions`` takes it), else to a placeholder
        # (a plan and forms that name no year compare months only).
        calendar_year = plan.year or period.year or min((e.approved.year for e in extensions), default=1)
        due = {id(i): extended_due(i, calendar_year, extensions, dt.date.max) for i in plan.items}
        current = frozenset(id(i) for i in plan.items if expects_report(plan, i, period, calendar_year, due[id(i)]))
        same_kind = frozenset(id(i) for i in plan.items if kind_of(plan, i) == period.kind)
        return cls(period, calendar_year, period.start(calendar_year), current, same_kind, due)

    def earlier(self, lead: list[Item]) -> list[Item]:
        """Of ``lead``, the tasks of this kind of period, not of this one, whose time ran out before it."""
        return [
            item for item in lead
            if id(item) in self.same_kind and id(item) not in self.current
            and (due := self.due[id(item)]) is not None and due < self.start
        ]

    def form(self, unit: str, lead: list[Item], carried: set[str]) -> Form | None:
        items = tuple(item for item in lead if id(item) in self.current or item.label in carried)
        return Form(unit, self.period, items, frozenset(carried)) if items else None


def header_texts(plan: Plan, form: Form, columns: tuple[tuple[str, str, float], ...] = COLUMNS) -> dict[tuple[int, int], str]:
    """The printed cells above the rows, by (row, column): ``collect`` checks them unchanged
    (``columns``: those of the form's format)."""
    entry = plan.unit_entry(form.unit)
    unit_name = entry.full_name if entry and entry.full_name else form.unit
    texts = {
        (TITLE_ROW, 1): f"{form.period.label}重点工作进展情况反馈表",
        (SUBTITLE_ROW, 1): plan.title,
        (UNIT_ROW, 1): f"填报单位：{unit_name}（牵头任务 {len(form.items)} 项{_carried_note(form)}）",
    }
    texts.update({(HEADER_ROW, column): heading for column, (_, heading, _) in enumerate(columns, start=1)})
    return texts


def _carried_note(form: Form) -> str:
    return f"，含{CARRIED} {len(form.carried)} 项" if form.carried else ""


def row_texts(item: Item, form: Form) -> dict[str, str]:
    """The printed (locked) cells of a task's row, by column key."""
    schedule = f"{item.schedule}\n{CARRIED}" if item.label in form.carried else item.schedule
    return {"seq": item.label, "task": item.task, "schedule": schedule}


def note_text() -> str:
    return (
        f"填报说明：1.进展情况、完成状态为必填项；完成状态请从下拉列表中选择（{'、'.join(STATUSES)}）。"
        "2.完成比例填 0 到 100 的整数（不带%，可不填）；佐证材料填文件名称或简要说明。"
        "3.表下填报人、联系电话、审核人（单位负责人）、填报日期须填写。"
        "4.只填写白色单元格，请勿增删行、修改灰色单元格或调整表格结构。5.填好后保存为 .xlsx 原样交回。"
    )


def signoff_rows(form: Form) -> tuple[int, int]:
    """The rows of the sign-off under the table."""
    last = FIRST_ROW + len(form.items) - 1
    return last + 2, last + 3


def note_row(form: Form) -> int:
    return FIRST_ROW + len(form.items) - 1 + NOTE_BELOW


def file_name(form: Form, taken: dict[str, str]) -> str:
    """"科技司_2010年第二季度进展反馈表.xlsx", "计量司_2010年5月进展反馈表.xlsx"; two units'
    forms never share a name (an error)."""
    name = f"{form.unit}_{form.period.label}进展反馈表"
    where = (f"序号 {form.items[0].label}", "lead")  # a form's first row is a task the unit leads
    return safe_file_name(name, taken, f"单位“{form.unit}”的反馈表", where) + ".xlsx"


def render_form(plan: Plan, form: Form, style: Style | None = None) -> bytes:
    """The XLSX bytes of one form: identical input gives identical bytes."""
    style = style or default_style()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = FORM_SHEET
    _Writer(plan, form, style, sheet).write()
    _write_meta(workbook.create_sheet(META_SHEET), plan, form)
    workbook.security = WorkbookProtection(lockStructure=True)
    properties = workbook.properties
    properties.title = sheet.cell(TITLE_ROW, 1).value
    properties.subject = plan.title
    properties.creator = plan.issuer or style.metadata.author or None
    properties.language = "zh-CN"
    stamp = build_date()
    properties.created = properties.modified = stamp.replace(tzinfo=None)
    return workbook_bytes(workbook, stamp)


def feedback_forms(
    plan: Plan, period: Period, style: Style | None = None, progress: ProgressFile | None = None
) -> list[tuple[str, bytes]]:
    """Every form of a period as (file name, XLSX bytes), in the order units are first named."""
    taken: dict[str, str] = {}
    return [(file_name(form, taken), render_form(plan, form, style)) for form in forms_for(plan, period, progress)]


def _text(cell: XlCell, value: str) -> None:
    """User text stays text: "=..." is not a formula, "#N/A" not an error value."""
    cell.value = value
    cell.data_type = "s"


def _display_width(text: str) -> int:
    """Excel width units: a CJK character takes about two."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _lines(text: str, width: float) -> int:
    usable = max(width - 2, 1)
    return sum(max(1, math.ceil(_display_width(line) / usable)) for line in text.split("\n"))


class _Writer:
    """Fills the visible sheet: title block, headings, one row per task, the note, protection."""

    def __init__(self, plan: Plan, form: Form, style: Style, sheet: Worksheet) -> None:
        self.plan, self.form, self.sheet = plan, form, sheet
        self.font = Font(name=style.fonts.family("table"), size=style.sizes.table)
        self.bold = Font(name=style.fonts.family("table_header"), size=style.sizes.table_header, bold=True)
        self.title_font = Font(name=style.fonts.family("title"), size=style.sizes.subtitle, bold=True)
        self.subtitle_font = Font(name=style.fonts.family("subtitle"), size=style.sizes.table)
        self.last_column = len(COLUMNS)
        self.last_row = FIRST_ROW + len(form.items) - 1

    def write(self) -> None:
        self._title_block()
        for index, item in enumerate(self.form.items):
            self._task_row(FIRST_ROW + index, item)
        self._signoff()
        self._note(note_row(self.form))
        self._status_list()
        self._percent_check()
        self._page_setup()
        protection = self.sheet.protection
        protection.sheet = True
        protection.formatRows = False  # rows may be made taller for long answers
        protection.formatColumns = False

    def _signoff(self) -> None:
        """填报人 / 联系电话 / 审核人（单位负责人） / 填报日期: a label, then an open cell to write in."""
        rule = Border(bottom=_THIN)
        for index, (_, label, below, label_column, value_column) in enumerate(SIGNOFF):
            row = self.last_row + below
            following = [c[3] for c in SIGNOFF[index + 1:] if c[2] == below]
            end = following[0] - 1 if following else self.last_column
            self.sheet.merge_cells(start_row=row, start_column=label_column, end_row=row, end_column=value_column - 1)
            cell = self.sheet.cell(row, label_column)
            _text(cell, f"{label}：")
            cell.font, cell.alignment = self.font, Alignment(horizontal="right", vertical="center")
            self.sheet.merge_cells(start_row=row, start_column=value_column, end_row=row, end_column=end)
            for column in range(value_column, end + 1):
                self.sheet.cell(row, column).border = rule
            value = self.sheet.cell(row, value_column)
            value.font, value.alignment = self.font, Alignment(horizontal="left", vertical="center")
            value.protection = Protection(locked=False)
            value.number_format = "@"
            self.sheet.row_dimensions[row].height = 24

    def _merged_line(self, row: int, text: str, font: Font, height: float, align: str = "center") -> None:
        self.sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=self.last_column)
        cell = self.sheet.cell(row, 1)
        _text(cell, text)
        cell.font = font
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        self.sheet.row_dimensions[row].height = height

    def _title_block(self) -> None:
        texts = header_texts(self.plan, self.form)
        self._merged_line(TITLE_ROW, texts[(TITLE_ROW, 1)], self.title_font, 32)
        self._merged_line(SUBTITLE_ROW, texts[(SUBTITLE_ROW, 1)], self.subtitle_font, 22)
        self._merged_line(UNIT_ROW, texts[(UNIT_ROW, 1)], self.font, 22, align="left")
        for key, heading, width in COLUMNS:
            column = COLUMN_OF[key]
            self.sheet.column_dimensions[get_column_letter(column)].width = width
            cell = self.sheet.cell(HEADER_ROW, column)
            _text(cell, heading)
            cell.font, cell.fill, cell.border = self.bold, _HEADER_FILL, _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.sheet.row_dimensions[HEADER_ROW].height = 32  # two lines: 完成比例（%） wraps

    def _task_row(self, row: int, item: Item) -> None:
        printed = row_texts(item, self.form)
        lines = _MIN_LINES
        for key, _, width in COLUMNS:
            cell = self.sheet.cell(row, COLUMN_OF[key])
            cell.font, cell.border = self.font, _BORDER
            centred = key in ("seq", "schedule", "status")
            cell.alignment = Alignment(horizontal="center" if centred else "left", vertical="center", wrap_text=True)
            if key in printed:
                _text(cell, printed[key])
                cell.fill = _LOCKED_FILL
                lines = max(lines, _lines(printed[key], width))
            else:
                cell.protection = Protection(locked=False)
                if key != "percent":
                    cell.number_format = "@"  # what is typed stays text (no dates from "7.15")
        self.sheet.row_dimensions[row].height = lines * _LINE_HEIGHT + 6

    def _note(self, row: int) -> None:
        text = note_text()
        total = sum(width for _, _, width in COLUMNS)
        self._merged_line(row, text, self.font, _lines(text, total) * _LINE_HEIGHT + 6, align="left")

    def _status_list(self) -> None:
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(STATUSES) + '"',
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle="完成状态",
            error=f"请从下拉列表中选择：{'、'.join(STATUSES)}",
            promptTitle="完成状态",
            prompt="、".join(STATUSES),
        )
        self.sheet.add_data_validation(validation)
        column = get_column_letter(COLUMN_OF["status"])
        validation.add(f"{column}{FIRST_ROW}:{column}{self.last_row}")

    def _percent_check(self) -> None:
        validation = DataValidation(
            type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
            showErrorMessage=True, errorTitle="完成比例", error="请填写 0 到 100 的整数（不带%），也可不填",
        )
        self.sheet.add_data_validation(validation)
        column = get_column_letter(COLUMN_OF["percent"])
        validation.add(f"{column}{FIRST_ROW}:{column}{self.last_row}")

    def _page_setup(self) -> None:
        """A4 landscape, 1.5 cm margins, the heading row on every page, the width fitted to
        the page, "第 N 页，共 M 页" in the footer."""
        sheet = self.sheet
        sheet.freeze_panes = sheet.cell(FIRST_ROW, 1)
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.print_area = f"A1:{get_column_letter(self.last_column)}{note_row(self.form)}"
        inch = 1 / 2.54
        sheet.page_margins = PageMargins(left=1.5 * inch, right=1.5 * inch, top=1.5 * inch, bottom=1.8 * inch,
                                         header=0.8 * inch, footer=0.8 * inch)
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
        sheet.oddFooter.center.size = 10
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True


def _write_meta(sheet: Worksheet, plan: Plan, form: Form) -> None:
    """The hidden identifiers: plan (fingerprint and version), unit, period (kind and number),
    year, then 序号, task hash and the carried-over mark per row.  (Formats 1 and 2 wrote ``quarter`` for the period.)"""
    period = form.period
    rows: list[tuple[str, ...]] = [
        ("format", FORMAT),
        ("plan", fingerprint(plan)),
        ("version", plan.version or ""),
        ("unit", form.unit),
        ("period", period.kind),
        ("index", str(period.index)),
        ("year", "" if period.year is None else str(period.year)),
        ("seq", "task_hash", "carried"),
    ]
    rows += [(item.label, task_hash(item), "1" if item.label in form.carried else "") for item in form.items]
    for row, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            _text(sheet.cell(row, column), value)
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True
