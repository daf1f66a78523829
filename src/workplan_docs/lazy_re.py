"""Regular expressions compiled when first used.

Python compiles a regular expression in pure Python, and a class of Chinese characters
a character at a time: the patterns of paths most builds never take (a schedule phrase
with a label, a plan holding control characters, quoted YAML) cost every process that
imports their module.  The seed attachment PDF left 15 M instructions on patterns
it never used.
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """``re.compile(pattern, flags)``, compiled on the first use of one of its methods
    (``search``, ``match``, ``sub`` …); each method is then the compiled pattern's own,
    found as a plain attribute."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern, self.flags = pattern, flags

    def __getattr__(self, name: str) -> Any:
        value = getattr(re.compile(self.pattern, self.flags), name)
        setattr(self, name, value)
        return value
