"""Validated rows → the parameter rows of the ingest Cypher queries.

Persons are keyed by the salted hash of their ID number; addresses by their normalised
form; relationships by a stable id built from their endpoints, role and start date, so
that loading a file twice, or a delta that re-sends a row with ``until`` set, updates
the same relationship instead of adding another.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from riskgraph.ingest.validate import ValidRow
from riskgraph.model import FIRM, FIRMS, PERSON, PERSONS, REGISTRATIONS, InterchangeFile, NodeLabel, RelationshipType
from riskgraph.reference.addresses import normalise_address
from riskgraph.reference.identifiers import is_external, mask_person_id, person_key, person_ref

# The label a party reference (InterchangeFile.refs, or a holder_type value) points at.
_LABELS = {"firm": FIRM, "person": PERSON}


@dataclass
class PreparedBatch:
    """The rows of one write, with the interchange kind they came from.

    Node rows name the Cypher file that writes them (``query``). Relationship rows name
    their type and the label of their start nodes instead: the storage layer derives the
    statements from the declaration, updating stored relationships and creating new ones.
    """

    kind: str
    query: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)
    relationship: RelationshipType | None = None
    start: NodeLabel | None = None  # relationship rows: the label of every row's start node

    @property
    def description(self) -> str:
        """What the batch writes: ``merge_firms``, ``SHAREHOLDER_OF from Person``."""
        if self.relationship and self.start:
            return f"{self.relationship.name} from {self.start.label}"
        return self.query.split("/")[-1]


def relationship_id(rel_type: str, a: str, b: str, *extra: Any) -> str:
    text = "|".join([rel_type, a, b, *("" if e is None else str(e) for e in extra)])
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _props(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {n: values[n] for n in names if values.get(n) is not None}


class RowPreparer:
    def __init__(self, salt: str):
        self.salt = salt

    def person(self, raw_id: str) -> str:
        return person_key(raw_id, self.salt)

    def party(self, raw_id: str, party_type: str) -> str:
        return self.person(raw_id) if party_type == "person" else raw_id

    def prepare(self, spec: InterchangeFile, rows: list[ValidRow]) -> list[PreparedBatch]:
        if spec is FIRMS:
            return [PreparedBatch(spec.kind, spec.query, [self._firm(r.values) for r in rows])]
        if spec is PERSONS:
            return [PreparedBatch(spec.kind, spec.query, [self._person(r.values) for r in rows])]
        if spec is REGISTRATIONS:
            return self._registrations(spec, rows)
        if spec.kind == "events":
            return [PreparedBatch(spec.kind, spec.query, [self._event(r.values) for r in rows])]
        return self._relationships(spec, rows)

    def _firm(self, v: dict[str, Any]) -> dict[str, Any]:
        props = _props(v, ("name", "kind", "status", "registered_capital", "established", "region", "industry",
                           "key_area", "jurisdiction", "source"))
        if not is_external(v["firm_id"]):
            props["uscc"] = v["firm_id"]
        return {"fid": v["firm_id"], "props": props}

    def _person(self, v: dict[str, Any]) -> dict[str, Any]:
        props = _props(v, ("name", "source"))
        props["id_masked"] = mask_person_id(v["person_id"])
        pid = self.person(v["person_id"])
        props["ref"] = person_ref(pid, self.salt)
        return {"pid": pid, "props": props}

    def _event(self, v: dict[str, Any]) -> dict[str, Any]:
        props = _props(v, ("kind", "date", "severity", "amount", "result", "year", "authority", "detail"))
        return {"eid": v["event_id"], "fid": v["firm_id"], "props": props}

    def _registrations(self, spec: InterchangeFile, rows: list[ValidRow]) -> list[PreparedBatch]:
        rel = spec.relationship
        assert rel is not None
        addresses: dict[str, dict[str, Any]] = {}
        links: dict[str, dict[str, Any]] = {}
        for r in rows:
            v = r.values
            norm = normalise_address(v["address"], v["region"])
            addresses.setdefault(norm.key, {"aid": norm.key, "text": norm.text, "raw": v["address"],
                                            "region": norm.region})
            rid = relationship_id(rel.name, v["firm_id"], norm.key, v["since"])
            links[rid] = {"a": v["firm_id"], "b": norm.key, "rid": rid, "props": _props(v, rel.properties)}
        return [PreparedBatch(spec.kind, "ingest/merge_addresses", list(addresses.values())),
                PreparedBatch(spec.kind, rows=list(links.values()), relationship=rel, start=FIRM)]

    def _relationships(self, spec: InterchangeFile, rows: list[ValidRow]) -> list[PreparedBatch]:
        rel = spec.relationship
        assert rel is not None
        start_col, end_col = list(spec.refs)
        by_start: dict[str, PreparedBatch] = {}
        for r in rows:
            v = r.values
            start_kind = spec.refs[start_col]
            party_type = v["holder_type"] if start_kind == "party" else start_kind
            a = self.party(v[start_col], party_type)
            b = v[end_col]
            batch = by_start.setdefault(party_type, PreparedBatch(spec.kind, relationship=rel,
                                                                  start=_LABELS[party_type]))
            batch.rows.append({"a": a, "b": b, "rid": relationship_id(rel.name, a, b, v.get("role"), v.get("since")),
                               "props": _props(v, rel.properties)})
        for batch in by_start.values():
            batch.rows.sort(key=lambda row: row["a"])  # neighbouring rows touch the same nodes: fewer page faults
        return list(by_start.values())
