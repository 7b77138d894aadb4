"""Domain errors as HTTP answers: the one exception handler, and the routes' OpenAPI declarations.

A route names the domain errors it can raise (``responses=error_responses(NotFound, InvalidInput)``);
status, body model and description come from the classes in :mod:`riskgraph.errors`, so the
answer a client gets and the one ``/openapi.json`` promises cannot drift apart. Every 422 —
FastAPI's own validation or our checks — has the body :class:`InvalidInputBody`; every other
error has :class:`ErrorBody`.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from riskgraph.api.schemas import ErrorBody, InvalidInputBody
from riskgraph.errors import InputProblem, InvalidInput, RiskgraphError, RowProblem, ValidationFailed
from riskgraph.reference.identifiers import mask_id_numbers

log = logging.getLogger(__name__)

UNPROCESSABLE = 422
RETRY_AFTER = {"description": "seconds to wait before trying again", "schema": {"type": "integer", "minimum": 1}}


def _problem(p: InputProblem) -> dict[str, Any]:
    return {"loc": list(p.loc), "msg": p.msg, "type": p.type, "input": p.input}


def _row_problem(p: RowProblem) -> dict[str, Any]:
    return {"loc": ["file", p.file, p.line, p.column], "msg": p.reason, "type": "value_error", "input": p.value}


def error_body(exc: RiskgraphError) -> dict[str, Any]:
    """``{"detail": …}``: the list of problems for a 422, else the message."""
    if isinstance(exc, InvalidInput):
        return {"detail": [_problem(p) for p in exc.problems]}
    if isinstance(exc, ValidationFailed):
        return {"detail": [_row_problem(p) for p in exc.problems]}
    return {"detail": str(exc)}


async def domain_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Every :class:`RiskgraphError` a route or dependency raises, answered with its class's status."""
    if not isinstance(exc, RiskgraphError):  # registered for RiskgraphError only; keeps the signature Starlette's
        raise exc
    if exc.http_status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc, exc_info=exc)
    return error_response(exc)


def error_response(exc: RiskgraphError) -> JSONResponse:
    """The answer to ``exc``: its class's status, the declared body, and Retry-After when it says when to retry."""
    retry_after_s = getattr(exc, "retry_after_s", None)
    headers = {"Retry-After": str(retry_after_s)} if retry_after_s is not None else None
    return JSONResponse(status_code=exc.http_status, content=jsonable_encoder(error_body(exc)), headers=headers)


def _masked(value: Any) -> Any:
    """An echoed input with anything shaped like a resident ID number masked (in strings, numbers, lists, objects)."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        masked = mask_id_numbers(str(value))
        return value if masked == str(value) else masked
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    return value


async def request_validation_handler(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's own 422 as FastAPI words it, but the ``input`` it echoes masked as our problems are."""
    if not isinstance(exc, RequestValidationError):  # registered for RequestValidationError only
        raise exc
    problems = [{**e, "input": _masked(e["input"])} if "input" in e else e for e in exc.errors()]
    return JSONResponse(status_code=UNPROCESSABLE, content=jsonable_encoder({"detail": problems}))


def install_error_handler(app: FastAPI) -> None:
    app.add_exception_handler(RiskgraphError, domain_error_handler)
    app.add_exception_handler(RequestValidationError, request_validation_handler)


def error_responses(*errors: type[RiskgraphError]) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route that can raise ``errors``: per status, the body model and a description.

    Name :class:`~riskgraph.errors.InvalidInput` on every route that takes parameters or a body:
    FastAPI's own validation answers 422 there too, with the same body.
    """
    declared: dict[int | str, dict[str, Any]] = {}
    for error in errors:
        status = error.http_status
        said = (error.__doc__ or error.__name__).strip().splitlines()[0]
        if status in declared:
            if said not in declared[status]["description"]:
                declared[status]["description"] += f" / {said}"
        else:
            declared[status] = {"model": InvalidInputBody if status == UNPROCESSABLE else ErrorBody,
                                "description": said}
        if getattr(error, "retry_after", False):
            declared[status]["headers"] = {"Retry-After": RETRY_AFTER}
    return declared
