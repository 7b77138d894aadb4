// Branch-to-head links in force at $end, as collected lists. Returns branch, head (internal ids).
MATCH (b)-[r:BRANCH_OF]->(h)
WHERE (r.since IS NULL OR r.since <= $end) AND (r.until IS NULL OR r.until > $end)
RETURN collect(id(b)) AS branch, collect(id(h)) AS head
