"""A generated registry judged from its written files alone, as a user of the data would see it.

One small data set (a few thousand firms, three delta months) is generated once for the
module. Every check reads the CSV, YAML and JSON files the generator wrote; nothing
here looks at the generator's internal arrays. Expected numbers come from the profile.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from stdnum.cn import ric, uscc

from riskgraph.ingest.validate import validate_directory
from riskgraph.model import FILES_BY_KIND, INTERCHANGE_FILES
from riskgraph.reference.addresses import normalise_address
from riskgraph.reference.regions import is_region
from riskgraph.synth.generator import generate_dataset
from riskgraph.synth.profile import HubSize, Profile, load_profile

FIRMS = 4000
SEED = 2024
MONTHS = 3
AS_OF = dt.date(2026, 5, 31)  # deltas June–August: filing deadline 30 June, listings in July
TRUTH_FIRM_COLUMNS = ["firm_id", "latent_risk", "structures", "structure_types"]
FUTURE_COLUMNS = ["event_id", "firm_id", "kind", "date", "severity", "amount", "result", "year", "authority", "detail"]
ADVERSE = {"penalty", "abnormal_list_in", "dishonest_list_in"}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _months_after(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + months
    return _month_end(index // 12, index % 12 + 1)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@dataclass
class Generated:
    """The written data set: each slice's tables, and all slices stacked."""

    root: Path
    profile: Profile
    slices: list[tuple[Path, dt.date]]  # (directory, as-of date) for the base, then each delta month
    tables: dict[str, pd.DataFrame]  # kind → rows of every slice, with a ``slice`` column
    truth: pd.DataFrame
    future: pd.DataFrame
    structures: list[dict[str, Any]]
    hubs: dict[str, list[str]]

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [s for s in self.structures if s["type"] == kind]

    @property
    def base_firms(self) -> pd.DataFrame:
        firms = self.tables["firms"]
        return firms[firms["slice"] == "base"].set_index("firm_id")

    def legal_reps_of(self, firm_ids: list[str]) -> dict[str, set[str]]:
        lr = self.tables["legal_reps"]
        lr = lr[lr["firm_id"].isin(firm_ids)]
        out: dict[str, set[str]] = defaultdict(set)
        for person, firm in zip(lr["person_id"], lr["firm_id"], strict=True):
            out[firm].add(person)
        return out

    def address_keys(self) -> pd.Series:
        """Normalised address key of every registration row (firm_id index)."""
        reg = self.tables["registrations"]
        keys = [normalise_address(a, r or None).key for a, r in zip(reg["address"], reg["region"], strict=True)]
        return pd.Series(keys, index=reg["firm_id"].to_numpy())


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    root = tmp_path_factory.mktemp("synth") / "registry"
    generate_dataset(FIRMS, SEED, root, months=MONTHS, as_of=AS_OF, today=_months_after(AS_OF, MONTHS))
    slices = [(root, AS_OF)]
    for k in range(1, MONTHS + 1):
        end = _months_after(AS_OF, k)
        slices.append((root / "deltas" / f"{end:%Y-%m}", end))
    tables: dict[str, pd.DataFrame] = {}
    for spec in INTERCHANGE_FILES:
        parts = [_read(d / f"{spec.kind}.csv").assign(slice="base" if d == root else d.name) for d, _ in slices]
        tables[spec.kind] = pd.concat(parts, ignore_index=True)
    return Generated(
        root=root, profile=load_profile(), slices=slices, tables=tables,
        truth=pd.read_csv(root / "truth" / "firms.csv", dtype={"firm_id": str, "structures": str,
                                                               "structure_types": str}, keep_default_na=False),
        future=_read(root / "truth" / "future_events.csv"),
        structures=json.loads((root / "truth" / "structures.json").read_text(encoding="utf-8")),
        hubs=yaml.safe_load((root / "exempt_hubs.yaml").read_text(encoding="utf-8")),
    )


