// Officers (directors, supervisors, managers) in force at $end, as collected lists.
// Returns person, firm (internal ids).
MATCH (p)-[r:OFFICER_OF]->(f)
WHERE (r.since IS NULL OR r.since <= $end) AND (r.until IS NULL OR r.until > $end)
RETURN collect(id(p)) AS person, collect(id(f)) AS firm
