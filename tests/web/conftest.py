"""The page under test: our server in a thread, and one headless Chromium per module.

The browser is Debian's ``chromium`` driven by Playwright (its own browser download
cannot work offline).  ``pytest --screenshots DIR`` saves a screenshot of each step
(the option is declared in ``screenshots.py``, loaded by the top conftest so that it is
known however pytest is started).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = ("chromium", "chromium-browser")


class Server:
    """uvicorn serving ``create_app()`` on a free port of 127.0.0.1, in a daemon thread."""

    def __init__(self, **options: Any) -> None:
        import uvicorn

        from workplan_docs.web import listen
        from workplan_docs.web.app import create_app

        self.app = create_app(**options)
        self.sock = listen("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        while not self.server.started:
            self.thread.join(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()

    @property
    def state(self) -> Any:
        return self.app.state.workplan


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with Server() as running:
        yield running


def chromium_path() -> str:
    for name in CHROMIUM:
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("chromium is required in CI (installed by scripts/test.sh)")
    pytest.skip("chromium not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module's tests."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--lang=zh-CN"])
        yield launched
        launched.close()


class Shots:
    """Screenshots of each step when ``--screenshots DIR`` is given, else nothing."""

    def __init__(self, folder: str | None) -> None:
        self.folder = Path(folder) if folder else None
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, page: Any, name: str, at: str | None = None, settle_ms: int = 0) -> None:
        """``at``: scroll that element to the top first; ``settle_ms``: wait that long first
        (the browser's PDF viewer draws its pages a moment after the page has loaded)."""
        if self.folder:
            if at:
                page.locator(at).evaluate("element => element.scrollIntoView()")
            page.wait_for_timeout(settle_ms)
            page.screenshot(path=str(self.folder / f"{name}.png"))


@pytest.fixture(scope="session")
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(request.config.getoption("--screenshots"))
