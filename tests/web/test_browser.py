"""The page in a real browser (headless Chromium), as an office user would go through it:
drop the seed attachment, check what was read, build, hand out and collect the forms.

One browser session and one imported plan for the module (its workspace lives in the
page's URL); each test goes to the step it needs, so tests may run in any order or
apart (pytest-xdist).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import httpx2
import pytest

import workplan_docs

from ..conftest import SAMPLE_PLAN, pdf_text, squash
from ..test_feedback import fill
from ..test_read_documents import make_docx

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def drop_files(page: Any, zone: str, files: list[tuple[str, bytes]]) -> None:
    """Drop files on a drop zone as a user dragging them from the desktop would."""
    transfer = page.evaluate_handle(
        """(files) => {
            const transfer = new DataTransfer();
            for (const [name, bytes] of files) transfer.items.add(new File([new Uint8Array(bytes)], name));
            return transfer;
        }""",
        [[name, list(data)] for name, data in files],
    )
    page.dispatch_event(zone, "drop", {"dataTransfer": transfer})


def rows_of(page: Any, heading: str) -> list[list[str]]:
    """The body cells of the report table named by the heading above it."""
    table = page.get_by_role("table", name=re.compile(f"^{re.escape(heading)}"))
    return [row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all()]


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed attachment as a Word document (our own, built from the seed plan)."""
    out = tmp_path_factory.mktemp("seed")
    return workplan_docs.build(SAMPLE_PLAN, out, reports=["attachment"], formats=["docx"], jobs=1)[0]


@pytest.fixture(scope="module")
def outside() -> list[str]:
    """Whatever the page asked of anything but our own server (the browser's own pages, such
    as its PDF viewer, are not network)."""
    return []


@pytest.fixture(scope="module")
def page(browser: Any, server: Any, outside: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True, locale="zh-CN")

    def note(request: Any) -> None:
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and not request.url.startswith(f"{server.url}/"):
            outside.append(request.url)

    context.on("request", note)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def imported(page: Any, server: Any, seed_docx: Path, shots: Any) -> str:
    """The seed attachment dropped on the start page: the address of its workspace."""
    page.goto(server.url)
    shots(page, "1-start")
    drop_files(page, ".drop-zone", [("附件.docx", seed_docx.read_bytes())])
    page.wait_for_selector("#items")
    return page.url.partition("?")[0]


def test_dropping_the_seed_attachment_shows_its_items_and_units(page: Any, imported: str, shots: Any) -> None:
    page.goto(f"{imported}?step=plan")
    assert page.locator("#items tbody tr").count() == 20
    assert page.locator("#item-count").inner_text() == "20"
    row = page.locator("#items tr[data-seq='12']")
    assert row.locator(".lead .unit").all_inner_texts() == ["科技司", "执法司"]
    assert "认监委" in row.locator(".participants").inner_text()
    strip16 = page.locator("#items tr[data-seq='16'] .strip")
    assert strip16.locator(".on").count() == 7 and strip16.locator(".due").inner_text() == "7"
    assert "7月到期" in page.locator("#items tr[data-seq='16'] .due-month").inner_text()
    shots(page, "2-plan")
    page.click("text=3. 分工表")
    page.wait_for_selector("#unit-list")
    entry = page.locator("#unit-list a", has_text="科技司").first
    assert "牵头 10" in entry.inner_text()
    assert page.locator("#unit-list li").count() == 31
    entry.click()
    page.wait_for_selector("#unit-tasks h2:text('科技司')")
    assert page.locator("#unit-tasks table").first.locator("tbody tr").count() == 10
    with page.expect_download() as download:
        page.click("#unit-tasks a:text('Excel')")
    assert download.value.suggested_filename == "科技司.xlsx"
    shots(page, "3-units")


def test_a_heading_not_recognised_is_mapped_from_a_drop_down(page: Any, server: Any, tmp_path: Path, shots: Any) -> None:
    rows = [["序号", "要干的事", "主要责任单位", "完成时限"], ["1", "修缮老旧小区道路", "交通局", "6月底前"],
            ["2", "新建社区食堂", "民政局", "全年"]]
    document = make_docx(tmp_path / "安排.docx", ["附件", "2024年民生实事安排"], [(rows, [])])
    page.goto(server.url)
    drop_files(page, ".drop-zone", [("安排.docx", document.read_bytes())])
    page.wait_for_selector("#plan-errors")
    assert "找不到“重要工作”一类的列" in page.locator("#plan-errors > .messages").first.inner_text()
    mapping = page.locator("select[name='column:要干的事']")
    assert mapping.input_value() == "extra"
    assert page.locator("select[name='column:主要责任单位']").input_value() == "lead"
    shots(page, "8-mapping")
    mapping.select_option("task")  # the plan is read again at once
    page.wait_for_selector("#items")
    assert page.locator("#items tbody tr .task").all_inner_texts() == ["修缮老旧小区道路", "新建社区食堂"]
    assert page.locator("select[name='column:要干的事']").input_value() == "task"
    shots(page, "9-mapped")


