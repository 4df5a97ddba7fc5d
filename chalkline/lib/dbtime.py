"""Datetimes read with a plain cursor, made as the ORM makes them."""

from __future__ import annotations

from datetime import UTC, datetime


def aware_utc(value: datetime | str) -> datetime:
    """A datetime column read with a plain cursor: PostgreSQL returns it aware; SQLite returns the
    stored UTC value naive (or as text). Either way, an aware datetime."""
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
