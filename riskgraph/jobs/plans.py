"""Double-random inspection plans: commit a task's seed, draw, store, export, re-check, feed results back, evaluate.

The one implementation the CLI (``riskgraph plan …``) and the API (``/api/v1/plans``) share. The
draw itself is the pure core's (``riskgraph.inspection``); this module reads its inputs — the
month's classes (refused when the month fails its integrity check, as every aggregate is), the
firms' attributes, the pool and the configuration — stores the plan and records each step in the
audit trail.

**Where plans live.** A plan is a document, not graph data: one directory per plan under
:func:`plans_dir` (``var/plans/<plan id>/`` beside ``var/audit/``) holding ``commitment.json``
(public from the commit on), ``seed`` (mode 0600, deleted once revealed), and after the draw
``plan.json`` with copies of the exact ``pool.yaml`` and ``config.yaml`` used (0600: inspectors'
names are staff's personal data). Files because a drawn plan is a sealed record that must not
change — its SHA-256 and its inputs' digests are in the audit trail, which sits outside the
database's reach for the same reason — and because it carries staff data the company graph has
no business holding. The graph holds only what scoring needs: the results, as inspection events
carrying ``plan_id``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from neo4j import Driver

from riskgraph.errors import ConfigError, Conflict, MonthNotScored, NotFound, RowProblem, ValidationFailed
from riskgraph.files import locked_dir, write_private
from riskgraph.graph import plan_reads, plan_results, results
from riskgraph.inspection.config import DEFAULT_PLAN_CONFIG, PlanConfig, parse_plan_config
from riskgraph.inspection.draw import (
    classes_digest,
    commitment,
    commitment_matches,
    population_frame,
    scope,
)
from riskgraph.inspection.evaluation import Evaluation, evaluate, problems_from_truth, results_from_truth
from riskgraph.inspection.planning import (
    build_plan,
    class_counts,
    differences,
    document_digest,
    exclusions_digest,
    plan_document,
)
from riskgraph.inspection.task import TASK_ID, Pool, Task, digest, parse_pool
from riskgraph.jobs import audit
from riskgraph.jobs.scoring import checked_month
from riskgraph.model import EventKind, InspectionResult
from riskgraph.months import Month
from riskgraph.settings import Settings, require_secrets

Say = Callable[[str], None]
COMMITMENT, SEED, PLAN, POOL_COPY, CONFIG_COPY = "commitment.json", "seed", "plan.json", "pool.yaml", "config.yaml"
POOLS = "pools"  # stored pools the API names (plans_dir/pools/NAME.yaml)
AUDITED_SHORTFALLS = 1000  # firms short of inspectors listed in the audit entry (all are in the plan)
SEED_BYTES = 32
RESULT_COLUMNS = ("firm_id", "date", "result", "event_id", "authority", "detail")
EXPORT_COLUMNS = ("plan_id", "task", "month", "fid", "name", "class", "region", "industry", "key_area", "rank",
                  "ticket")


def _quiet(_msg: str) -> None:
    return None


def plans_dir(settings: Settings) -> Path:
    """Where plans are stored: ``plans/`` beside the audit trail's directory (``var/plans`` by default)."""
    return settings.audit_path.parent.parent / "plans"


def _plan_dir(settings: Settings, plan_id: str) -> Path:
    if not TASK_ID.fullmatch(plan_id):
        raise NotFound(f"no plan {plan_id!r}: a plan id is 1–64 letters, digits, '.', '_' or '-'")
    return plans_dir(settings) / plan_id


def _plans_locked(settings: Settings) -> AbstractContextManager[Path]:
    """One commit or draw at a time on this machine (the CLI and every API worker)."""
    return locked_dir(plans_dir(settings))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


# --- the pool a task names ---------------------------------------------------------------------

def resolve_pool(settings: Settings, reference: str, base: Path | None = None, stored_only: bool = False) -> Path:
    """The pool file a task names: a path (relative to the task file's directory), else a stored pool's name."""
    candidate = Path(reference)
    if base is not None and not candidate.is_absolute():
        candidate = base / candidate
    if not stored_only and candidate.is_file():
        return candidate
    if TASK_ID.fullmatch(reference):
        stored = plans_dir(settings) / POOLS / f"{reference}.yaml"
        if stored.is_file():
            return stored
    raise NotFound(f"no inspector pool {reference!r}: neither a file nor a stored pool "
                   f"({plans_dir(settings) / POOLS}/NAME.yaml; `riskgraph plan pool FILE --name NAME`)")


