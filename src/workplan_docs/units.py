"""Split the free text of a 牵头单位 / 参与部门 cell into unit names, with their roles.

Printed cells list units in many ways: "认监委、计量司", one unit per line, "监督司及相关司局",
role sentences ("市发改委牵头，市财政局、市商务局配合", "中国质检协会承办竞赛组织工作。认监委、
标准委协助"), role marks ("市发改委（牵头）"), a shared ending ("天河、海珠大队"), a name
wrapped by hand ("区农业\\n农村局").  This module is the one place that reads them.  Names
are normalised (white space, full-width letters and digits) and resolved through the
plan's unit registry; brackets inside a name stay ("各省计量院（所）", "各县（市、区）").
The README ("Decisions on ambiguous input") states every rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal, Protocol

from .lazy_re import LazyPattern

GENERIC_KIND = "泛指"
COLLECTIVE_KIND = "统称"

Marker = Literal["", "lead_first", "lead", "participant", "context"]

# Role words, strongest first: 牵头 names the lead even beside 负责 ("X牵头，Y按职责分工负责").
_ROLE_WORDS: dict[Marker, tuple[str, ...]] = {
    "lead_first": ("总牵头", "牵头", "牽頭"),
    "lead": ("负责", "負責", "主办", "主辦", "主责", "主責", "承办", "承辦", "主抓"),
    "participant": ("配合", "协助", "協助", "协办", "協辦", "参与", "參與", "参加", "參加", "支持", "协同", "協同"),
}
_ROLE_ADVERBS = r"(?:按照?职责(?:分工)?|按職責(?:分工)?|依职责|分别|分別|共同|联合|聯合|各自)?"
_ROLE = re.compile(_ROLE_ADVERBS + "(?:" + "|".join(w for words in _ROLE_WORDS.values() for w in words) + ")")
# "牵头单位：X；配合单位：Y" inside one cell.
_ROLE_LABEL = re.compile(r"(牵头|牽頭|责任|責任|负责|負責|主办|主辦|承办|承辦|配合|协办|協辦|协助|協助|参与|參與|协同|協同)(?:单位|單位|部门|部門)?[:：]")
# "省牵头单位：省农业农村厅" under a city's units: the lead at another level of government,
# context for the plan's own units, not one of them.
_OTHER_LEVEL = r"(?:省|省级|省級|国家|國家|中央|上级|上級)(?:牵头|牽頭|责任|責任|配合)(?:单位|單位|部门|部門)"
_OTHER_LEVEL_LABEL = re.compile(_OTHER_LEVEL + "[:：]")
# "*市委组织部、市人力社保局": a star before a unit of a list marks it as the lead.
_STAR = "*＊※"
# Endings that mark a phrase as the name of an organisation.
_UNIT_ENDINGS = (
    "司", "局", "委", "院", "所", "中心", "会", "會", "部", "办", "辦", "处", "處", "科", "室", "厅", "廳", "站", "队", "隊",
    "组", "組", "馆", "館", "社", "校", "署", "机构", "機構", "单位", "單位", "企业", "政府", "集团", "公司", "联", "聯",
    "协", "協", "行", "镇", "鎮", "乡", "鄉", "街道", "村", "社区", "区", "區", "县", "縣", "市", "省", "园", "園", "场",
    "厂", "台", "报", "军", "人大", "政协", "大学", "学院", "医院", "专班", "指挥部", "小组", "部门", "部門", "系统",
    "办公室", "管委会", "（所）", "(所)", "片区", "分局", "支行", "银行", "党委", "党组", "工委", "团", "團", "网", "所属",
    "科技城", "新城",
)
# Endings a list may share ("天河、海珠、越秀大队"), longest first.  Only endings of two or more
# characters: with 处 or 局, "张三、财务处" would turn a person into "张三处".
_SHARED_ENDINGS = tuple(sorted(
    ("大队", "中队", "支队", "派出所", "街道办事处", "办事处", "人民政府", "政府", "管委会", "委员会", "中心", "公司",
     "街道", "部门", "单位", "分局", "学校", "医院", "协会", "卫生院", "司法所", "财政所"),
    key=len, reverse=True,
))
# Kinds of body a "各…" names before them all ("各乡镇人民政府、街道办事处": each of both).
_TYPE_NAMES = {
    "街道办事处", "街道", "乡镇", "镇", "乡", "社区", "村", "村委会", "居委会", "学校", "医院", "企业", "单位", "部门",
    "科室", "处室", "大队", "中队", "站所", "区县", "县区", "乡镇人民政府", "镇人民政府", "街道办", "管委会", "园区",
    "开发区", "直属单位", "直属机构", "派出所", "分局", "镇街", "鎮街", "平台", "平臺",
}
_CONJUNCTIONS = "及和与"
_GENERIC_PREFIXES = ("有关", "相关", "其他", "有關", "相關")
_SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_BLANK = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]*")
_INNER_SPACE = re.compile(r"[ \t\u00a0\u3000]+")  # spaces within a line (a line break is handled apart)
_OPEN, _CLOSE = "（(〈<【[《", "）)〉>】]》"
_ADMIN_PREFIX = "市县区省镇乡街村各縣區鎮鄉"
_BRACKET_ROLE = re.compile(
    r"(.*?)[（(](" + "|".join(w for words in _ROLE_WORDS.values() for w in words) + r")(?:单位|單位|部门|部門)?[)）]$"
)
# A note stating the table's convention that the first unit listed leads: "（除标注“分别牵头”外，
# 列第一位为牵头或汇总单位，下同）" inside a unit cell, "（排在第一位的为牵头单位）" after a heading.
_ASIDE = LazyPattern(r"[（(]([^（()）]*)[)）]")
_LAST_ASIDE = LazyPattern(r"[（(]([^（()）]*)[)）]$")
_FIRST_LEADS = LazyPattern(
    r"(?:列|排|排在|排名|位列|名列)?(?:第一(?:位|个|個|名)?|首位)的?(?:单位|單位|部门|部門)?(?:为|為|是)(?:牵头|牽頭|主办|主辦|主责|主責)"
)


class RegistryEntry(Protocol):
    name: str
    aliases: list[str]
    kind: str | None


@dataclass(frozen=True)
class UnitMention:
    """A unit named in a cell.

    ``role``: the role words printed with it ("协助", "牵头"); ``marker``: what they make
    of it (lead / participant).
    """

    name: str
    role: str = ""
    marker: Marker = ""


class Registry:
    """Known units: resolves aliases to the registry name and tells what is a unit."""

    def __init__(self, entries: Iterable[RegistryEntry] = ()) -> None:
        self._canonical: dict[str, str] = {}
        self._kinds: dict[str, str | None] = {}
        for entry in entries:
            name = normalise_name(entry.name)
            self._kinds[name] = entry.kind
            self._canonical[name] = name
            for alias in entry.aliases:
                self._canonical[normalise_name(alias)] = name

    def resolve(self, name: str) -> str:
        name = normalise_name(name)
        return self._canonical.get(name, name)

    def knows(self, name: str) -> bool:
        return normalise_name(name) in self._canonical

    def spellings(self, name: str) -> list[str]:
        """The registry name of ``name`` and all its aliases (``name`` alone if unknown)."""
        canonical = self.resolve(name)
        return [canonical, *(alias for alias, target in self._canonical.items() if target == canonical and alias != canonical)]

    def kind(self, name: str) -> str | None:
        """The registry kind, else 统称 for "各科室"-like names, 泛指 for "有关…/相关…"."""
        name = self.resolve(name)
        if name in self._kinds and self._kinds[name]:
            return self._kinds[name]
        if is_collective(name):
            return COLLECTIVE_KIND
        return GENERIC_KIND if is_generic(name) else None


@lru_cache(maxsize=4096)  # a plan names its few hundred units thousands of times
def normalise_name(name: str) -> str:
    """Drop white space and fold full-width ASCII letters and digits to half width.

    Full-width brackets are kept: they are part of names such as "各省计量院（所）".
    """
    folded = []
    for char in _SPACE.sub("", name):
        code = ord(char)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            char = chr(code - 0xFEE0)
        folded.append(char)
    return "".join(folded)


def is_collective(name: str) -> bool:
    """"各科室", "区政府各部门", "直属各单位": every member of a known set, each to act."""
    return "各" in name


def is_generic(name: str) -> bool:
    """A phrase like "相关司局" or "总局相关司局" refers to no one unit in particular."""
    return not is_collective(name) and any(prefix in name for prefix in _GENERIC_PREFIXES)


blank = _BLANK.fullmatch  # is_blank without a Python call: a match (true) or None


def is_blank(text: str) -> bool:
    """True for an empty cell, including the seed's cell of a single no-break space."""
    return _BLANK.fullmatch(text) is not None  # stops at the first other character, unlike a sub()


