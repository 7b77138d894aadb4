"""``riskgraph score`` and ``riskgraph evaluate``: monthly classification and its evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from riskgraph.errors import RiskgraphError
from riskgraph.graph import db
from riskgraph.graph.results import MonthCheck
from riskgraph.jobs.scoring import ClassChanges, MonthRun
from riskgraph.scoring.config import CLASS_ORDER, load_exempt_hubs
from riskgraph.scoring.model_file import load_model_config
from riskgraph.settings import get_settings, require_secrets

console = Console()
EVALUATION_WIDTH = 150  # the evaluation tables are wide; wrap them only on wider terminals
TAMPERED_EXIT = 2  # --verify found ratings that fail their check (1 is an error that stopped the check)


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
    withdraw: Annotated[str | None, typer.Option(help="delete the stored results of this month, YYYY-MM (a month "
                                                      "scored by mistake); other months stay")] = None,
    verify: Annotated[str | None, typer.Option(help="check every stored rating of this month, YYYY-MM, against its "
                                                    "HMAC (RISKGRAPH_RATING_KEY) and list the firms that fail; "
                                                    "exit code 2 when any does")] = None,
) -> None:
    """Classify every firm A/B/C/D for a month and store score, class, reasons and model version.

    Re-running a month replaces that month's results atomically; other months stay.

    Examples:
      riskgraph score --month 2026-06
      riskgraph score --month 2026-06 --hubs data/demo/exempt_hubs.yaml --config my-weights.yaml
      riskgraph score --changes 2026-05:2026-06
      riskgraph score --withdraw 2026-06
      riskgraph score --verify 2026-06
    """
    from riskgraph.jobs import scoring as jobs

    settings = get_settings()
    try:
        require_secrets(settings)  # every mode reads or writes ratings keyed by RISKGRAPH_RATING_KEY
        if changes:
            before, _, after = changes.partition(":")
            if not before or not after:
                raise RiskgraphError(f"--changes needs FROM:TO months, e.g. 2026-05:2026-06 (got {changes!r})")
            with db.connect(settings) as driver:
                found = jobs.class_changes(driver, settings, before, after)
            _print_changes(found, limit)
            return
        if verify:
            with db.connect(settings) as driver:
                check = jobs.verify_month(driver, settings, verify)
            _print_check(check)
            if not check.verified:
                raise typer.Exit(TAMPERED_EXIT)
            return
        if withdraw:
            with db.connect(settings) as driver:
                gone = jobs.withdraw_month(driver, settings, withdraw)
            console.print(f"withdrew {withdraw} (run {gone})" if gone else f"{withdraw} had no stored results")
            return
        if not month:
            raise RiskgraphError("give --month YYYY-MM (or --changes FROM:TO, --withdraw YYYY-MM, --verify YYYY-MM)")
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

            run = jobs.score_month(driver, settings, month, model, hub_list, say=say, on_write=on_write,
                                   before_write=before_write)
            progress.update(step, description="done", total=1, completed=1)
    except (RiskgraphError, ValueError) as exc:
        raise _fail(exc) from exc
    print_month_run(run)


def print_month_run(run: MonthRun) -> None:
    """The class table and run facts of a scored month."""
    console.print(f"[bold]{run.month}[/bold]: {run.firms:,} firms scored, model {run.model_version}")
    table = Table()
    for col in ("class", "firms", "share"):
        table.add_column(col, justify="right")
    for c in CLASS_ORDER:
        table.add_row(c.value, f"{run.class_counts[c.value]:,}", f"{run.class_mix[c.value]:.1%}")
    console.print(table)
    if run.class_mix_operating:
        console.print("firms in operation: " + ", ".join(f"{k} {v:.1%}" for k, v in run.class_mix_operating.items()))
    console.print(f"run {run.run_id}" + (f" replaced {run.replaced_run}" if run.replaced_run else "")
                  + f"; exempt hubs matched: {run.exempt['firms']} firms, {run.exempt['connectors']} persons/addresses")
    console.print("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in run.timings.items() if "." not in k))


def _print_check(check: MonthCheck) -> None:
    """The verdict of ``--verify``: every failed firm, one a line, and what is wrong with the run."""
    if check.run_id is None:
        console.print(f"{check.month} has not been scored: nothing to check")
        return
    if check.verified:
        console.print(f"[green]intact[/green]: {check.summary()}")
        return
    console.print(f"[red]FAILED[/red]: {check.month}, run {check.run_id}: {check.checked:,} ratings checked, "
                  f"{len(check.failed):,} fail their HMAC")
    for problem in check.problems:
        console.print(f"  run: {problem}")
    for fid in check.failed:
        console.print(f"  {fid}")
    console.print(f"score {check.month} again to replace its ratings once the cause is found")


def _print_changes(found: ClassChanges, limit: int) -> None:
    down = sum(1 for c in found.changes if c.direction == "down")
    table = Table(title=f"class changes {found.before} → {found.after}: {down:,} downgrades, "
                        f"{len(found.changes) - down:,} upgrades")
    for col in ("fid", "before", "after", "score before", "score after"):
        table.add_column(col)
    for c in found.changes[:limit]:
        table.add_row(c.fid, c.before, c.after, f"{c.score_before:.1f}", f"{c.score_after:.1f}")
    console.print(table)


def evaluate(
    directory: Annotated[Path, typer.Argument(help="generated data set with truth/ (riskgraph generate --out DIR)")],
    month: Annotated[str | None, typer.Option(help="month to score (default: the month before the first "
                                                   "future event)")] = None,
    config: Annotated[Path | None, typer.Option(help="model file (default: the packaged indicators.yaml)")] = None,
    hubs: Annotated[Path | None, typer.Option(help="exempt-hub list (default: DIR/exempt_hubs.yaml)")] = None,
    out: Annotated[Path | None, typer.Option(help="where to save the figures (default: DIR/evaluation.json)")] = None,
) -> None:
    """AUC and precision at the top 1 % / 5 % for predicting violations in the next 12 months: own
    attributes only against with propagation (also without the exempt-hub list and without any hub
    handling), the truth's latent risk as a yardstick, and a table by planted structure type; then
    hotspot recall against the naive C/D-share ranking and risk-group recovery of the planted
    rings, fronts and loops (docs/analysis.md). Printed and saved as JSON.

    Examples:
      riskgraph generate --firms 50000 --seed 3 --months 3 --out /tmp/s3 && riskgraph evaluate /tmp/s3
      riskgraph evaluate /tmp/s3 --config my-weights.yaml --out /tmp/s3-mine.json
    """
    from riskgraph.jobs.evaluation import evaluate_directory

    settings = get_settings()
    try:
        model = load_model_config(config)
        with console.status("evaluating") as status:
            result = evaluate_directory(directory, model, settings.person_salt.get_secret_value(), month,
                                                hubs, say=lambda m: status.update(m))
    except (RiskgraphError, ValueError, OSError) as exc:
        raise _fail(exc) from exc
    table = Table(title=f"{result.evaluated:,} firms in operation at the end of {result.month} "
                        f"({result.firms:,} scored); {result.violators:,} violate within {result.horizon_months} "
                        f"months (base rate {result.violators / max(result.evaluated, 1):.2%})")
    for col in ("scoring", "AUC", "precision top 1%", "precision top 5%", "lift top 1%", "lift top 5%"):
        table.add_column(col, justify="right")
    for v in result.variants:
        table.add_row(v.variant + (" (yardstick)" if v.reference else ""), f"{v.auc:.3f}", f"{v.precision_top1:.1%}",
                      f"{v.precision_top5:.1%}", f"{v.lift_top1:.1f}×", f"{v.lift_top5:.1f}×")
    wide = Console(width=max(console.width, EVALUATION_WIDTH))
    wide.print(table)
    if result.by_structure_type:
        wide.print(_structure_table(result.by_structure_type))
    console.print("class mix of the firms in operation: "
                  + ", ".join(f"{k} {v:.1%}" for k, v in result.class_mix.items()))
    if result.hotspots:
        cd = result.hotspots["county_x_division"]
        planted = result.hotspots["planted"]

        def recall(f: dict[str, Any]) -> str:
            share = "–" if f["not_planted"] is None else f"{f['not_planted']:.0%}"
            found = f"{f['planted_found']}/{planted}"
            return f"{found} planted cells in {f['cells']} ({share} not planted)"

        console.print(f"hotspots (county × division, {result.analysis_version}): {recall(cd['hotspots'])}; "
                      f"naive C/D-share ranking, same number of cells: {recall(cd['baseline_same_number'])}")
    if result.groups:
        console.print("risk groups: " + "; ".join(
            f"{kind} {g['recovered']}/{g['planted']} recovered (purity {g['purity_mean'] or 0:.2f})"
            for kind, g in result.groups.items() if isinstance(g, dict) and "purity_mean" in g)
            + f"; {result.groups['groups']:,} groups")
    target = out or directory / "evaluation.json"
    target.write_text(json.dumps(result.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    console.print(f"saved {target}")


def _structure_table(rows: list[dict[str, Any]]) -> Table:
    st = Table(title="by planted structure type: violators caught in the top 5 % (own only → with propagation; "
                     "oracle), members flagged there, AUC among the members")
    for col in ("structure type", "risky", "firms", "violators", "caught", "oracle", "flagged",
                "flagged, no hub handling", "AUC within"):
        st.add_column(col, justify="right")

    def pair(row: dict[str, Any], field: str) -> str:
        a, b = row["own"][field], row["model"][field]
        if a is None or b is None:
            return "–"
        return f"{a:.3f} → {b:.3f}" if isinstance(a, float) else f"{a:,} → {b:,}"

    for row in rows:
        oracle = row.get("oracle", {}).get("caught_top5")
        st.add_row(row["structure_type"], "yes" if row["risky"] else "no", f"{row['firms']:,}",
                   f"{row['violators']:,}", pair(row, "caught_top5"), "–" if oracle is None else f"{oracle:,}",
                   pair(row, "flagged_top5"), f"{row['no_hub_handling']['flagged_top5']:,}",
                   pair(row, "auc_within"))
    return st
