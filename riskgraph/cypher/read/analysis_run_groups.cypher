// Every risk group of analysis run $run_id as columns: anchor, members (lists of fids), first_month.
MATCH (g:RiskGroup {run_id: $run_id})
RETURN collect(g.anchor) AS anchor, collect(g.members) AS members, collect(g.first_month) AS first_month
