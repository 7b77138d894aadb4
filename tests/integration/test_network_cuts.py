"""Neighbourhoods against the real Neo4j: nearest first, and a cut says what it cut.

A hub firm with 150 officers and a registered address shared by 60 other firms; ten of the
officers also sit in one other firm each. Depth 2 with room for 200 nodes must hold every direct
neighbour (151) and say how many second-hop relationships it left out, by type and kind.
"""

from __future__ import annotations

from neo4j import Driver

from riskgraph.graph import db
from riskgraph.graph.reads import GraphReader
from riskgraph.settings import Settings

HUB = "91440300MA5HUB0001"
BUILD = """
CREATE (h:Firm {fid: $hub, name: 'hub'})-[:REGISTERED_AT]->(a:Address {aid: '440300:hub-address', text: 'x'})
WITH h, a
UNWIND range(1, 150) AS i
CREATE (p:Person {ref: 'p-officer-' + i, name: '张' + i})-[:OFFICER_OF {role: 'director'}]->(h)
WITH a, p, i WHERE i <= 10
CREATE (p)-[:OFFICER_OF {role: 'director'}]->(:Firm {fid: 'OTHER-' + i, name: 'other ' + i})
WITH DISTINCT a
UNWIND range(1, 60) AS j
CREATE (:Firm {fid: 'TENANT-' + j, name: 'tenant ' + j})-[:REGISTERED_AT]->(a)
"""


def _hub(driver: Driver, settings: Settings) -> GraphReader:
    with db.session(driver, settings) as sess:
        sess.run(BUILD, hub=HUB).consume()
    return GraphReader(driver, settings)


def test_every_direct_neighbour_comes_first_and_the_cut_is_counted(clean_db: Driver, neo4j_settings: Settings) -> None:
    net = _hub(clean_db, neo4j_settings).network(HUB, depth=2, max_nodes=200)
    assert net is not None
    ids = {n["id"] for n in net["nodes"]}
    direct = {f"p-officer-{i}" for i in range(1, 151)} | {"440300:hub-address"}
    assert direct <= ids  # all 151, though 70 second-hop firms compete for the room left
    assert len(ids) == 201  # the hub and 200 more
    second_hop = len(ids) - 1 - len(direct)
    assert net["truncated"]
    assert net["left_out"]["entities"] == {"firm": 70 - second_hop}
    assert sum(net["left_out"]["relationships"].values()) == 70 - second_hop
    assert set(net["left_out"]["relationships"]) <= {"OFFICER_OF", "REGISTERED_AT"}


def test_a_neighbourhood_with_room_to_spare_is_whole(clean_db: Driver, neo4j_settings: Settings) -> None:
    net = _hub(clean_db, neo4j_settings).network(HUB, depth=2, max_nodes=500)
    assert net is not None
    assert len(net["nodes"]) == 1 + 151 + 70 and not net["truncated"]
    assert net["left_out"] == {"relationships": {}, "entities": {}}
    assert len(net["edges"]) == 151 + 10 + 60


def test_a_hub_cut_at_the_first_ring_reports_its_members_left_out(clean_db: Driver, neo4j_settings: Settings) -> None:
    net = _hub(clean_db, neo4j_settings).network("440300:hub-address", depth=1, max_nodes=20)
    assert net is not None
    assert len(net["nodes"]) == 21 and net["truncated"]
    assert net["left_out"] == {"relationships": {"REGISTERED_AT": 41}, "entities": {"firm": 41}}
