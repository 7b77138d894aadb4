"""Early warning: list alerts (filters), read one with its evidence, move its status (administrators).

The work is ``riskgraph.jobs.alerts``'s. Analysts get the list as an aggregate — a person-subject alert's
subject is withheld; investigators read evidence, where persons appear by their opaque ``ref``, never the
stored pid; administrators move statuses. Every read is recorded in the audit trail; a status move
records itself.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from riskgraph.api.access import Caller
from riskgraph.api.alert_schemas import (
    ALERT_ID_FORMAT,
    AlertDetail,
    AlertSummary,
    AlertType,
    Severity,
    Status,
    StatusChange,
    SubjectType,
)
from riskgraph.api.deps import AuditRead, ServiceSettings
from riskgraph.api.http_errors import error_responses
from riskgraph.api.schemas import MONTH
from riskgraph.auth.roles import Role
from riskgraph.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge, UnreadableBody
from riskgraph.jobs import alerts

router = APIRouter(prefix="/api/v1", tags=["early warning"])
AlertId = Annotated[str, Path(description="the alert's id (AL-YYYY-MM-…)", pattern=ALERT_ID_FORMAT["pattern"])]
SUMMARY_FIELDS = tuple(AlertSummary.model_fields)


def _summary(alert: dict[str, Any], persons: bool) -> dict[str, Any]:
    out = {k: alert.get(k) for k in SUMMARY_FIELDS}
    out["current"] = alert.get("current", True)
    if not persons and alert["subject_type"] == "person":
        out["subject"] = None
    return out


@router.get("/alerts", response_model=list[AlertSummary], responses=error_responses(InvalidInput))
def alert_list(settings: ServiceSettings, log: AuditRead, caller: Caller,
               month: Annotated[str | None, Query(pattern=MONTH.pattern)] = None,
               alert_type: Annotated[AlertType | None, Query(alias="type")] = None,
               status: Annotated[Status | None, Query()] = None,
               severity: Annotated[Severity | None, Query()] = None,
               subject_type: Annotated[SubjectType | None, Query()] = None,
               limit: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> list[dict[str, Any]]:
    """Stored alerts, newest month first, filtered; no evidence (read one for it)."""
    found = alerts.list_alerts(settings, month, alert_type, status, severity, subject_type)[:limit]
    persons = caller.role != Role.ANALYST
    shown = [_summary(a, persons) for a in found]
    log([a["alert_id"] for a in shown], len(shown), month=month)
    return shown


@router.get("/alerts/{alert_id}", response_model=AlertDetail, responses=error_responses(NotFound, InvalidInput))
def alert(alert_id: AlertId, settings: ServiceSettings, log: AuditRead) -> dict[str, Any]:
    """One alert with its evidence and status history."""
    found = alerts.get_alert(settings, alert_id)
    log([alert_id, found["subject"]], 1)
    return {**_summary(found, True), "evidence": found.get("evidence", {}), "history": found.get("history", []),
            "first_seen": found.get("first_seen")}


@router.post("/alerts/{alert_id}/status", response_model=AlertDetail,
             responses=error_responses(NotFound, Conflict, InvalidInput, PayloadTooLarge, UnreadableBody))
def alert_status(alert_id: AlertId, body: StatusChange, settings: ServiceSettings, caller: Caller) -> dict[str, Any]:
    """Move an alert on: open → acknowledged → closed, or open → closed; 409 for any other move."""
    moved = alerts.change_status(settings, alert_id, body.status, actor=f"user:{caller.name}", note=body.note)
    return {**_summary(moved, True), "evidence": moved.get("evidence", {}), "history": moved.get("history", []),
            "first_seen": moved.get("first_seen")}
