// Constraints and indexes for scoring results (monthly ratings, runs, the active run per month).
// Idempotent (IF NOT EXISTS). No parameters.
CREATE CONSTRAINT score_month_month IF NOT EXISTS FOR (n:ScoreMonth) REQUIRE n.month IS UNIQUE;
CREATE CONSTRAINT score_run_id IF NOT EXISTS FOR (n:ScoreRun) REQUIRE n.run_id IS UNIQUE;
CREATE INDEX rating_run IF NOT EXISTS FOR (n:Rating) ON (n.run_id);
CREATE INDEX score_run_month IF NOT EXISTS FOR (n:ScoreRun) ON (n.month)
