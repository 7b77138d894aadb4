// One hotspot cell per analysis run in $run_ids, by its region code $region and industry code $industry ('' for all
// industries) at level $region_level × $industry_level. Returns run_id and the cell's stored fields (cell).
UNWIND $run_ids AS run_id
MATCH (c:HotspotCell {region: $region, industry: $industry})
WHERE c.run_id = run_id AND c.region_level = $region_level AND c.industry_level = $industry_level
RETURN run_id, c {.*} AS cell
