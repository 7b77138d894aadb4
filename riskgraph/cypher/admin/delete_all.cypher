// Deletes every node and relationship of the database in chunks (constraints and indexes stay).
// Used by tests and by `riskgraph ingest --replace`. No parameters.
MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
