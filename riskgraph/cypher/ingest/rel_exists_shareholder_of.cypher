// Returns {found: [rid]}: those of $rids already stored as SHAREHOLDER_OF relationships (uses the rid index).
UNWIND $rids AS rid
MATCH ()-[r:SHAREHOLDER_OF {rid: rid}]->()
RETURN collect(r.rid) AS found
