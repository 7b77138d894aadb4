"""Request dependencies shared by the routers: checked firm codes and the readers on app state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Path

from riskgraph.reference.identifiers import firm_id_problem


def checked_firm_id(fid: Annotated[str, Path(description="USCC or scheme:id")]) -> str:
    """422 with the reason (bad checksum, wrong length, …) before any query runs."""
    problem = firm_id_problem(fid)
    if problem:
        raise HTTPException(status_code=422, detail=[{"loc": ["path", "fid"], "msg": problem, "type": "value_error"}])
    return fid


FirmId = Annotated[str, Depends(checked_firm_id)]
