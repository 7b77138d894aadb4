"""The scoring engine: indicators, related-party propagation, A–D classes and reasons.

Everything in this package computes on arrays and data frames handed to it (a
:class:`~riskgraph.scoring.projection.Projection`) and returns plain results. It never
opens a Neo4j session: reading projections and writing results is ``riskgraph.graph``'s
job, and :mod:`riskgraph.scoring.service` only wires the two together.
"""
