"""Planted structures: shell rings, address clusters, cross-holding loops, nominee fronts, hubs, groups.

Members are drawn from the ordinary population and their attributes overwritten where
the structure demands it (one county, a burst of registration dates, small or inflated
capital). Risky structures add one shared log-odds ``effect`` to every member's latent
risk; hubs (a state-asset holder, a registered agent's address, a professional nominee)
add nothing, so their neighbours' risk is independent of the hub. Ordinary corporate
groups share a small effect of either sign. Everything planted is recorded as a
``Structure`` for truth/structures.json. This module draws no events and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from riskgraph.synth.addresses import AddressBook, Place
from riskgraph.synth.geography import Geography
from riskgraph.synth.population import ENTERPRISE, FirmFrame, nice_round
from riskgraph.synth.profile import HubSize, Profile
from riskgraph.synth.timeline import NEVER, YEAR, Timeline, day
from riskgraph.synth.world import DIRECTOR, MANAGER, SUPERVISOR, PersonPool, Plan, Structure

STATE_HOLDER_INDUSTRY = "L7212"  # 投资与资产管理
AGENT_INDUSTRY = "L7299"  # 其他未列明商务服务业


def structure_count(n_base: int, per_10k: float, minimum: int) -> int:
    """How many of a risky structure a data set of ``n_base`` firms gets."""
    return max(minimum, round(n_base * per_10k / 10_000))


def hub_count(n_base: int, per_million: float, minimum: int) -> int:
    return max(minimum, round(n_base * per_million / 1_000_000))


def hub_size(n_base: int, spec: HubSize) -> int:
    """Neighbours of one hub: ``scale × N^exponent`` clipped to [min, max] (hundreds for a province)."""
    return int(np.clip(round(spec.scale * n_base**spec.exponent), spec.min, spec.max))


@dataclass(frozen=True)
class RingInfo:
    """What later members of a shell ring share with the first ones."""

    place: Place
    reps: np.ndarray
    supervisor: int  # the one supervisor of a single-rep ring, -1 when nominees supervise each other
    trade_name: str | None


class Candidates:
    """Base enterprises not yet in a structure, in a random order, handed out without repeats."""

    def __init__(self, frame: FirmFrame, plan: Plan, rng: np.random.Generator):
        self.frame, self.plan, self.rng = frame, plan, rng
        self.order = rng.permutation(np.flatnonzero((frame.kind == ENTERPRISE) & frame.is_base))
        self.pos = 0

    def draw(self, k: int) -> np.ndarray:
        out: list[int] = []
        while len(out) < k and self.pos < len(self.order):
            i = int(self.order[self.pos])
            self.pos += 1
            if not self.plan.taken[i] and not self.frame.is_branch[i]:
                out.append(i)
        chosen = np.array(out, dtype=np.int64)
        self.plan.taken[chosen] = True
        return chosen

    def draw_where(self, mask: np.ndarray, k: int) -> np.ndarray:
        """Up to ``k`` untaken base enterprises among ``mask``."""
        pool = np.flatnonzero(mask & (self.frame.kind == ENTERPRISE) & self.frame.is_base
                              & ~self.plan.taken & ~self.frame.is_branch)
        chosen = np.sort(self.rng.choice(pool, size=min(k, len(pool)), replace=False)) if len(pool) else pool
        self.plan.taken[chosen] = True
        return chosen.astype(np.int64)


class Planter:
    """Plants every structure type into ``frame`` and ``plan``; persons come from ``pool``."""

    def __init__(self, frame: FirmFrame, plan: Plan, pool: PersonPool, geo: Geography, book: AddressBook,
                 timeline: Timeline, profile: Profile, rng: np.random.Generator):
        self.frame, self.plan, self.pool, self.geo, self.book = frame, plan, pool, geo, book
        self.timeline, self.profile, self.rng = timeline, profile, rng
        self.as_of = day(timeline.as_of)
        self.candidates = Candidates(frame, plan, rng)
        self.spec = profile.structures
        self.rings: dict[str, RingInfo] = {}

    # --- helpers -------------------------------------------------------------------------------
    def _persons(self, k: int, county: int, outside: np.ndarray | None = None, male_share: float = 0.65) -> np.ndarray:
        return self.pool.add(np.full(k, county), self.rng.random(k) < male_share, outside)

    def _make_enterprise(self, firms: np.ndarray, county: int | np.ndarray) -> None:
        f = self.frame
        f.kind[firms] = ENTERPRISE
        f.county[firms] = county
        f.key_area[firms] = -1

    def _holding(self, holder: int, firms: np.ndarray, ratio: np.ndarray, since: np.ndarray) -> None:
        capital = np.nan_to_num(self.frame.capital[firms], nan=0.0)
        self.plan.custom_holdings.add(holder=np.full(len(firms), holder), holder_is_firm=np.zeros(len(firms), bool),
                                      firm=firms, ratio=ratio, subscribed=np.round(ratio * capital, 2),
                                      since=since, until=np.full(len(firms), NEVER))

    def _officer(self, person: int | np.ndarray, firms: np.ndarray, role: int, since: np.ndarray) -> None:
        self.plan.custom_officers.add(person=np.broadcast_to(person, firms.shape).copy(), firm=firms,
                                      role=np.full(len(firms), role), since=since, until=np.full(len(firms), NEVER))

    def _county(self) -> int:
        return int(self.rng.choice(self.geo.size, p=self.geo.weight))

    def _urban_county(self) -> int:
        w = self.geo.weight * self.geo.is_district
        return int(self.rng.choice(self.geo.size, p=w / w.sum())) if w.sum() else self._county()

    def _draw_nearby(self, nearby: np.ndarray, eligible: np.ndarray, k: int) -> np.ndarray:
        """``k`` eligible candidates, from ``nearby`` first; a small prefecture is topped up from the province."""
        near = self.candidates.draw_where(nearby & eligible, k)
        if len(near) == k:
            return near
        return np.sort(np.concatenate([near, self.candidates.draw_where(eligible, k - len(near))]))

    def _days_ago(self, low_years: float, high_years: float, k: int) -> np.ndarray:
        return self.as_of - (self.rng.uniform(low_years, high_years, k) * YEAR).astype(np.int64)

    # --- risky structures ----------------------------------------------------------------------
    def shell_rings(self) -> None:
        spec, rng, f = self.spec.shell_ring, self.rng, self.frame
        for r in range(structure_count(f.n_base, spec.per_10k, spec.min)):
            size = int(np.clip(round(rng.lognormal(np.log(spec.size_median), 0.4)), spec.size[0], spec.size[1]))
            firms = self.candidates.draw(size)
            if len(firms) < 2:
                return
            county = self._county()
            self._make_enterprise(firms, county)
            start = self.as_of - spec.burst_days - int(rng.uniform(0, spec.recent_years * YEAR - spec.burst_days))
            f.established[firms] = np.sort(start + rng.integers(0, spec.burst_days, len(firms)))
            industries = np.array(spec.industries, dtype=object)
            f.industry[firms] = industries[rng.integers(0, len(industries), len(firms))]
            if rng.random() < spec.inflated_share:
                inflated = np.array(spec.capital_inflated)
                f.capital[firms] = inflated[rng.integers(0, len(inflated), len(firms))]
            else:
                f.capital[firms] = nice_round(rng.uniform(*spec.capital_small, len(firms)), np.ones(len(firms), bool))
            k = 1 if rng.random() < spec.single_rep_share else int(rng.integers(spec.nominees[0], spec.nominees[1] + 1))
            reps = self._persons(k, county, rng.random(k) < spec.outside_province_share)
            supervisor = self._persons(1, county, rng.random(1) < spec.outside_province_share)[0] if k == 1 else -1
            place = self.book.office(county, rng)
            s = Structure(f"SR{r + 1:04d}", "shell_ring", True, float(rng.normal(spec.effect_mean, spec.effect_sd)),
                          persons=[int(p) for p in reps] + ([int(supervisor)] if k == 1 else []),
                          address=self.book.canonical(place),
                          note="one legal representative (or a few nominees) for small firms at one address, "
                               "registered within weeks")
            shared_name = _two_chars(rng) if rng.random() < spec.shared_name_share else None
            self.rings[s.sid] = RingInfo(place, reps, int(supervisor), shared_name)
            self.plan.structures.append(s)
            self._ring_members(s, firms)

    def _ring_members(self, s: Structure, firms: np.ndarray) -> None:
        """Roles, address and shared risk of firms joining ring ``s``."""
        rng, plan, f = self.rng, self.plan, self.frame
        info = self.rings[s.sid]
        reps = info.reps
        k = len(reps)
        first = len(s.firms)
        slot = (np.arange(len(firms)) + first) % k
        rep = reps[slot]
        plan.rep_override[firms] = rep
        plan.custom_roles[firms] = True
        plan.frozen[firms] = True
        plan.taken[firms] = True
        plan.effect[firms] += s.effect
        since = f.established[firms]
        split = (k >= 2) & (rng.random(len(firms)) < 0.5)
        main = np.where(split, np.round(rng.uniform(0.6, 0.9, len(firms)), 2), 1.0)
        for j, firm in enumerate(firms):
            one = np.array([firm])
            self._holding(int(rep[j]), one, np.array([main[j]]), since[j:j + 1])
            if split[j]:
                self._holding(int(reps[(slot[j] + 1) % k]), one, np.array([round(1.0 - main[j], 2)]), since[j:j + 1])
            self._officer(int(rep[j]), one, DIRECTOR, since[j:j + 1])
            self._officer(int(rep[j]), one, MANAGER, since[j:j + 1])
            sup = info.supervisor if k == 1 else int(reps[(slot[j] + 1) % k])
            self._officer(int(sup), one, SUPERVISOR, since[j:j + 1])
        variant = rng.random(len(firms)) < self.profile.addresses.variant_share
        plan.address[firms] = [self.book.written(info.place, bool(v), rng) for v in variant]
        if info.trade_name:
            plan.trade_name[firms] = info.trade_name
        s.firms.extend(int(x) for x in firms)

    def ring_growth(self) -> None:
        """Firms registered in the delta months that join a ring formed shortly before (shell factories go on)."""
        spec, rng, f = self.spec.shell_ring, self.rng, self.frame
        rings = [s for s in self.plan.structures if s.type == "shell_ring"]
        new = np.arange(f.n_base, f.size)
        if not rings or len(new) == 0:
            return
        joiners = new[rng.random(len(new)) < spec.growth_share_of_new_firms]
        last = np.array([max(f.established[s.firms]) for s in rings])
        for firm in joiners:
            recent = np.flatnonzero(f.established[firm] - last <= spec.growth_within_days)
            if len(recent) == 0:
                continue
            s = rings[int(recent[rng.integers(0, len(recent))])]
            one = np.array([firm])
            self._make_enterprise(one, f.county[s.firms[0]])
            f.industry[one] = f.industry[s.firms[0]]
            f.capital[one] = f.capital[s.firms[int(rng.integers(0, len(s.firms)))]]
            self._ring_members(s, one)

    def address_clusters(self) -> None:
        spec, rng, f, plan = self.spec.address_cluster, self.rng, self.frame, self.plan
        for c in range(structure_count(f.n_base, spec.per_10k, spec.min)):
            firms = self.candidates.draw(int(rng.integers(spec.size[0], spec.size[1] + 1)))
            if len(firms) < 2:
                return
            county = self._urban_county()
            self._make_enterprise(firms, county)
            end = self.as_of - int(rng.integers(0, 365))
            f.established[firms] = np.sort(end - rng.integers(0, spec.spread_days, len(firms)))
            place = self.book.office(county, rng)
            effect = float(rng.normal(spec.effect_mean, spec.effect_sd))
            s = Structure(f"AC{c + 1:04d}", "address_cluster", True, effect,
                          firms=[int(x) for x in firms], address=self.book.canonical(place),
                          note="many unrelated firms registered at one virtual office that is not a known agent")
            variant = rng.random(len(firms)) < self.profile.addresses.variant_share
            plan.address[firms] = [self.book.written(place, bool(v), rng) for v in variant]
            plan.effect[firms] += s.effect
            plan.frozen[firms] = True
            plan.structures.append(s)

    def cross_holding_loops(self) -> None:
        spec, rng, f, plan = self.spec.cross_holding_loop, self.rng, self.frame, self.plan
        for c in range(structure_count(f.n_base, spec.per_10k, spec.min)):
            firms = self.candidates.draw(int(rng.integers(spec.length[0], spec.length[1] + 1)))
            if len(firms) < 2:
                return
            county = self._county()
            self._make_enterprise(firms, county)
            f.established[firms] = self._days_ago(spec.established_years_ago[0], spec.established_years_ago[1],
                                                  len(firms))
            since = min(self.as_of, int(f.established[firms].max()) + int(rng.integers(30, 365)))
            plan.firm_holder[firms] = np.roll(firms, 1)  # each firm holds a stake in the next: A→B→…→A
            plan.firm_holder_ratio[firms] = np.round(rng.uniform(spec.ratio[0], spec.ratio[1], len(firms)), 4)
            plan.firm_holder_since[firms] = since
            director = self._persons(1, county)
            self._officer(int(director[0]), firms, DIRECTOR, np.full(len(firms), since))
            effect = float(rng.normal(spec.effect_mean, spec.effect_sd))
            s = Structure(f"CL{c + 1:04d}", "cross_holding_loop", True, effect,
                          firms=[int(x) for x in firms], persons=[int(director[0])],
                          note="firms holding stakes in each other in a cycle, with one director in common")
            plan.effect[firms] += s.effect
            plan.structures.append(s)

    def nominee_fronts(self) -> None:
        spec, rng, f, plan = self.spec.nominee_front, self.rng, self.frame, self.plan
        for c in range(structure_count(f.n_base, spec.per_10k, spec.min)):
            old = self.candidates.draw(1)
            firms = self.candidates.draw(int(rng.integers(spec.firms[0], spec.firms[1] + 1)))
            if len(old) == 0 or len(firms) < 2:
                return
            county = self._county()
            everyone = np.concatenate([old, firms])
            self._make_enterprise(everyone, county)
            f.established[old] = self._days_ago(spec.old_firm_years_ago[0], spec.old_firm_years_ago[1], 1)
            f.established[firms] = np.sort(self._days_ago(0.1, spec.recent_years, len(firms)))
            controller = int(self._persons(1, county, male_share=0.8)[0])
            # every nominee fronts at least one firm (a nominee without a firm would have no role at all)
            n_nom = min(int(rng.integers(spec.nominees[0], spec.nominees[1] + 1)), len(firms))
            nominees = self._persons(n_nom, county, male_share=0.5)  # relatives and villagers: same home county
            old_supervisor = int(self._persons(1, county)[0])
            # the controller's own earlier firm: he is its legal rep, owner and director
            plan.rep_override[old] = controller
            self._holding(controller, old, np.array([1.0]), f.established[old])
            self._officer(controller, old, DIRECTOR, f.established[old])
            self._officer(controller, old, MANAGER, f.established[old])
            self._officer(old_supervisor, old, SUPERVISOR, f.established[old])
            # the fronted firms: nominees as legal reps and owners, the controller as manager with a small stake
            slot = np.arange(len(firms)) % n_nom
            plan.rep_override[firms] = nominees[slot]
            stake = np.round(rng.uniform(*spec.controller_stake, len(firms)), 2)
            stake[rng.random(len(firms)) >= 0.6] = 0.0  # some controllers keep no stake at all
            for j, firm in enumerate(firms):
                one, since = np.array([firm]), f.established[firm:firm + 1]
                self._holding(int(nominees[slot[j]]), one, np.array([round(1.0 - stake[j], 2)]), since)
                if stake[j] > 0:
                    self._holding(controller, one, np.array([stake[j]]), since)
                self._officer(int(nominees[slot[j]]), one, DIRECTOR, since)
                self._officer(controller, one, MANAGER, since)
                sup = int(nominees[(slot[j] + 1) % n_nom])
                self._officer(sup, one, SUPERVISOR, since)
            plan.custom_roles[everyone] = True
            plan.frozen[everyone] = True
            effect = float(rng.normal(spec.effect_mean, spec.effect_sd))
            plan.effect[firms] += effect
            plan.effect[old] += spec.old_firm_effect
            plan.structures.append(Structure(
                f"NF{c + 1:04d}", "nominee_front", True, effect, firms=[int(x) for x in everyone],
                persons=[controller, *(int(p) for p in nominees)], hub_firm=int(old[0]), hub_person=controller,
                note=f"a controller (hub_person) fronts firms through nominees; hub_firm is his own earlier firm "
                     f"(effect {spec.old_firm_effect:+.1f} instead of the shared effect)"))

    # --- hubs: links that carry no risk ---------------------------------------------------------
    def state_asset_holders(self) -> None:
        spec, rng, f, plan = self.spec.state_asset_holder, self.rng, self.frame, self.plan
        ent_capital = f.capital[(f.kind == ENTERPRISE) & f.is_base]
        median = float(np.nanmedian(ent_capital)) if len(ent_capital) else 0.0
        capital_county = int(np.argmax(self.geo.weight))
        for h in range(hub_count(f.n_base, spec.per_million, spec.min)):
            holder = self.candidates.draw(1)
            if len(holder) == 0:
                return
            county = capital_county if h == 0 else self._county()
            self._make_enterprise(holder, county)
            f.industry[holder] = STATE_HOLDER_INDUSTRY
            f.capital[holder] = 1_000_000.0  # 100 亿元
            f.established[holder] = min(self.as_of, day(spec.established)) - h * 200
            region = self.geo.regions[county]
            plan.full_name[holder] = (f"{self.geo.province_name}国有资本投资运营有限公司" if h == 0
                                      else f"{region.prefecture}国有资产投资控股集团有限公司")
            chairman, manager, supervisor = self._persons(3, county)
            plan.rep_override[holder] = chairman
            plan.custom_roles[holder] = True  # owned by the government, which is not a registered firm
            since = f.established[holder]
            self._officer(int(chairman), holder, DIRECTOR, since)
            self._officer(int(manager), holder, MANAGER, since)
            self._officer(int(supervisor), holder, SUPERVISOR, since)
            held = self.candidates.draw_where(np.nan_to_num(f.capital, nan=0.0) >= median,
                                              hub_size(f.n_base, spec.holdings))
            u = rng.random(len(held))
            ratio = np.where(u < spec.full_ownership_share, 1.0,
                             np.where(u < spec.full_ownership_share + spec.majority_share,
                                      rng.uniform(0.51, 0.9, len(held)), rng.uniform(0.05, 0.49, len(held))))
            plan.firm_holder[held] = holder[0]
            plan.firm_holder_ratio[held] = np.round(ratio, 4)
            start = np.maximum(f.established[held], f.established[holder[0]])
            plan.firm_holder_since[held] = np.minimum(self.as_of, start + rng.integers(0, 1095, len(held)))
            plan.structures.append(Structure(
                f"SA{h + 1:04d}", "state_asset_holder", False, 0.0, firms=[int(holder[0]), *(int(x) for x in held)],
                persons=[int(chairman)], hub_firm=int(holder[0]), exempt=True,
                note="a state-asset holder with stakes in many ordinary firms; their risk does not depend on it"))

    def registered_agents(self) -> None:
        spec, rng, f, plan = self.spec.registered_agent_address, self.rng, self.frame, self.plan
        opened = day(dt.date(spec.opened_year, 1, 1))
        for a in range(hub_count(f.n_base, spec.per_million, spec.min)):
            agent = self.candidates.draw(1)
            if len(agent) == 0:
                return
            county = self._urban_county()
            self._make_enterprise(agent, county)
            f.industry[agent] = AGENT_INDUSTRY
            f.established[agent] = min(opened - 180, self.as_of)
            place = self.book.office(county, rng)
            region = self.geo.regions[county]
            plan.full_name[agent] = f"{region.prefecture}{_two_chars(rng)}商务秘书有限公司"
            canonical = self.book.canonical(place)
            plan.address[agent] = canonical
            same_pref = self.geo.prefecture[f.county] == self.geo.prefecture[county]
            hosted = self._draw_nearby(same_pref, f.established >= opened, hub_size(f.n_base, spec.firms))
            f.county[hosted] = county
            variant = rng.random(len(hosted)) < spec.variant_share
            plan.address[hosted] = [self.book.written(place, bool(v), rng) for v in variant]
            plan.frozen[np.concatenate([agent, hosted])] = True
            plan.structures.append(Structure(
                f"RA{a + 1:04d}", "registered_agent_address", False, 0.0,
                firms=[int(agent[0]), *(int(x) for x in hosted)], address=canonical, hub_firm=int(agent[0]),
                exempt=True, note="a registered agent's cluster address (集群注册) hosting many ordinary firms"))

    def professional_nominees(self) -> None:
        spec, rng, f, plan = self.spec.professional_nominee, self.rng, self.frame, self.plan
        since = day(dt.date(spec.active_since_year, 1, 1))
        count = hub_count(f.n_base, spec.per_million, spec.min)
        listed = set(rng.permutation(count)[: round(spec.listed_share * count)].tolist())
        for p in range(count):
            pref = int(self.geo.prefecture[self._county()])
            firms = self._draw_nearby(self.geo.prefecture[f.county] == pref, f.established >= since,
                                      int(rng.integers(spec.firms[0], spec.firms[1] + 1)))
            if len(firms) == 0:
                return
            person = int(self._persons(1, int(f.county[firms[0]]))[0])
            plan.rep_override[firms] = person
            plan.frozen[firms] = True
            plan.structures.append(Structure(
                f"PN{p + 1:04d}", "professional_nominee", False, 0.0, firms=[int(x) for x in firms],
                persons=[person], hub_person=person, exempt=p in listed,
                note=("known to the regulator (in exempt_hubs.yaml)" if p in listed else "not on the exempt list")
                + "; a professional legal representative for many ordinary firms"))

    # --- ordinary corporate groups and branches -------------------------------------------------
    def groups_and_branches(self) -> None:
        spec, rng, f, plan = self.profile.population.group, self.rng, self.frame, self.plan
        n_ent = int(((f.kind == ENTERPRISE) & f.is_base).sum())
        target = int(spec.share_of_enterprises * n_ent)
        sizes = np.arange(2, spec.max_size + 1)
        p = sizes.astype(float) ** -spec.size_zipf_exponent
        group_of = np.full(f.size, -1, dtype=np.int64)
        groups: list[Structure] = []
        placed = 0
        while placed < target:
            members = self.candidates.draw(int(rng.choice(sizes, p=p / p.sum())))
            if len(members) < 2:
                break
            placed += len(members)
            root = members[0]
            f.capital[root] = nice_round(np.array([np.nanmax(f.capital[members]) * 5]), np.ones(1, bool))[0]
            parent = np.empty(len(members), dtype=np.int64)
            for j in range(1, len(members)):
                parent[j] = root if rng.random() < 0.5 else members[int(rng.integers(0, j))]
                sub = members[j]
                f.established[sub] = min(self.as_of, max(int(f.established[sub]),
                                                         int(f.established[parent[j]]) + int(rng.integers(30, 1095))))
                if rng.random() < spec.same_prefecture:
                    f.county[sub] = f.county[root]
            subs = members[1:]
            plan.firm_holder[subs] = parent[1:]
            plan.firm_holder_ratio[subs] = np.where(rng.random(len(subs)) < spec.full_ownership_share, 1.0,
                                                    np.round(rng.uniform(0.51, 0.95, len(subs)), 4))
            plan.firm_holder_since[subs] = f.established[subs]
            g = Structure(f"CG{len(groups) + 1:05d}", "corporate_group", False, float(rng.normal(0.0, spec.effect_sd)),
                          firms=[int(x) for x in members], hub_firm=int(root),
                          note="an ordinary group: parent (hub_firm), subsidiaries in chains, branches")
            group_of[members] = len(groups)
            groups.append(g)
        self._branches(groups, group_of)
        for g in groups:
            plan.effect[np.array(g.firms)] += g.effect
        plan.structures.extend(groups)

    def _branches(self, groups: list[Structure], group_of: np.ndarray) -> None:
        pop, rng, f, plan = self.profile.population, self.rng, self.frame, self.plan
        base_ent = (f.kind == ENTERPRISE) & f.is_base & ~f.is_branch
        n_branches = int(pop.branch_share_of_enterprises * base_ent.sum())
        capital = np.nan_to_num(f.capital, nan=0.0)
        big = base_ent & (capital >= np.quantile(capital[base_ent], 0.75)) & ~self._risky_member() if base_ent.any() \
            else base_ent
        parents_pool = np.flatnonzero(big)
        branches = self.candidates.draw(n_branches)
        if len(parents_pool) == 0 or len(branches) == 0:
            return
        weight = np.sqrt(capital[parents_pool])
        parents = parents_pool[rng.choice(len(parents_pool), size=len(branches), p=weight / weight.sum())]
        f.is_branch[branches] = True
        f.kind[branches] = ENTERPRISE
        f.capital[branches] = np.nan
        f.industry[branches] = f.industry[parents]
        f.key_area[branches] = f.key_area[parents]
        after_parent = f.established[parents] + rng.integers(180, 2000, len(branches))
        f.established[branches] = np.minimum(self.as_of, np.maximum(f.established[branches], after_parent))
        same = rng.random(len(branches)) < pop.branch_same_prefecture
        for j in np.flatnonzero(same):
            pref = self.geo.prefecture[f.county[parents[j]]]
            options = np.flatnonzero(self.geo.prefecture == pref)
            f.county[branches[j]] = options[rng.integers(0, len(options))]
        plan.branch_parent[branches] = parents
        for b, parent in zip(branches, parents, strict=True):
            gi = int(group_of[parent])
            if gi < 0:
                gi = len(groups)
                groups.append(Structure(f"CG{gi + 1:05d}", "corporate_group", False,
                                        float(rng.normal(0.0, pop.group.effect_sd)), firms=[int(parent)],
                                        hub_firm=int(parent), note="a firm and its branches"))
                group_of[parent] = gi
            groups[gi].firms.append(int(b))
            group_of[b] = gi

    def _risky_member(self) -> np.ndarray:
        mask = np.zeros(self.frame.size, dtype=bool)
        for s in self.plan.structures:
            if s.risky:
                mask[s.firms] = True
        return mask


def _two_chars(rng: np.random.Generator) -> str:
    from riskgraph.synth.vocabulary import vocabulary

    chars = list(dict.fromkeys(vocabulary().list("trade_chars")))
    i, j = rng.choice(len(chars), size=2, replace=False)
    return chars[int(i)] + chars[int(j)]


def plant_structures(frame: FirmFrame, pool: PersonPool, geo: Geography, book: AddressBook, timeline: Timeline,
                     profile: Profile, rng: np.random.Generator) -> Plan:
    """Plant every structure; risky ones first, then hubs, then ordinary groups and branches."""
    plan = Plan(frame.size)
    planter = Planter(frame, plan, pool, geo, book, timeline, profile, rng)
    planter.shell_rings()
    planter.address_clusters()
    planter.cross_holding_loops()
    planter.nominee_fronts()
    planter.state_asset_holders()
    planter.registered_agents()
    planter.professional_nominees()
    planter.groups_and_branches()
    planter.ring_growth()
    return plan
