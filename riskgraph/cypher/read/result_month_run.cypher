// The active run of $month as stored on its (:ScoreRun): run_id (null when the month has not been scored),
// run_month, model_version, key_id, seal, firms, class_counts (JSON text). One record; cheap (two index
// lookups), so the service checks the run's seal on every aggregate request.
OPTIONAL MATCH (m:ScoreMonth {month: $month})
OPTIONAL MATCH (run:ScoreRun {run_id: m.active_run})
RETURN m.active_run AS run_id, run.month AS run_month, run.model_version AS model_version, run.key_id AS key_id,
       run.seal AS seal, run.firms AS firms, run.class_counts AS class_counts
