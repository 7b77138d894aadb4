"""The one command line: ``riskgraph <verb>`` for every job.

Each verb lives in its own module; this file only assembles them.
"""

from __future__ import annotations

import typer

from riskgraph.cli import alerts, analysis, audit, generate, ingest, neo4j, plan, score, serve, users

app = typer.Typer(
    name="riskgraph",
    help="Enterprise credit-risk classification over a company graph (SAMR 国市监信发〔2022〕6号).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(neo4j.app, name="neo4j")
app.command("schema")(ingest.schema)
app.command("ingest")(ingest.ingest)
app.command("generate")(generate.generate)
app.command("score")(score.score)
app.command("evaluate")(score.evaluate)
app.command("hotspots")(analysis.hotspots)
app.command("groups")(analysis.groups)
app.command("serve")(serve.serve)
app.command("demo")(serve.demo)
app.add_typer(audit.app, name="audit")
app.add_typer(users.app, name="users")
app.add_typer(plan.app, name="plan")
app.add_typer(alerts.app, name="alerts")
