// Regulatory and social records. $rows: [{eid, fid, props: {kind, date, severity, amount, result, year, …}}].
UNWIND $rows AS row
MATCH (f:Firm {fid: row.fid})
MERGE (e:Event {eid: row.eid})
SET e += row.props
MERGE (f)-[:HAS_EVENT]->(e)
