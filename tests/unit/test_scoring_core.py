"""The pure scoring core on small arrays whose right answers are known by reasoning."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from riskgraph.months import day_number, month_end
from riskgraph.scoring.classify import class_mix, classify
from riskgraph.scoring.engine import score_projection
from riskgraph.scoring.evaluation import auc, precision_at
from riskgraph.scoring.indicators import DAYS_PER_MONTH
from riskgraph.scoring.model_file import load_model_config
from riskgraph.scoring.projection import (
    EVENT_KINDS,
    ROLES,
    Projection,
    existing_firms,
    status_as_of,
    ymd_to_days,
)
from riskgraph.scoring.propagation import propagate_risk
from riskgraph.scoring.reasons import render_reason

CONFIG = load_model_config()
PROP = CONFIG.propagation
AS_OF = day_number(date(2026, 6, 30))
LR, OFFICER, SHAREHOLDER, ADDRESS = (ROLES.index(r) for r in ("legal_rep", "officer", "shareholder", "address"))


def projection(n: int, members: list[tuple[int, int, int]] = (), links: list[tuple[int, int, int, float]] = (),  # type: ignore[assignment]
               events: list[tuple[int, str, int]] = (), conn_kinds: list[int] | None = None) -> Projection:  # type: ignore[assignment]
    """``members``: (connector, firm, role); ``links``: (src, dst, kind, ratio); ``events``: (firm, kind, days ago)."""
    n_conn = max((m[0] for m in members), default=-1) + 1
    z = np.zeros
    return Projection(
        month="2026-06", as_of=AS_OF,
        firm_key=np.array([f"F{i}" for i in range(n)], dtype=object),
        firm_name=np.array([f"公司{i}" for i in range(n)], dtype=object),
        kind=z(n, np.int8), status=z(n, np.int8), key_area=np.full(n, -1, np.int8),
        capital=np.full(n, 500.0), established=np.full(n, AS_OF - 3650, np.int32),
        ev_firm=np.array([e[0] for e in events], np.int32),
        ev_kind=np.array([EVENT_KINDS.index(e[1]) for e in events], np.int8),
        ev_day=np.array([AS_OF - e[2] for e in events], np.int32),
        ev_severity=np.full(len(events), 3, np.int8), ev_result=np.full(len(events), -1, np.int8),
        conn_key=np.array([f"c{i}" for i in range(n_conn)], dtype=object),
        conn_kind=np.array(conn_kinds or [0] * n_conn, np.int8),
        conn_label=np.array([f"张{i}*" for i in range(n_conn)], dtype=object),
        mem_conn=np.array([m[0] for m in members], np.int32), mem_firm=np.array([m[1] for m in members], np.int32),
        mem_role=np.array([m[2] for m in members], np.int8), mem_ratio=np.full(len(members), np.nan, np.float32),
        link_src=np.array([x[0] for x in links], np.int32), link_dst=np.array([x[1] for x in links], np.int32),
        link_kind=np.array([x[2] for x in links], np.int8), link_ratio=np.array([x[3] for x in links], np.float32),
    )


def test_dates_and_months() -> None:
    assert month_end("2024-02") == date(2024, 2, 29)
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_end("2024-13")
    ymd = np.array([19700101, 20240229, 20261231])
    assert ymd_to_days(ymd).tolist() == [0, day_number(date(2024, 2, 29)), day_number(date(2026, 12, 31))]


def test_shared_legal_rep_carries_risk_one_way_without_echo() -> None:
    # firms 0 and 1 share a legal representative and an address; only firm 0 emits
    p = projection(2, [(0, 0, LR), (0, 1, LR), (1, 0, ADDRESS), (1, 1, ADDRESS)], conn_kinds=[0, 1])
    res = propagate_risk(p, np.array([1.0, 0.0]), PROP)
    assert res.received[1] > 0.3
    assert res.received[0] == 0.0  # its own risk never comes back over either connector


def test_exempt_hub_spreads_nothing_and_a_large_hub_spreads_little() -> None:
    n = 301
    members = [(0, i, ADDRESS) for i in range(n)]
    p = projection(n, members, conn_kinds=[1])
    emission = np.zeros(n)
    emission[0] = 1.0
    diluted = propagate_risk(p, emission, PROP)
    assert diluted.aggregate_memberships == n  # above pair_limit: handled as an aggregate, not 90,000 pairs
    assert diluted.received[1:].max() < 0.002
    p.conn_exempt[:] = True
    exempt = propagate_risk(p, emission, PROP)
    assert exempt.received.max() == 0.0
    p.conn_exempt[:] = False
    p.firm_exempt[0] = True  # an exempt firm passes nothing either
    assert propagate_risk(p, emission, PROP).received.max() == 0.0


def test_shareholding_cycle_converges_with_little_echo() -> None:
    p = projection(3, links=[(0, 1, 0, 0.6), (1, 2, 0, 0.6), (2, 0, 0, 0.6)])
    cfg = PROP.model_copy(update={"hops": 100, "tolerance": 1e-12})
    res = propagate_risk(p, np.array([1.0, 0.0, 0.0]), cfg)
    assert res.converged and res.iterations < 100
    assert res.received[1] > res.received[2] > res.received[0] >= 0
    assert res.received[0] < PROP.decay_per_hop ** 3  # only round the 3-cycle, damped


def test_control_direction_matters() -> None:
    # firm 0 holds 80 % of firm 1; risk flows parent → subsidiary more strongly than back
    p = projection(2, links=[(0, 1, 0, 0.8)])
    down = propagate_risk(p, np.array([1.0, 0.0]), PROP).received[1]
    up = propagate_risk(p, np.array([0.0, 1.0]), PROP).received[0]
    assert down > up > 0


def test_reordering_does_not_change_the_answer() -> None:
    rng = np.random.default_rng(3)
    n = 200
    members = [(int(c), int(f), int(r)) for c, f, r in zip(rng.integers(0, 60, 500), rng.integers(0, n, 500),
                                                          rng.integers(0, 4, 500), strict=True)]
    p = projection(n, members, links=[(1, 2, 0, 0.5), (3, 4, 1, np.nan)])
    e = rng.random(n) * (rng.random(n) < 0.2)
    a = propagate_risk(p, e, PROP, reorder=True).received
    b = propagate_risk(p, e, PROP, reorder=False).received
    np.testing.assert_allclose(a, b, atol=1e-12)


def test_indicators_respect_windows_and_list_state() -> None:
    p = projection(4, events=[
        (0, "penalty", 30), (0, "penalty", 62 * 31),  # one inside 60 months, one outside
        (1, "abnormal_list_in", 100), (1, "abnormal_list_out", 50),  # listed then removed: past, not current
        (2, "dishonest_list_in", 10),
    ])
    r = score_projection(p, CONFIG, with_reasons=False)
    ids = [i.id for i in CONFIG.indicators]
    assert r.raw[0, ids.index("reg.penalty_count_60m")] == 1
    assert r.raw[0, ids.index("reg.penalty_recency")] == pytest.approx(30 / DAYS_PER_MONTH)
    assert r.raw[1, ids.index("reg.abnormal_current")] == 0 and r.raw[1, ids.index("reg.abnormal_past")] == 1
    assert r.cls[2] == 3  # dishonest → D by rule
    assert r.cls[3] == 0 and r.score[3] < r.score[0]


def test_hard_rules_raise_but_never_lower_and_thresholds_apply() -> None:
    t = CONFIG.classes.thresholds
    score = np.array([0.0, t["B"], t["C"] - 0.01, t["D"], 0.0, 99.0])
    hits = np.zeros((6, len(CONFIG.hard_rules)), dtype=bool)
    rule_ids = [r.id for r in CONFIG.hard_rules]
    hits[4, rule_ids.index("abnormal_list")] = True
    hits[5, rule_ids.index("abnormal_list")] = True
    c = classify(score, np.zeros(6, np.int8), hits, CONFIG)
    assert c.cls.tolist() == [0, 1, 1, 3, 2, 3]
    assert c.rules_fired[4, rule_ids.index("abnormal_list")] and not c.rules_fired[5].any()
    assert class_mix(c.cls) == {"A": 1 / 6, "B": 2 / 6, "C": 1 / 6, "D": 2 / 6}


def test_key_area_firms_use_their_own_indicator_set() -> None:
    p = projection(2, events=[(0, "penalty", 30), (1, "penalty", 30)])
    p.key_area[1] = 0  # food
    r = score_projection(p, CONFIG, with_reasons=False)
    assert r.indicator_set.tolist() == [0, 1]
    assert r.score[1] > r.score[0]  # serious penalties weigh more in the life-safety set


def test_reasons_name_the_connector_and_render_in_both_languages() -> None:
    # firm 0 dishonest; firm 1 shares its legal representative; firm 2 unrelated
    p = projection(3, [(0, 0, LR), (0, 1, LR)], events=[(0, "dishonest_list_in", 10)])
    r = score_projection(p, CONFIG)
    kinds = [x["type"] for x in r.reasons[1]]
    assert "connector" in kinds
    conn = next(x for x in r.reasons[1] if x["type"] == "connector")
    assert conn["label"] == "张0*" and conn["classes"] == {"D": 1} and conn["dishonest"] == 1
    assert conn["examples"] == [{"fid": "F0", "name": "公司0", "class": "D"}]
    zh, en = render_reason(conn, CONFIG, "zh"), render_reason(conn, CONFIG, "en")
    assert "法定代表人 张0*" in zh and "公司0（D 类）" in zh
    assert "legal representative 张0* is also linked to 1 other firm(s), 1 of them class D" in en
    assert r.reasons[0][0] == {"type": "rule", "id": "dishonest_list", "min_class": "D"}
    for firm_reasons in r.reasons:
        for reason in firm_reasons:
            assert render_reason(reason, CONFIG, "zh") and render_reason(reason, CONFIG, "en")
    assert r.reasons[2] == [x for x in r.reasons[2] if x["type"] in ("indicator", "clean")]


def test_ranking_metrics() -> None:
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], bool)
    perfect = np.arange(10, 0, -1, dtype=float)
    assert auc(perfect, y) == 1.0 and auc(-perfect, y) == 0.0
    assert auc(np.ones(10), y) == 0.5  # all tied: chance
    assert precision_at(perfect, y, 0.1) == 1.0 and precision_at(perfect, y, 0.5) == 0.4


def test_address_reason_says_of_them_once() -> None:
    reason = {"type": "connector", "via": "address", "role": "address", "label": "深圳市福田区某路1号", "key": "a",
              "others": 57, "classes": {"D": 2, "C": 3}, "abnormal": 12, "dishonest": 0, "examples": [],
              "points": 2.5}
    zh, en = render_reason(reason, CONFIG, "zh"), render_reason(reason, CONFIG, "en")
    assert zh == ("与 57 户主体共用住所“深圳市福田区某路1号”，其中 12 户列入经营异常名录，"
                  "D 类 2 户、C 类 3 户（+2.5 分）")
    assert en == ("shares the address 深圳市福田区某路1号 with 57 firms, 12 of them on the abnormal-operation list, "
                  "2 class D and 3 class C (+2.5 points)")
    plain = render_reason({**reason, "abnormal": 0}, CONFIG, "zh")
    assert "，其中 D 类 2 户" in plain


def test_firms_established_after_the_month_end_are_left_out() -> None:
    # firm 1 is established after the month end; its records and links go with it
    p = projection(3, [(0, 0, LR), (0, 1, LR), (0, 2, LR)], links=[(1, 2, 0, 0.5), (0, 2, 0, 0.5)],
                   events=[(1, "penalty", 0), (2, "penalty", 10)])
    p.established[1] = AS_OF + 5
    q = existing_firms(p)
    assert list(q.firm_key) == ["F0", "F2"]
    assert list(q.ev_firm) == [1] and sorted(q.mem_firm.tolist()) == [0, 1]
    assert list(zip(q.link_src.tolist(), q.link_dst.tolist(), strict=True)) == [(0, 1)]
    assert existing_firms(q) is q


def test_status_at_a_month_end_undoes_later_changes() -> None:
    current = np.array(["revoked", "cancelled", "active"], dtype=object)
    changes = [["2026-07:active"], ["2026-05:active", "2026-08:revoked"], []]
    assert status_as_of(current, changes, "2026-06").tolist() == ["active", "revoked", "active"]
    assert status_as_of(current, changes, "2026-04").tolist() == ["active", "active", "active"]
    assert status_as_of(current, changes, "2026-08").tolist() == ["revoked", "cancelled", "active"]


@pytest.mark.parametrize("n", [0, 1])
def test_a_month_without_firms_or_links_scores(n: int) -> None:
    r = score_projection(projection(n), CONFIG)
    assert len(r.score) == n and len(r.reasons) == n


def test_windows_are_calendar_months_and_a_past_listing_counts_to_its_removal() -> None:
    def ago(d: date) -> int:
        return AS_OF - day_number(d)

    ids = [i.id for i in CONFIG.indicators]
    p = projection(3, events=[(0, "penalty", ago(date(2021, 6, 30))), (1, "penalty", ago(date(2021, 7, 1))),
                              (2, "abnormal_list_in", ago(date(2023, 2, 10))),
                              (2, "abnormal_list_out", ago(date(2026, 5, 20)))])
    r = score_projection(p, CONFIG)
    assert r.raw[:2, ids.index("reg.penalty_count_60m")].tolist() == [0, 1]  # July 2021 – June 2026
    assert r.raw[2, ids.index("reg.abnormal_past")] == 1  # listed 40 months ago, on the list until May


def test_a_listed_address_is_exempt_in_its_own_county_only() -> None:
    from riskgraph.scoring.config import ExemptHubs
    from riskgraph.scoring.projection import mark_exempt

    p = projection(4, [(0, 0, ADDRESS), (1, 1, ADDRESS), (2, 2, ADDRESS), (3, 3, ADDRESS)], conn_kinds=[1, 1, 1, 1])
    p.conn_key = np.array(["440304:人民路1号", "440305:人民路1号", "110105:人民路1号", "000000:人民路1号"],
                          dtype=object)
    mark_exempt(p, ExemptHubs(addresses=("深圳市福田区人民路1号",)), "salt")
    assert p.conn_exempt.tolist() == [True, False, False, True]  # Futian (or unknown); not Nanshan, not Beijing
