"""Plan files as this program and most people write them, read a line at a time.

A plan file is block YAML: ``key: value`` lines, ``- `` entries, plain or single-quoted
text on one line, ``|`` blocks for text of several lines.  ``block_data`` reads exactly
that, in about half the time libyaml's events take to be turned into Python data (the
events alone cost about as much as this whole reader).  It gives up — raises ``Unusual`` — at the first
line it does not read with certainty: then libyaml and PyYAML's safe constructor read the
file as before, and every message about a broken file comes from them.  So a file is read
here only if it is valid YAML and reads to the same data; ``tests/test_fast_paths.py``
checks both readers against each other.

What gives up: tabs, carriage returns and the other line breaks and characters YAML treats
specially; comments after a value; double-quoted text; anchors, aliases, tags, flow
collections other than ``[]`` and ``{}``; plain text continued on the next line; keys that
are not text (``1:``, ``null:``) or are repeated; floats, dates and unusual integers; any
indentation that does not line up with an open mapping or list.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate
from typing import Any

from ..lazy_re import LazyPattern

MAX_INT_DIGITS = 100  # a number longer than this is an identifier typed without quotes, or an attack

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _NULL, _BOOL = (_TAG + name for name in ("str", "int", "null", "bool"))


class Unusual(Exception):
    """Something a fast reader leaves to the next, more general one."""


def scalar(tag: str, value: str) -> Any:
    """A scalar of the kinds plan files hold, as the safe constructor builds it."""
    if tag == _STR:
        return value
    if tag == _INT and value.isascii() and value.isdigit() and len(value) <= MAX_INT_DIGITS and (
        value == "0" or value[0] != "0"  # "012" is octal in YAML 1.1
    ):
        return int(value)
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return BOOL_VALUES[value.lower()]
    raise Unusual


# YAML 1.1's implicit types of plain scalars as PyYAML has them (``yaml.resolver.Resolver``,
# ``SafeConstructor.bool_values``): for each first character, the (tag, pattern) pairs tried
# in order; a scalar that none matches is text.  Written out here so that a plan in block
# YAML is read without importing PyYAML (a sixth of a small build's instructions);
# tests/test_fast_loading.py holds them equal to PyYAML's.
BOOL_VALUES = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}
_IMPLICIT_TYPES = (
    ("bool", re.compile(r'''^(?:yes|Yes|YES|no|No|NO
                    |true|True|TRUE|false|False|FALSE
                    |on|On|ON|off|Off|OFF)$''', re.X), "yYnNtTfFoO"),
    ("float", re.compile(r'''^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$''', re.X), "-+0123456789."),
    ("int", re.compile(r'''^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+
                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$''', re.X), "-+0123456789"),
    ("merge", re.compile(r'^(?:<<)$'), "<"),
    ("null", re.compile(r'''^(?: ~
                    |null|Null|NULL
                    | )$''', re.X), ("~", "n", "N", "")),
    ("timestamp", re.compile(r'''^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
                    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
                     (?:[Tt]|[ \t]+)[0-9][0-9]?
                     :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
                     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$''', re.X), "0123456789"),
    ("value", re.compile(r'^(?:=)$'), "="),
    ("yaml", re.compile(r'^(?:!|&|\*)$'), "!&*"),
)


def _by_first_character() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """``_IMPLICIT_TYPES`` as PyYAML's ``yaml_implicit_resolvers`` holds them."""
    resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for name, pattern, firsts in _IMPLICIT_TYPES:
        for first in firsts:
            resolvers.setdefault(first, []).append((_TAG + name, pattern))
    return resolvers


IMPLICIT_RESOLVERS = _by_first_character()


def _implicit_tag(value: str) -> str:
    """The tag YAML 1.1 gives a plain scalar, as PyYAML's resolver gives it."""
    for tag, pattern in IMPLICIT_RESOLVERS.get(value[:1], ()):
        if pattern.match(value):
            return tag
    return _STR