def _risky_count(n: int, per_10k: float, minimum: int) -> int:
    return max(minimum, round(n * per_10k / 10_000))


def _hub_count(n: int, per_million: float, minimum: int) -> int:
    return max(minimum, round(n * per_million / 1_000_000))


def _hub_size(n: int, spec: HubSize) -> int:
    return int(min(max(round(spec.scale * n**spec.exponent), spec.min), spec.max))


# --- validity -----------------------------------------------------------------------------------

def test_base_and_every_delta_month_pass_ingest_validation(data: Generated) -> None:
    assert sorted(p.name for p in (data.root / "deltas").iterdir()) == [d.name for d, _ in data.slices[1:]]
    defined: dict[str, set[str]] = {"firm": set(), "person": set()}
    for directory, as_of in data.slices:
        def known(kind: str, ids: set[str]) -> set[str]:
            return ids & defined[kind]

        problems = validate_directory(directory, as_of=as_of, known_ids=known)
        assert problems == [], f"{directory.name}: {problems[:5]}"
        defined["firm"] |= set(_read(directory / "firms.csv")["firm_id"])
        defined["person"] |= set(_read(directory / "persons.csv")["person_id"])


def test_deltas_carry_new_firms_changes_events_and_list_moves(data: Generated) -> None:
    firms = data.tables["firms"]
    new_firms = 0
    kinds: set[str] = set()
    seen = set(firms.loc[firms["slice"] == "base", "firm_id"])
    for directory, _ in data.slices[1:]:
        month = directory.name
        f = firms[firms["slice"] == month]
        new = ~f["firm_id"].isin(seen)
        new_firms += int(new.sum())
        assert (~new).any(), f"{month}: no firm re-sent with a new status or name"
        assert pd.to_datetime(f.loc[new, "established"]).dt.strftime("%Y-%m").eq(month).all()
        ev = data.tables["events"]
        ev = ev[ev["slice"] == month]
        assert ev["date"].str[:7].eq(month).all(), f"{month}: events outside the month"
        assert new.any() and len(ev) > 0, month
        kinds |= set(ev["kind"])
        closed = [t for t in ("legal_reps", "registrations", "shareholdings")
                  if (data.tables[t].loc[data.tables[t]["slice"] == month, "until"] != "").any()]
        assert closed, f"{month}: no relationship ended"
        seen |= set(f["firm_id"])
    assert new_firms == round(FIRMS * data.profile.calendar.new_firms_per_month * MONTHS)
    assert {"abnormal_list_in", "abnormal_list_out", "annual_report_filed", "annual_report_missing", "inspection",
            "penalty", "change_legal_rep"} <= kinds


# --- truth --------------------------------------------------------------------------------------

def test_every_firm_has_one_truth_row_with_a_latent_risk(data: Generated) -> None:
    assert list(data.truth.columns) == TRUTH_FIRM_COLUMNS
    firm_ids = set(data.tables["firms"]["firm_id"])
    assert data.truth["firm_id"].is_unique
    assert set(data.truth["firm_id"]) == firm_ids
    risk = data.truth["latent_risk"].astype(float)
    assert ((risk > 0) & (risk < 1)).all()
    members = defaultdict(set)
    for s in data.structures:
        for f in s["firms"]:
            members[f].add(s["id"])
    listed = {f: set(filter(None, cell.split(";"))) for f, cell in zip(data.truth["firm_id"],
                                                                        data.truth["structures"], strict=True)}
    assert all(listed[f] == sids for f, sids in members.items())


def test_future_events_follow_the_last_delta_for_future_months(data: Generated) -> None:
    last = data.slices[-1][1]
    horizon = _months_after(last, data.profile.calendar.future_months)
    fut = data.future
    assert list(fut.columns) == FUTURE_COLUMNS
    dates = pd.to_datetime(fut["date"]).dt.date
    assert (dates > last).all() and (dates <= horizon).all()
    months = {f"{d:%Y-%m}" for d in dates}
    assert len(months) == data.profile.calendar.future_months  # every future month has events
    assert set(fut["firm_id"]) <= set(data.tables["firms"]["firm_id"])
    assert not set(fut["event_id"]) & set(data.tables["events"]["event_id"])
    assert fut["event_id"].is_unique


