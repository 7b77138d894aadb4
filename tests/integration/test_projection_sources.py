"""Both sources of the scoring projection — Neo4j after ingest, and the interchange files read directly —
give the same projection, column by column, because one builder makes both.

The same files are loaded into the real Neo4j and read back, and read straight from disk;
each projection is put in a canonical order (rows keyed by firm code, person or address key)
and compared whole.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from riskgraph.graph.schema import apply_schema
from riskgraph.ingest.load import load_directory
from riskgraph.ingest.read import delta_directories
from riskgraph.jobs.evaluation import projection_from_files
from riskgraph.jobs.scoring import read_projection
from riskgraph.scoring.config import load_exempt_hubs
from riskgraph.scoring.projection import Projection, mark_exempt
from riskgraph.settings import Settings
from tests.conftest import FIXTURES
from tests.related_risk import CASE


def _value(x: Any) -> Any:
    """NaN as None, numpy scalars as plain values: comparable with ==."""
    if hasattr(x, "item"):
        x = x.item()
    return None if isinstance(x, float) and math.isnan(x) else x


def canonical(p: Projection) -> dict[str, Any]:
    """Every table of the projection as sorted rows that name firms and connectors by key, not position."""
    fid = [str(k) for k in p.firm_key]
    conn = [str(k) for k in p.conn_key]
    firms = {fid[i]: tuple(_value(getattr(p, c)[i]) for c in (
        "firm_name", "kind", "status", "key_area", "capital", "established", "region", "industry", "firm_exempt"))
        for i in range(p.n_firms)}
    connectors = {conn[i]: (_value(p.conn_kind[i]), str(p.conn_label[i]), _value(p.conn_exempt[i]))
                  for i in range(p.n_connectors)}
    events = sorted((fid[f], _value(k), _value(d), _value(s), _value(r))
                    for f, k, d, s, r in zip(p.ev_firm, p.ev_kind, p.ev_day, p.ev_severity, p.ev_result, strict=True))
    members = sorted((conn[c], fid[f], _value(r), _value(x))
                     for c, f, r, x in zip(p.mem_conn, p.mem_firm, p.mem_role, p.mem_ratio, strict=True))
    links = sorted((fid[s], fid[d], _value(k), _value(x))
                   for s, d, k, x in zip(p.link_src, p.link_dst, p.link_kind, p.link_ratio, strict=True))
    return {"month": p.month, "as_of": p.as_of, "firms": firms, "connectors": connectors, "events": events,
            "memberships": members, "links": links}


def _load(driver: Driver, settings: Settings, directory: Path) -> None:
    apply_schema(driver, settings)
    for part in [directory, *delta_directories(directory)]:
        load_directory(part, driver, settings)


@pytest.fixture()
def minimal_with_delta(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "minimal", tmp_path / "set")
    shutil.copytree(FIXTURES / "minimal_delta", tmp_path / "set" / "deltas" / "2024-06")
    return tmp_path / "set"


@pytest.mark.parametrize("month", ["2024-05", "2024-06"])
def test_minimal_set_with_a_delta_gives_one_projection_from_both_sources(
        clean_db: Driver, neo4j_settings: Settings, minimal_with_delta: Path, month: str) -> None:
    _load(clean_db, neo4j_settings, minimal_with_delta)
    salt = neo4j_settings.person_salt.get_secret_value()
    from_db = canonical(read_projection(clean_db, neo4j_settings, month))
    from_files = canonical(projection_from_files(minimal_with_delta, month, salt))
    assert from_db["firms"] and from_db["events"] and from_db["memberships"]  # a real comparison, not of empties
    assert from_db == from_files


@pytest.mark.parametrize("month", ["2026-06", "2026-07"])
def test_related_risk_case_gives_one_projection_from_both_sources(clean_db: Driver, neo4j_settings: Settings,
                                                                  month: str) -> None:
    _load(clean_db, neo4j_settings, CASE)
    salt = neo4j_settings.person_salt.get_secret_value()
    hubs = load_exempt_hubs(CASE / "exempt_hubs.yaml")
    files = projection_from_files(CASE, month, salt)
    mark_exempt(files, hubs, salt)
    from_db = canonical(read_projection(clean_db, neo4j_settings, month, hubs))
    assert from_db["links"] and any(x[-1] for x in from_db["connectors"].values())  # firm links and exempt hubs
    assert from_db == canonical(files)
