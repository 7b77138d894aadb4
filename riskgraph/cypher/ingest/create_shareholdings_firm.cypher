// Creates new relationships (the loader has checked their rid is not stored yet): Corporate shareholders. $rows: [{a: holder fid, b: firm fid, rid, props: {ratio, subscribed_capital, since, until}}].
UNWIND $rows AS row
MATCH (h:Firm {fid: row.a})
MATCH (f:Firm {fid: row.b})
CREATE (h)-[r:SHAREHOLDER_OF {rid: row.rid}]->(f)
SET r += row.props
