"""The graph storage layer: every access to Neo4j. It reads raw tables and writes rows; it imports only the
domain vocabulary (``riskgraph.model``, ``riskgraph.reference``), settings and errors."""