def store_pool(settings: Settings, path: Path, name: str, actor: str | None = None) -> Path:
    """Validate a pool file and keep it as ``name`` for tasks (and the API) to name."""
    if not TASK_ID.fullmatch(name):
        raise Conflict(f"pool name {name!r}: use 1–64 letters, digits, '.', '_' or '-'")
    raw = path.read_bytes()
    pool = parse_pool(raw, str(path))
    target = plans_dir(settings) / POOLS / f"{name}.yaml"
    write_private(target, raw)
    audit.record(settings, "plan_pool", actor, name=name, pool_sha256=digest(raw), inspectors=len(pool.inspectors),
                 units=len(pool.units))
    return target


# --- commit ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Committed:
    plan_id: str
    commitment: str
    committed_at: str


def commit_task(settings: Settings, task: Task, seed: str | None = None, actor: str | None = None) -> Committed:
    """Fix a task and its seed before the draw: the seed's commitment is recorded (and to be published), the seed kept
    secret (0600) until :func:`draw_plan` reveals it. A task id is committed once."""
    with _plans_locked(settings):
        return _commit(settings, task, seed, actor)


def _commit(settings: Settings, task: Task, seed: str | None, actor: str | None) -> Committed:
    where = _plan_dir(settings, task.task_id)
    if (where / COMMITMENT).exists():
        raise Conflict(f"task {task.task_id} is already committed (commitment in {where / COMMITMENT}); "
                       "give a new task id")
    chosen = seed if seed is not None else secrets.token_hex(SEED_BYTES)
    committed = Committed(task.task_id, commitment(task.task_id, chosen), _now())
    write_private(where / SEED, chosen.encode("utf-8"))
    write_private(where / COMMITMENT, json.dumps({"plan_id": task.task_id, "task": task.canonical(),
                                                  "algorithm": "sha256(riskgraph/seed/v1 ␟ task id ␟ seed)",
                                                  "commitment": committed.commitment,
                                                  "committed_at": committed.committed_at},
                                                 ensure_ascii=False, indent=2).encode("utf-8"))
    audit.record(settings, "plan_commit", actor, plan_id=task.task_id, task=task.canonical(),
                 commitment=committed.commitment)
    return committed


def committed_task(settings: Settings, plan_id: str) -> tuple[Task, dict[str, Any]]:
    path = _plan_dir(settings, plan_id) / COMMITMENT
    if not path.is_file():
        raise NotFound(f"task {plan_id} has not been committed")
    record = _read_json(path)
    return Task.model_validate(record["task"]), record


# --- the month's inputs ------------------------------------------------------------------------

@dataclass(frozen=True)
class MonthInputs:
    month: str
    run_id: str
    model_version: str | None
    population: pd.DataFrame  # POPULATION_COLUMNS
    classes_sha256: str


def read_month_inputs(driver: Driver, settings: Settings, month: str, say: Say = _quiet) -> MonthInputs:
    """The month's classes (only from a month whose every rating passes its check) joined with the firms."""
    require_secrets(settings)  # ratings are checked with RISKGRAPH_RATING_KEY
    text = Month.of(month).text
    say("checking the month's ratings")
    check = checked_month(driver, settings, text)
    if check.run_id is None:
        raise MonthNotScored(text)
    if not check.verified:
        raise Conflict(check.summary())
    say("reading classes and firms")
    rated = plan_reads.run_classes(driver, settings, check.run_id)
    firms = plan_reads.firm_columns(driver, settings)
    seal = results.read_run_seal(driver, settings, text)
    if seal.run_id != check.run_id:
        raise Conflict(f"{text} was scored again while its classes were being read; try again")
    return MonthInputs(text, check.run_id, seal.model_version, population_frame(firms, rated["fid"], rated["class"]),
                       classes_digest(rated["fid"], rated["class"]))


def _last_inspected(settings: Settings, before: Task) -> dict[str, set[str]]:
    """Per firm, the inspectors of the latest earlier plan (by task date, then id) that drew it."""
    root = plans_dir(settings)
    earlier = []
    for path in root.glob(f"*/{PLAN}") if root.is_dir() else []:
        doc = _read_json(path)
        task = doc["task"]
        if doc["plan_id"] != before.task_id and (task["date"], doc["plan_id"]) < (before.date.isoformat(),
                                                                                   before.task_id):
            earlier.append(((task["date"], doc["plan_id"]), doc))
    last: dict[str, set[str]] = {}
    for _key, doc in sorted(earlier, key=lambda pair: pair[0]):
        for firm in doc["firms"]:
            if firm["inspectors"]:
                last[firm["fid"]] = set(firm["inspectors"])
    return last


