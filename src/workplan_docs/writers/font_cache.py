"""A disk cache of font work, so a PDF build neither re-parses CJK faces nor re-converts CFF outlines.

Two kinds of entry live in ``$XDG_CACHE_HOME/workplan-docs/fonts``:

- *parsed*: the tables reportlab reads from a TrueType face (about 0.1 s of pure Python for
  each CJK collection on every run, most of a small build's time).  The font file itself is
  still read, memory-mapped, for subsetting.
- *converted*: for a CFF face (.otf, Noto CJK, Fandol), its character coverage and a
  TrueType copy of the glyphs builds have needed so far (see ``cff``); a build that needs a
  new character converts again and stores the larger set.
- *truetype*: that copy's tables, parsed as for a TrueType face (parsing a copy grown to
  thousands of characters again took 0.1 s), for the copy whose bytes have the digest
  (and size) the header names; the converted entry stores the digest of its copy, made
  once when the copy is made (a copy grows to megabytes).

The cache holds data only, never code: an entry is a fixed header line, a JSON header and
flat arrays (no pickle — anything that can write the cache folder must not be able to run
code in a build).  The header names the font file the entry came from (resolved path, size,
modification time, face index) and the reportlab version; an entry whose header does not
match the font asked for, or that does not decode, is ignored and rebuilt.  Any problem
with the cache (unwritable home, a full disk) costs time, never a build.

The big tables of a parsed face are stored as flat arrays: a CJK face has 20,000-45,000
glyphs.  The character map and the widths are stored sorted by code point, and a CJK
face's are read by bisecting them (``ByCode``): reportlab asks ``charToGlyph`` about each
character once a document, the PDF writer measures through ``widths_by_code``, so a build
looks up the few hundred characters it prints instead of building dicts of 42,000 entries
(3-5 ms each, for the header's WenQuanYi Zen Hei alone); a small face (a converted copy)
gets dicts.  ``charWidths`` is a dict, made on first use
(reportlab's C ``stringWidth`` takes nothing else); ``glyphPos`` stays an array (reportlab
only indexes it); ``hmetrics``, read only for the glyphs of a subset, is read straight from
its arrays; ``glyphToChar``, read only when shaping text, is rebuilt on first use.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from fnmatch import fnmatch
from functools import lru_cache
from itertools import islice
from operator import lt
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

from . import cff, sfnt

_FORMAT = 4  # 4: character map and widths sorted by code point
GROWTH_LIMIT = 3000  # characters a converted copy accumulates across builds (3,000: about 2 s to convert)
_MAGIC = b"workplan-docs font cache\n"
_NOT_STORED = ("_ttf_data", "_pdfScale", "charToGlyph", "glyphToChar", "charWidths", "hmetrics", "glyphPos", "_arrays")
_FONT_OWN = ("face", "state", "fontName", "encoding")  # TTFont attributes made at load, not stored
# Arrays of a parsed face, in file order, with their (fixed, never read from the file) type codes.
_PARSED_ARRAYS = (("pair_glyphs", "L"), ("pair_chars", "L"), ("chars", "L"), ("glyphs", "L"),
                  ("width_chars", "L"), ("widths", "d"), ("advances", "d"), ("bearings", "H"), ("glyphPos", "L"))


class _Metrics:
    """``hmetrics`` as reportlab reads it (``face.hmetrics[glyph]`` → advance, bearing),
    over two arrays: a subset reads a few hundred of a CJK face's 45,000 entries."""

    def __init__(self, advances: array, bearings: array):
        self.advances, self.bearings = advances, bearings

    def __len__(self) -> int:
        return len(self.advances)

    def __getitem__(self, glyph: int) -> tuple[float, int]:
        return self.advances[glyph], self.bearings[glyph]


_ABSENT = object()
BISECT_FROM = 8192  # characters of a face whose maps are bisected rather than made (CJK faces have 20,000-45,000)


