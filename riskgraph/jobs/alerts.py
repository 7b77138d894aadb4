"""Early warning as a job: read a month's inputs (from Neo4j, or from an interchange directory for the
evaluation), run the pure core (``riskgraph.warning``), store the alerts and move them through their
statuses — open → acknowledged → closed, by whom and when, every move in the audit trail.

**Why files.** Alerts are a supervisors' work queue about one month's run — documents with a history —
not facts of the company graph, and like inspection plans they are kept beside the audit trail:
``var/alerts/<YYYY-MM>.json`` (``<audit_path>/../../alerts``, mode 0600), one document per month holding
every alert with its evidence, status and status history. A re-run of a month keeps the status of
alerts it finds again (an alert's id is a hash of month, type and subject) and marks the ones it no
longer finds ``current: false`` rather than deleting them. Writes take a lock file and replace the
document atomically; the audit trail gets ``alerts_run`` (month, counts, the document's SHA-256) and
``alert_status`` (alert, from, to, note) entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from neo4j import Driver

from riskgraph.errors import Conflict, InputProblem, InvalidInput, NotFound
from riskgraph.files import locked_dir
from riskgraph.graph import alert_reads
from riskgraph.ingest.read import delta_directories
from riskgraph.jobs import audit
from riskgraph.model import FILES_BY_KIND
from riskgraph.months import Month
from riskgraph.reference.addresses import normalise_address
from riskgraph.reference.identifiers import person_key, person_ref, uscc_region
from riskgraph.scoring.config import ExemptHubs
from riskgraph.settings import Settings
from riskgraph.warning.alert import ALERT_TYPES, Alert
from riskgraph.warning.config import AlertConfig, load_alert_config
from riskgraph.warning.detect import COMPLAINT, AlertInputs, detect_alerts
from riskgraph.warning.evaluation import alert_recovery

Say = Callable[[str], None]
STATUSES = ("open", "acknowledged", "closed")
NEXT_STATUS = {"open": ("acknowledged", "closed"), "acknowledged": ("closed",), "closed": ()}
FORMAT = "riskgraph-alerts/1"


def _quiet(_msg: str) -> None:
    return None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# --- what a month reads ------------------------------------------------------------------------

def read_spans(end: dt.date, config: AlertConfig) -> tuple[dt.date, dt.date]:
    """First days of what the tests look at: registrations (baseline + longest window) and events."""
    reg = end - dt.timedelta(days=config.registration.baseline_days + max(config.registration.windows_days))
    months = config.complaints.history_months + config.complaints.recent_months
    first = end.year * 12 + end.month - months
    events = min(dt.date(first // 12, first % 12 + 1, 1), end - dt.timedelta(days=config.changes.window_days))
    return reg, events


def event_kinds(config: AlertConfig) -> list[str]:
    return [*config.changes.kinds, COMPLAINT]


def exempt_keys(hubs: ExemptHubs, salt: str) -> frozenset[str]:
    """The exempt list's addresses and persons as the keys alerts use (address keys, person refs)."""
    return frozenset([normalise_address(a).key for a in hubs.addresses]
                     + [person_ref(person_key(p, salt), salt) for p in hubs.persons])


def _dates(ymd: Any) -> pd.Series:
    return pd.to_datetime(pd.Series(ymd, dtype="int64").astype(str), format="%Y%m%d", errors="coerce")


