// The class of every rating of scoring run $run_id, as column lists (one record): fid, class.
// The caller has checked the run (HMAC of every rating, the run's seal) before it counts on them.
MATCH (r:Rating {run_id: $run_id})
RETURN collect(r.fid) AS fid, collect(r.class) AS class
