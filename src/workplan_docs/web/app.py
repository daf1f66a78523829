"""The page's routes: plain server-rendered HTML forms, with a little JavaScript for
dropping files, upload progress and build progress (``static/app.js``).

Starlette rather than FastAPI: the page is HTML forms and file downloads, not a typed
JSON API, so FastAPI's request validation and OpenAPI add nothing but start-up time.

Every answer is a page in Chinese: a user's mistake is shown as the CLI's one-line
message, a bug as the CLI's ``内部错误`` line; never a traceback.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send

from . import actions, pages
from .workspace import Job, Workspace, Workspaces

HERE = Path(__file__).parent
MAX_UPLOAD = 20 * 1024 * 1024  # bytes in one request, all files together
_MULTIPART_SLACK = 64 * 1024  # boundaries and field headers around the files
SESSION_COOKIE = "workplan_docs_session"
STEPS = {"plan": "导入计划", "build": "生成文件", "units": "分工表", "followup": "督办", "notice": "印发通知"}
PLAN_SUFFIXES = (".docx", ".xlsx", ".txt", ".yaml", ".yml", ".json", ".toml")


def sample_plan() -> Path:
    """samples/seed-plan.yaml: packaged inside the wheel, at the top of a source checkout."""
    packaged = HERE.parent / "samples" / "seed-plan.yaml"
    return packaged if packaged.is_file() else HERE.parents[2] / "samples" / "seed-plan.yaml"


def upload_too_large(size: int) -> str:
    return f"文件过大（{size / 1024 / 1024:.1f} MB），上传上限为 {MAX_UPLOAD // 1024 // 1024} MB"


class _UploadLimit:
    """Refuse a request body over the limit before reading it: by its Content-Length,
    which every browser sends with a form (a POST without one is refused)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            headers = dict(scope["headers"])
            length = headers.get(b"content-length", b"").decode()
            message = None
            if not length.isdigit():
                message = "请求缺少长度（Content-Length），无法接收" if headers.get(b"transfer-encoding") else None
            elif int(length) > MAX_UPLOAD + _MULTIPART_SLACK:
                message = upload_too_large(int(length))
            if message:
                request = Request(scope, receive)
                await _drain(receive)
                await _error_response(request, [message], 413)(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _drain(receive: Receive) -> None:
    """Read (and drop) what the client is sending, so that it sees our answer rather than a reset."""
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False) and message["type"] == "http.request"


templates = Jinja2Templates(directory=str(HERE / "templates"))


def _error_response(request: Request, lines: list[str], status: int) -> Response:
    if _wants_json(request):
        return JSONResponse({"errors": lines}, status_code=status)
    return templates.TemplateResponse(request, "error.html", {"errors": lines, "steps": STEPS}, status_code=status)


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _go(request: Request, url: str) -> Response:
    """After a POST: the page to show next (a redirect, or its address for our script)."""
    if _wants_json(request):
        return JSONResponse({"redirect": url})
    return RedirectResponse(url, status_code=303)