# --- draw ------------------------------------------------------------------------------------

def draw_plan(driver: Driver, settings: Settings, month: str, *, task: Task | None = None,
              plan_id: str | None = None, pool_path: Path | None = None, config_path: Path | None = None,
              seed: str | None = None, actor: str | None = None, say: Say = _quiet,
              stored_pools_only: bool = False) -> dict[str, Any]:
    """Draw a plan and store it; the plan document.

    Either ``plan_id`` names a committed task (its seed is revealed now; a ``seed`` given must be the
    committed one), or ``task`` is new: it is committed first (``seed``, else a random one) and drawn
    at once — the commitment is still recorded before the draw, but was published with no time to spare.
    ``stored_pools_only`` (the API): the task's pool is a stored pool's name, never a path.
    """
    with _plans_locked(settings):
        new = task is not None
        if task is not None:
            if (_plan_dir(settings, task.task_id) / COMMITMENT).exists():
                raise Conflict(f"task {task.task_id} is already committed; draw it by its id")
        elif plan_id is None:
            raise NotFound("give a task, or the id of a committed task")
        else:
            task, _ = committed_task(settings, plan_id)
        where = _plan_dir(settings, task.task_id)
        if (where / PLAN).exists():
            raise Conflict(f"plan {task.task_id} has been drawn already; a task is drawn once")
        # every input is read and checked before a new task is committed: a refused draw leaves nothing behind
        pool_file = pool_path or resolve_pool(settings, task.pool, stored_only=stored_pools_only)
        pool_raw = pool_file.read_bytes()
        pool = parse_pool(pool_raw, str(pool_file))
        config_file = config_path or DEFAULT_PLAN_CONFIG
        config_raw = config_file.read_bytes()
        config = _parse_config(config_raw, str(config_file))
        inputs = read_month_inputs(driver, settings, month, say)
        if new:
            _commit(settings, task, seed, actor)
        else:
            kept = (where / SEED).read_text(encoding="utf-8")
            if seed is not None and seed != kept:
                raise Conflict(f"the seed given is not the one committed for {task.task_id}")
        _, record = committed_task(settings, task.task_id)
        kept = (where / SEED).read_text(encoding="utf-8")
        if not commitment_matches(task.task_id, kept, record["commitment"]):
            raise Conflict(f"the stored seed of {task.task_id} does not match its commitment: it was altered")
        return _draw(settings, task, inputs, pool_file, pool_raw, pool, config_raw, config, kept, record, actor, say)


def _draw(settings: Settings, task: Task, inputs: MonthInputs, pool_file: Path, pool_raw: bytes, pool: Pool,
          config_raw: bytes, config: PlanConfig, kept: str, record: dict[str, Any], actor: str | None,
          say: Say) -> dict[str, Any]:
    where = _plan_dir(settings, task.task_id)
    say(f"drawing from {len(inputs.population):,} firms")
    result = build_plan(inputs.population, task, pool, config, kept, inputs.month, _last_inspected(settings, task))
    revealed_at = _now()
    document = plan_document(result, task=task, pool=pool, config=config, month=inputs.month, inputs={
        "run_id": inputs.run_id, "model_version": inputs.model_version, "classes_sha256": inputs.classes_sha256,
        "pool_sha256": digest(pool_raw), "pool_file": str(pool_file), "config_sha256": digest(config_raw),
    }, seed={"commitment": record["commitment"], "committed_at": record["committed_at"], "revealed": kept,
             "revealed_at": revealed_at})
    document["drawn_at"] = revealed_at
    document["digest"] = document_digest(document)
    say("storing the plan")
    write_private(where / POOL_COPY, pool_raw)
    write_private(where / CONFIG_COPY, config_raw)
    write_private(where / PLAN, json.dumps(document, ensure_ascii=False).encode("utf-8"))
    (where / SEED).unlink()  # revealed: it lives in the plan now
    short = document["short_of_inspectors"]
    audit.record(settings, "plan_draw", actor, plan_id=task.task_id, month=inputs.month, run_id=inputs.run_id,
                 plan_sha256=document["digest"], inputs={k: v for k, v in document["inputs"].items()
                                                         if k != "pool_file"},
                 config_version=config.version, commitment=record["commitment"], seed=kept,
                 strata=document["strata"], drawn={f["fid"]: f["inspectors"] for f in document["firms"]},
                 exclusions=document["scope"]["exclusion_counts"], exclusions_sha256=exclusions_digest(document),
                 short_of_inspectors=short[:AUDITED_SHORTFALLS], short_of_inspectors_count=len(short))
    return document


