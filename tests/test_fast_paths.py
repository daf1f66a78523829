"""The fast paths of issue 18 give what the slower code before them gave (see the README's
性能 section).

- YAML: the block reader and the one-pass builder against PyYAML's safe constructor, on
  every plan file here, on random data as dumpers write it, and on that text damaged;
- validation: a text pydantic's constraints refuse is named as check_text names it;
- column widths: against ``reference/widths_before_speedup.json``, written by the code
  before the speed-up (commit b9feb87) for the tables ``reference/tables.py`` makes;
- the plan: schedules shared by equal texts, units' tasks found in one pass, the checks
  of characters done once per character, against the straightforward definitions;
- the writers: each CFF face converted once per build, to the bytes the conversion
  before its speed-up made (``reference/cff_before.py``); the DOCX template set up once.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
from pathlib import Path
from typing import Any

import docx as python_docx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workplan_docs.errors import PlanError
from workplan_docs.layout import _longest, _longest_run, _widest_line
from workplan_docs import linebreak
from workplan_docs.linebreak import NO_END, NO_START, break_allowed, sticky_stretches, unbreakable
from workplan_docs.model import Plan, Schedule, check_text, is_deadline_heading
from workplan_docs import pipeline
from workplan_docs.pipeline import _plan_texts, build, missing_glyphs, outside_gb2312
from workplan_docs.readers import plan_file, yaml_loaders
from workplan_docs.readers.plan_file import dump_yaml, parse_text
from workplan_docs.readers.yaml_block import Unusual, block_data
from workplan_docs.reports.attachment import attachment
from workplan_docs.style import default_style
from workplan_docs.writers import cff, fonts
from workplan_docs.writers import docx as docx_writer
from workplan_docs.writers.fonts import missing_characters
from workplan_docs.writers.office_fonts import gbk_face
from workplan_docs.writers.office_fonts import outside_gb2312 as outside

from .conftest import ROOT, SAMPLE_PLAN
from .reference.cff_before import to_truetype_before
from .reference.tables import REFERENCE, UNITS, all_widths

sys.path.insert(0, str(ROOT / "benchmarks"))
from _plans import write_plan  # noqa: E402


# --- YAML ----------------------------------------------------------------------------


def _yaml_files() -> list[Path]:
    return sorted(p for p in [*ROOT.joinpath("samples").glob("*.yaml"), *ROOT.joinpath("tests").rglob("*.yaml")])


def _reads_as_before(text: str, source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``parse_text`` gives what it gives when every node is left to PyYAML's safe
    constructor, as before the one-pass builder: the same data, or the same message."""

    def read() -> Any:
        try:
            return parse_text(text, ".yaml", source)
        except PlanError as error:
            return str(error)

    fast = read()

    def constructor_only(*args: Any, **kwargs: Any) -> Any:
        raise plan_file._Unusual

    monkeypatch.setattr(plan_file, "block_data", constructor_only)
    monkeypatch.setattr(yaml_loaders, "_plain_data", constructor_only)
    assert read() == fast


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_yaml_reads_as_the_safe_constructor_reads_it(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _reads_as_before(path.read_bytes().decode("utf-8", errors="replace"), str(path), monkeypatch)


@pytest.mark.parametrize(
    "text",
    [
        "a: 012\nb: 0x1F\nc: 1_000\nd: -5\ne: +3\nf: 1:30\n",  # YAML 1.1 integers the builder leaves to the constructor
        "a: 1.5\nb: 2010-05-01\nc: .inf\n",
        "a: &x [1, 2]\nb: *x\n",
        "a: &x 文本\nb: *x\n",
        "base: &b {k: v}\nitem:\n  <<: *b\n  m: n\n",
        "a: yes\nb: No\nc: ~\nd:\ne: null\nf: 'yes'\n",
        "? [1, 2]\n: v\n",
        "1: one\n2: two\n",
        "a: 1\na: 2\n",
        "- !!str 12\n- !!int '7'\n- !!set {a}\n",
        "a: 0\nb: 10\nc: '007'\n",
    ],
)
def test_unusual_yaml_reads_as_before(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _reads_as_before(text, "x.yaml", monkeypatch)


def _safe_load(text: str) -> Any:
    """What PyYAML's pure-Python and libyaml loaders read (they agree here), or the error."""
    try:
        data = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - the safe loader
    except yaml.YAMLError as error:
        return type(error)
    assert yaml.load(text, Loader=yaml.CSafeLoader) == data  # noqa: S506
    return data


def _block_reads_as_pyyaml(text: str) -> bool:
    """The block reader gives up on ``text`` (False) or reads what PyYAML reads (True)."""
    try:
        data = block_data(text)
    except Unusual:
        return False
    assert data == _safe_load(text), text
    return True


def test_the_plans_this_program_writes_are_read_as_block_yaml(tmp_path: Path) -> None:
    """The fast path is the one taken: the seed, a benchmark plan, a plan written by import."""
    seed = SAMPLE_PLAN.read_text(encoding="utf-8")
    data = yaml.safe_load(seed)
    data["items"][0]["measures"] = "第一行\n第二行：两行\n\n  缩进的第三行 # 不是注释\n"
    data["items"][1]["goal"] = "以冒号结尾: 'quoted' #1"
    texts = [seed, write_plan(tmp_path / "plan.yaml", 60).read_text(encoding="utf-8"), dump_yaml(data)]
    assert all(_block_reads_as_pyyaml(text) for text in texts)


_TEXT = st.lists(st.sampled_from([*"任务全年 ab1-?:#'\"|>&*![]{},.~\n\t\u3000\xa0", ": ", " #", "yes", "0x1", "1.5"]),
                 max_size=8).map("".join)
_KEYS = st.one_of(st.sampled_from(["seq", "task", "lead", "a b", "1", "yes", "null", "..."]), _TEXT)
_DATA = st.recursive(
    st.one_of(_TEXT, st.integers(0, 10**6), st.none(), st.booleans()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=20,
)


def _dumped(data: dict[str, Any], way: int) -> str:
    """``data`` as this program's dumper (way 0) or PyYAML's, in different widths and indents, writes it."""
    if way == 0:
        return dump_yaml(data)
    return yaml.safe_dump(data, allow_unicode=way < 3, sort_keys=False, width=[0, 20, 80, 80][way], indent=2 + way % 2 * 2)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _DATA, min_size=1, max_size=5), st.integers(0, 3), st.data())
def test_block_yaml_reads_as_pyyaml_or_gives_up(data: dict[str, Any], way: int, draw: st.DataObject) -> None:
    """Random data as the dumpers write it, then that text damaged line by line (indented,
    cut, a character put in): read as PyYAML reads it, or left to it — never read where
    PyYAML refuses the text."""
    text = _dumped(data, way)
    _block_reads_as_pyyaml(text)
    lines = text.split("\n")
    for _ in range(draw.draw(st.integers(1, 3))):
        at = draw.draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        cut = draw.draw(st.integers(0, len(line)))
        inserted = draw.draw(st.sampled_from([*": #'-|\n", "...", "- ", "x: "]))
        lines[at] = draw.draw(st.sampled_from([" " + line, line[1:], line[:cut] + inserted + line[cut:]]))
    _block_reads_as_pyyaml("\n".join(lines))


@pytest.mark.parametrize("text", [
    "a: |\n  one\n\n   two  \n  \n\nb: 1\n", "a: |-\n  x\n  y\n", "- |\n  x\n", "a: 'x\n\n   y ''z'''\n",
    "a:\n- b: c\n  d:\n  - e\n- f\n", "a: [] \nb: {}\nc:\nd: ~\n", "a: x\n# c\n  # d\nb: 'y' \n", "a: 'b'c'\n",
    "...: 1\n", "--- a: 1\n", "a: b\n  c\n", "a: 1\n b: 2\n", "a: |\n\n  x\n", "a: |\nb: 1\n", "'1': x\n'a''b': |-\n  z\n",
    "a: 0012\nb: 9999\nc: -1\nd: 10:30\ne: 1_0\n", "a: 'x\ny'\n", "a: 'x\n  y\n\n  z '' q'\nb: 'w\n  v' x'\n", "- a\n- b\n", "  a: 1\n", "a: x #c\n", "a: 'x\nb: y'\n",
])
def test_block_yaml_corners(text: str) -> None:
    _block_reads_as_pyyaml(text)


@pytest.mark.parametrize("bad", ["控制\x01字符", "无效\ud83d字符", "长" * 32_768, "\x0b" + "长" * 40_000, "\ufffe"])
@pytest.mark.parametrize("place", ["title", "seq", "task", "lead", "extra", "extra key", "aliases"])
def test_refused_texts_are_named_as_check_text_names_them(bad: str, place: str) -> None:
    """Texts are checked by pydantic's constraints, not by check_text: the message is check_text's."""
    item: dict[str, Any] = {"seq": 1, "task": "任务", "lead": ["办公室"]}
    data: dict[str, Any] = {"title": "计划", "items": [item], "units": [{"name": "办公室", "aliases": ["办"]}]}
    if place == "title":
        data["title"] = bad
    elif place == "aliases":
        data["units"][0]["aliases"] = [bad]
    elif place == "extra key":
        item["extra"] = {bad: "值"}
    elif place == "extra":
        item["extra"] = {"备注": bad}
    else:
        item[place] = [bad] if place == "lead" else bad
    with pytest.raises(PlanError) as refused:
        plan_file.plan_from_data(data, "x.yaml")
    with pytest.raises(ValueError) as checked:
        check_text(bad)
    assert [p.message for p in refused.value.problems] == [str(checked.value)]


# --- line breaks and column widths ---------------------------------------------------


def test_ideographs_break_anywhere_between_them() -> None:
    """What ``sticky_stretches`` rests on: no ideograph takes part in a rule of ``break_allowed``."""
    ideographs = [chr(c) for c in [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)]]
    marks = NO_START | NO_END | linebreak._UNSPLIT | linebreak._JOINERS | set(".%")
    assert not [c for c in ideographs if c in marks or linebreak._is_latin(c) or linebreak._is_digit(c)]
    assert all(break_allowed(a + b, 1) for a in ideographs[::97] for b in ideographs[::89])


