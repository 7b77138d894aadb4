"""Registered addresses (住所) in Chinese: province + city + county + road + number + floor/room.

Ordinary firms get their own address, drawn in bulk. Shared places (a shell ring's
virtual office, a registered agent's cluster address) are ``Place`` objects whose
members write the same place in different ways, the way registries really hold them:
full-width digits, ``3F``/``3层``/``三楼`` for ``3楼``, ``#`` for ``号``, with or without the
province and city. ``riskgraph.reference.addresses.normalise_address`` folds all of these
into one key; the tests hold it to that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from riskgraph.synth.geography import Geography
from riskgraph.synth.population import COOPERATIVE, INDIVIDUAL
from riskgraph.synth.profile import Profile
from riskgraph.synth.vocabulary import Vocabulary

_ROADS_PER_COUNTY = 80
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals (12 → 十二, 30 → 三十)."""
    if not 1 <= n <= 99:
        raise ValueError("chinese_number covers 1–99")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class Place:
    """A shared place inside a building: the components every written variant is made from."""

    county: int
    road: str
    number: int
    building: str
    floor: int
    room: int


class AddressBook:
    """Roads, buildings and villages of each county, and the address texts made from them."""

    def __init__(self, geo: Geography, vocab: Vocabulary, profile: Profile, rng: np.random.Generator):
        self.geo = geo
        self.profile = profile
        words = vocab.words
        suffixes = list(words["road_suffixes"])
        p = np.array([words["road_suffixes"][s] for s in suffixes])
        stems = words["road_stems"]
        self.roads = np.empty((geo.size, _ROADS_PER_COUNTY), dtype=object)
        for c in range(geo.size):
            chosen = rng.choice(len(stems), size=_ROADS_PER_COUNTY, replace=True)
            suffix = rng.choice(len(suffixes), size=_ROADS_PER_COUNTY, p=p / p.sum())
            self.roads[c] = [stems[s] + suffixes[x] for s, x in zip(chosen, suffix, strict=True)]
        self.buildings = np.array([b + s for b in words["building_stems"] for s in words["building_suffixes"]],
                                  dtype=object)
        self.towns = np.array(words["town_stems"], dtype=object)
        self.villages = np.array(words["village_stems"], dtype=object)
        regions = geo.regions
        self.prefix_full = np.array([_join(r.province, r.prefecture, r.county) for r in regions], dtype=object)
        self.prefix_city = np.array([_join(r.prefecture, r.county) for r in regions], dtype=object)
        self.prefix_county = np.array([r.county for r in regions], dtype=object)

    def ordinary(self, county: np.ndarray, kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One canonical address text per firm (object array), in the firm's county."""
        n = len(county)
        road = self.roads[county, rng.integers(0, _ROADS_PER_COUNTY, n)]
        number = _small_numbers(rng, n)
        floor = rng.integers(1, 32, n)
        room = floor * 100 + rng.integers(1, 21, n)
        building = self.buildings[rng.integers(0, len(self.buildings), n)]
        town = self.towns[rng.integers(0, len(self.towns), n)]
        village = self.villages[rng.integers(0, len(self.villages), n)]
        shop = rng.integers(1, 31, n)
        in_building = rng.random(n) < self.profile.addresses.building_share
        rural = (~self.geo.is_district[county]) & (rng.random(n) < self.profile.addresses.rural_share_in_counties)
        style = np.where(kind == COOPERATIVE, 3,
                         np.where(kind == INDIVIDUAL, np.where(rural, 3, 2),
                                  np.where(in_building, 0, 1)))
        prefix = self.prefix_full[county]
        out = np.empty(n, dtype=object)
        for i in range(n):
            s = style[i]
            if s == 0:
                body = f"{road[i]}{number[i]}号{building[i]}{floor[i]}楼{room[i]}室"
            elif s == 1:
                body = f"{road[i]}{number[i]}号{floor[i]}楼{room[i]}室"
            elif s == 2:
                body = f"{road[i]}{number[i]}号首层{shop[i]}号铺" if shop[i] > 15 else f"{road[i]}{number[i]}号首层"
            else:
                body = f"{town[i]}镇{village[i]}村{number[i]}号"
            out[i] = prefix[i] + body
        return out

    def office(self, county: int, rng: np.random.Generator) -> Place:
        """A room in an office building: where virtual offices and registered agents sit."""
        floor = int(rng.integers(2, 30))
        return Place(county=county, road=str(self.roads[county, rng.integers(0, _ROADS_PER_COUNTY)]),
                     number=int(_small_numbers(rng, 1)[0]), building=str(rng.choice(self.buildings)),
                     floor=floor, room=floor * 100 + int(rng.integers(1, 21)))

    def canonical(self, place: Place) -> str:
        """The place as the registry writes it in full."""
        return (f"{self.prefix_full[place.county]}{place.road}{place.number}号{place.building}"
                f"{place.floor}楼{place.room}室")

    def written(self, place: Place, variant: bool, rng: np.random.Generator) -> str:
        """The place as one member wrote it: canonical, or one of the variants the normaliser folds."""
        if not variant:
            return self.canonical(place)
        prefixes = (self.prefix_full, self.prefix_city, self.prefix_county)
        which = int(rng.integers(0, 3))
        number_part, floor_part = f"{place.number}号", f"{place.floor}楼"
        style = int(rng.integers(0, 5))
        if style == 1:
            floor_part = f"{place.floor}F"
        elif style == 2:
            floor_part = f"{place.floor}层"
        elif style == 3:
            floor_part = f"{chinese_number(place.floor)}楼"
        elif style == 4:
            number_part = f"{place.number}#"
        body = f"{place.road}{number_part}{place.building}{floor_part}{place.room}室"
        if rng.random() < 0.5 or (style == 0 and which == 0):  # a variant must differ from the canonical text
            body = body.translate(_FULL_WIDTH)
        return str(prefixes[which][place.county]) + body


def _join(*parts: str) -> str:
    return "".join(dict.fromkeys(p for p in parts if p and p != "市辖区"))


def _small_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """House numbers: most below 200, a few up to 999."""
    return np.minimum(rng.geometric(1 / 120, n), 999)

