"""The notice with its attachment and 版记 (issue 15), measured in the PDF as printed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml
from docx import Document as open_docx
from reportlab.pdfbase import pdfmetrics

from workplan_docs import build, load, load_notice
from workplan_docs.cli import main
from workplan_docs.model import Plan
from workplan_docs.notice import notice_from_data
from workplan_docs.reports.notice import outputs
from workplan_docs.style import default_style
from workplan_docs.writers import render
from workplan_docs.writers.fonts import resolve_fonts

from .conftest import SAMPLE_PLAN, libreoffice_pdf, require_tool, same_fonts_style, squash

SAMPLE_NOTICE = SAMPLE_PLAN.with_name("seed-notice.yaml")
MM = 72 / 25.4
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PAGE_HEIGHT = 297 * MM
TYPE_LEFT, TYPE_RIGHT, TYPE_TOP, TYPE_BOTTOM = 28 * MM, (28 + 156) * MM, 37 * MM, (297 - 35) * MM


def _words(pdf: Path) -> list[list[dict[str, Any]]]:
    """Each page's words (pdftotext -bbox): text and box in points from the top left."""
    html = subprocess.run([require_tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        height = float(re.match(r'width="[\d.]+" height="([\d.]+)"', page)[1])
        pages.append([
            {"text": text, "x0": float(x0), "y0": float(y0), "x1": float(x1), "y1": float(y1), "page_height": height}
            for x0, y0, x1, y1, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)
        ])
    return pages


def _strokes(reader: pypdf.PdfReader, page: int) -> list[tuple[str, float, float, float]]:
    """(colour, width, x0, x1) of each horizontal line the page strokes."""
    data = reader.pages[page].get_contents().get_data().decode("latin-1")
    found = []
    for colour, width, x0, x1 in re.findall(
        r"([\d.]+ [\d.]+ [\d.]+) RG\s+([\d.]+) w\s+n? ?([\d.]+) [\d.]+ m ([\d.]+) [\d.]+ l", data
    ):
        found.append((colour, float(width), float(x0), float(x1)))
    return found


def _lines(page: list[dict[str, Any]]) -> list[str]:
    """A page's lines of text from top to bottom (words on one baseline joined), the page
    number left out."""
    rows: dict[float, list[dict[str, Any]]] = {}
    for word in page:
        rows.setdefault(round(word["y1"]), []).append(word)
    lines = ["".join(w["text"] for w in sorted(row, key=lambda w: w["x0"])) for _, row in sorted(rows.items())]
    return [line for line in lines if not re.fullmatch(r"—\d+—", line)]


def _build(tmp: Path, notice: dict[str, Any] | None = None, fmt: str = "pdf") -> Path:
    data = notice or yaml.safe_load(SAMPLE_NOTICE.read_text(encoding="utf-8"))
    build(SAMPLE_PLAN, tmp, reports=["notice"], formats=[fmt], notice=notice_from_data(data, "notice.yaml"))
    return tmp / f"通知.{fmt}"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("notice"))


def test_letterhead_red_in_place(sample: Path) -> None:
    first = _words(sample)[0]
    header = next(w for w in first if w["text"] == "国家质量监督检验检疫总局文件")  # one line, as wide as it may be
    assert abs(header["y0"] - (TYPE_TOP + 35 * MM)) < 3 * MM  # its top 35 mm below the type area's top
    assert abs((header["x0"] + header["x1"]) / 2 - (TYPE_LEFT + TYPE_RIGHT) / 2) < 1
    assert TYPE_LEFT - 1 <= header["x0"] and header["x1"] <= TYPE_RIGHT + 1
    number = next(w for w in first if w["text"] == "国质检科〔2010〕312号")
    assert abs((number["x0"] + number["x1"]) / 2 - (TYPE_LEFT + TYPE_RIGHT) / 2) < 1  # centred
    reader = pypdf.PdfReader(sample)
    assert "1 0 0 rg" in reader.pages[0].get_contents().get_data().decode("latin-1")  # the 标志 in red
    rule = [s for s in _strokes(reader, 0) if s[0] == "1 0 0"]
    assert len(rule) == 1 and abs(rule[0][2] - TYPE_LEFT) < 0.5 and abs(rule[0][3] - TYPE_RIGHT) < 0.5  # 版心宽


