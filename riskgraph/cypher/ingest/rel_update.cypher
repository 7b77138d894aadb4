// Updates stored <<type>> relationships in place (a re-load, or a delta closing one with until).
// $rows: [{rid, props}]. One file for every relationship type with a rid: riskgraph/graph/statements.py
// fills in <<type>> from its declaration in riskgraph/model.py.
UNWIND $rows AS row
MATCH ()-[r:<<type>> {rid: row.rid}]->()
SET r += row.props
