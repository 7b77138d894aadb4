"""``riskgraph alerts …``: early warning (监测预警) — run a month, list and show alerts, acknowledge and close
them, and judge them on generated data. The work is in ``riskgraph.jobs.alerts``; this module parses,
calls and prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Column, Table

from riskgraph.errors import RiskgraphError
from riskgraph.graph import db
from riskgraph.settings import get_settings

app = typer.Typer(help="Early warning (监测预警): abnormal registration, abnormal changes, complaint surges.",
                  no_args_is_help=True)
console = Console()


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[red]error:[/red] {exc}")
    return typer.Exit(1)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2g}" if value < 0.01 else f"{value:.2f}"
    return "" if value is None else str(value)


@app.command("run")
def run(month: Annotated[str, typer.Option(help="the month to test (YYYY-MM); windows end on its last day")],
        hubs: Annotated[Path | None, typer.Option(help="exempt-hub list (YAML: firms, persons, addresses)")] = None,
        config: Annotated[Path | None, typer.Option(help="alerts file (default: the packaged alerts.yaml)")] = None,
        ) -> None:
    """Run the three tests on the graph for a month and store the alerts (statuses of earlier runs kept).

    Example:
      riskgraph alerts run --month 2026-06 --hubs var/demo/exempt_hubs.yaml
    """
    from riskgraph.jobs import alerts
    from riskgraph.scoring.config import load_exempt_hubs
    from riskgraph.warning.config import load_alert_config

    settings = get_settings()
    try:
        cfg, hub_list = load_alert_config(config), load_exempt_hubs(hubs)
        with db.connect(settings) as driver, console.status("testing") as status:
            done = alerts.run_alerts(driver, settings, month, hub_list, cfg, say=lambda m: status.update(m))
    except (RiskgraphError, ValueError) as exc:
        raise _fail(exc) from exc
    console.print(f"{done['alerts']} alerts for {done['month']} ({done['alerts_version']}) in {done['path']}")
    for key, n in done["counts"].items():
        console.print(f"  {key}: {n}")


@app.command("list")
def list_(month: Annotated[str | None, typer.Option(help="only this month (YYYY-MM)")] = None,
          type_: Annotated[str | None, typer.Option("--type", help="registration_burst, frequent_changes or "
                                                                   "complaint_surge")] = None,
          status: Annotated[str | None, typer.Option(help="open, acknowledged or closed")] = None,
          severity: Annotated[str | None, typer.Option(help="low, medium or high")] = None,
          as_json: Annotated[bool, typer.Option("--json", help="print JSON (with evidence)")] = False) -> None:
    """Stored alerts, newest month first.

    Example:
      riskgraph alerts list --month 2026-06 --status open --severity high
    """
    from riskgraph.jobs import alerts

    try:
        found = alerts.list_alerts(get_settings(), month, type_, status, severity)
    except (RiskgraphError, ValueError) as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=1))
        return
    table = Table("alert", "type", "subject", "severity", "observed", "expected", "q", "status")
    for a in found:
        table.add_row(a["alert_id"], a["type"], f"{a['subject_type']} {a['subject']}", a["severity"],
                      str(a["observed"]), _fmt(a["expected"]), _fmt(a["q"]), a["status"])
    console.print(table)


@app.command("show")
def show(alert_id: Annotated[str, typer.Argument(help="the alert's id (AL-YYYY-MM-…)")]) -> None:
    """One alert with its evidence and status history, as JSON.

    Example:
      riskgraph alerts show AL-2026-06-0123456789
    """
    from riskgraph.jobs import alerts

    try:
        typer.echo(json.dumps(alerts.get_alert(get_settings(), alert_id), ensure_ascii=False, indent=1))
    except (RiskgraphError, ValueError) as exc:
        raise _fail(exc) from exc


def _move(alert_id: str, status: str, note: str) -> None:
    from riskgraph.jobs import alerts

    try:
        a = alerts.change_status(get_settings(), alert_id, status, note=note)
    except (RiskgraphError, ValueError) as exc:
        raise _fail(exc) from exc
    last = a["history"][-1]
    console.print(f"{alert_id} is {a['status']} ({last['by']}, {last['at']})")


@app.command("ack")
def ack(alert_id: Annotated[str, typer.Argument(help="the alert's id")],
        note: Annotated[str, typer.Option(help="why, for the record")] = "") -> None:
    """Acknowledge an open alert (someone is looking at it); recorded in the audit trail.

    Example:
      riskgraph alerts ack AL-2026-06-0123456789 --note "assigned to the Nanshan bureau"
    """
    _move(alert_id, "acknowledged", note)


@app.command("close")
def close(alert_id: Annotated[str, typer.Argument(help="the alert's id")],
          note: Annotated[str, typer.Option(help="the outcome, for the record")] = "") -> None:
    """Close an alert (open or acknowledged); recorded in the audit trail.

    Example:
      riskgraph alerts close AL-2026-06-0123456789 --note "agent's address, known"
    """
    _move(alert_id, "closed", note)


@app.command("evaluate")
def evaluate(directories: Annotated[list[Path], typer.Argument(help="generated data sets with truth/alerts.csv")],
             month: Annotated[str | None, typer.Option(help="month to test (default: the last delta month)")] = None,
             out: Annotated[Path | None, typer.Option(help="save the figures as JSON")] = None) -> None:
    """Recall and precision per alert type against the planted truth, the naive baseline beside, over
    one or more data sets (pooled). No database: the inputs are read from the files.

    Example:
      riskgraph alerts evaluate /tmp/s3 /tmp/s5 /tmp/s7 --out /tmp/alerts-eval.json
    """
    from riskgraph.jobs import alerts
    from riskgraph.jobs.evaluation import default_evaluation_month
    from riskgraph.scoring.config import load_exempt_hubs
    from riskgraph.warning.evaluation import pooled

    salt = get_settings().person_salt.get_secret_value()
    runs = []
    try:
        for d in directories:
            hubs_file = d / "exempt_hubs.yaml"
            runs.append(alerts.evaluate_alerts(d, salt, month or default_evaluation_month(d),
                                               load_exempt_hubs(hubs_file if hubs_file.is_file() else None)))
    except (RiskgraphError, ValueError, OSError) as exc:
        raise _fail(exc) from exc
    runs = [r for r in runs if r]
    model, naive = pooled([r["model"] for r in runs]), pooled([r["naive"] for r in runs])
    figures = {"runs": [{"directory": str(d), **r} for d, r in zip(directories, runs, strict=True)],
               "model": model, "naive": naive}
    table = Table(Column("alert type", no_wrap=True), "planted", "model: alerts", "recall", "precision",
                  "naive: alerts", "recall", "precision")
    for group, m in model.items():
        n = naive.get(group, {})
        table.add_row(group, str(m["planted"]), str(m["alerts"]), _fmt(m["recall"]), _fmt(m["precision"]),
                      str(n.get("alerts", 0)), _fmt(n.get("recall")), _fmt(n.get("precision")))
    console.print(table)
    if out:
        out.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        console.print(f"saved {out}")