class App:
    """The server's state: the workspaces, and (with a token) the sessions let in."""

    def __init__(self, token: str | None = None, idle_seconds: float | None = None) -> None:
        self.token = token
        self.spaces = Workspaces(idle_seconds) if idle_seconds is not None else Workspaces()
        self.sessions: set[str] = set()

    # sessions --------------------------------------------------------------

    def session(self, request: Request) -> str | None:
        """The browser's session id; with a token, only sessions that gave it."""
        value = request.cookies.get(SESSION_COOKIE)
        if not value:
            return None
        if self.token is not None and value not in self.sessions:
            return None
        return value

    def space(self, request: Request) -> Workspace:
        session = self.session(request)
        space = self.spaces.get(request.path_params["space"], session) if session else None
        if space is None:
            raise HTTPException(404, "找不到这份计划的工作区：可能已超过两小时未使用而被清除，或服务已重新启动。请重新导入计划。")
        return space

    def _with_session(self, request: Request, response: Response) -> Response:
        """Give a browser without one a session cookie (only when no token is needed)."""
        if self.token is None and not request.cookies.get(SESSION_COOKIE):
            response.set_cookie(SESSION_COOKIE, secrets.token_urlsafe(24), httponly=True, samesite="strict")
        return response

    # pages -------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        if self.token is not None and self.session(request) is None:
            return templates.TemplateResponse(request, "login.html", {"steps": STEPS, "failed": False})
        return self._with_session(request, self._render(request, "start.html", {}))

    async def login(self, request: Request) -> Response:
        form = await request.form()
        given = str(form.get("token", ""))
        if self.token is None or not secrets.compare_digest(given.encode(), self.token.encode()):
            return templates.TemplateResponse(request, "login.html", {"steps": STEPS, "failed": True}, status_code=403)
        session = secrets.token_urlsafe(24)
        self.sessions.add(session)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict")
        return response

    def _render(self, request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        return templates.TemplateResponse(request, name, {"steps": STEPS, **context}, status_code=status)

    async def workspace_page(self, request: Request) -> Response:
        space = self.space(request)
        step = request.query_params.get("step", "plan")
        if step not in STEPS:
            step = "plan"
        flash, space.flash = space.flash, {}
        context = pages.context(space, step, request.query_params, flash)
        return self._render(request, "workspace.html", context)

    # the plan ----------------------------------------------------------------

    def _new_space(self, request: Request) -> tuple[Workspace, str | None]:
        session = request.cookies.get(SESSION_COOKIE)
        fresh = None
        if not session and self.token is None:
            session = fresh = secrets.token_urlsafe(24)
        if not session or self.session(request) is None and fresh is None:
            raise HTTPException(403, "会话已失效，请刷新页面后重试")
        return self.spaces.create(session), fresh

    def _answer_new(self, request: Request, space: Workspace, fresh: str | None) -> Response:
        response = _go(request, f"/w/{space.id}?step=plan")
        if fresh:
            response.set_cookie(SESSION_COOKIE, fresh, httponly=True, samesite="strict")
        return response

    async def upload_plan(self, request: Request) -> Response:
        form = await request.form(max_files=1)
        upload = _chosen(form.get("plan"))
        if upload is None:
            return _error_response(request, ["请选择计划文件（.docx .xlsx .txt .yaml .json）"], 400)
        name, data = await _read_upload(upload)
        space, fresh = self._new_space(request)
        suffix = Path(name).suffix.lower()
        space.source = space.new_folder("source") / f"plan{suffix}"  # our name; only the suffix is the user's
        space.source.write_bytes(data)
        space.source_name = name
        actions.read_plan(space)
        return self._answer_new(request, space, fresh)

    async def use_sample(self, request: Request) -> Response:
        space, fresh = self._new_space(request)
        sample = sample_plan()
        space.source = space.new_folder("source") / sample.name
        space.source.write_bytes(sample.read_bytes())
        space.source_name = "示例计划（seed-plan.yaml）"
        actions.read_plan(space)
        return self._answer_new(request, space, fresh)

    async def set_options(self, request: Request) -> Response:
        space = self.space(request)
        form = await request.form(max_files=0)
        options, errors = pages.options_from_form(form, space.options)
        if errors:  # a field the user must correct: the plan stays as it was read
            space.flash["options"] = errors
            return _go(request, f"/w/{space.id}?step=plan")
        space.options = options
        actions.read_plan(space)
        return _go(request, f"/w/{space.id}?step=plan")

    # 生成文件 ----------------------------------------------------------------

    async def start_build(self, request: Request) -> Response:
        space = self.space(request)
        form = await request.form(max_files=0)
        if space.plan is None:
            return _go(request, f"/w/{space.id}?step=plan")
        reports = [r for r in form.getlist("reports") if r in actions.REPORT_LABELS] or actions.default_reports(space.plan)
        formats = [f for f in form.getlist("formats") if f in actions.FORMATS] or list(actions.FORMATS)
        dated = set(actions.NEEDS_PROGRESS) & set(reports)
        if dated and space.progress is None:
            space.flash["build"] = ["工作进展报告和情况通报需要进展数据：请先在“督办”中收集反馈表或上传 progress.yaml"]
            return _go(request, f"/w/{space.id}?step=build")
        as_of = pages.parse_date(str(form.get("as_of", "")))
        if dated and isinstance(as_of, str):
            space.flash["build"] = [as_of]
            return _go(request, f"/w/{space.id}?step=build")
        with space.lock:
            if space.job is not None and not space.job.finished:
                return _go(request, f"/w/{space.id}?step=build")
            space.job = job = Job()
            space.chosen = {"reports": reports, "formats": formats}
        threading.Thread(
            target=actions.run_build, args=(space, job, reports, formats, as_of if isinstance(as_of, date) else None),
            daemon=True,
        ).start()
        return _go(request, f"/w/{space.id}?step=build")

    async def job_status(self, request: Request) -> Response:
        space = self.space(request)
        job = space.job
        if job is None:
            return JSONResponse({"finished": True, "done": 0, "total": 0, "label": "", "errors": []})
        return JSONResponse({"finished": job.finished, "done": job.done, "total": job.total,
                             "label": job.label, "errors": job.errors})

    async def file(self, request: Request) -> Response:
        """A file we made, found by its name in the workspace's listing (never a path from the request)."""
        space = self.space(request)
        name = request.path_params["name"]
        path = space.files.get(name)
        if path is None or not path.is_file():
            raise HTTPException(404, "没有这个文件：请重新生成")
        inline = name.endswith(".pdf") and request.query_params.get("view") == "1"
        return _file_response(path, Path(name).name, inline)

    # 分工表 -------------------------------------------------------------------

    async def unit_sheet(self, request: Request) -> Response:
        space = self.space(request)
        unit = request.query_params.get("unit", "")
        fmt = request.query_params.get("format", "xlsx")
        if space.plan is None or fmt not in actions.FORMATS or unit not in {u.unit for u in space.plan.unit_tasks()}:
            raise HTTPException(404, "没有这个单位的分工表")
        try:
            name = actions.unit_sheet(space, unit, fmt)
        except actions.ActionError as error:
            space.flash["units"] = error.lines
            return RedirectResponse(f"/w/{space.id}?step=units&unit={quote(unit)}", status_code=303)
        return _file_response(space.files[name], Path(name).name, inline=False)

    # 督办 ----------------------------------------------------------------------

    async def forms(self, request: Request) -> Response:
        space = self.space(request)
        choice = request.query_params.get("period", "")
        period = actions.parse_period(choice)
        if space.plan is None or period is None:
            raise HTTPException(404, "报送期应为 month-1 至 month-12、quarter-1 至 quarter-4 或 half-1、half-2")
        try:
            name = actions.feedback_zip(space, *period)
        except actions.ActionError as error:
            space.flash["followup"] = error.lines
            return RedirectResponse(f"/w/{space.id}?step=followup&period={choice}", status_code=303)
        return _file_response(space.files[name], name, inline=False)

    async def collect(self, request: Request) -> Response:
        space = self.space(request)
        form = await request.form(max_files=200)
        uploads = [u for u in map(_chosen, form.getlist("forms")) if u is not None]
        if space.plan is None:
            return _go(request, f"/w/{space.id}?step=plan")
        if not uploads:
            space.flash["collect"] = ["请选择填好的反馈表（.xlsx，可一次选多份）"]
            return _go(request, f"/w/{space.id}?step=followup")
        choice = str(form.get("period") or "")
        period = actions.parse_period(choice)
        if choice and period is None:
            space.flash["collect"] = [f"报送期“{choice}”无法识别，请从列表中选择"]
            return _go(request, f"/w/{space.id}?step=followup#collected")
        files = [await _read_upload(u) for u in uploads]
        try:
            actions.collect_forms(space, files, replace=form.get("replace") == "1", period=period)
        except actions.ActionError as error:
            space.flash["collect"] = error.lines
        return _go(request, f"/w/{space.id}?step=followup#collected")

    async def upload_progress(self, request: Request) -> Response:
        space = self.space(request)
        form = await request.form(max_files=1)
        upload = _chosen(form.get("progress"))
        if space.plan is None:
            return _go(request, f"/w/{space.id}?step=plan")
        if upload is None:
            space.flash["progress"] = ["请选择进展数据文件 progress.yaml"]
        else:
            try:
                actions.take_progress(space, *await _read_upload(upload))
            except actions.ActionError as error:
                space.flash["progress"] = error.lines
        return _go(request, f"/w/{space.id}?step=followup#progress")

    async def download_progress(self, request: Request) -> Response:
        space = self.space(request)
        if space.progress is None:
            raise HTTPException(404, "还没有进展数据")
        return _file_response(space.files[actions.progress_file(space)], "progress.yaml", inline=False)

    async def report(self, request: Request) -> Response:
        space = self.space(request)
        form = await request.form(max_files=0)
        as_of = pages.parse_date(str(form.get("as_of", "")))
        if space.plan is None or space.progress is None:
            return _go(request, f"/w/{space.id}?step=followup")
        if isinstance(as_of, str):
            space.flash["report"] = [as_of]
        else:
            try:
                actions.progress_report(space, as_of)
                space.as_of = as_of
            except actions.ActionError as error:
                space.flash["report"] = error.lines
        return _go(request, f"/w/{space.id}?step=followup#report")

    # 印发通知 ------------------------------------------------------------------

    async def notice(self, request: Request) -> Response:
        space = self.space(request)
        form = await request.form(max_files=0)
        if space.plan is None:
            return _go(request, f"/w/{space.id}?step=plan")
        actions.issue_notice(space, pages.notice_from_form(form))
        return _go(request, f"/w/{space.id}?step=notice#notice-result")

    async def download_notice(self, request: Request) -> Response:
        """The form's notice as notice.yaml (kept, too, for the page): upload it next time."""
        space = self.space(request)
        form = await request.form(max_files=0)
        space.notice_fields = pages.notice_from_form(form)
        return Response(actions.notice_yaml(space.notice_fields), media_type="application/yaml; charset=utf-8",
                        headers={"Content-Disposition": "attachment; filename=notice.yaml", "Cache-Control": "no-store"})

    async def upload_notice(self, request: Request) -> Response:
        space = self.space(request)
        form = await request.form(max_files=1)
        upload = _chosen(form.get("notice"))
        if space.plan is None:
            return _go(request, f"/w/{space.id}?step=plan")
        if upload is None:
            space.flash["notice"] = ["请选择通知文件 notice.yaml"]
        else:
            actions.take_notice(space, *await _read_upload(upload))
        return _go(request, f"/w/{space.id}?step=notice#notice-result")


def _chosen(field: object) -> UploadFile | None:
    """The file a form's file field holds, or None when none was chosen."""
    return field if isinstance(field, UploadFile) and field.filename else None


async def _read_upload(upload: UploadFile) -> tuple[str, bytes]:
    """The uploaded file's own name (browsers on Windows may send the whole path) and bytes."""
    return Path((upload.filename or "").replace("\\", "/")).name, await upload.read()


def _file_response(path: Path, name: str, inline: bool) -> Response:
    response = FileResponse(path, content_disposition_type="inline" if inline else "attachment", filename=name)
    response.headers["Cache-Control"] = "no-store"
    return response


def create_app(token: str | None = None, idle_seconds: float | None = None) -> Starlette:
    """The web application; ``token`` (when set) is asked for before anything is shown."""
    state = App(token, idle_seconds)
    space = "/w/{space:str}"
    routes = [
        Route("/", state.home),
        Route("/login", state.login, methods=["POST"]),
        Route("/plan", state.upload_plan, methods=["POST"]),
        Route("/sample", state.use_sample, methods=["POST"]),
        Route(space, state.workspace_page),
        Route(f"{space}/options", state.set_options, methods=["POST"]),
        Route(f"{space}/build", state.start_build, methods=["POST"]),
        Route(f"{space}/job", state.job_status),
        Route(f"{space}/files/{{name:path}}", state.file),
        Route(f"{space}/unit-sheet", state.unit_sheet),
        Route(f"{space}/forms", state.forms),
        Route(f"{space}/collect", state.collect, methods=["POST"]),
        Route(f"{space}/progress", state.upload_progress, methods=["POST"]),
        Route(f"{space}/progress.yaml", state.download_progress),
        Route(f"{space}/report", state.report, methods=["POST"]),
        Route(f"{space}/notice", state.notice, methods=["POST"]),
        Route(f"{space}/notice.yaml", state.download_notice, methods=["POST"]),
        Route(f"{space}/notice-file", state.upload_notice, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        detail = error.detail if error.status_code != 404 or "：" in error.detail else "没有这个页面"
        return _error_response(request, [detail], error.status_code)

    async def internal(request: Request, error: Exception) -> Response:
        return _error_response(request, [actions.internal_error(error)], 500)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        state.spaces.close()

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, Exception: internal},
                    lifespan=lifespan)
    app.state.workplan = state
    app.add_middleware(_UploadLimit)
    return app
