// Shareholdings held by a person begun in [$from, $end] (dates), as collected lists (one record).
// Returns ref (the person's opaque key, never the stored pid), fid, since (YYYYMMDD).
MATCH (p:Person)-[r:SHAREHOLDER_OF]->(f:Firm)
WHERE r.since >= $from AND r.since <= $end
WITH p, f, r.since AS d
RETURN collect(coalesce(p.ref, '')) AS ref, collect(f.fid) AS fid, collect(d.year * 10000 + d.month * 100 + d.day) AS since