def test_runs_are_found_in_the_sticky_stretches() -> None:
    alphabet = "检验检疫年月日级个项（）《》，。、；：-～—…/.%0123456789AZaz ２\u00a0"
    rng = random.Random(18)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        text = "\n".join([text, text[::-1]]) if rng.random() < 0.2 else text
        long_runs = [run for run in unbreakable(text) if len(run) > 1]
        assert _longest_run(text, 10.0) == min(_longest(long_runs), 10.0), text
        assert sorted(long_runs) == sorted(run for s in sticky_stretches(text) for run in unbreakable(s) if len(run) > 1)
        assert _widest_line(text) == _longest(text.split("\n")), text


def test_sticky_stretches_are_those_of_the_pattern_with_three_classes() -> None:
    ideographs = linebreak._IDEOGRAPHS
    before = re.compile(f"(?:[{ideographs}]?[^{ideographs}\n])+[{ideographs}]?")
    alphabet = "检验疫年月日（）《》，。、-～0123456789Aa \n\u3400\u4dbf\u9fff\u4dc0\U00020000"
    rng = random.Random(55)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        assert sticky_stretches(text) == before.findall(text), text


def test_column_widths_are_the_widths_before_the_speed_up() -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    found = all_widths()
    assert reference.keys() <= found.keys()  # a real plan added since is not in the reference
    for name, widths in reference.items():
        for units, before, now in zip(UNITS, widths, found[name]):
            if before is None:  # the code before divided by zero here
                assert now is not None and sum(now) == pytest.approx(units[0]), name
            else:
                assert now == before, (name, units)


