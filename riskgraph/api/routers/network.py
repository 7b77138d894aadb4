"""The neighbourhood of a firm, person or address as nodes and edges, for the graph view."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from riskgraph.api import lookups
from riskgraph.api.deps import AuditRead, EntityKey, Reader
from riskgraph.api.http_errors import error_responses
from riskgraph.api.schemas import Network
from riskgraph.errors import InvalidInput, NotFound

router = APIRouter(prefix="/api/v1", tags=["network"])


@router.get("/network/{key}", response_model=Network, responses=error_responses(NotFound, InvalidInput))
def network(reader: Reader, key: EntityKey, log: AuditRead,
            depth: Annotated[int, Query(ge=1, le=3)] = 1,
            max_nodes: Annotated[int, Query(ge=1, le=500)] = 200) -> dict[str, Any]:
    """Neighbours of a firm (fid), person (the key it is shown by) or address (aid), ready for a graph view."""
    found = lookups.network(reader, key, depth, max_nodes)
    log([n["id"] for n in found["nodes"]], len(found["nodes"]), start=key, depth=depth)
    return found
