"""Weekly office hours, pure: parse "08:00-11:30, 13:00-15:30", tell whether a moment is inside
them and when they next open."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-\u2013]\s*(\d{1,2}):(\d{2})\s*$")

Hours = dict[str, list[list[str]]]


class OfficeHoursError(ValueError):
    pass


def parse_day(day: str, text: str) -> list[list[str]]:
    """``"08:00-11:30, 13:00-15:30"`` as ``[["08:00","11:30"],["13:00","15:30"]]``; empty
    text is a closed day. Raises OfficeHoursError naming the day and the problem."""
    out: list[list[str]] = []
    for part in [p for p in text.split(",") if p.strip()]:
        m = _RANGE.match(part)
        if m is None:
            raise OfficeHoursError(f"{day}: write hours as 08:00-15:30 (not {part.strip()!r}).")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if not (h1 < 24 and h2 <= 24 and m1 < 60 and m2 < 60):
            raise OfficeHoursError(f"{day}: {part.strip()} is not a time of day.")
        start, end = f"{h1:02}:{m1:02}", f"{h2:02}:{m2:02}"
        if end <= start:
            raise OfficeHoursError(f"{day}: {part.strip()} ends before it starts.")
        out.append([start, end])
    out.sort()
    for (_, end), (start, _) in zip(out, out[1:], strict=False):
        if start < end:
            raise OfficeHoursError(f"{day}: the hours overlap.")
    return out


def format_day(ranges: list[list[str]]) -> str:
    return ", ".join(f"{a}-{b}" for a, b in ranges)


def _t(text: str) -> time:
    h, m = (int(x) for x in text.split(":"))
    return time(23, 59, 59) if h == 24 else time(h, m)


def is_open(hours: Hours, at: datetime) -> bool:
    day = hours.get(str(at.weekday()), [])
    return any(_t(a) <= at.time() < _t(b) for a, b in day)


def next_opening(hours: Hours, at: datetime) -> datetime | None:
    """The next start of office hours after ``at`` (same time zone), None when never open."""
    for offset in range(8):
        day = at + timedelta(days=offset)
        for start, _ in hours.get(str(day.weekday()), []):
            opening = datetime.combine(day.date(), _t(start), tzinfo=at.tzinfo)
            if opening > at:
                return opening
    return None
