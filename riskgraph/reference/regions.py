"""GB/T 2260 administrative region codes, read from the table that python-stdnum ships.

The table carries historical names in brackets (``[1990-]南山区``); only names valid today
are used for display and address matching, but every code that ever existed is accepted
as a region code because registries keep old codes on old firms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_PERIOD = re.compile(r"^\[(\d{4})?-(\d{4})?\](.*)$")


@dataclass(frozen=True)
class Region:
    code: str
    province: str
    prefecture: str
    county: str
    current: bool

    @property
    def name(self) -> str:
        parts = [self.province, self.prefecture, self.county]
        return "".join(dict.fromkeys(p for p in parts if p and p != "市辖区"))


def _current_name(raw: str) -> tuple[str, bool]:
    """Pick today's name from entries like ``[1983-1989]南头区办事处,[1990-]南山区``."""
    fallback = ""
    for entry in raw.split(","):
        m = _PERIOD.match(entry)
        if not m:
            return entry, True
        _, until, name = m.groups()
        if until is None:
            return name, True
        fallback = name
    return fallback, False


@lru_cache(maxsize=1)
def region_table() -> dict[str, Region]:
    """All six-digit codes known to the table, keyed by code."""
    provinces, entries = _read_loc()
    prefectures = {code[:4]: _current_name(raw)[0] for code, raw in entries.items() if code[4:] == "00"}
    table: dict[str, Region] = {}
    for code, raw in entries.items():
        name, current = _current_name(raw)
        province = provinces.get(code[:2], "")
        if code[2:] == "0000":
            table[code] = Region(code, province, "", "", current)
        elif code[4:] == "00":
            table[code] = Region(code, province, name, "", current)
        else:
            table[code] = Region(code, province, prefectures.get(code[:4], ""), name, current)
    for prov_code, prov_name in provinces.items():
        table.setdefault(prov_code + "0000", Region(prov_code + "0000", prov_name, "", "", True))
    return table


def _read_loc() -> tuple[dict[str, str], dict[str, str]]:
    """Province names by two-digit code and raw county entries by six-digit code."""
    import stdnum

    provinces: dict[str, str] = {}
    entries: dict[str, str] = {}
    prov = ""
    with open(stdnum.__path__[0] + "/cn/loc.dat", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            if not line.startswith(" "):
                prov, _, rest = line.strip().partition(" ")
                m = re.search(r'province="([^"]*)"', rest)
                provinces[prov] = _current_name(m.group(1))[0] if m else ""
                continue
            code, _, rest = line.strip().partition(" ")
            m = re.search(r'county="([^"]*)"', rest)
            if m:
                entries[prov + code] = m.group(1)
    return provinces, entries


def is_region(code: str) -> bool:
    return code in region_table()


def region(code: str) -> Region | None:
    return region_table().get(code)


@lru_cache(maxsize=1)
def county_codes() -> list[str]:
    """Current county-level codes (the level at which firms are registered)."""
    return sorted(
        c for c, r in region_table().items() if r.current and c[4:] != "00" and r.county and r.county != "市辖区"
    )


@lru_cache(maxsize=1)
def _names_for_matching() -> list[tuple[str, str]]:
    """(name, code) pairs for current counties and prefectures, longest names first."""
    pairs: list[tuple[str, str]] = []
    for code, r in region_table().items():
        if not r.current:
            continue
        if r.county and r.county != "市辖区" and len(r.county) >= 2:
            pairs.append((r.province + r.county, code))
            pairs.append((r.prefecture + r.county, code))
            pairs.append((r.county, code))
    pairs.sort(key=lambda p: -len(p[0]))
    return pairs


def region_from_text(text: str) -> str | None:
    """Guess the county code of an address from the names in its text, or None.

    A county name alone can be ambiguous (several 朝阳区); the longest match with its
    prefecture wins, and a bare county name is used only when it is unique.
    """
    matches: dict[str, set[str]] = {}
    for name, code in _names_for_matching():
        if name in text:
            matches.setdefault(name, set()).add(code)
    if not matches:
        return None
    best = max(matches, key=len)
    codes = matches[best]
    return next(iter(codes)) if len(codes) == 1 else None
