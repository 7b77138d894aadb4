"""Names of persons and firms, composed in bulk from the vocabulary.

Person names: a surname drawn with its real frequency, then a common given name or
one or two given-name characters. Firm names follow the registry's pattern: region
(city, county or province) + trade name (字号) + industry word + organisational form
(``广州市鑫华贸易有限公司``, ``鑫华（广州）科技有限公司``); individual businesses
``天河区鑫华便利店``; cooperatives ``增城区鑫华种植专业合作社``. Names are unique
within the data set, as a registry requires within its jurisdiction.
"""

from __future__ import annotations

import numpy as np

from riskgraph.synth.geography import Geography
from riskgraph.synth.population import COOPERATIVE, ENTERPRISE, INDIVIDUAL
from riskgraph.synth.vocabulary import Vocabulary


def person_names(male: np.ndarray, vocab: Vocabulary, one_char_share: float, rng: np.random.Generator) -> np.ndarray:
    """One name per person (object array)."""
    n = len(male)
    surnames = np.array(vocab.surnames, dtype=object)[rng.choice(len(vocab.surnames), n, p=vocab.surname_weights)]
    chars_m = np.array(vocab.given_chars_male, dtype=object)
    chars_f = np.array(vocab.given_chars_female, dtype=object)
    first = np.where(male, chars_m[rng.integers(0, len(chars_m), n)], chars_f[rng.integers(0, len(chars_f), n)])
    second = np.where(male, chars_m[rng.integers(0, len(chars_m), n)], chars_f[rng.integers(0, len(chars_f), n)])
    common_m = np.array(vocab.given_male, dtype=object)
    common_f = np.array(vocab.given_female, dtype=object)
    common = np.where(male, common_m[rng.integers(0, len(common_m), n)], common_f[rng.integers(0, len(common_f), n)])
    style = rng.random(n)
    given = np.where(style < 0.3, common, np.where(style < 0.3 + one_char_share * 0.7, first, first + second))
    return surnames + given


def trade_names(n: int, vocab: Vocabulary, rng: np.random.Generator, length: int = 2) -> np.ndarray:
    """Trade names (字号) of ``length`` distinct characters."""
    chars = np.array(list(dict.fromkeys(vocab.list("trade_chars"))), dtype=object)
    picks = np.stack([rng.integers(0, len(chars), n) for _ in range(length)], axis=1)
    for col in range(1, length):  # avoid a repeated character ("鑫鑫")
        same = picks[:, col] == picks[:, col - 1]
        picks[same, col] = (picks[same, col] + 1) % len(chars)
    out = chars[picks[:, 0]]
    for col in range(1, length):
        out = out + chars[picks[:, col]]
    return out


def _word_table(vocab: Vocabulary, table: str, industry: np.ndarray, default: list[str] | None,
                rng: np.random.Generator) -> np.ndarray:
    """A word per firm from ``table``, looked up by division (C14) first, then by section (C)."""
    words = vocab.words[table]
    out = np.empty(len(industry), dtype=object)
    division = np.array([c[:3] for c in industry], dtype=object)
    section = np.array([c[:1] for c in industry], dtype=object)
    keys = np.where(np.isin(division, list(words)), division, section)
    for key in sorted(set(keys)):
        rows = np.flatnonzero(keys == key)
        options = words.get(key) or default
        if options is None:
            options = words["F51"] if "F51" in words else next(iter(words.values()))
        out[rows] = np.array(options, dtype=object)[rng.integers(0, len(options), len(rows))]
    return out


def firm_names(kind: np.ndarray, county: np.ndarray, industry: np.ndarray, large: np.ndarray,
               trade: np.ndarray, geo: Geography, vocab: Vocabulary, rng: np.random.Generator) -> np.ndarray:
    """Registered names composed from region, trade name, industry word and form (object array)."""
    n = len(kind)
    regions = geo.regions
    city = np.array([r.prefecture for r in regions], dtype=object)[county]
    city_short = np.array([_short(r.prefecture) for r in regions], dtype=object)[county]
    county_name = np.array([r.county for r in regions], dtype=object)[county]
    province_short = _short(geo.province_name)
    out = np.empty(n, dtype=object)

    ent = np.flatnonzero(kind == ENTERPRISE)
    word = _word_table(vocab, "enterprise_words", industry[ent], None, rng)
    forms = np.array(vocab.list("enterprise_forms"), dtype=object)
    large_forms = np.array(vocab.list("large_enterprise_forms"), dtype=object)
    form = np.where(large[ent], large_forms[rng.integers(0, len(large_forms), len(ent))],
                    forms[rng.integers(0, len(forms), len(ent))])
    style = rng.random(len(ent))
    t = trade[ent]
    out[ent] = np.where(
        style < 0.5, city[ent] + t + word + form,
        np.where(style < 0.75, city_short[ent] + t + word + form,
                 np.where(style < 0.85, county_name[ent] + t + word + form,
                          np.where(large[ent] & (style < 0.9), province_short + t + word + form,
                                   t + "（" + city_short[ent] + "）" + word + form))))

    ind = np.flatnonzero(kind == INDIVIDUAL)
    word = _word_table(vocab, "individual_words", industry[ind], vocab.list("individual_default_words"), rng)
    style = rng.random(len(ind))
    out[ind] = np.where(style < 0.7, county_name[ind] + trade[ind] + word,
                        city[ind] + county_name[ind] + trade[ind] + word)

    coop = np.flatnonzero(kind == COOPERATIVE)
    word = _word_table(vocab, "cooperative_words", industry[coop], vocab.list("cooperative_default_words"), rng)
    out[coop] = county_name[coop] + trade[coop] + word
    return out


def make_unique(names: np.ndarray, rebuild, rng: np.random.Generator, rounds: int = 20) -> np.ndarray:
    """Rename duplicates (all but the first of each name) with ``rebuild(rows, attempt)`` until none are left."""
    names = names.copy()
    for attempt in range(rounds):
        _, first = np.unique(names.astype(str), return_index=True)
        dup = np.ones(len(names), dtype=bool)
        dup[first] = False
        rows = np.flatnonzero(dup)
        if len(rows) == 0:
            return names
        names[rows] = rebuild(rows, attempt)
    raise AssertionError("could not make firm names unique; enlarge the trade-name vocabulary")


def branch_name(parent_name: str, county_name: str) -> str:
    """``广州市鑫华贸易有限公司天河分公司``."""
    return f"{parent_name}{_short(county_name)}分公司"


_ADMIN_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
                   "特别行政区", "省", "市", "区", "县")


def _short(name: str) -> str:
    """Place name without its administrative suffix (广州市 → 广州, 广东省 → 广东, 天河区 → 天河)."""
    for suffix in _ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name
