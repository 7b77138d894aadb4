"""The scoring engine: indicators, related-party propagation, A–D classes and reasons.

Everything in this package computes on arrays and data frames handed to it (raw tables
turned into a :class:`~riskgraph.scoring.projection.Projection` by ``build.py``) and returns
plain results. It never opens a Neo4j session or reads a data file: reading tables and
writing results is ``riskgraph.graph``'s and ``riskgraph.ingest``'s work, and
``riskgraph.jobs`` wires them together (the import contract in ``pyproject.toml`` holds it so).
"""
