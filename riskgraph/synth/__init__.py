"""Synthetic provincial registry with planted ground truth (``riskgraph generate``).

The generator draws a whole timeline of firms, persons, addresses, relationships and
events from a versioned profile (``profile.yaml``), then cuts it into a base snapshot,
monthly delta sets and the truth a scorer is judged against. It writes interchange
files only; it never touches Neo4j or the scoring code. ``docs/generator.md`` tells the
generative story.
"""
