// Uniqueness of a node label's key (the constraint owns a range index of the same name). Idempotent.
// No parameters: riskgraph/graph/statements.py fills in <<name>>, <<label>> and <<key>> from riskgraph/model.py.
CREATE CONSTRAINT <<name>> IF NOT EXISTS FOR (n:<<label>>) REQUIRE n.<<key>> IS UNIQUE
