// Returns {found: [rid]}: those of $rids already stored as REGISTERED_AT relationships (uses the rid index).
UNWIND $rids AS rid
MATCH ()-[r:REGISTERED_AT {rid: rid}]->()
RETURN collect(r.rid) AS found
