"""Request dependencies shared by the routers: checked arguments, the caller's language, the readers.

Each is ``async def`` although none awaits anything: FastAPI runs a plain ``def`` dependency in
its thread pool, one hand-off per dependency per request, which under load costs the event loop
more than the check itself (they are all quick and never block).

Argument checks that FastAPI cannot express with a useful message (a firm code's check digit,
a month's form; their patterns are declared in the OpenAPI all the same) refuse with
:class:`~riskgraph.errors.InvalidInput` before any query runs; the
exception handler turns it into a 422 shaped like FastAPI's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal

from fastapi import Depends, Header, Path, Query, Request
from neo4j import Driver
from stdnum.cn import uscc

from riskgraph.api.schemas import FIRM_ID_FORMAT, MONTH
from riskgraph.errors import InputProblem, InvalidInput
from riskgraph.graph.rating_reads import RatingReader
from riskgraph.graph.reads import GraphReader
from riskgraph.jobs import audit
from riskgraph.reference.identifiers import firm_id_problem, is_external
from riskgraph.scoring.config import ModelConfig
from riskgraph.settings import Settings

Lang = Literal["zh", "en"]


# --- readers and model on app state (set by the lifespan in riskgraph.api.app) -------------

async def _graph_reader(request: Request) -> GraphReader:
    return request.app.state.reader  # type: ignore[no-any-return]


async def _rating_reader(request: Request) -> RatingReader:
    return request.app.state.ratings  # type: ignore[no-any-return]


async def _model(request: Request) -> ModelConfig:
    return request.app.state.model  # type: ignore[no-any-return]


async def _driver(request: Request) -> Driver:
    return request.app.state.driver  # type: ignore[no-any-return]


async def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


Reader = Annotated[GraphReader, Depends(_graph_reader)]
Neo4j = Annotated[Driver, Depends(_driver)]
ServiceSettings = Annotated[Settings, Depends(_settings)]
Ratings = Annotated[RatingReader, Depends(_rating_reader)]
Model = Annotated[ModelConfig, Depends(_model)]


# --- firm codes ---------------------------------------------------------------------------
# Codes and months are taken in their one written form only: a USCC in upper case without spaces
# or hyphens, a month as YYYY-MM and nothing after it. Anything else — a lower-case code, a month
# with a trailing newline — is refused with 422 naming the form expected, in the path, the query
# and the body alike; never silently corrected here and looked up as written elsewhere.

FIRM_ID = "USCC (18 characters, upper case) or scheme:id"


def firm_code_problem(value: str) -> str | None:
    """Why ``value`` is not a firm id in its written form, or None."""
    problem = firm_id_problem(value)
    if problem is None and not is_external(value) and uscc.compact(value) != value:
        problem = f"write the code as {uscc.compact(value)} (upper case, no spaces or hyphens)"
    return problem


async def checked_firm_id(fid: Annotated[str, Path(description=FIRM_ID,
                                             json_schema_extra=FIRM_ID_FORMAT)]) -> str:
    """422 with the reason (bad checksum, wrong length, lower case, …) before any query runs."""
    problem = firm_code_problem(fid)
    if problem:
        raise InvalidInput([InputProblem(("path", "fid"), problem, input=fid)])
    return fid


FirmId = Annotated[str, Depends(checked_firm_id)]


def check_firm_ids(fids: Sequence[str], loc: tuple[str | int, ...]) -> None:
    """Refuse a list of codes naming every bad one by its position (``loc + (index,)``)."""
    problems = [InputProblem((*loc, i), p, input=f) for i, f in enumerate(fids) if (p := firm_code_problem(f))]
    if problems:
        raise InvalidInput(problems)


async def entity_key(key: Annotated[str, Path(max_length=300, description="a firm's fid, a person's key (p-…, "
                                                                     "as shown) or an address's aid")]) -> str:
    """Any entity's key; a firm code among them only in its written form (as everywhere)."""
    if uscc.is_valid(key) and uscc.compact(key) != key:
        raise InvalidInput([InputProblem(("path", "key"), firm_code_problem(key) or "", input=key)])
    return key


EntityKey = Annotated[str, Depends(entity_key)]


# --- months -------------------------------------------------------------------------------

def _check_month(value: str | None, loc: tuple[str, str]) -> None:
    if value is not None and not MONTH.fullmatch(value):  # fullmatch: "$" alone lets a trailing newline through
        raise InvalidInput([InputProblem(loc, "expected YYYY-MM", input=value)])


_MONTH_FORMAT = {"pattern": MONTH.pattern}


async def checked_month(month: Annotated[str, Path(description="YYYY-MM", json_schema_extra=_MONTH_FORMAT)]) -> str:
    _check_month(month, ("path", "month"))
    return month


async def rating_month(month: Annotated[str | None, Query(description="YYYY-MM; default the latest scored month",
                                                    json_schema_extra=_MONTH_FORMAT)] = None) -> str | None:
    _check_month(month, ("query", "month"))
    return month


async def comparison_month(since: Annotated[str | None, Query(alias="from",
                                                              description="YYYY-MM; default the month before",
                                                              json_schema_extra=_MONTH_FORMAT)] = None) -> str | None:
    _check_month(since, ("query", "from"))
    return since


Month = Annotated[str, Depends(checked_month)]
RatingMonth = Annotated[str | None, Depends(rating_month)]
ComparisonMonth = Annotated[str | None, Depends(comparison_month)]


# --- language -----------------------------------------------------------------------------

async def language(lang: Annotated[Lang | None, Query(description="zh or en; overrides Accept-Language")] = None,
             accept_language: Annotated[str | None, Header()] = None) -> Lang:
    """The caller's language: ``lang``, else the first zh/en tag of Accept-Language, else Chinese."""
    if lang:
        return lang
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh"
    return "zh"


Language = Annotated[Lang, Depends(language)]


# --- the audit trail ----------------------------------------------------------------------

class ReadLog:
    """Records the request's read of entity data in the audit trail: who, the route, which entities, how many
    results, from which address. A route calls it once, after the read succeeded."""

    def __init__(self, request: Request):
        self.request = request

    def __call__(self, entities: Iterable[str], results: int, **details: Any) -> None:
        request = self.request
        principal = request.state.principal
        audit.record_read(request.app.state.settings, f"user:{principal.name}",
                          route=f"{request.method} {request.scope['route'].path}", entities=list(entities),
                          results=results, role=str(principal.role), key_id=principal.key_id,
                          client=request.client.host if request.client else None, **details)


async def _read_log(request: Request) -> ReadLog:
    return ReadLog(request)


AuditRead = Annotated[ReadLog, Depends(_read_log)]
