// Inspection results of a plan as events of kind inspection, linked to their firm and (by plan_id) to the plan.
// $rows: [{eid, fid, props: {kind: 'inspection', date, result, plan_id, authority, detail, source}}].
// MERGE on eid: filing the same results again updates them in place.
UNWIND $rows AS row
MATCH (f:Firm {fid: row.fid})
MERGE (e:Event {eid: row.eid})
SET e += row.props
MERGE (f)-[:HAS_EVENT]->(e)
