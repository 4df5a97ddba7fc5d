from __future__ import annotations

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.messaging.services import release_held_messages


def parse_now(value: str | None) -> datetime.datetime | None:
    """``--now`` (ISO 8601 with an offset), for replaying a run; the real clock otherwise."""
    if not value:
        return None
    try:
        when = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now: {value!r} is not an ISO 8601 date and time.") from exc
    if when.tzinfo is None:
        raise CommandError("--now: give the offset too, e.g. 2026-12-07T07:00:00-06:00.")
    return when


class Command(BaseCommand):
    help = (
        "Deliver the staff-to-student messages held for quiet hours whose window has ended. "
        "Idempotent (each message is claimed by a conditional UPDATE): run it every few minutes."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--now", help="Act as if it were this time (ISO 8601, with offset).")

    def handle(self, *args: Any, **options: Any) -> None:
        released = release_held_messages(now=parse_now(options["now"]))
        self.stdout.write(f"Released {released:,} held messages.")
