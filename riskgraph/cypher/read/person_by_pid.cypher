// Returns one person, found by the stored key (the salted hash of an ID number), with the firms where they
// hold a role in force: {person: {ref, name, id_masked}, firms: [{fid, name, role}]}. $pid. No row when unknown.
MATCH (p:Person {pid: $pid})
OPTIONAL MATCH (p)-[r:LEGAL_REP_OF|OFFICER_OF|SHAREHOLDER_OF]->(f:Firm) WHERE r.until IS NULL
RETURN p {.ref, .name, .id_masked} AS person,
       [x IN collect(DISTINCT CASE WHEN f IS NULL THEN NULL ELSE {fid: f.fid, name: f.name, role: type(r)} END)
        WHERE x IS NOT NULL] AS firms
