"""Cypher statements derived from the model's declarations: per relationship type, and the schema.

Each operation is one parameterised file (``cypher/ingest/rel_exists``, ``rel_update``,
``rel_create``; ``cypher/schema/node_key``, ``node_index``, ``rid_index``, ``fulltext_index``)
whose ``<<placeholders>>`` stand for what Cypher cannot take as a parameter without losing
its indexes: labels, relationship types, property keys and index names. They are filled in
here, only from the declarations in ``riskgraph.model`` (never from input), each checked to
be a plain identifier; values still travel as parameters. The statements are the ones the
hand-kept files held, so query plans and index names (which existing databases have) stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from riskgraph.graph import db
from riskgraph.model import NODE_LABELS, RELATIONSHIP_TYPES, NodeLabel, RelationshipType

# The storage layer's own bookkeeping: a run of `riskgraph ingest` (cypher/ingest/*_run.cypher).
INGEST_RUN = NodeLabel("IngestRun", "run_id")

_PLACEHOLDER = re.compile(r"<<(\w+)>>")
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@dataclass(frozen=True)
class RelationshipStatements:
    """The three statements that write one relationship type from one start label."""

    exists: str  # $rids → {found: [rid]}
    update: str  # $rows: [{rid, props}]
    create: str  # $rows: [{a: start key, b: end key, rid, props}]


@cache
def relationship_statements(rel: RelationshipType, start: NodeLabel) -> RelationshipStatements:
    """The statements that look up, update and create ``rel`` relationships from ``start`` nodes."""
    if not rel.rid:
        raise ValueError(f"{rel.name} has no rid: its relationships are written with their end node")
    if start not in rel.start:
        raise ValueError(f"{rel.name} does not start at {start.label} (declared: "
                         f"{', '.join(s.label for s in rel.start)})")
    return RelationshipStatements(
        exists=render("ingest/rel_exists", type=rel.name),
        update=render("ingest/rel_update", type=rel.name),
        create=render("ingest/rel_create", type=rel.name, start=start.label, start_key=start.key,
                      end=rel.end.label, end_key=rel.end.key),
    )


def schema_statements(labels: tuple[NodeLabel, ...] = NODE_LABELS,
                      relationships: tuple[RelationshipType, ...] = RELATIONSHIP_TYPES) -> list[str]:
    """Every constraint and index the declarations call for, each ``IF NOT EXISTS``.

    Names are ``<label>_<key>``, ``<label>_<property>``, ``<type>_rid`` and
    ``<label>_<properties>_fulltext`` in lower case (``firm_fid``, ``registered_at_rid``,
    ``firm_name_fulltext``); the ingest run's key constraint keeps the name it was created
    with, ``ingest_run_id``.
    """
    named = [(label, label.label.lower()) for label in labels] + [(INGEST_RUN, "ingest")]
    out = [render("schema/node_key", name=f"{prefix}_{label.key}", label=label.label, key=label.key)
           for label, prefix in named]
    out += [render("schema/node_index", name=f"{prefix}_{prop}", label=label.label, property=prop)
            for label, prefix in named for prop in label.indexed]
    out += [render("schema/rid_index", name=f"{rel.name.lower()}_rid", type=rel.name)
            for rel in relationships if rel.rid]
    out += [render("schema/fulltext_index", name=f"{prefix}_{'_'.join(label.fulltext)}_fulltext",
                   label=label.label, properties=", ".join(f"n.{_identifier(p)}" for p in label.fulltext))
            for label, prefix in named if label.fulltext]
    return out


def render(template: str, **names: str) -> str:
    """The statement of ``cypher/<template>.cypher`` (comments dropped) with its placeholders filled in.

    Every value must be an identifier, except a ``properties`` list built here from
    identifiers; a placeholder left unfilled, or a name the file does not use, is an error.
    """
    body = "\n".join(ln for ln in db.cypher(template).splitlines() if not ln.lstrip().startswith("//")).strip()
    for key, value in names.items():
        if key != "properties":
            _identifier(value)
    used = set(_PLACEHOLDER.findall(body))
    if used != set(names):
        raise ValueError(f"cypher/{template}.cypher needs {sorted(used)}, was given {sorted(names)}")
    return _PLACEHOLDER.sub(lambda m: names[m.group(1)], body)


def _identifier(name: str) -> str:
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"{name!r} is not a plain identifier; labels, types and keys in riskgraph/model.py must be")
    return name
