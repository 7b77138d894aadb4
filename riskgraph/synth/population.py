"""The firms' own attributes: kind, county, industry, key area, establishment date, capital.

One row per firm, as numpy arrays (``FirmFrame``). The first ``n_base`` firms exist on
the base as-of date; the rest are registered during the delta months. Planted
structures overwrite some of these attributes afterwards (``structures``); identifiers,
names and addresses are derived later from the final attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from riskgraph.model import KeyArea
from riskgraph.reference.industries import classes_of_division, sections
from riskgraph.synth.geography import Geography
from riskgraph.synth.profile import KINDS, Profile
from riskgraph.synth.timeline import Timeline, day

ENTERPRISE, INDIVIDUAL, COOPERATIVE = 0, 1, 2
KIND_PREFIX = np.array(["91", "92", "93"], dtype=object)  # USCC registration-authority + kind codes
KEY_AREAS = [a.value for a in KeyArea]
SECTION_LETTERS = sorted(sections())
CLASS_SLOTS = 50  # group digit 1–5 × class digit 0–9, mapped onto a division's real classes


@dataclass
class FirmFrame:
    """Attributes of every firm (base and delta-born), index = firm number."""

    n_base: int
    kind: np.ndarray  # 0 enterprise, 1 individual, 2 cooperative
    county: np.ndarray  # index into Geography.codes
    industry: np.ndarray  # GB/T 4754 code, object array of str
    key_area: np.ndarray  # index into KEY_AREAS, -1 none
    established: np.ndarray  # day number
    capital: np.ndarray  # 10,000 CNY; NaN = not registered
    is_branch: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def __post_init__(self) -> None:
        if len(self.is_branch) == 0:
            self.is_branch = np.zeros(len(self.kind), dtype=bool)

    @property
    def size(self) -> int:
        return len(self.kind)

    @property
    def is_base(self) -> np.ndarray:
        return np.arange(self.size) < self.n_base

    @property
    def section(self) -> np.ndarray:
        """Section letter index (into SECTION_LETTERS) of each firm's industry."""
        lookup = {s: i for i, s in enumerate(SECTION_LETTERS)}
        return np.array([lookup[c[0]] for c in self.industry])

    def division(self) -> np.ndarray:
        """Section letter and two-digit division, e.g. 'C14' (object array)."""
        return np.array([c[:3] for c in self.industry], dtype=object)


def draw_population(n_base: int, n_new: int, timeline: Timeline, geo: Geography, profile: Profile,
                    rng: np.random.Generator) -> FirmFrame:
    """Base firms (established up to the as-of date) followed by firms registered in the delta months."""
    n = n_base + n_new
    pop = profile.population
    kind = rng.choice(3, size=n, p=[pop.kind_shares[k] for k in KINDS])
    county = rng.choice(geo.size, size=n, p=geo.weight)
    industry = draw_industries(kind, profile, rng)
    key_area = draw_key_areas(industry, profile, rng)
    established = np.empty(n, dtype=np.int64)
    as_of, earliest = day(timeline.as_of), day(profile.calendar.earliest_established)
    for k, name in enumerate(KINDS):
        base = np.flatnonzero((kind == k) & (np.arange(n) < n_base))
        established[base] = as_of - _recent_biased_days(rng, len(base), as_of - earliest,
                                                         pop.establishment_growth_per_year[name])
    if n_new:
        established[n_base:] = rng.integers(as_of + 1, _day_end(timeline) + 1, n_new)
    capital = draw_capital(kind, profile, rng)
    return FirmFrame(n_base, kind, county, industry, key_area, established, capital)


def _day_end(timeline: Timeline) -> int:
    return day(timeline.last_end)


def _recent_biased_days(rng: np.random.Generator, n: int, span_days: int, growth_per_year: float) -> np.ndarray:
    """Ages in days on [0, span) with density ∝ exp(-growth × age): registrations grew every year."""
    rate = growth_per_year / 365.25
    u = rng.random(n)
    ages = -np.log(1.0 - u * (1.0 - np.exp(-rate * span_days))) / rate
    return np.minimum(ages.astype(np.int64), span_days - 1)


