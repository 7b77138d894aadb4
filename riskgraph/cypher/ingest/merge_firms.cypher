// Upserts firms. $rows: [{fid, props}] where props holds only the non-empty values of the row,
// so an empty cell in a later delta never erases what an earlier file said. $month (YYYY-MM or null):
// the month of a monthly delta; when it changes a firm's status, the status it had before is kept as
// "YYYY-MM:previous" in f.status_changes, so that an earlier month can be re-scored as it stood.
// Re-loading the same rows changes nothing (the status is already the new one).
UNWIND $rows AS row
MERGE (f:Firm {fid: row.fid})
WITH f, row, f.status AS before
SET f += row.props
WITH f, before
WHERE $month IS NOT NULL AND before IS NOT NULL AND before <> f.status
SET f.status_changes = coalesce(f.status_changes, []) + [$month + ':' + before]
