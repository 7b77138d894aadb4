// The risk group of analysis run $run_id that firm $fid belongs to (its anchor or a member). Returns the group's
// stored fields (group), or no row.
MATCH (g:RiskGroup {run_id: $run_id})
WHERE g.anchor = $fid OR $fid IN g.members
RETURN g {.*} AS group
LIMIT 1
