// Events of the kinds in $kinds dated in [$from, $end] (dates), as collected lists (one record).
// Returns fid, kind, date (YYYYMMDD).
MATCH (f:Firm)-[:HAS_EVENT]->(e:Event)
WHERE e.kind IN $kinds AND e.date >= $from AND e.date <= $end
WITH f, e, e.date AS d
RETURN collect(f.fid) AS fid, collect(e.kind) AS kind, collect(d.year * 10000 + d.month * 100 + d.day) AS date
