// The index on a relationship type's rid, which makes re-loads cheap (ingest/rel_exists, rel_update). Idempotent.
// No parameters: riskgraph/graph/statements.py fills in <<name>> and <<type>> from riskgraph/model.py.
CREATE INDEX <<name>> IF NOT EXISTS FOR ()-[r:<<type>>]-() ON (r.rid)
