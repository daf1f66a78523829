"""The ``workplan-docs`` command.

Only argparse is imported at start-up so that ``--help`` answers at once; each command
imports what it needs.  User errors print one line per problem and exit with 2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from .errors import Problem, WorkplanError
    from .model import Plan
    from .progress import ProgressFile
    from .readers import ImportOptions

EXIT_USAGE = 2
EXIT_INTERNAL = 1
REPORT_NAMES = {
    "attachment": "附件（正式附件表格）",
    "units": "分工表（每个单位一份，另有汇总）",
    "quarterly": "季度工作安排",
    "matrix": "责任矩阵（单位 × 任务）",
    "gantt": "进度图（任务 × 月份）",
    "leaders": "领导分工表（每位责任领导的任务；计划写明责任领导时才在缺省之列）",
    "progress": "工作进展报告（需 --progress，不在缺省之列，给出 --progress 时才生成）",
    "bulletin": "情况通报（需 --progress：落实情况的统计，作公文正文；只有 .docx 和 .pdf）",
    "notice": "通知（需 --notice：版头、正文、附件说明、署名，其后为附件和版记；只有 .docx 和 .pdf）",
}

ROLE_NAMES = {
    "label": "附件标识", "title": "标题", "subtitle": "副标题", "heading": "小标题", "body": "正文",
    "note": "注释", "table": "表格正文", "table_header": "表头", "page_number": "页码",
}

DESCRIPTION = """\
把工作计划（重点工作安排表）生成公文附件及配套文件，版式依照 GB/T 9704-2012。

计划可以是 YAML / JSON / TOML 计划文件，也可以直接是已有的 Word（.docx）、
Excel（.xlsx）表格或复制出来的表格文本（.txt）。

常用步骤：
  workplan-docs import 附件.txt -o plan.yaml   # 已有表格转为计划文件
  workplan-docs validate plan.yaml             # 检查时间进度和单位
  workplan-docs build plan.yaml -o 输出/       # 生成全部文件
"""

EPILOG = """\
示例：
  workplan-docs build plan.yaml -o out/ --reports attachment --formats pdf
  workplan-docs build plan.yaml -o out/ --reports units --unit 科技司
  workplan-docs units plan.yaml --json

