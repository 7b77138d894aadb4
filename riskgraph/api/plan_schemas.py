"""Request and response models of the inspection-plan routes (``/api/v1/plans``).

Only shapes: the rules are in ``riskgraph.inspection`` and ``riskgraph.jobs.plans``. Every constraint a
draw checks on its arguments is declared here (patterns, ranges), so a request the description allows
is never refused as malformed; what it names that does not exist (a pool, a month) is 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field

from riskgraph.api.schemas import MONTH
from riskgraph.inspection.task import INDUSTRY_PREFIX, REGION_PREFIX, TASK_ID
from riskgraph.model import KeyArea

PLAN_ID = TASK_ID.pattern
PLAN_ID_FORMAT: dict[str, Any] = {"pattern": PLAN_ID}
RegionPrefix = Annotated[str, Field(pattern=REGION_PREFIX)]
IndustryPrefix = Annotated[str, Field(pattern=INDUSTRY_PREFIX)]


class PlanTask(BaseModel):
    """A new task (一单): its scope, its base ratio and the stored inspector pool it draws from."""

    name: str = Field(min_length=1, max_length=200, description="what the task inspects")
    regions: list[RegionPrefix] = Field(default_factory=list, max_length=200,
                               description="GB/T 2260 prefixes (2, 4 or 6 digits); empty: every region")
    industries: list[IndustryPrefix] = Field(default_factory=list, max_length=200,
                                  description="GB/T 4754-2017 prefixes: a section letter, then 0, 2, 3 or 4 digits")
    key_area: KeyArea | None = Field(None, description="only firms of this key area, inspectors qualified for it")
    base_ratio: float | None = Field(None, gt=0, le=1, description="share of class B firms to inspect; the "
                                                                   "configuration's when empty")
    date: dt.date = Field(description="when the inspections are to take place")
    pool: str = Field(pattern=PLAN_ID, description="a stored inspector pool (`riskgraph plan pool FILE --name`)")


class DrawRequest(BaseModel):
    """Draw the plan of task ``task_id`` from the classes of ``month``.

    With ``task`` the task is new: it is committed (a random seed, its SHA-256 recorded) and drawn at
    once. Without it, ``task_id`` names a task committed beforehand (`riskgraph plan commit`), whose
    seed is revealed now — the way that lets the commitment be published before the draw.
    """

    task_id: str = Field(pattern=PLAN_ID, description="the task's id, which becomes the plan's")
    month: str = Field(pattern=MONTH.pattern, description="YYYY-MM: a scored month whose ratings pass their check")
    task: PlanTask | None = None


class Stratum(BaseModel):
    class_: str = Field(alias="class", description="A low, B normal, C elevated, D high")
    population: int = Field(description="firms of the class in the task's scope that may be drawn")
    ratio: float = Field(description="share drawn; the drawn count is it times the population, rounded up")
    drawn: int
    cutoff: str | None = Field(description="highest ticket drawn: a firm of the class was drawn exactly when its "
                                           "ticket is at most this")


class PlanSummary(BaseModel):
    plan_id: str
    name: str
    date: str
    month: str
    regions: list[str]
    industries: list[str]
    key_area: str | None
    drawn_at: str
    firms: int
    classes: dict[str, int] = Field(description="firms drawn per class")
    short_of_inspectors: int = Field(description="drawn firms with fewer than the inspectors wanted")
    digest: str = Field(description="SHA-256 of the plan document, as recorded in the audit trail")
    intact: bool = Field(description="false when the stored plan no longer hashes to its digest")
    commitment: str = Field(description="SHA-256 commitment of the seed, recorded before the draw")
    config_version: str


class PlanFirm(BaseModel):
    fid: str
    name: str
    class_: str = Field(alias="class")
    region: str
    industry: str
    key_area: str
    ticket: str = Field(description="HMAC-SHA256(seed, 'riskgraph/plan/v1' ␟ task id ␟ fid), hex")
    rank: int = Field(description="place in its class by ticket, 1 first")
    inspectors: list[str] = Field(description="inspector ids, drawn in this order")
    shortfall: str | None = Field(description="why fewer inspectors than wanted: each cause with its count")


class PlanInspector(BaseModel):
    id: str
    unit: str
    unit_name: str
    name: str | None = Field(None, description="staff personal data: administrators only")


class Plan(PlanSummary):
    task: dict[str, Any]
    config: dict[str, Any] = Field(description="version, per-class ratios, inspectors per firm, workload cap")
    inputs: dict[str, Any] = Field(description="scoring run, model version and the SHA-256 of the month's classes, "
                                               "the pool and the configuration drawn with")
    seed: dict[str, Any] = Field(description="commitment, when committed, the revealed seed, when revealed")
    scope: dict[str, Any] = Field(description="firms in scope, drawable, excluded, and the exclusions per reason")
    strata: list[Stratum]
    firms_total: int
    offset: int
    firm_list: list[PlanFirm] = Field(description="the drawn firms from offset, in class and ticket order")
    inspectors: list[PlanInspector]


class ClassHits(BaseModel):
    class_: str = Field(alias="class")
    population: int
    drawn: int
    inspected: int = Field(description="drawn firms with a result")
    hits: int = Field(description="results counted as a problem found")
    results: dict[str, int]
    hit_rate: float | None
    ci_low: float | None = Field(description="95 % Wilson interval")
    ci_high: float | None
    truth_rate: float | None = None


class PlanEvaluation(BaseModel):
    plan_id: str
    classes: list[ClassHits]
    drawn: int
    inspected: int
    pending: int = Field(description="drawn firms without a result yet")
    hits: int
    hit_rate: float | None
    uniform_rate: float | None = Field(description="what a uniform draw would hit: the classes' rates weighted by "
                                                   "their sizes in scope")
    uniform_rate_se: float | None
    uniform_expected_hits: float | None = Field(description="hits a uniform draw of the same size would expect")
    lift: float | None = Field(description="hit_rate / uniform_rate: above 1, the classes steer inspections well")
    hit_results: list[str]
    not_in_plan: int = Field(description="results filed against the plan for firms it did not draw")
    notes: list[str]