def test_the_zip_holds_exactly_what_build_writes(
    page: Any, imported: str, seed_docx: Path, tmp_path: Path, shots: Any, fixed_date: Any
) -> None:
    """With SOURCE_DATE_EPOCH set (``fixed_date``; the server runs in this process), as for any two builds."""
    page.goto(f"{imported}?step=plan")
    page.click("text=2. 生成文件")
    page.click("#build-button")
    page.wait_for_selector("#download-zip", timeout=60_000)
    shots(page, "4-build")
    with page.expect_download() as download:
        page.click("#download-zip")
    assert download.value.suggested_filename == "总局在质检系统开展检测工作整顿活动重点工作安排.zip"
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    written = workplan_docs.build(seed_docx, tmp_path, jobs=1)
    expected = {path.relative_to(tmp_path).as_posix(): path.read_bytes() for path in written}
    assert sorted(archive.namelist()) == sorted(expected)
    for name, data in expected.items():
        assert archive.read(name) == data, name
    assert page.locator("iframe.pdf").get_attribute("src").endswith("%E9%99%84%E4%BB%B6.pdf?view=1")


def test_returned_forms_are_collected_or_their_problems_listed(
    page: Any, imported: str, seed_docx: Path, tmp_path: Path, shots: Any
) -> None:
    page.goto(f"{imported}?step=followup")
    page.select_option("#forms-form select[name=period]", "quarter-2")
    with page.expect_download() as download:
        page.click("#forms-form button")
    forms = tmp_path / "forms"
    zipfile.ZipFile(download.value.path()).extractall(forms)
    assert len(list(forms.glob("*.xlsx"))) == 6
    good = fill(forms / "科技司_第二季度进展反馈表.xlsx", tmp_path / "back" / "科技司.xlsx", {"5": "已完成"})
    bad = fill(forms / "执法司_第二季度进展反馈表.xlsx", tmp_path / "back" / "执法司.xlsx", edit=lambda sheet: setattr(sheet.cell(5, 5), "value", "完成了"))
    drop_files(page, "form[action$='/collect'] .drop-zone", [(p.name, p.read_bytes()) for p in (good, bad)])
    page.wait_for_selector("#collect-results")
    taken = page.locator("#collect-results li.ok").all_inner_texts()
    assert len(taken) == 1 and taken[0].startswith("已收录 科技司.xlsx（科技司")
    # exactly what collect reports for the broken form, under the name it was dropped with
    refused = workplan_docs.collect_feedback(workplan_docs.load(seed_docx), [bad]).rejected
    expected = [str(problem.at(bad.name)) for problem in refused[0].problems]
    assert page.locator("#collect-results li.bad .problems li").all_inner_texts() == expected
    assert "完成状态" in expected[0]
    assert page.locator("#entry-count").inner_text() == "10"
    shots(page, "5-collect", at="#forms-form")
    page.fill("#report-form input[name=as_of]", "2010-07-15")
    page.click("#report-form button")
    page.wait_for_selector(".downloads")
    assert page.locator(".downloads a").all_inner_texts() == ["工作进展报告.docx", "工作进展报告.xlsx", "工作进展报告.pdf"]
    # the report as HTML, as of the date chosen: overdue tasks first, counts per lead unit, the warnings
    # red first with the colour written out, and the reports owed and not received
    overdue = rows_of(page, "一、逾期任务（1项）")
    assert overdue == [["1", "开展检验机构委托检验工作调研", "监督司", "4月", "2010年4月30日", "未报送（逾期）", ""]]
    by_unit = rows_of(page, "二、各牵头单位完成情况")
    headings = page.get_by_role("table", name=re.compile("^二、")).locator("thead th").all_inner_texts()
    assert headings[-3:] == ["未报送", "未到报送期", "逾期"]  # owed and missing apart from not yet owed
    assert by_unit[3] == ["科技司", "10", "1", "9", "0", "0", "0", "0", "0"]
    assert by_unit[-1] == ["合计（项）", "20", "1", "8", "0", "0", "11", "0", "1"]
    warned = page.get_by_role("table", name="四、预警任务（11项）")
    assert [(row[0], row[1]) for row in rows_of(page, "四、预警任务（11项）")] == [
        ("红", "1"), *(("黄", seq) for seq in ("2", "3", "4", "8", "11", "12", "14", "15", "17", "18"))]
    colours = warned.locator("tbody td:first-child").evaluate_all("cells => cells.map(c => getComputedStyle(c).backgroundColor)")
    assert colours[:2] == ["rgb(244, 204, 204)", "rgb(255, 242, 204)"]
    # every period ended by 15 July that a unit owes a report for: the first quarter (nothing came in) and the second
    assert [(row[0], row[1]) for row in rows_of(page, "五、未报送（10份）")] == [
        *(("第一季度", unit) for unit in ("监督司", "认监委", "执法司", "科技司", "法规司")),
        *(("第二季度", unit) for unit in ("监督司", "认监委", "计量司", "执法司", "法规司"))]
    shots(page, "6-report", at="#report")


