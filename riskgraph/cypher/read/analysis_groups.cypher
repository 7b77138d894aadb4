// Risk groups of analysis run $run_id of at least $min_size firms, the most significant first (q, then larger
// groups, then anchor), from $offset, at most $limit. Returns the run's number of groups (total, for the seal),
// the number matching (matching) and the groups' stored fields (groups).
CALL { MATCH (every:RiskGroup {run_id: $run_id}) RETURN count(every) AS total }
CALL { MATCH (m:RiskGroup {run_id: $run_id}) WHERE m.size >= $min_size RETURN count(m) AS matching }
OPTIONAL MATCH (g:RiskGroup {run_id: $run_id})
WHERE g.size >= $min_size
WITH total, matching, g ORDER BY coalesce(g.q, 1.0), g.size DESC, g.anchor
WITH total, matching, collect(g {.*}) AS found
RETURN total, matching, found[$offset..$offset + $limit] AS groups
