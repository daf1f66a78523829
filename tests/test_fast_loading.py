"""Loading a large plan fast (issue 18) gives what loading gave before.

- the block YAML reader against the reader before its runs of list entries
  (``reference/yaml_block_before.py``, commit c9ea06b) and against PyYAML: the same data,
  or both give up — on every plan file here, a benchmark plan, and lists of mappings as
  dumpers write them, then damaged;
- its one class of unusual characters against the two searches it replaced;
- the units of items with no verbatim unit cell, resolved once per name, against
  ``Plan._resolve_units``: the same lists, notes and messages;
- what a plan derives for an item kept without a pydantic private attribute.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workplan_docs import model
from workplan_docs.model import EXCEL_CELL_LIMIT, Item, Plan, _Resolved, derived_of
from workplan_docs.readers.yaml_block import UNUSUAL_CHARACTER, Unusual, block_data
from workplan_docs.units import Registry

from .conftest import ROOT
from .reference import yaml_block_before as before

sys.path.insert(0, str(ROOT / "benchmarks"))
from _plans import write_plan  # noqa: E402

# --- YAML ------------------------------------------------------------------------------


def _read(text: str) -> str:
    """The data the reader gives, as its repr (True and 1 differ there), or that it gave up."""
    try:
        return repr(block_data(text))
    except Unusual:
        return "gave up"


def _read_before(text: str) -> str:
    try:
        return repr(before.block_data(text))
    except before.Unusual:
        return "gave up"


def _reads_as_before(text: str) -> bool:
    """The reader reads ``text`` as the reader before did; what it reads, PyYAML reads so."""
    now = _read(text)
    assert now == _read_before(text), text
    if now != "gave up":
        assert now == repr(yaml.load(text, Loader=yaml.SafeLoader)), text  # noqa: S506 - the safe loader
    return now != "gave up"


def _yaml_files() -> list[Path]:
    return sorted(p for p in [*ROOT.joinpath("samples").glob("*.yaml"), *ROOT.joinpath("tests").rglob("*.yaml")])


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_plan_files_are_read_as_before(path: Path) -> None:
    _reads_as_before(path.read_bytes().decode("utf-8", errors="replace"))


def test_a_benchmark_plan_is_read_as_before(tmp_path: Path) -> None:
    assert _reads_as_before(write_plan(tmp_path / "plan.yaml", 300).read_text(encoding="utf-8"))


_WORDS = ["任务", "全年", "6月底前", "a b", "x:y", "1", "012", "0x1F", "yes", "null", "~", "1.5", "2010-05-01", "-1",
          "+3", ".5", "<<", "=", "Yes", "on"]
_TEXTS = st.lists(st.sampled_from([*_WORDS, *"监督司 -?:,[]{}#&*!|>'\"%@`\u3000"]), min_size=0, max_size=5).map("".join)
_KEYS = st.sampled_from(["seq", "task", "lead", "participants", "name", "aliases", "null", "yes", "on", "1", "a b",
                         "k_2", "_x", "'q'", "x-y", "Seq"])
_VALUES = st.one_of(_TEXTS, st.integers(-5, 10**4), st.none(), st.booleans(), st.lists(_TEXTS, max_size=3),
                    st.just([]), st.just({}), st.dictionaries(_KEYS, _TEXTS, max_size=2))
_ENTRIES = st.lists(st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=5), min_size=1, max_size=4)


def _damaged(text: str, draw: st.DrawFn) -> str:
    """``text`` with a few lines indented, cut, doubled, emptied or given a character."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        cut = draw(st.integers(0, len(line)))
        inserted = draw(st.sampled_from([*": #'-|\n", " ", "  ", "...", "- ", "x: ", "# c", "[]"]))
        lines[at:at + 1] = draw(st.sampled_from([
            [" " + line], [line[1:]], [line[:cut] + inserted + line[cut:]], [line, line], [line, ""], [line + " "],
            [line, "  # 注释"],
        ]))
    return "\n".join(lines)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["items", "units", "title"]), _ENTRIES, min_size=1, max_size=2),
       st.integers(0, 3), st.data())
