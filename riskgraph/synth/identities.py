"""Identifiers and names: USCCs and firm names once attributes are final, persons once their roles are.

A firm's USCC carries its county and kind (91 enterprise, 92 individual business, 93
cooperative) and, for firms registered after the 2015 reform, an "MA…" organisation
code. A person's resident ID number carries a birth place valid in the birth year and a
birth date that makes them an adult at their first role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from riskgraph.synth.codes import ric_codes, uscc_codes
from riskgraph.synth.geography import BirthPlaces, Geography
from riskgraph.synth.naming import branch_name, firm_names, make_unique, person_names, trade_names
from riskgraph.synth.population import KIND_PREFIX, FirmFrame
from riskgraph.synth.profile import Profile
from riskgraph.synth.timeline import NEVER, day
from riskgraph.synth.vocabulary import Vocabulary
from riskgraph.synth.world import PersonPool, Plan

_REFORM = day(dt.date(2015, 10, 1))  # 三证合一: new registrations get "MA…" organisation codes


def firm_ids(frame: FirmFrame, geo: Geography, rng: np.random.Generator) -> np.ndarray:
    """Unique, valid USCCs (object array); the salt keeps the first firms' codes from looking sequential."""
    index = np.arange(frame.size)
    return uscc_codes(index, KIND_PREFIX[frame.kind], geo.codes[frame.county], frame.established >= _REFORM,
                      salt=int(rng.integers(0, 2**31)))


class FirmNamer:
    """Composes unique firm names, and new ones for renamed firms."""

    def __init__(self, frame: FirmFrame, plan: Plan, geo: Geography, profile: Profile, vocab: Vocabulary,
                 rng: np.random.Generator):
        self.frame, self.plan, self.geo, self.vocab, self.rng = frame, plan, geo, vocab, rng
        self.large = np.nan_to_num(frame.capital, nan=0.0) >= profile.population.large_firm_capital
        self.county_names = np.array([r.county for r in geo.regions], dtype=object)
        self.taken: set[str] = set()

    def _compose(self, rows: np.ndarray, trade: np.ndarray) -> np.ndarray:
        f = self.frame
        return firm_names(f.kind[rows], f.county[rows], f.industry[rows], self.large[rows], trade, self.geo,
                          self.vocab, self.rng)

    def initial(self) -> np.ndarray:
        f, plan = self.frame, self.plan
        all_rows = np.arange(f.size)
        trade = np.where(plan.trade_name == None, trade_names(f.size, self.vocab, self.rng), plan.trade_name)  # noqa: E711
        names = self._compose(all_rows, trade)
        fixed = plan.full_name != None  # noqa: E711
        names[fixed] = plan.full_name[fixed]
        names = make_unique(names, lambda rows, attempt: self._rebuild(names, rows, attempt), self.rng)
        branches = np.flatnonzero(f.is_branch)
        names[branches] = [branch_name(str(names[p]), str(self.county_names[f.county[b]]))
                           for b, p in zip(branches, plan.branch_parent[branches], strict=True)]
        names = make_unique(names, lambda rows, attempt: self._rebuild(names, rows, attempt), self.rng)
        self.taken = set(names.tolist())
        return names

    def _rebuild(self, names: np.ndarray, rows: np.ndarray, attempt: int) -> np.ndarray:
        """New names for duplicates: a longer trade name, or a numbered branch."""
        f = self.frame
        out = self._compose(rows, trade_names(len(rows), self.vocab, self.rng, length=2 + (attempt + 1) // 2))
        is_branch = f.is_branch[rows]
        if is_branch.any():
            from riskgraph.synth.addresses import chinese_number

            for i in np.flatnonzero(is_branch):
                b = rows[i]
                parent = str(names[self.plan.branch_parent[b]])
                county = str(self.county_names[f.county[b]])
                out[i] = branch_name(parent, county).replace("分公司", f"第{chinese_number(attempt + 2)}分公司")
        return out

    def rename(self, rows: np.ndarray) -> np.ndarray:
        """New names for firms that change name, unique against every name used so far."""
        out = self._compose(rows, trade_names(len(rows), self.vocab, self.rng, length=2))
        for i in range(len(out)):
            length = 2
            while out[i] in self.taken:
                length += 1
                out[i] = self._compose(rows[i:i + 1], trade_names(1, self.vocab, self.rng, length=min(length, 4)))[0]
            self.taken.add(out[i])
        return out


@dataclass
class People:
    ids: np.ndarray  # resident ID numbers (object array)
    names: np.ndarray
    first_seen: np.ndarray  # day of the first role, NEVER for persons with none


def finish_persons(pool: PersonPool, role_person: list[np.ndarray], role_since: list[np.ndarray], geo: Geography,
                   profile: Profile, vocab: Vocabulary, as_of: dt.date,
                   rng: np.random.Generator) -> People:
    """Birth date, birth place, ID number and name of every person, from their first role."""
    spec = profile.persons
    home, male, outside = pool.arrays()
    n = pool.count
    first_seen = np.full(n, NEVER, dtype=np.int64)
    for person, since in zip(role_person, role_since, strict=True):
        np.minimum.at(first_seen, person, since)
    age = spec.age_at_first_role
    years = np.minimum(age.minimum + rng.gamma(age.gamma_shape, age.gamma_scale, n), age.maximum)
    anchor = np.where(first_seen < NEVER, first_seen, day(as_of))
    birth = anchor - (years * 365.25).astype(np.int64)
    birth = np.maximum(birth, day(dt.date(1935, 1, 1)))

    places = BirthPlaces()
    others = places.other_province_codes(geo.province)
    u = rng.random(n)
    home_code = geo.codes[np.maximum(home, 0)]
    province_code = geo.codes[rng.choice(geo.size, size=n, p=geo.weight)]
    other_code = others[rng.integers(0, len(others), n)]
    born_in_home = u < spec.born_in_home_county
    born_in_province = ~born_in_home & (u < spec.born_in_home_county + spec.born_in_province)
    code = np.where(outside, other_code, np.where(born_in_home, home_code,
                                                  np.where(born_in_province, province_code, other_code)))
    birth_year = birth.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    code = places.resolve(code, birth_year, rng)
    ids = ric_codes(code, birth, male, rng)
    names = person_names(male, vocab, spec.one_char_given_name, rng)
    return People(ids, names, first_seen)


def rename_hook(namer: FirmNamer) -> Callable[[np.ndarray], np.ndarray]:
    return namer.rename
