// The rated firms of a hotspot cell in $month's active score run: region code starting with $region_prefix (2, 4 or 6
// digits) and industry code starting with $industry ('' for all), not cancelled at the end of $month — the status
// then is the one before the first change dated after $month (f.status_changes, "YYYY-MM:status before" in load
// order), else the current one, as scoring.projection.status_as_of reads it. Highest class and score first, from
// $offset, at most $limit; total counts them all. Returns total and firms (fid, name, class, score, region, industry).
MATCH (s:ScoreMonth {month: $month})
MATCH (r:Rating {run_id: s.active_run})<-[:RATED]-(f:Firm)
WHERE f.region STARTS WITH $region_prefix AND coalesce(f.industry, '') STARTS WITH $industry
WITH f, r, [c IN coalesce(f.status_changes, []) WHERE left(c, 7) > $month] AS later
WITH f, r, CASE WHEN size(later) = 0 THEN coalesce(f.status, '') ELSE substring(later[0], 8) END AS status_then
WHERE status_then <> 'cancelled'
WITH f, r ORDER BY r.class DESC, r.score DESC, f.fid
WITH collect({fid: f.fid, name: f.name, class: r.class, score: r.score, region: f.region,
              industry: f.industry}) AS found
RETURN size(found) AS total, found[$offset..$offset + $limit] AS firms
