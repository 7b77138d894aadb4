// Shareholdings in force at $end, person and firm holders alike, as collected lists.
// Returns holder, firm (internal ids), ratio (-1 unknown), by_person (true when the holder is a :Person).
MATCH (h)-[r:SHAREHOLDER_OF]->(f)
WHERE (r.since IS NULL OR r.since <= $end) AND (r.until IS NULL OR r.until > $end)
RETURN collect(id(h)) AS holder, collect(id(f)) AS firm, collect(coalesce(toFloat(r.ratio), -1.0)) AS ratio,
       collect(h:Person) AS by_person
