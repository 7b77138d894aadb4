// Legal representatives in force at $end (since null or <= $end; until null or > $end), as collected lists.
// Returns person, firm (internal ids).
MATCH (p)-[r:LEGAL_REP_OF]->(f)
WHERE (r.since IS NULL OR r.since <= $end) AND (r.until IS NULL OR r.until > $end)
RETURN collect(id(p)) AS person, collect(id(f)) AS firm
