"""``/health``: the service's own state and Neo4j's."""

from __future__ import annotations

from fastapi import APIRouter, Request

from riskgraph import __version__
from riskgraph.api.schemas import Health

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health)
def health(request: Request) -> Health:
    try:
        request.app.state.driver.verify_connectivity()
        state = "up"
    except Exception as exc:  # any failure to reach Neo4j is reported, not raised: health must answer
        state = f"down: {type(exc).__name__}"
    return Health(status="ok" if state == "up" else "degraded", neo4j=state, version=__version__)
