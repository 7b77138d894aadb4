// Start an analysis run of $month ($run_id) computed from the ratings of score run $score_run; readers do not see it
// until write/analysis_activate_run points the month at it. Parameters: run_id, month, score_run,
// analysis_version, started.
CREATE (:AnalysisRun {run_id: $run_id, month: $month, score_run: $score_run, analysis_version: $analysis_version,
                      started: $started, status: 'writing'})
