// All scoring runs, newest first: run_id, month, model_version, status, started, finished, firms, class_counts.
MATCH (r:ScoreRun)
RETURN r.run_id AS run_id, r.month AS month, r.model_version AS model_version, r.status AS status,
       toString(r.started) AS started, toString(r.finished) AS finished, r.firms AS firms,
       r.class_counts AS class_counts
ORDER BY r.started DESC
