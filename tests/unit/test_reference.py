"""Pure rules: identifiers, region and industry codes, address normalisation, the format document."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskgraph.ingest.format_doc import render_markdown
from riskgraph.reference.addresses import normalise_address
from riskgraph.reference.identifiers import (
    firm_id_problem,
    mask_name,
    mask_person_id,
    person_id_problem,
    person_key,
)
from riskgraph.reference.industries import industry_problem
from riskgraph.reference.regions import region, region_from_text


def test_uscc_check_character_is_verified_and_named() -> None:
    assert firm_id_problem("91110000600037341L") is None
    reason = firm_id_problem("91110000600037341X")
    assert reason and "expected 'L'" in reason
    assert "18 characters" in (firm_id_problem("9111") or "")
    assert firm_id_problem("ftm:NK-123") is None


def test_resident_id_checks_digit_birth_date_and_place() -> None:
    assert person_id_problem("110105197003030032") is None
    assert "expected 'X'" in (person_id_problem("110105194912310021") or "")
    assert "birth" in (person_id_problem("110105194913310021") or "")  # month 13
    # 南山区 (440305) did not exist in 1980: a number claiming birth there then is impossible.
    assert "birth" in (person_id_problem("440305198001010013") or "")


def test_person_key_is_salted_and_masking_hides_the_middle() -> None:
    a, b = person_key("110105197003030032", "s1"), person_key("110105197003030032", "s2")
    assert a != b and a.startswith("p:") and "110105197003030032" not in a
    assert mask_person_id("110105197003030032") == "110*************32"
    assert mask_name("张三丰") == "张**"
    assert mask_name("John Smith") == "J*** S****"


@pytest.mark.parametrize(("code", "ok"), [("C", True), ("C13", True), ("C1311", True), ("A13", False),
                                          ("Z", False), ("C1", False), ("c13", False)])
def test_industry_codes(code: str, ok: bool) -> None:
    assert (industry_problem(code) is None) is ok


def test_regions_from_code_and_text() -> None:
    r = region("440305")
    assert r and (r.province, r.prefecture, r.county) == ("广东省", "深圳市", "南山区")
    assert region_from_text("广东省深圳市南山区科技园路1号") == "440305"
    assert region_from_text("北京市朝阳区建国路8号") == "110105"
    assert region_from_text("朝阳区建国路8号") is None  # several 朝阳区: ambiguous, no guess


@pytest.mark.parametrize("variant", [
    "广东省深圳市南山区科技园路１号 三楼",
    "深圳市南山区科技园路1号3F",
    "中国广东省深圳市南山区 科技园路 1 號 3 樓",
    "深圳市南山区科技园路1号三层",
    "南山区科技园路1号（3层）",
])
def test_one_place_written_many_ways_is_one_address(variant: str) -> None:
    assert normalise_address(variant, None if "深圳" in variant else "440305").key == "440305:科技园路1号3楼"


def test_different_places_stay_apart() -> None:
    assert normalise_address("深圳市南山区科技园路1号3楼").key != normalise_address("深圳市南山区科技园路1号4楼").key
    assert normalise_address("深圳市南山区科技园路1号").key != normalise_address("深圳市福田区科技园路1号").key


def test_format_document_is_generated_from_the_model() -> None:
    committed = (Path(__file__).resolve().parents[2] / "docs" / "data-format.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), "regenerate: python -m riskgraph.ingest.format_doc > docs/data-format.md"


def test_person_id_check_agrees_with_stdnum_on_random_numbers() -> None:
    """The remembered birth-place lookup must accept and refuse exactly what stdnum does."""
    import random

    from stdnum.cn import ric

    from riskgraph.reference.identifiers import person_id_problem

    rng = random.Random(5)
    places = ["440305", "110101", "999999", "440300", "510104", "350203", "220581"]
    for _ in range(3000):
        body = (rng.choice(places) + str(rng.randint(1930, 2010)) + f"{rng.randint(1, 13):02d}"
                + f"{rng.randint(1, 31):02d}" + f"{rng.randint(0, 999):03d}")
        check = ric.calc_check_digit(body + "0") if rng.random() < 0.9 else rng.choice("0123456789X")
        number = body + check
        assert (person_id_problem(number) is None) == ric.is_valid(number), number
