"""Build a projection straight from an interchange directory (no database).

``riskgraph evaluate`` uses it to score generated data quickly and reproducibly; the
integration tests check that it gives the same projection as reading the same files
back out of Neo4j. Keys are made exactly as ingest makes them (salted person hash,
normalised address key), so exempt-hub lists match either way. Files are assumed
valid (ingest validates; generated data is valid by construction).

Monthly deltas below the directory (``deltas/YYYY-MM``, up to the scored month) are
applied as ingest applies them: a later row with a key already seen updates it (its
non-empty cells win; an empty cell leaves the earlier value, so a relationship closed by
a delta stays closed), new keys are added, nothing is deleted. Row keys are the ones
declared in ``riskgraph/model.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from riskgraph.model import FILES_BY_KIND
from riskgraph.ingest.read import delta_directories
from riskgraph.reference.addresses import normalise_address
from riskgraph.reference.identifiers import mask_name, person_key
from riskgraph.scoring.projection import (
    ENTITY_KINDS,
    EVENT_KINDS,
    FIRM_STATUSES,
    INSPECTION_RESULTS,
    KEY_AREAS,
    UNKNOWN_DAY,
    Projection,
    code_array,
    day_number,
    existing_firms,
    industry_groups,
    month_end,
    region_codes,
)


def _read_one(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.is_file():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for c in columns:
        if c not in frame:
            frame[c] = ""
    return frame


def _read(directory: Path, kind: str, columns: list[str], deltas: list[Path] | None = None) -> pd.DataFrame:
    """One kind of rows: the base file, then each delta folder applied in order."""
    frames = [_read_one(directory / f"{kind}.csv", columns)]
    frames += [_read_one(d / f"{kind}.csv", columns) for d in deltas or []]
    frames = [f for f in frames if len(f)]
    if len(frames) <= 1:
        return frames[0] if frames else _read_one(directory / f"{kind}.csv", columns)
    rows = pd.concat(frames, ignore_index=True)
    key = [c for c in FILES_BY_KIND[kind].key if c in rows]
    if not rows.duplicated(key, keep=False).any():
        return rows
    # later non-empty cells win; the first appearance keeps the row's position
    values = rows.drop(columns=key).replace("", None)
    merged = values.groupby([rows[c] for c in key], sort=False).last()
    first = rows.drop_duplicates(key, keep="first")[key]
    out = first.merge(merged, left_on=key, right_index=True, how="left")
    return out.fillna("").reset_index(drop=True)


def _days(values: pd.Series) -> np.ndarray:
    parsed = pd.to_datetime(values.replace("", None), format="%Y-%m-%d", errors="coerce")
    epoch = pd.Timestamp("1970-01-01")
    days = ((parsed - epoch).dt.days).to_numpy(dtype=np.float64, na_value=np.nan)
    return np.where(np.isnan(days), UNKNOWN_DAY, days).astype(np.int64)


def _in_force(frame: pd.DataFrame, end_day: int) -> pd.DataFrame:
    since, until = _days(frame["since"]), _days(frame["until"])
    ok = ((since == UNKNOWN_DAY) | (since <= end_day)) & ((until == UNKNOWN_DAY) | (until > end_day))
    return frame[ok]


def _float(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values.replace("", None), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def projection_from_interchange(directory: Path, month: str, salt: str) -> Projection:
    """The projection of ``month`` from the base files and the deltas up to that month."""
    end_day = day_number(month_end(month))
    deltas = delta_directories(directory, up_to=month)
    firms = _read(directory, "firms", ["firm_id", "name", "kind", "status", "registered_capital", "established",
                                       "key_area", "region", "industry"], deltas)
    index = pd.Series(np.arange(len(firms)), index=firms["firm_id"].to_numpy())

    def firm_pos(values: pd.Series) -> np.ndarray:
        return index.reindex(values.to_numpy()).to_numpy(dtype=np.float64)

    ev = _read(directory, "events", ["firm_id", "kind", "date", "severity", "result"], deltas)
    ev_day = _days(ev["date"])
    ev_firm = firm_pos(ev["firm_id"])
    keep = (ev_day != UNKNOWN_DAY) & (ev_day <= end_day) & ~np.isnan(ev_firm)
    ev = ev[keep]
    sev = _float(ev["severity"])

    persons = _read(directory, "persons", ["person_id", "name"], deltas)
    person_name = dict(zip(persons["person_id"], persons["name"], strict=True))
    conn_key: list[str] = []
    conn_label: list[str] = []
    conn_kind: list[int] = []
    conn_index: dict[str, int] = {}

    def connector(key: str, label: str, kind: int) -> int:
        pos = conn_index.get(key)
        if pos is None:
            pos = conn_index[key] = len(conn_key)
            conn_key.append(key)
            conn_label.append(label)
            conn_kind.append(kind)
        return pos

    mem_conn: list[np.ndarray] = []
    mem_firm: list[np.ndarray] = []
    mem_role: list[np.ndarray] = []
    mem_ratio: list[np.ndarray] = []
    key_cache: dict[str, int] = {}

    def person_conn(raw: str) -> int:
        pos = key_cache.get(raw)
        if pos is None:
            pos = key_cache[raw] = connector(person_key(raw, salt), mask_name(person_name.get(raw, "")), 0)
        return pos

    def add_person_role(frame: pd.DataFrame, id_col: str, role: int, ratio: np.ndarray | None) -> None:
        conns = np.fromiter((person_conn(r) for r in frame[id_col]), dtype=np.int64, count=len(frame))
        mem_conn.append(conns)
        mem_firm.append(firm_pos(frame["firm_id"]))
        mem_role.append(np.full(len(frame), role, dtype=np.int8))
        mem_ratio.append(ratio if ratio is not None else np.full(len(frame), np.nan))

    reps = _in_force(_read(directory, "legal_reps", ["person_id", "firm_id", "since", "until"], deltas), end_day)
    add_person_role(reps, "person_id", 0, None)
    offs = _in_force(_read(directory, "officers", ["person_id", "firm_id", "since", "until"], deltas), end_day)
    add_person_role(offs, "person_id", 1, None)
    sh = _in_force(_read(directory, "shareholdings", ["holder_id", "holder_type", "firm_id", "ratio", "since",
                                                      "until"], deltas), end_day)
    sh_person = sh[sh["holder_type"] == "person"]
    add_person_role(sh_person, "holder_id", 2, _float(sh_person["ratio"]))

    regs = _in_force(_read(directory, "registrations", ["firm_id", "address", "region", "since", "until"], deltas),
                     end_day)
    addr_cache: dict[tuple[str, str], int] = {}

    def address_conn(raw: str, region: str) -> int:
        pos = addr_cache.get((raw, region))
        if pos is None:
            norm = normalise_address(raw, region or None)
            pos = addr_cache[(raw, region)] = connector(norm.key, norm.text, 1)
        return pos

    mem_conn.append(np.fromiter((address_conn(a, r) for a, r in zip(regs["address"], regs["region"], strict=True)),
                                dtype=np.int64, count=len(regs)))
    mem_firm.append(firm_pos(regs["firm_id"]))
    mem_role.append(np.full(len(regs), 3, dtype=np.int8))
    mem_ratio.append(np.full(len(regs), np.nan))

    sh_firm = sh[sh["holder_type"] == "firm"]
    br = _in_force(_read(directory, "branches", ["branch_id", "parent_id", "since", "until"], deltas), end_day)
    link_src = np.concatenate([firm_pos(sh_firm["holder_id"]), firm_pos(br["branch_id"])])
    link_dst = np.concatenate([firm_pos(sh_firm["firm_id"]), firm_pos(br["parent_id"])])
    link_kind = np.concatenate([np.zeros(len(sh_firm), np.int8), np.ones(len(br), np.int8)])
    link_ratio = np.concatenate([_float(sh_firm["ratio"]), np.full(len(br), np.nan)])
    lk = ~np.isnan(link_src) & ~np.isnan(link_dst)

    m_firm = np.concatenate(mem_firm)
    mk = ~np.isnan(m_firm)
    est = _days(firms["established"])
    return existing_firms(Projection(
        month=month, as_of=end_day,
        firm_key=firms["firm_id"].to_numpy(dtype=object), firm_name=firms["name"].to_numpy(dtype=object),
        kind=code_array(firms["kind"].to_numpy(dtype=object), ENTITY_KINDS, "entity kind"),
        status=code_array(firms["status"].to_numpy(dtype=object), FIRM_STATUSES, "status"),
        key_area=code_array(firms["key_area"].to_numpy(dtype=object), KEY_AREAS, "key area"),
        capital=_float(firms["registered_capital"]), established=est.astype(np.int32),
        ev_firm=ev_firm[keep].astype(np.int32),
        ev_kind=code_array(ev["kind"].to_numpy(dtype=object), EVENT_KINDS, "event kind"),
        ev_day=ev_day[keep].astype(np.int32),
        ev_severity=np.nan_to_num(sev, nan=0).astype(np.int8),
        ev_result=code_array(ev["result"].to_numpy(dtype=object), INSPECTION_RESULTS, "inspection result"),
        conn_key=np.array(conn_key, dtype=object), conn_kind=np.array(conn_kind, dtype=np.int8),
        conn_label=np.array(conn_label, dtype=object),
        mem_conn=np.concatenate(mem_conn)[mk].astype(np.int32), mem_firm=m_firm[mk].astype(np.int32),
        mem_role=np.concatenate(mem_role)[mk], mem_ratio=np.concatenate(mem_ratio)[mk].astype(np.float32),
        link_src=link_src[lk].astype(np.int32), link_dst=link_dst[lk].astype(np.int32), link_kind=link_kind[lk],
        link_ratio=link_ratio[lk].astype(np.float32),
        region=region_codes(firms["region"].to_numpy(dtype=object), firms["firm_id"].to_numpy(dtype=object)),
        industry=industry_groups(firms["industry"].to_numpy(dtype=object)),
    ))
