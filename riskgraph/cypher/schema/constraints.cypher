// Uniqueness constraints on every node key, indexes on the properties that queries filter by,
// relationship-id indexes that make re-loads cheap, and full-text indexes on names (CJK analyzer).
// Idempotent (IF NOT EXISTS). No parameters. Keep in step with riskgraph/model.py.
CREATE CONSTRAINT firm_fid IF NOT EXISTS FOR (n:Firm) REQUIRE n.fid IS UNIQUE;
CREATE CONSTRAINT person_pid IF NOT EXISTS FOR (n:Person) REQUIRE n.pid IS UNIQUE;
CREATE CONSTRAINT address_aid IF NOT EXISTS FOR (n:Address) REQUIRE n.aid IS UNIQUE;
CREATE CONSTRAINT event_eid IF NOT EXISTS FOR (n:Event) REQUIRE n.eid IS UNIQUE;
CREATE CONSTRAINT ingest_run_id IF NOT EXISTS FOR (n:IngestRun) REQUIRE n.run_id IS UNIQUE;
CREATE INDEX firm_uscc IF NOT EXISTS FOR (n:Firm) ON (n.uscc);
CREATE INDEX firm_region IF NOT EXISTS FOR (n:Firm) ON (n.region);
CREATE INDEX firm_industry IF NOT EXISTS FOR (n:Firm) ON (n.industry);
CREATE INDEX address_region IF NOT EXISTS FOR (n:Address) ON (n.region);
CREATE INDEX event_kind IF NOT EXISTS FOR (n:Event) ON (n.kind);
CREATE INDEX event_date IF NOT EXISTS FOR (n:Event) ON (n.date);
CREATE INDEX registered_at_rid IF NOT EXISTS FOR ()-[r:REGISTERED_AT]-() ON (r.rid);
CREATE INDEX shareholder_of_rid IF NOT EXISTS FOR ()-[r:SHAREHOLDER_OF]-() ON (r.rid);
CREATE INDEX legal_rep_of_rid IF NOT EXISTS FOR ()-[r:LEGAL_REP_OF]-() ON (r.rid);
CREATE INDEX officer_of_rid IF NOT EXISTS FOR ()-[r:OFFICER_OF]-() ON (r.rid);
CREATE INDEX branch_of_rid IF NOT EXISTS FOR ()-[r:BRANCH_OF]-() ON (r.rid);
CREATE FULLTEXT INDEX firm_name_fulltext IF NOT EXISTS FOR (n:Firm) ON EACH [n.name]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}};
CREATE FULLTEXT INDEX person_name_fulltext IF NOT EXISTS FOR (n:Person) ON EACH [n.name]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}};
