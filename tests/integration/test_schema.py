"""Constraints and indexes: created by one idempotent command, exactly those the model declares."""

from __future__ import annotations

import pytest
from neo4j import Driver
from neo4j.exceptions import ConstraintError

from riskgraph.graph import db
from riskgraph.graph.schema import apply_schema
from riskgraph.graph.statements import INGEST_RUN
from riskgraph.model import NODE_LABELS, RELATIONSHIP_TYPES
from riskgraph.settings import Settings

Index = tuple[str, str, str, tuple[str, ...], tuple[str, ...], bool]  # name, type, entity, labels, properties, unique


def declared() -> set[Index]:
    """What the model declares, under the names existing databases already have (firm_fid, …)."""
    out: set[Index] = {("ingest_run_id", "RANGE", "NODE", (INGEST_RUN.label,), (INGEST_RUN.key,), True)}
    for label in NODE_LABELS:
        prefix = label.label.lower()
        out.add((f"{prefix}_{label.key}", "RANGE", "NODE", (label.label,), (label.key,), True))
        out |= {(f"{prefix}_{p}", "RANGE", "NODE", (label.label,), (p,), False) for p in label.indexed}
        if label.fulltext:
            out.add((f"{prefix}_{'_'.join(label.fulltext)}_fulltext", "FULLTEXT", "NODE", (label.label,),
                     label.fulltext, False))
    for rel in RELATIONSHIP_TYPES:
        if rel.rid:
            out.add((f"{rel.name.lower()}_rid", "RANGE", "RELATIONSHIP", (rel.name,), ("rid",), False))
    return out


def listed(driver: Driver, settings: Settings) -> set[Index]:
    """What the server lists on the model's labels and relationship types (not scoring results, not lookups)."""
    ours = {label.label for label in (*NODE_LABELS, INGEST_RUN)} | {rel.name for rel in RELATIONSHIP_TYPES}
    with db.session(driver, settings) as sess:
        rows = sess.run(db.cypher("schema/list")).data()
    assert {r["state"] for r in rows} == {"ONLINE"}
    return {(r["name"], r["type"], r["entity"], tuple(r["labels"]), tuple(r["properties"]), r["constraint"] is not None)
            for r in rows if r["type"] != "LOOKUP" and set(r["labels"]) <= ours}


def test_schema_is_idempotent_and_is_what_the_model_declares(clean_db: Driver, neo4j_settings: Settings) -> None:
    first = apply_schema(clean_db, neo4j_settings)
    second = apply_schema(clean_db, neo4j_settings)
    assert first == second
    assert listed(clean_db, neo4j_settings) == declared()
    assert {"firm_fid", "ingest_run_id", "registered_at_rid", "shareholder_of_rid", "firm_name_fulltext",
            "person_name_fulltext"} <= set(first)  # the names databases created before derivation have
    with db.session(clean_db, neo4j_settings) as sess:
        analyzers = {r["name"]: r["options"]["indexConfig"]["fulltext.analyzer"]
                     for r in sess.run("SHOW FULLTEXT INDEXES YIELD name, options")}
        assert analyzers == {"firm_name_fulltext": "cjk", "person_name_fulltext": "cjk"}
        sess.run("CREATE (:Firm {fid: 'x:1'})").consume()
        with pytest.raises(ConstraintError):
            sess.run("CREATE (:Firm {fid: 'x:1'})").consume()


def test_chinese_names_are_found_by_full_text(clean_db: Driver, neo4j_settings: Settings) -> None:
    apply_schema(clean_db, neo4j_settings)
    with db.session(clean_db, neo4j_settings) as sess:
        sess.run("CREATE (:Firm {fid: 'x:1', name: '深圳市南山示例科技有限公司'}), "
                 "(:Firm {fid: 'x:2', name: '北京贸易公司'})").consume()
        sess.run(db.cypher("schema/await_indexes")).consume()
        hits = sess.run("CALL db.index.fulltext.queryNodes('firm_name_fulltext', '南山') YIELD node "
                        "RETURN node.fid AS fid").value()
    assert hits == ["x:1"]


def test_persons_stored_before_they_had_a_shown_key_get_one(clean_db: Driver, neo4j_settings: Settings) -> None:
    """A database loaded by an earlier version: apply_schema gives every person its ``ref``, once."""
    from riskgraph.reference.identifiers import person_ref

    with db.session(clean_db, neo4j_settings) as sess:
        sess.run("UNWIND range(1, 25) AS i CREATE (:Person {pid: 'p:old' + i})").consume()
        sess.run("CREATE (:Person {pid: 'p:new', ref: 'p-kept'})").consume()
    apply_schema(clean_db, neo4j_settings)
    apply_schema(clean_db, neo4j_settings)  # nothing left to do the second time
    with db.session(clean_db, neo4j_settings) as sess:
        refs = {r["pid"]: r["ref"] for r in sess.run("MATCH (p:Person) RETURN p.pid AS pid, p.ref AS ref")}
    salt = neo4j_settings.person_salt.get_secret_value()
    assert refs.pop("p:new") == "p-kept"
    assert refs == {f"p:old{i}": person_ref(f"p:old{i}", salt) for i in range(1, 26)}
