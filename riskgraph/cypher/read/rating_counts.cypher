// Class counts of $month's active run grouped by the firms' region prefix of length $digits (2 province,
// 4 prefecture, 6 county) or by industry section (when $by = 'industry'): key, A, B, C, D, firms.
MATCH (m:ScoreMonth {month: $month})
MATCH (r:Rating {run_id: m.active_run})<-[:RATED]-(f:Firm)
WITH CASE $by WHEN 'industry' THEN left(coalesce(f.industry, '?'), 1)
              ELSE left(coalesce(f.region, '??????'), $digits) END AS key, r.class AS class
WITH key, class, count(*) AS n
WITH key, collect([class, n]) AS pairs
RETURN key,
       reduce(s = 0, p IN pairs | s + CASE p[0] WHEN 'A' THEN p[1] ELSE 0 END) AS A,
       reduce(s = 0, p IN pairs | s + CASE p[0] WHEN 'B' THEN p[1] ELSE 0 END) AS B,
       reduce(s = 0, p IN pairs | s + CASE p[0] WHEN 'C' THEN p[1] ELSE 0 END) AS C,
       reduce(s = 0, p IN pairs | s + CASE p[0] WHEN 'D' THEN p[1] ELSE 0 END) AS D,
       reduce(s = 0, p IN pairs | s + p[1]) AS firms
ORDER BY key