def test_lists_of_mappings_are_read_as_before(data: dict[str, Any], way: int, draw: st.DataObject) -> None:
    """Lists of mappings (the runs the reader takes a list at a time), as the dumpers write
    them in different indents and widths, then damaged: read as before, or given up on as before."""
    text = yaml.safe_dump(data, allow_unicode=way < 3, sort_keys=False, width=[10_000, 20, 80, 80][way],
                          indent=2 + way % 2 * 2)
    _reads_as_before(text)
    _reads_as_before(_damaged(text, draw.draw))
    if "items" in data:  # the same list deeper: a run at another column
        _reads_as_before(_damaged("top:\n" + "\n".join("  " + line for line in text.split("\n")), draw.draw))


@pytest.mark.parametrize("text", [
    "items:\n- seq: 1\n  lead:\n  - a\n\n  - b\n", "items:\n- seq: 1\n  lead:\n  - a\n  # c\n  - b\n",
    "items:\n- seq: 1\n  lead:\n  - a\n  - 'b'\n", "items:\n- seq: 1\n  lead:\n  - a\n    x: 1\n",
    "items:\n- seq: 1\n  lead:\n  - a\n  extra:\n    k: v\n", "items:\n- seq: 1\n  seq: 2\n", "items:\n- null: 1\n",
    "items:\n- a: 'x'\n  b: ''\n  c: 'it''s'\n  d: []\n  e: {}\n  f: 0x1\n", "items:\n- a: x\n  b:\n- c: y\n",
    "items:\n- a: x\n  b: y\n  - c\n", "items:\n- a: x\n   b: y\n", "items:\n- a: x\n  b: y", "items:\n- a: 1\n- - b\n",
    "items:\n- a: 'x\n    y'\n  b: z\n", "items:\n- a: |\n    x\n  b: z\n", "items:\n  - a: x\n    b:\n    - y\n  - c: z\n",
    "- a: x\n", "items:\n- a: x\n...: 1\n", "items:\n- seq: 0\n  b: 007\n  c: 12a\n  d: 1_0\n  e: 9\n",
    "items:\n- seq: " + "9" * 100 + "\n", "items:\n- seq: " + "9" * 101 + "\n", "items:\n- a: x #c\n", "items:\n- a: x \n", "items:\n- a:  x\n",
])
def test_runs_of_list_entries_corners(text: str) -> None:
    _reads_as_before(text)


def test_unusual_characters_are_the_two_searches_before() -> None:
    every = "".join(map(chr, range(0x110000)))
    then = {m.start() for m in before._UNPRINTABLE.finditer(every)} | {m.start() for m in before._SPECIAL.finditer(every)}
    assert {m.start() for m in UNUSUAL_CHARACTER.finditer(every)} == then


# --- units ------------------------------------------------------------------------------

_UNIT_NAMES = ["监督司", "总局监督司", "认监委", "计 量 司", "ＡＢ局", "张三", "各省计量院（所）", "有关司局", "办", "标准委",
               "x" * 600]


def _item(lead: list[str], participants: list[str]) -> Item:
    return Item.model_validate({"seq": 1, "task": "任务", "lead": lead, "participants": participants})


def _resolved_units(resolve: Any, item: Item) -> tuple[Any, ...]:
    try:
        notes = resolve(item)
    except ValueError as error:
        notes = str(error)
    return notes, item.lead, item.participants, sorted(item.model_fields_set)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_UNIT_NAMES), max_size=4), st.lists(st.sampled_from(_UNIT_NAMES), max_size=60))
def test_listed_units_are_resolved_as_each_item_resolved_them(lead: list[str], participants: list[str]) -> None:
    """``_check_units`` (names resolved once per plan) gives ``_resolve_units``'s lists, notes
    and messages for an item with no verbatim unit cell; the cache is shared as in a plan."""
    registry = Registry([type("U", (), {"name": "监督司", "aliases": ["总局监督司"], "kind": None})(),
                         type("U", (), {"name": "标准委", "aliases": [], "kind": "外部"})()])
    names = _Resolved(registry)
    for index in (0, 7):
        fast = _resolved_units(lambda item: Plan._check_units(index, item, names), _item(lead, participants))
        slow = _resolved_units(lambda item: Plan._resolve_units(index, item, registry)[2], _item(lead, participants))
        assert fast == slow


