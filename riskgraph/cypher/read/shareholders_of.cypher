// Returns one ring of an ownership walk: the shareholdings in force today of the nodes $frontier (element ids),
// upstream ($upstream: who holds them) or downstream (what they hold), at most $limit rows:
// {holder, held, ratio} with each end as a node.
UNWIND $frontier AS id
MATCH (n) WHERE elementId(n) = id
CALL (n) {
  MATCH (h)-[r:SHAREHOLDER_OF]->(n) WHERE $upstream AND (r.until IS NULL OR r.until > date())
  RETURN h AS holder, n AS held, r.ratio AS ratio
  UNION
  MATCH (n)-[r:SHAREHOLDER_OF]->(f) WHERE NOT $upstream AND (r.until IS NULL OR r.until > date())
  RETURN n AS holder, f AS held, r.ratio AS ratio
}
RETURN holder, held, ratio LIMIT $limit
