"""A disk cache of parsed TrueType faces, so a PDF build does not re-parse CJK fonts.

reportlab parses a face's tables in pure Python: about 0.1 s for each CJK collection
on every run, most of a small build's time.  The parsed tables are kept in
``$XDG_CACHE_HOME/workplan-docs/fonts`` keyed by the file's path, size and modification
time, the face index and the reportlab version; the font file itself is still read
(memory-mapped) for subsetting.  Any problem with the cache (unwritable home, stale or
foreign entry) falls back to a normal parse: the cache only ever saves time.

The big tables are stored as flat arrays, not as pickled dicts and tuples: a CJK face
has 20,000-45,000 glyphs, and unpickling its ``glyphToChar`` lists and ``hmetrics``
tuples cost 15-35 ms a face.  ``charToGlyph`` and ``charWidths`` (used for every
character) are rebuilt at load; ``glyphPos`` stays an array (reportlab only indexes it);
``hmetrics``, read only for the glyphs of a subset, is read straight from its arrays;
``glyphToChar``, read only when shaping text, is rebuilt on first use.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

_FORMAT = 2
_NOT_PICKLED = ("_ttf_data", "_pdfScale", "charToGlyph", "glyphToChar", "charWidths", "hmetrics", "glyphPos")


class _Metrics:
    """``hmetrics`` as reportlab reads it (``face.hmetrics[glyph]`` → advance, bearing),
    over two arrays: a subset reads a few hundred of a CJK face's 45,000 entries."""

    def __init__(self, advances: array, bearings: array):
        self.advances, self.bearings = advances, bearings

    def __len__(self) -> int:
        return len(self.advances)

    def __getitem__(self, glyph: int) -> tuple[float, int]:
        return self.advances[glyph], self.bearings[glyph]


class _Slices:
    """A table of the mapped font file that hands out the slices asked of it without
    copying the whole table first (a CJK ``glyf`` table is 10-20 MB, copied once for each
    subset a document embeds)."""

    def __init__(self, data: Any, start: int):
        self.data, self.start = data, start

    def __getitem__(self, part: slice) -> bytes:
        return bytes(self.data[self.start + part.start:self.start + part.stop])


class _CachedFace(TTFontFace):
    """A face loaded from the cache: the tables reportlab seldom reads are made on first use."""

    _glyph_of_pair: array  # glyphToChar flattened to (glyph, char) pairs, in its order
    _char_of_pair: array

    def get_table(self, tag: str) -> Any:
        if tag == "glyf":  # makeSubset only slices it: glyphData[start:end]
            return _Slices(self._ttf_data, self.get_table_pos(tag)[0])
        return super().get_table(tag)

    def __getattr__(self, name: str) -> Any:
        if name != "glyphToChar":
            raise AttributeError(name)
        value: dict[int, list[int]] = {}
        for glyph, char in zip(self._glyph_of_pair, self._char_of_pair):
            value.setdefault(glyph, []).append(char)
        self.glyphToChar = value
        return value


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "workplan-docs" / "fonts"


def _cache_dir() -> Path:
    """One folder per cache format and reportlab version: storing in it removes the others,
    so upgrades leave no megabytes of entries nothing will read again."""
    return _cache_root() / f"{_FORMAT}-reportlab-{reportlab.Version}"


def _entry(path: Path, index: int) -> Path:
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{index}"
    return _cache_dir() / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"


def _remove_other_versions(current: Path) -> None:
    for other in current.parent.iterdir():
        if other == current:
            continue
        if other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
        else:
            other.unlink(missing_ok=True)


def _scale(units_per_em: int) -> Callable[[float], float]:
    """The font-unit to 1/1000 em conversion reportlab keeps on a face (a lambda: not picklable)."""
    factor = 1000 / units_per_em
    return (lambda x: x) if units_per_em == 1000 else (lambda x: x * factor)


def _tables(face: TTFontFace) -> dict[str, array]:
    advances, bearings = zip(*face.hmetrics) if face.hmetrics else ((), ())
    pairs = [(glyph, char) for glyph, chars in face.glyphToChar.items() for char in chars]
    return {
        "pair_glyphs": array("L", (glyph for glyph, _ in pairs)), "pair_chars": array("L", (c for _, c in pairs)),
        "chars": array("L", face.charToGlyph), "glyphs": array("L", face.charToGlyph.values()),
        "width_chars": array("L", face.charWidths), "widths": array("d", face.charWidths.values()),
        "advances": array("d", advances), "bearings": array("H", bearings), "glyphPos": array("L", face.glyphPos),
    }


def _from_cache(name: str, entry: Path, data: Any) -> TTFont | None:
    try:
        state = pickle.loads(entry.read_bytes())  # noqa: S301 - our own cache, in the user's own home
        tables = state["tables"]
        face = _CachedFace.__new__(_CachedFace)
        face.__dict__.update(state["face"])
        face.charToGlyph = dict(zip(tables["chars"], tables["glyphs"]))
        face.charWidths = dict(zip(tables["width_chars"], tables["widths"]))
        face.glyphPos, face.hmetrics = tables["glyphPos"], _Metrics(tables["advances"], tables["bearings"])
        face._glyph_of_pair, face._char_of_pair = tables["pair_glyphs"], tables["pair_chars"]
        face._ttf_data = data
        face._pdfScale = _scale(face.unitsPerEm)
        font = TTFont.__new__(TTFont)
        font.__dict__.update(state["font"])
        font.fontName, font.face, font.state = name, face, WeakKeyDictionary()
        return font
    except Exception:  # noqa: BLE001 - a cache entry that does not load is simply not used
        return None


def _store(font: TTFont, entry: Path) -> None:
    try:
        state = {
            "face": {k: v for k, v in font.face.__dict__.items() if k not in _NOT_PICKLED},
            "tables": _tables(font.face),
            "font": {k: v for k, v in font.__dict__.items() if k not in ("face", "state", "fontName")},
        }
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, entry)
        _remove_other_versions(entry.parent)
    except (OSError, OverflowError, TypeError, ValueError):
        pass  # a read-only or full cache, or a table that does not fit an array, costs time, nothing else


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
