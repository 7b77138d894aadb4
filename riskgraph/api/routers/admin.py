"""The audit trail for auditors, the users for administrators (changing users is ``riskgraph users``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from riskgraph.api.deps import AuditRead, ServiceSettings
from riskgraph.api.http_errors import error_responses
from riskgraph.api.schemas import AuditCheck, UserEntry
from riskgraph.errors import InvalidInput
from riskgraph.jobs import audit, users

router = APIRouter(prefix="/api/v1", tags=["audit"])


@router.get("/audit", responses=error_responses(InvalidInput))
def entries(settings: ServiceSettings, log: AuditRead,
            last: Annotated[int, Query(ge=1, le=10_000)] = 100) -> list[dict[str, Any]]:
    """The latest entries of the audit trail, newest first (``/audit/verify`` says whether to believe them)."""
    found = audit.latest(settings, last)
    log([], len(found))
    return found


@router.get("/audit/verify", response_model=AuditCheck)
def verify(settings: ServiceSettings, log: AuditRead) -> AuditCheck:
    """Check every entry's hash, the chain and the signed head: an altered, deleted, inserted or reordered entry
    and a cut-off tail are each reported."""
    n, problems = audit.verify(settings)
    log([], n)
    return AuditCheck(intact=not problems, entries=n, problems=[str(p) for p in problems])


@router.get("/users", response_model=list[UserEntry])
def user_list(settings: ServiceSettings, log: AuditRead) -> list[dict[str, Any]]:
    """Every user with their role, clearance, key id, dates and state; never a key or its hash."""
    found = users.list_users(settings)
    log([u["name"] for u in found], len(found))
    return found
