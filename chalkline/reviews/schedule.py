"""Pure date rules of the review schedule (no ORM)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

UPCOMING_DAYS = 90


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class DueRow:
    policy_id: int
    number: str
    title: str
    last_action_on: date | None
    cycle_months: int
    next_review_on: date
    owner: str
    scheduled: bool
    days_left: int

    @property
    def state(self) -> str:
        if self.days_left < 0:
            return "overdue"
        return "upcoming" if self.days_left <= UPCOMING_DAYS else "later"
