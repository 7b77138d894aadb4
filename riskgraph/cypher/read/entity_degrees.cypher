// Returns how many ownership, role, address and branch relationships each node of $frontier (element ids)
// has, by relationship type and by the label of the node at the other end: {source, type, label, n}.
// Counted, not returned: what a cut neighbourhood left out is what these counts exceed the answer by.
UNWIND $frontier AS id
MATCH (n) WHERE elementId(n) = id
MATCH (n)-[rel:SHAREHOLDER_OF|LEGAL_REP_OF|OFFICER_OF|REGISTERED_AT|BRANCH_OF]-(other)
RETURN id AS source, type(rel) AS type, head(labels(other)) AS label, count(*) AS n
