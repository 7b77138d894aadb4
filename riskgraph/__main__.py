"""``python -m riskgraph`` is the ``riskgraph`` command."""

from riskgraph.cli import app

app(prog_name="riskgraph")
