// Marks an ingest run complete with its counts. $run_id, $finished, $counts (JSON text).
MATCH (r:IngestRun {run_id: $run_id})
SET r.status = 'complete', r.finished = $finished, r.counts = $counts
