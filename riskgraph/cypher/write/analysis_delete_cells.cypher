// Delete up to $limit hotspot cells of analysis run $run_id; returns how many (deleted), 0 when none are left.
MATCH (c:HotspotCell {run_id: $run_id})
WITH c LIMIT $limit
DELETE c
RETURN count(*) AS deleted
