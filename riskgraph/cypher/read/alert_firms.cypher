// Firm columns the early warning reads, as collected lists (one record). No parameters.
// Returns fid, industry (GB/T 4754, '' unknown), established (YYYYMMDD, 0 unknown), region (GB/T 2260, '' unknown).
MATCH (f:Firm)
WITH f, f.established AS d
RETURN collect(f.fid) AS fid, collect(coalesce(f.industry, '')) AS industry,
       collect(coalesce(d.year * 10000 + d.month * 100 + d.day, 0)) AS established,
       collect(coalesce(f.region, '')) AS region
