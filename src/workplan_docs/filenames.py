"""File names made from user text (unit names, titles) that are safe on every system.

A unit called "../../etc/x", "CON" or "科技司:一处" must give a plain file name inside
the output folder, the same on Windows, macOS and Linux, and two units must never
share a file: when two names would give the same file name, that is an error naming
both (a "(2)" would leave the reader to guess which file is whose).

Invisible characters — bidi controls that make "gpj.exe" look like "exe.jpg", zero-width
spaces, any other Unicode format character (category Cf) — never reach a file name;
the documents keep the text as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import Problem, WorkplanError

if TYPE_CHECKING:
    from .model import UnitTasks

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Windows refuses these as a name's stem whatever the extension ("nul.txt", "COM¹.docx").
_DEVICES = ("CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$")
_NUMBERED = [f"{stem}{digit}" for stem in ("COM", "LPT") for digit in "0123456789\u00b9\u00b2\u00b3"]
_WINDOWS_RESERVED = {*_DEVICES, *_NUMBERED}
MAX_NAME_CHARS = 80


def invisible(char: str) -> bool:
    """A character that shows nothing or only steers others: a format character (Cf)."""
    return unicodedata.category(char) == "Cf"


def visible_text(text: str) -> str:
    """``text`` without its invisible characters, as it looks to a reader."""
    return "".join(c for c in text if not invisible(c))


def safe_file_name(
    name: str, taken: dict[str, str] | None = None, label: str | None = None, where: tuple[str, str] | None = None
) -> str:
    """A file name (without extension) for ``name``.

    ``taken`` maps each file name already chosen (case-folded) to what it was made for;
    a second claimant raises ``WorkplanError`` naming both, with ``label`` (default:
    the quoted name) describing this one and ``where`` (item, field) locating it.
    """
    cleaned = _FORBIDDEN.sub("_", unicodedata.normalize("NFC", visible_text(name))).strip(" .")
    cleaned = cleaned[:MAX_NAME_CHARS].strip(" .") or "_"
    if cleaned.split(".")[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        cleaned = "_" + cleaned
    if taken is None:
        return cleaned
    label = label or f"“{name}”"
    first = taken.setdefault(cleaned.casefold(), label)
    if first != label:
        item, field = where or (None, None)
        message = f"{label}与{first}的文件名相同（{cleaned}），无法各自成文件：请修改名称以便区分"
        raise WorkplanError(Problem(message, "", item, field))
    return cleaned


def where_named(unit: UnitTasks) -> tuple[str, str]:
    """("序号 7", "lead"): the first item naming ``unit``, and as what, for a message."""
    item, field = (unit.lead[0], "lead") if unit.lead else (unit.participate[0], "participants")
    return f"序号 {item.label}", field


def invisible_twins(names: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of names that differ only by invisible characters (in order of first mention)."""
    first: dict[str, str] = {}
    pairs = []
    for name in names:
        seen = first.setdefault(visible_text(name), name)
        if seen != name:
            pairs.append((seen, name))
    return pairs


def describe_invisible(text: str) -> str:
    """"U+200B U+202E": the invisible characters of ``text``, for a message."""
    return " ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in text if invisible(c)))
