"""Tables for ``test_fast_paths``: made here from the seed plan's cells and the real plans'
tables, so that a change to a report does not change them.

``python -m tests.reference.tables`` writes ``widths_before_speedup.json``: it was run with
the code before the speed-up (commit b9feb87), and uses nothing newer.  Two entries were
rewritten since, when their rule changed on purpose: "24 long headings" and "40 columns of
ranges", tables too wide for their headings, whose room now goes to the body (session 8).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from workplan_docs.layout import Cell, Column, Table

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(__file__).with_name("widths_before_speedup.json")
# (total, em, padding) as the writers ask: DOCX twips, PDF points, XLSX millimetres.
UNITS = ((12756.0, 240.0, 113.0), (637.8, 12.0, 5.67), (225.0, 4.23, 2.0))


def reference_tables() -> dict[str, Table]:
    seed = yaml.safe_load((ROOT / "samples" / "seed-plan.yaml").read_text(encoding="utf-8"))
    headings = ["序号", "重要工作", "工作目标", "主要内容和措施", "牵头单位", "参与部门（单位）", "时间进度"]
    rows = [
        [str(i["seq"]), i["task"], i.get("goal", ""), i.get("measures", ""), "、".join(i.get("lead", [])),
         "、".join(i.get("participants", [])), i.get("schedule", "")]
        for i in seed["items"]
    ]

    def table(headings: list[str], rows: list[list[str]], weights: list[float] | None = None) -> Table:
        columns = tuple(Column(h, weights[k] if weights else None) for k, h in enumerate(headings))
        return Table(columns, tuple(tuple(Cell(text) for text in row) for row in rows))

    tables = {
        "seed": table(headings, rows),
        "seed weighted": table(headings, rows, [12, 30, 40, 62, 25, 35, 21]),
        "seed × 100": table(headings, [[str(k), *row[1:]] for k in range(100) for row in rows]),
        "seed, a group row and merged cells": Table(
            tuple(Column(h, None) for h in headings),
            ((Cell("一、检验检测能力建设", span=7),), *(tuple(Cell(t, merge_up=k > 0 and c == 4) for c, t in enumerate(row))
                                                 for k, row in enumerate(rows))),
        ),
        "24 long headings": table([f"第{k}季度完成情况说明" for k in range(24)],
                                  [[row[k % 7] if k % 5 else "（2010-2012年）" for k in range(24)] for row in rows]),
        "40 columns of ranges": table([f"列{k}" for k in range(40)], [["（2010-2012年）"] * 40 for _ in rows]),
    }
    for path in sorted((ROOT / "tests" / "real_plans").glob("*.yaml")):
        fixture = yaml.safe_load(path.read_text(encoding="utf-8"))
        for index, source in enumerate(fixture["tables"]):
            cells = [[c["text"] if isinstance(c, dict) else str(c) for c in row] for row in source["rows"]]
            body = [row for row in cells[source.get("header_rows", 1):] if len(row) == len(cells[0])]
            if body:
                tables[f"{path.stem} {index}"] = table(cells[0], body)
    return tables


def all_widths() -> dict[str, list[list[float] | None]]:
    """Widths of every reference table in every unit; None where the code raised."""
    found: dict[str, list[list[float] | None]] = {}
    for name, table in reference_tables().items():
        found[name] = []
        for units in UNITS:
            try:
                found[name].append(table.widths(*units))
            except ZeroDivisionError:
                found[name].append(None)
    return found


if __name__ == "__main__":
    REFERENCE.write_text(json.dumps(all_widths(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
