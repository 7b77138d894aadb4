"""Monthly A–D ratings: one firm with its reasons, a firm's history, a batch.

Reasons are stored as structured data; here each gets a ``text`` in the caller's language
(``lang`` query parameter, else the Accept-Language header; Chinese by default). Every
rating says whether its digest is still the service's HMAC of it (``intact``: the key is not in
the database, so an edit cannot be covered up); a firm's history reports a move only between
intact ratings.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import TypeAdapter

from riskgraph.api import lookups
from riskgraph.api.deps import AuditRead, FirmId, Lang, Language, Model, RatingMonth, Ratings, Reader, check_firm_ids
from riskgraph.api.http_errors import error_responses
from riskgraph.api.schemas import BatchRequest, BatchResponse, Rating
from riskgraph.errors import InvalidInput, NotFound, PayloadTooLarge, UnreadableBody
from riskgraph.reference.identifiers import PERSON_REF_PREFIX
from riskgraph.scoring.config import ModelConfig
from riskgraph.scoring.reasons import render_reason

router = APIRouter(prefix="/api/v1", tags=["ratings"])

RATING, HISTORY, BATCH = TypeAdapter(Rating), TypeAdapter(list[Rating]), TypeAdapter(BatchResponse)


def _answer(model: TypeAdapter[Any], content: Any) -> Response:
    """``content`` checked against the route's response model and written as its JSON (by alias), here.

    What FastAPI does with a route's returned value, done in the route's own thread: FastAPI would
    hand a plain ``def`` route's value to its thread pool a second time to validate it (for a lookup,
    a tenth of the service's CPU per request; bench/api.py). The OpenAPI still declares the model.
    """
    return Response(model.dump_json(model.validate_python(content), by_alias=True), media_type="application/json")


def _render(rating: dict[str, Any], model: ModelConfig, lang: Lang) -> dict[str, Any]:
    """The rating with each stored reason as ``{type, text, points, data}``."""
    reasons = []
    for r in rating["reasons"]:
        try:
            text = render_reason(r, model, lang)
        except (KeyError, StopIteration, ValueError):  # a reason of another model version
            text = r.get("id") or r["type"]
        reasons.append({"type": r["type"], "text": text, "points": r.get("points"), "data": _shown(r)})
    return {**rating, "reasons": reasons}


def _shown(reason: dict[str, Any]) -> dict[str, Any]:
    """The reason without a person key of the old form: runs scored before persons had an opaque key stored the
    ingest key (the salted hash of the ID number), which is never sent; re-scoring the month replaces it."""
    if reason.get("via") == "person" and not str(reason.get("key", "")).startswith(PERSON_REF_PREFIX):
        return {k: v for k, v in reason.items() if k != "key"}
    return reason


@router.get("/firms/{fid}/rating", response_model=Rating, response_model_by_alias=True,
            responses=error_responses(NotFound, InvalidInput))
def firm_rating(ratings: Ratings, model: Model, lang: Language, fid: FirmId, month: RatingMonth,
                log: AuditRead) -> Response:
    """A firm's class, score and the reasons behind it (own indicators, hard rules, related parties)."""
    found = lookups.firm_rating(ratings, fid, month)
    log([fid], 1, month=found["month"])
    return _answer(RATING, _render(found, model, lang))


@router.get("/firms/{fid}/ratings", response_model=list[Rating], response_model_by_alias=True,
            responses=error_responses(NotFound, InvalidInput))
def firm_history(ratings: Ratings, reader: Reader, model: Model, lang: Language, fid: FirmId,
                 log: AuditRead) -> Response:
    """Every scored month of a firm, oldest first, with up/down moves (empty for a known firm never rated;
    404 for a code no firm has, as on ``/rating``)."""
    history = ratings.history(fid)
    if not history:
        lookups.firm_profile(reader, fid)  # NotFound when there is no such firm
    log([fid], len(history))
    return _answer(HISTORY, [_render(r, model, lang) for r in history])


@router.post("/ratings", response_model=BatchResponse, response_model_by_alias=True,
             responses=error_responses(InvalidInput, PayloadTooLarge, UnreadableBody))
def batch(ratings: Ratings, model: Model, lang: Language, body: BatchRequest, log: AuditRead) -> Response:
    """Ratings of up to 1,000 firms in one call (for systems that check many counterparties)."""
    check_firm_ids(body.fids, ("body", "fids"))
    found, not_rated = lookups.batch_ratings(ratings, body.fids, body.month)
    log(body.fids, len(found), month=body.month)
    return _answer(BATCH, {"ratings": [_render(r, model, lang) for r in found], "not_rated": not_rated})
