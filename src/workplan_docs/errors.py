"""Errors a user sees: one line per problem, naming the file, the item and the field."""

from __future__ import annotations

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
