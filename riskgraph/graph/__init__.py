"""The graph model and every access to Neo4j; nothing above this layer opens a session."""