def _parse_config(raw: bytes, source: str) -> PlanConfig:
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
    return parse_plan_config(data, source, digest(raw))


# --- read, list, export ------------------------------------------------------------------------

def load_plan(settings: Settings, plan_id: str) -> dict[str, Any]:
    """A drawn plan; ``intact`` says whether its content still hashes to its digest."""
    path = _plan_dir(settings, plan_id) / PLAN
    if not path.is_file():
        committed = (path.parent / COMMITMENT).is_file()
        raise NotFound(f"plan {plan_id} has not been drawn" + (" (its task is committed)" if committed else ""))
    document = _read_json(path)
    document["intact"] = document_digest(document) == document.get("digest")
    return document


def summary(document: dict[str, Any]) -> dict[str, Any]:
    """What a plan list shows: no firm or person, only counts."""
    task = document["task"]
    return {"plan_id": document["plan_id"], "name": task["name"], "date": task["date"], "month": document["month"],
            "regions": task["regions"], "industries": task["industries"], "key_area": task["key_area"],
            "drawn_at": document["drawn_at"], "firms": len(document["firms"]), "classes": class_counts(document),
            "short_of_inspectors": len(document["short_of_inspectors"]), "digest": document["digest"],
            "intact": document.get("intact", document_digest(document) == document.get("digest")),
            "commitment": document["seed"]["commitment"], "config_version": document["config"]["version"]}


def list_plans(settings: Settings) -> list[dict[str, Any]]:
    """Every drawn plan, newest draw first."""
    root = plans_dir(settings)
    found = [load_plan(settings, p.parent.name) for p in root.glob(f"*/{PLAN}")] if root.is_dir() else []
    return sorted((summary(d) for d in found), key=lambda s: (s["drawn_at"], s["plan_id"]), reverse=True)


def without_names(document: dict[str, Any]) -> dict[str, Any]:
    """The plan with inspectors by id and unit only: their names are staff's personal data."""
    return {**document, "inspectors": [{k: v for k, v in i.items() if k != "name"} for i in document["inspectors"]]}


def export_plan(settings: Settings, plan_id: str, out: Path, names: bool = True) -> tuple[Path, Path]:
    """``<out>/<plan>.csv`` (one row per firm) and ``<out>/<plan>.json`` (the document) for the inspection platform."""
    document = load_plan(settings, plan_id)
    if not document["intact"]:
        raise Conflict(f"plan {plan_id} no longer matches its digest: it was altered after the draw; not exported")
    shown = document if names else without_names(document)
    people = {i["id"]: i for i in document["inspectors"]}
    per = int(document["config"]["inspectors_per_firm"])
    out.mkdir(parents=True, exist_ok=True)
    csv_path, json_path = out / f"{plan_id}.csv", out / f"{plan_id}.json"
    header = [*EXPORT_COLUMNS]
    for j in range(1, per + 1):
        header += [f"inspector_{j}", *((f"inspector_{j}_name",) if names else ()), f"inspector_{j}_unit"]
    header.append("shortfall")
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for f in document["firms"]:
            row: list[Any] = [plan_id, document["task"]["name"], document["month"], f["fid"], f["name"], f["class"],
                              f["region"], f["industry"], f["key_area"], f["rank"], f["ticket"]]
            for j in range(per):
                who = people.get(f["inspectors"][j]) if j < len(f["inspectors"]) else None
                row += [who["id"] if who else "", *((who["name"] if who else "",) if names else ()),
                        who["unit"] if who else ""]
            row.append(f["shortfall"] or "")
            writer.writerow(row)
    json_path.write_text(json.dumps({k: v for k, v in shown.items() if k != "intact"}, ensure_ascii=False, indent=1),
                         encoding="utf-8")
    return csv_path, json_path


# --- re-check --------------------------------------------------------------------------------

