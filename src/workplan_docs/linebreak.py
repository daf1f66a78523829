"""Where a line of Chinese text may break (避头尾): one rule for the PDF line breaker, the
column widths of tables, the balancing of long titles and the wrapping of the
command-line help."""

from __future__ import annotations

import re
from collections.abc import Callable

NO_START = frozenset("，。、；：！？）》」』”’】〕〉］｝,.;:!?)]}%％‰℃")  # marks that may not start a line
NO_END = frozenset("（《「『“‘【〔〈［｛([{")  # marks that may not end one
_UNSPLIT = frozenset("—…")  # "——" and "……" stay on one line
# Joiners of a range or a compound number: "2010-2012", "5～7月", "5—7月".  No break before
# one, and none after one when a digit or letter follows.
_JOINERS = frozenset("-－–~～—/·.")
# Measure words and units that follow a number: "7月", "4级", "30个", "11项" never break
# between the number and the word.
MEASURES = frozenset("年月日号时分秒级项个次家所条件名人户元万亿千百季度周天批期轮座台套处间栋里亩吨米倍成类")


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _is_digit(char: str) -> bool:
    return char.isdigit() or char in "０１２３４５６７８９"


def break_allowed(text: str, at: int) -> bool:
    """May a line end before ``text[at]``?  Not before a closing mark or after an opening
    one, not inside "——" or "……", not inside a run of Latin letters or digits, not
    around the joiner of a range ("2010-2012", "5～7月"), not between a number and the
    measure word after it ("7月", "4级")."""
    before, after = text[at - 1], text[at]
    if after in NO_START or before in NO_END:
        return False
    if before == after and before in _UNSPLIT:
        return False
    if after in _JOINERS and (before != after or before not in _UNSPLIT):
        if _is_latin(before) or _is_digit(before) or after in "-－–~～":
            return False
    if before in _JOINERS and (_is_latin(after) or _is_digit(after)):
        return False
    if _is_digit(before) and after in MEASURES:
        return False
    if (_is_digit(before) or before in ".%") and _is_digit(after):
        return False
    return not (_is_latin(before) and _is_latin(after))


# An ideograph takes part in none of the rules above: a line may always break between two.
# So every unbreakable run of two characters or more lies within one stretch of text where
# each neighbouring pair holds a non-ideograph ("30家", "（2010-2012）", "5月，"), and a long
# text is searched for those stretches by one regular expression at C speed.  Written with
# the class of ideographs once: Python compiles a class over the BMP a character at a
# time, and ``(?:[I]?[^I\n])+[I]?`` (the same matches) took 4-8 ms of every build to compile.
_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff"
_STRETCH = re.compile(f"(?:.?[^{_IDEOGRAPHS}\n])+.?")


def sticky_stretches(text: str) -> list[str]:
    """The stretches of ``text`` (any number of lines) that hold every unbreakable run of
    two characters or more; ``unbreakable`` of each gives those runs."""
    return _STRETCH.findall(text)


def break_allowed_in_need(text: str, at: int) -> bool:
    """The rule for a heading wider than its column (a table too wide for its headings):
    a number may part from its measure word ("2021 / 年底"), but a run of Latin letters and
    digits with its joiners ("1-12", "2.3") stays whole, and no line starts with a closing
    mark or ends with an opening one."""
    before, after = text[at - 1], text[at]
    if after in NO_START or before in NO_END:
        return False
    return not (_in_number(before) and _in_number(after))


def _in_number(char: str) -> bool:
    return _is_latin(char) or _is_digit(char) or char in _JOINERS


def unbreakable(text: str, allowed: Callable[[str, int], bool] = break_allowed) -> list[str]:
    """The runs of ``text`` no line break may fall inside (one per hard line at least), by
    the rule ``allowed``."""
    runs: list[str] = []
    for line in text.split("\n"):
        start = 0
        for at in range(1, len(line)):
            if allowed(line, at):
                runs.append(line[start:at])
                start = at
        runs.append(line[start:])
    return runs


_HEADING_CUT = re.compile(r"\s+|(?=[（(])")


def heading_words(heading: str) -> list[str]:
    """The words of a column heading, which no line break may split: "参与部门（单位）" is
    "参与部门" and "（单位）"; a heading breaks only at a space or before a bracket."""
    return [word for word in _HEADING_CUT.split(heading) if word]
