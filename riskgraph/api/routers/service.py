"""``/health``: the service's own state and Neo4j's; ``/api/v1/me``: the caller and what they may use."""

from __future__ import annotations

from fastapi import APIRouter, Request

from riskgraph import __version__
from riskgraph.api.access import Caller
from riskgraph.api.deps import Language
from riskgraph.api.http_errors import error_responses
from riskgraph.api.schemas import Health, Me
from riskgraph.auth.access import access_table
from riskgraph.auth.roles import ROLE_LABELS
from riskgraph.errors import InvalidInput, QueryTimeout, Unauthenticated

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health)
def health(request: Request) -> Health:
    try:
        request.app.state.driver.verify_connectivity()
        state = "up"
    except Exception as exc:  # any failure to reach Neo4j is reported, not raised: health must answer
        state = f"down: {type(exc).__name__}"
    return Health(status="ok" if state == "up" else "degraded", neo4j=state, version=__version__)


@router.get("/api/v1/me", response_model=Me, responses=error_responses(Unauthenticated, QueryTimeout, InvalidInput))
async def me(request: Request, caller: Caller, lang: Language) -> Me:
    """Who the key belongs to, their role, and every route the access table lets them use."""
    user = request.app.state.users.user(caller.key_id)
    routes = [f"{m} {p}" for (m, p), rule in access_table().items() if p.startswith("/api/") and rule.admits(caller)]
    zh, en = ROLE_LABELS[caller.role]
    return Me(name=caller.name, role=str(caller.role), role_label=zh if lang == "zh" else en, cleared=caller.cleared,
              expires=user.expires if user else None, routes=routes)
