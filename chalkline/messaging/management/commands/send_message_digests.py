"""send-message-digests: the daily e-mail digest for people who chose one."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.messaging.services import queue_message_digests
from chalkline.people.models import District


class Command(BaseCommand):
    help = (
        "Queue one e-mail per digest reader with every hub message not yet e-mailed to them "
        "(urgent messages went at once). Idempotent: a message is claimed before it is queued, "
        "so a second run, or one on another host, sends nothing twice. Run it once a day."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--district", help="District slug (default: every district).")
        parser.add_argument("--now", help="ISO time to run as (tests and catch-up runs).")

    def handle(self, *args: Any, **options: Any) -> None:
        districts = District.objects.order_by("pk")
        if options["district"]:
            districts = districts.filter(slug=options["district"])
            if not districts.exists():
                raise CommandError(f"No district with slug {options['district']!r}.")
        now = None
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now: not an ISO date and time ({exc}).") from None
            if now.tzinfo is None:
                raise CommandError("--now: give a time zone (e.g. 2026-12-07T18:00+00:00).")
        queued = sum(queue_message_digests(district=d, now=now) for d in districts)
        self.stdout.write(f"Queued {queued:,} message digests.")
