"""Ground truth and the exempt-hub list written beside the interchange files.

``truth/`` is for judging a scorer and must never be read by one: each firm's latent
risk and structure memberships, every planted structure with its members, the events
of the ``calendar.future_months`` months after the last delta month, and the parameters
that produced it all.
``exempt_hubs.yaml`` (top level) is a legitimate input: the hubs a regulator knows to be
risk-neutral (state-asset holders, registered-agent addresses, known professional nominees).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import yaml

from riskgraph.synth.world import Structure
from riskgraph.synth.writer import Dataset, write_csv


def write_truth_firms(d: Dataset, risk: np.ndarray, structures: list[Structure], present: np.ndarray,
                      path: Path) -> None:
    """firm_id, latent_risk, structures (ids, ';'-separated) and structure_types of every firm in the data set."""
    member_of: list[list[str]] = [[] for _ in range(len(risk))]
    type_of: list[list[str]] = [[] for _ in range(len(risk))]
    for s in structures:
        for f in s.firms:
            member_of[f].append(s.sid)
            if s.type not in type_of[f]:
                type_of[f].append(s.type)
    rows = np.flatnonzero(present)
    table = pa.table({
        "firm_id": pa.array(d.firm_ids[rows].tolist(), pa.string()),
        "latent_risk": pa.array(np.round(risk[rows], 4)),
        "structures": pa.array([";".join(member_of[i]) or None for i in rows], pa.string()),
        "structure_types": pa.array([";".join(type_of[i]) or None for i in rows], pa.string()),
    })
    write_csv(table, path)


def structure_records(d: Dataset, structures: list[Structure], present: np.ndarray) -> list[dict[str, Any]]:
    """One JSON object per planted structure, with identifiers instead of internal numbers."""
    out = []
    for s in structures:
        firms = [f for f in s.firms if present[f]]
        out.append({
            "id": s.sid,
            "type": s.type,
            "risky": s.risky,
            "effect": round(s.effect, 4),
            "firms": [str(d.firm_ids[f]) for f in firms],
            "persons": [str(d.person_ids[p]) for p in s.persons],
            "address": s.address,
            "hub_firm": str(d.firm_ids[s.hub_firm]) if s.hub_firm is not None else None,
            "hub_person": str(d.person_ids[s.hub_person]) if s.hub_person is not None else None,
            "exempt": s.exempt,
            "note": s.note,
        })
    return out


def write_structures(records: list[dict[str, Any]], path: Path) -> None:
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def exempt_hubs(d: Dataset, structures: list[Structure]) -> dict[str, list[str]]:
    """The hubs a regulator knows as risk-neutral: ``{firms, persons, addresses}``."""
    firms, persons, addresses = [], [], []
    for s in structures:
        if not s.exempt:
            continue
        if s.type == "state_asset_holder" and s.hub_firm is not None:
            firms.append(str(d.firm_ids[s.hub_firm]))
        elif s.type == "registered_agent_address" and s.address:
            addresses.append(s.address)
        elif s.type == "professional_nominee" and s.hub_person is not None:
            persons.append(str(d.person_ids[s.hub_person]))
    return {"firms": firms, "persons": persons, "addresses": addresses}


def write_exempt_hubs(hubs: dict[str, list[str]], path: Path) -> None:
    header = ("# Hubs a regulator knows to be risk-neutral: their links must not pass risk on.\n"
              "# Written by `riskgraph generate`; a legitimate scoring input (not ground truth).\n")
    path.write_text(header + yaml.safe_dump(hubs, allow_unicode=True, sort_keys=False), encoding="utf-8")