class ByCode(Mapping[int, Any]):
    """A mapping from code point over two arrays sorted by code point: a look-up bisects
    the keys.  Nothing is built: reportlab asks a face's ``charToGlyph`` once for each
    character a document prints (and the PDF writer its widths), a few hundred of a CJK
    face's 42,000."""

    __slots__ = ("codes", "values")

    def __init__(self, codes: array, values: array):
        self.codes, self.values = codes, values

    def get(self, code: int, default: Any = None) -> Any:  # type: ignore[override]
        """``mapping.get``, in one call (it is asked for each character a subset embeds)."""
        codes = self.codes
        at = bisect_left(codes, code)
        return self.values[at] if at < len(codes) and codes[at] == code else default

    def __getitem__(self, code: int) -> Any:
        value = self.get(code, _ABSENT)
        if value is _ABSENT:
            raise KeyError(code)
        return value

    def __contains__(self, code: object) -> bool:
        return self.get(code, _ABSENT) is not _ABSENT  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[int]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)


def _by_code(codes: array, values: array) -> tuple[array, array]:
    """``codes`` and ``values`` (pairs of a mapping) reordered by code point.  A parsed
    face's character map is in that order but for its no-break space, added last: that
    one is moved into place (sorting the 42,000 pairs of a CJK face takes 15 ms)."""
    head = codes[:-1]
    if codes and all(map(lt, head, islice(head, 1, None))):
        at = bisect_left(head, codes[-1])
        return head[:at] + codes[-1:] + head[at:], values[:at] + values[-1:] + values[at:-1]
    order = sorted(range(len(codes)), key=codes.__getitem__)
    return array(codes.typecode, [codes[k] for k in order]), array(values.typecode, [values[k] for k in order])


def _sort_maps(tables: dict[str, array]) -> dict[str, array]:
    """The face's arrays with the character map and the widths sorted by code point, as
    entries store them and ``ByCode`` reads them."""
    tables["chars"], tables["glyphs"] = _by_code(tables["chars"], tables["glyphs"])
    tables["width_chars"], tables["widths"] = _by_code(tables["width_chars"], tables["widths"])
    return tables


class _Slices:
    """A table of the mapped font file that hands out the slices asked of it without
    copying the whole table first (a CJK ``glyf`` table is 10-20 MB, copied once for each
    subset a document embeds)."""

    def __init__(self, data: Any, start: int):
        self.data, self.start = data, start

    def __getitem__(self, part: slice) -> bytes:
        return bytes(self.data[self.start + part.start:self.start + part.stop])


class _CachedFace(TTFontFace):
    """A face loaded from the cache, or parsed (``_parse``): its mappings are made from the
    arrays on first use."""

    _arrays: dict[str, array]  # as ``_PARSED_ARRAYS`` names them

    def extractInfo(self, charInfo: int = 1) -> None:  # noqa: N802, N803 - reportlab's names
        """reportlab's reading of the face (names, head, OS/2, post, hhea, maxp, and its
        checks), the big tables read as arrays (``sfnt.char_tables``: the same values); a
        face whose tables that does not read is read by reportlab entirely."""
        TTFontFace.extractInfo(self, 0)
        tables = sfnt.char_tables(self) if charInfo else None
        if tables is None:
            TTFontFace.extractInfo(self, charInfo)
            return
        del self.charToGlyph, self.charWidths  # made from the arrays on first use
        self._arrays = _sort_maps(tables)
        self.glyphPos, self.hmetrics = tables["glyphPos"], _Metrics(tables["advances"], tables["bearings"])

    def get_table(self, tag: str) -> Any:
        if tag == "glyf":  # makeSubset only slices it: glyphData[start:end]
            return _Slices(self._ttf_data, self.get_table_pos(tag)[0])
        return super().get_table(tag)

    def getCharWidth(self, code: int) -> float:  # noqa: N802 - reportlab's name
        """reportlab's width of a character (asked for each character of an embedded
        subset), without making the dict of every width."""
        codes = self._arrays["width_chars"]
        if "charWidths" in self.__dict__ or len(codes) < BISECT_FROM:
            return self.charWidths.get(code, self.defaultWidth)
        at = bisect_left(codes, code)
        return self._arrays["widths"][at] if at < len(codes) and codes[at] == code else self.defaultWidth

    def makeSubset(self, subset: list[int]) -> bytes:  # noqa: N802 - reportlab's name
        """reportlab's TrueType subset of these characters, made once a process: the PDFs of
        a build embed the same subsets again and again (the page numbers' digits, the
        headings, the title), and reportlab makes each in pure Python (1 ms)."""
        return _subset(self, tuple(subset))

    def __getattr__(self, name: str) -> Any:
        tables = self.__dict__.get("_arrays")
        if tables is None:
            raise AttributeError(name)
        if name == "charToGlyph":  # reportlab only looks characters up in it
            value: Any = _lookup(tables["chars"], tables["glyphs"])
        elif name == "charWidths":  # a dict: reportlab's C stringWidth takes nothing else
            value = dict(zip(tables["width_chars"], tables["widths"]))
        elif name == "glyphToChar":  # flattened to (glyph, char) pairs, in its order
            value = {}
            for glyph, char in zip(tables["pair_glyphs"], tables["pair_chars"]):
                value.setdefault(glyph, []).append(char)
        else:
            raise AttributeError(name)
        setattr(self, name, value)
        return value


