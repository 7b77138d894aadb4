// Full-text search of firm names (CJK analyzer), or exact lookup by fid/USCC.
// Returns [{fid, name, region, industry, status, score}], best first.
// $query: the words as a Lucene query of plain terms (operators escaped by the caller); $fids: the text as typed
// and in upper case, as codes; $limit.
CALL () {
  MATCH (f:Firm) WHERE f.fid IN $fids RETURN f, 100.0 AS score
  UNION
  CALL db.index.fulltext.queryNodes('firm_name_fulltext', $query) YIELD node, score
  RETURN node AS f, score
}
RETURN f.fid AS fid, f.name AS name, f.region AS region, f.industry AS industry, f.status AS status, score
ORDER BY score DESC
LIMIT $limit
