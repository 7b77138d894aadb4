"""Monthly A–D ratings: one firm with its reasons, a firm's history, a batch.

Reasons are stored as structured data; here each gets a ``text`` in the caller's language
(``lang`` query parameter, else the Accept-Language header; Chinese by default). Every
rating says whether its digest is still the service's HMAC of it (``intact``: the key is not in
the database, so an edit cannot be covered up); a firm's history reports a move only between
intact ratings.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from riskgraph.api import lookups
from riskgraph.api.deps import FirmId, Lang, Language, Model, RatingMonth, Ratings, Reader, check_firm_ids
from riskgraph.api.http_errors import error_responses
from riskgraph.api.schemas import BatchRequest, BatchResponse, Rating
from riskgraph.errors import InvalidInput, NotFound, PayloadTooLarge
from riskgraph.scoring.config import ModelConfig
from riskgraph.scoring.reasons import render_reason

router = APIRouter(prefix="/api/v1", tags=["ratings"])


def _render(rating: dict[str, Any], model: ModelConfig, lang: Lang) -> dict[str, Any]:
    """The rating with each stored reason as ``{type, text, points, data}``."""
    reasons = []
    for r in rating["reasons"]:
        try:
            text = render_reason(r, model, lang)
        except (KeyError, StopIteration, ValueError):  # a reason of another model version
            text = r.get("id") or r["type"]
        reasons.append({"type": r["type"], "text": text, "points": r.get("points"), "data": r})
    return {**rating, "reasons": reasons}


@router.get("/firms/{fid}/rating", response_model=Rating, response_model_by_alias=True,
            responses=error_responses(NotFound, InvalidInput))
def firm_rating(ratings: Ratings, model: Model, lang: Language, fid: FirmId, month: RatingMonth) -> dict[str, Any]:
    """A firm's class, score and the reasons behind it (own indicators, hard rules, related parties)."""
    return _render(lookups.firm_rating(ratings, fid, month), model, lang)


@router.get("/firms/{fid}/ratings", response_model=list[Rating], response_model_by_alias=True,
            responses=error_responses(NotFound, InvalidInput))
def firm_history(ratings: Ratings, reader: Reader, model: Model, lang: Language, fid: FirmId) -> list[dict[str, Any]]:
    """Every scored month of a firm, oldest first, with up/down moves (empty for a known firm never rated;
    404 for a code no firm has, as on ``/rating``)."""
    history = ratings.history(fid)
    if not history:
        lookups.firm_profile(reader, fid)  # NotFound when there is no such firm
    return [_render(r, model, lang) for r in history]


@router.post("/ratings", response_model=BatchResponse, response_model_by_alias=True,
             responses=error_responses(InvalidInput, PayloadTooLarge))
def batch(ratings: Ratings, model: Model, lang: Language, body: BatchRequest) -> dict[str, Any]:
    """Ratings of up to 1,000 firms in one call (for systems that check many counterparties)."""
    check_firm_ids(body.fids, ("body", "fids"))
    found, not_rated = lookups.batch_ratings(ratings, body.fids, body.month)
    return {"ratings": [_render(r, model, lang) for r in found], "not_rated": not_rated}
