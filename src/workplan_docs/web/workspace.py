"""Per-upload workspaces: a random id, a temporary folder, and the files we may serve.

Every plan dropped on the page gets its own workspace.  The page never names a path:
files are fetched by a name from the workspace's own listing (``files``), so a
request cannot reach anything else on the machine.  Workspaces belong to the browser
session that made them, and are removed after a while unused and when the server stops.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..errors import Problem
    from ..feedback.collect import Collected
    from ..model import Plan
    from ..progress import ProgressFile

IDLE_SECONDS = 2 * 60 * 60  # a workspace not used for two hours is removed


@dataclass
class Job:
    """A long action (a build) running in a thread; the page polls it for progress."""

    done: int = 0
    total: int = 0
    label: str = ""
    finished: bool = False
    errors: list[str] = field(default_factory=list)

    def step(self, done: int, total: int, label: str) -> None:
        self.done, self.total, self.label = done, total, label


@dataclass
class Workspace:
    """One plan being worked on: its source file, the options it was read with, what was made from it."""

    id: str
    session: str
    folder: Path
    source: Path | None = None  # the uploaded plan or document
    source_name: str = ""  # the name the user's file had
    options: dict[str, Any] = field(default_factory=dict)  # importer options, as the form gave them
    plan: Plan | None = None
    errors: list[str] = field(default_factory=list)  # why the source could not be read
    read_warnings: list[Problem] = field(default_factory=list)  # what the reader did not take as it stands
    headings: list[tuple[str, str | None]] = field(default_factory=list)  # (heading, field) of a table not read
    progress: ProgressFile | None = None
    collected: Collected | None = None  # the last batch of returned forms
    collected_names: dict[str, str] = field(default_factory=dict)  # saved path → the user's file name
    files: dict[str, Path] = field(default_factory=dict)  # name in the URL → file we made
    build: list[str] = field(default_factory=list)  # names (in files) of the last build, build's layout
    build_zip: str | None = None
    report: list[str] = field(default_factory=list)  # names of the last progress report's files
    job: Job | None = None
    chosen: dict[str, list[str]] = field(default_factory=dict)  # reports and formats of the last build
    as_of: date | None = None  # the date of the last progress report
    period: str | None = None  # the period whose forms were handed out last ("quarter-2")
    notice_fields: dict[str, Any] | None = None  # the notice file's data, as the form holds it
    notice_problems: list[Problem] = field(default_factory=list)  # what validate --notice finds in it
    notice_files: list[str] = field(default_factory=list)  # names of 通知.pdf / 通知.docx once issued
    flash: dict[str, list[str]] = field(default_factory=dict)  # messages for the next page, by place
    used: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _counter: int = 0

    def new_folder(self, kind: str) -> Path:
        """A fresh folder for one action's files, so that nothing is overwritten while served."""
        self._counter += 1
        folder = self.folder / f"{kind}-{self._counter}"
        folder.mkdir(parents=True)
        return folder

    def publish(self, name: str, path: Path) -> str:
        """Make ``path`` downloadable as ``name`` (replacing an earlier file of that name)."""
        self.files[name] = path
        return name


class Workspaces:
    """All workspaces of this server, in one temporary folder removed when it stops."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="workplan-docs-web-"))
        self.idle_seconds = idle_seconds
        self._spaces: dict[str, Workspace] = {}
        self._lock = threading.Lock()

    def create(self, session: str) -> Workspace:
        self.sweep()
        space_id = secrets.token_urlsafe(12)
        folder = self.root / space_id
        folder.mkdir()
        space = Workspace(space_id, session, folder)
        with self._lock:
            self._spaces[space_id] = space
        return space

    def get(self, space_id: str, session: str) -> Workspace | None:
        """The workspace, only for the session that made it; touching it keeps it alive."""
        self.sweep()
        with self._lock:
            space = self._spaces.get(space_id)
        if space is None or not secrets.compare_digest(space.session, session):
            return None
        space.used = time.monotonic()
        return space

    def sweep(self) -> None:
        """Remove the workspaces unused for longer than ``idle_seconds`` (none with a job running)."""
        limit = time.monotonic() - self.idle_seconds
        with self._lock:
            stale = [s for s in self._spaces.values() if s.used < limit and not (s.job and not s.job.finished)]
            for space in stale:
                del self._spaces[space.id]
        for space in stale:
            shutil.rmtree(space.folder, ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            self._spaces.clear()
        shutil.rmtree(self.root, ignore_errors=True)
