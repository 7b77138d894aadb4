// Constraints and indexes for the stored analysis of scored months (hotspot cells, risk groups, runs, the active
// run per month). Idempotent (IF NOT EXISTS). No parameters.
CREATE CONSTRAINT analysis_month_month IF NOT EXISTS FOR (n:AnalysisMonth) REQUIRE n.month IS UNIQUE;
CREATE CONSTRAINT analysis_run_id IF NOT EXISTS FOR (n:AnalysisRun) REQUIRE n.run_id IS UNIQUE;
CREATE INDEX analysis_run_month IF NOT EXISTS FOR (n:AnalysisRun) ON (n.month);
CREATE INDEX hotspot_cell_level IF NOT EXISTS FOR (n:HotspotCell) ON (n.run_id, n.region_level, n.industry_level);
CREATE INDEX hotspot_cell_key IF NOT EXISTS FOR (n:HotspotCell) ON (n.region, n.industry);
CREATE INDEX risk_group_run IF NOT EXISTS FOR (n:RiskGroup) ON (n.run_id);
CREATE INDEX risk_group_anchor IF NOT EXISTS FOR (n:RiskGroup) ON (n.anchor)
