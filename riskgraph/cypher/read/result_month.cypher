// The active ratings of $month as column lists (one record): fid, class, score, digest, reasons, run_id,
// detail, model_version, and run_firms (how many ratings the run wrote, to check the read is whole).
// Empty lists when the month has not been scored.
OPTIONAL MATCH (m:ScoreMonth {month: $month})
OPTIONAL MATCH (run:ScoreRun {run_id: m.active_run})
OPTIONAL MATCH (r:Rating {run_id: m.active_run})
RETURN m.active_run AS run_id, m.model_version AS model_version, run.firms AS run_firms,
       collect(r.fid) AS fid, collect(r.class) AS class, collect(r.score) AS score,
       collect(r.digest) AS digest, collect(r.reasons) AS reasons, collect(r.detail) AS detail
