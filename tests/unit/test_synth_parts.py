"""The generator's pure building blocks: identifiers, addresses, random streams, dates, the profile."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import yaml
from stdnum.cn import ric, uscc

from riskgraph.errors import ConfigError
from riskgraph.reference.addresses import normalise_address
from riskgraph.synth.addresses import AddressBook, chinese_number
from riskgraph.synth.codes import ric_codes, uscc_codes
from riskgraph.synth.geography import BirthPlaces, Geography, build_geography
from riskgraph.synth.population import nice_round
from riskgraph.synth.profile import DEFAULT_PROFILE, load_profile
from riskgraph.synth.randomness import Streams, zipf_counts
from riskgraph.synth.structures import hub_size, structure_count
from riskgraph.synth.timeline import Timeline, day
from riskgraph.synth.vocabulary import vocabulary


def test_uscc_codes_pass_stdnum_and_are_unique() -> None:
    rng = np.random.default_rng(0)
    n = 5000
    prefix = np.array(["91", "92", "93"], dtype=object)[rng.integers(0, 3, n)]
    region = np.array(["440103", "440305", "441802"], dtype=object)[rng.integers(0, 3, n)]
    new_style = rng.random(n) < 0.6
    codes = uscc_codes(np.arange(n), prefix, region, new_style, salt=12345)
    assert len(set(codes)) == n
    assert all(uscc.is_valid(c) for c in codes)
    assert all(c.startswith(str(p) + str(r)) for c, p, r in zip(codes, prefix, region, strict=True))
    assert all((c[8:10] == "MA") == bool(s) for c, s in zip(codes, new_style, strict=True))


def test_resident_ids_pass_stdnum_with_birth_place_date_and_sex() -> None:
    rng = np.random.default_rng(1)
    n = 3000
    birth = rng.integers(day(dt.date(1950, 1, 1)), day(dt.date(2004, 12, 31)), n)
    male = rng.random(n) < 0.5
    # many people of one county today; 440106 (天河区) was created in 1985, so older IDs carry another code
    years = birth.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    region = BirthPlaces().resolve(np.full(n, "440106", dtype=object), years, rng)
    assert (region[years >= 1990] == "440106").all() and (region[years < 1980] != "440106").all()
    assert {r[:2] for r in region} == {"44"}
    ids = ric_codes(region, birth, male, rng)
    assert len(set(ids)) == n
    assert all(ric.is_valid(i) for i in ids)
    for i, b, m in zip(ids[:200], birth[:200], male[:200], strict=True):
        assert ric.get_birth_date(i) == dt.date(1970, 1, 1) + dt.timedelta(days=int(b))
        assert (int(i[16]) % 2 == 1) == bool(m)  # odd sequence digit for men


def _address_book() -> tuple[Geography, AddressBook]:
    profile = load_profile()
    streams = Streams(3)
    geo = build_geography(profile, streams.rng("geography"))
    return geo, AddressBook(geo, vocabulary(), profile, streams.rng("address-book"))


def test_shared_places_written_differently_normalise_to_one_key() -> None:
    geo, book = _address_book()
    rng = np.random.default_rng(4)
    for county in range(0, geo.size, 7):
        place = book.office(county, rng)
        canonical = book.canonical(place)
        code = str(geo.codes[county])
        key = normalise_address(canonical, code).key
        variants = {book.written(place, True, rng) for _ in range(30)}
        assert canonical not in variants and len(variants) > 5
        assert {normalise_address(v, code).key for v in variants} == {key}, canonical


def test_ordinary_addresses_name_their_county() -> None:
    geo, book = _address_book()
    rng = np.random.default_rng(5)
    county = rng.integers(0, geo.size, 500)
    kind = rng.integers(0, 3, 500)
    texts = book.ordinary(county, kind, rng)
    assert all(t.startswith(geo.regions[c].province) and geo.regions[c].county in t
               for t, c in zip(texts, county, strict=True))
    assert len(set(texts)) > 490


def test_chinese_numbers_and_round_capitals() -> None:
    assert [chinese_number(n) for n in (1, 10, 12, 20, 35, 99)] == ["一", "十", "十二", "二十", "三十五", "九十九"]
    with pytest.raises(ValueError):
        chinese_number(100)
    values = np.array([0.3, 137.2, 137.2, 4380.0])
    assert nice_round(values, np.array([True, True, False, True])).tolist() == [1.0, 100.0, 140.0, 4000.0]


def test_named_streams_are_independent_and_repeatable() -> None:
    a, b = Streams(9), Streams(9)
    assert a.rng("names").random(5).tolist() == b.rng("names").random(5).tolist()
    assert a.rng("names").random(5).tolist() != a.rng("events").random(5).tolist()
    assert Streams(9).rng("names").random(5).tolist() != Streams(10).rng("names").random(5).tolist()
    with pytest.raises(ValueError):
        Streams(-1)


def test_zipf_counts_mostly_one_with_a_heavy_tail() -> None:
    counts = zipf_counts(np.random.default_rng(0), 100_000, 0.9, 2.5, 30)
    assert abs((counts == 1).mean() - 0.9) < 0.01
    assert counts.min() == 1 and counts.max() == 30
    assert (counts == 2).sum() > (counts == 3).sum() > (counts == 10).sum()


def test_structure_numbers_scale_with_the_registry() -> None:
    spec = load_profile().structures
    assert structure_count(1000, 4, 3) == 3 and structure_count(1_000_000, 4, 3) == 400
    assert hub_size(10_000, spec.state_asset_holder.holdings) == 100  # 1.0 × √10,000
    assert hub_size(100, spec.state_asset_holder.holdings) == spec.state_asset_holder.holdings.min
    assert hub_size(10**9, spec.state_asset_holder.holdings) == spec.state_asset_holder.holdings.max


def test_timeline_cuts_base_deltas_and_future_months() -> None:
    tl = Timeline.build(dt.date(2025, 11, 30), 3, 5, dt.date(2026, 3, 1), future_months=12)
    assert [p.label for p in tl.delta_periods()] == ["2025-12", "2026-01", "2026-02"]
    assert tl.last_end == dt.date(2026, 2, 28)
    assert tl.future_end == dt.date(2027, 2, 28)
    future = tl.future_period()
    assert (future.start, future.end) == (day(dt.date(2026, 2, 28)), day(dt.date(2027, 2, 28)))
    assert tl.window_start == dt.date(2020, 12, 1)
    with pytest.raises(ValueError, match="not a month end; use 2025-11-30"):
        Timeline.build(dt.date(2025, 11, 15), 0, 5, dt.date(2026, 3, 1))
    with pytest.raises(ValueError, match="after today"):
        Timeline.build(dt.date(2025, 11, 30), 4, 5, dt.date(2026, 3, 1))


def test_profile_errors_name_the_key(tmp_path: Path) -> None:
    raw = yaml.safe_load(DEFAULT_PROFILE.read_text(encoding="utf-8"))
    raw["population"]["kind_shares"]["individual"] = 0.5
    bad = tmp_path / "profile.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="kind_shares must sum to 1"):
        load_profile(bad)
    raw["population"]["kind_shares"]["individual"] = 0.27
    raw["structures"]["shell_ring"]["size"] = [30, 6]
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"shell_ring\.size must be \[low, high\]"):
        load_profile(bad)
