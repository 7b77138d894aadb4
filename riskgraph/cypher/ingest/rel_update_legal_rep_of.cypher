// Updates stored LEGAL_REP_OF relationships in place (a re-load, or a delta closing one with until).
// $rows: [{rid, props}].
UNWIND $rows AS row
MATCH ()-[r:LEGAL_REP_OF {rid: row.rid}]->()
SET r += row.props
