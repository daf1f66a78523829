"""Errors a user sees: one line per problem, naming the file, the item and the field."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in an input, located as precisely as we can."""

    message: str
    source: str = ""
    item: str | None = None  # as shown: "序号 7", or "第 3 条" when the item has no seq
    field: str | None = None

    def __str__(self) -> str:
        parts = [self.source] if self.source else []
        if self.item is not None:
            parts.append(self.item)
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)

    def at(self, source: str) -> Problem:
        """The same problem, attributed to a file."""
        return Problem(self.message, source, self.item, self.field)


class WorkplanError(Exception):
    """An error meant for the user: the CLI prints it as it is and exits with status 2."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, (str, Problem)):
            problems = [problems if isinstance(problems, Problem) else Problem(problems)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class PlanError(WorkplanError):
    """The plan (file or document) cannot be read or does not validate."""


class ReadWarning(UserWarning):
    """Something a reader did not import as it stands (a hidden row, a revision, a formula):
    issued with ``warnings.warn`` so a library caller sees it too; the CLI prints it as "警告: …"."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def warn(problem: Problem) -> None:
    """Tell the user about something read differently from how it is stored."""
    warnings.warn(ReadWarning(problem), stacklevel=3)


@contextmanager
def read_warnings() -> Iterator[list[Problem]]:
    """Collect the reader warnings issued in the block (each one, repeats included);
    other warnings pass through as usual."""
    found: list[Problem] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ReadWarning)
        yield found
    for record in caught:
        if isinstance(record.message, ReadWarning):
            found.append(record.message.problem)
        else:
            warnings.showwarning(record.message, record.category, record.filename, record.lineno)
