"""Double-random inspection plans: draw one (administrators), list them, read one, evaluate its results.

A draw is ``POST /plan-draws``, not ``POST /plans``: Starlette answers a method a path does not serve
(405) with the methods of the first route of that path only, so a path served by two routes would
announce one of them in ``Allow``.

The work is ``riskgraph.jobs.plans``'s. Inspectors' names are staff's personal data: only
administrators get them; everyone else sees inspectors by id and unit. A plan list carries no firm
and no person. Every read is recorded in the audit trail; a draw records itself (plan, input
digests, exclusions, seed commitment).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from riskgraph.api.access import Caller
from riskgraph.api.deps import AuditRead, Neo4j, ServiceSettings
from riskgraph.api.http_errors import error_responses
from riskgraph.api.plan_schemas import PLAN_ID_FORMAT, DrawRequest, Plan, PlanEvaluation, PlanSummary
from riskgraph.auth.roles import Role
from riskgraph.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge, UnreadableBody
from riskgraph.inspection.task import Task
from riskgraph.jobs import plans

router = APIRouter(prefix="/api/v1", tags=["inspection plans"])
PlanId = Annotated[str, Path(description="the plan's id (its task id)", pattern=PLAN_ID_FORMAT["pattern"])]


def _view(document: dict[str, Any], names: bool, offset: int, limit: int) -> dict[str, Any]:
    shown = document if names else plans.without_names(document)
    firms = document["firms"]
    return {**plans.summary(document), **{k: shown[k] for k in ("task", "config", "inputs", "seed", "scope",
                                                                "strata", "inspectors")},
            "firms_total": len(firms), "offset": offset, "firm_list": firms[offset:offset + limit]}


@router.post("/plan-draws", response_model=Plan, response_model_by_alias=True, status_code=201,
             responses=error_responses(NotFound, Conflict, InvalidInput, PayloadTooLarge, UnreadableBody))
def draw(body: DrawRequest, driver: Neo4j, settings: ServiceSettings, caller: Caller) -> dict[str, Any]:
    """Draw a plan: per class the configured share of the task's firms, ranked by a keyed hash of (seed, task, firm),
    two eligible inspectors each; 404 for an unknown pool, an unscored month or an uncommitted task, 409 when the
    month fails its integrity check or the task was committed or drawn already."""
    task = None
    if body.task is not None:
        task = Task.model_validate({**body.task.model_dump(), "task_id": body.task_id})
    document = plans.draw_plan(driver, settings, body.month, task=task, plan_id=body.task_id,
                               actor=f"user:{caller.name}", stored_pools_only=True)
    return _view(document, True, 0, len(document["firms"]))


@router.get("/plans", response_model=list[PlanSummary])
def plan_list(settings: ServiceSettings, log: AuditRead) -> list[dict[str, Any]]:
    """Every drawn plan, newest first: counts per class, no firm and no person."""
    found = plans.list_plans(settings)
    log([s["plan_id"] for s in found], len(found))
    return found


@router.get("/plans/{plan_id}", response_model=Plan, response_model_by_alias=True,
            responses=error_responses(NotFound, InvalidInput))
def plan(plan_id: PlanId, settings: ServiceSettings, log: AuditRead, caller: Caller,
         offset: Annotated[int, Query(ge=0)] = 0,
         limit: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> dict[str, Any]:
    """One plan with its strata, seed commitment and revealed seed, input digests and its firms from ``offset``
    (inspectors' names for administrators only)."""
    document = plans.load_plan(settings, plan_id)
    view = _view(document, caller.role == Role.ADMIN, offset, limit)
    log([f["fid"] for f in view["firm_list"]], len(view["firm_list"]), plan_id=plan_id)
    return view


@router.get("/plans/{plan_id}/evaluation", response_model=PlanEvaluation, response_model_by_alias=True,
            responses=error_responses(NotFound, InvalidInput))
def evaluation(plan_id: PlanId, driver: Neo4j, settings: ServiceSettings, log: AuditRead) -> dict[str, Any]:
    """Hit rate per class of the plan's results against what a uniform draw of the same size would find."""
    found = asdict(plans.evaluate_plan(driver, settings, plan_id))
    found["classes"] = [{("class" if k == "cls" else k): v for k, v in c.items()} for c in found["classes"]]
    log([plan_id], found["inspected"], plan_id=plan_id)
    return {"plan_id": plan_id, **{k: v for k, v in found.items() if k != "truth_rate"}}
