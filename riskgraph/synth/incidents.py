"""Regulatory and social records drawn from latent risk: penalties, inspections, complaints, pledges, commitments.

Each kind is a Poisson process over the firm's live days inside the event window, with
a yearly rate ``base + slope × risk`` (penalties: ``risk^power``, more in key areas).
Inspections are sampled without regard to risk (double-random), but their outcome is
not: failing and "not found at the registered address" grow with risk, and the latter
puts the firm on the abnormal list. Serious penalties can bring the dishonesty list.
"""

from __future__ import annotations

import numpy as np

from riskgraph.synth.lifecycle import COUNTY, PREFECTURE, Lifecycle, add_dishonest, resolution_day
from riskgraph.synth.population import ENTERPRISE, KEY_AREAS, FirmFrame
from riskgraph.synth.profile import Profile
from riskgraph.synth.timeline import YEAR, Timeline, day
from riskgraph.synth.vocabulary import Vocabulary
from riskgraph.synth.world import INSPECTION_RESULTS, Rows, add_events


def live_window(frame: FirmFrame, life: Lifecycle, timeline: Timeline) -> tuple[np.ndarray, np.ndarray]:
    """[start, stop) days in which a firm can have events: inside the event window, alive, up to the horizon."""
    start = np.maximum(frame.established, day(timeline.window_start))
    stop = np.minimum(life.end, day(timeline.future_end) + 1)
    return start, np.maximum(stop, start)


def poisson_dates(rate_per_year: np.ndarray, start: np.ndarray, stop: np.ndarray,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Firm numbers and days of a Poisson process with the given yearly rates over [start, stop)."""
    span = stop - start
    counts = rng.poisson(np.maximum(rate_per_year, 0.0) * span / YEAR)
    firms = np.repeat(np.arange(len(span)), counts)
    dates = start[firms] + (rng.random(len(firms)) * span[firms]).astype(np.int64)
    order = np.lexsort((dates, firms))
    return firms[order], dates[order]


def draw_incidents(frame: FirmFrame, risk: np.ndarray, life: Lifecycle, timeline: Timeline, profile: Profile,
                   vocab: Vocabulary, events: Rows, rng: np.random.Generator) -> None:
    """Append penalties, inspections (and the listings they cause), complaints, pledges and commitments."""
    ev = profile.events
    start, stop = live_window(frame, life, timeline)
    key_area = frame.key_area
    area_name = np.array([*KEY_AREAS, "general"], dtype=object)[np.where(key_area >= 0, key_area, len(KEY_AREAS))]

    # penalties
    p = ev.penalty
    rate = (p.base + p.slope * risk**p.power) * np.where(key_area >= 0, p.key_area_multiplier, 1.0)
    firms, dates = poisson_dates(rate, start, stop, rng)
    up = np.minimum(0.95, p.serious_base + p.serious_slope * risk[firms])
    severity = 1 + rng.binomial(2, up)
    amount = np.round(np.array(p.amount_median_cny)[severity - 1] * rng.lognormal(0.0, p.amount_sigma, len(firms)),
                      -2)
    amount = np.maximum(amount, 100.0)
    reasons = vocab.words["penalty_reasons"]
    detail = np.empty(len(firms), dtype=object)
    for area in sorted(set(area_name[firms])):
        rows = np.flatnonzero(area_name[firms] == area)
        options = reasons.get(area, []) + reasons["general"]
        detail[rows] = np.array(options, dtype=object)[rng.integers(0, len(options), len(rows))]
    add_events(events, firms, "penalty", dates, severity=severity, amount=amount,
               authority=np.where(severity == 3, PREFECTURE, COUNTY), detail=detail)
    serious = np.flatnonzero((severity == 3) & (rng.random(len(firms)) < ev.dishonest_list.after_serious_penalty))
    lo, hi = ev.dishonest_list.penalty_delay_days
    listed = dates[serious] + rng.integers(lo, hi + 1, len(serious))
    ok = listed < life.end[firms[serious]]
    f = firms[serious][ok]
    add_dishonest(events, f, listed[ok], risk[f], life.end[f], vocab.words["dishonest_reasons"]["serious_penalty"],
                  profile, vocab, rng)

    # double-random inspections: sampled regardless of risk, results depend on it
    ins = ev.inspection
    area_rate = np.array([ins.key_area_rate.get(a, 0.0) for a in KEY_AREAS] + [0.0])
    rate = ins.rate + area_rate[np.where(key_area >= 0, key_area, len(KEY_AREAS))]
    firms, dates = poisson_dates(rate, start, stop, rng)
    u = rng.random(len(firms))
    not_found = u < ins.not_found_base + ins.not_found_slope * risk[firms]
    fail = ~not_found & (u < ins.not_found_base + ins.not_found_slope * risk[firms]
                         + ins.fail_base + ins.fail_slope * risk[firms])
    result = np.where(not_found, INSPECTION_RESULTS.index("not_found"),
                      np.where(fail, INSPECTION_RESULTS.index("fail"), INSPECTION_RESULTS.index("pass")))
    add_events(events, firms, "inspection", dates, result=result, authority=COUNTY,
               detail=vocab.words["inspection_detail"])
    nf = firms[not_found]
    al = ev.abnormal_list
    list_in = dates[not_found] + rng.integers(al.delay_days[0], al.delay_days[1] + 1, len(nf))
    ok = list_in < life.end[nf]
    nf, list_in = nf[ok], list_in[ok]
    add_events(events, nf, "abnormal_list_in", list_in, authority=COUNTY,
               detail=vocab.words["abnormal_reasons"]["not_found"])
    list_out = resolution_day(list_in, risk[nf], al.resolve_base, al.resolve_mean_days, rng)
    out = list_out < life.end[nf]
    add_events(events, nf[out], "abnormal_list_out", list_out[out], authority=COUNTY,
               detail=vocab.words["abnormal_out_reasons"]["not_found"])

    # complaints, for consumer-facing trades
    c = ev.complaint
    facing = np.isin(np.array([code[0] for code in frame.industry], dtype=object), c.sections)
    firms, dates = poisson_dates(np.where(facing, c.base + c.slope * risk, 0.0), start, stop, rng)
    severity = 1 + rng.binomial(2, np.minimum(0.95, c.serious_base + c.serious_slope * risk[firms]))
    topics = np.array(vocab.list("complaint_topics"), dtype=object)
    add_events(events, firms, "complaint", dates, severity=severity,
               detail=topics[rng.integers(0, len(topics), len(firms))])

    # equity pledges by enterprises with registered capital
    e = ev.equity_pledge
    can = (frame.kind == ENTERPRISE) & ~np.isnan(frame.capital)
    firms, dates = poisson_dates(np.where(can, e.base + e.slope * risk, 0.0), start, stop, rng)
    amount = np.round(frame.capital[firms] * 10_000 * rng.uniform(*e.share_of_capital, len(firms)), -3)
    add_events(events, firms, "equity_pledge", dates, amount=np.maximum(amount, 1000.0))

    # credit commitments (signed when applying for permits): slightly more common among sound firms
    k = ev.credit_commitment
    firms, dates = poisson_dates(k.base + k.slope * risk, start, stop, rng)
    add_events(events, firms, "credit_commitment", dates)
