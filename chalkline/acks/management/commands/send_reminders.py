from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.acks.services import run_reminder_ladder
from chalkline.people.models import District


class Command(BaseCommand):
    help = (
        "Queue the reminders and escalations due today (each step once per assignment, even "
        "with several workers); their e-mail goes to the outbox (sent by the task or "
        "`chalkline send-mail`, outside quiet hours). Idempotent."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--district", help="District slug (default: every district).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be queued; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        district = None
        if options["district"]:
            district = District.objects.filter(slug=options["district"]).first()
            if district is None:
                raise CommandError(f"No district with slug {options['district']!r}.")
        result = run_reminder_ladder(district=district, dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(
                f"Would queue {result.reminders:,} reminders and {result.escalations:,} "
                "escalations (dry run)."
            )
            return
        self.stdout.write(
            f"Queued {result.reminders:,} reminders and {result.escalations:,} escalations."
        )