def test_attachment_note_matches_the_attachment_title(sample: Path, seed_plan: Plan) -> None:
    text = subprocess.run([require_tool("pdftotext"), "-raw", str(sample), "-"], capture_output=True, check=True,
                          text=True).stdout
    assert squash(f"附件：{seed_plan.title}") in squash(text)
    pages = text.split("\f")
    attachment_page = next(i for i, p in enumerate(pages) if p.startswith("附件\n"))
    assert squash(pages[attachment_page]).startswith(squash(f"附件{seed_plan.title}"))


def test_page_numbers_run_on_and_the_imprint_page_is_even_and_unnumbered(sample: Path) -> None:
    pages = _words(sample)
    numbers = [next((int(w["text"]) for w in page if w["text"].isdigit() and w["y0"] > w["page_height"] - 35 * MM), None)
               for page in pages]
    assert numbers[:-1] == list(range(1, len(pages)))  # the notice, then the attachment: 1, 2, 3 …
    assert len(pages) % 2 == 0 and numbers[-1] is None  # 版记 on an even page, no number
    imprint = pages[-1]
    assert [w["text"] for w in imprint][:1] == ["抄送：国家认证认可监督管理委员会，国家标准化管理委员会。"]
    widths = [s[1] for s in _strokes(pypdf.PdfReader(sample), len(pages) - 1)]
    assert [round(w / MM, 2) for w in widths] == [0.35, 0.25, 0.35]


@pytest.mark.parametrize("paragraphs", [1, 12])
def test_a_blank_unnumbered_page_keeps_the_imprint_on_an_even_page(tmp_path: Path, paragraphs: int) -> None:
    data = yaml.safe_load(SAMPLE_NOTICE.read_text(encoding="utf-8"))
    data["body"] = ["现将计划印发给你们，请认真组织实施。" * 3] * paragraphs
    pages = _words(_build(tmp_path, data))
    assert len(pages) % 2 == 0
    blank = [i for i, page in enumerate(pages) if not page]
    assert all(i == len(pages) - 2 for i in blank)  # only ever the page before the 版记


