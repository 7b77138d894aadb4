"""Routes for monthly A–D ratings: one firm with its reasons, a batch, history, changes, counts.

Reasons are stored as structured data; here each gets a ``text`` in the caller's language
(``lang`` query parameter, else the Accept-Language header; Chinese by default). Every
rating says whether it still matches the digest written with it (``intact``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from pydantic import BaseModel, Field

from riskgraph.api.deps import FirmId
from riskgraph.graph.rating_reads import RatingReader
from riskgraph.reference.identifiers import firm_id_problem
from riskgraph.reference.industries import sections
from riskgraph.reference.regions import region
from riskgraph.scoring.config import ModelConfig
from riskgraph.scoring.reasons import render_reason

Lang = Literal["zh", "en"]
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MAX_BATCH = 1000

router = APIRouter(prefix="/api/v1", tags=["ratings"])


class Reason(BaseModel):
    type: str = Field(description="indicator | rule | connector | link | clean")
    text: str = Field(description="the reason as a sentence in the requested language")
    points: float | None = None
    data: dict[str, Any] = Field(description="the structured reason (entities named by code, persons masked)")


class Rating(BaseModel):
    fid: str
    name: str | None
    month: str
    class_: str = Field(alias="class", description="A low, B normal, C elevated, D high")
    score: float
    own_score: float | None = Field(None, description="points from the firm's own indicators")
    received_risk: float | None = Field(None, description="risk received through related parties")
    indicator_set: str | None = None
    model_version: str
    run_id: str
    intact: bool = Field(description="false when the stored rating no longer matches its digest")
    reasons: list[Reason]
    previous_class: str | None = None
    change: str | None = Field(None, description="up | down against the month before (history only)")


class BatchRequest(BaseModel):
    fids: list[str] = Field(min_length=1, max_length=MAX_BATCH)
    month: str | None = Field(None, pattern=MONTH.pattern)


class BatchResponse(BaseModel):
    ratings: list[Rating]
    not_rated: list[str] = Field(description="known or unknown codes with no rating in that month")


class ScoredMonth(BaseModel):
    month: str
    run_id: str | None
    model_version: str | None
    finished: str | None
    firms: int | None
    class_counts: dict[str, int]


class ClassChange(BaseModel):
    fid: str
    name: str | None
    before: str
    after: str
    score_before: float
    score_after: float


class ClassCount(BaseModel):
    key: str
    label: str | None
    A: int
    B: int
    C: int
    D: int
    firms: int
    high_risk_share: float = Field(description="share of C and D firms")


def _ratings(request: Request) -> RatingReader:
    return request.app.state.ratings  # type: ignore[no-any-return]


def _model(request: Request) -> ModelConfig:
    return request.app.state.model  # type: ignore[no-any-return]


def language(lang: Annotated[Lang | None, Query(description="zh or en; overrides Accept-Language")] = None,
             accept_language: Annotated[str | None, Header()] = None) -> Lang:
    if lang:
        return lang
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh"
    return "zh"


Ratings = Annotated[RatingReader, Depends(_ratings)]
Model = Annotated[ModelConfig, Depends(_model)]
Language = Annotated[Lang, Depends(language)]


def _month(value: str | None, name: str = "month") -> str | None:
    if value is not None and not MONTH.match(value):
        raise HTTPException(status_code=422, detail=[{"loc": ["query", name], "msg": "expected YYYY-MM",
                                                      "type": "value_error"}])
    return value


def _render(rating: dict[str, Any], model: ModelConfig, lang: Lang) -> dict[str, Any]:
    reasons = []
    for r in rating["reasons"]:
        try:
            text = render_reason(r, model, lang)
        except (KeyError, StopIteration, ValueError):  # a reason of another model version
            text = r.get("id") or r["type"]
        reasons.append({"type": r["type"], "text": text, "points": r.get("points"), "data": r})
    return {**rating, "reasons": reasons}


@router.get("/firms/{fid}/rating", response_model=Rating, response_model_by_alias=True)
def firm_rating(ratings: Ratings, model: Model, lang: Language, fid: FirmId,
                month: Annotated[str | None, Query(description="YYYY-MM; default the latest scored month")] = None,
                ) -> dict[str, Any]:
    """A firm's class, score and the reasons behind it (own indicators, hard rules, related parties)."""
    found = ratings.ratings([fid], _month(month)).get(fid)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no rating for {fid}" + (f" in {month}" if month else ""))
    return _render(found, model, lang)


@router.get("/firms/{fid}/ratings", response_model=list[Rating], response_model_by_alias=True)
def firm_history(ratings: Ratings, model: Model, lang: Language, fid: FirmId) -> list[dict[str, Any]]:
    """Every scored month of a firm, oldest first, with up/down moves."""
    return [_render(r, model, lang) for r in ratings.history(fid)]


@router.post("/ratings", response_model=BatchResponse, response_model_by_alias=True)
def batch(ratings: Ratings, model: Model, lang: Language, body: BatchRequest) -> dict[str, Any]:
    """Ratings of up to 1,000 firms in one call (for systems that check many counterparties)."""
    bad = [{"loc": ["body", "fids", i], "msg": p, "type": "value_error"}
           for i, p in enumerate(firm_id_problem(f) for f in body.fids) if p]
    if bad:
        raise HTTPException(status_code=422, detail=bad)
    wanted = list(dict.fromkeys(body.fids))
    found = ratings.ratings(wanted, body.month)
    return {"ratings": [_render(found[f], model, lang) for f in wanted if f in found],
            "not_rated": [f for f in wanted if f not in found]}


@router.get("/months", response_model=list[ScoredMonth])
def months(ratings: Ratings) -> list[dict[str, Any]]:
    """Scored months, newest first, with the class mix of each."""
    return ratings.months()


@router.get("/months/{month}/changes", response_model=list[ClassChange])
def changes(ratings: Ratings, month: str,
            since: Annotated[str | None, Query(alias="from", description="YYYY-MM; default the month before")] = None,
            direction: Annotated[Literal["up", "down"] | None, Query()] = None,
            limit: Annotated[int, Query(ge=1, le=10_000)] = 100) -> list[dict[str, Any]]:
    """Firms whose class moved between two scored months, largest moves first."""
    _month(month, "month")
    scored = [m["month"] for m in ratings.months()]
    if month not in scored:
        raise HTTPException(status_code=404, detail=f"month {month} has not been scored")
    before = _month(since, "from") or next((m for m in scored if m < month), None)
    if before is None or before not in scored:
        raise HTTPException(status_code=404, detail=f"no scored month before {month} to compare with")
    return ratings.changes(before, month, direction, limit)


@router.get("/months/{month}/classes", response_model=list[ClassCount])
def class_counts(ratings: Ratings, lang: Language, month: str,
                 by: Annotated[Literal["province", "prefecture", "county", "industry"], Query()] = "prefecture",
                 ) -> list[dict[str, Any]]:
    """Class counts per region or industry section: where the high-risk firms are."""
    _month(month, "month")
    if month not in {m["month"] for m in ratings.months()}:
        raise HTTPException(status_code=404, detail=f"month {month} has not been scored")
    rows = ratings.class_counts(month, by)
    for row in rows:
        row["label"] = _label(row["key"], by, lang)
    return rows


def _label(key: str, by: str, lang: Lang) -> str | None:
    if by == "industry":
        section = sections().get(key)
        return None if section is None else (section.zh if lang == "zh" else section.en)
    found = region(key.ljust(6, "0"))
    return found.name if found else None
