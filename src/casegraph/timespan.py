"""The days between two dates known to the day, the month or the year. Pure: no I/O.

A date of month or year precision could be any day of its month or year, so the days between
two such dates are a range (fewest to most), exact only when both dates are days. The rules are
those the stored questions used when they computed the range in SPARQL from the dates' text
(``queries/time-to-compliance.rq`` still does): the converter writes the range a case's time to
decision spans, so that questions read it instead of computing it for every case again.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Timespan", "day_range", "timespan"]


def day_range(text: str) -> tuple[int, int]:
    """The first and last day (proleptic Gregorian ordinals) a date's text may be:
    ``2005-03-01`` one day, ``2005-03`` its month, ``2005`` its year."""
    year = int(text[:4])
    if len(text) == 4:
        return datetime.date(year, 1, 1).toordinal(), datetime.date(year, 12, 31).toordinal()
    month = int(text[5:7])
    if len(text) == 7:
        last = calendar.monthrange(year, month)[1]
        return datetime.date(year, month, 1).toordinal(), datetime.date(year, month, last).toordinal()
    day = datetime.date.fromisoformat(text).toordinal()
    return day, day


@dataclass(frozen=True)
class Timespan:
    """The days from the earliest of some start dates to the earliest of some end dates."""

    start: str  # the earliest start date's text (as written: 2005, 2005-03, 2005-03-01)
    end: str
    days_min: int  # never below 0: an end that may fall before the start may also fall on it
    days_max: int
    precision: str  # "day" (days_min == days_max is the count), "month" or "year"

    @property
    def days(self) -> int | None:
        """The count, when both dates are days."""
        return self.days_min if self.precision == "day" else None


def timespan(starts: Iterable[str], ends: Iterable[str]) -> Timespan | None:
    """The span from the first of ``starts`` to the first of ``ends`` (dates' texts), or None
    when either is empty or the first end certainly falls before the first start (the dates
    contradict each other: no count of days would be true).

    "The first" of several dates is bounded on each side separately: it cannot begin before
    the earliest first day of any of them nor end after the earliest last day (``2005`` and
    ``2005-03-01``: the first falls between 1 January and 1 March 2005).
    """
    starts, ends = sorted(set(starts)), sorted(set(ends))
    if not starts or not ends:
        return None
    start_first, start_last = (min(bound) for bound in zip(*map(day_range, starts)))
    end_first, end_last = (min(bound) for bound in zip(*map(day_range, ends)))
    if end_last < start_first:
        return None
    if start_first == start_last and end_first == end_last:
        precision = "day"
    elif start_last - start_first < 31 and end_last - end_first < 31:
        precision = "month"
    else:
        precision = "year"
    return Timespan(starts[0], ends[0], max(0, end_first - start_last), end_last - start_first, precision)