@dataclass
class PlanCheck:
    plan_id: str
    problems: list[str]
    checked: list[str]  # what was checked and held

    @property
    def confirmed(self) -> bool:
        return not self.problems


def _audit_entries(settings: Settings, plan_id: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for entry in audit.trail(settings).entries():
        if entry.get("action") in ("plan_commit", "plan_draw") and entry.get("plan_id") == plan_id:
            found.setdefault(str(entry["action"]), entry)
    return found


def verify_plan(driver: Driver, settings: Settings, plan_id: str, say: Say = _quiet) -> PlanCheck:
    """Re-check a drawn plan as anyone holding its inputs could: its digest and the audit trail's record of it, the
    revealed seed against the commitment, the inputs' digests, and the whole draw done again."""
    document = load_plan(settings, plan_id)
    where = _plan_dir(settings, plan_id)
    problems: list[str] = []
    held: list[str] = []
    (held if document["intact"] else problems).append("the plan's content hashes to its digest" if document["intact"]
                                                      else "the plan's content no longer hashes to its digest")
    entries = _audit_entries(settings, plan_id)
    drawn_entry, commit_entry = entries.get("plan_draw"), entries.get("plan_commit")
    if drawn_entry is None or drawn_entry.get("plan_sha256") != document["digest"]:
        problems.append("the audit trail has no draw of this plan with this digest")
    else:
        held.append(f"the audit trail recorded this digest at the draw (entry {drawn_entry.get('seq')})")
    seed = document["seed"]
    if commit_entry is None or commit_entry.get("commitment") != seed["commitment"]:
        problems.append("the audit trail has no commitment of this task matching the plan's")
    elif commit_entry.get("ts", "") > (drawn_entry or {}).get("ts", "~"):
        problems.append("the commitment was recorded after the draw")
    else:
        held.append("the commitment was recorded before the draw")
    if commitment_matches(plan_id, seed["revealed"], seed["commitment"]):
        held.append("the revealed seed matches the commitment")
    else:
        problems.append("the revealed seed does not match the commitment")
    pool_raw, config_raw = (where / POOL_COPY).read_bytes(), (where / CONFIG_COPY).read_bytes()
    for name, raw, key in (("pool", pool_raw, "pool_sha256"), ("configuration", config_raw, "config_sha256")):
        if digest(raw) == document["inputs"][key]:
            held.append(f"the stored {name} is the one drawn with")
        else:
            problems.append(f"the stored {name} differs from the one drawn with")
    inputs = read_month_inputs(driver, settings, document["month"], say)
    if inputs.classes_sha256 != document["inputs"]["classes_sha256"]:
        problems.append(f"the classes of {document['month']} have changed since the draw (run "
                        f"{document['inputs']['run_id']} → {inputs.run_id}): the draw cannot be repeated from them")
        return PlanCheck(plan_id, problems, held)
    held.append(f"the classes of {document['month']} are those drawn from")
    say("drawing again")
    task = Task.model_validate(document["task"])
    pool = parse_pool(pool_raw, str(where / POOL_COPY))
    config = _parse_config(config_raw, str(where / CONFIG_COPY))
    again = plan_document(build_plan(inputs.population, task, pool, config, seed["revealed"], document["month"],
                                     _last_inspected(settings, task)),
                          task=task, pool=pool, config=config, month=document["month"], inputs=document["inputs"],
                          seed=seed)
    found = differences(document, again)
    if found:
        problems += found
    else:
        held.append(f"drawn again: the same {len(document['firms']):,} firms and inspectors")
    return PlanCheck(plan_id, problems, held)


# --- results fed back ------------------------------------------------------------------------

@dataclass(frozen=True)
class ResultsFiled:
    plan_id: str
    rows: int
    by_result: dict[str, int]


def file_results(driver: Driver, settings: Settings, plan_id: str, path: Path, today: dt.date | None = None,
                 actor: str | None = None) -> ResultsFiled:
    """Inspection results of a plan (CSV: firm_id, date, result[, event_id, authority, detail]) into the graph.

    Every row is checked first — the firm is one the plan drew, the result one of pass / fail /
    not_found, the date a real day not in the future — and nothing is written while any fails.
    Each becomes an event of kind ``inspection`` of its firm carrying ``plan_id``; the next month's
    scoring counts it (indicators ``reg.inspection_*``).
    """
    document = load_plan(settings, plan_id)
    drawn = {f["fid"] for f in document["firms"]}
    last_day = today or dt.date.today()
    problems: list[RowProblem] = []
    rows: list[dict[str, Any]] = []
    name = path.name
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in RESULT_COLUMNS[:3] if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationFailed([RowProblem(name, 1, c, "required column missing") for c in missing])
        for line, raw in enumerate(reader, start=2):
            fid, day, result = (raw.get(c, "").strip() for c in RESULT_COLUMNS[:3])
            if fid not in drawn:
                problems.append(RowProblem(name, line, "firm_id", f"not a firm of plan {plan_id}", fid))
            if result not in tuple(InspectionResult):
                problems.append(RowProblem(name, line, "result", "must be one of "
                                           + ", ".join(InspectionResult), result))
            try:
                date = dt.date.fromisoformat(day)
                if date > last_day:
                    problems.append(RowProblem(name, line, "date", "in the future", day))
            except ValueError:
                problems.append(RowProblem(name, line, "date", "expected YYYY-MM-DD", day))
                continue
            eid = (raw.get("event_id") or "").strip() or f"{plan_id}:{fid}"
            props = {"kind": str(EventKind.INSPECTION), "date": date, "result": result, "plan_id": plan_id,
                     "source": f"plan:{plan_id}"}
            for extra in ("authority", "detail"):
                if (raw.get(extra) or "").strip():
                    props[extra] = raw[extra].strip()
            rows.append({"eid": eid, "fid": fid, "props": props})
    if problems:
        raise ValidationFailed(problems)
    plan_results.write_results(driver, settings, rows)
    counts = {str(r): sum(1 for row in rows if row["props"]["result"] == str(r)) for r in InspectionResult}
    audit.record(settings, "plan_results", actor, plan_id=plan_id, file=str(path),
                 file_sha256=digest(path.read_bytes()), rows=len(rows), by_result=counts)
    return ResultsFiled(plan_id, len(rows), counts)


def simulate_results(settings: Settings, plan_id: str, truth_dir: Path, out: Path, date: dt.date) -> Path:
    """Generated data only: the results each drawn firm's inspection would have had by the truth, as a results CSV."""
    document = load_plan(settings, plan_id)
    problems, gone = problems_from_truth(_future_events(truth_dir))
    fids = [f["fid"] for f in document["firms"]]
    found = results_from_truth(fids, problems, gone)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["firm_id", "date", "result", "detail"])
        for fid in fids:
            writer.writerow([fid, date.isoformat(), found[fid], "simulated from the generator's truth"])
    return out