def _lookup(codes: array, values: array) -> Mapping[int, Any]:
    """The map of a face's arrays sorted by code point: bisected for a CJK face, a dict
    for a small one (a converted copy: a few thousand characters at most), where the
    interpreter's calls for each look-up would cost more than making the dict."""
    return ByCode(codes, values) if len(codes) >= BISECT_FROM else dict(zip(codes, values))


def widths_by_code(face: TTFontFace) -> Mapping[int, float]:
    """The advance widths of a registered TrueType face by code point (1/1000 em), as
    ``charWidths`` holds them: a cached CJK face's sorted arrays, looked up by bisection
    (``ByCode``) until something has made the dict."""
    tables = face.__dict__.get("_arrays")
    if tables is None or "charWidths" in face.__dict__ or len(tables["width_chars"]) < BISECT_FROM:
        return face.charWidths
    return ByCode(tables["width_chars"], tables["widths"])


@lru_cache(maxsize=64)
def _subset(face: _CachedFace, subset: tuple[int, ...]) -> bytes:
    return TTFontFace.makeSubset(face, list(subset))


# --- entries: a header line, a JSON header, blobs ---------------------------------------


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "workplan-docs" / "fonts"


def _cache_dir() -> Path:
    """One folder per cache format and reportlab version: storing in it removes the others,
    so upgrades leave no megabytes of entries nothing will read again."""
    return _cache_root() / f"{_FORMAT}-reportlab-{reportlab.Version}"


def _source(path: Path, index: int) -> dict[str, Any]:
    """What identifies the font an entry was made from; compared in full at every load."""
    stat = path.stat()
    return {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "index": index,
            "reportlab": reportlab.Version, "byteorder": sys.byteorder}


def _entry(path: Path, index: int, kind: str = "parsed") -> Path:
    key = json.dumps(_source(path, index), sort_keys=True)
    return _cache_dir() / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.{kind}"


def _remove_other_versions(current: Path) -> None:
    for other in current.parent.iterdir():
        if other == current:
            continue
        if other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
        else:
            other.unlink(missing_ok=True)


def _write(entry: Path, header: dict[str, Any], blobs: list[bytes]) -> None:
    """Store an entry atomically (a reader sees the old entry or the new one, never half)."""
    try:
        text = json.dumps({**header, "blobs": [len(b) for b in blobs]}, ensure_ascii=False).encode()
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            handle.write(_MAGIC + len(text).to_bytes(4, "little") + text)
            for blob in blobs:
                handle.write(blob)
        os.replace(temporary, entry)
        _remove_other_versions(entry.parent)
    except (OSError, OverflowError, TypeError, ValueError):
        pass  # a read-only or full cache, or a value that does not fit, costs time, nothing else


