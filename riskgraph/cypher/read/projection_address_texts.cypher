// Every address's key and text, as collected lists (one record). No parameters.
// Returns node (internal id), aid, text.
MATCH (a:Address)
RETURN collect(id(a)) AS node, collect(a.aid) AS aid, collect(coalesce(a.text, a.raw, a.aid)) AS text
