"""Fuzzing: plans of arbitrary Unicode through every writer, read back by independent readers.

Text mixes common CJK with CJK Extension B, emoji, combining marks, right-to-left scripts,
full-width forms, markup characters, very long and empty fields and many units.  For each
plan the attachment is written in DOCX and XLSX and read back cell by cell; the PDF is
either refused before anything is written (characters the fonts lack, exactly when
``missing_glyphs`` says so) or written, and its text holds every character printed.

benchmarks/fuzz_campaign.py runs ``check_plan`` on 10,000 plans outside the suite.
"""

from __future__ import annotations

import subprocess
import tempfile
import unicodedata
from collections import Counter
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document as open_docx
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from workplan_docs.errors import WorkplanError
from workplan_docs.layout import Table
from workplan_docs.model import Plan
from workplan_docs.pipeline import build, missing_glyphs
from workplan_docs.readers.plan_file import plan_from_data
from workplan_docs.reports.attachment import attachment
from workplan_docs.style import ROLES, default_style
from workplan_docs.writers import render
from workplan_docs.writers.title_lines import shape_titles
from workplan_docs.writers.fonts import missing_characters

from .conftest import require_tool

_COMMON = "检测机构能力建设组织开展完善制度办法质量监督科技司局委中心，。；：（）《》“”、"
_MARKUP = list("&<>\"']]>=+-@ \n\u00a0\u3000")
_RANGES = {  # CJK, combining marks, full-width forms, ASCII; CJK Extension B, emoji, Hebrew, Arabic
    "cjk": (0x4E00, 0x9FFF), "combining": (0x0300, 0x036F), "full_width": (0xFF01, 0xFF5E), "latin": (0x20, 0x7E),
    "ext_b": (0x20000, 0x2A6DF), "emoji": (0x1F300, 0x1FAFF), "hebrew": (0x05D0, 0x05EA), "arabic": (0x0621, 0x064A),
}
_ANY = st.one_of(*(st.characters(min_codepoint=lo, max_codepoint=hi) for lo, hi in _RANGES.values()))


@lru_cache(maxsize=1)
def _printable_everywhere() -> str:
    """Characters of those ranges that every PDF role's font has."""
    style = default_style()
    text = "".join(chr(c) for lo, hi in _RANGES.values() for c in range(lo, hi + 1))
    lacking = {c for role in ROLES for c in missing_characters(text, role, style)}
    return "".join(c for c in text if c not in lacking)


def _alphabet(any_character: bool) -> st.SearchStrategy[str]:
    exotic = _ANY if any_character else st.sampled_from(_printable_everywhere())
    return st.one_of(st.sampled_from(_COMMON), st.sampled_from(_COMMON), exotic, st.sampled_from(_MARKUP))


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    """Plan-file data (as a user would write it) with arbitrary text in every field; half
    of the plans keep to characters the PDF fonts have."""
    char = _alphabet(any_character=draw(st.booleans()))
    short, long = st.text(char, max_size=12), st.text(char, min_size=200, max_size=1200)
    text = st.one_of(st.just(""), *[short] * 6, long)
    filled = st.one_of(*[short] * 6, long).filter(str.strip)
    name = st.text(char, min_size=1, max_size=8).filter(lambda t: t.strip() and "、" not in t).map(str.strip)
    items = []
    for seq in range(1, draw(st.integers(1, 4)) + 1):
        units = draw(st.lists(name, min_size=1, max_size=draw(st.sampled_from([3, 3, 3, 40])), unique=True))
        cut = draw(st.integers(1, len(units)))
        item: dict[str, Any] = {
            "seq": seq, "task": draw(filled), "goal": draw(text), "measures": draw(text),
            "lead": units[:cut], "participants": units[cut:], "schedule": draw(short),
        }
        if draw(st.booleans()):
            item["extra"] = {draw(name): draw(text)}
        items.append(item)
    return {"title": draw(filled), "items": items}