def _read(entry: Path, kind: str, source: dict[str, Any]) -> tuple[dict[str, Any], list[memoryview]] | None:
    """The header and blobs of an entry made from ``source``, or None for anything else."""
    try:
        data = memoryview(entry.read_bytes())
    except OSError:
        return None
    start = len(_MAGIC) + 4
    if bytes(data[:len(_MAGIC)]) != _MAGIC or len(data) < start:
        return None
    size = int.from_bytes(data[len(_MAGIC):start], "little")
    try:
        header = json.loads(bytes(data[start:start + size]))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(header, dict) or header.get("kind") != kind or header.get("source") != source:
        return None
    lengths = header.get("blobs")
    if not isinstance(lengths, list) or not all(type(n) is int and n >= 0 for n in lengths):
        return None
    if start + size + sum(lengths) != len(data):
        return None
    blobs, offset = [], start + size
    for length in lengths:
        blobs.append(data[offset:offset + length])
        offset += length
    return header, blobs


def _array(typecode: str, blob: memoryview) -> array:
    values = array(typecode)
    values.frombytes(blob)  # ValueError when the length is not a multiple of the item size
    return values


# --- parsed TrueType faces ---------------------------------------------------------------


def _encode(value: Any) -> Any:
    """A face attribute as JSON: the few types reportlab keeps on a face, tagged."""
    if isinstance(value, TTFNameBytes):
        return {"name": value.ustr}
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode()}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot store {type(value).__name__}")


def _decode(value: Any) -> Any:
    """The inverse of ``_encode``; anything else in the file raises ValueError."""
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) != 1:
            raise ValueError("bad tag")
        (tag, inner), = value.items()
        if tag == "name" and isinstance(inner, str):
            return TTFNameBytes(inner.encode("utf-8"))
        if tag == "bytes" and isinstance(inner, str):
            return base64.b64decode(inner, validate=True)
        if tag == "tuple" and isinstance(inner, list):
            return tuple(_decode(v) for v in inner)
        if tag == "dict" and isinstance(inner, list):
            return {_decode(k): _decode(v) for k, v in inner}
        raise ValueError("bad tag")
    return value


def _scale(units_per_em: int) -> Callable[[float], float]:
    """The font-unit to 1/1000 em conversion reportlab keeps on a face (a function, not data)."""
    factor = 1000 / units_per_em
    return (lambda x: x) if units_per_em == 1000 else (lambda x: x * factor)


def _tables(face: TTFontFace) -> dict[str, array]:
    if "_arrays" in face.__dict__:
        return face._arrays
    advances, bearings = zip(*face.hmetrics) if face.hmetrics else ((), ())
    pairs = [(glyph, char) for glyph, chars in face.glyphToChar.items() for char in chars]
    return _sort_maps({
        "pair_glyphs": array("L", (glyph for glyph, _ in pairs)), "pair_chars": array("L", (c for _, c in pairs)),
        "chars": array("L", face.charToGlyph), "glyphs": array("L", face.charToGlyph.values()),
        "width_chars": array("L", face.charWidths), "widths": array("d", face.charWidths.values()),
        "advances": array("d", advances), "bearings": array("H", bearings), "glyphPos": array("L", face.glyphPos),
    })


def _from_cache(name: str, header: dict[str, Any], blobs: list[memoryview], data: Any) -> TTFont | None:
    try:
        if len(blobs) != len(_PARSED_ARRAYS):
            return None
        tables = {key: _array(code, blob) for (key, code), blob in zip(_PARSED_ARRAYS, blobs)}
        attributes = _decode(header["face"])
        if not isinstance(attributes, dict) or not all(isinstance(k, str) for k in attributes):
            return None
        face = _CachedFace.__new__(_CachedFace)
        face.__dict__.update({k: v for k, v in attributes.items() if k not in _NOT_STORED})
        face._arrays = tables
        face.glyphPos, face.hmetrics = tables["glyphPos"], _Metrics(tables["advances"], tables["bearings"])
        face._ttf_data = data
        face._pdfScale = _scale(int(face.unitsPerEm))
        settings = _decode(header["font"])
        if not isinstance(settings, dict) or not all(isinstance(k, str) for k in settings):
            return None
        font = TTFont.__new__(TTFont)
        font.__dict__.update({k: v for k, v in settings.items() if k not in _FONT_OWN})
        font.fontName, font.face, font.encoding, font.state = name, face, TTEncoding(), WeakKeyDictionary()
        return font
    except Exception:  # noqa: BLE001 - an entry that does not load is simply not used
        return None