# --- the plan -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plans(seed_plan: Plan) -> list[Plan]:
    """The seed, and the seed with a plan year, deadlines, aliases and verbatim unit cells."""
    data = yaml.safe_load(SAMPLE_PLAN.read_text(encoding="utf-8"))
    data |= {"year": 2010, "columns": {"schedule": "完成时限"}}
    data["units"][0]["aliases"] = ["总局监督司"]
    for item in data["items"][::3]:
        item["lead_text"] = "、".join(["总局监督司" if n == data["units"][0]["name"] else n for n in item["lead"]]) + "牵头"
        item["participants_text"] = "，".join(item.pop("participants", [])) + "配合"
        del item["lead"]
    return [seed_plan, Plan.model_validate(data)]


def test_items_share_the_schedule_their_text_gives(plans: list[Plan]) -> None:
    for plan in plans:
        deadline = is_deadline_heading(plan.columns.get("schedule"))
        for item in plan.items:
            assert item.timing == Schedule.from_text(item.schedule, plan.year, deadline=deadline)


def test_units_tasks_are_found_as_for_each_unit_alone(plans: list[Plan]) -> None:
    for plan in plans:
        every = plan.unit_tasks()
        assert every == [plan.items_for(name) for name in dict.fromkeys(n for i in plan.items for n in i.units())]


