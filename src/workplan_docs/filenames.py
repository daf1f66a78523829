"""File names made from user text (unit names, titles) that are safe on every system.

A unit called "../../etc/x", "CON" or "科技司:一处" must give a plain file name inside
the output folder, the same on Windows, macOS and Linux, and two units must never
share a file.
"""

from __future__ import annotations

import re
import unicodedata

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME_CHARS = 80


def safe_file_name(name: str, taken: set[str]) -> str:
    """A file name (without extension) for ``name``, unique among ``taken`` (case-insensitively).

    The chosen name is added to ``taken``; collisions get "(2)", "(3)" … in call order,
    so the same plan always gives the same names.
    """
    cleaned = _FORBIDDEN.sub("_", unicodedata.normalize("NFC", name)).strip(" .")
    cleaned = cleaned[:MAX_NAME_CHARS].strip(" .") or "_"
    if cleaned.split(".")[0].upper() in _WINDOWS_RESERVED:
        cleaned = "_" + cleaned
    candidate, number = cleaned, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{cleaned}({number})"
    taken.add(candidate.casefold())
    return candidate
