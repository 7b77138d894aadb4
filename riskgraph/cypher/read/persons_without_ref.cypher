// Returns {pids: [pid]}: up to $limit persons stored before persons got the key they are shown by (ref).
MATCH (p:Person) WHERE p.ref IS NULL
WITH p LIMIT $limit
RETURN collect(p.pid) AS pids
