"""Read queries the service needs: profiles, events, search and neighbourhoods, shaped as plain dicts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from neo4j import Driver
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
        """Nodes and edges around an entity, at most ``max_nodes`` nodes (nearest first)."""
        with db.session(self.driver, self.settings) as sess:
            rec = db.execute_read(sess, lambda tx: tx.run(db.cypher("read/entity_network"), key=key, depth=depth,
                                                            max_paths=max_nodes * 4).single(),
                                  query_name="read/entity_network")
        if rec is None:
            return None
        nodes: dict[str, dict[str, Any]] = {}
        edges: dict[str, dict[str, Any]] = {}
        _add_node(nodes, rec["start"])
        for path in sorted(rec["paths"], key=len):
            if any(n.element_id not in nodes for n in path.nodes) and len(nodes) + len(path.nodes) > max_nodes + 1:
                continue
            for node in path.nodes:
                _add_node(nodes, node)
            for rel in path.relationships:
                edges.setdefault(rel.element_id, _edge(rel))
        truncated = len(rec["paths"]) >= max_nodes * 4 or len(nodes) >= max_nodes
        by_element = {eid: n["id"] for eid, n in nodes.items()}
        edge_list = [{**e, "source": by_element[e["source"]], "target": by_element[e["target"]]}
                     for e in edges.values() if e["source"] in by_element and e["target"] in by_element]
        return {"nodes": list(nodes.values()), "edges": edge_list, "truncated": truncated}


def _add_node(nodes: dict[str, dict[str, Any]], node: Node) -> None:
    if node.element_id in nodes:
        return
    label = next(iter(node.labels))
    props = dict(node)
    if label == "Person":
        entry = {"id": props["ref"], "type": "person", "label": mask_name(props.get("name") or "")}
    elif label == "Address":
        entry = {"id": props["aid"], "type": "address", "label": props.get("text"), "region": props.get("region")}
    else:
        entry = {"id": props["fid"], "type": "firm", "label": props.get("name"), "status": props.get("status"),
                 "region": props.get("region"), "industry": props.get("industry")}
    nodes[node.element_id] = entry


def _edge(rel: Relationship) -> dict[str, Any]:
    props = plain(dict(rel))
    assert rel.start_node is not None and rel.end_node is not None
    return {"source": rel.start_node.element_id, "target": rel.end_node.element_id, "type": rel.type,
            **{k: props[k] for k in ("ratio", "role", "since", "until") if props.get(k) is not None}}
