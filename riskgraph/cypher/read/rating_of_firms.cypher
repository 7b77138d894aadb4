// Active ratings of the firms $fids for $month (or, when $month is null, each firm's latest scored month).
// One record per rated firm: fid, name, month, score, class, reasons (JSON), detail (JSON), model_version,
// run_id, digest. Firms without a rating in that month are absent.
UNWIND $fids AS fid
MATCH (f:Firm {fid: fid})-[:RATED]->(r:Rating)
WHERE $month IS NULL OR r.month = $month
MATCH (m:ScoreMonth {month: r.month}) WHERE m.active_run = r.run_id
WITH f, r ORDER BY r.month DESC
WITH f, collect(r)[0] AS r
RETURN f.fid AS fid, f.name AS name, r.month AS month, r.score AS score, r.class AS class,
       r.reasons AS reasons, r.detail AS detail, r.model_version AS model_version, r.run_id AS run_id,
       r.digest AS digest
