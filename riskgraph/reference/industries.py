"""GB/T 4754-2017 industry codes: a section letter, then optional division/group/class digits."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import yaml

_CODE = re.compile(r"^([A-T])(\d{2}(\d{1,2})?)?$")


@dataclass(frozen=True)
class Section:
    letter: str
    zh: str
    en: str
    first_division: int
    last_division: int

    def divisions(self) -> list[str]:
        return [f"{d:02d}" for d in range(self.first_division, self.last_division + 1)]


@lru_cache(maxsize=1)
def sections() -> dict[str, Section]:
    raw = yaml.safe_load((Path(__file__).with_name("industries.yaml")).read_text(encoding="utf-8"))
    return {
        letter: Section(letter, s["zh"], s["en"], s["divisions"][0], s["divisions"][1])
        for letter, s in raw["sections"].items()
    }


@lru_cache(maxsize=1)
def class_table() -> Mapping[str, tuple[str, ...]]:
    """Two-digit division → its four-digit GB/T 4754-2017 classes, from ``industry_classes.yaml`` (read-only)."""
    raw = yaml.safe_load((Path(__file__).with_name("industry_classes.yaml")).read_text(encoding="utf-8"))
    return MappingProxyType({str(division): tuple(str(c) for c in classes) for division, classes in raw.items()})


def classes_of_division(division: str) -> tuple[str, ...]:
    """The real four-digit classes of a two-digit division, e.g. "13" → ("1311", "1312", …); () if unknown."""
    return class_table().get(division, ())


def industry_problem(code: str) -> str | None:
    """Why ``code`` is not a valid industry code, or None when it is."""
    m = _CODE.match(code)
    if not m:
        return "not a GB/T 4754 code (a section letter A–T, then 2–4 digits, e.g. C1311)"
    letter, digits = m.group(1), m.group(2)
    if digits:
        section = sections()[letter]
        division = int(digits[:2])
        if not section.first_division <= division <= section.last_division:
            return (
                f"division {digits[:2]} is not in section {letter} "
                f"({section.first_division:02d}–{section.last_division:02d})"
            )
    return None


def section_of(code: str) -> str:
    return code[:1]


def division_of(code: str) -> str:
    return code[:3] if len(code) >= 3 else code