督办（按报送频次：月、季、半年、按时限）：
  # 给各牵头单位生成反馈表（月报 --month 5，半年报 --half 1）
  # 收集填好的表
  workplan-docs feedback plan.yaml -o 反馈表/ --quarter 2
  workplan-docs collect plan.yaml 收回/*.xlsx -o progress.yaml
  # 下季度的反馈表，含往期到期未完成的任务
  workplan-docs feedback plan.yaml -o 反馈表/ --quarter 3 \\
      --progress progress.yaml
  # 工作进展报告（逾期任务在前）
  workplan-docs build plan.yaml --progress progress.yaml -o out/ \\
      --reports progress --as-of 2010-07-15

出错时每个问题一行（文件: 序号: 字段: 说明），退出码为 2。
"""


def _print_problems(problems: Sequence[Problem], prefix: str = "") -> None:
    for problem in problems:
        print(f"{prefix}{problem}", file=sys.stderr)


def _load(path: str) -> Plan:
    from .errors import read_warnings
    from .readers import load

    with read_warnings() as found:
        plan = load(path)
    _print_problems(found, "警告: ")
    return plan


def _warnings(plan: Plan, source: str, strict: bool) -> None:
    """Print doubts as warnings; under --strict an unparsed schedule is an error."""
    from .errors import PlanError

    problems = [p.at(source) for p in plan.diagnostics()]
    if strict:
        errors = [p for p in problems if p.field == "schedule"]
        if errors:
            raise PlanError(errors)
    _print_problems(problems, "警告: ")


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_validate(args: argparse.Namespace) -> int:
    plan = _load(args.plan)
    _warnings(plan, args.plan, args.strict)
    notice = _load_notice(args.notice, plan) if args.notice else None
    units = plan.unit_tasks()
    generic = sum(1 for u in units if u.kind == "泛指")
    collective = sum(1 for u in units if u.kind == "统称")
    kinds = f"泛指 {generic} 个" + (f"，统称 {collective} 个" if collective else "")
    print(
        f"{args.plan}: 有效，{len(plan.items)} 项工作，{len(units)} 个单位"
        f"（其中{kinds}），未排期 {len(plan.unscheduled())} 项"
    )
    if notice is not None:
        print(f"{args.notice}: 有效，发文字号 {notice.number}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from .views import plan_view

    plan = _load(args.plan)
    if args.json:
        _print_json(plan_view(plan))
        return 0
    print(f"{plan.attachment}  {plan.title}")
    for item in plan.items:
        timing = item.timing
        when = "全年" if timing.all_year else ("、".join(f"{m}月" for m in timing.months) or "未排期")
        due = f"，{timing.due}月到期" if timing.due else ""
        print(f"{item.label:>4}  {item.task}")
        print(f"      牵头：{'、'.join(item.lead)}；参与：{'、'.join(item.participants) or '—'}")
        print(f"      时间：{item.schedule.replace(chr(10), '')}（{when}{due}）")
    return 0


def cmd_units(args: argparse.Namespace) -> int:
    from .views import units_view

    plan = _load(args.plan)
    rows = units_view(plan)
    if args.json:
        _print_json(rows)
        return 0
    width = max(_display_width(r["unit"]) for r in rows)
    print(f"{_pad('单位', width)}  牵头  参与  类别")
    for row in rows:
        kind = row["kind"] or ("" if row["registered"] else "（未登记）")
        print(f"{_pad(row['unit'], width)}  {len(row['lead']):>4}  {len(row['participate']):>4}  {kind}")
    return 0


def _display_width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def cmd_quarters(args: argparse.Namespace) -> int:
    from .views import quarters_view

    plan = _load(args.plan)
    view = quarters_view(plan)
    if args.json:
        _print_json(view)
        return 0
    for quarter in view["quarters"]:
        year = f"{quarter['year']}年" if quarter["year"] else ""
        active = "、".join(map(str, quarter["active"])) or "—"
        due = "、".join(map(str, quarter["due"])) or "—"
        print(f"{year}第{quarter['quarter']}季度  进行中：{active}  到期：{due}")
    if view["unscheduled"]:
        print(f"未排期：{'、'.join(map(str, view['unscheduled']))}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .errors import read_warnings
    from .pipeline import write_files_atomically
    from .readers import read_data
    from .readers.plan_file import dump_yaml, plan_from_data

    if args.output not in (None, "-"):
        _check_output_file(args.output, "计划文件（.yaml）", [args.source])
    with read_warnings() as found:
        data = read_data(args.source, _import_options(args))
    if args.year:
        data["year"] = args.year
        found = [p for p in found if "计划年度取自标题" not in p.message]
    plan = plan_from_data(data, args.source)
    _print_problems(found, "警告: ")
    _warnings(plan, args.source, strict=False)
    text = dump_yaml(data)
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        write_files_atomically([(Path(args.output), text.encode("utf-8"))], protect=[args.source])
        print(f"已写入 {args.output}：{len(plan.items)} 项工作。请核对后再生成文件。", file=sys.stderr)
    return 0


def _import_options(args: argparse.Namespace) -> ImportOptions:
    """The import options, each --column checked: "列名=字段" with a known field."""
    from .errors import PlanError, Problem
    from .readers import ImportOptions
    from .readers.columns import field_named

    columns: dict[str, str] = {}
    for value in args.column or []:
        heading, _, name = value.rpartition("=")
        if not heading.strip() or field_named(name) is None:
            raise PlanError(Problem(
                f"--column {value}：应写成“列名=字段”，字段为 seq task goal measures lead participants schedule extra"
                "（或其中文列名，如 牵头单位）"))
        columns[heading.strip()] = name.strip()
    return ImportOptions(
        columns=columns, lead=args.lead, lead_from=args.lead_from, first_unit_leads=args.first_unit_leads,
        title=args.title, sheets=args.sheet or [],
    )


def cmd_schema(args: argparse.Namespace) -> int:
    from .model import Plan

    if args.progress:
        from .progress import progress_schema

        _print_json(progress_schema())
        return 0
    if args.notice:
        from .notice import notice_schema

        _print_json(notice_schema())
        return 0
    schema = Plan.model_json_schema()
    schema["title"] = "workplan-docs 计划文件"
    _print_json(schema)
    return 0


def _load_notice(path: str, plan: Plan) -> Any:
    from .notice import load_notice

    notice = load_notice(path)
    notice.check_against(plan, path)
    return notice


def cmd_notice(args: argparse.Namespace) -> int:
    from .errors import Problem, WorkplanError
    from .notice import notice_template
    from .pipeline import write_files_atomically

    text = notice_template(_load(args.plan))
    if args.output in (None, "-"):
        sys.stdout.write(text)
        return 0
    output = Path(args.output)
    if output.exists():  # the user's filled-in notice is worth more than a fresh template
        raise WorkplanError(Problem("文件已存在，未覆盖（请换一个文件名，或先删除它）", str(output)))
    write_files_atomically([(output, text.encode("utf-8"))])
    print(f"已写入 {output}。请填写其中“【请填写…】”的各项，再用 validate --notice 检查。", file=sys.stderr)
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from .errors import WorkplanError
    from .feedback.forms import forms_for
    from .followup import requested_period, write_feedback_forms
    from .progress import load_progress

    plan = _load(args.plan)
    _warnings(plan, args.plan, strict=False)
    progress = load_progress(args.progress, plan) if args.progress else None
    try:
        paths = write_feedback_forms(plan, args.output, args.quarter, month=args.month, half=args.half,
                                     year=args.year, progress=progress, protect=[args.plan, args.progress])
    except WorkplanError as error:
        raise _in_plan(error, args.plan) from None
    period = requested_period(plan, args.quarter, args.month, args.half, args.year)
    assert period is not None  # one of the three is required
    if not paths:
        print(f"{period.label}没有需要报送的任务（各任务按其报送频次在各期报送），未生成反馈表。")
        return 0
    print(f"已生成 {len(paths)} 份反馈表，位于 {Path(args.output)}{os.sep}：")
    for path, form in zip(paths, forms_for(plan, period, progress)):
        carried = f"，含往期未完成 {len(form.carried)} 项" if form.carried else ""
        print(f"  {path.name}（{len(form.items)} 项{carried}）")
    if progress is None:
        print("提示：未指定 --progress，往期到期未完成的任务不会列入反馈表。")
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    from .followup import collect_feedback, save_progress

    from .feedback.collect import expand_paths

    output = Path(args.output)
    _check_output_file(args.output, "进展数据文件（如 progress.yaml）", [args.plan, *expand_paths(args.forms)])
    plan = _load(args.plan)
    result = collect_feedback(plan, args.forms, progress=output if output.exists() else None,
                              replace=args.replace, quarter=args.quarter, month=args.month, half=args.half,
                              year=args.year, required=args.require)
    for form in result.taken:
        print(f"已收录  {form.source}（{form.label}）")
    for form in result.unchanged:
        print(f"无变化  {form.source}（已收录过）")
    if result.changed:
        save_progress(result.progress, output, protect=[args.plan, *args.forms])
        replaced = f"，其中替换 {result.replaced} 条" if result.replaced else ""
        print(f"已写入 {output}：共 {len(result.progress.entries)} 条报送{replaced}。")
    if result.rejected:
        for form in result.rejected:
            _print_problems(form.problems)
        print(f"未收录 {len(result.rejected)} 份反馈表（问题见上），请退回修改后重新收集。", file=sys.stderr)
        return EXIT_USAGE
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .revision import diff_plans

    diff = diff_plans(_load(args.old), _load(args.new))
    if args.json:
        from .views import diff_view

        _print_json(diff_view(diff))
    else:
        print(f"{args.new} 与 {args.old} 相比：{diff.summary()}")
        for change in diff.items:
            if change.kind in ("added", "removed", "changed"):
                where = change.new.label if change.new is not None else change.old.label  # type: ignore[union-attr]
                what = {"added": "新增", "removed": "删除", "changed": "调整"}[change.kind]
                print(f"  {what}  序号 {where}  {change.task}")
                for field in change.fields:
                    print(f"        {field.text}")
        if diff.renumbered:
            moves = "，".join(f"{c.old.label}→{c.new.label}" for c in diff.renumbered)  # type: ignore[union-attr]
            print(f"  序号变动：{moves}")
    if args.output:
        _write_revision(diff, Path(args.output), inputs=(args.old, args.new), style=args.style)
    return 0


def _write_revision(diff: Any, output: Path, inputs: Sequence[str], style: str | None) -> None:
    """The 调整对照表 in the format its extension names, refusing to replace an input."""
    from .errors import Problem, WorkplanError
    from .pipeline import write_files_atomically
    from .reports.revision import revision_document
    from .style import load_style
    from .writers import FORMATS, render

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise WorkplanError(Problem(f"输出文件的扩展名应为 {'、'.join('.' + f for f in FORMATS)}", str(output)))
    if any(Path(path).resolve() == output.resolve() for path in inputs):
        raise WorkplanError(Problem("输出文件与输入的计划是同一个文件，未写入", str(output)))
    data = render(revision_document(diff), load_style(style), fmt)
    write_files_atomically([(output, data)], protect=inputs)  # also through links and other spellings
    print(f"已写入 {output}")


def _progress_bar(done: int, total: int, label: str) -> None:
    if not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:40]:<40}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def cmd_build(args: argparse.Namespace) -> int:
    from .collector import collector_paused

    # The modules a build imports (pydantic's schemas, the plan model, the reports) make
    # tens of thousands of objects that all live on: the collector walking them as they
    # are made cost 11 M of the seed attachment PDF's 1,270 M instructions.
    with collector_paused(keep=True):
        from .errors import WorkplanError
        from .pipeline import build
        from .style import load_style

    plan = _load(args.plan)
    _warnings(plan, args.plan, args.strict)
    style = load_style(args.style)
    reports = _split(args.reports)
    if args.as_of is None and args.progress and (reports is None or {"progress", "bulletin", "notice"} & set(reports)):
        print(f"警告: 未指定 --as-of，工作进展报告和情况通报按今天（{date.today().isoformat()}）统计逾期任务", file=sys.stderr)
    try:
        written = build(
            plan,
            args.output,
            reports=reports,
            formats=_split(args.formats),
            units=args.unit or None,
            style=style,
            docx_template=args.docx_template,
            allow_missing_glyphs=args.allow_missing_glyphs,
            jobs=args.jobs,
            progress=_progress_bar,
            warn=lambda p: _print_problems([p if p.source else p.at(args.plan)], "警告: "),
            progress_data=args.progress,
            as_of=args.as_of,
            warn_days=args.warn_days,
            notice=_load_notice(args.notice, plan) if args.notice else None,
            protect=[args.plan, args.style, args.docx_template, args.notice],
        )
    except WorkplanError as error:
        raise _in_plan(error, args.plan) from None
    _summarise(written, Path(args.output))
    return 0


def _in_plan(error: WorkplanError, plan: str) -> WorkplanError:
    """A problem in the plan's own text (a missing glyph, two units with one file name) names its file."""
    from .errors import WorkplanError

    return WorkplanError([p.at(plan) if p.field and not p.source else p for p in error.problems])


def _check_output_file(output: str, what: str, inputs: Sequence[str | Path]) -> None:
    """An output file named on the command line: not a folder, not an Office document (the
    command writes YAML), and none of the command's inputs — refused before any work."""
    from .errors import Problem, WorkplanError
    from .transaction import refuse_inputs

    path = Path(output)
    if path.is_dir():
        raise WorkplanError(Problem(f"这是一个文件夹，-o 应为{what}", output))
    refuse_inputs([path], inputs)
    if path.suffix.lower() in _DOCUMENT_SUFFIXES:
        raise WorkplanError(Problem(f"-o 应为{what}，不能写成 {path.suffix} 文件（写入的是 YAML 文本）", output))


_DOCUMENT_SUFFIXES = (".docx", ".doc", ".xlsx", ".xls", ".pdf", ".txt", ".wps", ".et")


def _year(text: str) -> int:
    if not text.strip().isdigit() or not 1900 <= int(text) <= 2999:
        raise argparse.ArgumentTypeError(f"年份“{text}”应为 1900 到 2999 之间的整数，如 2010")
    return int(text)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”应写作 YYYY-MM-DD，如 2010-07-15") from None


def _days(text: str) -> int:
    if not text.isdigit() or int(text) > 366:
        raise argparse.ArgumentTypeError(f"天数“{text}”应为 0 到 366 的整数")
    return int(text)


def _signoff_fields(text: str) -> tuple[str, ...]:
    """--require: sign-off fields by their labels (填报人,联系电话,审核人,填报日期), or 无."""
    from .feedback.forms import SIGNOFF_LABELS

    names = [n for n in re.split(r"[,，、\s]+", text.strip()) if n]
    if names in (["无"], ["none"]):
        return ()
    keys = {**{label: key for key, label in SIGNOFF_LABELS.items()}, "审核人": "approver", "单位负责人": "approver",
            **{key: key for key in SIGNOFF_LABELS}}
    wrong = [n for n in names if n not in keys]
    if wrong or not names:
        raise argparse.ArgumentTypeError(
            f"“{'、'.join(wrong) or text}”不是反馈表的填报信息项，应为 填报人、联系电话、审核人、填报日期（逗号分隔）或 无")
    return tuple(dict.fromkeys(keys[n] for n in names))


def _number(name: str, last: int) -> Callable[[str], int]:
    """A period's number (--quarter 2, --month 5, --half 1): 1 to ``last``."""

    def number(text: str) -> int:
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= last):
            raise argparse.ArgumentTypeError(f"{name}“{text}”应为 1 到 {last} 的整数")
        return int(text)

    return number


def _summarise(written: list[Path], out: Path) -> None:
    folders: dict[str, list[Path]] = {}
    for path in written:
        folders.setdefault(str(path.parent.relative_to(out)), []).append(path)
    print(f"已生成 {len(written)} 个文件，位于 {out}{os.sep}：")
    for folder, paths in folders.items():
        if folder == ".":
            for path in paths:
                print(f"  {path.name}")
        else:
            print(f"  {folder}{os.sep}  {len(paths)} 个文件")


def cmd_serve(args: argparse.Namespace) -> int:
    from .web import serve

    serve(args.host, args.port, token=args.token, open_browser=not args.no_browser)
    return 0


def cmd_fonts(args: argparse.Namespace) -> int:
    """Role → PDF font file → family, fallbacks marked; the names DOCX/XLSX write."""
    from .style import KIND_NAMES, ROLE_KIND, load_style
    from .writers.fonts import resolve_fonts

    style = load_style(args.style)
    print(f"字体方案：{style.fonts.profile}（DOCX/XLSX 写入字体名，PDF 嵌入下列字体文件）")
    for role, font in resolve_fonts(style).items():
        face = f"#{font.index}" if font.path.suffix.lower() in (".ttc", ".otc") else ""
        note = f"  【代用】无{KIND_NAMES[ROLE_KIND[role]]}字体，用{KIND_NAMES[font.borrowed]}" if font.borrowed else ""
        converted = "（CFF 轮廓，转为 TrueType 嵌入）" if font.cff else ""
        print(f"{_pad(ROLE_NAMES.get(role, role), 10)}  {_pad(style.fonts.family(role), 16)}  "
              f"{font.path}{face}  {font.family}{converted}{note}")
        for reason in font.skipped:
            print(f"{'':10}  （跳过 {reason}）")
    return 0


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [part.strip() for value in values for part in value.replace("，", ",").split(",") if part.strip()]


class _ChineseHelp(argparse.RawDescriptionHelpFormatter):
    """argparse's help with the headings users read in Chinese."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _format_action(self, action: argparse.Action) -> str:
        # The commands are listed under their heading directly, without argparse's extra
        # line naming the group ("命令:" / "  命令" / "    validate …").
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(command) for command in action._get_subactions())
        return self._align(action, super()._format_action(action))

    def _split_lines(self, text: str, width: int) -> list[str]:
        """Help text wrapped by terminal columns (argparse counts characters, so Chinese
        help ran to twice the width), Latin words and options kept whole, no line
        starting with a closing mark."""
        import re

        from .linebreak import NO_END, NO_START

        width -= 2  # room for a closing mark that hangs at the end of a line
        lines, line, used = [], "", 0
        for token in re.findall(r"[!-~]+|\s+|.", " ".join(text.split())):
            size = _columns(token)
            if used + size > width and line.strip() and token not in NO_START:
                carried = line[-1] if line[-1] in NO_END else ""  # "（" goes down with what it opens
                lines.append(line[: len(line) - len(carried)].rstrip())
                line, used = carried, _columns(carried)
                if token.isspace():
                    continue
            line, used = line + token, used + size
        return [*lines, line.rstrip()] if line.strip() else lines

    def _align(self, action: argparse.Action, text: str) -> str:
        """Re-pad the help column for Chinese metavars: argparse pads by characters, and a
        Chinese character takes two columns, so "-o 文件夹" pushed its help three columns right."""
        head = " " * self._current_indent + self._format_action_invocation(action)
        first, newline, rest = text.partition("\n")
        extra = _columns(head) - len(head)
        if not extra or not first.startswith(head) or len(first) == len(head):
            return text
        gap = len(first[len(head):]) - len(first[len(head):].lstrip(" "))
        if gap - extra >= 2:
            return head + first[len(head) + extra:] + newline + rest
        help_column = len(first) - len(first[len(head) + gap:])
        return head + "\n" + " " * help_column + first[len(head) + gap:] + newline + rest




def _columns(text: str) -> int:
    """Terminal columns ``text`` takes: two for each wide (Chinese) character."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (.*)", r"缺少必需的参数：\1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"argument (\S+): expected one argument", r"\1 后面需要一个值"),
    (r"argument (\S+): invalid int value: (.*)", r"\1 应为整数，而不是 \2"),
    (r"argument (\S+): invalid choice: (\S+) \(choose from (.*)\)", r"无效的命令 \2，可用：\3"),
    (r"one of the arguments (.*) is required", r"须指定其中一项：\1"),
    (r"argument (\S+): not allowed with argument (\S+)", r"\1 与 \2 只能指定其中一项"),
    (r"argument (\S+): (.*)", r"\1：\2"),  # our own checks (a year, a date, a quarter) say the rest
)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors read in Chinese, in one line after the usage."""

    def error(self, message: str) -> NoReturn:
        import re

        for pattern, replacement in _ARGPARSE_MESSAGES:
            message = re.sub(pattern, replacement, message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: 错误：{message}（用 -h 查看帮助）\n")


def _help_option(parser: argparse.ArgumentParser) -> None:
    parser._optionals.title = "选项"
    parser._positionals.title = "参数"
    parser.add_argument("-h", "--help", action="help", help="显示本帮助并退出")


def _parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser of the command line ``argv``.  When it starts with a command, only that
    command is built: the others' parsers and arguments (80 of them, a tenth of a small
    build's instructions) serve the overall help only."""
    named = argv[0] if argv and not argv[0].startswith("-") else None
    if named is not None:
        parser, built = _build_parser(named)
        if built:
            return parser
    return _build_parser(None)[0]  # every command: for the help, or to name the known ones


def _build_parser(only: str | None) -> tuple[argparse.ArgumentParser, bool]:
    """The parser with every command, or with command ``only`` alone; and whether a command was built."""
    built: list[str] = []
    parser = _Parser(
        prog="workplan-docs",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=_ChineseHelp,
        add_help=False,
    )
    _help_option(parser)
    parser.add_argument("--version", action=_VersionAction, help="显示版本号并退出")
    commands = parser.add_subparsers(dest="command", metavar="命令", title="命令", parser_class=_Parser)

    def command(
        name: str, help_text: str, handler: Callable[[argparse.Namespace], int]
    ) -> argparse.ArgumentParser | None:
        """The command's parser, for its arguments; None when another command alone is built."""
        if only is not None and name != only:
            return None
        built.append(name)
        sub = commands.add_parser(
            name, help=help_text, description=help_text, add_help=False, formatter_class=_ChineseHelp
        )
        _help_option(sub)
        sub.set_defaults(handler=handler)
        return sub

    def period_options(sub: argparse.ArgumentParser, required: bool) -> None:
        group = sub.add_mutually_exclusive_group(required=required)
        group.add_argument("--quarter", type=_number("季度", 4), metavar="季度", help="季度 1-4（季报）")
        group.add_argument("--month", type=_number("月份", 12), metavar="月份", help="月份 1-12（月报，及当月到期的按时限任务）")
        group.add_argument("--half", type=_number("半年", 2), metavar="1|2", help="1 上半年，2 下半年（半年报）")

    def plan_argument(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("plan", metavar="计划", help="计划文件（.yaml .json .toml）或表格文档（.docx .xlsx .txt）")

    if sub := command("validate", "检查计划：格式、序号、必填项、时间进度和单位", cmd_validate):
        plan_argument(sub)
        sub.add_argument("--strict", action="store_true", help="无法识别的时间进度按错误处理")
        sub.add_argument("--notice", metavar="notice.yaml", help="同时检查通知文件：发文字号、日期、主送、附件标题、未填写的项")

    views = (
        ("show", "显示解析后的计划（时间进度解析为月份，单位名称规范化）", cmd_show),
        ("units", "列出所有单位及其牵头、参与的工作数", cmd_units),
        ("quarters", "按季度列出进行中和到期的工作", cmd_quarters),
    )
    for name, help_text, handler in views:
        if sub := command(name, help_text, handler):
            plan_argument(sub)
            sub.add_argument("--json", action="store_true", help="输出 JSON，供脚本使用")

    if sub := command("import", "把已有表格（.txt .docx .xlsx .xls）转换为计划文件（YAML）", cmd_import):
        sub.add_argument("source", metavar="文档", help="表格文档：复制出的表格文本 .txt、Word .docx 或 Excel .xlsx .xls")
        sub.add_argument("-o", "--output", metavar="计划文件", help="写入的 YAML 文件（缺省输出到屏幕）")
        sub.add_argument("--year", type=_year, metavar="年份", help="计划年度，如 2010（用于季度汇总；缺省取自标题中的年份）")
        sub.add_argument("--column", action="append", metavar="列名=字段",
                         help="指定某列的含义（可重复），如 --column 项目内容=task --column 主要责任单位=lead；"
                              "字段：seq task goal measures lead participants schedule extra")
        sub.add_argument("--lead", metavar="单位", help="表格没有牵头单位列时，全部工作的牵头单位，如 --lead 财务处")
        sub.add_argument("--lead-from", choices=["heading"], metavar="heading",
                         help="heading：以每张表上方的标题（如“一、财务处”）作为该表各项工作的牵头单位")
        sub.add_argument("--first-unit-leads", action="store_true",
                         help="只有一个责任单位列时，列第一位的为牵头单位，其余为参与单位（表中已注明的，不加此项也按此处理）")
        sub.add_argument("--title", metavar="标题", help="计划标题（文档没有标题行时必填，否则暂用文件名）")
        sub.add_argument("--sheet", action="append", metavar="名称",
                         help="只读取这些工作表或表格（可重复）：工作表名、表1/表2 或表格上方的标题")

    if sub := command("schema", "输出计划文件（或进展数据）的 JSON Schema（供编辑器校验和补全）", cmd_schema):
        sub.add_argument("--progress", action="store_true", help="输出进展数据 progress.yaml 的 JSON Schema")
        sub.add_argument("--notice", action="store_true", help="输出通知文件 notice.yaml 的 JSON Schema")

    if sub := command("notice", "通知：生成通知文件的初稿（notice init），填写后与计划一起生成《通知》", cmd_notice):
        sub.add_argument("action", choices=["init"], metavar="init", help="init：按计划生成 notice.yaml 初稿，各项附说明")
        plan_argument(sub)
        sub.add_argument("-o", "--output", metavar="notice.yaml", help="写入的通知文件（缺省输出到屏幕；不覆盖已有文件）")
        sub.epilog = ("初稿中能从计划得出的（标题、附件标题、年度、发文机关）已填好；“【请填写…】”的项\n"
                      "须改为实际内容，否则 validate --notice 和生成通知时报错。")

    if sub := command("feedback", "督办：生成一期（月/季/半年）的反馈表（.xlsx，每个牵头单位一份）", cmd_feedback):
        plan_argument(sub)
        sub.add_argument("-o", "--output", required=True, metavar="文件夹", help="反馈表输出文件夹")
        period_options(sub, required=True)
        sub.add_argument("--year", type=_year, metavar="年份", help="年度（缺省为计划年度）")
        sub.add_argument("--progress", metavar="progress.yaml",
                         help="已收集的进展数据：往期到期而未报“已完成”的任务也列入反馈表（标“往期未完成”）")
        sub.epilog = ("须指定 --quarter、--month 或 --half 之一。各任务按报送频次\n"
                      "（report_every：月、季、半年、按时限，缺省为季）在其时间进度内的各期\n"
                      "报送；按时限的任务在应完成的当月（--month）报送一次。\n"
                      "每个牵头单位一份，列出其该期应报送的牵头任务；没有的单位不生成。\n"
                      "给出 --progress 时，此前已到期、最近一次报送不是“已完成”（或从未\n"
                      "报送）的同类任务也列入，例如第二季度未完成的 4 月任务在第三季度继续反馈。")

    if sub := command("collect", "督办：收集填好的反馈表，写入进展数据（progress.yaml）", cmd_collect):
        plan_argument(sub)
        sub.add_argument("forms", nargs="+", metavar="反馈表", help="填好的反馈表 .xlsx（可写文件夹或通配符）")
        sub.add_argument("-o", "--output", required=True, metavar="progress.yaml", help="进展数据文件；已存在时合并")
        sub.add_argument("--replace", action="store_true", help="同一任务、单位、季度已有不同的报送时，以本次的表为准")
        period_options(sub, required=False)
        sub.add_argument("--year", type=_year, metavar="年份", help="与 --quarter/--month/--half 同用：年度（缺省为计划年度）")
        sub.add_argument("--require", type=_signoff_fields, metavar="项目",
                         help="表格下方必须填写的项，逗号分隔：填报人,联系电话,审核人,填报日期（缺省全部），或 无")
        sub.epilog = (
            "逐份检查：单位、报送期、计划是否对应，是否增删行或改动任务，必填项、\n"
            "完成状态、完成比例和表下填报信息。给出 --quarter/--month/--half 时\n"
            "只收该期的表。计划调整后，用旧版计划生成的表只要其中任务（按任务内容\n"
            "对应）仍在计划中且仍由本单位牵头，照常收录。\n"
            "合格的表写入进展数据；有问题的表逐条列出（文件: 第几行: 哪一列: 说明）且不写入，\n"
            "此时退出码为 2。"
        )

    if sub := command("build", "生成附件、分工表、季度安排、责任矩阵和进度图", cmd_build):
        plan_argument(sub)
        sub.add_argument("-o", "--output", required=True, metavar="文件夹", help="输出文件夹（不存在时自动创建）")
        sub.add_argument(
            "--reports", action="append", metavar="报告",
            help="要生成的报告，逗号分隔，缺省为全部：" + "；".join(f"{k} {v}" for k, v in REPORT_NAMES.items()),
        )
        sub.add_argument("--formats", action="append", metavar="格式", help="输出格式，逗号分隔：docx,xlsx,pdf（缺省全部）")
        sub.add_argument("--unit", action="append", metavar="单位", help="只为这些单位生成分工表（可重复）")
        sub.add_argument("--style", metavar="样式.toml", help="样式文件，只需写出要改动的项，其余沿用 GB/T 9704 默认样式")
        sub.add_argument("--docx-template", metavar="模板.docx", help="本单位的 Word 模板：沿用其页面设置、样式和页眉页脚")
        sub.add_argument("--strict", action="store_true", help="无法识别的时间进度按错误处理")
        sub.add_argument("--allow-missing-glyphs", action="store_true", help="PDF 字体缺字时只警告，仍然生成")
        sub.add_argument("--jobs", type=int, metavar="N", help="并行进程数（缺省为 CPU 核数）")
        sub.add_argument("--progress", metavar="progress.yaml", help="进展数据（collect 生成），用于工作进展报告")
        sub.add_argument("--notice", metavar="notice.yaml", help="通知文件（notice init 生成初稿）：另生成 通知.docx/.pdf")
        sub.add_argument(
            "--as-of", type=_date, metavar="日期", help="工作进展报告的统计日期 YYYY-MM-DD（缺省为今天；要求结果可重复时请写明）"
        )
        sub.add_argument("--warn-days", type=_days, default=15, metavar="N",
                         help="工作进展报告：N 日内到期且未完成的任务标蓝色预警（缺省 15）")

    if sub := command("serve", "打开本机网页：导入计划、核对、生成文件、分工表和督办（不联网，文件不离开本机）", cmd_serve):
        sub.add_argument("--port", type=int, default=8765, metavar="端口", help="端口（缺省 8765）")
        sub.add_argument("--host", default="127.0.0.1", metavar="地址",
                         help="监听地址（缺省 127.0.0.1，仅本机可访问）；0.0.0.0 让其他电脑访问，须同时给出 --token")
        sub.add_argument("--token", metavar="口令", help="访问口令：打开页面时须先输入")
        sub.add_argument("--no-browser", action="store_true", help="不自动打开浏览器")

    if sub := command("diff", "计划调整：对比新旧两版计划，列出新增、删除、调整和序号变动的任务", cmd_diff):
        sub.add_argument("old", metavar="原计划", help="调整前的计划（计划文件或表格文档）")
        sub.add_argument("new", metavar="新计划", help="调整后的计划")
        sub.add_argument("-o", "--output", metavar="调整对照表", help="写出调整对照表：.docx、.xlsx 或 .pdf")
        sub.add_argument("--style", metavar="样式.toml", help="样式文件")
        sub.add_argument("--json", action="store_true", help="输出 JSON，供脚本使用")
        sub.epilog = ("任务按内容对应，而不是按序号：插入一项任务后其后各项的序号都会变，但只列为“序号变动”。\n"
                      "先按任务名称和措施完全相同对应，再按任务名称相同，最后按文字相似（六成以上相同）对应；\n"
                      "其余为新增或删除。单位的增减和完成时间的变化单独写明。")

    if sub := command("fonts", "显示生成 PDF 时各角色使用的字体文件", cmd_fonts):
        sub.add_argument("--style", metavar="样式.toml", help="样式文件")
    return parser, bool(built)


class _VersionAction(argparse.Action):
    """--version, looked up only when asked: package metadata costs start-up time."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("workplan-docs")
    except PackageNotFoundError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    from .errors import WorkplanError

    try:
        return args.handler(args)
    except WorkplanError as error:
        _print_problems(error.problems)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("已中断，未写入文件。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # noqa: BLE001 - the last resort: a user sees one line, never a traceback
        if os.environ.get("WORKPLAN_DOCS_DEBUG"):
            raise
        print(_internal_error(error), file=sys.stderr)
        return EXIT_INTERNAL


def _internal_error(error: Exception) -> str:
    """One line for a failure that is a bug, not a problem in the user's input."""
    detail = " ".join(str(error).split())[:200]
    what = "内存不足" if isinstance(error, MemoryError) else f"{type(error).__name__}: {detail}".rstrip(": ")
    return f"内部错误：{what}（未写入文件）。请将此信息报告给维护者；设置环境变量 WORKPLAN_DOCS_DEBUG=1 可查看详细信息"


if __name__ == "__main__":
    sys.exit(main())
