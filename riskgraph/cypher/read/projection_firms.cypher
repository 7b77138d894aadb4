// Firm columns of the scoring projection as collected lists (one record). No parameters.
// Returns node (internal id), fid, name, kind, status, key_area ('' unknown), capital (-1 unknown),
// established (YYYYMMDD, 0 unknown), region (GB/T 2260, '' unknown), industry (GB/T 4754, '' unknown),
// status_changes (["YYYY-MM:status before"], [] none; see ingest/merge_firms).
// Codes are made client-side: plain columns read fastest.
MATCH (f:Firm)
WITH f, f.established AS d
RETURN collect(id(f)) AS node, collect(f.fid) AS fid, collect(coalesce(f.name, '')) AS name,
       collect(coalesce(f.kind, '')) AS kind, collect(coalesce(f.status, '')) AS status,
       collect(coalesce(f.key_area, '')) AS key_area, collect(coalesce(toFloat(f.registered_capital), -1.0)) AS capital,
       collect(coalesce(d.year * 10000 + d.month * 100 + d.day, 0)) AS established,
       collect(coalesce(f.region, '')) AS region, collect(coalesce(f.industry, '')) AS industry,
       collect(coalesce(f.status_changes, [])) AS status_changes