def draw_industries(kind: np.ndarray, profile: Profile, rng: np.random.Generator) -> np.ndarray:
    """GB/T 4754-2017 class codes (section letter + a real four-digit class, e.g. "C1311") per kind.

    A section per kind (``section_weights``), a division in it (``division_weights``), then one of the
    division's real classes (``reference/industry_classes.yaml``), each about equally likely: a digit
    1–5 and a digit 0–9 drawn uniformly make one of 50 equal slots, spread evenly over the classes in
    code order (in divisions with more than 50 classes the parity of the firm number doubles the slots).
    These are the draws the generator always made, so every later draw is unchanged.
    """
    secs = sections()
    ind = profile.industries
    n = len(kind)
    letters = np.empty(n, dtype=object)
    for k, name in enumerate(KINDS):
        rows = np.flatnonzero(kind == k)
        weights = ind.section_weights[name]
        names = sorted(weights)
        p = np.array([weights[s] for s in names])
        letters[rows] = np.array(names, dtype=object)[rng.choice(len(names), size=len(rows), p=p / p.sum())]
    division = np.empty(n, dtype=np.int64)
    for letter in sorted(set(letters)):
        rows = np.flatnonzero(letters == letter)
        divs = secs[letter].divisions()
        w = ind.division_weights.get(letter, {})
        p = np.array([w.get(d, 0.0 if w else 1.0) for d in divs])
        division[rows] = np.array([int(d) for d in divs])[rng.choice(len(divs), size=len(rows), p=p / p.sum())]
    group = rng.integers(1, 6, n)
    klass = rng.integers(0, 10, n)
    slot = (group - 1) * 10 + klass  # 0–49, uniform
    digits = np.empty(n, dtype=object)
    for d in np.unique(division):
        rows = np.flatnonzero(division == d)
        classes = np.array(classes_of_division(f"{d:02d}"), dtype=object)
        laps = -(-len(classes) // CLASS_SLOTS)  # 2 for the few divisions with more than 50 classes
        virtual = slot[rows] + CLASS_SLOTS * (rows % laps)  # the firm number's parity picks the lap
        digits[rows] = classes[virtual * len(classes) // (CLASS_SLOTS * laps)]
    return np.array([f"{s}{c}" for s, c in zip(letters, digits, strict=True)], dtype=object)


def draw_key_areas(industry: np.ndarray, profile: Profile, rng: np.random.Generator) -> np.ndarray:
    """Key supervision area per firm from its division (``industries.key_areas``), -1 for none."""
    out = np.full(len(industry), -1, dtype=np.int64)
    division = np.array([c[:3] for c in industry], dtype=object)
    u = rng.random(len(industry))
    for div, areas in sorted(profile.industries.key_areas.items()):
        rows = np.flatnonzero(division == div)
        if len(rows) == 0:
            continue
        edge = 0.0
        for area, p in areas.items():
            hit = rows[(u[rows] >= edge) & (u[rows] < edge + p)]
            out[hit] = KEY_AREAS.index(area)
            edge += p
    return out


def draw_capital(kind: np.ndarray, profile: Profile, rng: np.random.Generator) -> np.ndarray:
    """Registered capital in 10,000 CNY: log-normal per kind, rounded the way founders choose it."""
    pop = profile.population
    out = np.full(len(kind), np.nan)
    for k, name in enumerate(KINDS):
        rows = np.flatnonzero(kind == k)
        spec = pop.capital[name]
        values = rng.lognormal(np.log(spec.median), spec.sigma, len(rows))
        values = nice_round(values, rng.random(len(rows)) < pop.capital_one_digit_share)
        values[rng.random(len(rows)) < spec.missing] = np.nan
        out[rows] = values
    return out


def nice_round(values: np.ndarray, one_digit: np.ndarray) -> np.ndarray:
    """Round to one (or two) significant digits, at least 1: founders register 100 or 150, not 137.2."""
    v = np.maximum(values, 1.0)
    magnitude = 10.0 ** np.floor(np.log10(v))
    step = np.where(one_digit, magnitude, np.maximum(magnitude / 10, 1.0))
    return np.maximum(np.round(v / step) * step, 1.0)
