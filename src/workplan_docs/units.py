"""Split the free text of a 牵头单位 / 参与部门 cell into unit names.

Printed cells list units in many ways: "认监委、计量司", one unit per line, "监督司及相关司局",
or whole role sentences ("中国质检协会承办竞赛组织工作。认监委、标准委协助").  This module
is the one place that reads them.  Names are normalised (white space, full-width
letters and digits) and resolved through the plan's unit registry; brackets inside a
name stay ("各省计量院（所）" is one unit).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

GENERIC_KIND = "泛指"

# Words that start a unit's role in a role sentence; the text before them lists units.
_ROLE_WORDS = ("承办", "协办", "协助", "配合", "参与", "参加", "负责", "主办", "牵头", "支持")
# Endings that mark a phrase as the name of an organisation, used to decide whether
# "及" / "和" / "与" joins two units or is part of one name ("国家发展和改革委员会").
_UNIT_ENDINGS = (
    "司", "局", "委", "院", "所", "中心", "会", "部", "办", "处", "科", "室", "厅", "站", "队",
    "组", "馆", "社", "校", "署", "机构", "单位", "企业", "政府", "集团", "公司", "（所）",
)
_CONJUNCTIONS = "及和与"
_GENERIC_PREFIXES = ("有关", "相关", "其他")
_SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


class RegistryEntry(Protocol):
    name: str
    aliases: list[str]
    kind: str | None


@dataclass(frozen=True)
class UnitMention:
    """A unit named in a cell, with the role words printed after it ("协助"), if any."""

    name: str
    role: str = ""


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

    def kind(self, name: str) -> str | None:
        """The registry kind, or 泛指 for an unregistered "有关…/相关…" phrase."""
        name = self.resolve(name)
        if name in self._kinds and self._kinds[name]:
            return self._kinds[name]
        return GENERIC_KIND if is_generic(name) else None


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


def is_generic(name: str) -> bool:
    """A phrase like "相关司局" or "总局相关司局" refers to no one unit in particular."""
    return any(prefix in name for prefix in _GENERIC_PREFIXES)


def is_blank(text: str) -> bool:
    """True for an empty cell, including the seed's cell of a single no-break space."""
    return not _SPACE.sub("", text)


def split_units(text: str, registry: Registry | None = None) -> list[UnitMention]:
    """The units named in a cell, in printed order, each once."""
    registry = registry or Registry()
    mentions: dict[str, UnitMention] = {}
    for sentence in re.split(r"[。；;\n\r]+", text):
        names_part, role = _split_role(normalise_name(sentence))
        for segment in re.split(r"[、，,/／]+", names_part):
            for name in _split_conjunctions(segment, registry):
                resolved = registry.resolve(name)
                if resolved and resolved not in mentions:
                    mentions[resolved] = UnitMention(resolved, role)
    return list(mentions.values())


def _split_role(sentence: str) -> tuple[str, str]:
    positions = [sentence.find(word) for word in _ROLE_WORDS]
    found = [p for p in positions if p > 0]
    if not found:
        return sentence, ""
    start = min(found)
    return sentence[:start], sentence[start:]


def _looks_like_unit(name: str, registry: Registry) -> bool:
    return registry.knows(name) or (len(name) >= 2 and name.endswith(_UNIT_ENDINGS))


def _split_conjunctions(segment: str, registry: Registry) -> list[str]:
    """Split at 及/和/与 only where both sides are units ("监督司及相关司局")."""
    if not segment or registry.knows(segment):
        return [segment] if segment else []
    for index, char in enumerate(segment):
        if char not in _CONJUNCTIONS or index == 0:
            continue
        left, right = segment[:index], segment[index + 1 :]
        if _looks_like_unit(left, registry):
            rest = _split_conjunctions(right, registry)
            if rest and all(_looks_like_unit(part, registry) for part in rest):
                return [left, *rest]
    return [segment]
