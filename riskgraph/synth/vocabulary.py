"""Word lists for names and addresses: ``vocabulary.yaml`` plus Faker's zh_CN name tables.

Faker is read once for its static tables (surnames with frequencies, common given
names); nothing here calls Faker per name, which would be far too slow for a million firms.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yaml")


@dataclass(frozen=True)
class Vocabulary:
    surnames: list[str]
    surname_weights: np.ndarray  # sums to 1
    given_male: list[str]  # Faker's common given names
    given_female: list[str]
    given_chars_male: list[str]
    given_chars_female: list[str]
    words: dict  # the rest of vocabulary.yaml, as written

    def list(self, name: str) -> list[str]:
        value = self.words[name]
        assert isinstance(value, list), name
        return value


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The word lists, loaded once per process."""
    from faker.providers.person.zh_CN import Provider

    raw = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    surnames = list(Provider.last_names.keys())
    weights = np.array(list(Provider.last_names.values()), dtype=float)
    return Vocabulary(
        surnames=surnames,
        surname_weights=weights / weights.sum(),
        given_male=list(Provider.first_names_male),
        given_female=list(Provider.first_names_female),
        given_chars_male=list(dict.fromkeys(raw["given_name_chars"]["male"])),
        given_chars_female=list(dict.fromkeys(raw["given_name_chars"]["female"])),
        words=raw,
    )
