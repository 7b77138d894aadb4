// Creates new relationships (the loader has checked their rid is not stored yet): Branch → head firm. $rows: [{a: branch fid, b: head fid, rid, props: {since, until}}].
UNWIND $rows AS row
MATCH (br:Firm {fid: row.a})
MATCH (hq:Firm {fid: row.b})
CREATE (br)-[r:BRANCH_OF {rid: row.rid}]->(hq)
SET r += row.props
