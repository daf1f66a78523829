"""Text escaped for XML written as strings (DOCX tables, XLSX sheets).

(xml.sax.saxutils does the same, but importing it imports urllib and http: 18 ms of a build.)
"""

from __future__ import annotations

import re

# Characters XML 1.0 cannot hold (lxml refuses them too); the model refuses them in plans.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` escaped for an element's content (a carriage return kept as one)."""
    bad = _NOT_XML.search(text)
    if bad:
        raise ValueError(f"character U+{ord(bad.group()):04X} cannot be written to XML")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;") if "\r" in text else text


def xml_attribute(text: str) -> str:
    """``text`` as a quoted attribute value (line breaks and tabs kept as references: a
    parser turns them into spaces otherwise)."""
    escaped = xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return f'"{escaped}"'

