"""Domain exceptions, one place; the API maps them to HTTP statuses once."""

from __future__ import annotations

from dataclasses import dataclass


class RiskgraphError(Exception):
    """Base of every error a user can cause or act on."""


class ConfigError(RiskgraphError):
    """A configuration or model file is invalid; the message names the file and field."""


class Neo4jServerError(RiskgraphError):
    """The self-managed Neo4j server could not be installed, started or stopped."""


@dataclass(frozen=True)
class RowProblem:
    """One reason a row of an input file was refused."""

    file: str
    line: int
    column: str
    reason: str
    value: str = ""

    def __str__(self) -> str:
        shown = f" (value {self.value!r})" if self.value else ""
        return f"{self.file} line {self.line}, column {self.column}: {self.reason}{shown}"


class ValidationFailed(RiskgraphError):
    """Input files failed validation; nothing was written."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the input; nothing was written:\n{head}{more}")


class NotFound(RiskgraphError):
    """An entity asked for by key does not exist."""
