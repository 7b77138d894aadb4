// Returns the entity a network starts from: a Firm by fid, a Person by ref (the key it is shown by) or an
// Address by aid, each found through its own index; no row for an unknown key.
CALL () {
  MATCH (s:Firm {fid: $key}) RETURN s
  UNION
  MATCH (s:Person {ref: $key}) RETURN s
  UNION
  MATCH (s:Address {aid: $key}) RETURN s
}
RETURN s AS start LIMIT 1
