"""The reference workbooks ``test_xlsx_reference.py`` compares the XLSX writer's output with.

    python -m tests.xlsx_reference.make

They were first written by the openpyxl writer that the XML-text writer replaced, so the
comparison shows the new writer keeps the documents (cells, merges, styles, print setup).
Run this again only after an intended change to the reports, the layout or the style,
check the difference, and commit the new files with that change.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from workplan_docs.pipeline import build
from workplan_docs.readers import load

from ..real_plans import make as real_plans

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
SEED = ROOT / "samples" / "seed-plan.yaml"
# case → (plan: the seed or a real-plan fixture, reports); every XLSX output is kept
CASES = {
    "seed": ("seed", ("attachment", "quarterly", "matrix", "gantt", "units")),  # fills, group rows, counts
    "zhonglou": ("zhonglou_2021_minsheng", ("attachment",)),  # cells merged down over several rows
    "lishui": ("lishui_2023_zhongdian", ("attachment",)),  # group rows spanning the table
    "ninghai": ("ninghai_2022_minsheng", ("attachment",)),  # 13 columns, characters outside GB2312 (GBK faces)
}
UNIT = "科技司"  # the seed's unit sheet kept (the others are alike)


def plan_path(source: str, folder: Path) -> Path:
    """The plan file of a case: the seed, or the .xlsx an office keeps of a real plan."""
    if source == "seed":
        return SEED
    return real_plans.make_xlsx(real_plans.load(source), folder / f"{source}.xlsx")


def build_case(case: str, out: Path) -> list[Path]:
    """The XLSX outputs of ``case`` written under ``out``, relative to it."""
    source, reports = CASES[case]
    with tempfile.TemporaryDirectory() as folder:
        plan = load(plan_path(source, Path(folder)))
        written = build(plan, out, reports=reports, formats=["xlsx"], units=[UNIT], jobs=1, warn=lambda _: None)
    return sorted(path.relative_to(out) for path in written)


def main() -> None:
    for case in CASES:
        target = HERE / case
        shutil.rmtree(target, ignore_errors=True)
        for path in build_case(case, target):
            print(case, path)


if __name__ == "__main__":
    main()
