// Deletes the :Rating nodes whose internal ids are in $node (with their RATED relationship). Returns deleted.
UNWIND $node AS i
MATCH (r:Rating) WHERE id(r) = i
DETACH DELETE r
RETURN count(*) AS deleted
