// Returns a firm's events, newest first: {eid, kind, date, severity, amount, result, year, authority, detail}.
// $fid, $limit.
MATCH (:Firm {fid: $fid})-[:HAS_EVENT]->(e:Event)
RETURN e {.*} AS event
ORDER BY e.date DESC
LIMIT $limit
