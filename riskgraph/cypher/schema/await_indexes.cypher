// Blocks until every index is online (so a load right after `schema` uses them). No parameters.
CALL db.awaitIndexes(300)
