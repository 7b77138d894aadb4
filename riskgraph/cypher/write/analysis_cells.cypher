// Create a batch of hotspot cells of analysis run $run_id ($month). $rows: maps of the cell's stored fields
// (graph/analysis_store.CELL_FIELDS) and its digest.
UNWIND $rows AS row
CREATE (c:HotspotCell)
SET c = row, c.run_id = $run_id, c.month = $month