# Only "\n" breaks lines here and only printable characters appear (YAML also breaks lines
# at \r, \x85, \u2028, \u2029, and libyaml skips a byte-order mark at a line's start); no tab,
# which YAML allows in some places only.  The characters YAML does not allow (PyYAML's
# ``Reader.NON_PRINTABLE``) and these, in one class: a search of a large plan takes a few
# milliseconds for each class.  Named as what is refused, not as the complement of what
# is allowed: Python compiles a class a character at a time, and the complement's
# 63,000 characters took 10-15 ms of every process that reads a plan.
UNUSUAL_CHARACTER = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
# Characters that give a line or a value another meaning when they come first.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_NOT_PLAIN = _INDICATORS | {" "}  # a value opening so is not plain text on its own
_MARKERS = ("---", "...")  # a document's start and end
_MULTILINE = frozenset("|'")  # values that may go on to the following lines
_MAY_RESOLVE = frozenset(first for first in IMPLICIT_RESOLVERS if first)  # 0-9 y n t f o ~ …
_QUOTED = LazyPattern(r"'((?:[^']|'')*)' *")
_OPEN_QUOTE = LazyPattern(r"'((?:[^']|'')*)")  # a quoted text going on to the next line,
_GOING_ON = LazyPattern(r"(?:[^']|'')*")  # its lines between,
_CLOSE_QUOTE = LazyPattern(r"((?:[^']|'')*)' *")  # and its last line
_QUOTED_KEY = LazyPattern(r"'((?:[^']|'')*)':(?: +|$)")


def _plain(value: str) -> Any:
    """A plain (unquoted) scalar: text, or what YAML 1.1 reads it as (123, yes, null)."""
    first = value[0]
    if first not in _MAY_RESOLVE:
        return value
    if first != "0" and value.isdigit() and value.isascii():
        return scalar(_INT, value)  # what the resolver makes of digits (each 序号 is another)
    return _resolved(value)


@lru_cache(maxsize=4096)  # keys, 全年, 6月底前: a plan writes the same few many times
def _resolved(value: str) -> Any:
    return scalar(_implicit_tag(value), value)


def _value_at(lines: list[str], index: int, text: str, least: int) -> tuple[Any, int]:
    """The quoted or ``|`` value that ``text`` opens on ``lines[index]``, going on to lines
    indented at least ``least``; and the index of the line after it."""
    if text[0] == "|":
        return _literal(lines, index + 1, least, text)
    quoted = _QUOTED.fullmatch(text)
    if quoted:
        return quoted[1].replace("''", "'"), index + 1
    return _quoted_lines(lines, index + 1, least, text)


def _quoted_lines(lines: list[str], start: int, least: int, first: str) -> tuple[str, int]:
    """Single-quoted text over several lines, as dumpers write text with line breaks: folded
    as YAML folds it (a line break is a space, n empty lines are n line breaks)."""
    opened = _OPEN_QUOTE.fullmatch(first)
    if not opened:
        raise Unusual
    parts, breaks = [opened[1]], 0
    for index in range(start, len(lines)):
        line = lines[index]
        content = line.strip(" ")
        if not content:
            breaks += 1
            continue
        if len(line) - len(line.lstrip(" ")) < least:
            raise Unusual
        parts.append("\n" * breaks if breaks else " ")
        breaks = 0
        closed = _CLOSE_QUOTE.fullmatch(content)
        if closed:
            parts.append(closed[1])
            return "".join(parts).replace("''", "'"), index + 1
        if not _GOING_ON.fullmatch(content):
            raise Unusual  # the quote closes before the line ends
        parts.append(content)
    raise Unusual  # never closed


def _quoted_key(entry: str) -> tuple[str, int]:
    """A single-quoted key (``'1': …``) and where what follows its colon starts."""
    quoted = _QUOTED_KEY.match(entry)
    if not quoted:
        raise Unusual
    return quoted[1].replace("''", "'"), quoted.end()


def _check_key(key: str) -> None:
    """Refuse a plain key that is no text, or that YAML reads otherwise than as written."""
    if not key or key[0] in _INDICATORS or key[-1] == " " or " #" in key or len(key) > 200:
        raise Unusual
    if type(_plain(key)) is not str:
        raise Unusual  # 1:, null:, yes: are keys that are not text


