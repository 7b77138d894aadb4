"""Scored months: their class mix, the firms whose class moved, class counts by region or industry.

Each checks the month it reads: the list flags a month whose ratings fail their HMAC
(``verified: false``); changes and class counts refuse such a month with 409 Conflict.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query

from riskgraph.api import lookups
from riskgraph.api.deps import AuditRead, ComparisonMonth, Lang, Language, Month, Neo4j, Ratings, ServiceSettings
from riskgraph.api.http_errors import error_responses
from riskgraph.api.schemas import ClassChange, ClassCount, ScoredMonth
from riskgraph.errors import Conflict, InvalidInput, NotFound
from riskgraph.jobs.scoring import class_changes, scored_months
from riskgraph.reference.industries import sections
from riskgraph.reference.regions import region

router = APIRouter(prefix="/api/v1", tags=["ratings"])


@router.get("/months", response_model=list[ScoredMonth])
def months(driver: Neo4j, settings: ServiceSettings) -> list[dict[str, Any]]:
    """Scored months, newest first, with the class mix of each; a month whose ratings fail their integrity check
    is flagged (``verified: false``, the failed firms and what to do)."""
    return scored_months(driver, settings)


@router.get("/months/{month}/changes", response_model=list[ClassChange],
            responses=error_responses(NotFound, Conflict, InvalidInput))
def changes(month: Month, since: ComparisonMonth, driver: Neo4j, settings: ServiceSettings, log: AuditRead,
            direction: Annotated[lookups.Direction | None, Query()] = None,
            limit: Annotated[int, Query(ge=1, le=10_000)] = 100) -> list[dict[str, Any]]:
    """Firms whose class moved between two scored months (``from``: default the scored month before), largest
    moves first; 409 when either month's ratings fail their integrity check."""
    found = [asdict(change) for change in class_changes(driver, settings, since, month, direction, limit)]
    log([c["fid"] for c in found], len(found), month=month)
    return found


@router.get("/months/{month}/classes", response_model=list[ClassCount],
            responses=error_responses(NotFound, Conflict, InvalidInput))
def class_counts(month: Month, ratings: Ratings, lang: Language,
                 by: Annotated[lookups.Breakdown, Query()] = "prefecture") -> list[dict[str, Any]]:
    """Class counts per region or industry section: where the high-risk firms are; 409 when the month's ratings
    fail their integrity check."""
    return [{**row, "label": _label(row["key"], by, lang)} for row in lookups.class_counts(ratings, month, by)]


def _label(key: str, by: str, lang: Lang) -> str | None:
    """The region's name, or the industry section's in ``lang``."""
    if by == "industry":
        section = sections().get(key)
        return None if section is None else (section.zh if lang == "zh" else section.en)
    found = region(key.ljust(6, "0"))
    return found.name if found else None
