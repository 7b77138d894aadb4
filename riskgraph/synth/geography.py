"""Where firms and persons come from: the province's counties, their sizes and risk levels.

Counties and names come from the GB/T 2260 table (``riskgraph.reference.regions``).
Prefecture and county sizes are log-normal (the provincial capital larger, urban
districts larger than rural counties), and each prefecture and county carries its own
log-odds of risk, so cities differ in both size and risk. Birth places of resident ID
numbers must have been valid codes in the birth year; ``BirthPlaces`` picks such codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from riskgraph.reference.regions import Region, county_codes, region
from riskgraph.synth.profile import Profile

_PERIOD = re.compile(r"^\[(\d{4})?-(\d{4})?\]")


@dataclass(frozen=True)
class Geography:
    province: str  # two digits
    province_name: str
    codes: np.ndarray  # county codes (str, object array)
    regions: list[Region]
    prefecture: np.ndarray  # index of each county's prefecture
    prefecture_names: list[str]
    weight: np.ndarray  # share of firms per county, sums to 1
    prefecture_effect: np.ndarray  # log-odds per prefecture
    county_effect: np.ndarray  # log-odds per county (prefecture effect included)
    is_district: np.ndarray  # urban district (…区)

    @property
    def size(self) -> int:
        return len(self.codes)

    def authority(self, county: np.ndarray, level: np.ndarray) -> np.ndarray:
        """Issuing authority per row: 0 none, 1 county bureau, 2 prefecture bureau (object array)."""
        county_names = np.array([r.prefecture + r.county + "市场监督管理局" for r in self.regions], dtype=object)
        pref_names = np.array([r.prefecture + "市场监督管理局" for r in self.regions], dtype=object)
        out = np.full(len(county), None, dtype=object)
        out[level == 1] = county_names[county[level == 1]]
        out[level == 2] = pref_names[county[level == 2]]
        return out


def build_geography(profile: Profile, rng: np.random.Generator) -> Geography:
    """The province's current counties with log-normal sizes and risk effects."""
    province = profile.province
    codes = [c for c in county_codes() if c.startswith(province)]
    if not codes:
        raise ValueError(f"profile province {province!r} has no county codes in the GB/T 2260 table")
    regions = [region(c) for c in codes]
    assert all(r is not None for r in regions)
    regs: list[Region] = [r for r in regions if r is not None]
    pref_codes = sorted({c[:4] for c in codes})
    pref_index = {p: i for i, p in enumerate(pref_codes)}
    prefecture = np.array([pref_index[c[:4]] for c in codes])
    pop = profile.population
    pref_size = rng.lognormal(0.0, pop.prefecture_size_sigma, len(pref_codes))
    capital = [i for i, p in enumerate(pref_codes) if p.endswith("01")]
    pref_size[capital] *= pop.capital_city_boost
    is_district = np.array([r.county.endswith("区") for r in regs])
    county_size = rng.lognormal(0.0, pop.county_size_sigma, len(codes)) * np.where(is_district, pop.district_boost, 1)
    # counties share their prefecture's size
    share_in_pref = county_size / np.bincount(prefecture, weights=county_size)[prefecture]
    weight = pref_size[prefecture] / pref_size.sum() * share_in_pref
    pref_effect = rng.normal(0.0, profile.risk.prefecture_sd, len(pref_codes))
    county_effect = pref_effect[prefecture] + rng.normal(0.0, profile.risk.county_sd, len(codes))
    return Geography(
        province=province,
        province_name=regs[0].province,
        codes=np.array(codes, dtype=object),
        regions=regs,
        prefecture=prefecture,
        prefecture_names=[_prefecture_name(p) for p in pref_codes],
        weight=weight / weight.sum(),
        prefecture_effect=pref_effect,
        county_effect=county_effect,
        is_district=is_district,
    )


def _prefecture_name(code4: str) -> str:
    r = region(code4 + "00")
    return r.prefecture if r else ""


_FIRST_YEAR, _LAST_YEAR = 1900, 2100


@lru_cache(maxsize=1)
def _code_validity() -> tuple[list[str], np.ndarray]:
    """County-level codes and, per code, the years it was valid (a code × year matrix), as stdnum checks them.

    Validity can have gaps: 440511 was 郊区 in 1984–1991 and 金平区 from 2003 on.
    """
    from riskgraph.reference.regions import _read_loc  # the raw entries carry the validity periods

    _, entries = _read_loc()
    codes = sorted(c for c in entries if c[4:] != "00")
    valid = np.zeros((len(codes), _LAST_YEAR - _FIRST_YEAR + 1), dtype=bool)
    for i, code in enumerate(codes):
        for entry in entries[code].split(","):
            m = _PERIOD.match(entry)
            if not m:  # no period: always valid
                valid[i, :] = True
                break
            first = int(m.group(1)) if m.group(1) else _FIRST_YEAR
            last = int(m.group(2)) if m.group(2) else _LAST_YEAR
            valid[i, max(first, _FIRST_YEAR) - _FIRST_YEAR:min(last, _LAST_YEAR) - _FIRST_YEAR + 1] = True
    return codes, valid


class BirthPlaces:
    """Region codes for resident ID numbers that were valid in the holder's birth year.

    A person's place is chosen first (a county today); when that code did not yet exist
    in the birth year, the ID carries a code of the same prefecture, or else of the same
    province, that did exist then, as real old ID numbers do.
    """

    def __init__(self) -> None:
        codes, self.valid = _code_validity()
        self.codes = np.array(codes, dtype=object)
        self.prefix4 = np.array([int(c[:4]) for c in codes])
        self.prefix2 = np.array([int(c[:2]) for c in codes])
        self.index = {c: i for i, c in enumerate(codes)}

    def other_province_codes(self, province: str) -> np.ndarray:
        """Current county codes outside ``province`` (birth places of people from elsewhere)."""
        return np.array([c for c in county_codes() if not c.startswith(province) and c in self.index], dtype=object)

    def resolve(self, codes: np.ndarray, birth_years: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Codes valid in each birth year: the wanted code if it was, else one of its prefecture, province, or any."""
        out = codes.copy()
        idx = pd.Series(codes).map(self.index).fillna(-1).to_numpy(dtype=np.int64)
        years = np.clip(birth_years, _FIRST_YEAR, _LAST_YEAR) - _FIRST_YEAR
        ok = (idx >= 0) & self.valid[np.maximum(idx, 0), years]
        bad = np.flatnonzero(~ok)
        prefix4 = pd.Series(codes[bad]).str[:4].astype(np.int64).to_numpy()
        groups = prefix4 * 1000 + years[bad]  # the fallback depends only on prefecture and year
        unique, inverse = np.unique(groups, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(len(unique) + 1))
        for u, group in enumerate(unique):
            pref, year = int(group // 1000), int(group % 1000)
            valid = self.valid[:, year]
            same = valid & (self.prefix4 == pref)
            if not same.any():
                same = valid & (self.prefix2 == pref // 100)
            if not same.any():  # a province that did not exist yet (Hainan before 1988)
                same = valid
            choices = np.flatnonzero(same)
            members = bad[order[bounds[u]:bounds[u + 1]]]
            out[members] = self.codes[choices[rng.integers(0, len(choices), len(members))]]
        return out