def _literal(lines: list[str], start: int, least: int, header: str) -> tuple[str, int]:
    """A ``|`` or ``|-`` block from ``lines[start]``, indented at least ``least``: its text
    and the index of the line after it."""
    if header not in ("|", "|-"):
        raise Unusual  # |+, |2, >, a comment after the header
    first = lines[start] if start < len(lines) else ""
    indent = len(first) - len(first.lstrip(" "))
    if indent < least or indent == len(first):
        raise Unusual  # an empty block, or one opening with empty lines: YAML's rules differ
    pad = " " * indent
    body: list[str] = []
    last = start  # the last line with content
    index = start
    while index < len(lines):
        line = lines[index]
        if len(line) > indent and line.startswith(pad):
            body.append(line[indent:])
            last = index
        elif line.strip(" "):
            break  # less indented: the block is over
        else:
            body.append("")
        index += 1
    text = "\n".join(body[: last - start + 1])
    if header == "|" and last + 1 < len(lines):  # "|" keeps the line break after the last line
        text += "\n"
    return text, index


def _class(chars: str) -> str:
    return "".join(re.escape(char) for char in sorted(chars))


# Lists of mappings written as dumpers write them — "- key: text" opening each entry, then
# "  key: text", "  key: 'text'", "  key: []" and "  key:" over "  - text" lines — read a run
# of entries at a time, by a pattern per column; what the pattern does not take is left
# to the loop, at the line it stops at.  A plain text here is what ``_put`` takes without
# ``_plain`` (``_SAFE``) or with it (``_RESOLVED``): no indicator first, no ": " or " #"
# in it, no space or colon last.
_FIRST = _INDICATORS | {" ", "\n"}
_REST = r"[^\n: ]*(?:(?::(?=[^ \n])| (?=[^#\n]))[^\n: ]*)*"
_SAFE = f"[^{_class(_FIRST | _MAY_RESOLVE)}]{_REST}"
_RESOLVED = f"[{_class(_MAY_RESOLVE - _FIRST)}]{_REST}"
_KEY = "[A-Za-z_][A-Za-z0-9_]*"  # checked by _check_key too, as any key
_ITEM_VALUE = re.compile(r"- ([^\n]*)\n")


_NUMBER = f"[1-9][0-9]{{0,{MAX_INT_DIGITS - 1}}}(?=\n)"  # what _plain reads as an int, without looking it up (not "0": _resolved)
_QUOTED_TEXT = r"'(?:[^'\n]|'')*'"
_EMPTY = r"\[\]|\{\}"


@lru_cache(maxsize=None)
def _key_line(column: int) -> re.Pattern[str]:
    """For a list at ``column``: the pattern of a key of its entries, matched one after the
    other (its groups: "- " opening an entry, key, text, a whole number, text to resolve,
    quoted text, [] or {}, the lines of a list under the key)."""
    dash, indent = " " * column + "- ", " " * (column + 2)
    texts = "|".join(f"({part})" for part in (_SAFE, _NUMBER, _RESOLVED, _QUOTED_TEXT, _EMPTY))
    return re.compile(f"(?:({dash})|{indent})({_KEY}):(?: (?:{texts})\n|\n((?:{indent}- {_SAFE}\n)+))")


