// Hotspot cells of analysis run $run_id at one level: region level $region_level (province | prefecture | county)
// × industry level $industry_level (section | division | all), regions under the code prefix $parent and industries
// under the prefix $section ('' for any). Returns each cell's stored fields (cell) and the run's number of
// cells (total), for the reader to check against the run's seal.
CALL { MATCH (every:HotspotCell {run_id: $run_id}) RETURN count(every) AS total }
OPTIONAL MATCH (c:HotspotCell {run_id: $run_id, region_level: $region_level, industry_level: $industry_level})
WHERE c.region STARTS WITH $parent AND c.industry STARTS WITH $section
RETURN total, collect(c {.*}) AS cells
