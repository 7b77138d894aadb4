// Deletes all LEGAL_REP_OF and OFFICER_OF relationships (bench baseline reloads them). No parameters.
MATCH ()-[r:LEGAL_REP_OF|OFFICER_OF]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS
