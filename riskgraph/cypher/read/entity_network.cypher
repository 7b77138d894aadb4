// Returns the neighbourhood of one entity (a Firm by fid, a Person by ref — the key it is shown by — or an
// Address by aid) up to
// $depth hops (1–3) over ownership, role, address and branch relationships, at most $max_paths paths:
// {start, paths: [[node, rel, node, …]]} — the caller dedupes nodes and edges. No row for an unknown key.
MATCH (start) WHERE (start:Firm AND start.fid = $key) OR (start:Person AND start.ref = $key)
                 OR (start:Address AND start.aid = $key)
OPTIONAL CALL (start) {
  MATCH p = (start)-[:SHAREHOLDER_OF|LEGAL_REP_OF|OFFICER_OF|REGISTERED_AT|BRANCH_OF*1..3]-()
  WHERE length(p) <= $depth
  RETURN p LIMIT $max_paths
}
RETURN start, collect(p) AS paths