def _future_events(truth_dir: Path) -> pd.DataFrame:
    path = truth_dir / "truth" / "future_events.csv"
    if not path.is_file():
        path = truth_dir / "future_events.csv"
    if not path.is_file():
        raise NotFound(f"no truth/future_events.csv under {truth_dir} (a data set from `riskgraph generate`)")
    return pd.read_csv(path, dtype=str, keep_default_na=False, usecols=["firm_id", "kind", "result"])


# --- evaluation ------------------------------------------------------------------------------

def evaluate_plan(driver: Driver, settings: Settings, plan_id: str, truth_dir: Path | None = None,
                  say: Say = _quiet) -> Evaluation:
    """Hit rate per class of a plan's results against what a uniform draw of the same size would find.

    With ``truth_dir`` (generated data) the truth's rate over each class's whole scope is reported
    beside the estimate: the figure a perfect evaluation would give.
    """
    document = load_plan(settings, plan_id)
    drawn = {f["fid"]: f["class"] for f in document["firms"]}
    latest: dict[str, str] = {}
    for row in plan_reads.plan_results(driver, settings, plan_id):  # oldest first: a later result replaces one
        latest[row["fid"]] = row["result"]
    populations = {s["class"]: int(s["population"]) for s in document["strata"]}
    truth = None
    if truth_dir is not None:
        say("reading the truth")
        problems, _ = problems_from_truth(_future_events(truth_dir))
        inputs = read_month_inputs(driver, settings, document["month"], say)
        candidates = scope(inputs.population, Task.model_validate(document["task"]), document["month"]).candidates
        truth = pd.DataFrame({"cls": candidates["cls"].astype(str),
                              "problem": candidates["fid"].astype(str).isin(problems)})
    return evaluate(populations, drawn, latest, document["config"]["hit_results"], truth)