def any_blank(texts: Iterable[str]) -> bool:
    """Whether any of ``texts`` is blank (one C call for each, no Python frame: a plan's
    unit lists name tens of thousands of units)."""
    return any(map(_BLANK.fullmatch, texts))


def looks_like_unit(name: str, registry: Registry | None = None) -> bool:
    """Registered, or ending in a word that ends organisations' names (局, 委, 中心 …);
    a bracket at the end ("高新园(邹区镇)") is an aside and is not looked at."""
    if registry is not None and registry.knows(name):
        return True
    bare = re.sub(r"[（(〈<【\[][^（(〈<【\[]*[)）〉>】\]]$", "", name)
    return len(bare) >= 2 and (bare.endswith(_UNIT_ENDINGS) or is_collective(bare) or is_generic(bare))


def first_unit_leads_note(text: str) -> str | None:
    """The aside of a unit cell or heading that says the first unit listed leads
    ("除标注“分别牵头”外，列第一位为牵头或汇总单位，下同", "排在第一位的为牵头单位"), or None."""
    if "第一" not in text and "首位" not in text:  # most cells: no pattern run at all
        return None
    return next((aside[1] for aside in _ASIDE.finditer(text) if _FIRST_LEADS.search(aside[1])), None)


def _without_note(part: str) -> str:
    """A name without a trailing note on the table's convention: "市卫生健康委（…列第一位为牵头
    或汇总单位，下同）" names 市卫生健康委; the note is the cell's, printed with it, no unit's."""
    aside = _LAST_ASIDE.search(part) if part and part[-1] in _CLOSE else None
    if aside and aside.start() > 0 and _FIRST_LEADS.search(aside[1]):
        return part[:aside.start()]
    return part


