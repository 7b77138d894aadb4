// Makes $run_id the month's active run in one transaction and marks the run it replaces superseded.
// $run_id, $month, $finished (datetime), $firms (count), $class_counts (JSON text), $key_id (which rating key
// signed the run's ratings) and $seal (the HMAC over the run's facts, see graph.results.RatingSigner.run).
// Returns previous (run id replaced, or null).
MATCH (run:ScoreRun {run_id: $run_id})
MERGE (m:ScoreMonth {month: $month})
WITH run, m, m.active_run AS previous
SET m.active_run = $run_id, m.model_version = run.model_version, m.updated = $finished,
    run.status = 'active', run.finished = $finished, run.firms = $firms, run.class_counts = $class_counts,
    run.key_id = $key_id, run.seal = $seal
WITH previous
OPTIONAL MATCH (old:ScoreRun {run_id: previous})
SET old.status = 'superseded'
RETURN previous
