// Every person's key and name, as collected lists (one record). No parameters.
// Returns node (internal id), key (the opaque key it is shown by), name (raw; the caller masks it before anything is shown or stored).
MATCH (p:Person)
RETURN collect(id(p)) AS node, collect(p.ref) AS key, collect(coalesce(p.name, '')) AS name