class _Reader:
    """The open mappings and lists, innermost last, each with the column of its entries;
    ``pending``: a key or list entry whose value is on the following lines (or is null).
    A large plan has a hundred thousand lines: the common ones take few steps."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = lines = text.split("\n")
        self.starts: list[int] = []  # where each line starts in the text, once a run is read
        self.root: dict[str, Any] = {}
        self.open: list[tuple[int, Any]] = [(0, self.root)]
        self.pending: tuple[Any, str | None, int] | None = None
        self.keys: set[str] = set()  # plain keys already checked

    def read(self) -> dict[str, Any]:
        """The loop over the lines.  The commonest lines — ``key: text``, ``key:`` opening a
        list, ``- text``, ``- key: text`` opening an item — are read here, with a few tests of
        the line each; anything else goes to the methods below, which read every line (these
        tests only pick lines whose reading by them is certain, and do as they would)."""
        lines = self.lines
        open_ = self.open
        keys = self.keys
        count = len(lines)
        index = self._first()
        while index < count:
            line = lines[index]
            entry = line.lstrip(" ")
            if not entry or entry[0] == "#":
                index += 1
                continue
            column = len(line) - len(entry)
            is_item = entry[0] == "-" and (len(entry) == 1 or entry[1] == " ")
            if self.pending is not None:
                self._settle(column, is_item)
            at, inner = open_[-1]
            if at > column:  # deeper collections are done (as _close_to finds too)
                while open_[-1][0] > column:
                    open_.pop()
                at, inner = open_[-1]
            if at == column:
                if is_item:
                    if type(inner) is list:
                        text = entry[2:]
                        if text and text[0] not in _NOT_PLAIN and text[-1] not in " :" and " #" not in text:
                            if ": " not in text:  # "- text"
                                inner.append(text if text[0] not in _MAY_RESOLVE else _plain(text))
                                index += 1
                                continue
                            after = self._run(index, column, inner)
                            if after > index:
                                index = after
                                continue
                            mapping: dict[str, Any] = {}  # "- key: …" opens a mapping, as _item does
                            inner.append(mapping)
                            column += 2
                            open_.append((column, mapping))
                            entry, inner, is_item = text, mapping, False
                if not is_item:
                    if type(inner) is list and len(open_) > 1 and open_[-2][0] == column and type(open_[-2][1]) is dict:
                        open_.pop()  # "key:" after the list of the key before it
                        inner = open_[-1][1]
                    if type(inner) is dict and (column or entry[:3] not in _MARKERS):
                        colon = entry.find(": ")
                        if colon > 0:
                            key = entry[:colon]
                            text = entry[colon + 2:]
                            if (key in keys and key not in inner and text and text[0] not in _NOT_PLAIN
                                    and text[-1] not in " :" and " #" not in text and ": " not in text):
                                inner[key] = text if text[0] not in _MAY_RESOLVE else _plain(text)
                                index += 1
                                continue
                        elif entry[-1] == ":":
                            key = entry[:-1]
                            if key in keys and key not in inner:  # "key:": a list or mapping below, or null
                                self.pending = (inner, key, column)
                                inner[key] = None
                                index += 1
                                continue
            index = self._item(index, column, entry) if is_item else self._entry(index, column, entry)
        if self.pending is not None:
            self._settle(-1, False)
        return self.root

    def _run(self, index: int, column: int, sequence: list[Any]) -> int:
        """Entries of ``sequence`` (the list at ``column``) that ``_run_patterns`` take, from
        ``lines[index]`` on: each read as the loop reads it, and the collections the loop would
        have open after them left open.  Returns the index of the first line not taken."""
        starts = self.starts
        if not starts:
            starts += accumulate(map((1).__add__, map(len, self.lines)), initial=0)
        keys = self.keys
        mapping: dict[str, Any] = {}
        items: list[Any] | None = None
        found = None
        for found in iter(_key_line(column).scanner(self.text, starts[index]).match, None):
            dash, key, plain, number, resolved, quoted, empty, lines = found.groups()
            if dash:
                mapping = {}
                sequence.append(mapping)
            if key not in keys:
                _check_key(key)
                keys.add(key)
            if key in mapping:
                raise Unusual
            items = None
            if plain:
                mapping[key] = plain
            elif number:
                mapping[key] = int(number)
            elif resolved:
                mapping[key] = _plain(resolved)
            elif quoted:
                mapping[key] = quoted[1:-1].replace("''", "'")
            elif empty:
                mapping[key] = [] if empty == "[]" else {}
            else:
                mapping[key] = items = _ITEM_VALUE.findall(lines)
        if found is None:
            return index
        self.open.append((column + 2, mapping))
        if items is not None:  # the last key's list, open as "- " lines leave it
            self.open.append((column + 2, items))
        return bisect_left(starts, found.end(), index)

    def _first(self) -> int:
        """The index of the first line with content, which must open the top mapping."""
        for index, line in enumerate(self.lines):
            if line[:1] not in ("", " ", "#"):
                if line[0] == "-":
                    break
                return index
            if line.strip(" ") and line.lstrip(" ")[0] != "#":
                break  # indented
        raise Unusual  # empty, a list, indented: the file is read (or refused) as before

    def _put(self, mapping: dict[str, Any], key: str, rest: str, column: int, index: int) -> int:
        """Set ``key`` of ``mapping`` from the text after its colon; returns the next line's index."""
        if key in mapping:
            raise Unusual  # refused, with the line, by the safe constructor
        text = rest.strip(" ")
        if not text:
            self.pending = (mapping, key, column)
            mapping[key] = None  # holds the key's place: the value comes in _settle
            return index + 1
        first = text[0]
        if first in _INDICATORS:
            mapping[key], index = self._special(index, text, column)
            return index
        if " #" in text or ": " in text or text[-1] == ":":
            raise Unusual
        mapping[key] = text if first not in _MAY_RESOLVE else _plain(text)
        return index + 1

    def _special(self, index: int, text: str, column: int) -> tuple[Any, int]:
        """A value opening with an indicator: ``[]``, ``{}``, quoted, ``|``; else give up."""
        if text == "[]":
            return [], index + 1
        if text == "{}":
            return {}, index + 1
        if text[0] not in _MULTILINE:
            raise Unusual
        return _value_at(self.lines, index, text, column + 1)

    def _entry(self, index: int, column: int, entry: str) -> int:
        """A ``key: value`` line; returns the index of the next line to read."""
        if column == 0 and entry[:3] in ("---", "..."):
            raise Unusual  # a document's start or end, even before "  a: 1"
        at, mapping = self.open[-1]
        if at != column or type(mapping) is not dict:
            mapping = self._close_to(column, dict)
        if entry[0] == "'":
            key, after = _quoted_key(entry)
        else:
            colon = entry.find(": ")
            if colon < 0:
                if entry[-1] != ":":
                    raise Unusual  # text where a key should be
                colon = len(entry) - 1
            key, after = entry[:colon], colon + 1
            if key not in self.keys:
                _check_key(key)
                self.keys.add(key)
        return self._put(mapping, key, entry[after:], column, index)

    def _settle(self, column: int, is_item: bool) -> None:
        """The pending value, now that the next line is at ``column``: a mapping or list
        opening there, else null."""
        owner, key, at = self.pending  # type: ignore[misc]
        self.pending = None
        if column > at or (is_item and column == at and key is not None):  # "key:" then "- …" below it
            value: Any = [] if is_item else {}
            self.open.append((column, value))
        else:
            value = None
        if key is None:
            owner.append(value)
        else:
            owner[key] = value

    def _close_to(self, column: int, kind: type) -> Any:
        """The open collection at ``column``, which must be a ``kind``; deeper ones are done."""
        open_ = self.open
        at, collection = open_[-1]
        if at == column and type(collection) is kind:
            return collection  # most lines: another entry of the innermost one
        while open_[-1][0] > column or (kind is dict and open_[-1][0] == column and type(open_[-1][1]) is list):
            open_.pop()
        at, collection = open_[-1]
        if at != column or type(collection) is not kind:
            raise Unusual
        return collection

    def _item(self, index: int, column: int, entry: str) -> int:
        """A ``- …`` line: a list entry, which may open a mapping (``- key: value``)."""
        sequence = self._close_to(column, list)
        text = entry[1:].lstrip(" ")
        inner = column + len(entry) - len(text)
        text = text.rstrip(" ")
        if not text:
            self.pending = (sequence, None, column)
            return index + 1
        if text[0] == "'" and _QUOTED_KEY.match(text) or text[0] not in _INDICATORS and (": " in text or text[-1] == ":"):
            mapping: dict[str, Any] = {}  # "- key: value": a mapping, its keys in the column of this key
            sequence.append(mapping)
            self.open.append((inner, mapping))
            return self._entry(index, inner, text)
        if text[0] in _INDICATORS:
            value, index = self._special(index, text, column)
            sequence.append(value)
            return index
        if " #" in text:
            raise Unusual
        sequence.append(text if text[0] not in _MAY_RESOLVE else _plain(text))
        return index + 1


def block_data(text: str, *, checked: bool = False) -> dict[str, Any]:
    """The data of a plan file written as block YAML; raises ``Unusual`` on anything else.
    ``checked``: the caller found no ``UNUSUAL_CHARACTER`` in ``text``."""
    if not checked and UNUSUAL_CHARACTER.search(text):
        raise Unusual
    return _Reader(text).read()
