from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.people.models import District
from chalkline.reviews.services import send_review_reminders


class Command(BaseCommand):
    help = (
        "E-mail the owner of every policy review due within --days days (or overdue), once per "
        "next-review date, through the outbox. Idempotent. Run it daily."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--district", help="District slug (default: every district).")
        parser.add_argument("--days", type=int, default=60, help="How far ahead (default 60).")

    def handle(self, *args: Any, **options: Any) -> None:
        districts = District.objects.order_by("pk")
        if options["district"]:
            districts = districts.filter(slug=options["district"])
            if not districts.exists():
                raise CommandError(f"No district with slug {options['district']!r}.")
        sent = sum(
            send_review_reminders(district=d, by=None, days_before=options["days"])
            for d in districts
        )
        self.stdout.write(f"Queued {sent:,} policy review reminders.")