def open_font(name: str, path: Path, index: int, source: Any) -> TTFont:
    """A reportlab TTFont for face ``index`` of ``path``; ``source`` is what reportlab reads
    the file through (its ``read()`` gives the bytes)."""
    try:
        identity = _source(path, index)
        entry = _entry(path, index)
    except OSError:
        return TTFont(name, source, subfontIndex=index)
    stored = _read(entry, "parsed", identity)
    if stored is not None:
        cached = _from_cache(name, *stored, source.read())
        if cached is not None:
            return cached
    font = _parse(name, source, index)
    parsed = _parsed(font)
    if parsed is not None:
        _write(entry, {"kind": "parsed", "source": identity, **parsed[0]}, parsed[1])
    return font


def _parse(name: str, source: Any, index: int) -> TTFont:
    """``TTFont(name, source, subfontIndex=index)`` with the face read as a cached face is
    loaded: its big tables as arrays (``_CachedFace.extractInfo``), the same values."""
    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = _CachedFace(source, subfontIndex=index)
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, pattern) for pattern in rl_config.unShapedFontGlob)
    return font


def _parsed(font: TTFont) -> tuple[dict[str, Any], list[bytes]] | None:
    """What an entry stores of a parsed font: its attributes (for the header) and its big
    tables; None when one cannot be stored (the font is then parsed again next time)."""
    try:
        face = {k: v for k, v in font.face.__dict__.items() if k not in _NOT_STORED}
        settings = {k: v for k, v in font.__dict__.items() if k not in _FONT_OWN}
        tables = _tables(font.face)
        return {"face": _encode(face), "font": _encode(settings)}, [tables[key].tobytes() for key, _ in _PARSED_ARRAYS]
    except (TypeError, OverflowError, ValueError):
        return None


# --- CFF faces converted to TrueType -----------------------------------------------------


class CodePoints(Set[int]):
    """A face's code points, a sorted array used as a set: ``in`` by bisection, ``&`` and
    ``-`` with a build's few hundred characters.  A frozenset of a CJK face's 45,000 code
    points cost 3-5 ms per face at every build, for a few hundred look-ups."""

    __slots__ = ("codes",)

    def __init__(self, codes: array):
        self.codes = codes  # sorted, as entries store it

    def __contains__(self, code: object) -> bool:
        at = bisect_left(self.codes, code)  # type: ignore[call-overload]
        return at < len(self.codes) and self.codes[at] == code

    def __iter__(self) -> Iterator[int]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def _held(self, values: Iterable[int]) -> list[int]:
        """The ``values`` this set holds, bisected in one loop (the mix-in's ``&`` and ``-``
        call ``in`` for each value: a build asks about a few thousand)."""
        codes, count = self.codes, len(self.codes)
        return [value for value in values if (at := bisect_left(codes, value)) < count and codes[at] == value]

    def __and__(self, other: Iterable[int]) -> frozenset[int]:  # type: ignore[override]
        return frozenset(self._held(other))

    __rand__ = __and__

    def __rsub__(self, other: Iterable[int]) -> frozenset[int]:  # type: ignore[override]
        values = frozenset(other)
        return values - frozenset(self._held(values))

    @classmethod
    def _from_iterable(cls, values: Iterable[int]) -> frozenset[int]:  # what the mix-in's other operators return
        return frozenset(values)


def code_points(face: TTFontFace) -> Set[int]:
    """The code points a registered TrueType face maps: a cached face's own array of them
    (sorted) used as a set (building its character map and a frozenset of the 42,000 code
    points of wqy-zenhei cost 10-15 ms of every build's checks); another face's map."""
    tables = face.__dict__.get("_arrays")
    if tables is None:
        return frozenset(face.charToGlyph)
    return CodePoints(tables["chars"])


