"""Persons by ID number: a separate operation, for investigators cleared for personal data, always audited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from riskgraph.api import lookups
from riskgraph.api.deps import AuditRead, Reader, ServiceSettings
from riskgraph.api.http_errors import error_responses
from riskgraph.api.schemas import Person, PersonLookup
from riskgraph.errors import InputProblem, InvalidInput, NotFound, PayloadTooLarge, UnreadableBody
from riskgraph.reference.identifiers import mask_person_id, person_id_problem

router = APIRouter(prefix="/api/v1", tags=["persons"])


@router.post("/persons/lookup", response_model=Person,
             responses=error_responses(NotFound, InvalidInput, PayloadTooLarge, UnreadableBody))
def lookup(body: PersonLookup, reader: Reader, settings: ServiceSettings, log: AuditRead) -> dict[str, Any]:
    """The person a resident ID number belongs to: the key they are shown by, masked name and number, the firms
    where they hold a role. The number travels in the body (never in a URL or a log) and is recorded masked."""
    number = body.id_number.strip().upper()
    problem = person_id_problem(number)
    if problem:
        raise InvalidInput([InputProblem(("body", "id_number"), problem, input=mask_person_id(number))])
    try:
        person = lookups.person_by_id_number(reader, number, settings.person_salt.get_secret_value())
    except NotFound:
        log([], 0, id_number=mask_person_id(number))
        raise
    log([person["key"]], 1, id_number=mask_person_id(number))
    return person
