// Returns one ring of a breadth-first neighbourhood: for each node of $frontier (element ids), at most
// $per_node of its ownership, role, address and branch relationships, each with the node at its other end,
// at most $limit rows in all: {source (the frontier node's element id), rel, other}.
UNWIND $frontier AS id
MATCH (n) WHERE elementId(n) = id
CALL (n) {
  MATCH (n)-[rel:SHAREHOLDER_OF|LEGAL_REP_OF|OFFICER_OF|REGISTERED_AT|BRANCH_OF]-(other)
  RETURN rel, other LIMIT $per_node
}
RETURN elementId(n) AS source, rel, other LIMIT $limit
