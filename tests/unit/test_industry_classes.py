"""The GB/T 4754-2017 class table, and generated firms that only carry real classes from it."""

from __future__ import annotations

import datetime as dt

from riskgraph.reference.industries import class_table, classes_of_division, industry_problem, sections
from riskgraph.synth.geography import build_geography
from riskgraph.synth.population import draw_population
from riskgraph.synth.profile import load_profile
from riskgraph.synth.randomness import Streams
from riskgraph.synth.timeline import Timeline

# Two public listings of the 2017 edition agree on 1,381 classes (the 2017 text counts 1,380, and
# 1,382 are quoted after Amendment No. 1 of 2019); see the header of industry_classes.yaml.
CLASSES = 1381
GROUPS = 473


def test_the_table_holds_every_class_once_under_its_own_division() -> None:
    table = class_table()
    codes = [c for classes in table.values() for c in classes]
    assert len(codes) == len(set(codes)) == CLASSES
    assert len({c[:3] for c in codes}) == GROUPS
    for division, classes in table.items():
        assert len(division) == 2 and division.isdigit()
        assert classes and list(classes) == sorted(classes)
        assert all(len(c) == 4 and c.isdigit() and c.startswith(division) for c in classes), division


def test_every_division_of_every_section_has_classes() -> None:
    divisions = {d for s in sections().values() for d in s.divisions()}
    assert len(divisions) == 97
    assert set(class_table()) == divisions
    assert all(classes_of_division(d) for d in divisions)
    assert classes_of_division("98") == ()


def test_the_table_is_the_2017_edition() -> None:
    codes = {c for classes in class_table().values() for c in classes}
    # new in 2017: internet wholesale and retail, IoT, digital content, supply-chain management, …
    assert {"0111", "1311", "5193", "5292", "6531", "6532", "6572", "7224", "3741", "9700"} <= codes
    # 2011 classes split or recoded in 2017
    assert not {"0170", "0230", "0530", "6510"} & codes


def test_a_generated_population_only_has_real_classes() -> None:
    profile = load_profile()
    streams = Streams(11)
    geo = build_geography(profile, streams.rng("geography"))
    timeline = Timeline.build(dt.date(2025, 12, 31), 2, profile.calendar.event_history_years, dt.date(2026, 3, 1))
    frame = draw_population(6000, 400, timeline, geo, profile, streams.rng("population"))
    codes = frame.industry.tolist()
    assert len(codes) == 6400
    for code in codes:
        assert industry_problem(code) is None and len(code) == 5, code
        assert code[1:] in classes_of_division(code[1:3]), code
    assert len(set(codes)) > 300  # many classes, not a handful
