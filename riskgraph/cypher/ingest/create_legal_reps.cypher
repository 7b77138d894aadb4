// Creates new relationships (the loader has checked their rid is not stored yet): Legal representatives. $rows: [{a: person pid, b: firm fid, rid, props: {since, until}}].
UNWIND $rows AS row
MATCH (p:Person {pid: row.a})
MATCH (f:Firm {fid: row.b})
CREATE (p)-[r:LEGAL_REP_OF {rid: row.rid}]->(f)
SET r += row.props
