"""What each step of the page shows, taken from the library's views (``views.py``) and
the plan's own methods: the templates only lay it out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from workplan_docs import Plan, ProgressFile
from workplan_docs.layout import Cell, Document, Paragraph, Table
from workplan_docs.notice import PLACEHOLDER, URGENCY_LEVELS, Notice, date_text
from workplan_docs.pipeline import plan_outputs
from workplan_docs.views import plan_view, units_view

from . import actions
from .workspace import Workspace

# The plan's fields, as the mapping drop-down names them (the seed's printed headings).
FIELD_LABELS = {
    "seq": "序号", "task": "重要工作", "goal": "工作目标", "measures": "主要内容和措施", "leader": "责任领导",
    "lead": "牵头单位", "participants": "参与部门（单位）", "schedule": "时间进度",
}
EXTRA = "extra"  # a column kept as it is, printed again (``--column 列名=extra``)
# The notice's fields typed one per line (an attachment by its title); the others are one value.
NOTICE_LISTS = ("issuer", "signers", "to", "body", "attachments", "cc")
BULLETIN = "bulletin"  # the notice's body when it is the 情况通报 (``body: bulletin``)


def parse_date(text: str) -> date | str:
    """A date from the page's date field, or the message to show."""
    text = text.strip()
    if not text:
        return "请填写截至日期（YYYY-MM-DD，如 2010-07-15）"
    try:
        return date.fromisoformat(text)
    except ValueError:
        return f"日期“{text}”应写作 YYYY-MM-DD，如 2010-07-15"


