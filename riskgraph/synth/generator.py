"""The generator's one entry point: draw the whole timeline, then write base, deltas and truth.

Order matters and is fixed: population → planted structures → planted hotspots → roles → latent risk →
names and ids → lifecycle and incidents → registration changes → planted alert patterns → persons → output. Each
step draws from its own named random stream, so the same seed gives identical bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from riskgraph.model import INTERCHANGE_FILES
from riskgraph.synth.addresses import AddressBook
from riskgraph.synth.alerts import alert_table, plant_alerts
from riskgraph.synth.geography import build_geography
from riskgraph.synth.histories import draw_histories
from riskgraph.synth.hotspots import hotspot_table, plant_hotspots
from riskgraph.synth.identities import FirmNamer, finish_persons, firm_ids
from riskgraph.synth.incidents import draw_incidents
from riskgraph.synth.lifecycle import simulate_lifecycle
from riskgraph.synth.people import assign_roles
from riskgraph.synth.population import draw_population
from riskgraph.synth.profile import Profile, load_profile
from riskgraph.synth.randomness import Streams
from riskgraph.synth.risk import latent_risk
from riskgraph.synth.structures import plant_structures
from riskgraph.synth.timeline import NEVER, Timeline, day
from riskgraph.synth.truth import exempt_hubs, structure_records, write_exempt_hubs, write_structures, write_truth_firms
from riskgraph.synth.vocabulary import vocabulary
from riskgraph.synth.world import PersonPool, branch_rows, event_rows
from riskgraph.synth.writer import Dataset, event_ids, event_table, write_csv, write_slice

GENERATOR_VERSION = "riskgraph-synth/1"
OUTPUT_FILES = [f"{spec.kind}.csv" for spec in INTERCHANGE_FILES] + ["exempt_hubs.yaml"]


@dataclass
class GenerationSummary:
    firms: int
    seed: int
    as_of: str
    months: int
    profile_version: str
    rows: dict[str, dict[str, int]] = field(default_factory=dict)  # slice → file → rows
    structures: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def prepare_output(out: Path, force: bool) -> None:
    """Refuse to mix a new data set with an old one unless ``force``; then remove only what we write."""
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise FileExistsError(f"{out} is not empty; choose a new directory or pass --force to replace "
                                  "a data set generated there before")
        for name in OUTPUT_FILES:
            (out / name).unlink(missing_ok=True)
        for sub in ("deltas", "truth"):
            shutil.rmtree(out / sub, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)


def generate_dataset(firms: int, seed: int, out: Path, *, months: int = 0, as_of: dt.date | None = None,
                     profile: Profile | None = None, today: dt.date | None = None, force: bool = False,
                     progress: Callable[[str], None] | None = None) -> GenerationSummary:
    """Write a complete synthetic data set of ``firms`` base firms to ``out``; see docs/generator.md."""
    if firms < 100:
        raise ValueError("--firms must be at least 100 (planted structures need room)")
    profile = profile or load_profile()
    timeline = Timeline.build(as_of or profile.calendar.default_as_of, months, profile.calendar.event_history_years,
                              today or dt.date.today(), profile.calendar.future_months)
    prepare_output(out, force)
    summary = GenerationSummary(firms, seed, timeline.as_of.isoformat(), months, profile.version)
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        summary.seconds[name] = round(now - clock, 2)
        clock = now
        if progress:
            progress(name)

    streams = Streams(seed)
    vocab = vocabulary()
    geo = build_geography(profile, streams.rng("geography"))
    n_new = round(firms * profile.calendar.new_firms_per_month * months)
    frame = draw_population(firms, n_new, timeline, geo, profile, streams.rng("population"))
    book = AddressBook(geo, vocab, profile, streams.rng("address-book"))
    pool = PersonPool()
    plan = plant_structures(frame, pool, geo, book, timeline, profile, streams.rng("structures"))
    hotspots = plant_hotspots(frame, geo, profile, streams.rng("hotspots"))
    step("population, planted structures and hotspots")

    roles = assign_roles(frame, plan, pool, profile, streams.rng("roles"))
    risk = latent_risk(frame, plan.effect + hotspots.effect, roles.principal, geo, timeline, profile,
                       streams.rng("risk"))
    step("roles and latent risk")

    ids = firm_ids(frame, geo, streams.rng("firm-ids"))
    namer = FirmNamer(frame, plan, geo, profile, vocab, streams.rng("names"))
    names = namer.initial()
    step("firm ids and names")

    events = event_rows()
    life = simulate_lifecycle(frame, risk, timeline, profile, vocab, events, streams.rng("lifecycle"))
    draw_incidents(frame, risk, life, timeline, profile, vocab, events, streams.rng("incidents"))
    history = draw_histories(frame, plan, roles, life, risk, names, namer.rename, book, pool, timeline, profile,
                             events, streams.rng("changes"))
    planted_alerts = plant_alerts(frame, plan, roles, history, life, book, pool, timeline, profile, vocab, events,
                                  streams.rng("alerts"))
    e = events.joined()
    order = np.lexsort((e["kind"], e["firm"], e["date"]))
    for column in list(e):
        events.set(column, e[column][order])
    events.joined()["event_id"] = event_ids(events["date"])
    step("events and changes")

    branches = branch_rows()
    b = np.flatnonzero(plan.branch_parent >= 0)
    branches.add(branch=b, parent=plan.branch_parent[b], since=frame.established[b], until=np.full(len(b), NEVER))
    h = roles.holdings.joined()
    person_held = ~h["holder_is_firm"]
    people = finish_persons(
        pool,
        [history.legal_reps["person"], roles.officers["person"], h["holder"][person_held]],
        [history.legal_reps["since"], roles.officers["since"], h["since"][person_held]],
        geo, profile, vocab, timeline.as_of, streams.rng("persons"))
    step("persons")

    data = Dataset(geo=geo, source=profile.source_label, firm_ids=ids, kind=frame.kind, county=frame.county,
                   industry=frame.industry, key_area=frame.key_area, capital=frame.capital,
                   established=frame.established, end=life.end, end_status=life.end_status, name=names,
                   renamed_on=history.renamed_on, new_name=history.new_name, person_ids=people.ids,
                   person_names=people.names, person_first_seen=people.first_seen, legal_reps=history.legal_reps,
                   officers=roles.officers, holdings=roles.holdings, registrations=history.registrations,
                   branches=branches, events=events)
    summary.rows["base"] = write_slice(data, timeline.base_period(), out)
    for period in timeline.delta_periods():
        summary.rows[period.label] = write_slice(data, period, out / "deltas" / period.label)
    step("interchange files")

    present = frame.established <= day(timeline.last_end)
    truth = out / "truth"
    truth.mkdir(exist_ok=True)
    write_truth_firms(data, risk, plan.structures, present, truth / "firms.csv")
    write_structures(structure_records(data, plan.structures, present), truth / "structures.json")
    write_csv(hotspot_table(hotspots, geo, frame, present), truth / "hotspots.csv")
    write_csv(alert_table(planted_alerts, data.firm_ids, data.person_ids), truth / "alerts.csv")
    summary.rows["future"] = {"events": write_csv(event_table(data, timeline.future_period()),
                                                  truth / "future_events.csv")}
    write_exempt_hubs(exempt_hubs(data, plan.structures), out / "exempt_hubs.yaml")
    for s in plan.structures:
        summary.structures[s.type] = summary.structures.get(s.type, 0) + 1
    step("truth")
    (truth / "generation.json").write_text(json.dumps({
        "generator": GENERATOR_VERSION, "profile": profile.version, "seed": seed, "firms": firms,
        "as_of": summary.as_of, "months": months, "last_day": timeline.last_end.isoformat(),
        "future_month_end": timeline.future_end.isoformat(), "structures": summary.structures,
        "hotspots": len(hotspots.cells), "alerts": len(planted_alerts.planted), "rows": summary.rows,
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return summary
