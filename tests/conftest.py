"""Shared fixtures: the seed plan, and the independent clients that read outputs back.

Tools the tests read outputs with (pdftotext, pdffonts, LibreOffice) must be there
in CI (CI=true): a missing tool fails the test there instead of skipping it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from workplan_docs.model import Plan
from workplan_docs.readers import load

pytest_plugins = ["tests.web.screenshots"]  # --screenshots DIR, for the web page's browser tests

ROOT = Path(__file__).resolve().parents[1]
SEED_TEXT = ROOT / "samples" / "seed-attachment.txt"  # the seed notice's attachment, verbatim
SAMPLE_PLAN = ROOT / "samples" / "seed-plan.yaml"


def require_tool(name: str) -> str:
    """Path of an external tool; in CI its absence is a failure, elsewhere a skip."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{name} is required in CI (installed by the README's test command)")
    pytest.skip(f"{name} not installed")


def squash(text: str) -> str:
    """Text without any white space: layout engines break lines wherever they like."""
    return re.sub(r"[\s\u00a0\u3000\u200b]+", "", text)


def pdf_text(path: Path, raw: bool = False) -> str:
    """The PDF's text; ``raw`` keeps content-stream order, so each table cell's lines stay
    together (the default layout mode interleaves side-by-side cells)."""
    tool = require_tool("pdftotext")
    options = ["-raw"] if raw else []
    return subprocess.run([tool, *options, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    """``pdffonts`` rows as dicts with name, type, emb and sub."""
    tool = require_tool("pdffonts")
    lines = subprocess.run([tool, str(path)], check=True, capture_output=True, text=True).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        parts = line.split()
        # name type [type2] encoding emb sub uni object ID
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "line": line})
    return rows


def libreoffice_pdf(source: Path, workdir: Path) -> Path:
    """Convert a DOCX/XLSX to PDF with LibreOffice, in its own profile, and check the result."""
    soffice = require_tool("soffice")
    profile = workdir / "lo-profile"
    outdir = workdir / "lo-out"
    outdir.mkdir(exist_ok=True)
    # A text document keeps the blank pages Writer inserts itself (before a section that starts on an even
    # page), as a printer prints them; LibreOffice's PDF export leaves them out by default.
    target = ('pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
              if source.suffix == ".docx" else "pdf")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
         "--outdir", str(outdir), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    result = outdir / (source.stem + ".pdf")
    assert result.exists() and result.stat().st_size > 0, f"LibreOffice wrote no PDF for {source.name}"
    return result


def same_fonts_style():
    """The default style with the families of the font files the PDF embeds, so that
    LibreOffice sets the DOCX in the very faces our PDF uses (read from the fonts API)."""
    from workplan_docs.style import default_style
    from workplan_docs.writers.fonts import resolve_fonts

    style = default_style()
    query = require_tool("fc-query")

    def family(choice) -> str:
        command = [query, "-i", str(choice.index), "-f", "%{family[0]}", str(choice.path)]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    families = {role: family(choice) for role, choice in resolve_fonts(style).items()}
    fonts = style.fonts.model_copy(update={**{r: [f] for r, f in families.items()}, "latin": families["table"]})
    return style.model_copy(update={"fonts": fonts})


FIXED_EPOCH = "1262304000"  # 2010-01-01T00:00:00Z


@pytest.fixture
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Build at a fixed moment (SOURCE_DATE_EPOCH), as reproducible builds do: the tests
    that compare the bytes of two builds use it, since a document otherwise carries the
    time it was built."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    return datetime(2010, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def seed_plan() -> Plan:
    return load(SAMPLE_PLAN)


def cell_texts(plan: Plan) -> list[str]:
    """Every printed cell of the attachment table, for read-back checks."""
    from workplan_docs.reports.attachment import plan_row

    return [cell.text for item in plan.items for cell in plan_row(plan, item) if cell.text]
