// Registered addresses in force at $end, as collected lists. Returns address, firm (internal ids).
MATCH (f)-[r:REGISTERED_AT]->(a)
WHERE (r.since IS NULL OR r.since <= $end) AND (r.until IS NULL OR r.until > $end)
RETURN collect(id(a)) AS address, collect(id(f)) AS firm
