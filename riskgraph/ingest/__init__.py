"""Files in, validated rows into Neo4j: read → validate (all files, before any write) → load."""
