// A range index on a node property that queries filter by. Idempotent.
// No parameters: riskgraph/graph/statements.py fills in <<name>>, <<label>> and <<property>> from riskgraph/model.py.
CREATE INDEX <<name>> IF NOT EXISTS FOR (n:<<label>>) ON (n.<<property>>)
