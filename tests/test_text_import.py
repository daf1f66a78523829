"""The seed's flattened table text imports to exactly the sample plan."""

from __future__ import annotations

import yaml

from workplan_docs.readers import load, read_data

from .conftest import SAMPLE_PLAN, SEED_TEXT

ITEM_FIELDS = ("seq", "task", "goal", "measures", "lead", "participants", "schedule", "lead_display",
               "participants_display", "extra", "source")


def test_seed_import_equals_sample_field_by_field() -> None:
    imported = read_data(SEED_TEXT)
    sample = yaml.safe_load(SAMPLE_PLAN.read_text(encoding="utf-8"))
    assert imported["title"] == sample["title"] == "总局在质检系统开展检测工作整顿活动重点工作安排"
    assert imported["attachment"] == sample["attachment"] == "附件"
    assert len(imported["items"]) == len(sample["items"]) == 20
    # the same plan: cells with role words ("…协助") are kept verbatim and the plan derives
    # the same units from them as the sample lists
    for got, want in zip(load(SEED_TEXT).items, load(SAMPLE_PLAN).items):
        for field in ITEM_FIELDS:
            assert getattr(got, field) == getattr(want, field), (want.seq, field)


def test_cells_that_wrap_keep_their_line_breaks() -> None:
    plan = load(SEED_TEXT)
    item12, item16 = plan.items[11], plan.items[15]
    assert item12.lead == ["科技司", "执法司"] and item12.lead_text == "科技司\n执法司"
    assert item16.schedule == "7月\n完成" and item16.timing.due == 7


def test_blank_cell_of_a_no_break_space_means_no_units() -> None:
    plan = load(SEED_TEXT)
    assert plan.items[4].participants == [] and plan.items[4].participants_text is None


def test_every_cell_of_the_seed_is_in_the_plan() -> None:
    """No text of the seed is lost: every cell line appears in some field."""
    plan = load(SEED_TEXT)
    fields = " ".join(
        f"{i.seq} {i.task} {i.goal} {i.measures} {i.lead_display} {i.participants_display} {i.schedule}" for i in plan.items
    )
    for line in SEED_TEXT.read_text(encoding="utf-8").splitlines()[14:]:
        text = line.strip("\t \u00a0")
        assert text in fields, text
