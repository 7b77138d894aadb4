// Returns {found: [rid]}: those of $rids already stored as <<type>> relationships (uses the rid index).
// One file for every relationship type with a rid: riskgraph/graph/statements.py fills in <<type>>
// from its declaration in riskgraph/model.py.
UNWIND $rids AS rid
MATCH ()-[r:<<type>> {rid: rid}]->()
RETURN collect(r.rid) AS found
