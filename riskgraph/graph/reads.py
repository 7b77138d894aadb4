"""Read queries the service needs: profiles, events, search and neighbourhoods, shaped as plain dicts."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

from neo4j import Driver, ManagedTransaction
from neo4j.graph import Node, Relationship
from neo4j.time import Date

from riskgraph.graph import db
from riskgraph.reference.identifiers import mask_name
from riskgraph.settings import Settings

# Lucene's classic query syntax (what db.index.fulltext.queryNodes parses): these characters are
# operators (+ - ! ( ) { } [ ] ^ " ~ * ? : \ / and the doubled & and |), and the words AND, OR and
# NOT are operators when they stand alone between the parser's separators (space, tab, CR, LF and the
# ideographic space U+3000). Searching is for names, never for query syntax: every operator is
# escaped so that any text is read as plain terms.
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
_LUCENE_SEPARATORS = " \t\r\n\u3000"
_LUCENE_WORD_OPERATOR = re.compile(rf"(?<![^{_LUCENE_SEPARATORS}])(AND|OR|NOT)(?![^{_LUCENE_SEPARATORS}])")


def lucene_terms(text: str) -> str:
    """``text`` as a Lucene classic query of plain terms: operator characters and words escaped."""
    escaped = _LUCENE_SPECIAL.sub(r"\\\1", text)
    return _LUCENE_WORD_OPERATOR.sub(r"\\\1", escaped)


def plain(value: Any) -> Any:
    """Neo4j temporal values → ISO strings, recursively; everything else unchanged."""
    if isinstance(value, Date | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class GraphReader:
    def __init__(self, driver: Driver, settings: Settings):
        self.driver = driver
        self.settings = settings

    def firm_profile(self, fid: str, id_masked: bool = False) -> dict[str, Any] | None:
        """The firm with its addresses and legal representatives: each by the key it is shown by and a masked
        name, and with the masked ID number only when ``id_masked`` (a caller cleared for it)."""
        with db.session(self.driver, self.settings) as sess:
            rec = db.read_single(sess, "read/firm_profile", fid=fid)
        if rec is None:
            return None
        reps = [{"key": p["ref"], "name": mask_name(p.get("name") or ""),
                 **({"id_masked": p.get("id_masked")} if id_masked else {})} for p in rec["legal_reps"]]
        return plain({**rec["firm"], "addresses": rec["addresses"], "legal_reps": reps})

    def person_by_pid(self, pid: str) -> dict[str, Any] | None:
        """A person by the stored key (the salted hash of an ID number), with the firms where they hold a role:
        the key they are shown by, the masked name and ID number. For cleared callers only (the API decides)."""
        with db.session(self.driver, self.settings) as sess:
            rec = db.read_single(sess, "read/person_by_pid", pid=pid)
        if rec is None:
            return None
        person = rec["person"]
        return {"key": person["ref"], "name": mask_name(person.get("name") or ""), "id_masked": person["id_masked"],
                "firms": rec["firms"]}

    def firm_events(self, fid: str, limit: int = 200) -> list[dict[str, Any]]:
        with db.session(self.driver, self.settings) as sess:
            return [plain(r["event"]) for r in db.read_all(sess, "read/firm_events", fid=fid, limit=limit)]

    def search_firms(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Firms whose name matches the words of ``query`` (any text: nothing in it is query syntax), or whose
        code is ``query`` (as typed, or in upper case: a USCC typed in lower case); best first."""
        text = query.strip()
        if not text:
            return []
        with db.session(self.driver, self.settings) as sess:
            return db.read_all(sess, "read/search_firms", query=lucene_terms(text),
                               fids=sorted({text, text.upper()}), limit=limit)

    def network(self, key: str, depth: int, max_nodes: int) -> dict[str, Any] | None:
        """Nodes and edges around an entity, at most ``max_nodes`` nodes besides it, found ring by ring.

        Breadth first, so that every direct neighbour comes before any second-hop node when the cap
        is reached, and one query per ring, each bounded (``max_nodes`` relationships per node, four
        times that in all): a hub — a registered agent's address with thousands of firms — costs a
        bounded read, not the enumeration of every path through it. When a ring is cut, its nodes'
        relationships are counted, so that the answer says what it left out (by relationship type
        and by the kind of entity at the other end); all rings are read in one transaction.
        """
        per_node, per_ring = max_nodes + 1, (max_nodes + 1) * 4  # one more than can be shown: a cut is seen

        Read = tuple[dict[str, Node], dict[str, Relationship], Counter[tuple[str, str]]]

        def rings(tx: ManagedTransaction) -> Read | None:
            found = tx.run(db.cypher("read/entity_start"), key=key).single()
            if found is None:
                return None
            nodes: dict[str, Node] = {found["start"].element_id: found["start"]}
            rels: dict[str, Relationship] = {}
            left_out: Counter[tuple[str, str]] = Counter()
            frontier = [found["start"].element_id]
            for _ in range(depth):
                if not frontier:
                    break
                rows = tx.run(db.cypher("read/entity_neighbours"), frontier=frontier, per_node=per_node,
                              limit=per_ring).values("source", "rel", "other")
                per_source = Counter(source for source, _, _ in rows)
                cut = len(rows) >= per_ring or max(per_source.values(), default=0) >= per_node
                expanded, shown = frontier, Counter[tuple[str, str]]()
                frontier = []
                for _, rel, other in rows:
                    if other.element_id not in nodes:
                        if len(nodes) > max_nodes:
                            cut = True
                            continue
                        nodes[other.element_id] = other
                        frontier.append(other.element_id)
                    rels.setdefault(rel.element_id, rel)
                    shown[(rel.type, _kind(other))] += 1
                if cut:
                    for r in tx.run(db.cypher("read/entity_degrees"), frontier=expanded):
                        left_out[(r["type"], KIND_OF_LABEL.get(r["label"], str(r["label"])))] += r["n"]
                    left_out.subtract(shown)
            return nodes, rels, +left_out

        with db.session(self.driver, self.settings) as sess:
            read = db.execute_read(sess, rings, query_name="read/entity_neighbours")
        if read is None:
            return None
        nodes, rels, left_out = read
        shown = {eid: _node(node) for eid, node in nodes.items()}
        edges = [_edge(rel, shown[rel.start_node.element_id]["id"], shown[rel.end_node.element_id]["id"])
                 for rel in rels.values()
                 if rel.start_node is not None and rel.end_node is not None
                 and rel.start_node.element_id in shown and rel.end_node.element_id in shown]
        by_type: Counter[str] = Counter()
        by_kind: Counter[str] = Counter()
        for (rel_type, kind), n in left_out.items():
            by_type[rel_type] += n
            by_kind[kind] += n
        return {"nodes": list(shown.values()), "edges": edges, "truncated": bool(left_out),
                "left_out": {"relationships": dict(by_type), "entities": dict(by_kind)}}

    def ownership(self, key: str, upstream: bool, max_hops: int, max_holdings: int
                  ) -> tuple[dict[str, Any], list[tuple[str, str, float]], dict[str, dict[str, Any]], bool] | None:
        """The shareholdings in force around an entity, hop by hop up to ``max_hops``: who holds it (``upstream``)
        or what it holds. Returns the entity, the holdings as (holder key, held key, ratio), every entity met by
        its key (as :func:`_node` shows it) and whether a bound cut the walk; None for an unknown key."""

        def walk(tx: ManagedTransaction) -> tuple[Node, list[tuple[Node, Node, float]], bool] | None:
            found = tx.run(db.cypher("read/entity_start"), key=key).single()
            if found is None:
                return None
            seen = {found["start"].element_id}
            frontier, cut = [found["start"].element_id], False
            holdings: list[tuple[Node, Node, float]] = []
            for _ in range(max_hops):
                if not frontier:
                    break
                room = max_holdings - len(holdings)
                rows = tx.run(db.cypher("read/shareholders_of"), frontier=frontier, upstream=upstream,
                              limit=room + 1).values("holder", "held", "ratio")
                cut |= len(rows) > room
                frontier = []
                for holder, held, ratio in rows[:room]:
                    holdings.append((holder, held, float(ratio or 0.0)))
                    far = holder if upstream else held
                    if far.element_id not in seen:
                        seen.add(far.element_id)
                        frontier.append(far.element_id)
            else:
                cut |= bool(frontier)
            return found["start"], holdings, cut

        with db.session(self.driver, self.settings) as sess:
            read = db.execute_read(sess, walk, query_name="read/shareholders_of")
        if read is None:
            return None
        start, rows, cut = read
        entities: dict[str, dict[str, Any]] = {}
        for node in [start, *(n for holder, held, _ in rows for n in (holder, held))]:
            shown = _node(node)
            entities.setdefault(shown["id"], shown)
        holdings = [(_node(h)["id"], _node(f)["id"], ratio) for h, f, ratio in rows]
        return _node(start), holdings, entities, cut


KIND_OF_LABEL = {"Firm": "firm", "Person": "person", "Address": "address"}


def _kind(node: Node) -> str:
    label = next(iter(node.labels))
    return KIND_OF_LABEL.get(label, label)


def _node(node: Node) -> dict[str, Any]:
    label = next(iter(node.labels))
    props = dict(node)
    if label == "Person":
        return {"id": props["ref"], "type": "person", "label": mask_name(props.get("name") or "")}
    if label == "Address":
        return {"id": props["aid"], "type": "address", "label": props.get("text"), "region": props.get("region")}
    return {"id": props["fid"], "type": "firm", "label": props.get("name"), "status": props.get("status"),
            "region": props.get("region"), "industry": props.get("industry")}


def _edge(rel: Relationship, source: str, target: str) -> dict[str, Any]:
    props = plain(dict(rel))
    return {"source": source, "target": target, "type": rel.type,
            **{k: props[k] for k in ("ratio", "role", "since", "until") if props.get(k) is not None}}