def _normal(text: str) -> str:
    """Characters as compared: compatibility-decomposed (a reader may compose a base letter
    and its combining mark, or not), white space dropped (line breaking moves it)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not c.isspace())


def _heading(text: str) -> str:
    """A heading as compared: writers break a heading between words, where a space becomes
    the line break, so white space is left out."""
    return "".join(text.split())


def _table_texts(document: Any) -> list[str]:
    """Every table cell's text; headings without white space (see ``_heading``)."""
    return [_heading(cell.text) if header else cell.text
            for section in document.sections for block in section.blocks if isinstance(block, Table)
            for rows, header in ((block.header_rows, True), (block.rows, False)) for row in rows for cell in row]


def _pdf_characters(data: bytes) -> Counter[str]:
    tool = require_tool("pdftotext")
    # -raw: in its default mode pdftotext drops a hyphen that ends a line (dehyphenation)
    text = subprocess.run([tool, "-raw", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True).stdout
    return Counter(_normal(text.decode("utf-8")))


def check_plan(data: dict[str, Any]) -> str:
    """Write ``data``'s attachment in every format and read it back; returns "pdf" when the
    PDF was written and checked, "refused" when its characters are missing from the fonts."""
    plan: Plan = plan_from_data(data, "fuzz.yaml")
    style = default_style()
    document = attachment(plan)
    cells = _table_texts(document)

    docx = open_docx(BytesIO(render(document, style, "docx")))
    read = [_heading(cell.text) if index == 0 else cell.text
            for table in docx.tables for index, row in enumerate(table.rows) for cell in row.cells]
    assert read == cells
    shaped_title = shape_titles(document, style).sections[0].blocks[1].text  # balanced lines
    assert shaped_title.replace("\n", "") == document.sections[0].blocks[1].text.replace("\n", "")
    assert shaped_title in [p.text for p in docx.paragraphs]

    sheet = load_workbook(BytesIO(render(document, style, "xlsx"))).worksheets[0]
    stored = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row if cell.value is not None}
    stored |= {_heading(str(value)): kind for value, kind in stored.items()}  # headings broken between words
    numbers = {cell.text for section in document.sections for block in section.blocks if isinstance(block, Table)
               for row in block.rows for cell in row if cell.number}  # integer 序号: stored as numbers
    assert all(stored.get(int(text)) == "n" for text in numbers)
    assert all(stored.get(text) == "s" for text in cells if text and text not in numbers)

    if missing_glyphs(plan, style):
        with tempfile.TemporaryDirectory() as folder:
            with pytest.raises(WorkplanError):
                build(plan, Path(folder) / "out", reports=["attachment"], formats=["pdf"])
            assert not (Path(folder) / "out").exists()
        return "refused"
    printed = _pdf_characters(render(document, style, "pdf"))
    wanted = Counter(_normal("".join(document.texts())))
    short = {c: n - printed[c] for c, n in wanted.items() if printed[c] < n}
    assert not short, f"characters missing from the PDF text: {short}"
    return "pdf"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=plans())
@example(data={"title": "检" * 300, "items": [{"seq": 1, "task": "检", "lead": ["检"]}]})  # DOCX title property limit
@example(data={"title": "计划", "items": [{"seq": 1, "task": "\U00020547", "lead": ["检"]}]})  # ToUnicode beyond the BMP
def test_arbitrary_unicode_survives_every_writer(data: dict[str, Any]) -> None:
    event(check_plan(data))


def test_both_pdf_paths_are_taken() -> None:
    """The generator makes plans the fonts cover as well as plans they do not."""
    covered = {"title": "检测计划", "items": [{"seq": 1, "task": "开展（调研）&<>", "lead": ["科技司"]}]}
    lacking = {"title": "检测计划", "items": [{"seq": 1, "task": "调研😀\U00020000", "lead": ["科技司"]}]}
    assert (check_plan(covered), check_plan(lacking)) == ("pdf", "refused")
