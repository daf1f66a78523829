"""Plan files (YAML, JSON, TOML): parse safely, refuse duplicate keys, report by line.

This is the edge where user data becomes a validated ``Plan``: every problem found
here is reported with the file, the item and the field, never as a traceback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import PlanError, Problem
from ..model import Plan

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
    """Text of a file: UTF-8 (with or without BOM); GB18030/GBK as Chinese offices save it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise PlanError(
                Problem(f"文件不是 UTF-8 或 GBK 编码的文本（第 {utf8_error.start + 1} 个字节无法解码）", source)
            ) from None


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"键 “{key}” 重复出现", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _parse_yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列: " if mark else ""
        raise PlanError(Problem(f"{where}YAML 格式错误：{error.problem or error}", source)) from None
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
            if key in result:
                raise PlanError(Problem(f"键 “{key}” 重复出现", source))
            result[key] = value
        return result

    try:
        return json.loads(text, object_pairs_hook=unique)
    except json.JSONDecodeError as error:
        raise PlanError(Problem(f"第 {error.lineno} 行第 {error.colno} 列: JSON 格式错误：{error.msg}", source)) from None


def _parse_toml(text: str, source: str) -> Any:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PlanError(Problem(f"TOML 格式错误：{error}", source)) from None


PARSERS = {".yaml": _parse_yaml, ".yml": _parse_yaml, ".json": _parse_json, ".toml": _parse_toml}


def read_plan_data(path: Path) -> dict[str, Any]:
    """The raw mapping of a plan file, before validation."""
    source = str(path)
    size = path.stat().st_size
    if size > MAX_PLAN_BYTES:
        raise PlanError(Problem(f"文件过大（{size / 1048576:.1f} MB，上限 {MAX_PLAN_BYTES // 1048576} MB）", source))
    text = decode(path.read_bytes(), source)
    data = PARSERS[path.suffix.lower()](text, source)
    if data is None:
        raise PlanError(Problem("文件为空", source))
    if not isinstance(data, dict):
        raise PlanError(Problem("计划文件的顶层应为键值映射（title、items 等）", source))
    return data


def _item_label(data: dict[str, Any], index: int) -> str:
    items = data.get("items")
    if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
        seq = items[index].get("seq")
        if isinstance(seq, (int, str)) and not isinstance(seq, bool) and str(seq).strip():
            return f"序号 {seq}"
    return f"第 {index + 1} 条"


def _problem(data: dict[str, Any], loc: tuple[Any, ...], message: str, source: str) -> Problem:
    """Place a validation error: "items.3.lead.0" → item by seq, field "lead"."""
    if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
        field = ".".join(str(part) for part in loc[2:]) or None
        return Problem(message, source, _item_label(data, loc[1]), field)
    return Problem(message, source, None, ".".join(str(part) for part in loc) or None)


def validation_problems(error: ValidationError, data: dict[str, Any], source: str) -> list[Problem]:
    problems = []
    for detail in error.errors():
        loc = tuple(detail["loc"])
        message = _MESSAGES.get(detail["type"], str(detail["msg"]).removeprefix("Value error, "))
        placed = re.match(r"items\.(\d+)\.(\w+): (.*)", message, re.S)
        if placed:  # raised by the plan-level checks, which know the item index
            loc, message = ("items", int(placed[1]), placed[2]), placed[3]
        if detail["type"] in ("string_type", "int_type", "list_type") and "input" in detail:
            message += f"（实际为 {type(detail['input']).__name__}: {str(detail['input'])[:40]!r}）"
        problems.append(_problem(data, loc, message, source))
    return problems


def plan_from_data(data: dict[str, Any], source: str) -> Plan:
    """Validate plan-file data; every problem becomes one line of a PlanError."""
    _check_seq_types(data, source)
    try:
        return Plan.model_validate(data)
    except ValidationError as error:
        raise PlanError(validation_problems(error, data, source)) from None


def _check_seq_types(data: dict[str, Any], source: str) -> None:
    """A seq must be an integer or a label: 1.5 from YAML is neither, and would print oddly."""
    items = data.get("items")
    if not isinstance(items, list):
        return
    problems = []
    for index, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("seq"), (float, bool)):
            problems.append(
                Problem(f"序号应为整数或文本标签（如 \"5.1\"），而不是 {item['seq']!r}", source, f"第 {index + 1} 条", "seq")
            )
    if problems:
        raise PlanError(problems)


def dump_yaml(data: dict[str, Any]) -> str:
    """YAML a person can edit: keys in model order, multi-line cells as literal blocks."""

    class Dumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, represent_str)
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=10_000)