class ConvertedFace:
    """A CFF face as the PDF writer uses it: every character it has, and a TrueType font
    (bytes) of the characters converted so far, with the digest of those bytes."""

    def __init__(self, coverage: CodePoints, chars: frozenset[int], truetype: bytes, digest: str | None = None):
        self.coverage, self.chars, self.truetype = coverage, chars, truetype
        self.digest = digest or hashlib.blake2b(truetype, digest_size=16).hexdigest()

    def holds(self, wanted: set[int]) -> bool:
        """Whether every character of ``wanted`` the face has is in the copy (and there is a
        copy when anything is asked for)."""
        return not (wanted & self.coverage) - self.chars and (bool(self.truetype) or not wanted)


def stored(path: Path, index: int) -> ConvertedFace | None:
    """The conversion of face ``index`` of ``path`` the cache holds, if any (OSError when
    the font cannot be read)."""
    return _load_converted(path, index)[2]


def _load_converted(path: Path, index: int) -> tuple[Path, dict[str, Any], ConvertedFace | None]:
    identity = _source(path, index)
    entry = _entry(path, index, "converted")
    stored = _read(entry, "converted", identity)
    if stored is None or len(stored[1]) != 3:
        return entry, identity, None
    try:
        coverage, chars = _array("L", stored[1][0]), _array("L", stored[1][1])
    except ValueError:
        return entry, identity, None
    digest = stored[0].get("copy")
    truetype = bytes(stored[1][2])
    return entry, identity, ConvertedFace(CodePoints(coverage), frozenset(chars), truetype,
                                          digest if isinstance(digest, str) else None)


def converted(path: Path, index: int, wanted: Iterable[int]) -> ConvertedFace:
    """Face ``index`` of the CFF font ``path`` with (at least) the characters of ``wanted``
    it has converted to TrueType, from the cache when it holds them.

    Raises OSError when the font cannot be read, ValueError (or a fontTools error) when it
    is not a usable font.
    """
    entry, identity, face = _load_converted(path, index)
    wanted = set(wanted)
    if face is not None and face.holds(wanted):
        return face
    coverage = face.coverage if face is not None else CodePoints(array("L", cff.coverage(path, index)))
    asked = wanted & coverage
    grown = asked | (face.chars if face is not None else set())
    # The copy keeps what earlier builds asked for, so that later ones find their characters in
    # it; but a broad fallback face (Noto CJK: 44,000 characters) would grow towards a copy that
    # takes half a minute to convert and is read by every build: past the limit, a copy holds
    # what this build asks for.
    chars = frozenset(grown if len(grown) <= GROWTH_LIMIT else asked)
    # Asked for nothing (a coverage check): no conversion, the entry records the coverage only.
    truetype = cff.to_truetype(path, index, sorted(chars)) if wanted or chars else b""
    face = ConvertedFace(coverage, chars, truetype)
    _write(entry, {"kind": "converted", "source": identity, "copy": face.digest},
           [coverage.codes.tobytes(), array("L", sorted(chars)).tobytes(), truetype])
    return face


def truetype_font(name: str, face: ConvertedFace, path: Path, index: int) -> TTFont:
    """A reportlab TTFont over the TrueType copy of face ``index`` of ``path``: its tables
    as stored for these very bytes, else parsed (and stored)."""
    try:
        identity = {**_source(path, index), "copy": face.digest, "size": len(face.truetype)}
        entry = _entry(path, index, "truetype")
    except OSError:
        return TTFont(name, io.BytesIO(face.truetype))
    stored = _read(entry, "truetype", identity)
    if stored is not None:
        cached = _from_cache(name, *stored, face.truetype)
        if cached is not None:
            return cached
    font = TTFont(name, io.BytesIO(face.truetype))
    parsed = _parsed(font)
    if parsed is not None:
        _write(entry, {"kind": "truetype", "source": identity, **parsed[0]}, parsed[1])
    return font
