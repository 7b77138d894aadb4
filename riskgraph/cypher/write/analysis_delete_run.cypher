// Delete the analysis run node $run_id (its cells and groups are deleted first).
MATCH (run:AnalysisRun {run_id: $run_id})
DELETE run
