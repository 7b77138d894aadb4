// The firms $fids with their name and their rating in score run $score_run (class and score; null when unrated).
UNWIND $fids AS fid
MATCH (f:Firm {fid: fid})
OPTIONAL MATCH (f)-[:RATED]->(r:Rating {run_id: $score_run})
RETURN f.fid AS fid, f.name AS name, r.class AS class, r.score AS score, f.region AS region, f.industry AS industry
