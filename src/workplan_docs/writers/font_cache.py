"""A disk cache of parsed TrueType faces, so a PDF build does not re-parse CJK fonts.

reportlab parses a face's tables in pure Python: about 0.1 s for each CJK collection
on every run, most of a small build's time.  The parsed tables (character map,
widths, glyph offsets) are kept in ``$XDG_CACHE_HOME/workplan-docs/fonts`` keyed by
the file's path, size and modification time, the face index and the reportlab
version; the font file itself is still read (memory-mapped) for subsetting.  Any
problem with the cache (unwritable home, stale or foreign entry) falls back to a
normal parse: the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

_FORMAT = 1
_NOT_PICKLED = ("_ttf_data", "_pdfScale")


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "workplan-docs" / "fonts"


def _entry(path: Path, index: int) -> Path:
    stat = path.stat()
    key = f"{_FORMAT}|{reportlab.Version}|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{index}"
    return _cache_dir() / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"


def _scale(units_per_em: int) -> Callable[[float], float]:
    """The font-unit to 1/1000 em conversion reportlab keeps on a face (a lambda: not picklable)."""
    factor = 1000 / units_per_em
    return (lambda x: x) if units_per_em == 1000 else (lambda x: x * factor)


def _from_cache(name: str, entry: Path, data: Any) -> TTFont | None:
    try:
        state = pickle.loads(entry.read_bytes())  # noqa: S301 - our own cache, in the user's own home
        face = TTFontFace.__new__(TTFontFace)
        face.__dict__.update(state["face"])
        face._ttf_data = data
        face._pdfScale = _scale(face.unitsPerEm)
        font = TTFont.__new__(TTFont)
        font.__dict__.update(state["font"])
        font.fontName, font.face, font.state = name, face, WeakKeyDictionary()
        return font
    except Exception:  # noqa: BLE001 - a cache entry that does not load is simply not used
        return None


def _store(font: TTFont, entry: Path) -> None:
    state = {
        "face": {k: v for k, v in font.face.__dict__.items() if k not in _NOT_PICKLED},
        "font": {k: v for k, v in font.__dict__.items() if k not in ("face", "state", "fontName")},
    }
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, entry)
    except OSError:
        pass  # a read-only or full cache costs time, nothing else


def open_font(name: str, path: Path, index: int, source: Any) -> TTFont:
    """A reportlab TTFont for face ``index`` of ``path``; ``source`` is what reportlab reads
    the file through (its ``read()`` gives the bytes)."""
    try:
        entry = _entry(path, index)
    except OSError:
        return TTFont(name, source, subfontIndex=index)
    if entry.exists():
        cached = _from_cache(name, entry, source.read())
        if cached is not None:
            return cached
    font = TTFont(name, source, subfontIndex=index)
    _store(font, entry)
    return font