def test_future_violations_grow_with_latent_risk(data: Generated) -> None:
    fut = data.future
    bad = fut[fut["kind"].isin(ADVERSE) | fut["result"].isin(["fail", "not_found"])]
    risk = data.truth.set_index("firm_id")["latent_risk"].astype(float)
    violator = risk.index.isin(bad["firm_id"])
    low, high = risk.quantile(0.2), risk.quantile(0.8)
    rate_low = violator[(risk <= low).to_numpy()].mean()
    rate_high = violator[(risk >= high).to_numpy()].mean()
    assert rate_high > 2.5 * rate_low, (rate_low, rate_high)


def test_risky_structures_carry_risk_and_hubs_do_not(data: Generated) -> None:
    """Members of risky structures sit well above their county's risk; firms linked by a hub do not."""
    risk = data.truth.set_index("firm_id")["latent_risk"].astype(float)
    logit = np.log(risk / (1 - risk))
    region = data.tables["firms"].drop_duplicates("firm_id").set_index("firm_id")["region"].reindex(logit.index)
    excess = logit - logit.groupby(region).transform("mean")  # counties differ in risk; compare within one
    risky = [f for s in data.structures if s["risky"] for f in s["firms"]]
    hubbed = [f for s in data.structures
              if s["type"] in ("state_asset_holder", "registered_agent_address", "professional_nominee")
              for f in s["firms"] if f != s["hub_firm"]]
    assert excess[risky].mean() > 0.5
    assert abs(excess[hubbed].mean()) < 0.35
    assert all(s["effect"] > 0 for s in data.structures if s["type"] in ("shell_ring", "nominee_front"))
    assert all(s["effect"] == 0 for s in data.structures if not s["risky"] and s["type"] != "corporate_group")


def test_scorer_facing_files_hold_no_truth(data: Generated) -> None:
    top = {p.name for p in data.root.iterdir()}
    assert top == {f"{s.kind}.csv" for s in INTERCHANGE_FILES} | {"exempt_hubs.yaml", "deltas", "truth"}
    for directory, _ in data.slices:
        csvs = {p.name for p in directory.iterdir() if p.suffix == ".csv"}
        assert csvs == {f"{s.kind}.csv" for s in INTERCHANGE_FILES}
        for spec in INTERCHANGE_FILES:
            header = list(_read(directory / f"{spec.kind}.csv").columns)
            assert header == [c.name for c in FILES_BY_KIND[spec.kind].columns], (directory, spec.kind)
    assert set(data.hubs) == {"firms", "persons", "addresses"}
    assert "latent" not in (data.root / "exempt_hubs.yaml").read_text(encoding="utf-8")


# --- planted structures -------------------------------------------------------------------------

def test_structure_counts_are_the_profiles(data: Generated) -> None:
    st = data.profile.structures
    expected = {
        "shell_ring": _risky_count(FIRMS, st.shell_ring.per_10k, st.shell_ring.min),
        "address_cluster": _risky_count(FIRMS, st.address_cluster.per_10k, st.address_cluster.min),
        "cross_holding_loop": _risky_count(FIRMS, st.cross_holding_loop.per_10k, st.cross_holding_loop.min),
        "nominee_front": _risky_count(FIRMS, st.nominee_front.per_10k, st.nominee_front.min),
        "state_asset_holder": _hub_count(FIRMS, st.state_asset_holder.per_million, st.state_asset_holder.min),
        "registered_agent_address": _hub_count(FIRMS, st.registered_agent_address.per_million,
                                               st.registered_agent_address.min),
        "professional_nominee": _hub_count(FIRMS, st.professional_nominee.per_million,
                                           st.professional_nominee.min),
    }
    counts = Counter(s["type"] for s in data.structures)
    assert {k: counts[k] for k in expected} == expected
    generation = json.loads((data.root / "truth" / "generation.json").read_text(encoding="utf-8"))
    assert {k: generation["structures"][k] for k in expected} == expected
    assert counts["corporate_group"] > 0
    persons = set(data.tables["persons"]["person_id"])
    for s in data.structures:
        assert s["risky"] == (s["type"] in expected and s["type"] in {
            "shell_ring", "address_cluster", "cross_holding_loop", "nominee_front"}), s["id"]
        assert set(s["persons"]) <= persons, f"{s['id']} names persons that have no role in the data"


