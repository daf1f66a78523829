"""Hostile content: formula-like text, markup characters, unit names that look like paths or
device names, characters no PDF font has; and byte-identical builds.

Package-level defences of the DOCX/XLSX importers (member size limits, DTDs refused) are
tested in test_read_documents.py; safe YAML loading in tests/bad_inputs (yaml_python_tag).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document as open_docx
from openpyxl import load_workbook

from workplan_docs.cli import main
from workplan_docs.style import default_style
from workplan_docs.writers.fonts import missing_characters

from .conftest import SAMPLE_PLAN, pdf_text, squash

FORMULA_LIKE = ["=SUM(A1:A9)", "+1 加", "-2 减", "@cmd", "\t=1+1", "\r=HYPERLINK(\"http://x\",\"y\")", "=1+1\n第二行"]
MARKUP = "A & B < C > D \"引\" '单' ]]> 尾 <w:t>注入</w:t> &amp; &lt;"
UNIT_NAMES = ["../../etc/x", "CON", "a/b", "科技司:一处", "..", "aux.txt", "nul"]


def hostile_plan(tmp_path: Path) -> Path:
    items = [
        {"seq": 1, "task": FORMULA_LIKE[0], "goal": FORMULA_LIKE[1], "measures": FORMULA_LIKE[2], "lead": ["科技司"],
         "participants": [FORMULA_LIKE[3]], "schedule": "全年",
         "extra": {"备注": FORMULA_LIKE[4], "公式": FORMULA_LIKE[5], "=说明": FORMULA_LIKE[6]}},
        {"seq": 2, "task": MARKUP, "goal": "]]>", "lead": ["科技司"], "schedule": "6月"},
        {"seq": 3, "task": "单位名称", "lead": UNIT_NAMES, "schedule": "全年"},
    ]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"title": f"标题 {MARKUP}", "items": items}, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("hostile")
    assert main(["build", str(hostile_plan(tmp_path)), "-o", str(tmp_path / "out"), "--reports", "attachment,units"]) == 0
    return tmp_path / "out"


def test_formula_like_text_is_stored_as_text_in_xlsx(built: Path) -> None:
    workbook = load_workbook(built / "附件.xlsx")
    cells = {cell.value: cell.data_type for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value}
    for text in [*FORMULA_LIKE, "=说明"]:
        assert cells.get(text) == "s", repr(text)
    with zipfile.ZipFile(built / "附件.xlsx") as package:
        sheets = [package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(rb"<(\w+:)?f[ >]", xml) for xml in sheets)


def test_markup_characters_round_trip_in_every_format(built: Path) -> None:
    docx_texts = [cell.text for table in open_docx(str(built / "附件.docx")).tables for row in table.rows for cell in row.cells]
    assert MARKUP in docx_texts and "]]>" in docx_texts
    # The title is wider than a line: it comes back in two balanced lines (see test_title_lines.py).
    title = f"标题 {MARKUP}"
    docx_titles = [p.text for p in open_docx(str(built / "附件.docx")).paragraphs if p.text.startswith("标题")]
    assert [t.replace("\n", "") for t in docx_titles] == [title] and docx_titles[0].count("\n") == 1
    xlsx_texts = {c.value for s in load_workbook(built / "附件.xlsx") for r in s.iter_rows() for c in r}
    assert {MARKUP, "]]>", docx_titles[0]} <= xlsx_texts
    printed = squash(pdf_text(built / "附件.pdf"))
    assert squash(MARKUP) in printed and squash(f"标题 {MARKUP}") in printed


def test_unit_names_give_safe_file_names_inside_the_output_folder(built: Path) -> None:
    sheets = built / "分工表"
    names = sorted(p.stem for p in sheets.glob("*.docx"))
    assert names == sorted(["分工表汇总", "科技司", "@cmd", "_.._etc_x", "_CON", "a_b", "科技司_一处", "_", "_aux.txt", "_nul"])
    every = [p.resolve() for p in built.parent.rglob("*")]
    assert all(p == built.resolve() or built.resolve() in p.parents or p.name == "plan.json" for p in every)
    text = "".join(p.text for p in open_docx(str(sheets / "a_b.docx")).paragraphs)
    assert "a/b" in text  # the file name is made safe, the document keeps the name


def test_characters_no_pdf_font_has_are_reported_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rare = {"task": "检测\U00020000机构", "goal": "目标\U0010fffd"}  # CJK Extension B; plane-16 private use
    style = default_style()
    lacking = {field: missing_characters(text, "table", style) for field, text in rare.items()}
    if not lacking["goal"]:
        pytest.skip("the installed table font has U+10FFFD")
    item = {"seq": 4, "lead": ["科技司"], "schedule": "全年", **rare}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"title": "计划", "items": [item], "units": [{"name": "科技司"}]}, ensure_ascii=False), encoding="utf-8")
    expected = [
        f"{path}: 序号 4: {field}: PDF 字体缺少字符“{''.join(chars)}”"
        f"（{' '.join(f'U+{ord(c):04X}' for c in chars)}），这些字符将无法显示"
        for field, chars in lacking.items() if chars
    ]
    out = tmp_path / "out"
    assert main(["build", str(path), "-o", str(out), "--reports", "attachment"]) == 2
    assert capsys.readouterr().err.splitlines() == expected
    assert not out.exists()

    assert main(["build", str(path), "-o", str(out), "--reports", "attachment", "--formats", "docx,xlsx"]) == 0
    capsys.readouterr()
    assert main(["build", str(path), "-o", str(out), "--reports", "attachment", "--allow-missing-glyphs"]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "PDF 字体" in line]
    assert warnings == [f"警告: {line}" for line in expected]
    assert sorted(p.name for p in out.iterdir()) == ["附件.docx", "附件.pdf", "附件.xlsx"]


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_building_twice_gives_identical_bytes(tmp_path: Path, fixed_date) -> None:
    for name in ("a", "b"):
        assert main(["build", str(SAMPLE_PLAN), "-o", str(tmp_path / name)]) == 0
    first, second = files(tmp_path / "a"), files(tmp_path / "b")
    assert len(first) > 90 and {Path(n).suffix for n in first} == {".docx", ".xlsx", ".pdf"}
    assert first == second


def test_source_date_epoch_sets_the_dates_and_stays_reproducible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def attachment(name: str) -> dict[str, bytes]:
        assert main(["build", str(SAMPLE_PLAN), "-o", str(tmp_path / name), "--reports", "attachment"]) == 0
        return files(tmp_path / name)

    default = attachment("default")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1262304000")  # 2010-01-01T00:00:00Z
    first, second = attachment("a"), attachment("b")
    assert first == second
    assert all(first[name] != default[name] for name in first)
    for name in ("附件.docx", "附件.xlsx"):
        with zipfile.ZipFile(tmp_path / "a" / name) as package:
            core = package.read("docProps/core.xml").decode()
            assert {m.date_time for m in package.infolist()} == {(2010, 1, 1, 0, 0, 0)}
        assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == ["2010-01-01T00:00:00Z"] * 2
    dates = re.findall(rb"/(CreationDate|ModDate) \(D:(\d{14})", first["附件.pdf"])
    assert dates == [(b"CreationDate", b"20100101000000"), (b"ModDate", b"20100101000000")]


def test_headings_are_checked_in_the_header_font(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Column headings (``columns``, extra keys) print in the header face, a different font."""
    item = {"seq": 1, "task": "调研", "lead": ["科技司"], "schedule": "全年", "extra": {"备注😀": "无"}}
    data = {"title": "计划", "columns": {"task": "重点工作😀"}, "items": [item], "units": [{"name": "科技司"}]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["build", str(path), "-o", str(tmp_path / "out"), "--formats", "pdf"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{path}: columns.task: PDF 字体缺少字符“😀”（U+1F600），这些字符将无法显示",
        f"{path}: 序号 1: extra.备注😀（键）: PDF 字体缺少字符“😀”（U+1F600），这些字符将无法显示",
    ]
