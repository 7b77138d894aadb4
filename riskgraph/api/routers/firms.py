"""Firms: search by name or code, the registration profile, the records (events)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from riskgraph.api import lookups
from riskgraph.api.access import Caller
from riskgraph.api.deps import AuditRead, FirmId, Reader
from riskgraph.api.http_errors import error_responses
from riskgraph.api.schemas import SearchHit
from riskgraph.errors import InvalidInput, NotFound

router = APIRouter(prefix="/api/v1", tags=["firms"])


@router.get("/search", response_model=list[SearchHit], responses=error_responses(InvalidInput))
def search(reader: Reader, log: AuditRead, q: Annotated[str, Query(min_length=1, max_length=100)],
           limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[dict[str, Any]]:
    """Firms by name (full text, Chinese) or by code."""
    hits = reader.search_firms(q, limit)
    log([h["fid"] for h in hits], len(hits), query=q)
    return hits


@router.get("/firms/{fid}", responses=error_responses(NotFound, InvalidInput))
def firm(reader: Reader, fid: FirmId, caller: Caller, log: AuditRead) -> dict[str, Any]:
    """A firm's profile: registration data, current address and legal representatives (by the key they are shown
    by and a masked name; the masked ID number only for a caller cleared for it)."""
    profile = lookups.firm_profile(reader, fid, id_masked=caller.cleared)
    log([fid, *(p["key"] for p in profile["legal_reps"])], 1)
    return profile


@router.get("/firms/{fid}/events", responses=error_responses(NotFound, InvalidInput))
def events(reader: Reader, fid: FirmId, log: AuditRead,
           limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, Any]]:
    """The firm's regulatory and social records, newest first."""
    found = lookups.firm_events(reader, fid, limit)
    log([fid], len(found))
    return found
