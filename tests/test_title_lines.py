"""Long titles break into a balanced trapezoid (GB/T 9704), the same in every format."""

from __future__ import annotations

import json
from pathlib import Path

from docx import Document as open_docx
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from workplan_docs import load
from workplan_docs.cli import main
from workplan_docs.writers.title_lines import balanced

from .conftest import SAMPLE_PLAN, pdf_text

PORTRAIT = 20.1  # 二号 characters across a 156 mm type area
LONG_TITLE = "关于进一步做好质检系统检验检测机构资质认定、监督检查和能力验证工作有关事项的通知"  # 40 characters


def widths(text: str) -> list[float]:
    return [sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in line) for line in text.split("\n")]


def test_a_title_that_fits_is_left_alone() -> None:
    assert balanced("总局在质检系统开展检测工作整顿活动重点工作安排", 29) == "总局在质检系统开展检测工作整顿活动重点工作安排"


def test_two_lines_of_about_equal_length_the_top_one_shorter() -> None:
    # Greedy wrapping gives 20 characters and a stub of 2 ("……重点工作安" / "排").
    assert balanced("总局在质检系统开展检测工作整顿活动重点工作安排", PORTRAIT) == (
        "总局在质检系统开展检测\n工作整顿活动重点工作安排"
    )


def test_breaks_move_to_a_mark_and_never_split_digits_or_start_with_a_closing_mark() -> None:
    assert balanced("关于加强检验检测机构资质认定、监督检查和能力验证工作的通知", PORTRAIT) == (
        "关于加强检验检测机构资质认定、\n监督检查和能力验证工作的通知"
    )
    assert balanced("关于开展2010年度检验检测机构能力验证工作的通知", 12).split("\n")[0].endswith("2010年度检验检")
    for line in balanced("关于印发“十二五”质检系统检测工作规划的通知，请遵照执行", 12).split("\n"):
        assert line[0] not in "，”》的" and line[-1] not in "“《"


def test_breaks_the_author_wrote_are_kept() -> None:
    assert balanced("关于印发\n质检系统工作规划的通知", PORTRAIT) == "关于印发\n质检系统工作规划的通知"


def test_three_lines_and_no_stub() -> None:
    text = balanced(LONG_TITLE + "及其实施细则", PORTRAIT)  # 46 characters
    lines = widths(text)
    assert len(lines) == 3 and max(lines) <= PORTRAIT and min(lines) >= max(lines) / 2


def test_a_break_after_a_mark_beats_a_perfect_balance() -> None:
    # 22 and 18 characters, broken after "、", rather than 20 and 20 splitting "认定".
    assert balanced(LONG_TITLE, 29) == "关于进一步做好质检系统检验检测机构资质认定、\n监督检查和能力验证工作有关事项的通知"


@given(st.text(alphabet=st.sampled_from("检验测机构工作的通知、，《》（）“”AB12 "), min_size=1, max_size=90),
       st.floats(min_value=2, max_value=40))
def test_nothing_is_lost_and_no_line_is_wider_than_the_page(text: str, per_line: float) -> None:
    shaped = balanced(text, per_line)
    assert shaped.replace("\n", "") == text.replace("\n", "")
    if shaped != text:
        assert max(widths(shaped)) <= per_line


def test_every_format_prints_the_same_two_lines(tmp_path: Path) -> None:
    plan = load(SAMPLE_PLAN).to_file_data()
    plan["title"] = LONG_TITLE
    source = tmp_path / "plan.json"
    source.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    assert main(["build", str(source), "-o", str(tmp_path / "out"), "--reports", "attachment"]) == 0
    expected = balanced(LONG_TITLE, 225 * 72 / 25.4 / 22)  # landscape type area 225 mm, 二号 22 pt
    assert expected == balanced(LONG_TITLE, 29)
    top, bottom = expected.split("\n")
    docx = [p.text for p in open_docx(str(tmp_path / "out" / "附件.docx")).paragraphs]
    assert expected in docx
    cells = {c.value for s in load_workbook(tmp_path / "out" / "附件.xlsx") for r in s.iter_rows() for c in r}
    assert expected in cells
    printed = [line.strip() for line in pdf_text(tmp_path / "out" / "附件.pdf").splitlines()]
    assert printed[printed.index(top) + 1] == bottom
