"""The ``--screenshots DIR`` option of the web page's browser tests (a plugin: pytest
reads options only from plugins and the conftest files it loads at start-up)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--screenshots", metavar="DIR", default=None,
                     help="save a screenshot of each step of the web page's browser tests into DIR")
