// Returns every index (constraints included: each uniqueness constraint owns an index of the same name)
// as {name, type, state, constraint, entity, labels, properties}. No parameters.
SHOW INDEXES YIELD name, type, state, owningConstraint, entityType, labelsOrTypes, properties
RETURN name, type, state, owningConstraint AS constraint, entityType AS entity, labelsOrTypes AS labels, properties
