// Upserts firms. $rows: [{fid, props}] where props holds only the non-empty values of the row,
// so an empty cell in a later delta never erases what an earlier file said.
UNWIND $rows AS row
MERGE (f:Firm {fid: row.fid})
SET f += row.props
