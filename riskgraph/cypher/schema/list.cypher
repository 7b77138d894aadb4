// Returns every index (constraints included: each uniqueness constraint owns an index of the same name)
// as {name, type, state, constraint}. No parameters.
SHOW INDEXES YIELD name, type, state, owningConstraint
RETURN name, type, state, owningConstraint AS constraint
