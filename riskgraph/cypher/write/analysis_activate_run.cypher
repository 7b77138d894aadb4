// Make analysis run $run_id the active one of $month, sealed: its facts (cells, groups, firms, unplaced, summary),
// the seal over them and the key id. Returns the run it replaced (previous), or no row when the run is gone.
MATCH (run:AnalysisRun {run_id: $run_id})
SET run.status = 'done', run.finished = $finished, run.cells = $cells, run.groups = $groups, run.firms = $firms,
    run.unplaced = $unplaced, run.summary = $summary, run.seal = $seal, run.key_id = $key_id
MERGE (m:AnalysisMonth {month: $month})
WITH run, m, m.active_run AS previous
SET m.active_run = $run_id
RETURN previous
