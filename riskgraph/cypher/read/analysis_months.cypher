// Months with a stored analysis, oldest first: month, run_id (the active analysis run).
MATCH (m:AnalysisMonth)
WHERE m.active_run IS NOT NULL
RETURN m.month AS month, m.active_run AS run_id
ORDER BY month
