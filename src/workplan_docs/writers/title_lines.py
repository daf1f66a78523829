"""Line breaks for long titles, shaped as GB/T 9704 asks: a trapezoid, not a full line
and a stub.

A title wider than the type area is broken by the writers' own wrapping into a full
line and a remainder ("……重点工作安" / "排").  The standard wants the lines of a long
title "梯形或菱形": here they are made about equally long, each at most as long as
the one below it (正梯形, top line shortest), with the breaks moved to where a Chinese
reader expects them: after a mark such as "、" or after "的", not inside 《book
titles》 or a run of Latin letters and digits, never before a closing mark or after
an opening one.  Breaks the author wrote (a newline in the title) are kept as they
are.  It is done once, on the neutral document, for every format alike.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

from ..layout import Document, Paragraph, Section
from ..linebreak import break_allowed
from ..style import Style

_PT_PER_MM = 72 / 25.4
_MARKS = frozenset("，、；：。！？）》」』”’")  # a line may well end with one of these
_JOINERS = frozenset("的和与及")
_WINDOW = 4.0  # how far (in characters) a break may move from the balanced place
# What each character of a line's distance from the balanced length costs, against a
# break's preference: "……资质认定、/监督检查……" (22 and 18) beats "……资质认/定、……" (20 and 20).
_LINE_WEIGHT = 0.5
_MAX_LINES = 5


def shape_titles(document: Document, style: Style) -> Document:
    """``document`` with each title paragraph broken into balanced lines for its page."""
    return replace(document, sections=tuple(_shape_section(section, style) for section in document.sections))


def _shape_section(section: Section, style: Style) -> Section:
    per_line = style.page.text_width(section.orientation) * _PT_PER_MM / style.sizes.title
    blocks = tuple(
        replace(block, text=balanced(block.text, per_line))
        if isinstance(block, Paragraph) and block.role == "title" else block
        for block in section.blocks
    )
    return replace(section, blocks=blocks)


def balanced(text: str, per_line: float) -> str:
    """``text`` with newlines where its lines should break, at most ``per_line`` characters
    wide each (a CJK character is one, a Latin letter or digit half)."""
    return "\n".join(line for hard in text.split("\n") for line in _balance(hard, per_line))


def _width(text: str) -> float:
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


def _balance(line: str, per_line: float) -> list[str]:
    total = _width(line)
    if total <= per_line or per_line < 2:
        return [line]
    count = math.ceil(total / per_line)
    if count > _MAX_LINES:
        return [line]  # a title this long is the author's to break
    ends = list(itertools.accumulate((_width(c) for c in line), initial=0.0))  # ends[i]: width of line[:i]
    ideal = total / count
    cuts = [i for i in range(1, len(line)) if break_allowed(line, i)]
    # The breaks considered for each boundary lie near its balanced place; the end closes the last line.
    places = [[i for i in cuts if abs(ends[i] - ideal * k) <= _WINDOW] for k in range(1, count)] + [[len(line)]]
    # best[cut]: the cheapest lines from the start up to ``cut``, and their breaks.
    best: dict[int, tuple[float, tuple[int, ...]]] = {0: (0.0, ())}
    for candidates in places:
        following: dict[int, tuple[float, tuple[int, ...]]] = {}
        for cut in candidates:
            for start, (cost, taken) in best.items():
                width = ends[cut] - ends[start]
                if start >= cut or width > per_line:
                    continue
                cost_here = cost + _LINE_WEIGHT * abs(width - ideal)
                if cut < len(line):
                    cost_here += _preference(line, cut)
                if cut not in following or cost_here < following[cut][0]:
                    following[cut] = (cost_here, (*taken, cut))
        best = following
    if len(line) not in best:
        return [line]
    bounds = (0, *best[len(line)][1])
    return [line[a:b] for a, b in itertools.pairwise(bounds)]


def _preference(line: str, at: int) -> float:
    """What a break before ``line[at]`` costs.  After a mark it reads best, after "的" or a
    conjunction well; between two other ideographs it may split a word (we cannot tell
    without a dictionary); inside 《》 or before "的" it reads badly."""
    before, after = line[at - 1], line[at]
    if before in _MARKS:
        cost = -3.0
    elif before in _JOINERS:
        cost = -1.0
    elif _ideograph(before) and _ideograph(after):
        cost = 2.0
    else:
        cost = 0.0  # between a Chinese character and a digit, a Latin letter or a space
    if after == "的":
        cost += 5.0
    if line[:at].count("《") > line[:at].count("》"):
        cost += 6.0
    return cost


def _ideograph(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or char >= "\U00020000"