def inputs_from_graph(driver: Driver, settings: Settings, month: str, config: AlertConfig,
                      hubs: ExemptHubs) -> AlertInputs:
    end = Month.of(month).end
    reg_from, ev_from = read_spans(end, config)
    f = alert_reads.firm_columns(driver, settings)
    firms = pd.DataFrame({"fid": f["fid"], "industry": f["industry"], "established": _dates(f["established"]),
                          "region": f["region"]})
    r = alert_reads.registration_columns(driver, settings, reg_from, end)
    parts = [pd.DataFrame({"key_type": "address", "key": r["aid"], "firm": r["fid"], "since": _dates(r["since"])})]
    for cols in alert_reads.person_role_columns(driver, settings, reg_from, end).values():
        parts.append(pd.DataFrame({"key_type": "person", "key": cols["ref"], "firm": cols["fid"],
                                   "since": _dates(cols["since"])}))
    e = alert_reads.event_columns(driver, settings, event_kinds(config), ev_from, end)
    events = pd.DataFrame({"fid": e["fid"], "kind": e["kind"], "date": _dates(e["date"])})
    return AlertInputs(end, firms, _registrations(parts), events,
                       exempt_keys(hubs, settings.person_salt.get_secret_value()))


def _registrations(parts: list[pd.DataFrame]) -> pd.DataFrame:
    rows = pd.concat(parts, ignore_index=True)
    rows = rows[(rows["key"] != "") & rows["since"].notna()]
    return rows.drop_duplicates(["key_type", "key", "firm", "since"]).reset_index(drop=True)


def _read_kind(directory: Path, kind: str, columns: list[str], deltas: list[Path]) -> pd.DataFrame:
    frames = []
    for folder in [directory, *deltas]:
        path = folder / f"{kind}.csv"
        if path.is_file():
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
            frames.append(frame.reindex(columns=columns, fill_value=""))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    key = [c for c in FILES_BY_KIND[kind].key if c in columns]
    return pd.concat(frames, ignore_index=True).drop_duplicates(key, keep="last").reset_index(drop=True)


def _iso(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.replace("", None), format="%Y-%m-%d", errors="coerce")


def inputs_from_files(directory: Path, month: str, salt: str, config: AlertConfig,
                      hubs: ExemptHubs) -> AlertInputs:
    """The same inputs from an interchange directory (base files and deltas up to ``month``), keyed as ingest
    keys them (normalised address keys, person refs from the salted hash)."""
    checked = Month.of(month)
    end = checked.end
    reg_from, ev_from = read_spans(end, config)
    deltas = delta_directories(directory, up_to=checked.text)
    f = _read_kind(directory, "firms", ["firm_id", "industry", "established", "region"], deltas)
    region = [r or (uscc_region(fid) or "") for fid, r in zip(f["firm_id"], f["region"], strict=True)]
    firms = pd.DataFrame({"fid": f["firm_id"], "industry": f["industry"], "established": _iso(f["established"]),
                          "region": region})
    reg = _read_kind(directory, "registrations", ["firm_id", "address", "region", "since"], deltas)
    reg_since = _iso(reg["since"])
    keep = (reg_since >= pd.Timestamp(reg_from)) & (reg_since <= pd.Timestamp(end))
    reg, reg_since = reg[keep], reg_since[keep]
    aid = [normalise_address(a, r or None).key for a, r in zip(reg["address"], reg["region"], strict=True)]
    parts = [pd.DataFrame({"key_type": "address", "key": aid, "firm": reg["firm_id"].to_numpy(),
                           "since": reg_since.to_numpy()})]
    reps = _read_kind(directory, "legal_reps", ["person_id", "firm_id", "since"], deltas)
    held = _read_kind(directory, "shareholdings", ["holder_id", "holder_type", "firm_id", "since"], deltas)
    held = held[held["holder_type"] == "person"].rename(columns={"holder_id": "person_id"})
    refs: dict[str, str] = {}
    for roles in (reps, held):
        since = _iso(roles["since"])
        keep = (since >= pd.Timestamp(reg_from)) & (since <= pd.Timestamp(end))
        raw = roles.loc[keep, "person_id"]
        key = [refs.setdefault(p, person_ref(person_key(p, salt), salt)) for p in raw]
        parts.append(pd.DataFrame({"key_type": "person", "key": key, "firm": roles.loc[keep, "firm_id"].to_numpy(),
                                   "since": since[keep].to_numpy()}))
    ev = _read_kind(directory, "events", ["event_id", "firm_id", "kind", "date"], deltas)
    ev_date = _iso(ev["date"])
    keep = ev["kind"].isin(event_kinds(config)) & (ev_date >= pd.Timestamp(ev_from)) & (ev_date <= pd.Timestamp(end))
    events = pd.DataFrame({"fid": ev.loc[keep, "firm_id"].to_numpy(), "kind": ev.loc[keep, "kind"].to_numpy(),
                           "date": ev_date[keep].to_numpy()})
    return AlertInputs(end, firms, _registrations(parts), events, exempt_keys(hubs, salt))


