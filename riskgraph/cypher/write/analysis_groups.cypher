// Create a batch of risk groups of analysis run $run_id ($month). $rows: maps of the group's stored fields
// (graph/analysis_store.GROUP_FIELDS) and its digest.
UNWIND $rows AS row
CREATE (g:RiskGroup)
SET g = row, g.run_id = $run_id, g.month = $month
