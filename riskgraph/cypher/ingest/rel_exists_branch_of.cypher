// Returns {found: [rid]}: those of $rids already stored as BRANCH_OF relationships (uses the rid index).
UNWIND $rids AS rid
MATCH ()-[r:BRANCH_OF {rid: rid}]->()
RETURN collect(r.rid) AS found