# --- the store ---------------------------------------------------------------------------------

def alerts_dir(settings: Settings) -> Path:
    """Where alerts are stored: ``alerts/`` beside the audit trail's directory (``var/alerts`` by default)."""
    return settings.audit_path.parent.parent / "alerts"


def _locked(settings: Settings) -> AbstractContextManager[Path]:
    return locked_dir(alerts_dir(settings))


def _month_file(root: Path, month: str) -> Path:
    return root / f"{Month.of(month).text}.json"


def _read_document(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _write_document(path: Path, document: dict[str, Any]) -> str:
    raw = (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(raw)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return hashlib.sha256(raw).hexdigest()


def store_alerts(settings: Settings, month: str, alerts: list[Alert], config: AlertConfig, source: str,
                 actor: str | None = None) -> dict[str, Any]:
    """Merge a run's alerts into the month's document (statuses kept), audit it, and return a summary."""
    at = _now()
    with _locked(settings) as root:
        path = _month_file(root, month)
        old = _read_document(path) or {}
        before = {a["alert_id"]: a for a in old.get("alerts", [])}
        found = set()
        merged = []
        for alert in alerts:
            record = _jsonable(alert.as_dict())
            prior = before.get(record["alert_id"])
            record["status"] = prior["status"] if prior else "open"
            record["history"] = prior["history"] if prior else [{"status": "open", "by": actor or
                                                                 audit.command_line_actor(), "at": at}]
            record["current"] = True
            record["first_seen"] = prior.get("first_seen", at) if prior else at
            merged.append(record)
            found.add(record["alert_id"])
        for alert_id, prior in before.items():
            if alert_id not in found:
                merged.append({**prior, "current": False})
        merged.sort(key=lambda a: (ALERT_TYPES.index(a["type"]), a["subject_type"], a["q"], a["subject"]))
        document = {"format": FORMAT, "month": Month.of(month).text, "alerts_version": config.alerts_version,
                    "source": source, "run_at": at, "alerts": merged}
        digest = _write_document(path, document)
    counts = _counts([a for a in merged if a["current"]])
    audit.record(settings, "alerts_run", actor, month=document["month"], alerts_version=config.alerts_version,
                 source=source, counts=counts, no_longer_found=len(before) - len(found & set(before)),
                 sha256=digest)
    return {"month": document["month"], "alerts_version": config.alerts_version, "counts": counts,
            "alerts": sum(counts.values()), "path": str(path), "sha256": digest}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _counts(alerts: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for a in alerts:
        key = f"{a['type']}:{a['subject_type']}"
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


def run_alerts(driver: Driver, settings: Settings, month: str, hubs: ExemptHubs, config: AlertConfig | None = None,
               actor: str | None = None, say: Say = _quiet) -> dict[str, Any]:
    """Read the month from Neo4j, run the three tests, store and audit the alerts."""
    config = config or load_alert_config()
    say(f"reading the graph for {month}")
    inputs = inputs_from_graph(driver, settings, month, config, hubs)
    say("testing")
    alerts = detect_alerts(inputs, config)
    return store_alerts(settings, month, alerts, config, "neo4j", actor)


def list_alerts(settings: Settings, month: str | None = None, type_: str | None = None,
                status: str | None = None, severity: str | None = None, subject_type: str | None = None,
                include_superseded: bool = False) -> list[dict[str, Any]]:
    """Stored alerts, newest month first, filtered; each a full record (evidence included)."""
    root = alerts_dir(settings)
    paths = [_month_file(root, month)] if month else sorted(root.glob("[0-9][0-9][0-9][0-9]-[0-9][0-9].json"),
                                                              reverse=True)
    out = []
    for path in paths:
        document = _read_document(path)
        for a in (document or {}).get("alerts", []):
            if (type_ and a["type"] != type_) or (status and a["status"] != status) or \
                    (severity and a["severity"] != severity) or (subject_type and a["subject_type"] != subject_type):
                continue
            if a.get("current", True) or include_superseded:
                out.append(a)
    return out


def _month_of(alert_id: str) -> str:
    parts = alert_id.split("-")
    if len(parts) != 4 or parts[0] != "AL":
        raise NotFound(f"no alert {alert_id!r}: an alert id looks like AL-2026-06-0123456789")
    return f"{parts[1]}-{parts[2]}"


def get_alert(settings: Settings, alert_id: str) -> dict[str, Any]:
    month = _month_of(alert_id)
    try:
        document = _read_document(_month_file(alerts_dir(settings), month))
    except ValueError as exc:
        raise NotFound(f"no alert {alert_id!r}") from exc
    for a in (document or {}).get("alerts", []):
        if a["alert_id"] == alert_id:
            return a  # type: ignore[no-any-return]
    raise NotFound(f"no alert {alert_id!r}; `riskgraph alerts list --month {month}` lists the month's alerts")


def change_status(settings: Settings, alert_id: str, status: str, actor: str | None = None,
                  note: str = "") -> dict[str, Any]:
    """Move an alert on (open → acknowledged → closed; open → closed); recorded in the alert and the audit trail."""
    if status not in STATUSES:
        raise InvalidInput([InputProblem(("body", "status"), f"must be one of {', '.join(STATUSES)}, not {status!r}",
                                         "enum")])
    month = _month_of(alert_id)
    who = actor or audit.command_line_actor()
    with _locked(settings) as root:
        path = _month_file(root, month)
        document = _read_document(path)
        alert = next((a for a in (document or {}).get("alerts", []) if a["alert_id"] == alert_id), None)
        if document is None or alert is None:
            raise NotFound(f"no alert {alert_id!r}")
        current = alert["status"]
        if status not in NEXT_STATUS[current]:
            allowed = ", ".join(NEXT_STATUS[current]) or "nothing (it is closed)"
            raise Conflict(f"alert {alert_id} is {current}; it can move to {allowed}")
        at = _now()
        alert["status"] = status
        alert["history"].append({"status": status, "by": who, "at": at, **({"note": note} if note else {})})
        _write_document(path, document)
    audit.record(settings, "alert_status", who, alert_id=alert_id, month=month, type=alert["type"],
                 subject_type=alert["subject_type"], previous=current, status=status, note=note)
    return alert  # type: ignore[no-any-return]


# --- evaluation on generated data ---------------------------------------------------------------

def evaluate_alerts(directory: Path, salt: str, month: str, hubs: ExemptHubs,
                    config: AlertConfig | None = None) -> dict[str, Any]:
    """Recall and precision per alert type against ``truth/alerts.csv``, with the naive baseline beside."""
    from riskgraph.warning.detect import naive_alerts

    config = config or load_alert_config()
    truth_path = directory / "truth" / "alerts.csv"
    if not truth_path.is_file():
        return {}
    inputs = inputs_from_files(directory, month, salt, config, hubs)
    truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False)
    keys = []
    for kind, subject in zip(truth["subject_type"], truth["subject"], strict=True):
        if kind == "address":
            keys.append(normalise_address(subject).key)
        elif kind == "person":
            keys.append(person_ref(person_key(subject, salt), salt))
        else:
            keys.append(subject)
    truth = truth.assign(key=keys)
    model = detect_alerts(inputs, config)
    naive = naive_alerts(inputs, config)
    return {"month": inputs.month, "alerts_version": config.alerts_version,
            "model": alert_recovery(model, truth), "naive": alert_recovery(naive, truth)}
