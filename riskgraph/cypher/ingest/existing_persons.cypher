// Returns {found: [pid]} — those of $ids that exist as Person nodes.
UNWIND $ids AS id
MATCH (p:Person {pid: id})
RETURN collect(p.pid) AS found
