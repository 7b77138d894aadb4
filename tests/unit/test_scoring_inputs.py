"""Inputs of the scoring core: interchange files with monthly deltas, peer groups, evaluation tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from riskgraph.jobs.evaluation import projection_from_files
from riskgraph.scoring.evaluation import structure_table
from riskgraph.scoring.indicators import Extras, peer_rate
from riskgraph.scoring.model_file import load_model_config
from riskgraph.scoring.projection import FIRM_STATUSES, ROLES, industry_groups, region_codes
from riskgraph.scoring.reasons import render_reason
from tests.unit.test_scoring_core import projection

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CONFIG = load_model_config()
SALT = "unit-salt"
RENAMED = "91440305MA5DABCD2Y"  # its legal representative changes in the June delta; revoked then
NEW = "91440305MA5DABCE59"  # registered in June


@pytest.fixture()
def with_delta(tmp_path: Path) -> Path:
    """The minimal data set with its delta placed where the generator puts monthly deltas."""
    shutil.copytree(FIXTURES / "minimal", tmp_path / "set")
    shutil.copytree(FIXTURES / "minimal_delta", tmp_path / "set" / "deltas" / "2024-06")
    return tmp_path / "set"


def _legal_rep_labels(p, fid: str) -> list[str]:  # type: ignore[no-untyped-def]
    i = p.firm_index()[fid]
    rows = (p.mem_firm == i) & (p.mem_role == ROLES.index("legal_rep"))
    return sorted(str(p.conn_label[c]) for c in p.mem_conn[rows])


def test_deltas_up_to_the_month_are_applied_like_ingest_applies_them(with_delta: Path) -> None:
    may = projection_from_files(with_delta, "2024-05", SALT)
    june = projection_from_files(with_delta, "2024-06", SALT)
    assert NEW not in may.firm_index() and NEW in june.firm_index()  # the June delta is not read for May
    assert june.n_firms == 5
    status = dict(zip(june.firm_key, june.status, strict=True))
    assert FIRM_STATUSES[status[RENAMED]] == "revoked"  # a later firm row updates the earlier one
    assert _legal_rep_labels(may, RENAMED) == ["张*"]
    assert _legal_rep_labels(june, RENAMED) == ["王*"]  # closed by the delta (same key, until set), new one added
    kinds = {int(k) for k in june.ev_kind[june.ev_firm == june.firm_index()[RENAMED]]}
    assert len(kinds) == 4 and len(june.ev_firm) == len(may.ev_firm) + 2
    # region: given, or read from the USCC when the row leaves it blank; industry division as a number
    assert set(june.region.tolist()) == {440305}
    assert june.industry[june.firm_index()[RENAMED]] == (ord("F") - ord("A")) * 100 + 51


def test_region_and_industry_codes() -> None:
    keys = np.array(["91440513MA0000031W", "91441502MAYN7X040K", "ftm:x", "91441502MAYN7X040K"], dtype=object)
    assert region_codes(np.array(["440305", "", None, "44x"], dtype=object), keys).tolist() == \
        [440305, 441502, -1, -1]
    assert industry_groups(np.array(["C1311", "L7212", "", None, "Z12"], dtype=object)).tolist() == \
        [213, 1172, -1, -1, -1]


def test_peer_rate_compares_the_other_firms_of_a_county_with_the_province() -> None:
    # county 1: firms 0–3, firms 0 and 1 penalised; county 2: firms 4–7, none; firm 8 unknown county;
    # firm 9 in county 1 but cancelled (not counted)
    p = projection(10, events=[(0, "penalty", 30), (1, "penalty", 30), (9, "penalty", 30)])
    p.region[:] = [1, 1, 1, 1, 2, 2, 2, 2, -1, 1]
    p.status[9] = FIRM_STATUSES.index("cancelled")
    compute = next(i for i in CONFIG.indicators if i.id == "base.region_rate").compute.model_copy(
        update={"prior": 1.0})
    got = peer_rate(p, Extras(), compute)
    base = 2 / 8
    assert got[2] == pytest.approx((2 + base) / (3 + 1) / base)  # the other three in county 1 have two records
    assert got[0] == pytest.approx((1 + base) / (3 + 1) / base)  # its own record is left out
    assert got[4] == pytest.approx((0 + base) / (3 + 1) / base)
    assert got[8] == 1.0  # no county known: average


def test_structure_table_counts_caught_and_flagged_per_group() -> None:
    positive = np.array([1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], dtype=bool)
    ring = np.zeros(20, dtype=bool)
    ring[:4] = True
    own = np.linspace(1, 0, 20)  # firm 0 is first, so the top 5 % (one firm) is firm 0
    raised = own.copy()
    raised[1] = 2.0  # propagation puts firm 1 on top instead
    rows = structure_table({"ring": (ring, True)}, positive, {"own": own, "model": raised})
    assert rows == [{"structure_type": "ring", "risky": True, "firms": 4, "violators": 2,
                     "own": {"caught_top5": 1, "flagged_top5": 1, "auc_within": 1.0},
                     "model": {"caught_top5": 1, "flagged_top5": 1, "auc_within": 1.0}}]
    empty = structure_table({"none": (np.zeros(20, dtype=bool), False)}, positive, {"own": own})
    assert empty[0]["own"] == {"caught_top5": 0, "flagged_top5": 0, "auc_within": None}


def test_reasons_stored_by_an_earlier_model_still_render() -> None:
    old = {"type": "indicator", "id": "reg.penalty_count_36m", "value": 2.0, "points": 5.3}
    assert render_reason(old, CONFIG, "en") == "indicator reg.penalty_count_36m = 2 (+5.3 points)"
    assert "reg.penalty_count_36m" in render_reason(old, CONFIG, "zh")
    rule = {"type": "rule", "id": "retired_rule", "min_class": "C"}
    assert render_reason(rule, CONFIG, "en") == "hard rule retired_rule: at least class C"