def test_character_checks_name_the_places_checking_each_text_names(seed_plan: Plan) -> None:
    """A plan with characters outside GB2312 and outside the fonts, in some fields only."""
    data = yaml.safe_load(SAMPLE_PLAN.read_text(encoding="utf-8"))
    data["items"][3]["task"] += "（朱镕基）"
    data["items"][7]["lead"] = ["王喆办公室"]
    data["items"][9]["goal"] += "\U000f0001"
    plan = Plan.model_validate(data)
    style = default_style()
    texts = list(_plan_texts(plan))
    lacking = [(item, field) for text, role, item, field in texts if missing_characters(text, role, style)]
    assert [(p.item, p.field) for p in missing_glyphs(plan, style)] == lacking
    assert ("序号 10", "goal") in lacking
    rarer = [(item, field) for text, role, item, field in texts
             if gbk_face(style.fonts.family(role)) and outside(text)]
    assert [(p.item, p.field) for p in outside_gb2312(plan, style)] == rarer == [("序号 4", "task"), ("序号 8", "lead")]
    assert outside_gb2312(seed_plan, style) == []


# --- writers --------------------------------------------------------------------------


def test_a_build_converts_each_cff_face_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no font cache, PDFs that print different characters (the attachment, the
    quarterly plan, the matrix) make one TrueType copy of each face, not one per PDF."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(fonts, "_CONVERTED", {})
    monkeypatch.setattr(fonts, "_FACES", {})
    made: list[tuple[Path, int]] = []
    to_truetype = cff.to_truetype

    def counted(path: Path, index: int, chars: list[int]) -> bytes:
        made.append((path, index))
        return to_truetype(path, index, chars)

    monkeypatch.setattr(cff, "to_truetype", counted)
    build(SAMPLE_PLAN, tmp_path / "out", reports=["attachment", "quarterly", "matrix"], formats=["pdf"], jobs=1)
    assert made and len(made) == len(set(made))


