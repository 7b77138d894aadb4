"""The raw tables a month's scoring projection is built from: the contract between the sources and the core.

Two sources fill :class:`MonthTables` — the storage layer reading Neo4j
(``graph/month_tables.py``) and the interchange reader (``ingest/month_tables.py``) — and
one pure builder (``scoring/build.py``) turns them into the projection, so both sources
give the same projection by construction. The tables are plain columns, as a source has
them: no codes, no joins, no masking.

What every source promises:

- **Handles.** Every firm, person and address row has an integer ``node`` handle, unique
  within its table; relationship rows name their ends by handle. The storage layer uses
  Neo4j's internal ids (also what results are written back to); the interchange reader
  numbers rows. Rows are in any order; the builder orders them by handle.
- **In force.** Relationship rows are those in force at the month's end (``since`` on or
  before it, ``until`` after it or empty). Event rows may run past the month; the builder
  drops them.
- **Blank values.** Text ``""``; ``capital`` and ``ratio`` negative or NaN; ``established``
  ``0``; ``severity`` ``0``; ``status_changes`` an empty list.

Columns, per table:

=============  ==========================================================================
firms          node, fid, name, kind, status, key_area, capital (10,000 CNY), established
               (YYYYMMDD), region (GB/T 2260), industry (GB/T 4754), status_changes
               (``"YYYY-MM:status before"`` per dated change, in load order)
events         firm (handle), kind, ymd (YYYYMMDD), severity (0–3), result
persons        node, key (the opaque key a person is shown by: reference.identifiers.person_ref), name (raw;
               the builder masks it)
address_texts  node, aid (the normalised key), text
legal_reps     person, firm (handles)
officers       person, firm (handles)
shareholdings  holder, firm (handles), ratio (0–1), by_person (the holder is a person)
addresses      address, firm (handles): registered addresses
branches       branch, head (firm handles)
=============  ==========================================================================

This module only declares the shape; it does no I/O and imports no other layer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

Column = Sequence[Any] | npt.NDArray[Any]  # a list as a driver returns it, or an array a reader made
Columns = Mapping[str, Column]

COLUMNS: dict[str, tuple[str, ...]] = {
    "firms": ("node", "fid", "name", "kind", "status", "key_area", "capital", "established", "region", "industry",
              "status_changes"),
    "events": ("firm", "kind", "ymd", "severity", "result"),
    "persons": ("node", "key", "name"),
    "address_texts": ("node", "aid", "text"),
    "legal_reps": ("person", "firm"),
    "officers": ("person", "firm"),
    "shareholdings": ("holder", "firm", "ratio", "by_person"),
    "addresses": ("address", "firm"),
    "branches": ("branch", "head"),
}


@dataclass(frozen=True)
class MonthTables:
    """One month's raw tables (see the module text for every column)."""

    firms: Columns
    events: Columns
    persons: Columns
    address_texts: Columns
    legal_reps: Columns
    officers: Columns
    shareholdings: Columns
    addresses: Columns
    branches: Columns

    def __post_init__(self) -> None:
        for f in fields(self):
            table: Columns = getattr(self, f.name)
            missing = [c for c in COLUMNS[f.name] if c not in table]
            if missing:
                raise ValueError(f"raw table {f.name} lacks the columns {missing}")
            sizes = {len(table[c]) for c in COLUMNS[f.name]}
            if len(sizes) > 1:
                raise ValueError(f"raw table {f.name}: columns of different lengths {sorted(sizes)}")

    @classmethod
    def from_dict(cls, tables: Mapping[str, Columns]) -> MonthTables:
        return cls(**{name: tables[name] for name in COLUMNS})


@dataclass(frozen=True)
class RatingRows:
    """A month's ratings as the storage layer writes them: parallel columns, one entry per firm."""

    node: Column  # the firm's handle in the store
    fid: Column  # firm codes
    score: npt.NDArray[np.float64]
    own: npt.NDArray[np.float64]  # points from the firm's own indicators
    received: npt.NDArray[np.float64]  # risk received through related parties
    cls: Sequence[str]  # A–D
    indicator_set: Sequence[str]  # "general" or the key-area set's name
    reasons: Sequence[str]  # JSON texts

    def __len__(self) -> int:
        return len(self.fid)


@dataclass(frozen=True)
class ScoreRun:
    """What identifies one scoring run of a month: stored with each of its ratings."""

    month: str
    run_id: str
    model_version: str
    class_counts: Mapping[str, int]
