"""The corpus of real published plans (tests/real_plans) is well-formed and builds."""

from __future__ import annotations

import docx
import openpyxl
import pytest

from tests.real_plans import make

FIXTURES = make.fixtures()


def test_corpus_has_ten_sources() -> None:
    assert len(FIXTURES) >= 10
    assert all(make.load(p)["url"].startswith("http") for p in FIXTURES)


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_grid_is_rectangular_and_builds(path, tmp_path) -> None:
    fixture = make.load(path)
    built = docx.Document(str(make.make_docx(fixture, tmp_path / "plan.docx")))
    book = openpyxl.load_workbook(make.make_xlsx(fixture, tmp_path / "plan.xlsx"))
    for n, table in enumerate(fixture["tables"]):
        grid = make.layout(table)
        assert all(len(row) == grid.width for row in grid.text)
        # every published cell sits in the built document with the text it was given
        for cell in grid.cells:
            assert built.tables[n].cell(cell.row, cell.col).text == cell.text
    sheet = book.active
    assert len(sheet.merged_cells.ranges) >= sum(
        1 for t in fixture["tables"] for c in make.layout(t).cells if c.rowspan > 1 or c.colspan > 1
    )
