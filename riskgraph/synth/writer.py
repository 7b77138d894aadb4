"""Cutting the generated timeline into interchange files: the base snapshot, delta months, future events.

A slice covers the days (start, end]. Firms: those established in it, and in deltas
also those whose status or name changed in it (the whole row as of the slice's end).
Relationships: rows that start in it (with ``until`` if they also ended by its end), and
in deltas rows that started earlier and ended in it (re-sent with ``until``). Persons:
those whose first role falls in it. Events: those dated in it. Columns follow
``riskgraph.model`` exactly, in declared order; nothing here decides content.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from riskgraph.model import FILES_BY_KIND, INTERCHANGE_FILES, EntityKind, FirmStatus, OfficerRole
from riskgraph.synth.geography import Geography
from riskgraph.synth.lifecycle import ACTIVE, CANCELLED, REVOKED
from riskgraph.synth.population import KEY_AREAS
from riskgraph.synth.timeline import NEVER, Period
from riskgraph.synth.world import EVENT_KINDS, INSPECTION_RESULTS, Rows

_KIND_NAMES = np.array([EntityKind.ENTERPRISE.value, EntityKind.INDIVIDUAL.value, EntityKind.COOPERATIVE.value],
                       dtype=object)
_STATUS_NAMES = np.empty(3, dtype=object)
_STATUS_NAMES[[ACTIVE, REVOKED, CANCELLED]] = [FirmStatus.ACTIVE.value, FirmStatus.REVOKED.value,
                                               FirmStatus.CANCELLED.value]
_ROLE_NAMES = np.array([OfficerRole.DIRECTOR.value, OfficerRole.SUPERVISOR.value, OfficerRole.MANAGER.value],
                       dtype=object)


@dataclass
class Dataset:
    """Everything the writer needs, indexed by firm and person number."""

    geo: Geography
    source: str
    firm_ids: np.ndarray
    kind: np.ndarray
    county: np.ndarray
    industry: np.ndarray
    key_area: np.ndarray
    capital: np.ndarray
    established: np.ndarray
    end: np.ndarray
    end_status: np.ndarray
    name: np.ndarray
    renamed_on: np.ndarray
    new_name: np.ndarray
    person_ids: np.ndarray
    person_names: np.ndarray
    person_first_seen: np.ndarray
    legal_reps: Rows
    officers: Rows
    holdings: Rows
    registrations: Rows
    branches: Rows
    events: Rows  # sorted by date, with ``event_id`` set


def _in(days: np.ndarray, period: Period) -> np.ndarray:
    return (days > period.start) & (days <= period.end)


def _dates(days: np.ndarray, show: np.ndarray | None = None) -> pa.Array:
    """Day numbers as ISO dates; rows where ``show`` is False (or the day is NEVER) are empty."""
    mask = days >= NEVER if show is None else ~show | (days >= NEVER)
    safe = np.where(mask, 0, days).astype("datetime64[D]")
    return pa.array(safe, type=pa.date32(), mask=mask)


def _text(values: np.ndarray) -> pa.Array:
    return pa.array(values.tolist() if values.dtype == object else values, type=pa.string(), from_pandas=True)


def _floats(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype(float), type=pa.float64(), from_pandas=True)


def _ints(values: np.ndarray, empty: int) -> pa.Array:
    return pa.array(values.astype(np.int64), type=pa.int64(), mask=values == empty)


def firm_table(d: Dataset, period: Period) -> pa.Table:
    """Firm rows of the slice, as of its end."""
    new = _in(d.established, period)
    changed = (d.established <= period.start) & (_in(d.end, period) | _in(d.renamed_on, period))
    rows = np.flatnonzero(new | changed)
    status = np.where(d.end[rows] <= period.end, d.end_status[rows], ACTIVE)
    name = np.where(d.renamed_on[rows] <= period.end, d.new_name[rows], d.name[rows])
    key_area = np.array([*KEY_AREAS, None], dtype=object)[np.where(d.key_area[rows] >= 0, d.key_area[rows], -1)]
    n = len(rows)
    return _table("firms", {
        "firm_id": _text(d.firm_ids[rows]),
        "name": _text(name),
        "kind": _text(_KIND_NAMES[d.kind[rows]]),
        "status": _text(_STATUS_NAMES[status]),
        "registered_capital": _floats(d.capital[rows]),
        "established": _dates(d.established[rows]),
        "region": _text(d.geo.codes[d.county[rows]]),
        "industry": _text(d.industry[rows]),
        "key_area": _text(key_area),
        "jurisdiction": pa.nulls(n, pa.string()),
        "source": _text(np.full(n, d.source, dtype=object)),
    })


def person_table(d: Dataset, period: Period) -> pa.Table:
    rows = np.flatnonzero(_in(d.person_first_seen, period))
    return _table("persons", {
        "person_id": _text(d.person_ids[rows]),
        "name": _text(d.person_names[rows]),
        "source": _text(np.full(len(rows), d.source, dtype=object)),
    })


def _relationship_rows(r: Rows, period: Period) -> tuple[np.ndarray, np.ndarray]:
    """Rows of a relationship table in the slice, and whether their ``until`` is shown."""
    since, until = r["since"], r["until"]
    rows = np.flatnonzero(_in(since, period) | ((since <= period.start) & _in(until, period)))
    return rows, until[rows] <= period.end


def relationship_table(d: Dataset, kind: str, period: Period) -> pa.Table:
    r = {"registrations": d.registrations, "shareholdings": d.holdings, "legal_reps": d.legal_reps,
         "officers": d.officers, "branches": d.branches}[kind]
    rows, show = _relationship_rows(r, period)
    cols: dict[str, pa.Array] = {"since": _dates(r["since"][rows]), "until": _dates(r["until"][rows], show)}
    if kind == "registrations":
        firm = r["firm"][rows]
        region = d.geo.codes[d.county[firm]].copy()
        region[r["region_blank"][rows]] = None
        cols |= {"firm_id": _text(d.firm_ids[firm]), "address": _text(r["address"][rows]), "region": _text(region)}
    elif kind == "shareholdings":
        is_firm = r["holder_is_firm"][rows]
        holder = r["holder"][rows]
        holder_id = np.where(is_firm, d.firm_ids[np.where(is_firm, holder, 0)],
                             d.person_ids[np.where(is_firm, 0, holder)])
        holder_type = np.where(is_firm, "firm", "person").astype(object)
        cols |= {"holder_id": _text(holder_id), "holder_type": _text(holder_type),
                 "firm_id": _text(d.firm_ids[r["firm"][rows]]), "ratio": _floats(r["ratio"][rows]),
                 "subscribed_capital": _floats(r["subscribed"][rows])}
    elif kind == "legal_reps":
        cols |= {"person_id": _text(d.person_ids[r["person"][rows]]), "firm_id": _text(d.firm_ids[r["firm"][rows]])}
    elif kind == "officers":
        cols |= {"person_id": _text(d.person_ids[r["person"][rows]]), "firm_id": _text(d.firm_ids[r["firm"][rows]]),
                 "role": _text(_ROLE_NAMES[r["role"][rows]])}
    elif kind == "branches":
        cols |= {"branch_id": _text(d.firm_ids[r["branch"][rows]]), "parent_id": _text(d.firm_ids[r["parent"][rows]])}
    return _table(kind, cols)


def event_table(d: Dataset, period: Period) -> pa.Table:
    e = d.events
    rows = np.flatnonzero(_in(e["date"], period))
    firm = e["firm"][rows]
    result = np.array([*INSPECTION_RESULTS, None], dtype=object)[e["result"][rows]]
    return _table("events", {
        "event_id": _text(e["event_id"][rows]),
        "firm_id": _text(d.firm_ids[firm]),
        "kind": _text(np.array(EVENT_KINDS, dtype=object)[e["kind"][rows]]),
        "date": _dates(e["date"][rows]),
        "severity": _ints(e["severity"][rows], 0),
        "amount": _floats(e["amount"][rows]),
        "result": _text(result),
        "year": _ints(e["year"][rows], 0),
        "authority": _text(d.geo.authority(d.county[firm], e["authority"][rows])),
        "detail": _text(e["detail"][rows]),
    })


def _table(kind: str, cols: dict[str, pa.Array]) -> pa.Table:
    """Columns in the order ``graph.model`` declares; a missing or extra column is a bug here."""
    declared = [c.name for c in FILES_BY_KIND[kind].columns]
    if set(cols) != set(declared):
        raise AssertionError(f"{kind}: columns {sorted(cols)} differ from the model's {declared}")
    return pa.table({name: cols[name] for name in declared})


def write_csv(table: pa.Table, path: Path) -> int:
    """Write one CSV: header of column names, empty cell for null, quotes only where a value needs them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))
    except pa.ArrowInvalid:  # a value holds a comma, quote or line break
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))
    return table.num_rows


def write_slice(d: Dataset, period: Period, directory: Path) -> dict[str, int]:
    """All eight interchange files of one slice; returns rows per file."""
    counts: dict[str, int] = {}
    for spec in INTERCHANGE_FILES:
        if spec.kind == "firms":
            table = firm_table(d, period)
        elif spec.kind == "persons":
            table = person_table(d, period)
        elif spec.kind == "events":
            table = event_table(d, period)
        else:
            table = relationship_table(d, spec.kind, period)
        counts[spec.kind] = write_csv(table, directory / f"{spec.kind}.csv")
    return counts


def event_ids(dates: np.ndarray) -> np.ndarray:
    """``E20260315-00001234``: the day and a running number over the whole timeline (dates must be sorted)."""
    day_text = pc.strftime(pa.array(dates.astype("datetime64[D]"), type=pa.date32()).cast(pa.timestamp("s")),
                           format="%Y%m%d")
    seq = pc.utf8_lpad(pc.cast(pa.array(np.arange(1, len(dates) + 1)), pa.string()), 8, "0")
    ids = pc.binary_join_element_wise(pc.binary_join_element_wise("E", day_text, ""), seq, "-")
    return np.array(ids.to_pylist(), dtype=object)