def test_a_build_rendering_while_faces_convert_writes_the_files_of_a_build_in_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixed_date: object) -> None:
    """On an empty font cache, with two workers, the build's process renders DOCX and XLSX
    files while the faces convert, and the pool the rest: the files of a warm build in one
    process, byte for byte."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(fonts, "_CONVERTED", {})
    monkeypatch.setattr(fonts, "_FACES", {})
    cold = build(SAMPLE_PLAN, tmp_path / "cold", reports=["attachment", "quarterly", "matrix"], jobs=2)
    warm = build(SAMPLE_PLAN, tmp_path / "warm", reports=["attachment", "quarterly", "matrix"], jobs=1)
    assert [path.read_bytes() for path in cold] == [path.read_bytes() for path in warm]


def test_the_files_needing_no_pdf_face_are_rendered_while_faces_convert(
        seed_plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    """As long as faces convert, the jobs that print no PDF are rendered, as they would be."""
    style = default_style()
    outputs = pipeline.plan_outputs(seed_plan, ["attachment", "matrix"], style=style)
    jobs = [pipeline._Job(output, fmt) for output in outputs for fmt in ("docx", "xlsx", "pdf")]
    monkeypatch.setattr(fonts, "resolve_fonts", lambda *args, meanwhile: meanwhile(lambda: True))
    rendered = pipeline._load_pdf_fonts(jobs, style, {}, 2, {})
    assert sorted(rendered) == [k for k, job in enumerate(jobs) if job.fmt != "pdf"]
    assert all(data == pipeline._render_job(jobs[k], style, {}) for k, data in rendered.items())


def test_faces_are_converted_side_by_side_into_the_same_copies(seed_plan: Plan, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """With two workers and an empty cache, the CFF faces are converted in other processes,
    into the very copies one process makes."""
    style = default_style()
    chars = fonts.role_characters(attachment(seed_plan), style)
    parent, to_truetype = os.getpid(), cff.to_truetype

    def elsewhere(path: Path, index: int, codes: list[int]) -> bytes:
        assert os.getpid() != parent, "converted in the build's own process"
        return to_truetype(path, index, codes)

    copies, ran = {}, []
    for workers in (1, 2):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / str(workers)))
        monkeypatch.setattr(fonts, "_FACES", {})
        monkeypatch.setattr(fonts, "_CONVERTED", {})
        if workers == 2:
            monkeypatch.setattr(cff, "to_truetype", elsewhere)
        fonts.resolve_fonts(style, chars, workers, meanwhile=lambda converting: ran.append((os.getpid(), converting)))
        copies[workers] = {key: face.truetype for key, face in fonts._FACES.items() if face.truetype}
    assert len(copies[1]) >= 2 and copies[2] == copies[1]
    assert [pid for pid, _ in ran] == [parent], "the build's own process works meanwhile, once, and only beside others"
    assert not ran[0][1](), "told when the conversions are over"


def _cff_faces() -> list[tuple[Path, int]]:
    """The CFF faces the free fonts offer here (Noto CJK, Fandol), each once."""
    found = [face for kind in fonts._FREE.values() for free in kind
             for face in fonts._free_candidates(free, fonts._search_dirs())]
    return [face for face in dict.fromkeys(found) if cff.is_cff(*face)]


def test_a_cff_copy_is_the_copy_the_conversion_before_made() -> None:
    """Drawing the glyphs from the whole CFF, which the subsetter no longer touches, gives
    the bytes that subsetting the CFF first gave: ASCII alone, and with the seed's characters."""
    faces = _cff_faces()
    if not faces:
        pytest.skip("no CFF face installed (scripts/test.sh installs them)")
    seed = {ord(c) for c in SAMPLE_PLAN.read_text(encoding="utf-8")}
    for path, index in faces:
        for chars in (sorted(range(32, 127)), sorted(seed | set(range(32, 127)))):
            assert cff.to_truetype(path, index, chars) == to_truetype_before(path, index, chars), path.name


def test_a_cff_copy_with_mirrored_and_variation_characters_is_the_copy_before() -> None:
    """The character map and metrics handed to the subsetter cut down (``cff._only``) give
    the bytes of the whole tables: a bracket whose mirror was not asked for, a variation
    selector (the cut is then left out), a character the face lacks."""
    faces = _cff_faces()
    if not faces:
        pytest.skip("no CFF face installed (scripts/test.sh installs them)")
    asked = [[0x28, 0x300A, 0x3010, 0x4E00], [0x8FBB, 0xFE00, 0xE0100, 0x4E00], [0x10FFFD, 0x20BB7, 0x41]]
    for path, index in faces:
        for chars in asked:
            assert cff.to_truetype(path, index, chars) == to_truetype_before(path, index, chars), path.name


def test_the_subsetter_gets_the_cut_tables() -> None:
    """The speed-up is in use: the subsetter is handed a character map of the asked code
    points and the metrics of their glyphs, not a Noto face's 65,535."""
    from fontTools.ttLib import TTFont

    for path, index in _cff_faces():
        with TTFont(path, fontNumber=index, lazy=True) as font:
            for tag in cff._DROPPED:  # as ``_subset`` does first
                if tag in font:
                    del font[tag]
            cff._only(font, [0x41, 0x4E00], font.getGlyphNameMany)
            assert font.isLoaded("cmap") and font.isLoaded("hmtx"), path.name
            assert 2 <= len(font["hmtx"].metrics) <= 4
            kept = {code for table in font["cmap"].tables if table.isUnicode() and table.format in (4, 12)
                    for code in table.cmap}
            assert kept == {0x41, 0x4E00}, path.name


def test_a_cff_face_covers_what_its_best_cmap_maps() -> None:
    """``coverage`` names no glyph from the CFF table: the same code points all the same."""
    from fontTools.ttLib import TTFont

    for path, index in _cff_faces():
        with TTFont(path, fontNumber=index, lazy=True) as font:
            assert cff.coverage(path, index) == sorted(font.getBestCmap()), path.name


