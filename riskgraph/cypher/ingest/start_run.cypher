// Records the start of an ingest run; returns {previous}: the status of an earlier run of the same files
// (null when none), so an interrupted load is reported as resumed. $run_id, $digest, $source, $started.
OPTIONAL MATCH (old:IngestRun {digest: $digest})
WITH old ORDER BY old.started DESC LIMIT 1
WITH old.status AS previous
MERGE (r:IngestRun {run_id: $run_id})
SET r.digest = $digest, r.source = $source, r.started = $started, r.status = 'running'
RETURN previous
