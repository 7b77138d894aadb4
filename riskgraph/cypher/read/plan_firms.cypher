// Every firm's attributes an inspection plan's scope needs, as column lists (one record). No parameters.
// Returns fid, name, status (current registration status), region (GB/T 2260, '' unknown),
// industry (GB/T 4754, '' unknown), key_area ('' none).
MATCH (f:Firm)
RETURN collect(f.fid) AS fid, collect(coalesce(f.name, '')) AS name, collect(coalesce(f.status, '')) AS status,
       collect(coalesce(f.region, '')) AS region, collect(coalesce(f.industry, '')) AS industry,
       collect(coalesce(f.key_area, '')) AS key_area
