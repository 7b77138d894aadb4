// Internal ids of every :Rating of run $run_id, as one collected list (one record): node.
MATCH (r:Rating {run_id: $run_id})
RETURN collect(id(r)) AS node
