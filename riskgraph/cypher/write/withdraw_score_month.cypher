// Withdraws $month: readers no longer see any rating of it. Its runs become stale and are then
// deleted by delete_stale_runs. Returns withdrawn (the run id that was active, or null).
MATCH (m:ScoreMonth {month: $month})
WITH m, m.active_run AS withdrawn
OPTIONAL MATCH (run:ScoreRun {run_id: withdrawn})
SET run.status = 'withdrawn'
DETACH DELETE m
RETURN withdrawn
