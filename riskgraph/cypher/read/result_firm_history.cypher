// Active monthly ratings of firm $fid, oldest first. Returns one record per month:
// month, score, class, reasons (JSON text), detail (JSON: own, received, set), model_version, run_id, digest.
MATCH (f:Firm {fid: $fid})-[:RATED]->(r:Rating)
MATCH (m:ScoreMonth {month: r.month}) WHERE m.active_run = r.run_id
RETURN r.month AS month, r.score AS score, r.class AS class, r.reasons AS reasons, r.detail AS detail,
       r.model_version AS model_version, r.run_id AS run_id, r.digest AS digest
ORDER BY month
