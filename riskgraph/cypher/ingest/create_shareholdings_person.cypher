// Creates new relationships (the loader has checked their rid is not stored yet): Person shareholders. $rows: [{a: person pid, b: firm fid, rid, props: {ratio, subscribed_capital, since, until}}].
UNWIND $rows AS row
MATCH (p:Person {pid: row.a})
MATCH (f:Firm {fid: row.b})
CREATE (p)-[r:SHAREHOLDER_OF {rid: row.rid}]->(f)
SET r += row.props
