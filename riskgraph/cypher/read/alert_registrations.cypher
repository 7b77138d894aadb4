// Registrations at an address begun in [$from, $end] (dates), as collected lists (one record).
// Returns aid (the address key), fid, since (YYYYMMDD). Undated rows cannot be placed in a window and are left out.
MATCH (f:Firm)-[r:REGISTERED_AT]->(a:Address)
WHERE r.since >= $from AND r.since <= $end
WITH a, f, r.since AS d
RETURN collect(a.aid) AS aid, collect(f.fid) AS fid, collect(d.year * 10000 + d.month * 100 + d.day) AS since
