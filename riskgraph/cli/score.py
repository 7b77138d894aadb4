"""``riskgraph score`` and ``riskgraph evaluate``: monthly classification and its evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from riskgraph.errors import RiskgraphError
from riskgraph.graph import db
from riskgraph.scoring.config import CLASS_ORDER, load_exempt_hubs, load_model_config
from riskgraph.scoring.projection import month_end
from riskgraph.settings import get_settings

console = Console()


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[red]error:[/red] {exc}")
    return typer.Exit(1)


def score(
    month: Annotated[str | None, typer.Option(help="month to score, YYYY-MM (relationships and events as of "
                                                   "its last day)")] = None,
    config: Annotated[Path | None, typer.Option(help="model file (default: the packaged indicators.yaml)")] = None,
    hubs: Annotated[Path | None, typer.Option(help="exempt-hub list (YAML: firms, persons, addresses)")] = None,
    changes: Annotated[str | None, typer.Option(help="list up/downgrades between two scored months, FROM:TO")] = None,
    limit: Annotated[int, typer.Option(help="rows shown with --changes")] = 30,
) -> None:
    """Classify every firm A/B/C/D for a month and store score, class, reasons and model version.

    Re-running a month replaces that month's results atomically; other months stay.

    Examples:
      riskgraph score --month 2026-06
      riskgraph score --month 2026-06 --hubs data/demo/exempt_hubs.yaml --config my-weights.yaml
      riskgraph score --changes 2026-05:2026-06
    """
    from riskgraph.scoring import service

    settings = get_settings()
    try:
        if changes:
            before, _, after = changes.partition(":")
            if not before or not after:
                raise RiskgraphError(f"--changes needs FROM:TO months, e.g. 2026-05:2026-06 (got {changes!r})")
            with db.connect(settings) as driver:
                found = service.class_changes(driver, settings, before, after)
            _print_changes(found, before, after, limit)
            return
        if not month:
            raise RiskgraphError("give --month YYYY-MM (or --changes FROM:TO)")
        month_end(month)  # refuse a malformed month before connecting
        model = load_model_config(config)
        hub_list = load_exempt_hubs(hubs)
        with db.connect(settings) as driver, Progress(
                TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=console) as progress:
            step = progress.add_task("reading", total=None)
            write_task: list[TaskID] = []

            def say(msg: str) -> None:
                progress.update(step, description=msg[:24])

            def before_write(n: int) -> None:
                write_task.append(progress.add_task("writing ratings", total=n))

            def on_write(k: int) -> None:
                progress.advance(write_task[0], k)

            run = service.score_month(driver, settings, month, model, hub_list, say=say, on_write=on_write,
                                      before_write=before_write)
            progress.update(step, description="done", total=1, completed=1)
    except (RiskgraphError, ValueError) as exc:
        raise _fail(exc) from exc
    table = Table(title=f"{run.month}: {run.firms:,} firms scored, model {run.model_version}")
    for col in ("class", "firms", "share"):
        table.add_column(col, justify="right")
    for c in CLASS_ORDER:
        table.add_row(c.value, f"{run.class_counts[c.value]:,}", f"{run.class_mix[c.value]:.1%}")
    console.print(table)
    console.print(f"run {run.run_id}" + (f" replaced {run.replaced_run}" if run.replaced_run else "")
                  + f"; exempt hubs matched: {run.exempt['firms']} firms, {run.exempt['connectors']} persons/addresses")
    console.print("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in run.timings.items() if "." not in k))


def _print_changes(found: list, before: str, after: str, limit: int) -> None:  # type: ignore[type-arg]
    down = sum(1 for c in found if c.direction == "down")
    table = Table(title=f"class changes {before} → {after}: {down:,} downgrades, {len(found) - down:,} upgrades")
    for col in ("fid", "before", "after", "score before", "score after"):
        table.add_column(col)
    for c in found[:limit]:
        table.add_row(c.fid, c.before, c.after, f"{c.score_before:.1f}", f"{c.score_after:.1f}")
    console.print(table)


def evaluate(
    directory: Annotated[Path, typer.Argument(help="generated data set with truth/ (riskgraph generate --out DIR)")],
    month: Annotated[str | None, typer.Option(help="month to score (default: the month before the first "
                                                   "future event)")] = None,
    config: Annotated[Path | None, typer.Option(help="model file (default: the packaged indicators.yaml)")] = None,
    hubs: Annotated[Path | None, typer.Option(help="exempt-hub list (default: DIR/exempt_hubs.yaml)")] = None,
    out: Annotated[Path | None, typer.Option(help="where to save the figures (default: DIR/evaluation.json)")] = None,
    planted: Annotated[int, typer.Option(help="first write a planted test registry of this many firms to "
                                              "DIR")] = 0,
) -> None:
    """AUC and precision at the top 1 % / 5 % for predicting future violations: own attributes only
    against with propagation (with and without the exempt-hub list). Printed and saved as JSON.

    Examples:
      riskgraph evaluate data/demo
      riskgraph evaluate /tmp/planted --planted 100000
    """
    from riskgraph.scoring import service
    from riskgraph.scoring.planted import write_planted

    settings = get_settings()
    try:
        if planted:
            console.print(f"writing a planted registry of {planted:,} firms to {directory}")
            write_planted(directory, planted)
        model = load_model_config(config)
        with console.status("evaluating") as status:
            result = service.evaluate_directory(directory, model, settings.person_salt.get_secret_value(), month,
                                                hubs, say=lambda m: status.update(m))
    except (RiskgraphError, ValueError, OSError) as exc:
        raise _fail(exc) from exc
    table = Table(title=f"{result.firms:,} firms as of {result.month}; {result.violators:,} violate within 12 months "
                        f"(base rate {result.violators / max(result.firms, 1):.2%})")
    for col in ("scoring", "AUC", "precision top 1%", "precision top 5%", "lift top 1%", "lift top 5%"):
        table.add_column(col, justify="right")
    for v in result.variants:
        table.add_row(v.variant, f"{v.auc:.3f}", f"{v.precision_top1:.1%}", f"{v.precision_top5:.1%}",
                      f"{v.lift_top1:.1f}×", f"{v.lift_top5:.1f}×")
    console.print(table)
    if result.by_structure:
        st = Table(title="planted structures (violators caught in the top 5 %)")
        for col in ("structure", "firms", "violators", "own only", "with propagation"):
            st.add_column(col, justify="right")
        for row in result.by_structure:
            st.add_row(row["structure"], f"{row['firms']:,}", f"{row['violators']:,}",
                       f"{row['violators_in_top5_own']:,}", f"{row['violators_in_top5_with_propagation']:,}")
        console.print(st)
    console.print("class mix: " + ", ".join(f"{k} {v:.1%}" for k, v in result.class_mix.items()))
    target = out or directory / "evaluation.json"
    target.write_text(json.dumps(result.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    console.print(f"saved {target}")