def test_a_long_list_of_units_is_refused_as_before() -> None:
    names = [f"{n}{'x' * 500}局" for n in range(70)]
    assert len("、".join(names)) > EXCEL_CELL_LIMIT
    for lead, participants in ((names, ["办公室"]), (["办公室"], names)):
        fast = _resolved_units(lambda item: Plan._check_units(3, item, _Resolved(Registry())), _item(lead, participants))
        slow = _resolved_units(lambda item: Plan._resolve_units(3, item, Registry())[2], _item(lead, participants))
        assert fast == slow and re.search("超过单元格上限", fast[0])


# --- derived data -----------------------------------------------------------------------


def test_an_item_keeps_what_its_plan_derives(seed_plan: Plan) -> None:
    item = seed_plan.items[0]
    assert derived_of(item) is item.__pydantic_private__["_derived"]
    assert item.timing is derived_of(item).schedule
    alone = _item(["监督司"], [])
    assert alone.__pydantic_private__ is None and derived_of(alone) is None and alone.unit_notes == [] and alone.role_of("监督司") == ""
    with pytest.raises(AssertionError):
        alone.timing  # noqa: B018
    assert alone == _item(["监督司"], []) and alone.model_copy() == alone
    copied = item.model_copy()
    assert copied == item and derived_of(copied) is derived_of(item)


def _plan_result(data: dict[str, Any]) -> Any:
    try:
        plan = Plan.model_validate(data)
    except ValueError as error:  # a ValidationError
        return str(error)
    return (plan.model_dump(), [(sorted(i.model_fields_set), i.unit_notes, derived_of(i)) for i in plan.items])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(_UNIT_NAMES[:-1]), max_size=3),
                          st.lists(st.sampled_from(_UNIT_NAMES[:-1]), max_size=4), st.booleans()), min_size=1, max_size=6))
def test_plans_whose_units_are_as_listed_are_found_at_once(items: list[tuple[list[str], list[str], bool]]) -> None:
    """``_units_as_listed`` (all items' lists checked at once) gives what checking each item gives."""
    data = {"title": "计划", "units": [{"name": "监督司", "aliases": ["总局监督司"]}, {"name": "标准委", "kind": "外部"}],
            "items": [{"seq": n + 1, "task": "任务", "lead": lead, "participants": participants}
                      | ({"lead_text": "、".join(lead) or "监督司"} if cell else {})
                      for n, (lead, participants, cell) in enumerate(items)]}
    fast = _plan_result(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model, "_units_as_listed", lambda *args: False)
        assert _plan_result(data) == fast


# --- the collector ----------------------------------------------------------------------


def test_a_loaded_plan_joins_the_oldest_generation() -> None:
    """``load`` puts what it made in the oldest generation (no young collection walks it),
    leaves the collector as it found it, and never lets go of objects the program froze."""
    import gc

    from workplan_docs.readers import load

    plan_path = ROOT / "samples" / "seed-plan.yaml"
    assert gc.isenabled()
    plan = load(plan_path)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert gc.is_tracked(plan.items[0]) and not any(o is plan.items[0] for o in gc.get_objects(0))
    gc.disable()
    try:
        assert not gc.isenabled() and load(plan_path).items and not gc.isenabled()
    finally:
        gc.enable()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        load(plan_path)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_plain_scalars_are_typed_as_pyyaml_types_them() -> None:
    """The block reader's copy of YAML 1.1's implicit types is PyYAML's (it reads plans without importing it)."""
    from workplan_docs.readers import yaml_block

    assert yaml_block.IMPLICIT_RESOLVERS == yaml.resolver.Resolver.yaml_implicit_resolvers
    assert yaml_block.BOOL_VALUES == yaml.constructor.SafeConstructor.bool_values


def test_a_block_yaml_plan_loads_without_pyyaml() -> None:
    """PyYAML is imported only for what the block reader leaves to it."""
    code = (
        "import sys; from workplan_docs import load; load('samples/seed-plan.yaml');"
        "sys.exit('yaml' in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
