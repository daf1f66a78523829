"""Writers: one per format, from the neutral ``layout.Document`` and a ``Style`` to bytes.

Writers are imported lazily: ``import workplan_docs`` must stay fast, and a build
that asks for PDF only should not pay for python-docx.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ..layout import Document
from ..style import Style

FORMATS = ("docx", "xlsx", "pdf")


def render(document: Document, style: Style, fmt: str, **options: Any) -> bytes:
    """The file content of ``document`` in format ``fmt``.

    Options are format-specific: ``docx_template`` (a reference .docx) for DOCX.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    from .title_lines import shape_titles

    writer = import_module(f"{__name__}.{fmt}")
    return writer.render(shape_titles(document, style), style, **options)


