"""Request and response models of the early-warning routes (``/api/v1/alerts``).

Only shapes: the tests are ``riskgraph.warning``'s, the store and the status rules
``riskgraph.jobs.alerts``'s. Persons appear only by their opaque ``ref`` (``p-…``), never the stored pid.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

ALERT_ID = r"^AL-[1-9]\d{3}-(0[1-9]|1[0-2])-[0-9a-f]{10}$"
ALERT_ID_FORMAT: dict[str, Any] = {"pattern": ALERT_ID}
AlertType = Literal["registration_burst", "frequent_changes", "complaint_surge"]
SubjectType = Literal["address", "person", "firm", "industry", "county"]
Status = Literal["open", "acknowledged", "closed"]
Severity = Literal["low", "medium", "high"]


class StatusMove(BaseModel):
    status: Status
    by: str
    at: str
    note: str | None = None


class AlertSummary(BaseModel):
    alert_id: str
    month: str
    type: AlertType
    subject_type: SubjectType
    subject: str | None = Field(description="fid, address key, section, county code or person ref; null for a "
                                            "person in an analyst's list (aggregates carry no persons)")
    severity: Severity
    observed: int
    expected: float | None
    p: float | None
    q: float | None = Field(description="Benjamini–Hochberg q across the subjects tested alongside")
    status: Status
    current: bool = Field(description="false when a later run of the month no longer found it")


class AlertDetail(AlertSummary):
    evidence: dict[str, Any] = Field(description="window dates, counts, model, firms named; persons by ref only")
    history: list[StatusMove]
    first_seen: str | None = None


class StatusChange(BaseModel):
    status: Literal["acknowledged", "closed"] = Field(description="open → acknowledged → closed (or open → closed)")
    note: str = Field("", max_length=500, description="why, for the record")
