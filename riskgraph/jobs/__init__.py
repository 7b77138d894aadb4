"""Orchestration: the jobs the CLI and the API both call (score a month, withdraw it, class changes, evaluate,
the demo). A job parses and checks its arguments once, reads through ``riskgraph.graph`` or ``riskgraph.ingest``,
computes with the pure ``riskgraph.scoring`` and writes back; it shows nothing itself (callers pass ``say``)."""
