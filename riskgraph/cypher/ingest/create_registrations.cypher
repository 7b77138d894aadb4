// Creates new relationships (the loader has checked their rid is not stored yet): Links firms to addresses. $rows: [{a: firm fid, b: address aid, rid, props: {since, until}}].
UNWIND $rows AS row
MATCH (f:Firm {fid: row.a})
MATCH (ad:Address {aid: row.b})
CREATE (f)-[r:REGISTERED_AT {rid: row.rid}]->(ad)
SET r += row.props
