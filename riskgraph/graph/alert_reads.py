"""What the early warning reads from Neo4j: firms, registrations and roles begun in a span, change and
complaint records — raw columns, as plain lists (``collect()`` in one record, NEO4J.md).

Persons come only by their opaque ``ref``, never the stored ``pid``: alerts are shown to analysts and
investigators, and the ref is the key the service shows a person by. The jobs layer turns these
columns into the core's dataframes (``riskgraph.warning.detect.AlertInputs``); this module only reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from neo4j import Driver

from riskgraph.graph import db
from riskgraph.settings import Settings


def firm_columns(driver: Driver, settings: Settings) -> dict[str, list[Any]]:
    """fid, industry, established (YYYYMMDD, 0 unknown), region of every firm."""
    return db.read_columns(driver, settings, "read/alert_firms")


def registration_columns(driver: Driver, settings: Settings, start: dt.date, end: dt.date) -> dict[str, list[Any]]:
    """aid, fid, since of every registration at an address begun in [start, end]."""
    return db.read_columns(driver, settings, "read/alert_registrations", **{"from": start, "end": end})


def person_role_columns(driver: Driver, settings: Settings, start: dt.date,
                        end: dt.date) -> dict[str, dict[str, list[Any]]]:
    """``{"legal_rep": …, "shareholder": …}``: ref, fid, since of the roles begun in [start, end]."""
    window = {"from": start, "end": end}
    return {"legal_rep": db.read_columns(driver, settings, "read/alert_legal_reps", **window),
            "shareholder": db.read_columns(driver, settings, "read/alert_person_holdings", **window)}


def event_columns(driver: Driver, settings: Settings, kinds: Sequence[str], start: dt.date,
                  end: dt.date) -> dict[str, list[Any]]:
    """fid, kind, date of the events of ``kinds`` dated in [start, end]."""
    return db.read_columns(driver, settings, "read/alert_events", kinds=list(kinds), **{"from": start, "end": end})
