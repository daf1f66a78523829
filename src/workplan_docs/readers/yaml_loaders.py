"""Plan files in YAML beyond block YAML: read by PyYAML (libyaml when installed), which
only this module imports.

``yaml_block`` reads the plan files this program and most people write without PyYAML;
what it gives up on is read here, and so is every file with an error in it, whose
message comes from PyYAML's own loader.  Importing PyYAML costs a sixth of a small
build's instructions: a build whose plan reads as block YAML never pays for it.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import (
    AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent,
    SequenceStartEvent, StreamEndEvent,
)
from yaml.nodes import ScalarNode

from .yaml_block import MAX_INT_DIGITS
from .yaml_block import Unusual as _Unusual
from .yaml_block import scalar as _scalar

MAX_EXPANDED = 2_000_000  # YAML nodes plus characters once aliases are expanded


class Refused(Exception):
    """A YAML document refused before it is built; where it is, as a path of keys and indexes."""

    def __init__(self, message: str, path: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.message, self.path = message, path


def _node_children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _expanded_sizes(root: yaml.Node) -> dict[int, int]:
    """Size of every node once aliases are expanded (nodes plus scalar characters), by id.

    An alias is the same node object reached twice, so sizes are summed over a DAG with
    memoisation: linear in the file, however much it would expand.  A cycle (an anchor
    used inside itself) has no finite expansion and is refused.
    """
    sizes: dict[int, int] = {}
    ancestors: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            ancestors.discard(key)
            own = len(node.value) if isinstance(node, yaml.ScalarNode) else 0
            sizes[key] = 1 + own + sum(sizes[id(child)] for child in _node_children(node))
            continue
        if key in sizes:
            continue
        if key in ancestors:
            raise Refused("别名（*）引用了包含它自身的内容，无法展开")
        ancestors.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _node_children(node) if id(child) not in sizes)
    return sizes


def _where_too_large(root: yaml.Node, sizes: dict[int, int]) -> tuple[Any, ...]:
    """The field (or item and field) whose value alone is too large: where the user should look."""
    path: list[Any] = []
    node = root
    while len(path) < (3 if path[:1] in (["items"], ["units"]) else 1):
        if isinstance(node, yaml.MappingNode):
            steps = [(k.value if isinstance(k, yaml.ScalarNode) else "?", v) for k, v in node.value]
        elif isinstance(node, yaml.SequenceNode):
            steps = list(enumerate(node.value))
        else:
            return tuple(path)
        big = [(step, child) for step, child in steps if sizes[id(child)] > MAX_EXPANDED]
        if not big:
            return tuple(path)
        path.append(big[-1][0])  # anchors are defined first and used after: the last is the use
        node = big[-1][1]
    return tuple(path)


class _UniqueKeys(yaml.constructor.SafeConstructor):
    """Loader mix-in: duplicate keys, unhashable keys, sets and absurd numbers refused,
    alias expansion measured before anything is built."""

    def construct_document(self, node: yaml.Node) -> Any:
        sizes = _expanded_sizes(node)
        if sizes[id(node)] > MAX_EXPANDED:
            raise Refused(
                f"别名（&/*）展开后内容过大（超过 {MAX_EXPANDED // 10_000} 万个值和字符），计划文件不会有这么多内容，拒绝读取",
                _where_too_large(node, sizes),
            )
        return super().construct_document(node)  # type: ignore[no-untyped-call]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "键不能是列表或映射（“? ”或“[...]:”写成的键），请改为文字", key_node.start_mark
                )
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"键 “{key}” 重复出现", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = sum(c.isdigit() for c in node.value)
        if digits > MAX_INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"整数位数过多（{digits} 位，最多 {MAX_INT_DIGITS} 位），如是编号或文字请加引号", node.start_mark
            )
        return super().construct_yaml_int(node)  # type: ignore[no-untyped-call,no-any-return]

    def construct_unordered_set(self, node: yaml.Node) -> Any:
        raise yaml.constructor.ConstructorError(
            None, None, "集合（!!set）没有先后顺序，生成的文件会每次不同：请写成列表（每行以“- ”开头）", node.start_mark
        )


_UniqueKeys.add_constructor("tag:yaml.org,2002:int", _UniqueKeys.construct_yaml_int)
_UniqueKeys.add_constructor("tag:yaml.org,2002:set", _UniqueKeys.construct_unordered_set)


class UniqueKeyLoader(_UniqueKeys, yaml.SafeLoader):
    """The pure-Python safe loader: its error messages are the ones explained to users."""


# libyaml parses a large plan ten times faster (and with a fraction of the memory); it
# reads valid files exactly as the pure-Python loader does, which re-reads invalid ones
# so that errors are always reported the same way.
FastUniqueKeyLoader: type | None = (
    type("FastUniqueKeyLoader", (_UniqueKeys, yaml.CSafeLoader), {}) if hasattr(yaml, "CSafeLoader") else None
)

_TAG = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ = (_TAG + name for name in ("str", "map", "seq"))


class _Mapping:
    """A mapping being built from events, and its key waiting for a value (None: none)."""

    __slots__ = ("data", "key")

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.key: str | None = None


def _plain_data(loader: Any) -> Any:
    """The data of a document holding only what a plan file holds — text, whole numbers
    written plainly, null, booleans, lists, mappings with distinct text keys, no anchor —
    built straight from libyaml's events, as the safe constructor builds it from the node
    graph (which costs three times as much, and as much memory again as the data).
    Raises ``_Unusual`` on anything else: a float, a date, an anchor, a merge key, a
    repeated key, "0x1F", which the constructor then reads or refuses as always.  Without
    aliases nothing expands, so there is no size to check."""
    open_: list[list[Any] | _Mapping] = []  # the collections being built, innermost last
    done: list[Any] = []  # the document, once built

    def add(value: Any) -> None:
        if not open_:
            done.append(value)
            return
        inner = open_[-1]
        if type(inner) is list:
            inner.append(value)
        elif inner.key is None:
            if type(value) is not str or value in inner.data:
                raise _Unusual  # a key that is not text, or a repeated one
            inner.key = value
        else:
            inner.data[inner.key] = value
            inner.key = None

    while True:
        event = loader.get_event()
        kind = type(event)
        if kind is ScalarEvent:
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(ScalarNode, event.value, event.implicit)
            if event.anchor is not None or (open_ and type(open_[-1]) is _Mapping and open_[-1].key is None
                                            and tag != _STR):
                raise _Unusual  # an anchor; a key read as anything but text ("<<", 1, null)
            add(_scalar(tag, event.value))
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag not in (None, "!", _MAP if kind is MappingStartEvent else _SEQ):
                raise _Unusual
            open_.append(_Mapping() if kind is MappingStartEvent else [])
        elif kind is MappingEndEvent:
            add(open_.pop().data)  # type: ignore[union-attr]
        elif kind is SequenceEndEvent:
            add(open_.pop())
        elif kind is StreamEndEvent:
            return done[0] if done else None
        elif kind is DocumentStartEvent and done or kind is AliasEvent:
            raise _Unusual  # a second document (an error), an alias


def load_with_libyaml(text: str) -> Any:
    assert FastUniqueKeyLoader is not None
    loader = FastUniqueKeyLoader(text)
    try:
        return _plain_data(loader)
    except _Unusual:
        pass
    finally:
        loader.dispose()
    return yaml.load(text, Loader=FastUniqueKeyLoader)  # noqa: S506 - a CSafeLoader subclass
