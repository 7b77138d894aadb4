"""``riskgraph plan …``: double-random inspection plans (双随机抽查计划) — commit, draw, show, export, re-check,
results fed back, evaluation. The work is in ``riskgraph.jobs.plans``; this module parses, calls and prints."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from riskgraph.errors import RiskgraphError
from riskgraph.graph import db
from riskgraph.inspection.task import Task, parse_task
from riskgraph.settings import get_settings

app = typer.Typer(help="Double-random inspection plans (双随机、一公开抽查计划): draw, show, export, verify, "
                       "results, evaluate.", no_args_is_help=True)
console = Console()
UNCONFIRMED_EXIT = 2  # verify found a problem (1 is an error that stopped it)


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[red]error:[/red] {exc}")
    return typer.Exit(1)


def _task(path: Path) -> Task:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RiskgraphError(f"cannot read the task file {path}: {exc.strerror}") from exc
    return parse_task(raw, str(path))


@app.command("commit")
def commit(task_file: Annotated[Path, typer.Argument(help="the task (YAML): task_id, name, regions, industries, "
                                                          "key_area, base_ratio, date, pool")],
           seed: Annotated[str | None, typer.Option(help="the seed; default 32 random bytes (recommended)")] = None,
           ) -> None:
    """Commit a task before its draw (承诺): record the seed's SHA-256 and print it for publication; the seed stays
    secret until `plan draw` reveals it.

    Example:
      riskgraph plan commit tasks/2026-q4-food.yaml
    """
    from riskgraph.jobs import plans

    settings = get_settings()
    try:
        done = plans.commit_task(settings, _task(task_file), seed)
    except (RiskgraphError, ValueError) as exc:
        raise _fail(exc) from exc
    console.print(f"committed task [bold]{done.plan_id}[/bold] at {done.committed_at}")
    console.print(f"commitment (publish it before the draw): [bold]{done.commitment}[/bold]")


@app.command("draw")
def draw(task: Annotated[str, typer.Argument(help="a task file (YAML), or the id of a committed task")],
         month: Annotated[str, typer.Option(help="the scored month whose classes steer the draw, YYYY-MM")],
         pool: Annotated[Path | None, typer.Option(help="inspector pool file (default: the task's `pool`)")] = None,
         config: Annotated[Path | None, typer.Option(help="sampling configuration (default: the packaged "
                                                          "plan.yaml)")] = None,
         seed: Annotated[str | None, typer.Option(help="a new task: its seed (default random); a committed task: "
                                                       "must be the committed one")] = None) -> None:
    """Draw a plan (抽取): firms per class at the configured ratios, two inspectors each, stored and audited.

    A committed task is drawn by its id and its seed revealed; a task file not committed is committed
    and drawn at once. Refused while the month's ratings fail their integrity check.

    Examples:
      riskgraph plan draw 2026-q4-food --month 2026-09
      riskgraph plan draw tasks/2026-q4-food.yaml --month 2026-09 --pool pools/shenzhen.yaml
    """
    from riskgraph.jobs import plans

    settings = get_settings()
    path = Path(task)
    try:
        spec = _task(path) if path.is_file() else None
        pool_file = pool
        if pool_file is None and spec is not None:
            pool_file = plans.resolve_pool(settings, spec.pool, base=path.parent)
        with db.connect(settings) as driver, console.status("drawing") as status:
            doc = plans.draw_plan(driver, settings, month, task=spec, plan_id=None if spec else task,
                                  pool_path=pool_file, config_path=config, seed=seed,
                                  say=lambda m: status.update(m))
    except (RiskgraphError, ValueError, OSError) as exc:
        raise _fail(exc) from exc
    _print_plan(doc)


@app.command("list")
def list_() -> None:
    """Every drawn plan, newest first (计划列表).

    Example:
      riskgraph plan list
    """
    from riskgraph.jobs import plans

    table = Table(title="inspection plans (抽查计划)")
    for col in ("plan", "name", "month", "drawn", "firms", "A/B/C/D", "short", "intact"):
        table.add_column(col)
    for s in plans.list_plans(get_settings()):
        c = s["classes"]
        table.add_row(s["plan_id"], s["name"], s["month"], s["drawn_at"], f"{s['firms']:,}",
                      f"{c['A']}/{c['B']}/{c['C']}/{c['D']}", str(s["short_of_inspectors"]),
                      "yes" if s["intact"] else "[red]NO[/red]")
    console.print(table)


@app.command("show")
def show(plan_id: Annotated[str, typer.Argument(help="the plan's id (its task id)")],
         firms: Annotated[int, typer.Option(help="firms listed")] = 20) -> None:
    """One plan: its strata, commitment and seed, inputs, exclusions, the first firms with their inspectors.

    Example:
      riskgraph plan show 2026-q4-food --firms 50
    """
    from riskgraph.jobs import plans

    try:
        doc = plans.load_plan(get_settings(), plan_id)
    except RiskgraphError as exc:
        raise _fail(exc) from exc
    _print_plan(doc, firms)


@app.command("export")
def export(plan_id: Annotated[str, typer.Argument(help="the plan's id")],
           out: Annotated[Path, typer.Option(help="directory for PLAN.csv and PLAN.json")] = Path("."),
           names: Annotated[bool, typer.Option(help="include inspectors' names (staff personal data)")] = True,
           ) -> None:
    """Export a plan for the inspection platform (推送抽查平台): CSV one row per firm, and the JSON document
    (docs/inspection.md#export-format).

    Example:
      riskgraph plan export 2026-q4-food --out /tmp/push
    """
    from riskgraph.jobs import plans

    try:
        csv_path, json_path = plans.export_plan(get_settings(), plan_id, out, names)
    except (RiskgraphError, OSError) as exc:
        raise _fail(exc) from exc
    console.print(f"wrote {csv_path} and {json_path}")


@app.command("verify")
def verify(plan_id: Annotated[str, typer.Argument(help="the plan's id")]) -> None:
    """Re-check a plan (复核): digest and audit record, the seed against its commitment, the inputs, and the whole
    draw done again. Exit code 2 when anything fails.

    Example:
      riskgraph plan verify 2026-q4-food
    """
    from riskgraph.jobs import plans

    settings = get_settings()
    try:
        with db.connect(settings) as driver, console.status("re-checking") as status:
            check = plans.verify_plan(driver, settings, plan_id, say=lambda m: status.update(m))
    except RiskgraphError as exc:
        raise _fail(exc) from exc
    for line in check.checked:
        console.print(f"[green]ok[/green]  {line}")
    for line in check.problems:
        console.print(f"[red]FAIL[/red] {line}")
    if not check.confirmed:
        raise typer.Exit(UNCONFIRMED_EXIT)
    console.print(f"[green]plan {plan_id} confirmed[/green]")


@app.command("results")
def results(plan_id: Annotated[str, typer.Argument(help="the plan's id")],
            file: Annotated[Path, typer.Argument(help="CSV: firm_id, date, result (pass|fail|not_found)"
                                                      "[, event_id, authority, detail]")]) -> None:
    """File inspection results (结果反馈): events of kind inspection linked to the plan and firm; the next scored
    month counts them. Nothing is written while a row fails its check.

    Example:
      riskgraph plan results 2026-q4-food results.csv
    """
    from riskgraph.jobs import plans

    settings = get_settings()
    try:
        with db.connect(settings) as driver:
            filed = plans.file_results(driver, settings, plan_id, file)
    except (RiskgraphError, OSError) as exc:
        raise _fail(exc) from exc
    console.print(f"filed {filed.rows:,} results of {plan_id}: "
                  + ", ".join(f"{k} {v:,}" for k, v in filed.by_result.items()))


@app.command("simulate")
def simulate(plan_id: Annotated[str, typer.Argument(help="the plan's id")],
             truth: Annotated[Path, typer.Option(help="a generated data set (riskgraph generate --out DIR)")],
             out: Annotated[Path, typer.Option(help="results CSV to write")],
             date: Annotated[str, typer.Option(help="date of the results, YYYY-MM-DD")] = dt.date.today().isoformat(),
             ) -> None:
    """Generated data only: the results the plan's inspections would have had by the generator's truth, as a results
    file for `plan results`.

    Example:
      riskgraph plan simulate 2026-q4 --truth var/demo --out /tmp/results.csv
    """
    from riskgraph.jobs import plans

    try:
        path = plans.simulate_results(get_settings(), plan_id, truth, out, dt.date.fromisoformat(date))
    except (RiskgraphError, ValueError, OSError) as exc:
        raise _fail(exc) from exc
    console.print(f"wrote {path}")


@app.command("evaluate")
def evaluate(plan_id: Annotated[str, typer.Argument(help="the plan's id")],
             truth: Annotated[Path | None, typer.Option(help="generated data: report the truth's rates too")] = None,
             out: Annotated[Path | None, typer.Option(help="save the figures as JSON")] = None) -> None:
    """Hit rate per class (命中率) against what a uniform draw of the same size would find: do the classes steer
    inspections to the problems?

    Example:
      riskgraph plan evaluate 2026-q4-food --out /tmp/eval.json
    """
    from riskgraph.jobs import plans

    settings = get_settings()
    try:
        with db.connect(settings) as driver, console.status("evaluating") as status:
            ev = plans.evaluate_plan(driver, settings, plan_id, truth, say=lambda m: status.update(m))
    except (RiskgraphError, OSError) as exc:
        raise _fail(exc) from exc
    table = Table(title=f"plan {plan_id}: {ev.inspected:,} of {ev.drawn:,} drawn firms inspected "
                        f"(hits: {', '.join(ev.hit_results)})")
    for col in ("class", "in scope", "drawn", "inspected", "hits", "hit rate", "95 % interval",
                *(("truth",) if truth else ())):
        table.add_column(col, justify="right")
    for c in ev.classes:
        table.add_row(c.cls, f"{c.population:,}", f"{c.drawn:,}", f"{c.inspected:,}", f"{c.hits:,}", _pct(c.hit_rate),
                      f"{_pct(c.ci_low)}–{_pct(c.ci_high)}", *((_pct(c.truth_rate),) if truth else ()))
    console.print(table)
    if ev.uniform_rate is not None:
        console.print(f"plan hit rate {_pct(ev.hit_rate)}; a uniform draw of the same size: {_pct(ev.uniform_rate)} "
                      f"(± {_pct(ev.uniform_rate_se)}), {ev.uniform_expected_hits:,.1f} hits expected against "
                      f"{ev.hits:,}; lift {ev.lift:.2f}×" if ev.lift is not None else "")
    if truth:
        console.print(f"truth: rate over the whole scope {_pct(ev.truth_rate)}")
    for note in ev.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    if out:
        out.write_text(json.dumps(ev.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        console.print(f"saved {out}")


@app.command("pool")
def pool(file: Annotated[Path, typer.Argument(help="an inspector pool file (YAML)")],
         name: Annotated[str, typer.Option(help="the name tasks and the API give it")]) -> None:
    """Check an inspector pool (检查人员名录库) and store it under a name for tasks and the API to use.

    Example:
      riskgraph plan pool pools/shenzhen.yaml --name shenzhen
    """
    from riskgraph.jobs import plans

    try:
        target = plans.store_pool(get_settings(), file, name)
    except (RiskgraphError, OSError) as exc:
        raise _fail(exc) from exc
    console.print(f"stored pool {name} ({target})")


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def _print_plan(doc: dict[str, Any], firms: int = 10) -> None:
    task = doc["task"]
    console.print(f"[bold]{doc['plan_id']}[/bold] {task['name']} — month {doc['month']}, date {task['date']}, "
                  f"config {doc['config']['version']}" + ("" if doc.get("intact", True) else
                                                          " [red](content no longer matches its digest)[/red]"))
    table = Table(title="strata (分层)")
    for col in ("class", "in scope", "ratio", "drawn", "cutoff ticket"):
        table.add_column(col)
    for s in doc["strata"]:
        table.add_row(s["class"], f"{s['population']:,}", f"{s['ratio']:.1%}", f"{s['drawn']:,}",
                      (s["cutoff"] or "–")[:16] + "…")
    console.print(table)
    sc = doc["scope"]
    console.print(f"scope: {sc['firms_in_scope']:,} firms, {sc['candidates']:,} drawable; excluded: "
                  + (", ".join(f"{r} {n:,}" for r, n in sc["exclusion_counts"].items()) or "none"))
    console.print(f"seed commitment {doc['seed']['commitment']} (committed {doc['seed']['committed_at']}); "
                  f"seed revealed: {doc['seed']['revealed']}")
    console.print(f"inputs: run {doc['inputs']['run_id']}, classes sha256 {doc['inputs']['classes_sha256'][:16]}…, "
                  f"pool {doc['inputs']['pool_sha256'][:16]}…, config {doc['inputs']['config_sha256'][:16]}…")
    short = doc["short_of_inspectors"]
    if short:
        console.print(f"[yellow]{len(short):,} firm(s) short of inspectors[/yellow], e.g. {short[0]['fid']}: "
                      f"{short[0]['reason']}")
    listing = Table(title=f"first {min(firms, len(doc['firms']))} of {len(doc['firms']):,} firms")
    for col in ("fid", "name", "class", "rank", "inspectors"):
        listing.add_column(col)
    for f in doc["firms"][:firms]:
        listing.add_row(f["fid"], f["name"], f["class"], str(f["rank"]), ", ".join(f["inspectors"]) or "–")
    console.print(listing)
    console.print(f"plan digest {doc['digest']}")
