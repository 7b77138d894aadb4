// Events of the kinds in $kinds (the ones the model reads) dated on or before $end (a date), as collected
// lists (one record). Returns firm (internal id), kind, ymd (YYYYMMDD), severity (0 unknown), result ('' none).
MATCH (f)-[:HAS_EVENT]->(e)
WHERE e.date <= $end AND e.kind IN $kinds
WITH f, e, e.date AS d
RETURN collect(id(f)) AS firm, collect(e.kind) AS kind, collect(d.year * 10000 + d.month * 100 + d.day) AS ymd,
       collect(coalesce(e.severity, 0)) AS severity, collect(coalesce(e.result, '')) AS result
