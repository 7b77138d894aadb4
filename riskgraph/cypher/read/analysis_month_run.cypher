// The active analysis run of $month with its sealed facts, and the month's active score run (score_active): one row,
// nulls when the month has no analysis.
OPTIONAL MATCH (m:AnalysisMonth {month: $month})
OPTIONAL MATCH (run:AnalysisRun {run_id: m.active_run})
OPTIONAL MATCH (s:ScoreMonth {month: $month})
RETURN m.active_run AS run_id, run.month AS run_month, run.score_run AS score_run,
       run.analysis_version AS analysis_version, run.cells AS cells, run.groups AS groups, run.firms AS firms,
       run.unplaced AS unplaced, run.summary AS summary, run.seal AS seal, run.key_id AS key_id,
       s.active_run AS score_active