# ---------------------------------------------------------------- splitting


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split at ``separators`` that are not inside brackets ("各县（市、区）" stays one)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        elif char in separators and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _outside_brackets(text: str, position: int) -> bool:
    depth = 0
    for char in text[:position]:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
    return depth == 0


def _marker(role: str) -> Marker:
    if re.fullmatch(_OTHER_LEVEL, role):
        return "context"
    if len(role) == 1 and role in _STAR:
        return "lead_first"
    for marker, words in _ROLE_WORDS.items():
        if any(word in role[:8] for word in words):
            return marker
    return ""


def _join_wrapped_lines(lines: list[str], registry: Registry) -> list[str]:
    """Join a name the cell wrapped by hand ("区农业\\n农村局"): when the first half is no
    unit on its own (no unit ending), or the joined name is registered."""
    joined: list[str] = []
    for line in lines:
        if joined and line and _continues(joined[-1], line, registry):
            joined[-1] += line
        else:
            joined.append(line)
    return joined


def _continues(previous: str, line: str, registry: Registry) -> bool:
    if previous and line[0] in _OPEN and line[-1] in _CLOSE and _outside_brackets(line, len(line)) and not _outside_brackets(line, len(line) - 1):
        return True  # "市发改委\n（牵头）": an aside on a line of its own belongs to the name above
    if not previous or previous[-1] in "、，,；;。/／：:" or line[0] in "、，,；;。/／" + _OPEN:
        return False
    head = _split_outside_brackets(previous, "、，,；;。/／")[-1]
    tail = _split_outside_brackets(line, "、，,；;。/／")[0]
    if registry.knows(head + tail):
        return True
    if not head or registry.knows(head) or _ROLE.search(head) or looks_like_unit(head):
        return False
    # "县妇联\n县残联": a line starting like the one above starts a new unit.
    return not (line[0] == previous[0] and line[0] in _ADMIN_PREFIX) and not line.startswith("各")


