"""Characters a role's PDF face lacks print in a fallback face: no box (.notdef) in a plan
written in traditional characters, read back glyph by glyph with pypdf and fontTools."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

from workplan_docs.cli import main
from workplan_docs.errors import ReadWarning
from workplan_docs.readers import load
from workplan_docs.style import default_style
from workplan_docs.writers import fonts

from .conftest import cell_texts, pdf_text, squash
from .real_plans import make


def _to_unicode(cmap: str) -> dict[int, str]:
    """Code → text of a ToUnicode CMap of one-byte codes (``bfchar`` entries, as reportlab writes them)."""
    pairs = cmap.split("beginbfchar", 1)[1].split("endbfchar", 1)[0].split()
    return {int(code[1:-1], 16): bytes.fromhex(text[1:-1]).decode("utf-16-be")
            for code, text in zip(pairs[::2], pairs[1::2])}


def drawn_glyphs(path: Path) -> list[tuple[str, str, int]]:
    """Every character the pages draw: (embedded font, character, glyph id in that font)."""
    reader = PdfReader(path)
    drawn = []
    for page in reader.pages:
        faces = {}
        for key, ref in page["/Resources"]["/Font"].items():
            font = ref.get_object()
            embedded = TTFont(io.BytesIO(font["/FontDescriptor"]["/FontFile2"].get_data()))
            glyphs = {code: embedded.getGlyphID(name) for code, name in embedded["cmap"].tables[0].cmap.items()}
            faces[key] = (str(font["/BaseFont"]), glyphs, _to_unicode(font["/ToUnicode"].get_data().decode()))
        current = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = faces[operands[0]]
            elif operator == b"Tj":
                name, glyphs, text = current
                drawn += [(name, text[code], glyphs.get(code, 0)) for code in operands[0].original_bytes]
    return drawn


@pytest.mark.parametrize("name", ["dongguan_2021_jiuye", "yuhang_2022_zhongdian"])
def test_a_traditional_plan_prints_every_character_in_a_face_that_has_it(name: str, tmp_path: Path) -> None:
    source = make.make_xlsx(make.load(name), tmp_path / f"{name}.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReadWarning)
        plan = load(source)
    cells = cell_texts(plan)
    table = fonts.resolve_fonts(default_style(), {"table": {ord(c) for text in cells for c in text}})["table"]
    assert table.fallbacks, "premise: the table face lacks some of the plan's characters"
    out = tmp_path / "out"
    # Without fallback the build stops: "PDF 字体缺少字符…".
    assert main(["build", str(source), "-o", str(out), "--reports", "attachment", "--formats", "pdf"]) == 0
    drawn = drawn_glyphs(out / "附件.pdf")
    assert [(font, char) for font, char, glyph in drawn if glyph == 0] == []
    faces = {font.split("+", 1)[1] for font, char, _ in drawn if char in "".join(cells)}
    assert len(faces) > 2  # the table face, the header face, and a fallback face
    text = squash(pdf_text(out / "附件.pdf", raw=True))
    assert [cell for cell in cells if squash(cell) not in text] == []


def test_fallback_faces_are_looked_at_only_for_what_the_role_face_lacks() -> None:
    style = default_style()
    common = fonts.resolve_fonts(style, {"table": set(map(ord, "总局在质检系统开展检测工作"))})["table"]
    assert common.fallbacks == ()
    traditional = fonts.resolve_fonts(style, {"table": set(map(ord, "總局減稅爭強"))})["table"]
    assert fonts.missing_characters("總局減稅爭強", "table", style) == []
    assert fonts.missing_characters("檢測\U0010fffd", "table", style) == ["\U0010fffd"]  # plane-16 private use
    reportlab_faces = [fonts.pdfmetrics.getFont(name).face for name in traditional.fallbacks]
    lacking = {c for c in "總局減稅爭強" if ord(c) not in fonts.pdfmetrics.getFont(traditional.name).face.charWidths}
    assert lacking and all(any(ord(c) in face.charWidths for face in reportlab_faces) for c in lacking)
