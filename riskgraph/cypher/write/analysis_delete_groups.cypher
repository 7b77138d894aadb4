// Delete up to $limit risk groups of analysis run $run_id; returns how many (deleted), 0 when none are left.
MATCH (g:RiskGroup {run_id: $run_id})
WITH g LIMIT $limit
DELETE g
RETURN count(*) AS deleted
