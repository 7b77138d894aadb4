// Every rating of run $run_id, for checking them all: one record with rows, a list of
// [fid, linked_fid, class, score, reasons, detail, digest] per rating, where linked_fid is the fid of the firm
// the rating hangs from (null when detached). Lists rather than collected columns so that a missing
// property stays a null in its row instead of shifting the columns.
MATCH (r:Rating {run_id: $run_id})
OPTIONAL MATCH (f:Firm)-[:RATED]->(r)
RETURN collect([r.fid, f.fid, r.class, r.score, r.reasons, r.detail, r.digest]) AS rows
