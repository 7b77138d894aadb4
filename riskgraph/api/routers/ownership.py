"""Equity penetration (股权穿透): a firm's ultimate owners and controller, and what an owner ultimately holds."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from riskgraph.api import lookups
from riskgraph.api.deps import AuditRead, EntityKey, FirmId, Reader
from riskgraph.api.http_errors import error_responses
from riskgraph.api.schemas import Ownership, UltimateHoldings
from riskgraph.errors import InvalidInput, NotFound

router = APIRouter(prefix="/api/v1", tags=["ownership"])

Hops = Annotated[int, Query(ge=1, le=20, description="ownership levels to walk")]
MaxHoldings = Annotated[int, Query(ge=1, le=20_000, description="shareholdings to read at most")]


@router.get("/firms/{fid}/owners", response_model=Ownership, responses=error_responses(NotFound, InvalidInput))
def owners(reader: Reader, fid: FirmId, log: AuditRead, max_hops: Hops = 10,
           max_holdings: MaxHoldings = 5_000) -> dict[str, Any]:
    """Every holder upstream with its integrated share, the controlling chain's ultimate controller and the
    beneficial owners (persons at 25 % or more, or controlling), persons masked and by their opaque key."""
    found = lookups.ownership(reader, fid, max_hops, max_holdings)
    log([fid, *(o["key"] for o in found["owners"])], len(found["owners"]))
    return found


@router.get("/holdings/{key}", response_model=UltimateHoldings, responses=error_responses(NotFound, InvalidInput))
def holdings(reader: Reader, key: EntityKey, log: AuditRead, max_hops: Hops = 10,
             max_holdings: MaxHoldings = 5_000) -> dict[str, Any]:
    """What a firm (fid) or person (p-…) ultimately holds: its integrated share in every firm downstream."""
    found = lookups.ultimate_holdings(reader, key, max_hops, max_holdings)
    log([key, *(h["key"] for h in found["held"])], len(found["held"]))
    return found