def test_forms_and_collecting_by_month_quarter_or_half_year(page: Any, imported: str, tmp_path: Path) -> None:
    page.goto(f"{imported}?step=followup")
    select = page.locator("#forms-form select[name=period]")
    groups = select.locator("optgroup").evaluate_all("gs => gs.map(g => [g.label, g.children.length])")
    assert groups == [["月报", 12], ["季报", 4], ["半年报", 2]]  # as feedback --month / --quarter / --half
    assert select.input_value().startswith("quarter-")  # the seed plan reports 季
    # the seed has no half-yearly task: the half year's forms are none, and the page says so
    page.select_option("#forms-form select[name=period]", "half-1")
    page.click("#forms-form button")
    assert "上半年没有牵头单位有应报送或往期未完成的任务，未生成反馈表。" in page.locator(".messages").first.inner_text()
    assert page.locator("#forms-form select[name=period]").input_value() == "half-1"
    page.select_option("#forms-form select[name=period]", "quarter-3")
    with page.expect_download() as download:
        page.click("#forms-form button")
    assert download.value.suggested_filename == "第三季度进展反馈表.zip"
    zipfile.ZipFile(download.value.path()).extractall(tmp_path / "forms")
    form = fill(tmp_path / "forms" / "科技司_第三季度进展反馈表.xlsx", tmp_path / "back" / "科技司.xlsx", {})
    # collecting only the second quarter refuses a third-quarter form, naming both periods
    page.select_option("form[action$='/collect'] select[name=period]", "quarter-2")
    drop_files(page, "form[action$='/collect'] .drop-zone", [(form.name, form.read_bytes())])
    page.locator("#collect-results li.bad", has_text="此表是第三季度的反馈表，本次收集的是第二季度").wait_for()


def test_a_file_too_large_or_not_what_it_says_is_refused_with_a_message(page: Any, server: Any, shots: Any) -> None:
    page.goto(server.url)
    page.evaluate_handle("""() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(20 * 1024 * 1024 + 1)], "大文件.docx"));
        document.querySelector(".drop-zone").dispatchEvent(new DragEvent("drop", {dataTransfer: transfer}));
    }""")
    message = page.locator("[data-errors]")
    message.wait_for()
    assert message.inner_text() == "文件“大文件.docx”过大（20.0 MB），上传上限为 20 MB"
    # the server refuses it too, whatever the page's script did
    answer = httpx2.post(f"{server.url}/plan", files={"plan": ("大文件.docx", b"0" * (21 * 1024 * 1024))},
                        headers={"Accept": "application/json"})
    assert answer.status_code == 413
    assert answer.json() == {"errors": ["文件过大（21.0 MB），上传上限为 20 MB"]}
    drop_files(page, ".drop-zone", [("程序.docx", b"MZ\x90\x00" + bytes(4000))])
    page.wait_for_selector("#plan-errors")
    assert page.locator("#plan-errors > .messages").first.inner_text() == (
        "程序.docx: 不是 DOCX 文件（可能是旧版 .doc、改了扩展名的其他文件，或文件已损坏）"
    )
    shots(page, "7-refused")


