// Returns {found: [rid]}: those of $rids already stored as OFFICER_OF relationships (uses the rid index).
UNWIND $rids AS rid
MATCH ()-[r:OFFICER_OF {rid: rid}]->()
RETURN collect(r.rid) AS found
