// The inspection results filed against plan $plan_id: one row per result event, oldest first.
// Returns fid (the firm the event hangs from), result (pass | fail | not_found), date (YYYY-MM-DD), eid.
MATCH (f:Firm)-[:HAS_EVENT]->(e:Event {plan_id: $plan_id})
WHERE e.kind = 'inspection'
RETURN f.fid AS fid, e.result AS result, toString(e.date) AS date, e.eid AS eid
ORDER BY date, eid
