"""Constraints and indexes: created by one idempotent command, one per key declared in the model."""

from __future__ import annotations

import pytest
from neo4j import Driver
from neo4j.exceptions import ConstraintError

from riskgraph.graph import db
from riskgraph.model import NODE_LABELS, RELATIONSHIP_TYPES
from riskgraph.graph.schema import apply_schema
from riskgraph.settings import Settings


def test_schema_is_idempotent_and_covers_the_model(clean_db: Driver, neo4j_settings: Settings) -> None:
    first = apply_schema(clean_db, neo4j_settings)
    second = apply_schema(clean_db, neo4j_settings)
    assert first == second
    for label in NODE_LABELS:
        assert f"{label.label.lower()}_{label.key}" in first
        for prop in label.indexed:
            assert f"{label.label.lower()}_{prop}" in first
        if label.fulltext:
            assert f"{label.label.lower()}_name_fulltext" in first
    for rel in RELATIONSHIP_TYPES:
        if rel != "HAS_EVENT":
            assert f"{rel.lower()}_rid" in first
    with db.session(clean_db, neo4j_settings) as sess:
        states = {r["name"]: r["state"] for r in sess.run(db.cypher("schema/list"))}
        assert set(states.values()) == {"ONLINE"}
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