def _accented_face(folder: Path) -> Path:
    """A CFF face whose "À" is a seac accent (endchar with four arguments): "A" and "grave"."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.misc.psCharStrings import T2CharString
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    def box(width: int, top: int) -> T2CharString:
        pen = T2CharStringPen(width, None)
        pen.moveTo((50, 0)), pen.curveTo((50, top), (450, top), (450, 0)), pen.closePath()
        return pen.getCharString()

    order = [".notdef", "A", "grave", "Agrave", "space"]
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap({0x41: "A", 0x60: "grave", 0xC0: "Agrave", 0x20: "space"})
    strings = {".notdef": box(500, 600), "A": box(500, 700), "grave": box(500, 200), "space": box(250, 0),
               "Agrave": T2CharString(program=[500, 0, 300, 65, 193, "endchar"])}  # 65 "A", 193 "grave"
    builder.setupCFF("Accented", {"FullName": "Accented"}, strings, {})
    builder.setupHorizontalMetrics({name: (500, 50) for name in order})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Accented", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    path = folder / "Accented.otf"
    builder.save(str(path))
    return path


def test_a_seac_accent_fails_as_before_and_the_rest_converts(tmp_path: Path) -> None:
    """Subsetting no longer looks for seac accents' parts, which never converted anyway
    (no composite glyph without a glyph set): such a face still fails, and is skipped."""
    path = _accented_face(tmp_path)
    for convert in (cff.to_truetype, to_truetype_before):
        with pytest.raises(TypeError):
            convert(path, 0, [0xC0])
    assert cff.to_truetype(path, 0, [0x41, 0x60]) == to_truetype_before(path, 0, [0x41, 0x60])


def test_the_prepared_docx_template_is_the_template_set_up() -> None:
    """Each DOCX opens the default template set up once per process; what it opens is
    what setting up python-docx's template gives."""
    style = default_style()
    doc = python_docx.Document()
    docx_writer._drop_thumbnail(doc)
    docx_writer._drop_template_leftovers(doc)
    docx_writer._set_up_styles(doc, style, own_template=True)
    docx_writer._set_up_font_parts(doc, style, own_template=True)
    prepared = docx_writer._default_template(style)
    assert [(p.partname, p.blob) for p in prepared.part.package.iter_parts()] == [
        (p.partname, p.blob) for p in doc.part.package.iter_parts()
    ]


def test_documents_from_the_unparsed_template_parts_are_those_of_the_parsed_ones(
    monkeypatch: pytest.MonkeyPatch, fixed_date: object
) -> None:
    """The prepared template's styles, numbering and font parts are opened as bytes; every
    report of the seed is the same DOCX as with python-docx parsing the whole package."""
    import io

    from workplan_docs import load
    from workplan_docs.pipeline import plan_outputs
    from workplan_docs.writers import render

    from docx.opc.package import Unmarshaller
    from docx.opc.part import PartFactory
    from docx.package import Package

    def parsed(prepared: Any) -> Any:  # python-docx's own Package.open, every part parsed
        package = Package()
        Unmarshaller.unmarshal(prepared, package, PartFactory)
        return package.main_document_part.document

    style = default_style()
    outputs = plan_outputs(load(SAMPLE_PLAN), style=style)
    fast = [render(o.document, style, "docx") for o in outputs]
    monkeypatch.setattr(docx_writer, "_open_prepared", parsed)
    assert [render(o.document, style, "docx") for o in outputs] == fast


def _zipfile_package(members: Any, stamp: Any = None, level: int = -1, shared: Any = ()) -> bytes:
    """What the writers made before ``zip_package``: zipfile, then ``normalise_zip``."""
    import io
    from zipfile import ZIP_DEFLATED, ZipFile

    from workplan_docs.writers.reproducible import normalise_zip

    buffer = io.BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, compresslevel=None if level == -1 else level) as package:
        for name, content in members:
            package.writestr(name, content)
    return normalise_zip(buffer.getvalue(), stamp)


