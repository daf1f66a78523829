"""Where a line of Chinese text may break (避头尾): one rule for the PDF line breaker, the
balancing of long titles and the wrapping of the command-line help."""

from __future__ import annotations

NO_START = frozenset("，。、；：！？）》」』”’】〕〉］｝,.;:!?)]}%％‰℃")  # marks that may not start a line
NO_END = frozenset("（《「『“‘【〔〈［｛([{")  # marks that may not end one
_UNSPLIT = frozenset("—…")  # "——" and "……" stay on one line


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def break_allowed(text: str, at: int) -> bool:
    """May a line end before ``text[at]``?  Not before a closing mark or after an opening
    one, not inside "——" or "……", not inside a run of Latin letters or digits."""
    before, after = text[at - 1], text[at]
    if after in NO_START or before in NO_END:
        return False
    if before == after and before in _UNSPLIT:
        return False
    return not (_is_latin(before) and _is_latin(after))
