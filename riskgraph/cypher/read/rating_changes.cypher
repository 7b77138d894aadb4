// Firms whose class differs between the active runs of $before and $after; $direction is 'down' (to a worse
// class), 'up' or null for both. Largest moves first (downgrades before upgrades when both), then by the new
// score; at most $limit records: fid, name, before, after, score_before, score_after.
MATCH (ma:ScoreMonth {month: $before}), (mb:ScoreMonth {month: $after})
MATCH (rb:Rating {run_id: mb.active_run})<-[:RATED]-(f:Firm)-[:RATED]->(ra:Rating {run_id: ma.active_run})
WITH f, ra, rb, {A: 0, B: 1, C: 2, D: 3} AS rank
WITH f, ra, rb, rank[rb.class] - rank[ra.class] AS move
WHERE move <> 0 AND ($direction IS NULL OR ($direction = 'down') = (move > 0))
RETURN f.fid AS fid, f.name AS name, ra.class AS before, rb.class AS after, ra.score AS score_before,
       rb.score AS score_after
ORDER BY CASE WHEN $direction = 'up' THEN -move ELSE move END DESC, rb.score DESC, f.fid
LIMIT $limit
