// Every scored month with its active run: month, run_id, model_version, finished, firms, class_counts (JSON).
// Newest month first.
MATCH (m:ScoreMonth)
OPTIONAL MATCH (run:ScoreRun {run_id: m.active_run})
RETURN m.month AS month, m.active_run AS run_id, m.model_version AS model_version,
       toString(run.finished) AS finished, run.firms AS firms, run.class_counts AS class_counts
ORDER BY month DESC
