"""Read one month's raw tables (``riskgraph.tables``) straight from an interchange directory (no database).

``riskgraph evaluate`` uses it to score generated data quickly and reproducibly; the same
builder then makes the projection as from Neo4j (``scoring/build.py``), and the
integration tests check that loading the files and reading them back gives the same
projection. Keys are made exactly as ingest makes them (salted person hash, normalised
address key), so exempt-hub lists match either way. Files are assumed valid (ingest
validates; generated data is valid by construction).

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

from riskgraph.ingest.read import delta_directories
from riskgraph.model import FILES_BY_KIND
from riskgraph.months import Month, ymd_number
from riskgraph.reference.addresses import normalise_address
from riskgraph.reference.identifiers import person_key, person_ref
from riskgraph.tables import MonthTables


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


def _in_force(frame: pd.DataFrame, end_ymd: int) -> pd.DataFrame:
    """The rows in force on ``end_ymd`` (YYYYMMDD): begun by then (or undated), not ended by then."""
    since, until = _ymd(frame["since"]), _ymd(frame["until"])
    ok = ((since == 0) | (since <= end_ymd)) & ((until == 0) | (until > end_ymd))
    return frame[ok]


def _float(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values.replace("", None), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _ymd(values: pd.Series) -> np.ndarray:
    """ISO dates to YYYYMMDD integers, blank or unreadable as 0."""
    parsed = pd.to_datetime(values.replace("", None), format="%Y-%m-%d", errors="coerce")
    ymd = parsed.dt.year * 10000 + parsed.dt.month * 100 + parsed.dt.day
    return ymd.fillna(0).to_numpy(dtype=np.int64)


def read_month_tables(directory: Path, month: Month, salt: str) -> MonthTables:
    """The raw tables of ``month`` from the base files and the deltas up to that month.

    Handles are row numbers: firms and persons in file order, addresses in order of first
    registration. Status changes are not dated here: with the deltas after ``month`` not
    applied, each firm's status already is the one it had then.
    """
    end_ymd = ymd_number(month.end)
    deltas = delta_directories(directory, up_to=month.text)
    firms = _read(directory, "firms", ["firm_id", "name", "kind", "status", "registered_capital", "established",
                                       "key_area", "region", "industry"], deltas)
    firm_handle = pd.Series(np.arange(len(firms)), index=firms["firm_id"].to_numpy())

    def firm_at(values: pd.Series) -> np.ndarray:
        """Handles of firm ids; -1 (refused by the builder) for an id with no row."""
        return firm_handle.reindex(values.to_numpy()).fillna(-1).to_numpy(dtype=np.int64)

    ev = _read(directory, "events", ["firm_id", "kind", "date", "severity", "result"], deltas)
    persons = _read(directory, "persons", ["person_id", "name"], deltas)
    person_handle: dict[str, int] = {raw: i for i, raw in enumerate(persons["person_id"])}
    def shown(raw: str) -> str:
        return person_ref(person_key(raw, salt), salt)

    key = [shown(raw) for raw in persons["person_id"]]
    names = list(persons["name"])

    def person_at(values: pd.Series) -> np.ndarray:
        """Handles of raw person ids; a person named only in a role gets a row with no name."""
        out = np.empty(len(values), dtype=np.int64)
        for i, raw in enumerate(values):
            h = person_handle.get(raw)
            if h is None:
                h = person_handle[raw] = len(key)
                key.append(shown(raw))
                names.append("")
            out[i] = h
        return out

    reps = _in_force(_read(directory, "legal_reps", ["person_id", "firm_id", "since", "until"], deltas), end_ymd)
    offs = _in_force(_read(directory, "officers", ["person_id", "firm_id", "since", "until"], deltas), end_ymd)
    sh = _in_force(_read(directory, "shareholdings", ["holder_id", "holder_type", "firm_id", "ratio", "since",
                                                      "until"], deltas), end_ymd)
    by_person = (sh["holder_type"] == "person").to_numpy()
    holder = np.zeros(len(sh), dtype=np.int64)
    holder[by_person] = person_at(sh["holder_id"][by_person])
    holder[~by_person] = firm_at(sh["holder_id"][~by_person])
    regs = _in_force(_read(directory, "registrations", ["firm_id", "address", "region", "since", "until"], deltas),
                     end_ymd)
    address_handle: dict[str, int] = {}
    aid: list[str] = []
    texts: list[str] = []
    normalised: dict[tuple[str, str], int] = {}

    def address_at(raw: str, region: str) -> int:
        h = normalised.get((raw, region))
        if h is None:
            norm = normalise_address(raw, region or None)
            h = address_handle.get(norm.key)
            if h is None:
                h = address_handle[norm.key] = len(aid)
                aid.append(norm.key)
                texts.append(norm.text)
            normalised[(raw, region)] = h
        return h

    reg_address = [address_at(a, r) for a, r in zip(regs["address"], regs["region"], strict=True)]
    br = _in_force(_read(directory, "branches", ["branch_id", "parent_id", "since", "until"], deltas), end_ymd)
    n = len(firms)
    return MonthTables(
        firms={"node": np.arange(n), "fid": firms["firm_id"].to_numpy(dtype=object),
               "name": firms["name"].to_numpy(dtype=object), "kind": firms["kind"].to_numpy(dtype=object),
               "status": firms["status"].to_numpy(dtype=object), "key_area": firms["key_area"].to_numpy(dtype=object),
               "capital": _float(firms["registered_capital"]), "established": _ymd(firms["established"]),
               "region": firms["region"].to_numpy(dtype=object), "industry": firms["industry"].to_numpy(dtype=object),
               "status_changes": [[] for _ in range(n)]},
        events={"firm": firm_at(ev["firm_id"]), "kind": ev["kind"].to_numpy(dtype=object), "ymd": _ymd(ev["date"]),
                "severity": np.nan_to_num(_float(ev["severity"]), nan=0.0),
                "result": ev["result"].to_numpy(dtype=object)},
        legal_reps={"person": person_at(reps["person_id"]), "firm": firm_at(reps["firm_id"])},
        officers={"person": person_at(offs["person_id"]), "firm": firm_at(offs["firm_id"])},
        shareholdings={"holder": holder, "firm": firm_at(sh["firm_id"]), "ratio": _float(sh["ratio"]),
                       "by_person": by_person},
        addresses={"address": np.asarray(reg_address, dtype=np.int64), "firm": firm_at(regs["firm_id"])},
        branches={"branch": firm_at(br["branch_id"]), "head": firm_at(br["parent_id"])},
        persons={"node": np.arange(len(key)), "key": np.asarray(key, dtype=object),
                 "name": np.asarray(names, dtype=object)},
        address_texts={"node": np.arange(len(aid)), "aid": np.asarray(aid, dtype=object),
                       "text": np.asarray(texts, dtype=object)},
    )
