"""The drawn timeline of a case: every dated event of ``case-timeline``, laid out for an SVG.

A date known to the day is drawn as a point; a date known only to the month or the year as a
span over that month or year, so the drawing never claims more precision than the sources give.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from .questions import Row

__all__ = ["TimelineMark", "Timeline", "layout_timeline", "date_span"]

LABEL_WIDTH = 430   # the text column: date, kind and what happened
PLOT_WIDTH = 520    # the time axis
ROW_HEIGHT = 20
TOP = 34            # room for the year labels


def date_span(text: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a date text (YYYY, YYYY-MM or YYYY-MM-DD) may stand for."""
    try:
        if len(text) == 4:
            year = int(text)
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if len(text) == 7:
            year, month = int(text[:4]), int(text[5:7])
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        day = dt.date.fromisoformat(text[:10])
        return day, day
    except ValueError:
        return None


@dataclass
class TimelineMark:
    """One row of the drawing."""

    date: str
    precision: str
    event: str
    kind: str
    section: str
    description: str
    locator: str
    y: float
    x: float
    width: float

    @property
    def is_span(self) -> bool:
        return self.precision in ("month", "year")


@dataclass
class Timeline:
    """The laid-out timeline: marks, year ticks, and the SVG's size."""

    marks: list[TimelineMark] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    width: int = LABEL_WIDTH + PLOT_WIDTH + 40
    height: int = TOP
    label_width: int = LABEL_WIDTH
    first: str = ""
    last: str = ""


def layout_timeline(rows: Sequence[Row]) -> Timeline:
    """Lay out the rows of ``case-timeline`` (in its order) on one time axis."""
    spans = [(row, date_span(str(row.get("date") or ""))) for row in rows]
    spans = [(row, span) for row, span in spans if span is not None]
    timeline = Timeline()
    if not spans:
        return timeline
    start = dt.date(min(s[0] for _, s in spans).year, 1, 1)
    end = dt.date(max(s[1] for _, s in spans).year + 1, 1, 1)
    total = (end - start).days or 1

    def x(day: dt.date) -> float:
        return LABEL_WIDTH + 10 + PLOT_WIDTH * (day - start).days / total

    years = range(start.year, end.year + 1)
    step = max(1, len(years) // 12)
    timeline.ticks = [(x(dt.date(year, 1, 1)), str(year)) for year in years if (year - start.year) % step == 0]
    for n, (row, (first, last)) in enumerate(spans):
        left = x(first)
        timeline.marks.append(TimelineMark(
            date=str(row.get("date") or ""), precision=str(row.get("precision") or ""),
            event=str(row.get("event") or ""), kind=str(row.get("kind") or ""),
            section=str(row.get("section") or ""), description=str(row.get("description") or ""),
            locator=str(row.get("version_locator") or ""), y=TOP + n * ROW_HEIGHT + ROW_HEIGHT / 2,
            x=left, width=max(3.0, x(last + dt.timedelta(days=1)) - left)))
    timeline.height = TOP + len(spans) * ROW_HEIGHT + 10
    timeline.first, timeline.last = timeline.marks[0].date, timeline.marks[-1].date
    return timeline
