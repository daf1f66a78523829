"""What a clerk sees besides the tables: generated wording, numbers in spreadsheets, file
properties and package parts, read back from one build of the seed with independent
readers (openpyxl, zipfile, pypdf, pdftotext), and SOURCE_DATE_EPOCH handling."""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from workplan_docs.cli import main
from workplan_docs.layout import Paragraph
from workplan_docs.pipeline import plan_outputs
from workplan_docs.writers.reproducible import LAST_EPOCH, build_date, normalise_zip

from .conftest import FIXED_EPOCH, SAMPLE_PLAN, require_tool

REPORTS = ["attachment", "units", "quarterly", "matrix", "gantt"]
CJK_SPACE_DIGIT = re.compile(r"[\u3400-\u9fff（），。；：、] +[0-9]|[0-9] +[\u3400-\u9fff（），。；：、]")
FIXED = datetime(2010, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed's reports in every format (one unit's sheet is enough), at a fixed date."""
    out = tmp_path_factory.mktemp("built")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        args = ["build", str(SAMPLE_PLAN), "-o", str(out), "--reports", ",".join(REPORTS), "--unit", "科技司"]
        assert main(args) == 0
    return out


def _files(folder: Path, suffix: str) -> list[Path]:
    found = sorted(folder.rglob(f"*{suffix}"))
    assert len(found) == 6, found  # 附件, 分工表汇总, 科技司, 季度工作安排, 责任矩阵, 进度图
    return found


def test_generated_wording_has_no_space_between_chinese_and_numerals(seed_plan) -> None:
    paragraphs = [
        block.text
        for output in plan_outputs(seed_plan, REPORTS)
        for section in output.document.sections
        for block in section.blocks
        if isinstance(block, Paragraph)
    ]
    cells = [text for output in plan_outputs(seed_plan, REPORTS) for text in output.document.texts()]
    assert len(paragraphs) > 20
    assert not [text for text in paragraphs + cells if CJK_SPACE_DIGIT.search(text)]
    assert "在办任务19项（其中全年任务15项），本季度到期任务1项。" in paragraphs


def test_pdf_prints_the_wording_as_written(built: Path, seed_plan) -> None:
    """pdftotext -raw keeps a paragraph's characters together: no space the PDF added."""
    tool = require_tool("pdftotext")
    printed = "".join(
        subprocess.run([tool, "-raw", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                       text=True).stdout.replace("\n", "")
        for path in _files(built, ".pdf")
    )
    expected = ["在办任务19项（其中全年任务15项），本季度到期任务1项。", "二、到期任务（1项）", "牵头10项，参与2项，共12项。",
                "共1个单位，均单列分工表。", "○参与。共31个单位、20项任务；表头数字为任务序号，与附件一致（见“任务对照”）。", "牵头单位：科技司（7项）"]
    assert not [text for text in expected if text not in printed]


def test_pdf_titles_and_dates(built: Path, seed_plan) -> None:
    titles = {}
    for path in _files(built, ".pdf"):
        info = PdfReader(path).metadata
        titles[path.stem] = info.title
        assert info.creation_date == info.modification_date == FIXED
        assert info.creator == "workplan-docs" and info.subject in (seed_plan.title, "附件")
    plan = seed_plan.title
    assert titles == {
        "附件": plan, "分工表汇总": f"{plan} · 各单位重点工作分工表", "科技司": f"{plan} · 科技司重点工作分工表",
        "季度工作安排": f"{plan} · 季度工作安排", "责任矩阵": f"{plan} · 责任矩阵", "进度图": f"{plan} · 进度图",
    }


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_packages_name_this_tool_and_carry_the_build_date(built: Path, suffix: str) -> None:
    for path in _files(built, suffix):
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
            app = package.read("docProps/app.xml").decode()
            core = package.read("docProps/core.xml").decode()
            assert {m.date_time for m in package.infolist()} == {(2010, 1, 1, 0, 0, 0)}
            if suffix == ".xlsx":
                assert "fullCalcOnLoad" not in package.read("xl/workbook.xml").decode()
        assert "<Application>workplan-docs</Application>" in app
        assert not re.search(r"Microsoft|penpyxl|Normal\.dotm|<Pages>|<TotalTime>", app)
        assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == ["2010-01-01T00:00:00Z"] * 2
        assert "lastPrinted" not in core
        assert not [n for n in names if re.search(r"stylesWithEffects|customXml|thumbnail", n)]


def test_xlsx_numbers_are_numbers_and_labels_text(built: Path) -> None:
    attachment = load_workbook(built / "附件.xlsx").active
    label, title = attachment["A1"], attachment["A3"]
    assert label.value == "附件" and not label.font.b and label.data_type == "s"
    assert title.value and attachment["A2"].value is None  # the title on line 3, as in the PDF
    assert [attachment.cell(r, 1).value for r in range(6, 26)] == list(range(1, 21))
    assert attachment.oddFooter.right.text.endswith("\u3000") and attachment.evenFooter.left.text.startswith("\u3000")

    overview = load_workbook(built / "季度工作安排.xlsx")["汇总"]
    rows = {row[0].value: row for row in overview.iter_rows() if row[0].value}
    counts = rows["合计（项）"][1:]
    assert [c.value for c in counts] == [16, 0, 20, 0, 19, 1, 15, 0] and {c.data_type for c in counts} == {"n"}

    matrix = load_workbook(built / "责任矩阵.xlsx")["责任矩阵"]
    header = next(row for row in matrix.iter_rows() if row[0].value == "单位")
    assert [c.value for c in header[1:21]] == list(range(1, 21))  # 序号 headings as numbers: no green triangles
    totals = next(row for row in matrix.iter_rows() if row[0].value == "任务合计（单位数）")
    assert [c.value for c in totals[-3:]] == [21, 47, 68]
    texts = [c.value for row in matrix.iter_rows() for c in row if isinstance(c.value, str)]
    assert "其他单位（5个）" in texts and not [t for t in texts if "泛指" in t]

    sheet = load_workbook(built / "分工表" / "科技司.xlsx").active
    assert sheet["A1"].value == "科技司重点工作分工表"
    numbers = [c.value for c in sheet["A"] if c.value is not None and c.data_type == "n"]
    assert numbers == [5, 6, 7, 9, 10, 12, 13, 16, 19, 20, 1, 11]  # 牵头 first, then 参与


@pytest.mark.parametrize("value", ["²", "-1", str(LAST_EPOCH + 1), "1e9", "12.5", "0x10", "9" * 30, "２０１０"])
def test_invalid_source_date_epoch_is_one_line_and_writes_nothing(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    out = tmp_path / "out"
    assert main(["build", str(SAMPLE_PLAN), "-o", str(out), "--reports", "attachment", "--formats", "pdf"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("环境变量 SOURCE_DATE_EPOCH 的值") and "无效" in line
    assert not out.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", datetime(1970, 1, 1, tzinfo=timezone.utc)), (f" {FIXED_EPOCH}\n", FIXED),
     (str(LAST_EPOCH), datetime(2107, 12, 31, 23, 59, 59, tzinfo=timezone.utc))],
)
def test_source_date_epoch_range(value: str, expected: datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert build_date() == expected


def test_zip_dates_before_1980_are_the_first_date_a_zip_holds(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("a.txt", "甲")
    data = normalise_zip(path.read_bytes(), datetime(1970, 1, 1, tzinfo=timezone.utc))
    path.write_bytes(data)
    with zipfile.ZipFile(path) as package:
        assert [m.date_time for m in package.infolist()] == [(1980, 1, 1, 0, 0, 0)]
