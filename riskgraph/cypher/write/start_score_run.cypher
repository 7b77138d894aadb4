// Registers a scoring run that is being written; readers ignore it until it is flipped active.
// $run_id, $month (YYYY-MM), $model_version, $started (datetime). Returns run_id.
CREATE (r:ScoreRun {run_id: $run_id, month: $month, model_version: $model_version,
                    started: $started, status: 'writing'})
RETURN r.run_id AS run_id
