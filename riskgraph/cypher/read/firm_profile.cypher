// Returns one firm's profile with its current registered address and legal representative(s)
// (relationships in force: until is null). $fid. No row when the firm is unknown.
MATCH (f:Firm {fid: $fid})
OPTIONAL MATCH (f)-[ra:REGISTERED_AT]->(a:Address) WHERE ra.until IS NULL
OPTIONAL MATCH (p:Person)-[rl:LEGAL_REP_OF]->(f) WHERE rl.until IS NULL
RETURN f {.*} AS firm,
       collect(DISTINCT a {.aid, .text, .region}) AS addresses,
       collect(DISTINCT p {.ref, .name, .id_masked}) AS legal_reps
