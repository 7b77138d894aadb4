// Returns {run_id} of a completed ingest run of exactly these files ($digest), or no row.
MATCH (r:IngestRun {digest: $digest, status: 'complete'})
RETURN r.run_id AS run_id LIMIT 1
