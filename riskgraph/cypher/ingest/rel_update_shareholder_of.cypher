// Updates stored SHAREHOLDER_OF relationships in place (a re-load, or a delta closing one with until).
// $rows: [{rid, props}].
UNWIND $rows AS row
MATCH ()-[r:SHAREHOLDER_OF {rid: row.rid}]->()
SET r += row.props
