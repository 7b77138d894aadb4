// Runs of $month that are not the month's active run (left by a crash or superseded). Returns run_id per record.
MATCH (r:ScoreRun {month: $month})
OPTIONAL MATCH (m:ScoreMonth {month: $month})
WITH r, m WHERE m IS NULL OR m.active_run IS NULL OR m.active_run <> r.run_id
RETURN r.run_id AS run_id
