// Analysis runs of $month that readers no longer see: not the month's active run, and not one still being written
// (started after $writing_since). Returns run_id.
MATCH (run:AnalysisRun {month: $month})
OPTIONAL MATCH (m:AnalysisMonth {month: $month})
WITH run, m
WHERE (m IS NULL OR run.run_id <> m.active_run) AND (run.status = 'done' OR run.started < $writing_since)
RETURN run.run_id AS run_id
