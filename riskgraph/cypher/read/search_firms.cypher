// Full-text search of firm names (CJK analyzer), or exact lookup by fid/USCC.
// Returns [{fid, name, region, industry, status, score}], best first. $query, $limit.
CALL () {
  MATCH (f:Firm {fid: $query}) RETURN f, 100.0 AS score
  UNION
  CALL db.index.fulltext.queryNodes('firm_name_fulltext', $query) YIELD node, score
  RETURN node AS f, score
}
RETURN f.fid AS fid, f.name AS name, f.region AS region, f.industry AS industry, f.status AS status, score
ORDER BY score DESC
LIMIT $limit