def _spaced_units(line: str, registry: Registry) -> str:
    """"县民政局 各相关乡镇" names two units: a space between two names that each read as a
    unit of its own is a separator (written "、" here); any other space is layout, dropped
    with the rest ("区农业 农村局" is one unit wrapped by hand, "县政府 办公室" one too: 办公室
    alone is only an ending, as is "经济开发区 管委会"'s)."""
    pieces = _INNER_SPACE.split(line.strip())
    joined = pieces[0]
    for piece in pieces[1:]:
        left = _split_outside_brackets(joined, "、，,；;/／")[-1]
        right = _split_outside_brackets(piece, "、，,；;/／")[0]
        apart = _whole_unit(left, registry) and _whole_unit(right, registry)
        joined += "、" + piece if apart and not registry.knows(normalise_name(left + right)) else " " + piece
    return joined


def _whole_unit(name: str, registry: Registry) -> bool:
    """A name that reads as a unit and is more than a unit ending ("财政局", not "局" or "办公室")."""
    name = normalise_name(name)
    if name in _UNIT_ENDINGS or name in _TYPE_NAMES or not _outside_brackets(name, len(name)):
        return False
    return looks_like_unit(name, registry)


def _clauses(text: str, registry: Registry) -> Iterator[str]:
    lines = [normalise_name(_spaced_units(line, registry)) for line in re.split(r"\r\n|\r|\n", text)]
    for line in _join_wrapped_lines(lines, registry):
        for clause in _split_outside_brackets(line, "。；;，,"):
            clause = clause.strip()
            # A cell written as one aside: "（牵头单位：市发改委；责任单位：各区人民政府）".
            if len(clause) > 2 and clause[0] in _OPEN and clause[-1] in _CLOSE and _outside_brackets(clause[1:-1], len(clause) - 2):
                yield from _clauses(clause[1:-1], registry)
            elif clause:
                yield clause


def _role_split(clause: str) -> tuple[str, str]:
    """Names and role words of a clause: "市财政局、市商务局配合" → (names, "配合")."""
    label = _OTHER_LEVEL_LABEL.match(clause) or _ROLE_LABEL.match(clause)
    if label and label.re is _OTHER_LEVEL_LABEL:
        return clause[label.end():], clause[: label.end() - 1]
    if label:
        return clause[label.end():], label.group(1)
    for match in _ROLE.finditer(clause):
        rest = clause[match.end():]
        if len(rest) <= 3 and rest.endswith(_UNIT_ENDINGS):  # "…发展支持中心" is a name
            continue
        if match.start() > 0 and _outside_brackets(clause, match.start()):
            return clause[: match.start()], clause[match.start():]
    return clause, ""


def _segments(names: str, registry: Registry) -> list[tuple[str, str]]:
    """(name, role mark) of each name of a clause, "等" dropped, shared endings written out."""
    names = names[1:] if names.startswith("由") and len(names) > 1 else names
    segments: list[tuple[str, str]] = []
    for part in _split_outside_brackets(names, "、/／"):
        mark, part = "", _without_note(part)
        if len(part) > 1 and part[0] in _STAR:
            part, mark = part[1:], part[0]
        bracket = _BRACKET_ROLE.match(part)
        if bracket:
            part, mark = bracket.group(1), bracket.group(2)
        if not part and mark and segments:  # "市发改委\n（牵头）"
            segments[-1] = (segments[-1][0], mark)
            continue
        if part and part[0] in _OPEN and segments and not _BRACKET_ROLE.match(part):  # "高新园\n(邹区镇)"
            segments[-1] = (segments[-1][0] + part, segments[-1][1])
            continue
        for name in _split_conjunctions(_drop_etc(part, registry), registry):
            segments.append((name, mark))
    return _share_prefix(_share_ending(segments, registry))


