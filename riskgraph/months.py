"""Months as the service names them (``YYYY-MM``): parsed in one place, for every layer."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

_EPOCH = date(1970, 1, 1).toordinal()


def month_end(month: str) -> date:
    """Last day of ``YYYY-MM``; refuses anything else with a message saying the form."""
    try:
        year, mon = (int(p) for p in month.split("-"))
        if len(month) != 7 or not 1 <= mon <= 12 or year < 1:
            raise ValueError
    except ValueError:
        raise ValueError(f"month must look like 2026-06 (YYYY-MM), got {month!r}") from None
    return date(year, mon, calendar.monthrange(year, mon)[1])


def day_number(d: date) -> int:
    """Days since 1970-01-01: the date unit of the scoring projection."""
    return d.toordinal() - _EPOCH


def ymd_number(d: date) -> int:
    """``YYYYMMDD`` as an integer: the date unit of the raw tables."""
    return d.year * 10000 + d.month * 100 + d.day


@dataclass(frozen=True)
class Month:
    """A checked month: its ``YYYY-MM`` text and its last day. Parse once at the edge, pass this inward."""

    text: str
    end: date

    @classmethod
    def of(cls, month: Month | str) -> Month:
        """``month`` checked (refused with the form it must take), or as it is when it already is a Month."""
        return month if isinstance(month, Month) else cls(month, month_end(month))

    def __str__(self) -> str:
        return self.text
