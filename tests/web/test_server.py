"""The page's server without a browser: who may see what, what is refused, and how it says so."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape
from starlette.testclient import TestClient

import workplan_docs
from workplan_docs.cli import main
from workplan_docs.web import actions, listen
from workplan_docs.web.app import SESSION_COOKIE, create_app

from ..conftest import SAMPLE_PLAN, pdf_text, squash

JSON = {"Accept": "application/json"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        yield test_client


def open_sample(client: TestClient) -> str:
    """A workspace with the seed plan; returns its address."""
    answer = client.post("/sample", headers=JSON)
    assert answer.status_code == 200, answer.text
    return answer.json()["redirect"].partition("?")[0]


def test_help_does_not_load_the_web_stack() -> None:
    code = ("import sys; from workplan_docs.cli import main\n"
            "try: main(['serve', '--help'])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in ('starlette', 'uvicorn', 'jinja2', 'workplan_docs.web') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "--no-browser" in result.stdout and "--token" in result.stdout
    assert result.stdout.rstrip().endswith("[]")


def test_other_machines_need_a_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--no-browser"]) == 2
    assert capsys.readouterr().err == "在 0.0.0.0 上提供服务会让其他电脑也能访问，必须同时用 --token 设定访问口令\n"


def test_a_port_in_use_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    taken = listen("127.0.0.1", 0)
    try:
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--no-browser"]) == 2
    finally:
        taken.close()
    assert capsys.readouterr().err == (
        f"无法在 127.0.0.1:{port} 上监听：端口已被占用（是否已有一个 serve 在运行？可用 --port 换一个端口）\n"
    )


def test_with_a_token_the_page_asks_for_it_and_each_session_has_its_own_plans() -> None:
    app = create_app(token="口令123")
    with TestClient(app, raise_server_exceptions=False) as first, TestClient(app, raise_server_exceptions=False) as second:
        assert "请输入访问口令" in first.get("/").text
        assert first.post("/sample", headers=JSON).status_code == 403
        assert first.post("/login", data={"token": "错的"}).status_code == 403
        assert first.post("/login", data={"token": "口令123"}, follow_redirects=False).status_code == 303
        address = open_sample(first)
        assert "共 <b id=\"item-count\">20</b> 项工作" in first.get(address).text
        second.post("/login", data={"token": "口令123"})
        refused = second.get(address)
        assert refused.status_code == 404 and "找不到这份计划的工作区" in refused.text


def test_files_are_served_only_by_name_from_the_listing(client: TestClient) -> None:
    address = open_sample(client)
    for name in ("..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "source-1/seed-plan.yaml", "progress.yaml"):
        answer = client.get(f"{address}/files/{name}")
        assert answer.status_code == 404 and "没有这个文件" in answer.text, name
    sheet = client.get(f"{address}/unit-sheet", params={"unit": "科技司", "format": "pdf"})
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    assert client.get(f"{address}/unit-sheet", params={"unit": "/etc/passwd"}).status_code == 404


def test_workspaces_go_after_a_while_unused_and_when_the_server_stops() -> None:
    app = create_app(idle_seconds=0)
    state = app.state.workplan
    with TestClient(app) as client:
        first = open_sample(client)
        folders = [p for p in state.spaces.root.iterdir()]
        assert len(folders) == 1
        open_sample(client)  # the first one, unused since, is swept
        assert not folders[0].exists()
        assert client.get(first).status_code == 404
        root = state.spaces.root
    assert not root.exists()


def test_bad_input_gets_the_cli_line_and_a_bug_never_a_traceback(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    answer = client.post("/plan", files={"plan": ("计划.pdf", b"%PDF-1.4")}, headers=JSON)
    page = client.get(answer.json()["redirect"]).text
    assert "计划.pdf: 不支持的文件类型“.pdf”，可读取：.yaml、.yml、.json、.toml、.txt、.docx、.xlsx" in page

    def broken(space: object) -> None:
        raise RuntimeError("出了毛病")

    monkeypatch.setattr(actions, "read_plan", broken)
    answer = client.post("/sample")
    assert answer.status_code == 500
    assert "内部错误：RuntimeError: 出了毛病" in answer.text and "Traceback" not in answer.text


def test_importer_options_re_read_the_plan(client: TestClient) -> None:
    address = open_sample(client)
    shown = client.post(f"{address}/options", data={"year": "二〇一〇"}).text  # the page it leads to
    assert "年份“二〇一〇”应为四位数字，如 2010" in shown
    client.post(f"{address}/options", data={"year": "2010", "title": "改过的标题"})
    page = client.get(f"{address}?step=plan").text
    assert "改过的标题 · 共" in page
    forms = client.get(f"{address}/forms", params={"period": "quarter-2"})
    assert forms.headers["content-disposition"].endswith("%E7%AC%AC%E4%BA%8C%E5%AD%A3%E5%BA%A6%E8%BF%9B%E5%B1%95%E5%8F%8D%E9%A6%88%E8%A1%A8.zip")


def test_progress_data_of_another_plan_is_refused(client: TestClient, tmp_path: Path) -> None:
    other = workplan_docs.load(SAMPLE_PLAN).to_file_data()
    for item in other["items"]:  # no task in common (one edited task would be a revision, followed by content)
        item["task"] += "（修订）"
    other_plan = workplan_docs.Plan.model_validate(other)
    from workplan_docs.progress import dump_progress, new_progress

    address = open_sample(client)
    data = dump_progress(new_progress(other_plan)).encode()
    page = client.post(f"{address}/progress", files={"progress": ("旧的progress.yaml", data)}).text
    assert "旧的progress.yaml: 进展数据不属于此计划" in page
    assert client.cookies.get(SESSION_COOKIE)


@pytest.mark.parametrize("text", ["issuer: [\n", "issuer: [甲]\nnumber: 国质检科[2010]1号\nto: []\nbody: [正文]\ndate: 2010-7-1\nfoo: 1\n"])
def test_an_uploaded_notice_gets_what_validate_says(
    client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """Each line of ``validate --notice``: under its field when it names one the form has, else above the form."""
    notice = tmp_path / "通知.yaml"
    notice.write_text(text, encoding="utf-8")
    assert main(["validate", str(SAMPLE_PLAN), "--notice", str(notice)]) == 2
    said = [line.removeprefix(f"{notice}: ") for line in capsys.readouterr().err.splitlines()]
    address = open_sample(client)
    page = client.post(f"{address}/notice-file", files={"notice": ("通知.yaml", text.encode())}).text
    for line in said:
        field, _, message = line.partition(": ")
        if field in ("number", "to", "date"):
            assert f'<div class="field-error" id="error-{field}"><p>{escape(message)}</p></div>' in page
        else:
            assert f"<p>{escape(f'通知.yaml: {line}')}</p>" in page


def test_a_notice_whose_body_is_the_bulletin_takes_the_progress_data(client: TestClient, tmp_path: Path) -> None:
    from workplan_docs.progress import dump_progress, new_progress

    address = open_sample(client)
    form = {"issuer": "国家质量监督检验检疫总局", "number": "国质检科〔2010〕313号", "to": "各直属检验检疫局",
            "body": "这一段不用", "bulletin": "1", "date": "2010年7月20日", "sealed": "1", "letterhead": "red"}
    page = client.post(f"{address}/notice", data=form).text
    assert "通知正文为情况通报（body: bulletin），需要进展数据" in page
    plan = workplan_docs.load(SAMPLE_PLAN)
    client.post(f"{address}/progress", files={"progress": ("progress.yaml", dump_progress(new_progress(plan)).encode())})
    client.post(f"{address}/report", data={"as_of": "2010-07-15"})
    page = client.post(f"{address}/notice", data=form).text
    assert 'name="bulletin" value="1" checked' in page and "这一段不用" not in page
    issued = tmp_path / "通知.pdf"
    issued.write_bytes(client.get(f"{address}/files/%E9%80%9A%E7%9F%A5/%E9%80%9A%E7%9F%A5.pdf").content)
    text = squash(pdf_text(issued))
    assert "关于《总局在质检系统开展检测工作整顿活动重点工作安排》落实情况的通报" in text
    assert "截至2010年7月15日" in text


def test_the_build_step_offers_what_build_writes_for_the_plan(client: TestClient) -> None:
    """领导分工表 is offered, and chosen by default, only for a plan that names leaders; the
    progress report and the 情况通报 only once there is progress data."""
    import yaml

    plan = {"title": "测试重点工作安排", "year": 2026, "items": [
        {"seq": 1, "task": "甲任务", "leader": "张三", "lead": ["办公室"], "schedule": "3月完成"}]}
    answer = client.post("/plan", files={"plan": ("计划.yaml", yaml.safe_dump(plan, allow_unicode=True).encode())},
                         headers=JSON)
    address = answer.json()["redirect"].partition("?")[0]
    page = client.get(f"{address}?step=build").text
    assert 'value="leaders" checked>' in page
    assert 'value="progress" disabled>' in page and 'value="bulletin" disabled>' in page
    assert 'value="leaders" disabled>' in client.get(f"{open_sample(client)}?step=build").text


def test_what_was_made_from_the_plan_goes_when_it_is_read_again(client: TestClient) -> None:
    address = open_sample(client)
    form = {"issuer": "国家质量监督检验检疫总局", "number": "国质检科〔2010〕312号", "to": "各直属检验检疫局",
            "body": "现印发给你们。", "attachments": "总局在质检系统开展检测工作整顿活动重点工作安排",
            "date": "2010年7月1日", "sealed": "1", "letterhead": "red"}
    assert "下载 通知.pdf" in client.post(f"{address}/notice", data=form).text
    client.post(f"{address}/options", data={"title": "改过的标题"})
    assert "下载 通知.pdf" not in client.get(f"{address}?step=notice").text


def test_the_plan_step_shows_every_group_heading_over_an_item(client: TestClient) -> None:
    """Constructed plan file: an item under two levels of group headings (as 丽水 prints them)."""
    text = (
        "title: 重点工作责任分解\nitems:\n"
        "  - {seq: 1, task: 招引制造业项目, lead: [市发改委], group: (一)全力以赴拼经济稳增长促发展。,"
        " group_parents: [二、重点抓好六方面工作]}\n"
    )
    answer = client.post("/plan", files={"plan": ("计划.yaml", text.encode())}, headers=JSON)
    assert answer.status_code == 200, answer.text
    page = client.get(answer.json()["redirect"].partition("?")[0] + "?step=plan").text
    outer, inner = page.index("二、重点抓好六方面工作"), page.index("(一)全力以赴拼经济稳增长促发展。")
    assert outer < inner < page.index("招引制造业项目")