def _drop_etc(part: str, registry: Registry) -> str:
    """"市卫生健康委等" → "市卫生健康委"; "商务等部门" → "商务部门" (the ending is shared)."""
    match = re.fullmatch(r"(.+?)等(有关|相关)?(部门|单位|機構|机构)?", part)
    if not match or registry.knows(part):
        return part
    head = match.group(1)
    if looks_like_unit(head, registry) or not match.group(3):
        return head
    return head + match.group(3)


def _bare(name: str, registry: Registry) -> bool:
    return bool(name) and len(name) <= 6 and not looks_like_unit(name, registry) and not any(c in name for c in _OPEN)


def _share_ending(segments: list[tuple[str, str]], registry: Registry) -> list[tuple[str, str]]:
    """"天河、海珠、荔湾、越秀大队" → four 大队: bare names before a name with an ending take it."""
    result = list(segments)
    for index, (name, mark) in enumerate(segments):
        if _bare(name, registry) or not index or not _bare(segments[index - 1][0], registry):
            continue
        ending = next((e for e in _SHARED_ENDINGS if name.endswith(e) and len(name) > len(e)), None)
        if not ending:
            continue
        back = index - 1
        while back >= 0 and _bare(segments[back][0], registry) and _written_alike(segments[back][0], name):
            result[back] = (segments[back][0] + ending, segments[back][1] or mark)
            back -= 1
    return result


def _written_alike(bare: str, name: str) -> bool:
    """"市财政、市税务局" share 局 (both start with 市); "张三、市发改委" do not."""
    if name[0] in _ADMIN_PREFIX or bare[0] in _ADMIN_PREFIX:
        return bare[0] == name[0]
    return True


def _share_prefix(segments: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """"各乡镇人民政府、街道办事处" → 各乡镇人民政府, 各街道办事处: a bare kind of body after
    a "各…" name is each of that kind too."""
    result = list(segments)
    for index in range(1, len(segments)):
        name, mark = result[index]
        if name in _TYPE_NAMES and result[index - 1][0].startswith("各"):
            result[index] = ("各" + name, mark)
    return result


def _split_conjunctions(segment: str, registry: Registry) -> list[str]:
    """Split at 及/和/与 only where both sides are units ("监督司及相关司局")."""
    if not segment or registry.knows(segment):
        return [segment] if segment else []
    for index, char in enumerate(segment):
        if char not in _CONJUNCTIONS or index == 0 or not _outside_brackets(segment, index):
            continue
        left, right = segment[:index], segment[index + 1 :]
        if looks_like_unit(left, registry):
            rest = _split_conjunctions(right, registry)
            if rest and all(looks_like_unit(part, registry) for part in rest):
                return [left, *rest]
    return [segment]


def split_units(text: str, registry: Registry | None = None) -> list[UnitMention]:
    """The units named in a cell, in printed order, each once, with their role words."""
    if not text:
        return []
    registry = registry or Registry()
    mentions: dict[str, UnitMention] = {}
    for clause in _clauses(text, registry):
        names, role = _role_split(clause)
        for name, mark in _segments(names, registry):
            resolved = registry.resolve(name)
            if not resolved:
                continue
            words = mark or role
            mention = UnitMention(resolved, words, _marker(words))
            if resolved not in mentions:
                mentions[resolved] = mention
            elif mention.marker and not mentions[resolved].marker:  # "X、Y，X牵头"
                mentions[resolved] = replace(mentions[resolved], role=words, marker=mention.marker)
    return list(mentions.values())


def assign_roles(mentions: list[UnitMention]) -> tuple[list[str], list[str]]:
    """(lead, participants) of a lead cell.

    Units marked 牵头 (or "*") lead and all others take part; else units marked 负责/主办
    lead; else units marked 配合/协助 take part and the unmarked lead; a cell with no marks
    leads whole.  Units of another level ("省牵头单位：…") are neither.
    """
    mentions = [m for m in mentions if m.marker != "context"]
    for marker in ("lead_first", "lead"):
        if any(m.marker == marker for m in mentions):
            return ([m.name for m in mentions if m.marker == marker], [m.name for m in mentions if m.marker != marker])
    lead = [m.name for m in mentions if m.marker != "participant"]
    if lead:
        return lead, [m.name for m in mentions if m.marker == "participant"]
    return [m.name for m in mentions], []