def test_the_notice_is_checked_next_to_each_field_and_issued_with_the_attachment(
    page: Any, imported: str, tmp_path: Path, shots: Any
) -> None:
    page.goto(f"{imported}?step=notice")
    # notice init's starting point: the attachment is the plan; what is to be filled in is a hint
    assert page.input_value("#notice-attachments") == "总局在质检系统开展检测工作整顿活动重点工作安排"
    assert page.input_value("#notice-number") == ""
    assert page.get_attribute("#notice-number", "placeholder").startswith("发文字号，如 机关代字〔")
    page.fill("#notice-issuer", "国家质量监督检验检疫总局")
    page.fill("#notice-number", "国质检科〔2010〕第312号")
    page.fill("#notice-to", "各直属检验检疫局\n各省、自治区、直辖市质量技术监督局")
    page.fill("#notice-body", "现将《总局在质检系统开展检测工作整顿活动重点工作安排》印发给你们，请认真组织实施。\n"
                              "一、加强组织领导\n各单位要高度重视，确保各项任务落到实处。")
    page.fill("#notice-date", "2010年7月1日")
    page.fill("#notice-cc", "国家认证认可监督管理委员会")
    page.click("#notice-button")
    page.wait_for_selector("#error-number")
    message = "发文字号“国质检科〔2010〕第312号”不应含“第”字，应写作 机关代字〔年份〕序号号，如 国质检科〔2010〕12号"
    assert page.locator(".field-error").all_inner_texts() == [message]
    assert "error-number" in page.get_attribute("#notice-number", "aria-describedby")
    assert page.locator("#notice-result .messages").inner_text() == "通知有 1 项需要修改，见下方标红的各项。"
    shots(page, "10-notice-error")
    # the form as notice.yaml: validate --notice finds the same, and nothing typed is lost
    with page.expect_download() as download:
        page.click("#download-notice")
    assert download.value.suggested_filename == "notice.yaml"
    saved = tmp_path / "notice.yaml"
    download.value.save_as(saved)
    with pytest.raises(workplan_docs.WorkplanError) as refused:
        workplan_docs.load_notice(saved)
    assert [(p.field, p.message) for p in refused.value.problems] == [("number", message)]
    assert page.is_enabled("#notice-button")  # a download is not a wait

    page.fill("#notice-number", "国质检科〔2010〕312号")
    page.click("#notice-button")
    page.wait_for_selector("#notice-result iframe.pdf")
    assert page.locator(".field-error").count() == 0
    assert page.locator("#notice-result iframe").get_attribute("src").endswith("%E9%80%9A%E7%9F%A5.pdf?view=1")
    assert page.locator("#notice-result a").all_inner_texts() == ["下载 通知.pdf", "下载 通知.docx"]
    shots(page, "11-notice", at="#notice-result", settle_ms=3000)
    with page.expect_download() as download:
        page.click("#notice-result a:text('通知.pdf')")
    issued = tmp_path / "通知.pdf"
    download.value.save_as(issued)
    pages = [squash(text) for text in pdf_text(issued).split("\f") if text.strip()]
    assert "国质检科〔2010〕312号" in pages[0] and "附件：总局在质检系统开展检测工作整顿活动重点工作安排" in squash("".join(pages))
    assert any("开展检验机构委托检验工作调研" in text for text in pages[1:])  # the attachment, bound after
    assert "抄送：国家认证认可监督管理委员会" in pages[-1]
    with page.expect_download() as download:
        page.click("#notice-result a:text('通知.docx')")
    assert download.value.suggested_filename == "通知.docx"

    # the notice.yaml saved earlier brought back: the form holds it again, with its problem
    drop_files(page, "form[action$='/notice-file'] .drop-zone", [("notice.yaml", saved.read_bytes())])
    page.wait_for_selector("#error-number")
    assert page.input_value("#notice-number") == "国质检科〔2010〕第312号"
    assert page.input_value("#notice-to") == "各直属检验检疫局\n各省、自治区、直辖市质量技术监督局"


def test_every_step_needs_no_network(page: Any, imported: str, outside: list[str]) -> None:
    """No CDN, no font or script from elsewhere: every request goes to our own server."""
    for step in ("plan", "build", "units", "followup", "notice"):
        page.goto(f"{imported}?step={step}")
        assert page.locator("header.top").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(166, 27, 27)"
        addresses = page.locator("[src], [href]").evaluate_all(
            "nodes => nodes.map(n => n.getAttribute('src') || n.getAttribute('href'))")
        assert [a for a in addresses if "//" in a] == [], step
    assert outside == []
