"""Request dependencies shared by the routers: checked arguments, the caller's language, the readers.

Argument checks that FastAPI cannot express with a useful message (a firm code's check digit,
a month's form) refuse with :class:`~riskgraph.errors.InvalidInput` before any query runs; the
exception handler turns it into a 422 shaped like FastAPI's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import Depends, Header, Path, Query, Request
from neo4j import Driver

from riskgraph.api.schemas import MONTH
from riskgraph.errors import InputProblem, InvalidInput
from riskgraph.graph.rating_reads import RatingReader
from riskgraph.graph.reads import GraphReader
from riskgraph.reference.identifiers import firm_id_problem
from riskgraph.scoring.config import ModelConfig
from riskgraph.settings import Settings

Lang = Literal["zh", "en"]


# --- readers and model on app state (set by the lifespan in riskgraph.api.app) -------------

def _graph_reader(request: Request) -> GraphReader:
    return request.app.state.reader  # type: ignore[no-any-return]


def _rating_reader(request: Request) -> RatingReader:
    return request.app.state.ratings  # type: ignore[no-any-return]


def _model(request: Request) -> ModelConfig:
    return request.app.state.model  # type: ignore[no-any-return]


def _driver(request: Request) -> Driver:
    return request.app.state.driver  # type: ignore[no-any-return]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


Reader = Annotated[GraphReader, Depends(_graph_reader)]
Neo4j = Annotated[Driver, Depends(_driver)]
ServiceSettings = Annotated[Settings, Depends(_settings)]
Ratings = Annotated[RatingReader, Depends(_rating_reader)]
Model = Annotated[ModelConfig, Depends(_model)]


# --- firm codes ---------------------------------------------------------------------------

def checked_firm_id(fid: Annotated[str, Path(description="USCC or scheme:id")]) -> str:
    """422 with the reason (bad checksum, wrong length, …) before any query runs."""
    problem = firm_id_problem(fid)
    if problem:
        raise InvalidInput([InputProblem(("path", "fid"), problem, input=fid)])
    return fid


FirmId = Annotated[str, Depends(checked_firm_id)]


def check_firm_ids(fids: Sequence[str], loc: tuple[str | int, ...]) -> None:
    """Refuse a list of codes naming every bad one by its position (``loc + (index,)``)."""
    problems = [InputProblem((*loc, i), p, input=f) for i, f in enumerate(fids) if (p := firm_id_problem(f))]
    if problems:
        raise InvalidInput(problems)


# --- months -------------------------------------------------------------------------------

def _check_month(value: str | None, loc: tuple[str, str]) -> None:
    if value is not None and not MONTH.match(value):
        raise InvalidInput([InputProblem(loc, "expected YYYY-MM", input=value)])


def checked_month(month: Annotated[str, Path(description="YYYY-MM")]) -> str:
    _check_month(month, ("path", "month"))
    return month


def rating_month(month: Annotated[str | None, Query(description="YYYY-MM; default the latest scored month")]
                 = None) -> str | None:
    _check_month(month, ("query", "month"))
    return month


def comparison_month(since: Annotated[str | None, Query(alias="from", description="YYYY-MM; default the month before")]
                     = None) -> str | None:
    _check_month(since, ("query", "from"))
    return since


Month = Annotated[str, Depends(checked_month)]
RatingMonth = Annotated[str | None, Depends(rating_month)]
ComparisonMonth = Annotated[str | None, Depends(comparison_month)]


# --- language -----------------------------------------------------------------------------

def language(lang: Annotated[Lang | None, Query(description="zh or en; overrides Accept-Language")] = None,
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
