// A full-text index on names (CJK analyzer: Chinese names are found by any two characters). Idempotent.
// No parameters: riskgraph/graph/statements.py fills in <<name>>, <<label>> and <<properties>> (n.name, …)
// from riskgraph/model.py.
CREATE FULLTEXT INDEX <<name>> IF NOT EXISTS FOR (n:<<label>>) ON EACH [<<properties>>]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}
