"""Plan files (YAML, JSON, TOML): parse safely, refuse duplicate keys, report by line.

This is the edge where user data becomes a validated ``Plan``: every problem found
here is reported with the file, the item and the field, never as a traceback.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..errors import PlanError, Problem
from ..lazy_re import LazyPattern
from ..model import TEXT_ERRORS, Plan, text_problem
from .yaml_block import MAX_INT_DIGITS, UNUSUAL_CHARACTER, block_data
from .yaml_block import Unusual as _Unusual

if TYPE_CHECKING:
    from .yaml_loaders import Refused

MAX_PLAN_BYTES = 16 * 1024 * 1024

_MESSAGES = {
    "missing": "缺少此项",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "list_type": "应为列表（每行以“- ”开头）",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
    "extra_forbidden": "无法识别的字段（字段名拼写是否有误？）",
    "too_short": "不能为空",
    "literal_error": "无法识别的列名，可用：seq task goal measures lead participants schedule",
    "greater_than_equal": "年份应在 1900 至 2999 之间",
    "less_than_equal": "年份应在 1900 至 2999 之间",
}


def decode(data: bytes, source: str) -> str:
    """Text of a file: UTF-8 (with or without BOM); UTF-16 with a BOM (Notepad's "Unicode");
    GB18030/GBK as Chinese offices save it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise PlanError(Problem(f"UTF-16 文本已损坏（第 {error.start + 1} 个字节无法解码），请另存为 UTF-8", source)) from None
    if data.count(0) * 4 > len(data):  # every other byte zero: UTF-16 saved without a BOM, or not text
        raise PlanError(Problem("不是文本文件，或是没有 BOM 的 UTF-16 文本：请用编辑器另存为 UTF-8", source))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        if b"\x00" not in data:
            try:
                return data.decode("gb18030")
            except UnicodeDecodeError:
                pass
        raise PlanError(Problem(
            f"文件不是 UTF-8 或 GBK 编码的文本（第 {utf8_error.start + 1} 个字节无法解码），请用编辑器另存为 UTF-8", source
        )) from None


# Control characters typed raw into a file stop every parser at the character, far from
# the item and field it sits in.  Each is swapped for a private-use stand-in before
# parsing and put back after, so validation names the item and field like any other text.
_RAW_CONTROL = LazyPattern(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_STAND_IN = 0xF0000  # plane 15 private use: U+F0000 + code point stands for the control character
_STAND_INS = LazyPattern(r"[\U000F0000-\U000F007F]")


def _hide_controls(text: str) -> tuple[str, bool]:
    """``text`` with raw control characters replaced by stand-ins, and whether any were."""
    if not _RAW_CONTROL.search(text) or _STAND_INS.search(text):
        return text, False
    return _RAW_CONTROL.sub(lambda m: chr(_STAND_IN + ord(m.group())), text), True


def _restore_controls(data: Any) -> Any:
    """Parsed data with the stand-ins turned back into the control characters they replaced."""
    if isinstance(data, str):
        return _STAND_INS.sub(lambda m: chr(ord(m.group()) - _STAND_IN), data)
    if isinstance(data, list):
        return [_restore_controls(value) for value in data]
    if isinstance(data, dict):
        return {_restore_controls(key): _restore_controls(value) for key, value in data.items()}
    return data


# The parsers' commonest complaints, said as the slip a person made; the original
# follows in brackets for whoever searches for it.
_SYNTAX_HINTS = (
    ("expected <block end>", "缩进不一致，同一层的行应对齐"),
    ("mapping values are not allowed", "此处不能有“键: 值”，值中含冒号时请加引号"),
    ("found character '\\t'", "含有制表符（Tab），YAML 只能用空格缩进"),
    ("found unexpected end of stream", "文件意外结束，引号或括号是否未闭合？"),
    ("could not determine a constructor", "不允许的标签，计划文件只能包含文本、数字、列表和键值映射"),
    ("Expecting ',' delimiter", "缺少逗号"),
    ("Expecting property name", "键名应加双引号，或最后一项后多了逗号"),
    ("Expecting value", "缺少值，或最后一项后多了逗号"),
    ("Unterminated string", "文本缺少结尾的引号"),
    ("Extra data", "内容结束后还有多余的字符"),
    ("Invalid value", "值的写法有误，文本须加引号"),
    ("Cannot overwrite a value", "键重复出现"),
)


def _syntax(message: str) -> str:
    hint = next((chinese for start, chinese in _SYNTAX_HINTS if message.startswith(start)), None)
    return f"{hint}（{message}）" if hint else message


def _refused_problem(refused: Refused, source: str) -> Problem:
    path = tuple(_restore_controls(step) for step in refused.path)
    if len(path) >= 2 and path[0] in ("items", "units") and isinstance(path[1], int):
        what = "条" if path[0] == "items" else "个单位"
        return Problem(refused.message, source, f"第 {path[1] + 1} {what}", _field(path[2:]))
    return Problem(refused.message, source, None, _field(path))


def _parse_yaml(text: str, source: str, checked: bool = False) -> Any:
    try:
        return block_data(text, checked=checked)
    except _Unusual:
        pass  # more than block YAML: PyYAML reads it, imported only now
    from .yaml_loaders import Refused

    try:
        return _load_yaml(text, source)
    except Refused as refused:
        raise PlanError(_refused_problem(refused, source)) from None


def _load_yaml(text: str, source: str) -> Any:
    import yaml

    from .yaml_loaders import FastUniqueKeyLoader, UniqueKeyLoader, load_with_libyaml

    if FastUniqueKeyLoader is not None:
        try:
            return load_with_libyaml(text)
        except (yaml.YAMLError, UnicodeError):
            pass  # reported below, by the loader whose messages the hints match
    try:
        return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列: " if mark else ""
        raise PlanError(Problem(f"{where}YAML 格式错误：{_syntax(str(error.problem or error))}", source)) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, e.g. U+FFFE
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise PlanError(Problem(f"第 {line} 行第 {column} 列: 含有不允许的字符 U+{code:04X}，请删除", source)) from None
    except yaml.YAMLError as error:
        raise PlanError(Problem(f"YAML 格式错误：{error}", source)) from None


def parse_yaml(text: str, source: str) -> Any:
    """YAML parsed as plan files are (safe loader, duplicate keys refused, errors by line),
    for the other data files users edit (progress.yaml)."""
    return _parse_yaml(text, source)


def _parse_json(text: str, source: str) -> Any:
    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:  # no position here: name the item when its seq came first
                seq = dict(pairs).get("seq")
                item = f"序号 {_printable(seq)}" if isinstance(seq, (int, str)) and not isinstance(seq, bool) else None
                raise PlanError(Problem("键重复出现", source, item, _printable(key)))
            result[key] = value
        return result

    def bounded_int(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_INT_DIGITS:
            at = text.find(digits)
            line, column = text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
            raise PlanError(Problem(
                f"第 {line} 行第 {column} 列: 整数位数过多（{len(digits.lstrip('-'))} 位，最多 {MAX_INT_DIGITS} 位），"
                "如是编号或文字请加引号", source))
        return int(digits)

    try:
        return json.loads(text, object_pairs_hook=unique, parse_int=bounded_int)
    except json.JSONDecodeError as error:
        raise PlanError(Problem(f"第 {error.lineno} 行第 {error.colno} 列: JSON 格式错误：{_syntax(error.msg)}", source)) from None


def _parse_toml(text: str, source: str) -> Any:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", str(error), re.S)
        where, message = (f"第 {found[2]} 行第 {found[3]} 列: ", found[1]) if found else ("", str(error))
        raise PlanError(Problem(f"{where}TOML 格式错误：{_syntax(message)}", source)) from None
    except ValueError:  # an integer past Python's 4300-digit conversion limit
        found = re.search(r"\d[\d_]{%d,}" % MAX_INT_DIGITS, text)
        at = found.start() if found else 0
        line = text.count("\n", 0, at) + 1
        raise PlanError(Problem(f"第 {line} 行: 整数位数过多（最多 {MAX_INT_DIGITS} 位），如是编号或文字请加引号", source)) from None


def _parse_checked_yaml(text: str, source: str) -> Any:
    """YAML text that holds no ``UNUSUAL_CHARACTER``: the block reader need not look for one."""
    return _parse_yaml(text, source, checked=True)


PARSERS: dict[str, Callable[[str, str], Any]] = {
    ".yaml": _parse_yaml, ".yml": _parse_yaml, ".json": _parse_json, ".toml": _parse_toml,
}


def parse_text(text: str, suffix: str, source: str) -> Any:
    """Parse plan-file text; raw control characters come back in place for validation to name."""
    if PARSERS[suffix] is _parse_yaml and not UNUSUAL_CHARACTER.search(text):
        parse: Callable[[str, str], Any] = _parse_checked_yaml  # one look at each character
        hidden, swapped = text, False  # raw control characters are unusual ones: none to hide
    else:
        parse = PARSERS[suffix]
        hidden, swapped = _hide_controls(text)
    try:
        data = parse(hidden, source)
        return _restore_controls(data) if swapped else data
    except RecursionError:  # [[[[… thousands deep: every parser here is recursive
        raise PlanError(Problem("嵌套层次过深，不是计划文件的结构", source)) from None


def read_plan_data(path: Path) -> dict[str, Any]:
    """The raw mapping of a plan file, before validation."""
    source = str(path)
    size = path.stat().st_size
    if size > MAX_PLAN_BYTES:
        raise PlanError(Problem(f"文件过大（{size / 1048576:.1f} MB，上限 {MAX_PLAN_BYTES // 1048576} MB）", source))
    data = parse_text(decode(path.read_bytes(), source), path.suffix.lower(), source)
    if data is None:
        raise PlanError(Problem("文件为空", source))
    if not isinstance(data, dict):
        raise PlanError(Problem("计划文件的顶层应为键值映射（title、items 等）", source))
    return data


def _unit_label(data: dict[str, Any], index: int) -> str:
    units = data.get("units")
    if isinstance(units, list) and index < len(units) and isinstance(units[index], dict):
        name = units[index].get("name")
        if isinstance(name, str) and _printable(name) == name.strip() != "":
            return f"单位 {name}"
    return f"第 {index + 1} 个单位"


def _printable(part: Any) -> str:
    """A location part as it can be printed on one line: control characters shown as
    escapes, a long key cut short."""
    text = _RAW_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(part))
    return text if len(text) <= 40 else text[:40] + "…"


def _field(loc: tuple[Any, ...]) -> str | None:
    """"lead.0", "extra.备注", "extra.备注（键）" from a pydantic location."""
    parts = [_printable(part) for part in loc if part != "[key]"]
    text = ".".join(parts)
    return (text + "（键）" if loc and loc[-1] == "[key]" else text) or None


def _item_label(data: dict[str, Any], index: int) -> str:
    items = data.get("items")
    if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
        seq = items[index].get("seq")
        if isinstance(seq, (int, str)) and not isinstance(seq, bool) and _printable(seq) == str(seq).strip() != "":
            return f"序号 {seq}"  # a seq that is itself wrong (blank, control characters, huge) is not a label
    return f"第 {index + 1} 条"


def _problem(data: dict[str, Any], loc: tuple[Any, ...], message: str, source: str) -> Problem:
    """Place a validation error: "items.3.lead.0" → item by seq, field "lead"."""
    if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
        return Problem(message, source, _item_label(data, loc[1]), _field(loc[2:]))
    if len(loc) >= 2 and loc[0] == "units" and isinstance(loc[1], int):
        return Problem(message, source, _unit_label(data, loc[1]), _field(loc[2:]))
    return Problem(message, source, None, _field(loc))


def _seq_message(details: list[Any]) -> str:
    """One line for a seq that fits neither the integer nor the label branch (pydantic
    reports each branch): our own check's message if one ran, else what a seq may be."""
    for detail in details:
        if detail["type"] == "value_error":
            return str(detail["msg"]).removeprefix("Value error, ")
        if detail["type"] in TEXT_ERRORS:
            return text_problem(detail["input"])
    if details[0]["input"] is None:
        return "序号不能为空"
    return f"序号应为整数或文本标签（如 \"5.1\"），而不是 {_printable(repr(details[0]['input']))}"


def _seq_details(details: list[Any]) -> dict[int, list[Any]]:
    """Errors in the seq of each item, by item index."""
    found: dict[int, list[Any]] = {}
    for detail in details:
        loc = detail["loc"]
        if len(loc) >= 3 and loc[0] == "items" and isinstance(loc[1], int) and loc[2] == "seq" and detail["type"] != "missing":
            found.setdefault(loc[1], []).append(detail)
    return found


def _type_hint(detail: Any) -> str:
    """What a value of the wrong type actually was; YAML turns 是/yes, 123 and 2010-05-01
    into booleans, numbers and dates, which quotes keep as text."""
    value = detail["input"]
    hint = f"（实际为 {type(value).__name__}: {_printable(repr(str(value)))}）"
    if detail["type"] == "string_type" and isinstance(value, (bool, int, float, date)):
        hint += "，如要原样作为文本请加引号"
    return hint


def validation_problems(error: ValidationError, data: dict[str, Any], source: str) -> list[Problem]:
    problems = []
    details = error.errors()
    seqs = _seq_details(details)
    for detail in details:
        loc = tuple(detail["loc"])
        if loc[:1] == ("items",) and loc[2:3] == ("seq",) and loc[1] in seqs:
            if detail is seqs[loc[1]][0]:
                problems.append(_problem(data, loc[:3], _seq_message(seqs[loc[1]]), source))
            continue
        if detail["type"] in TEXT_ERRORS:
            message = text_problem(detail["input"])
        else:
            message = _MESSAGES.get(detail["type"], str(detail["msg"]).removeprefix("Value error, "))
        placed = re.match(r"items\.(\d+)\.(\w+): (.*)", message, re.S)
        if placed:  # raised by the plan-level checks, which know the item index
            loc, message = ("items", int(placed[1]), placed[2]), placed[3]
        if detail["type"] in ("string_type", "int_type", "list_type") and "input" in detail:
            message += _type_hint(detail)
        problems.append(_problem(data, loc, message, source))
    return problems


def plan_from_data(data: dict[str, Any], source: str) -> Plan:
    """Validate plan-file data; every problem becomes one line of a PlanError."""
    try:
        return Plan.model_validate(data)
    except ValidationError as error:
        raise PlanError(validation_problems(error, data, source)) from None


def dump_yaml(data: dict[str, Any]) -> str:
    """YAML a person can edit: keys in model order, multi-line cells as literal blocks."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, represent_str)
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=10_000)
