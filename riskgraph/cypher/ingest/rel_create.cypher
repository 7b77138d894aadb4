// Creates new <<type>> relationships (the loader has checked their rid is not stored yet), matching both
// endpoints by their key. $rows: [{a: start node key, b: end node key, rid, props: {declared properties}}].
// One file for every relationship type with a rid and each of its start labels: riskgraph/graph/statements.py
// fills in <<type>>, the labels and their keys from the declaration in riskgraph/model.py.
UNWIND $rows AS row
MATCH (a:<<start>> {<<start_key>>: row.a})
MATCH (b:<<end>> {<<end_key>>: row.b})
CREATE (a)-[r:<<type>> {rid: row.rid}]->(b)
SET r += row.props
