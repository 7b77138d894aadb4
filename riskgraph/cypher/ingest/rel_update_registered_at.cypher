// Updates stored REGISTERED_AT relationships in place (a re-load, or a delta closing one with until).
// $rows: [{rid, props}].
UNWIND $rows AS row
MATCH ()-[r:REGISTERED_AT {rid: row.rid}]->()
SET r += row.props