def test_packages_are_the_bytes_zipfile_made(monkeypatch: pytest.MonkeyPatch, fixed_date: object) -> None:
    """DOCX and XLSX packages are written record by record, shared members deflated once:
    every report of the seed, twice over (the second time from the shared members), is the
    file zipfile and normalise_zip made."""
    from workplan_docs import load
    from workplan_docs.pipeline import plan_outputs
    from workplan_docs.writers import render, xlsx

    style = default_style()
    outputs = plan_outputs(load(SAMPLE_PLAN), style=style)
    fast = [render(o.document, style, fmt) for _ in range(2) for o in outputs for fmt in ("docx", "xlsx")]
    assert fast[: len(fast) // 2] == fast[len(fast) // 2 :]
    monkeypatch.setattr(docx_writer, "zip_package", _zipfile_package)
    monkeypatch.setattr(xlsx, "zip_package", _zipfile_package)
    assert [render(o.document, style, fmt) for o in outputs for fmt in ("docx", "xlsx")] == fast[: len(fast) // 2]


@pytest.mark.parametrize("level", [-1, 1, 2, 9])
def test_zip_package_writes_what_zipfile_writes(level: int) -> None:
    from datetime import datetime, timezone

    from workplan_docs.writers.reproducible import zip_package

    rng = random.Random(level)
    members = [("[Content_Types].xml", b"<Types/>"), ("empty", b""), ("word/styles.xml", b"<w:style/>" * 40_000),
               ("random.bin", rng.randbytes(70_000)), ("word/document.xml", "正文".encode() * 5000)]
    stamp = datetime(2026, 12, 2, 15, 4, 33, tzinfo=timezone.utc)
    for _ in range(2):  # the shared member the second time from the cache
        assert zip_package(members, stamp, level, shared={"word/styles.xml"}) == _zipfile_package(members, stamp, level)
    assert zip_package([], stamp, level) == _zipfile_package([], stamp, level)




def _decoded_objects(data: bytes) -> list[Any]:
    """Every object of a PDF, its streams decoded (without their /Length and /Filter)."""
    import io

    from pypdf import PdfReader
    from pypdf.generic import IndirectObject, StreamObject

    def plain(obj: Any) -> Any:  # references by number: pypdf's name their reader too
        if isinstance(obj, IndirectObject):
            return ("ref", obj.idnum, obj.generation)
        if isinstance(obj, dict):
            return {key: plain(value) for key, value in obj.items()}
        if isinstance(obj, list):
            return [plain(value) for value in obj]
        return obj

    reader = PdfReader(io.BytesIO(data))
    objects: list[Any] = []
    for number in range(1, reader.trailer["/Size"]):
        obj = reader.get_object(number)
        if isinstance(obj, StreamObject):
            objects.append((plain({k: v for k, v in obj.items() if k not in ("/Length", "/Filter")}), obj.get_data()))
        else:
            objects.append(plain(obj))
    return objects


def test_pdf_streams_deflated_at_level_1_hold_what_reportlab_deflated(
    monkeypatch: pytest.MonkeyPatch, fixed_date: object
) -> None:
    """PDF streams are deflated at level 1 and, when large, once a process: every report of
    the seed, rendered twice (the second time from the shared streams), holds the same
    objects and decoded streams as with reportlab's own filter, and is smaller by less
    than a tenth."""
    from reportlab.pdfbase.pdfdoc import PDFStreamFilterZCompress

    from workplan_docs import load
    from workplan_docs.pipeline import plan_outputs
    from workplan_docs.writers import pdf as pdf_writer
    from workplan_docs.writers import render

    style = default_style()
    outputs = plan_outputs(load(SAMPLE_PLAN), style=style)[:4]  # the attachment, quarters, matrix, gantt
    fast = [render(o.document, style, "pdf") for o in outputs]
    assert [render(o.document, style, "pdf") for o in outputs] == fast
    monkeypatch.setattr(pdf_writer, "_DEFLATE", PDFStreamFilterZCompress())
    before = [render(o.document, style, "pdf") for o in outputs]
    assert fast != before
    assert [_decoded_objects(pdf) for pdf in fast] == [_decoded_objects(pdf) for pdf in before]
    assert sum(map(len, before)) < sum(map(len, fast)) < 1.1 * sum(map(len, before))
