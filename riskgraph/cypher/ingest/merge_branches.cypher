// Branch → head firm. $rows: [{a: branch fid, b: head fid, rid, props: {since, until}}].
UNWIND $rows AS row
MATCH (br:Firm {fid: row.a})
MATCH (hq:Firm {fid: row.b})
MERGE (br)-[r:BRANCH_OF {rid: row.rid}]->(hq)
SET r += row.props
