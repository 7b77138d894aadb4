// Baseline for bench/ingest.py: the plain MERGE way of loading officers.
// $rows: [{a: person pid, b: firm fid, rid, props}].
UNWIND $rows AS row
MATCH (p:Person {pid: row.a})
MATCH (f:Firm {fid: row.b})
MERGE (p)-[r:OFFICER_OF {rid: row.rid}]->(f)
SET r += row.props