def options_from_form(form: Mapping[str, Any], before: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The importer options the form gives, or the messages for fields to correct.

    A column mapping is kept once chosen; a drop-down the user changed (its value differs
    from the hidden ``was:`` field beside it) adds one, as ``import --column 列名=字段`` does."""
    options: dict[str, Any] = {}
    errors: list[str] = []
    title = " ".join(str(form.get("title", "")).split("\n")).strip()
    if title:
        options["title"] = title
    year = str(form.get("year", "")).strip()
    if year:
        if year.isdigit() and 1900 <= int(year) <= 2999:
            options["year"] = int(year)
        else:
            errors.append(f"年份“{year}”应为四位数字，如 2010")
    lead = str(form.get("lead", "")).strip()
    if lead:
        options["lead"] = lead
    if form.get("lead_from") == "heading":
        options["lead_from"] = "heading"
    if form.get("first_unit_leads") == "1":
        options["first_unit_leads"] = True
    columns = dict(before.get("columns", {}))
    for key, value in form.items():
        heading = key.removeprefix("column:")
        if key.startswith("column:") and value in (*FIELD_LABELS, EXTRA) and value != form.get(f"was:{heading}"):
            columns[heading] = value
    if columns:
        options["columns"] = columns
    return options, errors


def context(space: Workspace, step: str, query: Mapping[str, str], flash: dict[str, list[str]]) -> dict[str, Any]:
    """Everything the workspace page shows for ``step``."""
    data: dict[str, Any] = {
        "space": space, "step": step, "flash": flash, "source_name": space.source_name,
        "errors": space.errors, "plan": space.plan, "options": space.options,
        "offered": actions.load_parameters() | {"title", "year"}, "field_labels": FIELD_LABELS,
    }
    if space.plan is None:
        data["columns"] = [{"heading": h, "field": f or EXTRA} for h, f in space.headings]
        return data
    data.update(_summary(space))
    if step == "plan":
        data.update(_plan_step(space))
    elif step == "build":
        data.update(_build_step(space))
    elif step == "units":
        data.update(_units_step(space, query.get("unit", "")))
    elif step == "followup":
        data.update(_followup_step(space, query.get("period", "")))
    else:
        data.update(_notice_step(space))
    return data


def _summary(space: Workspace) -> dict[str, Any]:
    plan = space.plan
    assert plan is not None
    units = units_view(plan)
    return {
        "units": units,
        "summary": {
            "items": len(plan.items), "units": len(units),
            "generic": sum(1 for u in units if u["kind"] == "泛指"),
            "unscheduled": len(plan.unscheduled()),
            "warnings": len(plan.diagnostics()),
        },
    }


def _plan_step(space: Workspace) -> dict[str, Any]:
    """Items with their units split by role, months as a strip, and each warning at its item."""
    plan = space.plan
    assert plan is not None
    view = plan_view(plan)
    unit_info = {u["unit"]: u for u in units_view(plan)}
    by_item: dict[str, list[str]] = {}
    general: list[str] = []
    for problem in [*space.read_warnings, *plan.diagnostics()]:
        if problem.item:
            by_item.setdefault(problem.item, []).append(problem.message)
        else:
            general.append(str(problem))
    items = []
    for item, shown in zip(plan.items, view["items"]):
        warnings = list(by_item.get(f"序号 {item.label}", []))
        generic = [u for u in item.units() if unit_info[u]["kind"] == "泛指"]
        if generic:
            warnings.append(f"泛指单位（不生成分工表）：{'、'.join(generic)}")
        if plan.units:  # without a registry every unit is unregistered: said once, above the list
            unknown = [u for u in item.units() if not unit_info[u]["registered"] and unit_info[u]["kind"] != "泛指"]
            if unknown:
                warnings.append(f"单位未登记：{'、'.join(unknown)}")
        items.append({**shown, "label": item.label, "warnings": warnings})
    return {"items": items, "general_warnings": general, "columns": _columns(plan)}


def _columns(plan: Any) -> list[dict[str, str]]:
    """The source table's columns as read: each printed heading and the field it fills (or ``extra``)."""
    with_leader = any(item.leader for item in plan.items)
    fields = [f for f in FIELD_LABELS if f != "leader" or with_leader]
    order = plan.column_order or [*fields, *plan.extra_columns()]
    return [
        {"heading": plan.heading(name) if name in FIELD_LABELS else name, "field": name if name in FIELD_LABELS else EXTRA}
        for name in order
    ]


def _build_step(space: Workspace) -> dict[str, Any]:
    plan = space.plan
    assert plan is not None
    chosen = space.chosen or {"reports": actions.default_reports(plan), "formats": list(actions.FORMATS)}
    unavailable = {*(actions.NEEDS_PROGRESS if space.progress is None else ()), *(() if plan.leaders() else ("leaders",))}
    attachment_pdf = "附件.pdf" if "附件.pdf" in space.build else None
    folders: dict[str, list[str]] = {}
    for name in space.build:
        folder, _, _ = name.rpartition("/")
        folders.setdefault(folder, []).append(name)
    return {
        "report_labels": actions.REPORT_LABELS, "formats": actions.FORMATS, "chosen": chosen, "unavailable": unavailable,
        "job": space.job, "build_folders": folders, "build_zip": space.build_zip,
        "attachment_pdf": attachment_pdf, "today": date.today().isoformat(),
    }


def _units_step(space: Workspace, selected: str) -> dict[str, Any]:
    plan = space.plan
    assert plan is not None
    names = [u.unit for u in plan.unit_tasks()]
    if selected not in names:
        selected = names[0]
    tasks = plan.items_for(selected)
    return {"selected": selected, "tasks": tasks, "has_sheet": tasks.kind != "泛指" and bool(tasks.lead or tasks.participate),
            "roles": {i.label: i.role_of(selected) for i in (*tasks.lead, *tasks.participate)}}


def _followup_step(space: Workspace, period: str) -> dict[str, Any]:
    plan = space.plan
    assert plan is not None
    as_of = space.as_of or date.today()
    return {
        "periods": [
            {"label": f"{cycle}报", "choices": [(f"{kind}-{n}", actions.period_name(kind, n)) for n in range(1, count + 1)]}
            for kind, (cycle, count) in actions.PERIOD_KINDS.items()
        ],
        "period": period if actions.parse_period(period) else actions.default_period(space, date.today()),
        "collected": actions.collected_view(space),
        "entries": len(space.progress.entries) if space.progress else 0,
        "report": space.report, "as_of": as_of.isoformat(),
        "report_view": _progress_view(plan, space.progress, as_of) if space.progress else None,
    }


def _progress_view(plan: Plan, progress: ProgressFile, as_of: date) -> list[dict[str, Any]]:
    """工作进展报告 as of ``as_of``: the very document ``build`` writes, laid out in HTML."""
    outputs = plan_outputs(plan, ["progress"], progress=progress, as_of=as_of)
    return document_view(outputs[0].document)


def document_view(document: Document) -> list[dict[str, Any]]:
    """A report's sections as the page shows them: paragraphs by role, and tables with
    each cell's text, alignment, fill and weight (the page's ``document.html`` lays them out).
    Page layout (breaks, spaces, rules) has no place on a web page and is left out."""
    sections = []
    for section in document.sections:
        blocks: list[dict[str, Any]] = []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                blocks.append({"paragraph": block})
            elif isinstance(block, Table):
                aligns = [column.align for column in block.columns]
                blocks.append({"header": [_row(row, aligns) for row in block.header_rows],
                               "rows": [_row(row, aligns) for row in block.rows]})
        sections.append({"name": section.name, "blocks": blocks})
    return sections


def _row(cells: tuple[Cell, ...], aligns: list[str]) -> list[dict[str, Any]]:
    """A table row's cells, each aligned as it says or else as its column (a cell spanning
    several columns starts in the first)."""
    shown, column = [], 0
    for cell in cells:
        shown.append({"text": cell.text, "align": cell.align or aligns[column], "fill": cell.fill,
                      "bold": cell.bold, "span": cell.span})
        column += cell.span
    return shown


def notice_from_form(form: Mapping[str, Any]) -> dict[str, Any]:
    """The notice file's data from the form, in the model's order: what is left empty is left
    out (so that validation says 缺少此项, or the default applies)."""
    fields: dict[str, Any] = {}
    for name in Notice.model_fields:
        text = str(form.get(name, "")).strip()
        if name == "sealed":
            fields[name] = form.get(name) == "1"
        elif name == "body" and form.get("bulletin") == "1":
            fields[name] = BULLETIN
        elif name in NOTICE_LISTS:
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            if lines:
                fields[name] = [{"title": line} for line in lines] if name == "attachments" else lines
        elif text:
            fields[name] = text
    return fields


def _notice_step(space: Workspace) -> dict[str, Any]:
    """The notice as a form: each field's text, the hint of a placeholder ``notice init``
    left in it, and the problems ``validate --notice`` finds, by field."""
    fields = space.notice_fields if space.notice_fields is not None else actions.notice_start(space)
    values: dict[str, Any] = {"bulletin": fields.get("body") == BULLETIN}
    hints: dict[str, str] = {}
    for name, info in Notice.model_fields.items():
        value = fields.get(name, None if info.is_required() else info.default)
        if name == "body" and values["bulletin"]:
            value = []
        elif name == "attachments" and isinstance(value, list):
            value = [a.get("title", "") if isinstance(a, dict) else a for a in value]
        shown = [_text(v) for v in value] if isinstance(value, list) else [_text(value)]
        hints[name] = "；".join(t.removeprefix(PLACEHOLDER).removesuffix("】") for t in shown if t.startswith(PLACEHOLDER))
        text = "\n".join(t for t in shown if not t.startswith(PLACEHOLDER))
        values[name] = value if isinstance(value, bool) else text
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    for problem in space.notice_problems:
        name, _, rest = (problem.field or "").partition(".")
        if name in values:
            index = rest.partition(".")[0]
            errors.setdefault(name, []).append(f"第 {int(index) + 1} 行：{problem.message}" if index.isdigit() else problem.message)
        else:
            general.append(str(problem))
    return {"values": values, "hints": hints, "errors": errors, "general": general,
            "urgency_levels": URGENCY_LEVELS, "notice_files": space.notice_files,
            "notice_pdf": next((name for name in space.notice_files if name.endswith(".pdf")), None)}


def _text(value: Any) -> str:
    """A value of the notice file as the form shows it (a date as a 公文 writes it)."""
    if value is None:
        return ""
    return date_text(value) if isinstance(value, date) else str(value)
