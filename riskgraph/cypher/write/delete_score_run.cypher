// Deletes the :ScoreRun node $run_id (its ratings must be deleted first). Returns nothing.
MATCH (r:ScoreRun {run_id: $run_id})
DELETE r
