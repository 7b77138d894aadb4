"""Named, independent random streams derived from one seed.

Each part of the generator asks for its own stream by name, so adding a draw in one
part never shifts the numbers another part sees, and the same seed always gives the
same bytes. Names are hashed with CRC-32 (stable across processes, unlike ``hash``).
"""

from __future__ import annotations

import zlib

import numpy as np


class Streams:
    def __init__(self, seed: int):
        if seed < 0:
            raise ValueError("seed must be ≥ 0")
        self.seed = seed

    def rng(self, name: str) -> np.random.Generator:
        """A fresh generator for the part called ``name``."""
        return np.random.default_rng(np.random.SeedSequence([self.seed, zlib.crc32(name.encode())]))


def zipf_counts(rng: np.random.Generator, n: int, one_share: float, exponent: float, maximum: int) -> np.ndarray:
    """``n`` counts ≥ 1: 1 with probability ``one_share``, else 2…maximum with P(k) ∝ k^-exponent."""
    counts = np.ones(n, dtype=np.int64)
    if maximum < 2:
        return counts
    many = rng.random(n) >= one_share
    ks = np.arange(2, maximum + 1)
    p = ks.astype(float) ** -exponent
    counts[many] = rng.choice(ks, size=int(many.sum()), p=p / p.sum())
    return counts


def pick(rng: np.random.Generator, options: list[str], size: int) -> np.ndarray:
    """``size`` uniform draws from ``options`` as an object array of str."""
    arr = np.array(options, dtype=object)
    return arr[rng.integers(0, len(arr), size)]
