// Sets the key persons are shown by. $rows: [{pid, ref}] (riskgraph.reference.identifiers.person_ref).
UNWIND $rows AS row
MATCH (p:Person {pid: row.pid})
SET p.ref = row.ref
