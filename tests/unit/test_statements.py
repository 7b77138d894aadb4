"""Cypher derived from the model's declarations: relationship statements, the schema, and the rows fed to them."""

from __future__ import annotations

import datetime as dt

import pytest

from riskgraph.graph.statements import relationship_statements, render, schema_statements
from riskgraph.ingest.prepare import RowPreparer
from riskgraph.ingest.validate import ValidRow
from riskgraph.model import (
    ADDRESS,
    FIRM,
    HAS_EVENT,
    INTERCHANGE_FILES,
    PERSON,
    RELATIONSHIP_TYPES,
    SHAREHOLDINGS,
    RelationshipType,
)

# (type, start label, start key, end label, end key): written out here, not read from the model,
# so that a declaration that changes an endpoint fails this test.
ENDPOINTS = [
    ("REGISTERED_AT", "Firm", "fid", "Address", "aid"),
    ("SHAREHOLDER_OF", "Person", "pid", "Firm", "fid"),
    ("SHAREHOLDER_OF", "Firm", "fid", "Firm", "fid"),
    ("LEGAL_REP_OF", "Person", "pid", "Firm", "fid"),
    ("OFFICER_OF", "Person", "pid", "Firm", "fid"),
    ("BRANCH_OF", "Firm", "fid", "Firm", "fid"),
]
REL = {rel.name: rel for rel in RELATIONSHIP_TYPES}
LABEL = {label.label: label for label in (FIRM, PERSON, ADDRESS)}


def test_every_relationship_with_a_rid_and_start_label_is_covered() -> None:
    declared = {(rel.name, start.label) for rel in RELATIONSHIP_TYPES if rel.rid for start in rel.start}
    assert declared == {(t, s) for t, s, *_ in ENDPOINTS}


@pytest.mark.parametrize(("rel_type", "start", "start_key", "end", "end_key"), ENDPOINTS)
def test_create_matches_both_keyed_endpoints_and_sets_the_props(rel_type: str, start: str, start_key: str, end: str,
                                                                 end_key: str) -> None:
    create = relationship_statements(REL[rel_type], LABEL[start]).create
    assert create.splitlines() == [
        "UNWIND $rows AS row",
        f"MATCH (a:{start} {{{start_key}: row.a}})",
        f"MATCH (b:{end} {{{end_key}: row.b}})",
        f"CREATE (a)-[r:{rel_type} {{rid: row.rid}}]->(b)",
        "SET r += row.props",
    ]


@pytest.mark.parametrize("rel_type", sorted({t for t, *_ in ENDPOINTS}))
def test_exists_and_update_look_the_rid_up_on_the_type(rel_type: str) -> None:
    rel = REL[rel_type]
    statements = relationship_statements(rel, rel.start[0])
    assert statements.exists.splitlines() == [
        "UNWIND $rids AS rid", f"MATCH ()-[r:{rel_type} {{rid: rid}}]->()", "RETURN collect(r.rid) AS found"]
    assert statements.update.splitlines() == [
        "UNWIND $rows AS row", f"MATCH ()-[r:{rel_type} {{rid: row.rid}}]->()", "SET r += row.props"]


def test_statements_refuse_what_the_declaration_does_not_allow() -> None:
    with pytest.raises(ValueError, match="does not start at Address"):
        relationship_statements(REL["OFFICER_OF"], ADDRESS)
    with pytest.raises(ValueError, match="no rid"):
        relationship_statements(HAS_EVENT, FIRM)
    crafted = RelationshipType("OFFICER_OF]->() DETACH DELETE (a) //", (PERSON,), FIRM)
    with pytest.raises(ValueError, match="not a plain identifier"):
        relationship_statements(crafted, PERSON)
    with pytest.raises(ValueError, match="needs"):
        render("ingest/rel_exists", type="OFFICER_OF", start="Person")


def test_schema_keeps_the_names_and_definitions_databases_already_have() -> None:
    statements = schema_statements()
    assert len(statements) == len(set(statements)) == 20
    assert all(" IF NOT EXISTS " in s for s in statements)
    for expected in (
        "CREATE CONSTRAINT firm_fid IF NOT EXISTS FOR (n:Firm) REQUIRE n.fid IS UNIQUE",
        "CREATE CONSTRAINT event_eid IF NOT EXISTS FOR (n:Event) REQUIRE n.eid IS UNIQUE",
        "CREATE CONSTRAINT ingest_run_id IF NOT EXISTS FOR (n:IngestRun) REQUIRE n.run_id IS UNIQUE",
        "CREATE INDEX firm_uscc IF NOT EXISTS FOR (n:Firm) ON (n.uscc)",
        "CREATE INDEX event_date IF NOT EXISTS FOR (n:Event) ON (n.date)",
        "CREATE INDEX person_ref IF NOT EXISTS FOR (n:Person) ON (n.ref)",  # the key a person is shown by
        "CREATE INDEX registered_at_rid IF NOT EXISTS FOR ()-[r:REGISTERED_AT]-() ON (r.rid)",
        "CREATE INDEX branch_of_rid IF NOT EXISTS FOR ()-[r:BRANCH_OF]-() ON (r.rid)",
        "CREATE FULLTEXT INDEX firm_name_fulltext IF NOT EXISTS FOR (n:Firm) ON EACH [n.name]\n"
        "  OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}",
        "CREATE FULLTEXT INDEX person_name_fulltext IF NOT EXISTS FOR (n:Person) ON EACH [n.name]\n"
        "  OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}",
    ):
        assert expected in statements
    assert not any("HAS_EVENT" in s for s in statements)  # merged with its event, looked up by eid


def test_declared_endpoints_and_properties_agree_with_the_files_that_feed_them() -> None:
    by_ref = {"firm": (FIRM,), "person": (PERSON,), "party": (PERSON, FIRM)}
    for spec in INTERCHANGE_FILES:
        rel = spec.relationship
        if rel is None:
            continue
        columns = {c.name for c in spec.columns}
        assert set(rel.properties) <= columns, spec.kind
        if rel.rid:
            assert not spec.query, spec.kind  # written by the derived statements, not a file of its own
            start_col = next(iter(spec.refs))
            assert set(rel.start) == set(by_ref[spec.refs[start_col]]), spec.kind
            if len(spec.refs) == 2:
                assert (rel.end,) == by_ref[spec.refs[list(spec.refs)[1]]], spec.kind


def test_shareholdings_are_batched_by_the_holder_label_with_only_declared_properties() -> None:
    values = {"ratio": 0.5, "subscribed_capital": 10.0, "since": dt.date(2020, 1, 1), "until": None}
    rows = [
        ValidRow(2, {"holder_id": "440305199201010012", "holder_type": "person", "firm_id": "f:1", **values}),
        ValidRow(3, {"holder_id": "f:2", "holder_type": "firm", "firm_id": "f:1", **values}),
    ]
    batches = RowPreparer("salt").prepare(SHAREHOLDINGS, rows)
    assert [(b.relationship, b.start) for b in batches] == [(REL["SHAREHOLDER_OF"], PERSON),
                                                             (REL["SHAREHOLDER_OF"], FIRM)]
    assert [b.description for b in batches] == ["SHAREHOLDER_OF from Person", "SHAREHOLDER_OF from Firm"]
    person_row, firm_row = batches[0].rows[0], batches[1].rows[0]
    assert person_row["a"] != "440305199201010012"  # the salted hash, never the ID number
    assert firm_row["a"] == "f:2" and firm_row["b"] == "f:1"
    assert person_row["props"] == firm_row["props"] == {"ratio": 0.5, "subscribed_capital": 10.0,
                                                        "since": dt.date(2020, 1, 1)}
