// Deletes up to $limit ratings of run $run_id. Returns deleted (count); call until it returns 0.
MATCH (r:Rating {run_id: $run_id})
WITH r LIMIT $limit
DETACH DELETE r
RETURN count(*) AS deleted
