// Returns one row of node and relationship counts by label/type: firms, persons, addresses, events,
// and per relationship type. No parameters. Used by summaries and tests.
CALL () { MATCH (n:Firm) RETURN count(n) AS firms }
CALL () { MATCH (n:Person) RETURN count(n) AS persons }
CALL () { MATCH (n:Address) RETURN count(n) AS addresses }
CALL () { MATCH (n:Event) RETURN count(n) AS events }
CALL () { MATCH ()-[r:SHAREHOLDER_OF]->() RETURN count(r) AS shareholdings }
CALL () { MATCH ()-[r:LEGAL_REP_OF]->() RETURN count(r) AS legal_reps }
CALL () { MATCH ()-[r:OFFICER_OF]->() RETURN count(r) AS officers }
CALL () { MATCH ()-[r:REGISTERED_AT]->() RETURN count(r) AS registrations }
CALL () { MATCH ()-[r:BRANCH_OF]->() RETURN count(r) AS branches }
CALL () { MATCH ()-[r:HAS_EVENT]->() RETURN count(r) AS event_links }
RETURN firms, persons, addresses, events, shareholdings, legal_reps, officers, registrations, branches, event_links
