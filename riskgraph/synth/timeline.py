"""Dates of a generated data set: the base as-of date, the delta months and the future months.

Dates are handled as whole days since 1970-01-01 in int64 arrays; ``NEVER`` marks an
open end. The base snapshot holds everything up to ``as_of``; delta month *k* holds what
happened in that calendar month; the ``future_months`` after the last one hold the future
events kept as ground truth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

EPOCH = dt.date(1970, 1, 1)
NEVER = np.int64(2**40)  # an open end: later than any real day
YEAR = 365.25  # days: rates in the profile are per year


def day(d: dt.date) -> int:
    """Days since 1970-01-01."""
    return (d - EPOCH).days


def to_date(days: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(days))


def month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def add_months(d: dt.date, months: int) -> dt.date:
    """The end of the month ``months`` after the month of ``d``."""
    index = d.year * 12 + d.month - 1 + months
    return month_end(index // 12, index % 12 + 1)


def years_before(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


@dataclass(frozen=True)
class Period:
    """A half-open interval of days (start, end]: what a slice of the data set covers."""

    label: str  # "base", "2026-07", …, "future"
    start: int  # exclusive; -inf for the base
    end: int  # inclusive


@dataclass(frozen=True)
class Timeline:
    as_of: dt.date
    months: int
    history_years: int
    future_months: int = 12

    @classmethod
    def build(cls, as_of: dt.date, months: int, history_years: int, today: dt.date,
              future_months: int = 12) -> Timeline:
        """Check the dates and build the timeline; errors say how to fix the arguments."""
        if as_of != month_end(as_of.year, as_of.month):
            raise ValueError(f"--as-of {as_of.isoformat()} is not a month end; use "
                             f"{month_end(as_of.year, as_of.month).isoformat()}")
        if months < 0:
            raise ValueError("--months must be ≥ 0")
        tl = cls(as_of, months, history_years, future_months)
        if tl.last_end > today:
            raise ValueError(f"--as-of {as_of.isoformat()} with --months {months} ends on "
                             f"{tl.last_end.isoformat()}, after today ({today.isoformat()}); "
                             "use fewer months or an earlier --as-of")
        return tl

    @property
    def last_end(self) -> dt.date:
        """The last day any input file may mention."""
        return add_months(self.as_of, self.months)

    @property
    def future_end(self) -> dt.date:
        return add_months(self.as_of, self.months + self.future_months)

    @property
    def window_start(self) -> dt.date:
        """First day of the event history written to the base snapshot."""
        return years_before(self.as_of, self.history_years) + dt.timedelta(days=1)

    def delta_periods(self) -> list[Period]:
        out = []
        for k in range(self.months):
            start, end = add_months(self.as_of, k), add_months(self.as_of, k + 1)
            out.append(Period(f"{end.year:04d}-{end.month:02d}", day(start), day(end)))
        return out

    def base_period(self) -> Period:
        return Period("base", -(2**40), day(self.as_of))

    def future_period(self) -> Period:
        return Period("future", day(self.last_end), day(self.future_end))
