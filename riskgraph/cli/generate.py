"""``riskgraph generate``: a synthetic provincial registry with planted ground truth.

A thin shell over ``riskgraph.synth.generator``: parse and check the arguments, show
progress, print what was written. The generative story is in docs/generator.md.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from riskgraph.errors import ConfigError
from riskgraph.synth.generator import generate_dataset
from riskgraph.synth.profile import load_profile

_STAGES = 7  # the steps generate_dataset reports
DEFAULT_AS_OF = load_profile().calendar.default_as_of.isoformat()


def generate(
    firms: Annotated[int, typer.Option("--firms", min=100, help="firms in the base snapshot (N)")],
    seed: Annotated[int, typer.Option("--seed", min=0, help="random seed; the same seed gives identical files")],
    out: Annotated[Path, typer.Option("--out", help="directory to write (new or empty; see --force)")],
    months: Annotated[int, typer.Option("--months", min=0,
                                        help="monthly delta sets after the base, in DIR/deltas/YYYY-MM/")] = 0,
    as_of: Annotated[str, typer.Option("--as-of", help="base snapshot date, a month end (YYYY-MM-DD); the last "
                                                       "delta month must end by today")] = DEFAULT_AS_OF,
    profile: Annotated[Path | None, typer.Option("--profile", help="generator parameters (default: the packaged "
                                                                   "riskgraph/synth/profile.yaml)")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace a data set generated in DIR before")] = False,
) -> None:
    """Write a synthetic provincial registry with planted ground truth.

    DIR/*.csv: the eight interchange files as of --as-of.

    DIR/deltas/YYYY-MM/: what changed in each of the --months months after it.

    DIR/exempt_hubs.yaml: hubs a regulator knows to be risk-neutral (a scoring input).

    DIR/truth/: latent risk, planted structures and the events of the months after the last delta
    (calendar.future_months of the profile, 12 by default); for judging a scorer, never for scoring.

    Example: riskgraph generate --firms 100000 --seed 7 --out data/synth --months 3
    """
    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError as exc:
        typer.echo(f"error: --as-of {as_of!r} is not a date in the form YYYY-MM-DD", err=True)
        raise typer.Exit(2) from exc
    try:
        spec = load_profile(profile) if profile else None
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    started = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("generating", total=_STAGES)

        def advance(stage: str) -> None:
            bar.update(task, advance=1, description=f"done: {stage}")

        try:
            summary = generate_dataset(firms, seed, out, months=months, as_of=day, profile=spec, force=force,
                                       progress=advance)
        except (ValueError, FileExistsError) as exc:
            bar.stop()
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
    elapsed = time.perf_counter() - started
    base = summary.rows["base"]
    typer.echo(f"wrote {out}: {base['firms']:,} firms, {base['persons']:,} persons, {base['events']:,} events "
               f"as of {summary.as_of}; {months} delta month(s); "
               f"{summary.rows['future']['events']:,} future events in truth/ ({elapsed:.1f} s)")
    planted = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.structures.items()))
    typer.echo(f"planted: {planted}")


if __name__ == "__main__":
    typer.run(generate)
