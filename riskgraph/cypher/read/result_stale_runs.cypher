// Runs of $month that are not the month's active run: superseded, withdrawn, or left by a crash.
// A run still being written ('writing', started after $writing_since) is not stale: another scorer of
// the month may be at work on it. Returns run_id per record.
MATCH (r:ScoreRun {month: $month})
OPTIONAL MATCH (m:ScoreMonth {month: $month})
WITH r, m WHERE (m IS NULL OR m.active_run IS NULL OR m.active_run <> r.run_id)
  AND NOT (r.status = 'writing' AND r.started > $writing_since)
RETURN r.run_id AS run_id