def _signature_boxes(tmp: Path, sealed: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    data = {**yaml.safe_load(SAMPLE_NOTICE.read_text(encoding="utf-8")), "sealed": sealed}
    words = [w for page in _words(_build(tmp, data)) for w in page]
    name = next(w for w in words if w["text"] == "国家质量监督检验检疫总局")
    date = next(w for w in words if w["text"] == "2010年7月1日")
    return name, date


def test_signature_and_date_sealed_and_unsealed(tmp_path: Path) -> None:
    em = 16.0  # 三号
    name, date = _signature_boxes(tmp_path / "sealed", sealed=True)
    assert abs(TYPE_RIGHT - date["x1"] - 4 * em) < 2  # the date four characters from the right
    assert abs((name["x0"] + name["x1"]) / 2 - (date["x0"] + date["x1"]) / 2) < 2  # the name centred over it
    name, date = _signature_boxes(tmp_path / "unsealed", sealed=False)
    assert abs(TYPE_RIGHT - name["x1"] - 2 * em) < 2  # the name two characters in
    assert abs(date["x0"] - name["x0"] - 2 * em) < 2  # the date starts two characters right of the name


def test_an_upward_document_names_its_signer_on_the_number_line(tmp_path: Path) -> None:
    data = {**yaml.safe_load(SAMPLE_NOTICE.read_text(encoding="utf-8")), "signers": ["张某某"]}
    pdf = _build(tmp_path, data)
    first = _words(pdf)[0]
    number = next(w for w in first if w["text"] == "国质检科〔2010〕312号")
    signer = next(w for w in first if w["text"] == "签发人：张某某")
    assert abs(number["y0"] - signer["y0"]) < 1 and number["x0"] < signer["x0"]
    assert abs(number["x0"] - TYPE_LEFT - 16) < 2 and abs(TYPE_RIGHT - signer["x1"] - 16) < 2  # one character in
    # The label in 仿宋, the name in 楷体 (GB/T 9704 §7.2.5), in the faces of those roles.
    fonts = resolve_fonts(default_style())
    faces = {role: pdfmetrics.getFont(choice.name).face.name.decode() for role, choice in fonts.items()}
    drawn: dict[str, str] = {}

    def note(text: str, _cm: Any, _tm: Any, font: Any, _size: Any) -> None:
        if font:
            drawn.setdefault(text.strip(), font["/BaseFont"])

    pypdf.PdfReader(pdf).pages[0].extract_text(visitor_text=note)
    assert drawn["签发人："].endswith(faces["body"]) and drawn["张某某"].endswith(faces["subtitle"])
    assert faces["body"] != faces["subtitle"]
    build(SAMPLE_PLAN, tmp_path, reports=["notice"], formats=["docx"], notice=notice_from_data(data, "notice.yaml"))
    runs = next(p.runs for p in open_docx(str(tmp_path / "通知.docx")).paragraphs if "签发人" in p.text)
    run_fonts = {run.text: run._r.find(f"{W}rPr/{W}rFonts") for run in runs if run.text}
    assert run_fonts["签发人："] is None  # the body style's 仿宋
    assert run_fonts["张某某"].get(f"{W}eastAsia") == default_style().fonts.family("subtitle") == "楷体_GB2312"


# One paragraph that fills the second and third pages, without digits or Latin letters (LibreOffice
# puts a little space around those, Word does not: see the README).  The notice takes four pages,
# so no blank page precedes the 版记.
_LONG_BODY = 30 * ("各单位要高度重视检测工作整顿活动，主要负责同志亲自抓，"
                   "明确分管领导和责任部门，确保各项任务落到实处。")


def _long_notice(**more: Any) -> dict[str, Any]:
    """The long body between the sample's first paragraph and its last, which the 署名 keeps."""
    data = yaml.safe_load(SAMPLE_NOTICE.read_text(encoding="utf-8"))
    return {**data, "body": [data["body"][0], _LONG_BODY, data["body"][2]], **more}


def _grid_pages(pages: list[list[dict[str, Any]]]) -> list[str]:
    """The lines of the second page, which the long body fills: checked to be 22 lines of 28
    characters, each as wide as the type area (the 28th character ends on its right edge;
    LibreOffice leaves the 1.2 pt that the rounding of the spacing frees at the line end)."""
    second = pages[1]
    lines = _lines(second)
    assert len(lines) == 22, lines
    assert all(len(line) == 28 for line in lines), [line for line in lines if len(line) != 28]
    for top in {round(w["y1"]) for w in second if w["y0"] < TYPE_BOTTOM}:
        row = [w for w in second if round(w["y1"]) == top]
        assert abs(min(w["x0"] for w in row) - TYPE_LEFT) < 1 and abs(max(w["x1"] for w in row) - TYPE_RIGHT) < 1.5
    return lines


def test_a_full_page_holds_22_lines_of_28_characters(tmp_path: Path) -> None:
    """GB/T 9704's grid in the PDF: 三号 characters 15.75 pt apart (156 mm / 28 = 15.79 pt,
    less the rounding to the twentieth of a point a DOCX holds), 22 lines of 28.9 pt."""
    _grid_pages(_words(_build(tmp_path, _long_notice())))
    style = default_style()
    assert style.character_spacing("body") == -0.25 and style.character_spacing("title") == 0.0
    # The DOCX: the grid roles' styles tighten characters by 0.25 pt (5 twentieths), the title's not.
    docx = open_docx(str(_build(tmp_path, _long_notice(), fmt="docx")))
    spacing = {s.style_id: s.element.find(f"{W}rPr/{W}spacing") for s in docx.styles if s.style_id.startswith("Wp")}
    assert {sid for sid, element in spacing.items() if element is not None} == {"WpBody", "WpHeading", "WpSubtitle",
                                                                                  "WpLabel"}
    assert spacing["WpBody"].get(f"{W}val") == "-5"


def _first_and_last_lines(pdf: Path) -> list[tuple[str, str]]:
    """Each page's first and last line.  A mark hanging past the end of a line is left out:
    LibreOffice 7.4 breaks the line there as Word and our PDF do but sometimes leaves the mark
    unpainted."""
    ends = [(lines[0], lines[-1]) if lines else ("", "") for lines in map(_lines, _words(pdf))]
    hanging = "，。、；：！？"
    return [(squash(first).rstrip(hanging), squash(last).rstrip(hanging)) for first, last in ends]


def test_a_bad_notice_stops_the_build_before_anything_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "notice.yaml"
    bad.write_text(SAMPLE_NOTICE.read_text(encoding="utf-8").replace("〔2010〕312号", "〔2010〕第312号"), "utf-8")
    assert main(["build", str(SAMPLE_PLAN), "--notice", str(bad), "-o", str(tmp_path / "out")]) == 2
    assert "不应含“第”字" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert main(["build", str(SAMPLE_PLAN), "-o", str(tmp_path / "out"), "--reports", "notice"]) == 2
    assert capsys.readouterr().err.strip() == "通知需要通知文件：请用 --notice 指定 notice.yaml（可用 notice init 生成初稿）"


@pytest.mark.slow
def test_the_docx_renders_with_the_same_pages(tmp_path: Path) -> None:
    """LibreOffice's render of our DOCX, in our PDF's faces, breaks every page where the PDF
    does (the first and the last line of each page agree) and keeps the character grid."""
    style = same_fonts_style()
    notice = notice_from_data(_long_notice(signers=["张某某"]), "notice.yaml")
    document = outputs(load(SAMPLE_PLAN), notice, style)[0].document
    ours, docx = tmp_path / "通知.pdf", tmp_path / "通知.docx"
    ours.write_bytes(render(document, style, "pdf"))
    docx.write_bytes(render(document, style, "docx"))
    rendered = libreoffice_pdf(docx, tmp_path)
    assert _first_and_last_lines(rendered) == _first_and_last_lines(ours)
    assert _grid_pages(_words(rendered)) == _grid_pages(_words(ours))
    readers = pypdf.PdfReader(ours), pypdf.PdfReader(rendered)
    orientations = [[p.mediabox.width > p.mediabox.height for p in r.pages] for r in readers]
    assert orientations[0] == orientations[1]
    assert "抄送" in readers[1].pages[-1].extract_text() and "抄送" not in readers[1].pages[-2].extract_text()


def _both_renders(tmp: Path, notice: dict[str, Any], plan: Plan | None = None) -> tuple[Path, Path]:
    """Our PDF and LibreOffice's render of our DOCX of the notice, both in our PDF's faces."""
    style = same_fonts_style()
    document = outputs(plan or load(SAMPLE_PLAN), notice_from_data(notice, "notice.yaml"), style)[0].document
    ours, docx = tmp / "通知.pdf", tmp / "通知.docx"
    ours.write_bytes(render(document, style, "pdf"))
    docx.write_bytes(render(document, style, "docx"))
    return ours, libreoffice_pdf(docx, tmp)


_LONG_TITLE = "总局在质检系统开展检测工作整顿活动重点工作安排及进度要求"
_FORM_TITLE = "检测机构整顿活动自查情况统计表及其填报说明和报送要求"


@pytest.mark.slow
@pytest.mark.parametrize("several", [False, True])
def test_attachment_note_continuation_lines_align_with_the_title(tmp_path: Path, several: bool) -> None:
    """GB/T 9704 §7.3.4: a title that runs over a line goes on under its own first character,
    after "附件：" (one attachment) or "附件：1." (several), on the 28-character grid."""
    data = yaml.safe_load(SAMPLE_NOTICE.read_text(encoding="utf-8"))
    plan = load(SAMPLE_PLAN).model_copy(update={"title": _LONG_TITLE})
    titles = [_LONG_TITLE, _FORM_TITLE] if several else [_LONG_TITLE]
    data["attachments"] = [{"title": title} for title in titles]
    ours, rendered = _both_renders(tmp_path, data, plan)
    for pdf in ours, rendered:
        # LibreOffice puts its little space between "1." and the title (see the README): Word does not.
        slack = 0.25 * 16 if several and pdf == rendered else 0.3
        words = [w for page in _words(pdf) for w in page]
        for number, title in enumerate(titles, start=1):
            lead = f"附件：{number}." if several and number == 1 else (f"{number}." if several else "附件：")
            first = next(w for w in words if w["text"].startswith(lead) and squash(w["text"])[len(lead):]
                         and title.startswith(squash(w["text"])[len(lead):]))
            on_first = len(squash(first["text"])) - len(lead)  # the title's characters on the first line
            rest = next(w for w in words if w["y0"] > first["y0"] + 1 and title.endswith(squash(w["text"])))
            assert 0 < on_first < len(title) and on_first + len(squash(rest["text"])) == len(title)
            # Each line's characters are full-width from the title's first one on: the grid's advance,
            # measured on the continuation line, walks back from the first line's end to that character.
            glyph = 16.0  # 三号
            advance = (rest["x1"] - rest["x0"] - glyph) / (len(squash(rest["text"])) - 1)
            assert abs(advance - 15.75) < 0.05, pdf
            title_start = first["x1"] - glyph - (on_first - 1) * advance
            assert -0.3 < rest["x0"] - title_start < slack, (pdf, first, rest)


_UNIT = "各单位要高度重视检测工作整顿活动，主要负责同志亲自抓，明确分管领导和责任部门，确保各项任务落到实处。"


def _body_of(length: int, last_lines: int) -> list[str]:
    """A body of ``length`` steps (a one-line paragraph is a step, a three-line one two), and a
    last paragraph of about ``last_lines`` lines when given: the lengths that put the 署名 at
    every place of the first and second page."""
    steps = [_UNIT] * (length // 2) + [_UNIT[:24]] * (length % 2)
    return ["现将计划印发给你们。", *steps, *([_UNIT * (last_lines // 2)] if last_lines else [])]


def _signature_page(pdf: Path) -> list[str]:
    """The lines of the page that holds the 成文日期."""
    return next(lines for lines in map(_lines, _words(pdf)) if "2010年7月1日" in lines)


@pytest.mark.parametrize("last_lines", [0, 2])
def test_the_signature_never_stands_on_a_page_without_body_text(tmp_path: Path, last_lines: int) -> None:
    """GB/T 9704 §7.3.5: the 署名 and 成文日期 (and the 附件说明 above them) share their page with
    at least two lines of body text, whatever the length of the body."""
    data = yaml.safe_load(SAMPLE_NOTICE.read_text(encoding="utf-8"))
    for length in range(1, 12):  # from two lines of body text on, each step a line more: past the foot of page 1
        body = _body_of(length, last_lines)
        lines = _signature_page(_build(tmp_path / str(length), {**data, "body": body}))
        note = next((i for i, line in enumerate(lines) if line.startswith("附件：")), -1)  # on the same page
        assert note >= 2 and all(squash(line) in squash("".join(body)) for line in lines[note - 2:note]), lines


_HEADINGS = ("一、", "（一）")


def _with_headings(length: int) -> list[str]:
    """``length`` one-line paragraphs, then headings of two levels each followed by text."""
    return ["现将计划印发给你们。", *[_UNIT[:24]] * length, "一、加强组织领导", "（一）明确责任分工", _UNIT * 3,
            "二、及时报送进展", _UNIT]


def _ends_with_heading(pdf: Path) -> list[str]:
    return [lines[-1] for lines in map(_lines, _words(pdf)) if lines and lines[-1].startswith(_HEADINGS)]


def test_a_heading_never_ends_a_page(tmp_path: Path) -> None:
    data = yaml.safe_load(SAMPLE_NOTICE.read_text(encoding="utf-8"))
    for length in range(10):
        assert not _ends_with_heading(_build(tmp_path / str(length), {**data, "body": _with_headings(length)}))


@pytest.mark.slow
@pytest.mark.parametrize("body", [_body_of(2, 0), _body_of(3, 0), _body_of(1, 4), _body_of(5, 4), _with_headings(6),
                                  _with_headings(7)])
def test_kept_lines_break_alike_in_the_docx(tmp_path: Path, body: list[str]) -> None:
    """The runs kept together (the end of the body with the 署名; headings with the text below)
    move alike in LibreOffice's render of the DOCX: every page starts and ends on the same line."""
    data = {**yaml.safe_load(SAMPLE_NOTICE.read_text(encoding="utf-8")), "body": body}
    ours, rendered = _both_renders(tmp_path, data)
    assert _first_and_last_lines(rendered) == _first_and_last_lines(ours)
    assert not _ends_with_heading(rendered) and len(_signature_page(rendered)) > 5


@pytest.mark.slow
def test_several_signers_two_to_a_line_with_the_number_on_the_last(tmp_path: Path) -> None:
    """GB/T 9704 §7.2.4/§7.2.5: names two to a line, a line's names under the first name of the
    line above, the 发文字号 flush left on the line of the last name — in our PDF and in
    LibreOffice's render of the DOCX."""
    data = {**yaml.safe_load(SAMPLE_NOTICE.read_text(encoding="utf-8")), "signers": ["张某某", "李某", "王某某"]}
    for pdf in _both_renders(tmp_path, data):
        first = _words(pdf)[0]
        box = {w["text"]: w for w in first if w["text"] in ("签发人：张某某", "李某", "王某某")}
        assert len(box) == 3, [w["text"] for w in first]
        names, second = box["签发人：张某某"], box["王某某"]
        number = next(w for w in first if w["text"].startswith("国质检科"))  # LibreOffice: a space before "号"
        assert abs(box["李某"]["y0"] - names["y0"]) < 1  # two names on the first line
        assert abs(second["y0"] - names["y0"] - 28.9) < 1  # the third on the next line of the grid
        assert abs(number["y0"] - second["y0"]) < 1 and abs(number["x0"] - TYPE_LEFT - 16) < 2
        label = names["x1"] - names["x0"] - 3 * 15.75  # "签发人：" before the first name
        assert abs(second["x0"] - (names["x0"] + label)) < 0.5  # under the first name
        assert abs(TYPE_RIGHT - box["李某"]["x1"] - 16 - 15.75) < 2  # 李某 padded to 张某某's width, one character in
