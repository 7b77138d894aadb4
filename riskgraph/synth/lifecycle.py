"""A firm's life with the registry: annual reports, the abnormal and dishonesty lists, revocation, closing.

Simulated report year by report year, because each step depends on the last: a firm
that misses its annual report (due 30 June of the next year) is put on the abnormal
list; most file late and come off, risky ones stay; three years on the list bring the
serious-dishonesty list, and many such firms have their licence revoked (吊销). Firms
also close voluntarily (注销) at a rate that rises with risk. Events are produced with
their real dates; ``writer`` decides which of them each output slice shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from riskgraph.synth.population import INDIVIDUAL, FirmFrame
from riskgraph.synth.profile import Profile
from riskgraph.synth.timeline import NEVER, YEAR, Timeline, day
from riskgraph.synth.vocabulary import Vocabulary
from riskgraph.synth.world import Rows, add_events

ACTIVE, REVOKED, CANCELLED = 0, 1, 2
COUNTY, PREFECTURE = 1, 2


@dataclass
class Lifecycle:
    end: np.ndarray  # day the firm was revoked or cancelled, NEVER while it lasts
    end_status: np.ndarray  # REVOKED or CANCELLED from ``end`` on


def first_shown_report_year(timeline: Timeline, years_shown: int) -> int:
    """Earliest report year whose filed/missing records are written (the last ``years_shown`` due by the as-of)."""
    as_of = timeline.as_of
    last_due = as_of.year - 1 if as_of >= dt.date(as_of.year, 6, 30) else as_of.year - 2
    return last_due - years_shown + 1


def simulate_lifecycle(frame: FirmFrame, risk: np.ndarray, timeline: Timeline, profile: Profile, vocab: Vocabulary,
                       events: Rows, rng: np.random.Generator) -> Lifecycle:
    """End dates and statuses, plus annual-report, abnormal-list and dishonesty-list events."""
    ev = profile.events
    n = frame.size
    horizon = day(timeline.future_end)
    window = day(timeline.window_start)
    est = frame.established

    hazard = (ev.cancellation.base + ev.cancellation.slope * risk) * np.where(
        frame.kind == INDIVIDUAL, ev.cancellation.individual_multiplier, 1.0)
    cancel = est + 1 + (rng.exponential(1.0, n) / hazard * YEAR).astype(np.int64)
    end = np.where(cancel <= horizon, cancel, NEVER)
    status = np.where(end < NEVER, CANCELLED, ACTIVE)

    reasons = vocab.words["abnormal_reasons"]
    out_reasons = vocab.words["abnormal_out_reasons"]
    dishonest = vocab.words["dishonest_reasons"]
    ar = ev.annual_report
    listed_in = np.full(n, NEVER, dtype=np.int64)
    listed_out = np.full(n, NEVER, dtype=np.int64)
    shown_from = first_shown_report_year(timeline, profile.calendar.annual_report_years_shown)
    p_miss = np.minimum(ar.missing_cap, ar.missing_base + ar.missing_slope * risk**ar.missing_power)
    for year in range(profile.calendar.annual_report_first_year, timeline.future_end.year):
        due = day(dt.date(year + 1, 6, 30))
        if due - 181 > horizon:
            break
        eligible = (est <= day(dt.date(year, 12, 31))) & (end > due)
        on_list = (listed_in <= due) & (listed_out > due)
        missing = eligible & (rng.random(n) < np.where(on_list, ar.missing_while_listed, p_miss))
        filed = np.flatnonzero(eligible & ~missing)
        missed = np.flatnonzero(missing)
        if year >= shown_from:
            filing_day = due - 181 + (rng.beta(ar.filing_beta[0], ar.filing_beta[1], len(filed)) * 181).astype(np.int64)
            add_events(events, filed, "annual_report_filed", filing_day, year=np.full(len(filed), year))
            add_events(events, missed, "annual_report_missing", np.full(len(missed), due + 1),
                       year=np.full(len(missed), year))
        new = missed[~on_list[missed]]
        lo, hi = ev.abnormal_list.delay_days
        list_in = due + 1 + rng.integers(lo, hi + 1, len(new))
        list_out = resolution_day(list_in, risk[new], ev.abnormal_list.resolve_base,
                                  ev.abnormal_list.resolve_mean_days, rng)
        list_out = np.where(list_out < end[new], list_out, NEVER)
        listed_in[new], listed_out[new] = list_in, list_out
        shown = list_in >= window
        add_events(events, new[shown], "abnormal_list_in", list_in[shown], authority=COUNTY,
                   detail=reasons["annual_report"])
        out = shown & (list_out < NEVER)
        add_events(events, new[out], "abnormal_list_out", list_out[out], authority=COUNTY,
                   detail=out_reasons["annual_report"])
        # still listed: the dishonesty list after three years, and often revocation
        stuck = new[list_out == NEVER]
        stuck_in = list_in[list_out == NEVER]
        dishonest_in = stuck_in + int(ev.dishonest_list.after_abnormal_years * YEAR) + rng.integers(0, 31, len(stuck))
        revoke = stuck_in + (rng.uniform(*ev.revocation.after_years, len(stuck)) * YEAR).astype(np.int64)
        revoked = (rng.random(len(stuck)) < ev.revocation.share) & (revoke < end[stuck])
        status[stuck[revoked]] = REVOKED
        end[stuck[revoked]] = revoke[revoked]
        goes = (dishonest_in < end[stuck]) & (dishonest_in >= window)
        add_dishonest(events, stuck[goes], dishonest_in[goes], risk[stuck[goes]], end[stuck[goes]],
                      dishonest["abnormal_years"], profile, vocab, rng)
    status[end == NEVER] = ACTIVE
    return Lifecycle(end, status)


def resolution_day(start: np.ndarray, risk: np.ndarray, base: float, mean_days: float,
                rng: np.random.Generator) -> np.ndarray:
    """Day a listing ends: P(ever) = base × (1 − risk), after an exponential delay; NEVER otherwise."""
    resolves = rng.random(len(start)) < base * (1.0 - risk)
    delay = 1 + rng.exponential(mean_days, len(start)).astype(np.int64)
    return np.where(resolves, start + delay, NEVER)


def add_dishonest(events: Rows, firms: np.ndarray, dates: np.ndarray, risk: np.ndarray, end: np.ndarray, reason: str,
                  profile: Profile, vocab: Vocabulary, rng: np.random.Generator) -> None:
    """Dishonesty-list entries, and the credit repairs that take some firms off again."""
    spec = profile.events.dishonest_list
    add_events(events, firms, "dishonest_list_in", dates, authority=PREFECTURE, detail=reason)
    repaired = rng.random(len(firms)) < spec.repair_share * (1.0 - risk)
    out = dates + 365 + rng.exponential(spec.repair_mean_days, len(firms)).astype(np.int64)
    keep = repaired & (out < end)
    add_events(events, firms[keep], "dishonest_list_out", out[keep], authority=PREFECTURE,
               detail=vocab.words["dishonest_out_reason"])
