"""`build` as a user runs it: output layout, options, style overrides, parallel rendering."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document as open_docx

import workplan_docs
from workplan_docs.cli import main

from .conftest import SAMPLE_PLAN

SHEET_UNITS = 26  # 31 units named in the seed, less the 5 generic references (泛指)


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_full_build_writes_the_documented_layout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(SAMPLE_PLAN), "-o", str(tmp_path), "--formats", "xlsx"]) == 0
    files = files_in(tmp_path)
    top = [f for f in files if "/" not in f]
    assert top == ["季度工作安排.xlsx", "责任矩阵.xlsx", "进度图.xlsx", "附件.xlsx"]
    sheets = [f for f in files if f.startswith("分工表/")]
    assert "分工表/分工表汇总.xlsx" in sheets and "分工表/科技司.xlsx" in sheets
    assert "分工表/相关司局.xlsx" not in sheets
    assert len(sheets) == SHEET_UNITS + 1
    out = capsys.readouterr().out
    assert out.startswith(f"已生成 {len(files)} 个文件") and f"分工表/  {SHEET_UNITS + 1} 个文件" in out


def test_unit_filter_and_format_choice(tmp_path: Path) -> None:
    code = main(["build", str(SAMPLE_PLAN), "-o", str(tmp_path), "--reports", "units", "--unit", "科技司",
                 "--unit", "国家认监委", "--formats", "docx,pdf"])
    assert code == 0
    assert files_in(tmp_path) == sorted(
        f"分工表/{name}.{fmt}" for name in ("分工表汇总", "科技司", "认监委") for fmt in ("docx", "pdf"))


def test_style_override_merges_over_default(tmp_path: Path) -> None:
    style = tmp_path / "style.toml"
    style.write_text('[sizes]\ntable = "五号"\n[fonts]\ntable = ["楷体"]\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(SAMPLE_PLAN), "-o", str(out), "--reports", "attachment", "--formats", "docx",
                 "--style", str(style)]) == 0
    cell_run = open_docx(out / "附件.docx").tables[0].rows[1].cells[1].paragraphs[0].runs[0]
    xml = cell_run._r.xml
    assert 'w:eastAsia="楷体"' in xml or "楷体" in _style_xml(out / "附件.docx")
    assert 'w:val="21"' in xml or 'w:val="21"' in _style_xml(out / "附件.docx")
    assert "仿宋" not in xml  # the override replaced the table font; the title font is unchanged
    assert "方正小标宋简体" in _style_xml(out / "附件.docx")


def _style_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read("word/styles.xml").decode() + package.read("word/document.xml").decode()


def test_bad_style_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    style = tmp_path / "style.toml"
    style.write_text('[sizes]\ntable = "七号半"\n', encoding="utf-8")
    code = main(["build", str(SAMPLE_PLAN), "-o", str(tmp_path / "out"), "--style", str(style)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "sizes.table" in err and "七号半" in err
    assert not (tmp_path / "out").exists()


def test_docx_template_through_the_cli(tmp_path: Path) -> None:
    template = open_docx()
    template.sections[0].header.paragraphs[0].text = "某某局文件模板"
    template.save(tmp_path / "template.docx")
    out = tmp_path / "out"
    assert main(["build", str(SAMPLE_PLAN), "-o", str(out), "--reports", "attachment", "--formats", "docx",
                 "--docx-template", str(tmp_path / "template.docx")]) == 0
    built = open_docx(out / "附件.docx")
    assert built.sections[0].header.paragraphs[0].text == "某某局文件模板"
    assert built.tables[0].rows[1].cells[1].text == "开展检验机构委托检验工作调研"


def test_parallel_and_serial_builds_give_the_same_bytes(tmp_path: Path, fixed_date) -> None:
    plan = workplan_docs.load(SAMPLE_PLAN)
    calls: list[tuple[int, int]] = []
    serial = workplan_docs.build(plan, tmp_path / "a", reports=["units"], formats=["docx", "xlsx"], jobs=1)
    parallel = workplan_docs.build(plan, tmp_path / "b", reports=["units"], formats=["docx", "xlsx"], jobs=2,
                                   progress=lambda done, total, _: calls.append((done, total)))
    assert len(serial) == len(parallel) == 2 * (SHEET_UNITS + 1)
    for a, b in zip(serial, parallel):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert calls[-1] == (len(parallel), len(parallel)) and len(calls) == len(parallel)


def test_build_accepts_output_path_that_is_a_file_only_as_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out"
    target.write_text("x")
    assert main(["build", str(SAMPLE_PLAN), "-o", str(target)]) == 2
    assert "不是文件夹" in capsys.readouterr().err
    assert target.read_text() == "x"
