"""Parsers for OneRoster cell values: dates, datetimes, booleans, statuses, lists.

Each parser returns ``(value, problem)``; ``problem`` is None, or ``("warning"|"error", text)``.
The caller turns a problem into an issue that names the file, line and column.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from enum import StrEnum

Problem = tuple[str, str] | None


class Status(StrEnum):
    """What the row says about the record. Unknown statuses read as INACTIVE (fail closed)."""

    ACTIVE = "active"
    TOBEDELETED = "tobedeleted"
    INACTIVE = "inactive"


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")


def parse_date(text: str) -> tuple[date | None, Problem]:
    """ISO ``2023-01-05``; US ``1/05/2023`` (month first) with a warning; else an error."""
    text = text.strip()
    if not text:
        return None, None
    m = _ISO_DATE.match(text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])), None
        except ValueError:
            return None, ("error", f"{text!r} is not a real calendar date")
    m = _US_DATE.match(text)
    if m:
        month, day, year = int(m[1]), int(m[2]), m[3]
        if len(year) == 2:
            return None, ("error", f"{text!r} has a two-digit year; write YYYY-MM-DD")
        if month > 12:
            return None, (
                "error",
                f"{text!r} is day-first, not a US month/day date; the file's other slash "
                "dates are ambiguous too; write YYYY-MM-DD",
            )
        try:
            value = date(int(year), month, day)
        except ValueError:
            return None, ("error", f"{text!r} is not a real calendar date")
        return value, ("warning", f"{text!r} read as US month/day/year {value.isoformat()}")
    return None, ("error", f"{text!r} is not a date; write YYYY-MM-DD")


def parse_datetime(text: str) -> tuple[datetime | None, Problem]:
    """ISO 8601 datetime (``Z``, offset or none = UTC), a date (midnight UTC) or a US date."""
    text = text.strip()
    if not text:
        return None, None
    if len(text) > 10 and text[4:5] == "-":
        iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
        try:
            value = datetime.fromisoformat(iso)
        except ValueError:
            return None, ("error", f"{text!r} is not an ISO 8601 datetime")
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value, None
    day, problem = parse_date(text)
    if day is None:
        return None, problem
    return datetime(day.year, day.month, day.day, tzinfo=UTC), problem


_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def parse_bool(text: str) -> tuple[bool | None, Problem]:
    """``true``/``false`` in any case; ``yes``/``no``/``1``/``0`` with a warning."""
    low = text.strip().lower()
    if not low:
        return None, None
    if low == "true":
        return True, None
    if low == "false":
        return False, None
    if low in _TRUE:
        return True, ("warning", f"{text!r} read as true")
    if low in _FALSE:
        return False, ("warning", f"{text!r} read as false")
    return None, ("error", f"{text!r} is not true or false")


def parse_status(text: str, *, delta: bool) -> tuple[Status, Problem]:
    """Blank is ``active`` in a bulk file and an error in a delta file."""
    low = text.strip().lower()
    if low == "active":
        return Status.ACTIVE, None
    if low == "tobedeleted":
        return Status.TOBEDELETED, None
    if not low:
        if delta:
            return Status.INACTIVE, ("error", "status is required in a delta file")
        return Status.ACTIVE, None
    if low == "inactive":
        return Status.INACTIVE, (
            "warning",
            "'inactive' is not a OneRoster 1.1/1.2 status; read as "
            "inactive (the record is kept and deactivated)",
        )
    return Status.INACTIVE, ("warning", f"unknown status {text!r} read as inactive (fail closed)")


def split_list(text: str) -> tuple[str, ...]:
    """A OneRoster list cell: comma separated, blanks dropped."""
    if not text:
        return ()
    return tuple(part for part in (p.strip() for p in text.split(",")) if part)