def test_shell_rings(data: Generated) -> None:
    spec = data.profile.structures.shell_ring
    base = data.base_firms
    keys = data.address_keys()
    rings = data.of_type("shell_ring")
    for ring in rings:
        members = ring["firms"]
        founders = [f for f in members if f in base.index]
        assert spec.size[0] <= len(founders) <= spec.size[1], ring["id"]
        firms = base.loc[founders]
        assert (firms["kind"] == "enterprise").all()
        assert firms["industry"].isin(spec.industries).all()
        capital = firms["registered_capital"].astype(float)
        small = capital.between(*spec.capital_small)
        assert (small | capital.isin(spec.capital_inflated)).all(), ring["id"]
        established = pd.to_datetime(firms["established"])
        assert (established.max() - established.min()).days < spec.burst_days, ring["id"]
        assert established.min() >= pd.Timestamp(AS_OF) - pd.Timedelta(days=spec.recent_years * 365.25)
        reps = data.legal_reps_of(members)
        assert all(len(r) == 1 for r in reps.values()) and len(reps) == len(members)  # never changed
        people = set().union(*reps.values())
        assert len(people) == 1 or spec.nominees[0] <= len(people) <= spec.nominees[1], ring["id"]
        assert people <= set(ring["persons"])
        assert set(keys[members]) == {normalise_address(ring["address"], firms["region"].iloc[0]).key}
    assert any(len(data.legal_reps_of(r["firms"]).keys()) > len(r["firms"]) // 2 for r in rings)


def test_address_clusters(data: Generated) -> None:
    spec = data.profile.structures.address_cluster
    keys = data.address_keys()
    for cluster in data.of_type("address_cluster"):
        members = cluster["firms"]
        assert spec.size[0] <= len(members) <= spec.size[1]
        member_keys = set(keys[members])
        assert len(member_keys) == 1, cluster["id"]
        written = set(data.tables["registrations"].set_index("firm_id").loc[members, "address"])
        assert len(written) > 1, "members write the address in more than one way"
        at_address = set(keys[keys == member_keys.pop()].index)
        assert at_address >= set(members)
        established = pd.to_datetime(data.base_firms.loc[members, "established"])
        assert (established.max() - established.min()).days < spec.spread_days


def test_cross_holding_loops(data: Generated) -> None:
    spec = data.profile.structures.cross_holding_loop
    holdings = data.tables["shareholdings"]
    by_firm = holdings[holdings["holder_type"] == "firm"]
    officers = data.tables["officers"]
    for loop in data.of_type("cross_holding_loop"):
        members = set(loop["firms"])
        assert spec.length[0] <= len(members) <= spec.length[1]
        edges = by_firm[by_firm["holder_id"].isin(members) & by_firm["firm_id"].isin(members)]
        holds = dict(zip(edges["holder_id"], edges["firm_id"], strict=True))
        assert len(holds) == len(edges) == len(members), loop["id"]  # each member holds exactly one member
        start = next(iter(members))
        walk, here = [start], holds[start]
        while here != start:
            walk.append(here)
            here = holds[here]
        assert set(walk) == members, f"{loop['id']}: not a single directed cycle"
        assert edges["ratio"].astype(float).between(*spec.ratio).all()
        directors = officers[officers["firm_id"].isin(members) & (officers["role"] == "director")]
        common = set.intersection(*(set(g["person_id"]) for _, g in directors.groupby("firm_id")))
        assert common & set(loop["persons"]), f"{loop['id']}: no director in common"


def test_nominee_fronts(data: Generated) -> None:
    spec = data.profile.structures.nominee_front
    holdings = data.tables["shareholdings"]
    officers = data.tables["officers"]
    for front in data.of_type("nominee_front"):
        controller, own = front["hub_person"], front["hub_firm"]
        fronted = [f for f in front["firms"] if f != own]
        nominees = set(front["persons"]) - {controller}
        assert spec.firms[0] <= len(fronted) <= spec.firms[1]
        assert min(spec.nominees[0], len(fronted)) <= len(nominees) <= min(spec.nominees[1], len(fronted))
        reps = data.legal_reps_of(front["firms"])
        assert reps[own] == {controller}
        assert all(reps[f] <= nominees for f in fronted), front["id"]
        assert set().union(*(reps[f] for f in fronted)) == nominees  # every nominee fronts a firm
        managed = set(officers.loc[(officers["person_id"] == controller) & (officers["role"] == "manager"),
                                   "firm_id"])
        assert set(fronted) <= managed, f"{front['id']}: the controller does not run every fronted firm"
        stakes = holdings[holdings["firm_id"].isin(fronted)]
        mine = stakes.loc[stakes["holder_id"] == controller, "ratio"].astype(float)
        assert (mine <= spec.controller_stake[1]).all()
        for firm, g in stakes.groupby("firm_id"):
            top = g.loc[g["ratio"].astype(float).idxmax(), "holder_id"]
            assert top in nominees, f"{front['id']}: {firm} is not held mainly by a nominee"
        assert data.base_firms.loc[front["firms"], "region"].nunique() == 1


def test_professional_nominees(data: Generated) -> None:
    spec = data.profile.structures.professional_nominee
    nominees = data.of_type("professional_nominee")
    for pn in nominees:
        assert spec.firms[0] <= len(pn["firms"]) <= spec.firms[1]
        reps = data.legal_reps_of(pn["firms"])
        assert all(r == {pn["hub_person"]} for r in reps.values()), pn["id"]
        since = pd.to_datetime(data.base_firms.loc[pn["firms"], "established"])
        assert (since.dt.year >= spec.active_since_year).all()
    assert sum(pn["exempt"] for pn in nominees) == round(spec.listed_share * len(nominees))


def test_state_asset_holder_holds_many_firms(data: Generated) -> None:
    spec = data.profile.structures.state_asset_holder
    holdings = data.tables["shareholdings"]
    for sa in data.of_type("state_asset_holder"):
        held = holdings[(holdings["holder_type"] == "firm") & (holdings["holder_id"] == sa["hub_firm"])]
        assert set(held["firm_id"]) == set(sa["firms"]) - {sa["hub_firm"]}
        assert len(held) == _hub_size(FIRMS, spec.holdings)
        assert sa["exempt"] and not sa["risky"]


def test_registered_agent_address_hosts_many_firms(data: Generated) -> None:
    spec = data.profile.structures.registered_agent_address
    keys = data.address_keys()
    for ra in data.of_type("registered_agent_address"):
        region = data.base_firms.loc[ra["hub_firm"], "region"]
        key = normalise_address(ra["address"], region).key
        assert set(keys[ra["firms"]]) == {key}
        hosted = set(keys[keys == key].index) - {ra["hub_firm"]}
        assert len(hosted) >= _hub_size(FIRMS, spec.firms)
        assert len(set(ra["firms"]) - {ra["hub_firm"]}) == _hub_size(FIRMS, spec.firms)
        assert ra["exempt"] and not ra["risky"]


def test_exempt_hubs_yaml_lists_exactly_the_exempt_hubs(data: Generated) -> None:
    exempt = [s for s in data.structures if s["exempt"]]
    assert {s["type"] for s in exempt} <= {"state_asset_holder", "registered_agent_address", "professional_nominee"}
    assert sorted(data.hubs["firms"]) == sorted(s["hub_firm"] for s in exempt if s["type"] == "state_asset_holder")
    assert sorted(data.hubs["persons"]) == sorted(s["hub_person"] for s in exempt
                                                  if s["type"] == "professional_nominee")
    assert sorted(data.hubs["addresses"]) == sorted(s["address"] for s in exempt
                                                    if s["type"] == "registered_agent_address")
    assert data.hubs["firms"] and data.hubs["addresses"] and data.hubs["persons"]


# --- realistic marginals ------------------------------------------------------------------------

def test_identifiers_carry_valid_checksums_and_real_regions(data: Generated) -> None:
    firms = data.tables["firms"].drop_duplicates("firm_id")
    assert all(uscc.is_valid(f) for f in firms["firm_id"])
    persons = data.tables["persons"]
    assert persons["person_id"].is_unique
    assert all(ric.is_valid(p) for p in persons["person_id"])
    assert all(is_region(r) and r.startswith(data.profile.province) for r in set(firms["region"]))
    assert (firms["firm_id"].str[2:8] == firms["region"]).all()  # the USCC carries the registering county
    kind_digit = firms["firm_id"].str[:2].map({"91": "enterprise", "92": "individual", "93": "cooperative"})
    assert (kind_digit == firms["kind"]).all()
    assert firms["region"].str[:4].nunique() >= 15  # spread over (nearly) all prefectures


def test_kinds_industries_and_capital_look_like_a_registry(data: Generated) -> None:
    base = data.base_firms
    shares = base["kind"].value_counts(normalize=True)
    for kind, share in data.profile.population.kind_shares.items():
        assert math.isclose(shares.get(kind, 0.0), share, abs_tol=0.03), kind
    sections = base["industry"].str[0].value_counts(normalize=True)
    assert sections.index[0] == "F" and sections.iloc[0] > 0.25  # trade and construction-like sections dominate
    assert len(sections) >= 15
    regions = base["region"].value_counts(normalize=True)
    assert regions.iloc[0] > 5 / len(regions)  # skewed: the largest county is far above an even share
    capital = pd.to_numeric(base.loc[base["kind"] == "enterprise", "registered_capital"]).dropna()  # branches: none
    assert 30 <= capital.median() <= 300 and capital.max() > 100 * capital.median()
    assert (base["status"] == "active").mean() > 0.7
    assert {"revoked", "cancelled"} <= set(base["status"])


def test_most_persons_have_one_role_and_a_few_have_many(data: Generated) -> None:
    t = data.tables
    roles = pd.concat([t["legal_reps"][["person_id", "firm_id"]], t["officers"][["person_id", "firm_id"]],
                       t["shareholdings"].loc[t["shareholdings"]["holder_type"] == "person", ["holder_id", "firm_id"]]
                       .rename(columns={"holder_id": "person_id"})])
    firms_per_person = roles.drop_duplicates().groupby("person_id")["firm_id"].nunique()
    assert (firms_per_person == 1).mean() > 0.7
    assert firms_per_person.max() >= 15
    assert (firms_per_person >= 5).sum() >= 20
    firms_per_firm = roles.drop_duplicates().groupby("firm_id")["person_id"].nunique()
    assert firms_per_firm.max() >= 5  # some firms have many people in roles


def test_ownership_forms_chains_and_groups(data: Generated) -> None:
    h = data.tables["shareholdings"]
    edges = h[h["holder_type"] == "firm"]
    parent = dict(zip(edges["firm_id"], edges["holder_id"], strict=False))
    depth = {}
    for firm in parent:
        seen, here = {firm}, firm
        while here in parent and parent[here] not in seen:
            here = parent[here]
            seen.add(here)
        depth[firm] = len(seen) - 1
    assert max(depth.values()) >= 2  # A holds B holds C
    assert len(_read(data.root / "branches.csv")) > 0
