// Returns {found: [rid]}: those of $rids already stored as LEGAL_REP_OF relationships (uses the rid index).
UNWIND $rids AS rid
MATCH ()-[r:LEGAL_REP_OF {rid: rid}]->()
RETURN collect(r.rid) AS found
