"""Domain exceptions, one place; the API maps them to HTTP statuses once.

Each class carries the HTTP status it stands for (``http_status``), so the one exception
handler in :mod:`riskgraph.api.http_errors` needs no table of its own and the routes'
OpenAPI declarations are derived from the classes they name. The CLI prints the message.

Resident ID numbers are masked here, once, for every text an error makes (message, log line,
rejects file, HTTP body): a problem is built with its input masked (:func:`masked_input`), and an
error's message has anything shaped like an ID number masked
(:func:`~riskgraph.reference.identifiers.mask_id_numbers`). The file and line of a problem stay,
so the operator still finds the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from riskgraph.model import INTERCHANGE_FILES, FieldType
from riskgraph.reference.identifiers import firm_id_problem, is_external, mask_id_numbers, mask_person_id

# Interchange columns holding a person id (a holder may be a firm or a person).
PERSON_ID_COLUMNS = frozenset(c.name for f in INTERCHANGE_FILES for c in f.columns
                              if c.type in (FieldType.PERSON_ID, FieldType.PARTY_ID))


def masked_input(column: str, value: str) -> str:
    """An input value as it may be shown: in an error, a log line, a rejects file or an HTTP body.

    A value of a person-id column is masked whatever its form (a 15-digit first-generation number, a
    mistyped one) unless it is an external ``scheme:id`` or a well-formed firm code (holders name
    firms too); in any column, anything shaped like a resident ID number is masked.
    """
    if column in PERSON_ID_COLUMNS and value and not is_external(value) and firm_id_problem(value) is not None:
        value = mask_person_id(value)
    return mask_id_numbers(value)


class RiskgraphError(Exception):
    """Base of every error a user can cause or act on."""

    http_status: ClassVar[int] = 500

    def __str__(self) -> str:
        """The message with anything shaped like a resident ID number masked: it reaches terminals, logs, bodies."""
        return mask_id_numbers(super().__str__())


class ConfigError(RiskgraphError):
    """A configuration or model file is invalid; the message names the file and field."""

    http_status: ClassVar[int] = 500  # the service's own files: nothing the caller can fix


class Neo4jServerError(RiskgraphError):
    """The self-managed Neo4j server could not be installed, started or stopped."""

    http_status: ClassVar[int] = 503


@dataclass(frozen=True)
class RowProblem:
    """One reason a row of an input file was refused."""

    file: str
    line: int
    column: str
    reason: str
    value: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", mask_id_numbers(self.reason))
        object.__setattr__(self, "value", masked_input(self.column, self.value))

    def __str__(self) -> str:
        shown = f" (value {self.value!r})" if self.value else ""
        return f"{self.file} line {self.line}, column {self.column}: {self.reason}{shown}"


class ValidationFailed(RiskgraphError):
    """Input files failed validation; nothing was written."""

    http_status: ClassVar[int] = 422

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the input; nothing was written:\n{head}{more}")


@dataclass(frozen=True)
class InputProblem:
    """One reason a request argument was refused, located as FastAPI locates its own 422s.

    ``loc`` is where the value sits (``("path", "fid")``, ``("body", "fids", 3)``), ``msg`` says
    what is wrong in words a caller can act on, ``type`` is a short machine-readable kind.
    """

    loc: tuple[str | int, ...]
    msg: str
    type: str = "value_error"
    input: object = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "msg", mask_id_numbers(self.msg))
        if isinstance(self.input, str):
            object.__setattr__(self, "input", mask_id_numbers(self.input))

    def __str__(self) -> str:
        where = ".".join(str(part) for part in self.loc[1:]) or "request"
        return f"{self.loc[0]} {where}: {self.msg}" if self.loc else self.msg


class InvalidInput(RiskgraphError):
    """A request argument is malformed (wrong form, bad check digit); the problems say which and why."""

    http_status: ClassVar[int] = 422

    def __init__(self, problems: Sequence[InputProblem]):
        if not problems:
            raise ValueError("InvalidInput needs at least one problem")
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class NotFound(RiskgraphError):
    """An entity asked for by key does not exist."""

    http_status: ClassVar[int] = 404


class MonthNotScored(NotFound):
    """A month was asked for that has no active scoring run."""

    def __init__(self, month: str):
        self.month = month
        super().__init__(f"month {month} has not been scored")


class Conflict(RiskgraphError):
    """The data changed under the request (another job wrote or withdrew it meanwhile); try again."""

    http_status: ClassVar[int] = 409


class UnreadableBody(RiskgraphError):
    """The request body could not be read: not JSON, or not UTF-8."""

    http_status: ClassVar[int] = 400


# --- who may call (riskgraph.auth) ----------------------------------------------------------------

class Unauthenticated(RiskgraphError):
    """No valid API key: missing, unknown, expired or revoked (send ``Authorization: Bearer <key>``)."""

    http_status: ClassVar[int] = 401


class Forbidden(RiskgraphError):
    """The caller's role may not use this route, or it needs a clearance the caller lacks."""

    http_status: ClassVar[int] = 403


# --- the service under load and bad input (answered by riskgraph.api.limits, or raised by a query) ---------

class PayloadTooLarge(RiskgraphError):
    """The request body is larger than the service accepts; send less (e.g. split a batch)."""

    http_status: ClassVar[int] = 413


class _RetryLater(RiskgraphError):
    """An answer that tells the client when to try again (the Retry-After header, in seconds)."""

    retry_after: ClassVar[bool] = True

    def __init__(self, message: str, retry_after_s: int):
        self.retry_after_s = retry_after_s
        super().__init__(message)


class TooManyRequests(_RetryLater):
    """This client sent more requests than its rate allows; wait the seconds in Retry-After."""

    http_status: ClassVar[int] = 429


class Overloaded(_RetryLater):
    """The service is at capacity; retry after the seconds in Retry-After."""

    http_status: ClassVar[int] = 503


class QueryTimeout(RiskgraphError):
    """A database query ran out of its time limit; ask for less (a smaller depth, fewer firms) or retry later."""

    http_status: ClassVar[int] = 504
