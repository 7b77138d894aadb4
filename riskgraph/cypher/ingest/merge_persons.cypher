// Upserts persons. $rows: [{pid, props}]; pid is the salted hash, props never hold the raw ID number.
UNWIND $rows AS row
MERGE (p:Person {pid: row.pid})
SET p += row.props
